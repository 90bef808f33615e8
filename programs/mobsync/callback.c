/*
 * mobsync.exe: ISyncMgrSynchronizeCallback, the object a handler reports to
 *
 * Handlers may call it from any thread, marshalled or not, before or after
 * the call that started the work returns. It aggregates the free-threaded
 * marshaler, so marshalling it within the process gives the object itself and
 * no call has to wait for the handler's apartment. Every method checks the
 * handler's state under its lock: a call out of turn (a second completion, a
 * report after SetProgressCallback(NULL)) is refused and changes nothing.
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this program; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <stdlib.h>
#include <string.h>

#include "mobsync_private.h"
#include "handler.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Longest error text kept from LogError, in characters. */
#define MAX_ERROR_TEXT 2048
/* Most item IDs ShowErrorCompleted may hand back. */
#define MAX_RETRY_ITEMS 100000

struct callback
{
    ISyncMgrSynchronizeCallback ISyncMgrSynchronizeCallback_iface;
    IUnknown *marshaler;
    LONG refcount;
    struct handler *handler;
};

static inline struct callback *impl_from_ISyncMgrSynchronizeCallback(ISyncMgrSynchronizeCallback *iface)
{
    return CONTAINING_RECORD(iface, struct callback, ISyncMgrSynchronizeCallback_iface);
}

static HRESULT WINAPI callback_QueryInterface(ISyncMgrSynchronizeCallback *iface, REFIID riid,
        void **obj)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), obj);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrSynchronizeCallback))
    {
        *obj = iface;
        ISyncMgrSynchronizeCallback_AddRef(iface);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && callback->marshaler)
        return IUnknown_QueryInterface(callback->marshaler, riid, obj);

    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI callback_AddRef(ISyncMgrSynchronizeCallback *iface)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    ULONG refcount = InterlockedIncrement(&callback->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI callback_Release(ISyncMgrSynchronizeCallback *iface)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    ULONG refcount = InterlockedDecrement(&callback->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);

    if (!refcount)
    {
        if (callback->marshaler) IUnknown_Release(callback->marshaler);
        handler_release(callback->handler);
        free(callback);
    }
    return refcount;
}

static HRESULT WINAPI callback_ShowPropertiesCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);
    return handler_complete(callback->handler, HANDLER_SHOWING_PROPERTIES, HANDLER_WAITING, hr,
                            "ShowPropertiesCompleted");
}

static HRESULT WINAPI callback_PrepareForSyncCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);
    return handler_complete(callback->handler, HANDLER_PREPARING, HANDLER_PREPARED, hr,
                            "PrepareForSyncCompleted");
}

static HRESULT WINAPI callback_SynchronizeCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);
    return handler_complete(callback->handler, HANDLER_SYNCHRONIZING, HANDLER_SYNCHRONIZED, hr,
                            "SynchronizeCompleted");
}

static HRESULT WINAPI callback_ShowErrorCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr,
        ULONG count, SYNCMGRITEMID *ids)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    SYNCMGRITEMID *copy = NULL;

    TRACE("%p, %#lx, %lu, %p.\n", iface, hr, count, ids);

    /* The list belongs to the handler: copied before returning. */
    if (hr == S_SYNCMGR_RETRYSYNC && count)
    {
        if (count > MAX_RETRY_ITEMS || !ids)
        {
            WARN("Retry list of %lu items at %p.\n", count, ids);
            return E_INVALIDARG;
        }
        if (!(copy = malloc(count * sizeof(*copy)))) return E_OUTOFMEMORY;
        if (!guard_copy(copy, ids, count * sizeof(*copy)))
        {
            WARN("Unreadable retry list of %lu items at %p.\n", count, ids);
            free(copy);
            return E_INVALIDARG;
        }
    }
    return handler_complete_show_error(callback->handler, hr, copy, count);
}

static HRESULT WINAPI callback_EnableModeless(ISyncMgrSynchronizeCallback *iface, BOOL enable)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %d.\n", iface, enable);

    return handler_enable_modeless(callback->handler, enable);
}

