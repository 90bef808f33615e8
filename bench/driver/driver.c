/*
 * The floor for mobsync.exe's engine overhead: loads the benchmark handler
 * DLL itself and drives each handler named on the command line through the
 * same calls mobsync.exe makes, one after the other on one thread, with no
 * registry, no window and no output.
 *
 *   benchdriver.exe DLL-PATH N...     (N: benchmark handler numbers)
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#define COBJMACROS
#define CONST_VTABLE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "mobsync.h"
#include "../bench.h"

static BOOL completed;

static HRESULT WINAPI cb_QueryInterface(ISyncMgrSynchronizeCallback *iface, REFIID riid, void **obj)
{
    *obj = iface;
    return S_OK;
}
static ULONG WINAPI cb_AddRef(ISyncMgrSynchronizeCallback *iface) { return 2; }
static ULONG WINAPI cb_Release(ISyncMgrSynchronizeCallback *iface) { return 1; }
static HRESULT WINAPI cb_ShowPropertiesCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr) { return S_OK; }
static HRESULT WINAPI cb_Completed(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    completed = TRUE;
    return S_OK;
}
static HRESULT WINAPI cb_ShowErrorCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr, ULONG n,
        SYNCMGRITEMID *ids) { return S_OK; }
static HRESULT WINAPI cb_EnableModeless(ISyncMgrSynchronizeCallback *iface, BOOL enable) { return S_OK; }
static HRESULT WINAPI cb_Progress(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRITEMID id,
        SYNCMGRPROGRESSITEM *p) { return S_OK; }
static HRESULT WINAPI cb_LogError(ISyncMgrSynchronizeCallback *iface, DWORD level, LPCWSTR text,
        SYNCMGRLOGERRORINFO *info) { return S_OK; }
static HRESULT WINAPI cb_DeleteLogError(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRERRORID id,
        DWORD reserved) { return S_OK; }
static HRESULT WINAPI cb_EstablishConnection(ISyncMgrSynchronizeCallback *iface, LPCWSTR name,
        DWORD reserved) { return S_OK; }

static const ISyncMgrSynchronizeCallbackVtbl cb_vtbl =
{
    cb_QueryInterface, cb_AddRef, cb_Release, cb_ShowPropertiesCompleted, cb_Completed,
    cb_Completed, cb_ShowErrorCompleted, cb_EnableModeless, cb_Progress, cb_LogError,
    cb_DeleteLogError, cb_EstablishConnection,
};
static ISyncMgrSynchronizeCallback callback = { &cb_vtbl };

static void drive(HRESULT (WINAPI *get_class)(REFCLSID, REFIID, void **), int n)
{
    CLSID clsid = BENCH_CLSID(0);
    SYNCMGRHANDLERINFO *info;
    ISyncMgrSynchronize *sync;
    ISyncMgrEnumItems *items;
    IClassFactory *factory;
    SYNCMGRITEM batch[64];
    SYNCMGRITEMID *ids = NULL;
    ULONG fetched, count = 0, size = 0, i;

    clsid.Data4[7] = n;
    if (FAILED(get_class(&clsid, &IID_IClassFactory, (void **)&factory))) return;
    IClassFactory_CreateInstance(factory, NULL, &IID_ISyncMgrSynchronize, (void **)&sync);
    IClassFactory_Release(factory);

    ISyncMgrSynchronize_Initialize(sync, 0, SYNCMGRFLAG_MANUAL, 0, NULL);
    if (SUCCEEDED(ISyncMgrSynchronize_GetHandlerInfo(sync, &info))) CoTaskMemFree(info);
    ISyncMgrSynchronize_EnumSyncMgrItems(sync, &items);
    for (;;)
    {
        HRESULT hr = ISyncMgrEnumItems_Next(items, 64, batch, &fetched);
        for (i = 0; i < fetched; i++)
        {
            if (count == size) ids = realloc(ids, (size = size ? size * 2 : 64) * sizeof(*ids));
            ids[count++] = batch[i].ItemID;
        }
        if (hr != S_OK) break;
    }
    ISyncMgrEnumItems_Release(items);
    ISyncMgrSynchronize_SetProgressCallback(sync, &callback);
    completed = FALSE;
    ISyncMgrSynchronize_PrepareForSync(sync, count, ids, NULL, 0);
    completed = FALSE;
    ISyncMgrSynchronize_Synchronize(sync, NULL);
    ISyncMgrSynchronize_SetProgressCallback(sync, NULL);
    ISyncMgrSynchronize_Release(sync);
    free(ids);
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    HRESULT (WINAPI *get_class)(REFCLSID, REFIID, void **);
    HMODULE module;
    int i;

    if (argc < 3) return 2;
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (!(module = LoadLibraryW(argv[1]))) return 1;
    get_class = (void *)GetProcAddress(module, "DllGetClassObject");
    for (i = 2; i < argc; i++) drive(get_class, wcstol(argv[i], NULL, 16));
    CoUninitialize();
    return 0;
}
