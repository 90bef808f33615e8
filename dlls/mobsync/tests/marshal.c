/*
 * Tests of the mobsync interfaces across apartments, through the widl -Oif
 * proxies and stubs that mobsync.dll registers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#define COBJMACROS
#define CONST_VTABLE
#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "winuser.h"
#include "objbase.h"
#include "mobsync.h"

#include "wine/test.h"

static DWORD main_thread;

static const GUID item_ids[5] =
{
    { 0x11111111, 0x2222, 0x3333, { 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x00 } },
    { 0x11111111, 0x2222, 0x3333, { 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x01 } },
    { 0x11111111, 0x2222, 0x3333, { 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x02 } },
    { 0x11111111, 0x2222, 0x3333, { 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x03 } },
    { 0x11111111, 0x2222, 0x3333, { 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0x04 } },
};
static const GUID error_id = { 0xe0e0e0e0, 0x1, 0x2, { 3, 4, 5, 6, 7, 8, 9, 10 } };

/* Runs func(stream) on a new multithreaded-apartment thread while this
 * single-threaded apartment keeps serving calls. */
static void run_in_other_apartment(LPTHREAD_START_ROUTINE func, IStream *stream)
{
    HANDLE thread = CreateThread(NULL, 0, func, stream, 0, NULL);
    MSG msg;

    while (MsgWaitForMultipleObjects(1, &thread, FALSE, 30000, QS_ALLINPUT) == WAIT_OBJECT_0 + 1)
    {
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
    }
    ok(!WaitForSingleObject(thread, 0), "the other apartment did not finish.\n");
    CloseHandle(thread);
}

static BOOL is_proxy(IUnknown *unk)
{
    IClientSecurity *security;

    if (FAILED(IUnknown_QueryInterface(unk, &IID_IClientSecurity, (void **)&security))) return FALSE;
    IClientSecurity_Release(security);
    return TRUE;
}

/* --- CLSID_SyncMgr's own interfaces ------------------------------------ */

static DWORD WINAPI use_syncmgr_thread(void *arg)
{
    ISyncMgrRegister *reg;
    ISyncMgrSynchronizeInvoke *invoke;
    IStream *stream = arg;
    DWORD flags;
    GUID clsid;
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoGetInterfaceAndReleaseStream(stream, &IID_ISyncMgrRegister, (void **)&reg);
    ok(hr == S_OK, "unmarshalling got %#lx.\n", hr);
    if (FAILED(hr)) goto done;
    ok(is_proxy((IUnknown *)reg), "not a proxy.\n");

    CoCreateGuid(&clsid);
    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, L"through a proxy",
            SYNCMGRREGISTERFLAG_IDLE);
    ok(hr == S_OK, "RegisterSyncMgrHandler got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK && flags == SYNCMGRREGISTERFLAG_IDLE, "got %#lx, flags %#lx.\n", hr, flags);
    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, NULL, 0x100);
    ok(hr == E_INVALIDARG, "bad flags through a proxy got %#lx.\n", hr);
    hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
    ok(hr == S_OK, "UnregisterSyncMgrHandler got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_FALSE, "after unregistering got %#lx.\n", hr);

    hr = ISyncMgrRegister_QueryInterface(reg, &IID_ISyncMgrSynchronizeInvoke, (void **)&invoke);
    ok(hr == S_OK, "QI through the proxy got %#lx.\n", hr);
    if (SUCCEEDED(hr))
    {
        /* Bad flags: rejected before any manager is involved. */
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, 0x1, &clsid, 0, NULL);
        ok(hr == E_INVALIDARG, "UpdateItems through a proxy got %#lx.\n", hr);
        ISyncMgrSynchronizeInvoke_Release(invoke);
    }
    ISyncMgrRegister_Release(reg);
done:
    CoUninitialize();
    return 0;
}

