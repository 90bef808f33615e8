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

/* Ends a begin/complete pair: only when that call is outstanding. */
static HRESULT complete(struct handler *handler, enum handler_state pending,
        enum handler_state next, HRESULT hr, const char *what)
{
    HRESULT ret = S_OK;

    EnterCriticalSection(&handler->cs);
    if (handler->state != pending || handler->finished)
    {
        WARN("%s: %s(%#lx) out of turn (state %u); ignored.\n", debugstr_w(handler->clsid_str),
             what, hr, handler->state);
        ret = E_UNEXPECTED;
    }
    else
    {
        handler->state = next;
        handler->completion_hr = hr;
        SetEvent(handler->completion_event);
    }
    LeaveCriticalSection(&handler->cs);
    return ret;
}

static HRESULT WINAPI callback_ShowPropertiesCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);

    /* This manager calls ShowProperties only from the choice dialog. */
    WARN("%s: ShowPropertiesCompleted without ShowProperties.\n",
         debugstr_w(callback->handler->clsid_str));
    return S_OK;
}

static HRESULT WINAPI callback_PrepareForSyncCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);
    return complete(callback->handler, HANDLER_PREPARING, HANDLER_PREPARED, hr,
                    "PrepareForSyncCompleted");
}

static HRESULT WINAPI callback_SynchronizeCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %#lx.\n", iface, hr);
    return complete(callback->handler, HANDLER_SYNCHRONIZING, HANDLER_SYNCHRONIZED, hr,
                    "SynchronizeCompleted");
}

static HRESULT WINAPI callback_ShowErrorCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr,
        ULONG count, SYNCMGRITEMID *ids)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct handler *handler = callback->handler;
    SYNCMGRITEMID *copy = NULL;
    HRESULT ret;

    TRACE("%p, %#lx, %lu, %p.\n", iface, hr, count, ids);

    /* The list belongs to the handler: copied before returning. */
    if (hr == S_SYNCMGR_RETRYSYNC && count)
    {
        if (count > MAX_RETRY_ITEMS || !ids || IsBadReadPtr(ids, count * sizeof(*ids)))
        {
            WARN("Unreadable retry list of %lu items at %p.\n", count, ids);
            return E_INVALIDARG;
        }
        if (!(copy = malloc(count * sizeof(*copy)))) return E_OUTOFMEMORY;
        memcpy(copy, ids, count * sizeof(*copy));
    }

    EnterCriticalSection(&handler->cs);
    if (handler->state != HANDLER_SHOWING_ERROR || handler->finished)
    {
        WARN("ShowErrorCompleted out of turn; ignored.\n");
        ret = E_UNEXPECTED;
    }
    else
    {
        free(handler->retry_items);
        handler->retry_items = copy;
        handler->retry_count = copy ? count : 0;
        copy = NULL;
        handler->state = HANDLER_SYNCHRONIZED;
        handler->completion_hr = hr;
        SetEvent(handler->completion_event);
        ret = S_OK;
    }
    LeaveCriticalSection(&handler->cs);
    free(copy);
    return ret;
}

static HRESULT WINAPI callback_EnableModeless(ISyncMgrSynchronizeCallback *iface, BOOL enable)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);

    TRACE("%p, %d.\n", iface, enable);

    /* A dialog is allowed only where a person can be asked. */
    if (enable && !(callback->handler->session->flags & SYNCMGRFLAG_MAYBOTHERUSER)) return S_FALSE;
    return S_OK;
}

static HRESULT WINAPI callback_Progress(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRITEMID id,
        SYNCMGRPROGRESSITEM *progress)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct handler *handler = callback->handler;
    struct item *item;
    HRESULT ret;

    if (!id || !progress || IsBadReadPtr(id, sizeof(*id))
            || IsBadReadPtr(progress, sizeof(*progress)) || progress->cbSize < sizeof(*progress))
    {
        WARN("%s: bad arguments %p, %p.\n", debugstr_w(handler->clsid_str), id, progress);
        return E_INVALIDARG;
    }

    EnterCriticalSection(&handler->cs);
    if (handler->finished || handler->state == HANDLER_RELEASED)
    {
        ret = E_UNEXPECTED;
    }
    else if (!(item = handler_find_item(handler, id)))
    {
        WARN("%s: Progress for unknown item %s.\n", debugstr_w(handler->clsid_str),
             debugstr_guid(id));
        ret = E_INVALIDARG;
    }
    else
    {
        if ((progress->mask & SYNCMGRPROGRESSITEM_STATUSTYPE) && item->chosen)
        {
            /* A final status sticks: later reports cannot undo a result. */
            if (!is_final(item->status)) item->status = progress->dwStatusType;
        }
        if (handler->cancel_all) ret = S_SYNCMGR_CANCELALL;
        else if (item->cancel) ret = S_SYNCMGR_CANCELITEM;
        else ret = S_OK;
    }
    LeaveCriticalSection(&handler->cs);
    return ret;
}

