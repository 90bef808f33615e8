/*
 * benchrun.exe ROUNDS COMMAND...: runs each command once per round, in
 * turns (round r starts with command r modulo their number, so that none
 * always comes first), after a warm-up round that is not reported.
 *
 * Everything goes to stderr, where the runs' own stderr goes too (and,
 * under Wine, their trace channels): before each run
 *
 *   benchrun: run ROUND COMMAND
 *
 * then what the run wrote there (mobsync.exe's mobsync_timing line,
 * programs/mobsync/timing.c, or the floor's), then
 *
 *   benchrun: done ROUND COMMAND EXIT-CODE WALL-MS
 *
 * WALL-MS is the whole process's time, from CreateProcess to its end. The
 * warm-up runs are ROUND -1. A command is one argument: "[NAME=VALUE ...]
 * PROGRAM ARGUMENTS", the variables set for that run only. Its stdout goes
 * to a file, rewritten by each run, as a script's output would. Started
 * inside the prefix, it keeps Wine's start-up of the measuring program out
 * of the figures.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"

#define MAX_VARIABLES 8

static WCHAR out_path[MAX_PATH];

/* Sets the command's variables; gives where its command line starts. */
static WCHAR *set_variables(WCHAR *command, WCHAR names[][64], unsigned int *count)
{
    WCHAR *p = command, *end, *equal;

    *count = 0;
    for (;;)
    {
        p += wcsspn(p, L" \t");
        end = p + wcscspn(p, L" \t");
        equal = wcschr(p, '=');
        if (!equal || equal > end || equal == p || *count == MAX_VARIABLES
                || equal - p >= 64)
            return p;
        memcpy(names[*count], p, (equal - p) * sizeof(WCHAR));
        names[*count][equal - p] = 0;
        if (*end) *end++ = 0;
        SetEnvironmentVariableW(names[(*count)++], equal + 1);
        p = end;
    }
}

static HANDLE open_output(const WCHAR *path)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };

    return CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, CREATE_ALWAYS, 0, NULL);
}

static void run(int round, int index, const WCHAR *command)
{
    WCHAR *copy = _wcsdup(command), *cmdline, names[MAX_VARIABLES][64];
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    LARGE_INTEGER freq, t0, t1;
    unsigned int count, i;
    DWORD code = 255;

    cmdline = set_variables(copy, names, &count);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = open_output(out_path);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    fprintf(stderr, "benchrun: run %d %d\n", round, index);
    fflush(stderr);
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    if (CreateProcessW(NULL, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        if (WaitForSingleObject(pi.hProcess, 300000))
        {
            TerminateProcess(pi.hProcess, 255);
            fprintf(stderr, "benchrun: killed after 300 s: %ls\n", cmdline);
            WaitForSingleObject(pi.hProcess, INFINITE);
        }
        QueryPerformanceCounter(&t1);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    else
    {
        fprintf(stderr, "benchrun: cannot start %ls: error %lu\n", cmdline, GetLastError());
        QueryPerformanceCounter(&t1);
    }
    CloseHandle(si.hStdOutput);
    for (i = 0; i < count; i++) SetEnvironmentVariableW(names[i], NULL);
    free(copy);
    fprintf(stderr, "benchrun: done %d %d %lu %.3f\n", round, index, code,
            (t1.QuadPart - t0.QuadPart) * 1000.0 / freq.QuadPart);
    fflush(stderr);
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    WCHAR dir[MAX_PATH];
    int rounds, commands, r, i;

    if (argc < 3) return 2;
    rounds = _wtoi(argv[1]);
    commands = argc - 2;
    GetTempPathW(ARRAYSIZE(dir), dir);
    swprintf(out_path, ARRAYSIZE(out_path), L"%lsbenchrun-%lu.out", dir, GetCurrentProcessId());
    for (i = 0; i < commands; i++) run(-1, i, argv[2 + i]);
    for (r = 0; r < rounds; r++)
        for (i = 0; i < commands; i++) run(r, (r + i) % commands, argv[2 + (r + i) % commands]);
    DeleteFileW(out_path);
    return 0;
}