static HRESULT WINAPI callback_Progress(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRITEMID id,
        SYNCMGRPROGRESSITEM *progress)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    WCHAR text[MAX_STATUS_TEXT + 1];
    SYNCMGRPROGRESSITEM copy;
    GUID id_copy;

    /* The handler's memory is read into ours before any lock is taken, and
     * trusted no further: it may become unreadable at any moment. */
    if (!id || !progress || !guard_copy(&id_copy, id, sizeof(id_copy))
            || !guard_copy(&copy, progress, sizeof(copy)) || copy.cbSize < sizeof(copy))
    {
        WARN("%s: bad arguments %p, %p.\n", debugstr_w(handler_clsid_str(callback->handler)), id,
             progress);
        return E_INVALIDARG;
    }
    /* Unterminated text ends at MAX_STATUS_TEXT; unreadable text is none. */
    if (!(copy.mask & SYNCMGRPROGRESSITEM_STATUSTEXT) || !copy.lpcStatusText) text[0] = 0;
    else if (!guard_copy_string(text, copy.lpcStatusText, ARRAYSIZE(text))) text[0] = 0;
    else copy_name(text, text, ARRAYSIZE(text));
    copy.lpcStatusText = NULL;
    return handler_progress(callback->handler, &id_copy, &copy,
                            (copy.mask & SYNCMGRPROGRESSITEM_STATUSTEXT) ? text : NULL);
}

static HRESULT WINAPI callback_LogError(ISyncMgrSynchronizeCallback *iface, DWORD level,
        LPCWSTR text, SYNCMGRLOGERRORINFO *info)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct log_entry entry = { { 0 } };
    SYNCMGRLOGERRORINFO info_copy;
    WCHAR *copy;
    HRESULT hr;

    TRACE("%p, %lu, %p, %p.\n", iface, level, text, info);

    if (info && (!guard_copy(&info_copy, info, sizeof(info_copy))
            || info_copy.cbSize < sizeof(info_copy)))
    {
        WARN("%s: unreadable SYNCMGRLOGERRORINFO %p.\n",
             debugstr_w(handler_clsid_str(callback->handler)), info);
        info = NULL;
    }
    if (info)
    {
        if (info_copy.mask & SYNCMGRLOGERROR_ERRORFLAGS) entry.flags = info_copy.dwSyncMgrErrorFlags;
        if (info_copy.mask & SYNCMGRLOGERROR_ERRORID) entry.id = info_copy.ErrorID;
        if (info_copy.mask & SYNCMGRLOGERROR_ITEMID)
        {
            entry.item = info_copy.ItemID;
            entry.has_item = TRUE;
        }
    }
    if (!(copy = malloc((MAX_ERROR_TEXT + 1) * sizeof(WCHAR)))) return E_OUTOFMEMORY;
    /* Unterminated text ends at MAX_ERROR_TEXT; unreadable text is none. */
    if (!text || !guard_copy_string(copy, text, MAX_ERROR_TEXT + 1)) copy[0] = 0;
    copy_name(copy, copy, MAX_ERROR_TEXT + 1);
    hr = handler_log_error(callback->handler, level, copy, &entry);
    free(copy);
    return hr;
}

static HRESULT WINAPI callback_DeleteLogError(ISyncMgrSynchronizeCallback *iface,
        REFSYNCMGRERRORID id, DWORD reserved)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    GUID copy;

    if (!id || !guard_copy(&copy, id, sizeof(copy)))
    {
        TRACE("%p, %p, %#lx.\n", iface, id, reserved);
        return E_INVALIDARG;
    }
    TRACE("%p, %s, %#lx.\n", iface, debugstr_guid(&copy), reserved);
    handler_delete_log_error(callback->handler, &copy);
    return S_OK;
}

static HRESULT WINAPI callback_EstablishConnection(ISyncMgrSynchronizeCallback *iface,
        LPCWSTR name, DWORD reserved)
{
    TRACE("%p, %p, %#lx.\n", iface, name, reserved);

    /* Under Wine the host's network is the connection: nothing to dial. */
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

HRESULT callback_create(struct handler *handler, ISyncMgrSynchronizeCallback **out)
{
    struct callback *callback;

    if (!(callback = calloc(1, sizeof(*callback)))) return E_OUTOFMEMORY;
    callback->ISyncMgrSynchronizeCallback_iface.lpVtbl = &callback_vtbl;
    callback->refcount = 1;
    callback->handler = handler;
    handler_addref(handler);
    if (FAILED(CoCreateFreeThreadedMarshaler((IUnknown *)&callback->ISyncMgrSynchronizeCallback_iface,
            &callback->marshaler)))
        callback->marshaler = NULL;
    *out = &callback->ISyncMgrSynchronizeCallback_iface;
    return S_OK;
}