static const WCHAR *level_name(DWORD level)
{
    switch (level)
    {
    case SYNCMGRLOGLEVEL_INFORMATION: return L"info";
    case SYNCMGRLOGLEVEL_WARNING: return L"warning";
    default: return L"error";
    }
}

static HRESULT WINAPI callback_LogError(ISyncMgrSynchronizeCallback *iface, DWORD level,
        LPCWSTR text, SYNCMGRLOGERRORINFO *info)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct handler *handler = callback->handler;
    WCHAR *copy, item_str[39];
    struct log_entry entry = { { 0 } };
    size_t len;

    TRACE("%p, %lu, %p, %p.\n", iface, level, text, info);

    if (info && (IsBadReadPtr(info, sizeof(*info)) || info->cbSize < sizeof(*info)))
    {
        WARN("%s: unreadable SYNCMGRLOGERRORINFO %p.\n", debugstr_w(handler->clsid_str), info);
        info = NULL;
    }
    if (info)
    {
        if (info->mask & SYNCMGRLOGERROR_ERRORFLAGS) entry.flags = info->dwSyncMgrErrorFlags;
        if (info->mask & SYNCMGRLOGERROR_ERRORID) entry.id = info->ErrorID;
        if (info->mask & SYNCMGRLOGERROR_ITEMID)
        {
            entry.item = info->ItemID;
            entry.has_item = TRUE;
        }
    }
    if (!(copy = malloc((MAX_ERROR_TEXT + 1) * sizeof(WCHAR)))) return E_OUTOFMEMORY;
    if (!text || IsBadStringPtrW(text, MAX_ERROR_TEXT)) copy[0] = 0;
    else
    {
        for (len = 0; len < MAX_ERROR_TEXT && text[len]; len++) ;
        memcpy(copy, text, len * sizeof(WCHAR));
        copy[len] = 0;
        copy_name(copy, copy, len + 1);
    }
    if (entry.has_item) guid_to_string(&entry.item, item_str);

    EnterCriticalSection(&handler->cs);
    if (handler->finished || handler->state == HANDLER_RELEASED)
    {
        LeaveCriticalSection(&handler->cs);
        free(copy);
        return E_UNEXPECTED;
    }
    if (!IsEqualGUID(&entry.id, &GUID_NULL))
    {
        if (handler->log_count == handler->log_size)
        {
            unsigned int size = max(16, handler->log_size * 2);
            struct log_entry *log = realloc(handler->log, size * sizeof(*log));
            if (log)
            {
                handler->log = log;
                handler->log_size = size;
            }
        }
        if (handler->log_count < handler->log_size) handler->log[handler->log_count++] = entry;
    }
    LeaveCriticalSection(&handler->cs);

    output_line(L"%ls\t%ls\t%ls\t%ls", level_name(level), handler->clsid_str,
                entry.has_item ? item_str : L"-", copy);
    free(copy);
    return S_OK;
}

static HRESULT WINAPI callback_DeleteLogError(ISyncMgrSynchronizeCallback *iface,
        REFSYNCMGRERRORID id, DWORD reserved)
{
    struct callback *callback = impl_from_ISyncMgrSynchronizeCallback(iface);
    struct handler *handler = callback->handler;
    unsigned int i, j;

    TRACE("%p, %s, %#lx.\n", iface, id && !IsBadReadPtr(id, sizeof(*id)) ? debugstr_guid(id) : "?",
          reserved);

    if (!id || IsBadReadPtr(id, sizeof(*id))) return E_INVALIDARG;

    EnterCriticalSection(&handler->cs);
    for (i = j = 0; i < handler->log_count; i++)
    {
        /* GUID_NULL deletes all of this handler's entries. */
        if (IsEqualGUID(id, &GUID_NULL) || IsEqualGUID(id, &handler->log[i].id)) continue;
        handler->log[j++] = handler->log[i];
    }
    handler->log_count = j;
    LeaveCriticalSection(&handler->cs);
    return S_OK;
}

static HRESULT WINAPI callback_EstablishConnection(ISyncMgrSynchronizeCallback *iface,
        LPCWSTR name, DWORD reserved)
{
    TRACE("%p, %s, %#lx.\n", iface, name && !IsBadStringPtrW(name, 256) ? debugstr_w(name)
          : "(default)", reserved);

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
    InterlockedIncrement(&handler->refcount);
    if (FAILED(CoCreateFreeThreadedMarshaler((IUnknown *)&callback->ISyncMgrSynchronizeCallback_iface,
            &callback->marshaler)))
        callback->marshaler = NULL;
    *out = &callback->ISyncMgrSynchronizeCallback_iface;
    return S_OK;
}
