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

/* A call the handler made, for a sink that follows them (handler_call):
 * made before the work, told with what the manager answered. */
static BOOL call_made(struct callback *callback, struct call_record *call, enum call_method method)
{
    if (!handler_follows_calls(callback->handler)) return FALSE;
    call_start(call, method);
    return TRUE;
}

static HRESULT call_answered(struct callback *callback, struct call_record *call, HRESULT answer)
{
    call->answer = answer;
    handler_call(callback->handler, call);
    return answer;
}

/* A completion, with what the handler passed: told before it is taken,
 * since the manager's next call into the handler may follow at once. */
static HRESULT complete(struct callback *callback, enum call_method method, enum handler_state pending,
        enum handler_state next, HRESULT hr, const char *what)
{
    struct call_record call;

    if (call_made(callback, &call, method))
    {
        call.hr = hr;
        handler_call_made(callback->handler, &call);
    }
    return handler_complete(callback->handler, pending, next, hr, what);
}

static HRESULT WINAPI callback_ShowPropertiesCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);
    return complete(callback, CALL_SHOW_PROPERTIES_COMPLETED, HANDLER_SHOWING_PROPERTIES,
                    HANDLER_WAITING, hr, "ShowPropertiesCompleted");
}

static HRESULT WINAPI callback_PrepareForSyncCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);
    return complete(callback, CALL_PREPARE_COMPLETED, HANDLER_PREPARING, HANDLER_PREPARED, hr,
                    "PrepareForSyncCompleted");
}

static HRESULT WINAPI callback_SynchronizeCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);
    return complete(callback, CALL_SYNCHRONIZE_COMPLETED, HANDLER_SYNCHRONIZING, HANDLER_SYNCHRONIZED,
                    hr, "SynchronizeCompleted");
}

static HRESULT WINAPI callback_ShowErrorCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr,
        ULONG count, SYNCMGRITEMID *ids)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    SYNCMGRITEMID *copy = NULL;
    struct call_record call;
    BOOL follow = call_made(callback, &call, CALL_SHOW_ERROR_COMPLETED);

    TRACE("%p, %#lx, %lu, %p.\n", iface, hr, count, ids);
    call.hr = hr;
    call.value = count;

    /* The list belongs to the handler: copied before returning. */
    if (hr == S_SYNCMGR_RETRYSYNC && count)
    {
        if (count > MAX_RETRY_ITEMS || !ids)
        {
            WARN("Retry list of %lu items at %p.\n", count, ids);
            return follow ? call_answered(callback, &call, E_INVALIDARG) : E_INVALIDARG;
        }
        if (!(copy = malloc(count * sizeof(*copy)))) return E_OUTOFMEMORY;
        if (!guard_copy(copy, ids, count * sizeof(*copy)))
        {
            WARN("Unreadable retry list of %lu items at %p.\n", count, ids);
            free(copy);
            return follow ? call_answered(callback, &call, E_INVALIDARG) : E_INVALIDARG;
        }
    }
    /* Told before it is taken, as the other completions. */
    if (follow) handler_call_made(callback->handler, &call);
    return handler_complete_show_error(callback->handler, hr, copy, count);
}

static HRESULT WINAPI callback_EnableModeless(ISyncMgrSynchronizeCallback *iface, BOOL enable)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct call_record call;

    TRACE("%p, %d.\n", iface, enable);

    if (!call_made(callback, &call, CALL_ENABLE_MODELESS))
        return handler_enable_modeless(callback->handler, enable);
    call.value = enable;
    return call_answered(callback, &call, handler_enable_modeless(callback->handler, enable));
}