static void test_syncmgr(void)
{
    ISyncMgrRegister *reg;
    IStream *stream;
    HRESULT hr;

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
                          (void **)&reg);
    if (hr == REGDB_E_CLASSNOTREG)
    {
        win_skip("CLSID_SyncMgr is not registered.\n");
        return;
    }
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) return;

    hr = CoMarshalInterThreadInterfaceInStream(&IID_ISyncMgrRegister, (IUnknown *)reg, &stream);
    ok(hr == S_OK, "marshalling got %#lx.\n", hr);
    if (SUCCEEDED(hr)) run_in_other_apartment(use_syncmgr_thread, stream);
    ok(!ISyncMgrRegister_Release(reg), "references left.\n");
}

/* --- ISyncMgrSynchronizeCallback --------------------------------------- */

static LONG callback_refs = 1;
static int progress_calls, logerror_calls, showerror_calls, connection_calls, modeless_calls,
           deletelog_calls, completed_calls;

static HRESULT WINAPI callback_QueryInterface(ISyncMgrSynchronizeCallback *iface, REFIID riid,
        void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrSynchronizeCallback))
    {
        *obj = iface;
        ISyncMgrSynchronizeCallback_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI callback_AddRef(ISyncMgrSynchronizeCallback *iface)
{
    return InterlockedIncrement(&callback_refs);
}

static ULONG WINAPI callback_Release(ISyncMgrSynchronizeCallback *iface)
{
    return InterlockedDecrement(&callback_refs);
}

static HRESULT WINAPI callback_ShowPropertiesCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    ok(hr == E_ABORT, "got %#lx.\n", hr);
    completed_calls++;
    return S_OK;
}

static HRESULT WINAPI callback_PrepareForSyncCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    ok(hr == S_OK, "got %#lx.\n", hr);
    completed_calls++;
    return S_OK;
}

static HRESULT WINAPI callback_SynchronizeCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    ok(hr == E_FAIL, "got %#lx.\n", hr);
    completed_calls++;
    return S_OK;
}

static HRESULT WINAPI callback_ShowErrorCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr,
        ULONG count, SYNCMGRITEMID *ids)
{
    ok(GetCurrentThreadId() == main_thread, "called on thread %#lx.\n", GetCurrentThreadId());
    ok(hr == S_SYNCMGR_RETRYSYNC, "got %#lx.\n", hr);
    ok(count == 3, "got %lu items.\n", count);
    ok(ids && !memcmp(ids, item_ids, 3 * sizeof(*ids)), "the item IDs differ.\n");
    showerror_calls++;
    return S_OK;
}

static HRESULT WINAPI callback_EnableModeless(ISyncMgrSynchronizeCallback *iface, BOOL enable)
{
    modeless_calls++;
    return enable ? S_FALSE : S_OK;
}

static HRESULT WINAPI callback_Progress(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRITEMID item,
        LPSYNCMGRPROGRESSITEM progress)
{
    ok(GetCurrentThreadId() == main_thread, "called on thread %#lx.\n", GetCurrentThreadId());
    ok(IsEqualGUID(item, &item_ids[1]), "got item %s.\n", wine_dbgstr_guid(item));
    ok(progress != NULL, "no progress structure.\n");
    if (!progress) return E_INVALIDARG;
    ok(progress->cbSize == sizeof(*progress), "got cbSize %lu.\n", progress->cbSize);
    ok(progress->mask == (SYNCMGRPROGRESSITEM_STATUSTEXT | SYNCMGRPROGRESSITEM_STATUSTYPE
       | SYNCMGRPROGRESSITEM_PROGVALUE | SYNCMGRPROGRESSITEM_MAXVALUE), "got mask %#x.\n",
       progress->mask);
    ok(progress->lpcStatusText && !wcscmp(progress->lpcStatusText, L"Copying report.doc"),
       "got text %s.\n", wine_dbgstr_w(progress->lpcStatusText));
    ok(progress->dwStatusType == SYNCMGRSTATUS_UPDATING, "got status %lu.\n", progress->dwStatusType);
    ok(progress->iProgValue == 5 && progress->iMaxValue == 10, "got %d of %d.\n",
       progress->iProgValue, progress->iMaxValue);
    progress_calls++;
    return S_SYNCMGR_CANCELITEM;
}

