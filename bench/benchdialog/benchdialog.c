/*
 * benchdialog RUNS ITEMS [EXE]: opens Items to Synchronize (plain mobsync,
 * or EXE: make bench BASE= installs another under its own name) for the
 * no-op benchmark handler with ITEMS items, RUNS times, each dialog then
 * closed, and runs "EXE /list" of the same handler as often, in turns.
 * Prints a line per run: the milliseconds from starting the dialog's
 * process to the dialog showing every item with every handler answered,
 * and those of the /list process, start to end.
 *
 * benchdialog progress [EXE]: the same for the Progress benchmark handler,
 * whose one item is then synchronized with Synchronize, so that its
 * Progress calls are made with the progress dialog shown; the handler
 * writes its figures where BENCH_RESULT says (bench/bench.h).
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <stdio.h>
#include <stdlib.h>
#include <windows.h>
#include <commctrl.h>

#include "../bench.h"

/* programs/mobsync/resource.h */
#define IDC_CHOICE_LIST   202
#define IDC_CHOICE_STATUS 203
#define IDC_CHOICE_SYNC   206

struct find
{
    DWORD pid;
    HWND found;
};

static BOOL CALLBACK find_proc(HWND window, LPARAM lparam)
{
    struct find *find = (struct find *)lparam;
    WCHAR title[64];
    DWORD pid;

    GetWindowThreadProcessId(window, &pid);
    if (pid != find->pid || !GetWindowTextW(window, title, ARRAYSIZE(title))
            || wcscmp(title, L"Items to Synchronize"))
        return TRUE;
    find->found = window;
    return FALSE;
}

/* One run: the time until the list is complete in ms, 0 when it never
 * was; then Synchronize when asked, else Close. */
static double open_once(const WCHAR *cmdline, unsigned int rows, BOOL synchronize)
{
    PROCESS_INFORMATION pi;
    STARTUPINFOW si = { sizeof(si) };
    WCHAR line[512];
    LARGE_INTEGER freq, t0, t1;
    struct find find;
    DWORD start;
    double ms = 0;
    HWND dialog = NULL;

    lstrcpynW(line, cmdline, ARRAYSIZE(line));
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    start = GetTickCount();
    if (!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return 0;
    find.pid = pi.dwProcessId;
    while (GetTickCount() - start < 60000)
    {
        find.found = NULL;
        if (!dialog)
        {
            EnumWindows(find_proc, (LPARAM)&find);
            dialog = find.found;
        }
        if (dialog && !IsWindowVisible(GetDlgItem(dialog, IDC_CHOICE_STATUS))
                && SendMessageW(GetDlgItem(dialog, IDC_CHOICE_LIST), LVM_GETITEMCOUNT, 0, 0) == (LRESULT)rows)
        {
            QueryPerformanceCounter(&t1);
            ms = (t1.QuadPart - t0.QuadPart) * 1000.0 / freq.QuadPart;
            break;
        }
        if (!WaitForSingleObject(pi.hProcess, 2)) break;
    }
    if (dialog) PostMessageW(dialog, WM_COMMAND, synchronize ? IDC_CHOICE_SYNC : IDCANCEL, 0);
    if (WaitForSingleObject(pi.hProcess, 60000)) TerminateProcess(pi.hProcess, 1);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return ms;
}

/* A /list process, from its start to its end, in ms; 0 when it failed. */
static double list_once(const WCHAR *cmdline)
{
    PROCESS_INFORMATION pi;
    STARTUPINFOW si = { sizeof(si) };
    LARGE_INTEGER freq, t0, t1;
    WCHAR line[512];
    DWORD code = 1;

    lstrcpynW(line, cmdline, ARRAYSIZE(line));
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    if (CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
    {
        if (WaitForSingleObject(pi.hProcess, 60000)) TerminateProcess(pi.hProcess, 1);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    QueryPerformanceCounter(&t1);
    CloseHandle(si.hStdOutput);
    return code ? 0 : (t1.QuadPart - t0.QuadPart) * 1000.0 / freq.QuadPart;
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    WCHAR cmdline[512], list[512], value[16];
    unsigned int runs, items, i;
    double dialog;
    const WCHAR *exe;

    /* The dialogs, whatever the prefix's Headless value says. */
    SetEnvironmentVariableW(L"MOBSYNC_HEADLESS", L"0");
    if (argc >= 2 && !wcscmp(argv[1], L"progress"))
    {
        exe = argc > 2 ? argv[2] : L"mobsync.exe";
        swprintf(cmdline, ARRAYSIZE(cmdline), L"%ls /handler:{B3C4B3C4-0000-4000-8000-0000000000%02X}",
                 exe, BENCH_PROGRESS);
        return open_once(cmdline, 2, TRUE) ? 0 : 1;
    }
    if (argc < 3) return 2;
    runs = _wtoi(argv[1]);
    items = _wtoi(argv[2]);
    exe = argc > 3 ? argv[3] : L"mobsync.exe";
    swprintf(value, ARRAYSIZE(value), L"%u", items);
    SetEnvironmentVariableW(L"BENCH_ITEMS", value);
    swprintf(cmdline, ARRAYSIZE(cmdline), L"%ls /handler:{B3C4B3C4-0000-4000-8000-0000000000%02X}", exe,
             BENCH_NOOP_FIRST);
    swprintf(list, ARRAYSIZE(list), L"%ls /list /handler:{B3C4B3C4-0000-4000-8000-0000000000%02X}", exe,
             BENCH_NOOP_FIRST);
    for (i = 0; i < runs; i++)
    {
        dialog = open_once(cmdline, items + 1, FALSE);
        printf("%.1f %.1f\n", dialog, list_once(list));
        fflush(stdout);
    }
    return 0;
}