static HRESULT WINAPI callback_Progress(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRITEMID id,
        SYNCMGRPROGRESSITEM *progress)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    WCHAR text[MAX_STATUS_TEXT + 1];
    SYNCMGRPROGRESSITEM copy;
    struct call_record call;
    BOOL follow = call_made(callback, &call, CALL_PROGRESS);
    GUID id_copy;

    /* The handler's memory is read into ours before any lock is taken, and
     * trusted no further: it may become unreadable at any moment. */
    if (!id || !progress || !guard_copy(&id_copy, id, sizeof(id_copy))
            || !guard_copy(&copy, progress, sizeof(copy)) || copy.cbSize < sizeof(copy))
    {
        WARN("%s: bad arguments %p, %p.\n", debugstr_w(handler_clsid_str(callback->handler)), id,
             progress);
        if (follow && progress && guard_copy(&copy, progress, sizeof(copy.cbSize))) call.size = copy.cbSize;
        return follow ? call_answered(callback, &call, E_INVALIDARG) : E_INVALIDARG;
    }
    /* Unterminated text ends at MAX_STATUS_TEXT; unreadable text is none. */
    if (!(copy.mask & SYNCMGRPROGRESSITEM_STATUSTEXT) || !copy.lpcStatusText) text[0] = 0;
    else if (!guard_copy_string(text, copy.lpcStatusText, ARRAYSIZE(text))) text[0] = 0;
    else copy_name(text, text, ARRAYSIZE(text));
    copy.lpcStatusText = NULL;
    if (!follow)
        return handler_progress(callback->handler, &id_copy, &copy,
                                (copy.mask & SYNCMGRPROGRESSITEM_STATUSTEXT) ? text : NULL);
    call.id = id_copy;
    call.size = copy.cbSize;
    call.value = copy.dwStatusType;
    call.value2 = copy.mask;
    return call_answered(callback, &call, handler_progress(callback->handler, &id_copy, &copy,
                         (copy.mask & SYNCMGRPROGRESSITEM_STATUSTEXT) ? text : NULL));
}

static HRESULT WINAPI callback_LogError(ISyncMgrSynchronizeCallback *iface, DWORD level,
        LPCWSTR text, SYNCMGRLOGERRORINFO *info)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct log_entry entry = { { 0 } };
    SYNCMGRLOGERRORINFO info_copy;
    struct call_record call;
    BOOL follow = call_made(callback, &call, CALL_LOG_ERROR);
    WCHAR *copy;
    HRESULT hr;

    TRACE("%p, %lu, %p, %p.\n", iface, level, text, info);

    call.value = level;
    if (follow && info && guard_copy(&info_copy, info, sizeof(info_copy.cbSize)))
    {
        call.size = info_copy.cbSize;
        if (guard_copy(&info_copy, info, sizeof(info_copy)))
        {
            call.value2 = info_copy.mask;
            call.object = info_copy.dwSyncMgrErrorFlags;
            call.id = info_copy.ItemID;
        }
    }
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
    return follow ? call_answered(callback, &call, hr) : hr;
}

static HRESULT WINAPI callback_DeleteLogError(ISyncMgrSynchronizeCallback *iface,
        REFSYNCMGRERRORID id, DWORD reserved)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct call_record call;
    BOOL follow = call_made(callback, &call, CALL_DELETE_LOG_ERROR);
    GUID copy;

    if (!id || !guard_copy(&copy, id, sizeof(copy)))
    {
        TRACE("%p, %p, %#lx.\n", iface, id, reserved);
        return follow ? call_answered(callback, &call, E_INVALIDARG) : E_INVALIDARG;
    }
    TRACE("%p, %s, %#lx.\n", iface, debugstr_guid(&copy), reserved);
    handler_delete_log_error(callback->handler, &copy);
    call.id = copy;
    return follow ? call_answered(callback, &call, S_OK) : S_OK;
}

static HRESULT WINAPI callback_EstablishConnection(ISyncMgrSynchronizeCallback *iface,
        LPCWSTR name, DWORD reserved)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct call_record call;

    TRACE("%p, %p, %#lx.\n", iface, name, reserved);

    /* Under Wine the host's network is the connection: nothing to dial. */
    return call_made(callback, &call, CALL_ESTABLISH_CONNECTION) ? call_answered(callback, &call, S_OK) : S_OK;
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