static HRESULT WINAPI callback_LogError(ISyncMgrSynchronizeCallback *iface, DWORD level,
        LPCWSTR text, LPSYNCMGRLOGERRORINFO info)
{
    ok(level == SYNCMGRLOGLEVEL_WARNING, "got level %lu.\n", level);
    ok(text && !wcscmp(text, L"Both copies changed"), "got %s.\n", wine_dbgstr_w(text));
    ok(info != NULL, "no error info.\n");
    if (info)
    {
        ok(info->cbSize == sizeof(*info), "got cbSize %lu.\n", info->cbSize);
        ok(info->mask == (SYNCMGRLOGERROR_ERRORFLAGS | SYNCMGRLOGERROR_ERRORID
           | SYNCMGRLOGERROR_ITEMID), "got mask %#lx.\n", info->mask);
        ok(info->dwSyncMgrErrorFlags == SYNCMGRERRORFLAG_ENABLEJUMPTEXT, "got flags %#lx.\n",
           info->dwSyncMgrErrorFlags);
        ok(IsEqualGUID(&info->ErrorID, &error_id), "got %s.\n", wine_dbgstr_guid(&info->ErrorID));
        ok(IsEqualGUID(&info->ItemID, &item_ids[2]), "got %s.\n", wine_dbgstr_guid(&info->ItemID));
    }
    logerror_calls++;
    return S_OK;
}

static HRESULT WINAPI callback_DeleteLogError(ISyncMgrSynchronizeCallback *iface,
        REFSYNCMGRERRORID id, DWORD reserved)
{
    ok(IsEqualGUID(id, &GUID_NULL), "got %s.\n", wine_dbgstr_guid(id));
    deletelog_calls++;
    return S_OK;
}

static HRESULT WINAPI callback_EstablishConnection(ISyncMgrSynchronizeCallback *iface,
        LPCWSTR name, DWORD reserved)
{
    if (connection_calls++)
        ok(name && !wcscmp(name, L"Office dial-up"), "got %s.\n", wine_dbgstr_w(name));
    else
        ok(!name, "the default connection came as %s.\n", wine_dbgstr_w(name));
    return S_OK;
}

static const ISyncMgrSynchronizeCallbackVtbl callback_vtbl =
{
    callback_QueryInterface,
    callback_AddRef,
    callback_Release,
    callback_ShowPropertiesCompleted,
    callback_PrepareForSyncCompleted,
    callback_SynchronizeCompleted,
    callback_ShowErrorCompleted,
    callback_EnableModeless,
    callback_Progress,
    callback_LogError,
    callback_DeleteLogError,
    callback_EstablishConnection,
};

static ISyncMgrSynchronizeCallback callback = { &callback_vtbl };

