/*
 * benchreg.exe N: RegisterSyncMgrHandler + GetHandlerRegistrationInfo +
 * UnregisterSyncMgrHandler round trips per second, then the same registry
 * work done directly (create the key, set the description and the flags,
 * read the flags back, delete the key). Prints both rates.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#define COBJMACROS
#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "winreg.h"
#include "objbase.h"
#include "mobsync.h"

#define KEY L"Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr\\Handlers\\{B3C4B3C4-0000-4000-8000-0000000000FF}"

int __cdecl wmain(int argc, WCHAR *argv[])
{
    static const CLSID clsid = { 0xb3c4b3c4, 0, 0x4000, { 0x80, 0, 0, 0, 0, 0, 0, 0xff } };
    static const WCHAR desc[] = L"Benchmark handler";
    LARGE_INTEGER freq, t0, t1, t2;
    ISyncMgrRegister *reg;
    DWORD flags, size, type;
    int n = argc > 1 ? _wtoi(argv[1]) : 2000, i;
    HKEY key;

    CoInitialize(NULL);
    if (FAILED(CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
            (void **)&reg)))
        return 1;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    for (i = 0; i < n; i++)
    {
        ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, desc, SYNCMGRREGISTERFLAG_IDLE);
        ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
        ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
    }
    QueryPerformanceCounter(&t1);
    for (i = 0; i < n; i++)
    {
        flags = SYNCMGRREGISTERFLAG_IDLE;
        RegCreateKeyExW(HKEY_LOCAL_MACHINE, KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);
        RegSetValueExW(key, NULL, 0, REG_SZ, (const BYTE *)desc, sizeof(desc));
        RegSetValueExW(key, L"RegisterFlags", 0, REG_DWORD, (const BYTE *)&flags, sizeof(flags));
        RegCloseKey(key);
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, KEY, 0, KEY_QUERY_VALUE, &key);
        size = sizeof(flags);
        RegQueryValueExW(key, L"RegisterFlags", NULL, &type, (BYTE *)&flags, &size);
        RegCloseKey(key);
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, KEY);
    }
    QueryPerformanceCounter(&t2);
    printf("%.0f %.0f\n", n * (double)freq.QuadPart / (t1.QuadPart - t0.QuadPart),
           n * (double)freq.QuadPart / (t2.QuadPart - t1.QuadPart));
    ISyncMgrRegister_Release(reg);
    CoUninitialize();
    return 0;
}
