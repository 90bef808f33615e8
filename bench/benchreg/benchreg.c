/*
 * benchreg.exe BLOCKS N [DLL...]: RegisterSyncMgrHandler +
 * GetHandlerRegistrationInfo + UnregisterSyncMgrHandler round trips, and
 * the same registry work done directly (create the key, set the
 * description and the flags, check the logon-run values as a registration
 * for an event does, read the flags back, delete the key in both roots), N of
 * each per block, in turns, BLOCKS blocks after a warm-up one. Prints one
 * line per block: the rate done directly, then through each
 * ISyncMgrRegister, round trips per second. ISyncMgrRegister comes from
 * CoCreateInstance(CLSID_SyncMgr), or from each DLL's own DllGetClassObject
 * (make bench BASE= installs another mobsync.dll under its own name).
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
#include "mobsync_registry.h"

#define KEY L"Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr\\Handlers\\{B3C4B3C4-0000-4000-8000-0000000000FF}"

static const CLSID clsid = { 0xb3c4b3c4, 0, 0x4000, { 0x80, 0, 0, 0, 0, 0, 0, 0xff } };
static const WCHAR desc[] = L"Benchmark handler";

static ISyncMgrRegister *get_register(const WCHAR *dll)
{
    HRESULT (WINAPI *get_class)(REFCLSID, REFIID, void **);
    ISyncMgrRegister *reg = NULL;
    IClassFactory *factory;
    HMODULE module;

    if (!dll)
    {
        CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister, (void **)&reg);
        return reg;
    }
    if (!(module = LoadLibraryW(dll))
            || !(get_class = (void *)GetProcAddress(module, "DllGetClassObject"))
            || FAILED(get_class(&CLSID_SyncMgr, &IID_IClassFactory, (void **)&factory)))
        return NULL;
    IClassFactory_CreateInstance(factory, NULL, &IID_ISyncMgrRegister, (void **)&reg);
    IClassFactory_Release(factory);
    return reg;
}

static LONGLONG now(void)
{
    LARGE_INTEGER counter;

    QueryPerformanceCounter(&counter);
    return counter.QuadPart;
}

static LONGLONG through_api(ISyncMgrRegister *reg, int n)
{
    LONGLONG start = now();
    DWORD flags;
    int i;

    for (i = 0; i < n; i++)
    {
        ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, desc, SYNCMGRREGISTERFLAG_IDLE);
        ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
        ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
    }
    return now() - start;
}

/* What RegisterSyncMgrHandler does besides its own key for a handler
 * registered for an event: the logon-run values checked (docs/events.md). */
static void check_run_values(void)
{
    static const WCHAR *keys[] = { MOBSYNC_RUNSERVICES_KEY, MOBSYNC_RUN_KEY };
    unsigned int i;
    HKEY key;

    for (i = 0; i < ARRAYSIZE(keys); i++)
    {
        if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, keys[i], 0, NULL, 0, KEY_QUERY_VALUE | KEY_SET_VALUE,
                NULL, &key, NULL))
            continue;
        RegQueryValueExW(key, MOBSYNC_RUN_VALUE, NULL, NULL, NULL, NULL);
        RegCloseKey(key);
    }
}

/* The registry work of the three calls, made directly: the same keys and
 * values, both roots looked at where the calls look at both. */
static LONGLONG directly(int n)
{
    LONGLONG start = now();
    DWORD flags, size, type;
    HKEY key;
    int i;

    for (i = 0; i < n; i++)
    {
        flags = SYNCMGRREGISTERFLAG_IDLE;
        RegCreateKeyExW(HKEY_LOCAL_MACHINE, KEY, 0, NULL, 0, KEY_SET_VALUE | DELETE, NULL, &key, NULL);
        RegSetValueExW(key, NULL, 0, REG_SZ, (const BYTE *)desc, sizeof(desc));
        RegSetValueExW(key, L"RegisterFlags", 0, REG_DWORD, (const BYTE *)&flags, sizeof(flags));
        RegCloseKey(key);
        check_run_values();
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, KEY, 0, KEY_QUERY_VALUE, &key);
        size = sizeof(flags);
        RegQueryValueExW(key, L"RegisterFlags", NULL, &type, (BYTE *)&flags, &size);
        RegCloseKey(key);
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, KEY);
        RegDeleteKeyW(HKEY_CURRENT_USER, KEY);
    }
    return now() - start;
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    int blocks = argc > 1 ? _wtoi(argv[1]) : 10, n = argc > 2 ? _wtoi(argv[2]) : 200, i, j, count;
    ISyncMgrRegister *regs[8];
    LONGLONG ticks[9];
    LARGE_INTEGER freq;

    CoInitialize(NULL);
    count = argc > 3 ? min(argc - 3, ARRAYSIZE(regs)) : 1;
    for (j = 0; j < count; j++)
        if (!(regs[j] = get_register(argc > 3 ? argv[3 + j] : NULL))) return 1;
    QueryPerformanceFrequency(&freq);
    for (i = -1; i < blocks; i++)
    {
        /* The first of a block rotates, so that none always follows another. */
        for (j = 0; j <= count; j++)
        {
            int k = (i + 1 + j) % (count + 1);

            ticks[k] = k ? through_api(regs[k - 1], n) : directly(n);
        }
        if (i < 0) continue;
        for (j = 0; j <= count; j++)
            printf("%s%.0f", j ? " " : "", n * (double)freq.QuadPart / max(1, ticks[j]));
        printf("\n");
    }
    for (j = 0; j < count; j++) ISyncMgrRegister_Release(regs[j]);
    CoUninitialize();
    return 0;
}