static DWORD WINAPI use_callback_thread(void *arg)
{
    SYNCMGRPROGRESSITEM progress = { sizeof(progress) };
    SYNCMGRLOGERRORINFO info = { sizeof(info) };
    ISyncMgrSynchronizeCallback *cb;
    SYNCMGRITEMID ids[3];
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoGetInterfaceAndReleaseStream(arg, &IID_ISyncMgrSynchronizeCallback, (void **)&cb);
    ok(hr == S_OK, "unmarshalling got %#lx.\n", hr);
    if (FAILED(hr)) goto done;
    ok(is_proxy((IUnknown *)cb), "not a proxy.\n");

    progress.mask = SYNCMGRPROGRESSITEM_STATUSTEXT | SYNCMGRPROGRESSITEM_STATUSTYPE
                    | SYNCMGRPROGRESSITEM_PROGVALUE | SYNCMGRPROGRESSITEM_MAXVALUE;
    progress.lpcStatusText = L"Copying report.doc";
    progress.dwStatusType = SYNCMGRSTATUS_UPDATING;
    progress.iProgValue = 5;
    progress.iMaxValue = 10;
    hr = ISyncMgrSynchronizeCallback_Progress(cb, &item_ids[1], &progress);
    ok(hr == S_SYNCMGR_CANCELITEM, "Progress got %#lx.\n", hr);

    info.mask = SYNCMGRLOGERROR_ERRORFLAGS | SYNCMGRLOGERROR_ERRORID | SYNCMGRLOGERROR_ITEMID;
    info.dwSyncMgrErrorFlags = SYNCMGRERRORFLAG_ENABLEJUMPTEXT;
    info.ErrorID = error_id;
    info.ItemID = item_ids[2];
    hr = ISyncMgrSynchronizeCallback_LogError(cb, SYNCMGRLOGLEVEL_WARNING, L"Both copies changed", &info);
    ok(hr == S_OK, "LogError got %#lx.\n", hr);

    memcpy(ids, item_ids, sizeof(ids));
    hr = ISyncMgrSynchronizeCallback_ShowErrorCompleted(cb, S_SYNCMGR_RETRYSYNC, 3, ids);
    ok(hr == S_OK, "ShowErrorCompleted got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeCallback_EnableModeless(cb, TRUE);
    ok(hr == S_FALSE, "EnableModeless(TRUE) got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeCallback_EnableModeless(cb, FALSE);
    ok(hr == S_OK, "EnableModeless(FALSE) got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeCallback_DeleteLogError(cb, &GUID_NULL, 0);
    ok(hr == S_OK, "DeleteLogError got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeCallback_EstablishConnection(cb, NULL, 0);
    ok(hr == S_OK, "EstablishConnection(NULL) got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeCallback_EstablishConnection(cb, L"Office dial-up", 0);
    ok(hr == S_OK, "EstablishConnection got %#lx.\n", hr);
    ISyncMgrSynchronizeCallback_ShowPropertiesCompleted(cb, E_ABORT);
    ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(cb, S_OK);
    ISyncMgrSynchronizeCallback_SynchronizeCompleted(cb, E_FAIL);

    ISyncMgrSynchronizeCallback_Release(cb);
done:
    CoUninitialize();
    return 0;
}

static void test_callback(void)
{
    IStream *stream;
    HRESULT hr;

    hr = CoMarshalInterThreadInterfaceInStream(&IID_ISyncMgrSynchronizeCallback,
            (IUnknown *)&callback, &stream);
    ok(hr == S_OK, "marshalling got %#lx.\n", hr);
    if (FAILED(hr)) return;
    run_in_other_apartment(use_callback_thread, stream);

    ok(progress_calls == 1, "Progress called %d times.\n", progress_calls);
    ok(logerror_calls == 1, "LogError called %d times.\n", logerror_calls);
    ok(showerror_calls == 1, "ShowErrorCompleted called %d times.\n", showerror_calls);
    ok(modeless_calls == 2, "EnableModeless called %d times.\n", modeless_calls);
    ok(deletelog_calls == 1, "DeleteLogError called %d times.\n", deletelog_calls);
    ok(connection_calls == 2, "EstablishConnection called %d times.\n", connection_calls);
    ok(completed_calls == 3, "completions called %d times.\n", completed_calls);
    ok(callback_refs == 1, "refcount %ld left.\n", callback_refs);
}

/* --- ISyncMgrSynchronize and ISyncMgrEnumItems -------------------------- */

static LONG handler_refs = 1, enum_refs = 1;
static ULONG enum_pos;

static HRESULT WINAPI enum_QueryInterface(ISyncMgrEnumItems *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrEnumItems))
    {
        *obj = iface;
        ISyncMgrEnumItems_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI enum_AddRef(ISyncMgrEnumItems *iface)
{
    return InterlockedIncrement(&enum_refs);
}

static ULONG WINAPI enum_Release(ISyncMgrEnumItems *iface)
{
    return InterlockedDecrement(&enum_refs);
}

static HRESULT WINAPI enum_Next(ISyncMgrEnumItems *iface, ULONG count, SYNCMGRITEM *items,
        ULONG *fetched)
{
    ULONG i;

    ok(GetCurrentThreadId() == main_thread, "called on thread %#lx.\n", GetCurrentThreadId());
    for (i = 0; i < count && enum_pos < ARRAYSIZE(item_ids); i++, enum_pos++)
    {
        memset(&items[i], 0, sizeof(items[i]));
        items[i].cbSize = sizeof(items[i]);
        items[i].dwFlags = SYNCMGRITEM_HASPROPERTIES | SYNCMGRITEM_LASTUPDATETIME;
        items[i].ItemID = item_ids[enum_pos];
        items[i].dwItemState = enum_pos % 2 ? SYNCMGRITEMSTATE_CHECKED : SYNCMGRITEMSTATE_UNCHECKED;
        swprintf(items[i].wszItemName, MAX_SYNCMGRITEMNAME, L"Folder pair %lu", enum_pos);
        items[i].ftLastUpdate.dwLowDateTime = enum_pos;
        items[i].ftLastUpdate.dwHighDateTime = 0x01d00000;
    }
    if (fetched) *fetched = i;
    return i == count ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_Skip(ISyncMgrEnumItems *iface, ULONG count)
{
    enum_pos += count;
    return enum_pos <= ARRAYSIZE(item_ids) ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_Reset(ISyncMgrEnumItems *iface)
{
    enum_pos = 0;
    return S_OK;
}

static HRESULT WINAPI enum_Clone(ISyncMgrEnumItems *iface, ISyncMgrEnumItems **clone)
{
    *clone = NULL;
    return E_NOTIMPL;
}

static const ISyncMgrEnumItemsVtbl enum_vtbl =
{
    enum_QueryInterface,
    enum_AddRef,
    enum_Release,
    enum_Next,
    enum_Skip,
    enum_Reset,
    enum_Clone,
};

static ISyncMgrEnumItems enum_items = { &enum_vtbl };

static HRESULT WINAPI handler_QueryInterface(ISyncMgrSynchronize *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrSynchronize))
    {
        *obj = iface;
        ISyncMgrSynchronize_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI handler_AddRef(ISyncMgrSynchronize *iface)
{
    return InterlockedIncrement(&handler_refs);
}

static ULONG WINAPI handler_Release(ISyncMgrSynchronize *iface)
{
    return InterlockedDecrement(&handler_refs);
}

static HRESULT WINAPI handler_Initialize(ISyncMgrSynchronize *iface, DWORD reserved, DWORD flags,
        DWORD size, const BYTE *cookie)
{
    DWORD i;

    ok(!reserved, "got reserved %#lx.\n", reserved);
    ok(flags == (SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER), "got flags %#lx.\n", flags);
    ok(size == 3000, "got cookie size %lu.\n", size);
    for (i = 0; cookie && i < size; i++) if (cookie[i] != (BYTE)(i * 13)) break;
    ok(cookie && i == size, "the cookie differs at byte %lu.\n", i);
    return S_OK;
}

static HRESULT WINAPI handler_GetHandlerInfo(ISyncMgrSynchronize *iface, SYNCMGRHANDLERINFO **info)
{
    if (!(*info = CoTaskMemAlloc(sizeof(**info)))) return E_OUTOFMEMORY;
    memset(*info, 0, sizeof(**info));
    (*info)->cbSize = sizeof(**info);
    (*info)->SyncMgrHandlerFlags = SYNCMGRHANDLER_HASPROPERTIES | SYNCMGRHANDLER_ALWAYSLISTHANDLER;
    wcscpy((*info)->wszHandlerName, L"Briefcase");
    return S_OK;
}

static HRESULT WINAPI handler_EnumSyncMgrItems(ISyncMgrSynchronize *iface, ISyncMgrEnumItems **items)
{
    enum_pos = 0;
    *items = &enum_items;
    ISyncMgrEnumItems_AddRef(*items);
    return S_SYNCMGR_MISSINGITEMS;
}

static HRESULT WINAPI handler_GetItemObject(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        REFIID riid, void **obj)
{
    *obj = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI handler_ShowProperties(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRITEMID item)
{
    ok(0, "unexpected call\n");
    return E_NOTIMPL;
}

static HRESULT WINAPI handler_SetProgressCallback(ISyncMgrSynchronize *iface,
        ISyncMgrSynchronizeCallback *cb)
{
    ok(!cb, "got callback %p.\n", cb);
    return S_OK;
}

static HRESULT WINAPI handler_PrepareForSync(ISyncMgrSynchronize *iface, ULONG count,
        SYNCMGRITEMID *ids, HWND parent, DWORD reserved)
{
    ok(count == 2, "got %lu items.\n", count);
    ok(ids && IsEqualGUID(&ids[0], &item_ids[4]) && IsEqualGUID(&ids[1], &item_ids[0]),
       "the item IDs differ.\n");
    ok(!parent, "got window %p.\n", parent);
    return S_OK;
}

static HRESULT WINAPI handler_Synchronize(ISyncMgrSynchronize *iface, HWND parent)
{
    ok(0, "unexpected call\n");
    return E_NOTIMPL;
}

static HRESULT WINAPI handler_SetItemStatus(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        DWORD status)
{
    ok(IsEqualGUID(item, &item_ids[3]), "got %s.\n", wine_dbgstr_guid(item));
    ok(status == SYNCMGRSTATUS_SKIPPED, "got status %lu.\n", status);
    return S_OK;
}

static HRESULT WINAPI handler_ShowError(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRERRORID id)
{
    ok(0, "unexpected call\n");
    return E_NOTIMPL;
}

static const ISyncMgrSynchronizeVtbl handler_vtbl =
{
    handler_QueryInterface,
    handler_AddRef,
    handler_Release,
    handler_Initialize,
    handler_GetHandlerInfo,
    handler_EnumSyncMgrItems,
    handler_GetItemObject,
    handler_ShowProperties,
    handler_SetProgressCallback,
    handler_PrepareForSync,
    handler_Synchronize,
    handler_SetItemStatus,
    handler_ShowError,
};

static ISyncMgrSynchronize handler = { &handler_vtbl };

static DWORD WINAPI use_handler_thread(void *arg)
{
    SYNCMGRHANDLERINFO *info = NULL;
    ISyncMgrSynchronize *sync;
    ISyncMgrEnumItems *items;
    SYNCMGRITEM buffer[8];
    SYNCMGRITEMID ids[2];
    ULONG fetched, i;
    BYTE cookie[3000];
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoGetInterfaceAndReleaseStream(arg, &IID_ISyncMgrSynchronize, (void **)&sync);
    ok(hr == S_OK, "unmarshalling got %#lx.\n", hr);
    if (FAILED(hr)) goto done;
    ok(is_proxy((IUnknown *)sync), "not a proxy.\n");

    for (i = 0; i < sizeof(cookie); i++) cookie[i] = i * 13;
    hr = ISyncMgrSynchronize_Initialize(sync, 0, SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER,
            sizeof(cookie), cookie);
    ok(hr == S_OK, "Initialize got %#lx.\n", hr);

    hr = ISyncMgrSynchronize_GetHandlerInfo(sync, &info);
    ok(hr == S_OK, "GetHandlerInfo got %#lx.\n", hr);
    ok(info != NULL, "no handler info.\n");
    if (info)
    {
        ok(info->cbSize == sizeof(*info), "got cbSize %lu.\n", info->cbSize);
        ok(info->SyncMgrHandlerFlags == (SYNCMGRHANDLER_HASPROPERTIES | SYNCMGRHANDLER_ALWAYSLISTHANDLER),
           "got flags %#lx.\n", info->SyncMgrHandlerFlags);
        ok(!wcscmp(info->wszHandlerName, L"Briefcase"), "got %s.\n", wine_dbgstr_w(info->wszHandlerName));
        CoTaskMemFree(info);
    }

    hr = ISyncMgrSynchronize_EnumSyncMgrItems(sync, &items);
    ok(hr == S_SYNCMGR_MISSINGITEMS, "EnumSyncMgrItems got %#lx.\n", hr);
    if (SUCCEEDED(hr))
    {
        ok(is_proxy((IUnknown *)items), "the enumerator is not a proxy.\n");
        memset(buffer, 0xcc, sizeof(buffer));
        hr = ISyncMgrEnumItems_Next(items, 3, buffer, &fetched);
        ok(hr == S_OK && fetched == 3, "Next(3) got %#lx, %lu items.\n", hr, fetched);
        for (i = 0; i < fetched; i++)
        {
            WCHAR name[32];

            swprintf(name, ARRAYSIZE(name), L"Folder pair %lu", i);
            ok(buffer[i].cbSize == sizeof(buffer[i]), "item %lu: cbSize %lu.\n", i, buffer[i].cbSize);
            ok(IsEqualGUID(&buffer[i].ItemID, &item_ids[i]), "item %lu: %s.\n", i,
               wine_dbgstr_guid(&buffer[i].ItemID));
            ok(buffer[i].dwFlags == (SYNCMGRITEM_HASPROPERTIES | SYNCMGRITEM_LASTUPDATETIME),
               "item %lu: flags %#lx.\n", i, buffer[i].dwFlags);
            ok(buffer[i].dwItemState == i % 2, "item %lu: state %lu.\n", i, buffer[i].dwItemState);
            ok(!wcscmp(buffer[i].wszItemName, name), "item %lu: %s.\n", i,
               wine_dbgstr_w(buffer[i].wszItemName));
            ok(buffer[i].ftLastUpdate.dwLowDateTime == i
               && buffer[i].ftLastUpdate.dwHighDateTime == 0x01d00000, "item %lu: wrong time.\n", i);
        }
        hr = ISyncMgrEnumItems_Next(items, 8, buffer, &fetched);
        ok(hr == S_FALSE && fetched == 2, "Next(8) got %#lx, %lu items.\n", hr, fetched);
        ok(IsEqualGUID(&buffer[1].ItemID, &item_ids[4]), "got %s.\n",
           wine_dbgstr_guid(&buffer[1].ItemID));
        hr = ISyncMgrEnumItems_Reset(items);
        ok(hr == S_OK, "Reset got %#lx.\n", hr);
        hr = ISyncMgrEnumItems_Skip(items, 4);
        ok(hr == S_OK, "Skip got %#lx.\n", hr);
        ISyncMgrEnumItems_Release(items);
    }

    ids[0] = item_ids[4];
    ids[1] = item_ids[0];
    hr = ISyncMgrSynchronize_PrepareForSync(sync, 2, ids, NULL, 0);
    ok(hr == S_OK, "PrepareForSync got %#lx.\n", hr);
    hr = ISyncMgrSynchronize_SetItemStatus(sync, &item_ids[3], SYNCMGRSTATUS_SKIPPED);
    ok(hr == S_OK, "SetItemStatus got %#lx.\n", hr);
    hr = ISyncMgrSynchronize_SetProgressCallback(sync, NULL);
    ok(hr == S_OK, "SetProgressCallback(NULL) got %#lx.\n", hr);

    ISyncMgrSynchronize_Release(sync);
done:
    CoUninitialize();
    return 0;
}

static void test_handler(void)
{
    IStream *stream;
    HRESULT hr;

    hr = CoMarshalInterThreadInterfaceInStream(&IID_ISyncMgrSynchronize, (IUnknown *)&handler,
            &stream);
    ok(hr == S_OK, "marshalling got %#lx.\n", hr);
    if (FAILED(hr)) return;
    run_in_other_apartment(use_handler_thread, stream);
    ok(handler_refs == 1, "handler refcount %ld left.\n", handler_refs);
    ok(enum_refs == 1, "enumerator refcount %ld left.\n", enum_refs);
}

START_TEST(marshal)
{
    main_thread = GetCurrentThreadId();
    CoInitialize(NULL);

    test_syncmgr();
    test_callback();
    test_handler();

    CoUninitialize();
}
