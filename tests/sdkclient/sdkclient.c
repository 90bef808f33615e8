/*
 * A SyncMgr client as a third-party program would build it: mingw-w64's own
 * mobsync.h and libmobsync.a, none of our headers. It creates CLSID_SyncMgr,
 * registers a handler, reads it back, unregisters it, and imports a function
 * from mobsync.dll through the import library.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#define COBJMACROS
#include <stdarg.h>
#include <windows.h>
#include <initguid.h>
#include <mobsync.h>

#include "wine/test.h"

/* mingw-w64's mobsync.h, not ours, must be the one in use here. */
#if SYNCMGRHANDLERFLAG_MASK != 0x07
#error "built against the wrong mobsync.h"
#endif

static void test_sdk_client(void)
{
    static const CLSID handler = { 0x5d4c3b2a, 0x1f0e, 0x4d3c, { 0x9a, 0x8b, 0x7c, 0x6d, 0x5e, 0x4f, 0x30, 0x21 } };
    ISyncMgrSynchronizeInvoke *invoke;
    ISyncMgrRegister *reg;
    DWORD flags = 0xdeadbeef;
    HRESULT hr;
    int ret;

    CoInitialize(NULL);
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
                          (void **)&reg);
    ok(hr == S_OK, "CoCreateInstance(CLSID_SyncMgr) got %#lx.\n", hr);
    if (FAILED(hr))
    {
        CoUninitialize();
        return;
    }

    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &handler, L"SDK client handler",
            SYNCMGRREGISTERFLAG_CONNECT);
    ok(hr == S_OK, "RegisterSyncMgrHandler got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &handler, &flags);
    ok(hr == S_OK, "GetHandlerRegistrationInfo got %#lx.\n", hr);
    ok(flags == SYNCMGRREGISTERFLAG_CONNECT, "got flags %#lx.\n", flags);
    hr = ISyncMgrRegister_QueryInterface(reg, &IID_ISyncMgrSynchronizeInvoke, (void **)&invoke);
    ok(hr == S_OK, "QueryInterface got %#lx.\n", hr);
    if (SUCCEEDED(hr)) ISyncMgrSynchronizeInvoke_Release(invoke);
    hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &handler, 0);
    ok(hr == S_OK, "UnregisterSyncMgrHandler got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &handler, &flags);
    ok(hr == S_FALSE, "after unregistering got %#lx.\n", hr);
    ISyncMgrRegister_Release(reg);

    /* Imported through libmobsync.a: the export must be there. With no
     * parameter block there is nothing to show. */
    ret = SyncMgrResolveConflictW(NULL, NULL);
    ok(ret == RFC_CANCEL, "SyncMgrResolveConflictW(NULL, NULL) got %d.\n", ret);

    CoUninitialize();
}

START_TEST(sdkclient)
{
    test_sdk_client();
}
