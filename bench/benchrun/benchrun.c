/*
 * benchrun.exe N COMMAND-LINE: runs the command N times, one after the
 * other, and prints one line per run: wall milliseconds and the peak working
 * set in KiB. Started inside the prefix, it keeps Wine's own start-up of the
 * measuring program out of the figures.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "psapi.h"

int __cdecl wmain(int argc, WCHAR *argv[])
{
    PROCESS_MEMORY_COUNTERS counters;
    LARGE_INTEGER freq, t0, t1;
    WCHAR *cmdline;
    int runs, i;

    if (argc < 3) return 2;
    runs = _wtoi(argv[1]);
    /* The command line as given, after our own name and the count. */
    cmdline = GetCommandLineW();
    if (*cmdline == '"') cmdline = wcschr(cmdline + 1, '"') + 1;
    cmdline += wcscspn(cmdline, L" \t");
    cmdline += wcsspn(cmdline, L" \t");
    cmdline += wcscspn(cmdline, L" \t");
    cmdline += wcsspn(cmdline, L" \t");
    QueryPerformanceFrequency(&freq);
    for (i = 0; i < runs; i++)
    {
        PROCESS_INFORMATION pi;
        STARTUPINFOW si = { sizeof(si) };
        WCHAR *copy = _wcsdup(cmdline);

        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdOutput = si.hStdError = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_WRITE, NULL,
                                                   OPEN_EXISTING, 0, NULL);
        SIZE_T peak = 0;
        DWORD start;

        QueryPerformanceCounter(&t0);
        if (!CreateProcessW(NULL, copy, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) return 1;
        /* The peak is read while the process lives: it is gone with it. */
        for (start = GetTickCount(); WaitForSingleObject(pi.hProcess, 1) == WAIT_TIMEOUT;)
        {
            counters.cb = sizeof(counters);
            if (GetProcessMemoryInfo(pi.hProcess, &counters, sizeof(counters)))
                peak = max(peak, counters.PeakWorkingSetSize);
            if (GetTickCount() - start > 300000)
            {
                TerminateProcess(pi.hProcess, 255);
                fprintf(stderr, "benchrun: killed after 300 s\n");
            }
        }
        QueryPerformanceCounter(&t1);
        printf("%.2f %lu\n", (t1.QuadPart - t0.QuadPart) * 1000.0 / freq.QuadPart,
               (unsigned long)(peak / 1024));
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        CloseHandle(si.hStdOutput);
        free(copy);
    }
    return 0;
}
