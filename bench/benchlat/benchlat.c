/*
 * benchlat.exe soak N: N UpdateItems(STARTSYNC) for a no-op handler at
 * once, then waits for the manager to have taken them all and exited (what
 * it holds after each request is in its +mobsync_usage trace).
 *
 * benchlat.exe cold|warm N STAMP-FILE: N times, UpdateItems(STARTSYNC) for
 * the latency handler, and the time from UpdateItems returning to the
 * handler's Initialize (which writes its QueryPerformanceCounter to
 * STAMP-FILE). cold: each time after the manager has exited; warm: with the
 * manager running. Prints one latency in ms per line.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#define COBJMACROS
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "mobsync.h"
#include "mobsync_request.h"
#include "../bench.h"

static LONGLONG read_stamp(const WCHAR *path)
{
    char text[64] = "";
    DWORD read = 0;
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              NULL, OPEN_EXISTING, 0, NULL);

    if (file == INVALID_HANDLE_VALUE) return 0;
    ReadFile(file, text, sizeof(text) - 1, &read, NULL);
    CloseHandle(file);
    text[read] = 0;
    return _atoi64(text);
}

static BOOL manager_running(void)
{
    HANDLE mutex = OpenMutexW(SYNCHRONIZE, FALSE, MOBSYNC_MANAGER_MUTEX);

    if (!mutex) return FALSE;
    CloseHandle(mutex);
    return TRUE;
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    static const CLSID clsid = BENCH_CLSID(BENCH_LATENCY);
    ISyncMgrSynchronizeInvoke *invoke;
    LARGE_INTEGER freq, returned;
    LONGLONG stamp;
    BOOL cold;
    DWORD start;
    int n, i;

    if (argc < 3) return 2;
    cold = !wcscmp(argv[1], L"cold");
    n = _wtoi(argv[2]);
    CoInitialize(NULL);
    if (FAILED(CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER,
            &IID_ISyncMgrSynchronizeInvoke, (void **)&invoke)))
        return 1;
    if (!wcscmp(argv[1], L"soak"))
    {
        static const CLSID noop = BENCH_CLSID(BENCH_NOOP_FIRST);

        /* A manager of earlier runs would take them, without the trace:
         * let it exit first. Then all are queued at once, and one manager
         * takes them one after the other. */
        for (start = GetTickCount(); manager_running() && GetTickCount() - start < 20000;) Sleep(50);
        for (i = 0; i < n; i++)
            if (FAILED(ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &noop, 0, NULL)))
                return 1;
        for (start = GetTickCount(); manager_running() && GetTickCount() - start < 600000;) Sleep(100);
        ISyncMgrSynchronizeInvoke_Release(invoke);
        CoUninitialize();
        return manager_running() ? 1 : 0;
    }
    if (argc < 4) return 2;
    QueryPerformanceFrequency(&freq);
    for (i = 0; i < n; i++)
    {
        if (cold)
            for (start = GetTickCount(); manager_running() && GetTickCount() - start < 20000;) Sleep(50);
        DeleteFileW(argv[3]);
        if (FAILED(ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, 0, NULL)))
            return 1;
        QueryPerformanceCounter(&returned);
        for (start = GetTickCount(); !(stamp = read_stamp(argv[3])) && GetTickCount() - start < 20000;)
            Sleep(1);
        printf("%.2f\n", stamp ? (stamp - returned.QuadPart) * 1000.0 / freq.QuadPart : -1.0);
        /* Warm: let the session end, the manager stays for the next one. */
        if (!cold) Sleep(200);
    }
    ISyncMgrSynchronizeInvoke_Release(invoke);
    CoUninitialize();
    return 0;
}
