/*
 * mobsync.exe: the synchronization engine
 *
 * Each handler runs on a single-threaded apartment of its own, all of them at
 * once, and is driven through the documented sequence: Initialize,
 * GetHandlerInfo, EnumSyncMgrItems, SetProgressCallback, PrepareForSync and
 * its completion, Synchronize and its completion, SetProgressCallback(NULL),
 * Release. The session waits for every handler, or for its time limit, and
 * then reports. A handler's results are printed when it is done with all its
 * items (or is given up on), one line per item.
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
#include <wchar.h>

#include "mobsync_private.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Items asked for per ISyncMgrEnumItems::Next call. */
#define ENUM_BATCH 64

struct handler *handler_create(struct session *session, const CLSID *clsid, DWORD flags)
{
    struct handler *handler;

    if (!(handler = calloc(1, sizeof(*handler)))) return NULL;
    handler->refcount = 1;
    handler->session = session;
    handler->clsid = *clsid;
    guid_to_string(clsid, handler->clsid_str);
    handler->register_flags = flags;
    InitializeCriticalSection(&handler->cs);
    handler->completion_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    handler->control_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    return handler;
}

void handler_release(struct handler *handler)
{
    if (InterlockedDecrement(&handler->refcount)) return;
    DeleteCriticalSection(&handler->cs);
    CloseHandle(handler->completion_event);
    CloseHandle(handler->control_event);
    if (handler->thread) CloseHandle(handler->thread);
    free(handler->items);
    free(handler->sorted);
    free(handler->log);
    free(handler->retry_items);
    free(handler);
}

/* Orders by ID, then by place in the enumeration: no shared state, since
 * every handler thread sorts its own items at the same time. */
static int __cdecl compare_keys(const void *a, const void *b)
{
    const struct item_key *ka = a, *kb = b;
    int cmp = memcmp(&ka->id, &kb->id, sizeof(ka->id));

    return cmp ? cmp : (ka->index > kb->index) - (ka->index < kb->index);
}

/* Called with handler->cs held (or before any callback can exist). */
struct item *handler_find_item(struct handler *handler, const GUID *id)
{
    unsigned int lo = 0, hi = handler->item_count, mid;
    int cmp;

    if (handler->last_item < handler->item_count
            && IsEqualGUID(&handler->items[handler->last_item].id, id))
        return &handler->items[handler->last_item];
    if (!handler->sorted) return NULL;
    while (lo < hi)
    {
        mid = (lo + hi) / 2;
        cmp = memcmp(id, &handler->sorted[mid].id, sizeof(*id));
        if (!cmp)
        {
            handler->last_item = handler->sorted[mid].index;
            return &handler->items[handler->last_item];
        }
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

static const WCHAR *status_name(DWORD status)
{
    switch (status)
    {
    case SYNCMGRSTATUS_SUCCEEDED: return L"succeeded";
    case SYNCMGRSTATUS_SKIPPED: return L"skipped";
    case SYNCMGRSTATUS_STOPPED: return L"stopped";
    default: return L"failed";
    }
}

/* Prints the result of every chosen item not printed yet, taking
 * default_status for those the handler left without a final status, and
 * marks the handler finished. Called with handler->cs held. */
static void finish_locked(struct handler *handler, DWORD default_status)
{
    struct session *session = handler->session;
    struct text text = { 0 };
    WCHAR item_str[39];
    unsigned int i;
    DWORD status;

    if (handler->finished) return;
    handler->finished = TRUE;
    if (session->mode == MODE_SYNC)
    {
        for (i = 0; i < handler->item_count; i++)
        {
            struct item *item = &handler->items[i];

            if (!item->chosen || item->reported) continue;
            item->reported = TRUE;
            /* An item someone skipped is skipped, unless the handler said
             * otherwise: it may have finished it first. */
            if (is_final(item->status)) status = item->status;
            else status = item->skip ? SYNCMGRSTATUS_SKIPPED : default_status;
            if (status == SYNCMGRSTATUS_SUCCEEDED) InterlockedIncrement(&session->succeeded);
            else if (status == SYNCMGRSTATUS_SKIPPED) InterlockedIncrement(&session->skipped);
            else InterlockedIncrement(&session->failed);
            guid_to_string(&item->id, item_str);
            text_append(&text, L"%ls\t%ls\t%ls\t%ls\n", status_name(status), handler->clsid_str,
                        item_str, item->name);
        }
        /* One write for the handler's lines: a write per line costs a
         * round trip to the server under Wine, thousands of them per run. */
        output_text(&text);
    }
    SetEvent(session->finished_event);
}

static void finish(struct handler *handler, DWORD default_status)
{
    EnterCriticalSection(&handler->cs);
    finish_locked(handler, default_status);
    LeaveCriticalSection(&handler->cs);
}

/* The handler could not be used, crashed, broke the rules or ran out of time:
 * an error line, and its unfinished items fail. */
void handler_fail(struct handler *handler, HRESULT hr, const WCHAR *message)
{
    struct session *session = handler->session;

    EnterCriticalSection(&handler->cs);
    if (!handler->finished)
    {
        handler->failed = TRUE;
        handler->cancel_all = TRUE;
        handler->completion_hr = hr;
        InterlockedIncrement(&session->errors);
        /* Listing, the line waits for its place in CLSID order. */
        if (session->mode == MODE_LIST)
            lstrcpynW(handler->error, message, ARRAYSIZE(handler->error));
        else
            output_line(L"error\t%ls\t-\t%ls (0x%08lX)", handler->clsid_str, message, hr);
        finish_locked(handler, SYNCMGRSTATUS_FAILED);
    }
    LeaveCriticalSection(&handler->cs);
}

/* A problem that does not stop the handler: a warning line when
 * synchronizing; listing has no room for one in its format. */
static void warn_line(struct handler *handler, const WCHAR *text)
{
    WARN("%s: %s\n", debugstr_w(handler->clsid_str), debugstr_w(text));
    if (handler->session->mode == MODE_SYNC)
        output_line(L"warning\t%ls\t-\t%ls", handler->clsid_str, text);
}

/* Tells the handler of the items someone asked to skip, with
 * SetItemStatus(SKIPPED). The documentation allows it only while PrepareForSync
 * or Synchronize has returned and its completion has not come: requests
 * made at other times wait for the next such window. */
static void pass_on_skips(struct handler *handler, ISyncMgrSynchronize *sync)
{
    SYNCMGRITEMID ids[16];
    unsigned int i, count;
    HRESULT hr;

    do
    {
        count = 0;
        EnterCriticalSection(&handler->cs);
        if (handler->skips_pending && !handler->finished
                && (handler->state == HANDLER_PREPARING || handler->state == HANDLER_SYNCHRONIZING))
        {
            for (i = 0; i < handler->item_count && count < ARRAYSIZE(ids); i++)
            {
                struct item *item = &handler->items[i];

                if (!item->skip || item->skip_sent) continue;
                item->skip_sent = TRUE;
                ids[count++] = item->id;
                handler->skips_pending--;
            }
        }
        LeaveCriticalSection(&handler->cs);

        for (i = 0; i < count; i++)
        {
            TRACE("%s: SetItemStatus(%s, SKIPPED).\n", debugstr_w(handler->clsid_str),
                  debugstr_guid(&ids[i]));
            hr = ISyncMgrSynchronize_SetItemStatus(sync, &ids[i], SYNCMGRSTATUS_SKIPPED);
            if (hr != S_OK) WARN("SetItemStatus returned %#lx.\n", hr);
        }
    } while (count == ARRAYSIZE(ids));
}

/* Waits, serving the apartment, until the pending call completes, passing
 * on skip requests meanwhile. FALSE when the session gave up on the handler
 * meanwhile. */
static BOOL wait_completion(struct handler *handler, ISyncMgrSynchronize *sync)
{
    HANDLE events[2] = { handler->completion_event, handler->control_event };
    MSG msg;

    for (;;)
    {
        DWORD ret;

        pass_on_skips(handler, sync);
        ret = MsgWaitForMultipleObjects(2, events, FALSE, 100, QS_ALLINPUT);
        if (ret == WAIT_OBJECT_0) return !handler->finished;
        if (handler->finished) return FALSE;
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
        {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

static BOOL add_item(struct handler *handler, const SYNCMGRITEM *src, unsigned int *size)
{
    WCHAR message[256], id_str[39];
    struct item *item;

    guid_to_string(&src->ItemID, id_str);
    if (src->cbSize != sizeof(*src))
    {
        format_message(message, ARRAYSIZE(message), IDS_BAD_ITEM_SIZE, id_str, src->cbSize,
                       (DWORD)sizeof(*src));
        warn_line(handler, message);
    }
    if (handler->item_count == *size)
    {
        unsigned int new_size = max(16, *size * 2);
        struct item *items = realloc(handler->items, new_size * sizeof(*items));

        if (!items) return FALSE;
        handler->items = items;
        *size = new_size;
    }
    item = &handler->items[handler->item_count++];
    memset(item, 0, sizeof(*item));
    item->id = src->ItemID;
    item->checked = src->dwItemState == SYNCMGRITEMSTATE_CHECKED;
    item->status = SYNCMGRSTATUS_PENDING;
    copy_name(item->name, src->wszItemName, ARRAYSIZE(item->name));
    return TRUE;
}

static void build_keys(struct handler *handler)
{
    unsigned int i;

    for (i = 0; i < handler->item_count; i++)
    {
        handler->sorted[i].id = handler->items[i].id;
        handler->sorted[i].index = i;
    }
    qsort(handler->sorted, handler->item_count, sizeof(*handler->sorted), compare_keys);
}

/* Builds the GUID-ordered index Progress searches, and drops the items whose
 * ID came before: the first of a duplicate stands. Sorting finds them in
 * O(n log n), where comparing each new item with all others would not scale. */
static BOOL sort_items(struct handler *handler)
{
    unsigned int i, j, count = handler->item_count;
    WCHAR message[256], id_str[39];
    BOOL *drop;

    if (!(handler->sorted = malloc(count * sizeof(*handler->sorted)))) return FALSE;
    if (!(drop = calloc(count, sizeof(*drop)))) return FALSE;
    build_keys(handler);
    for (i = 1; i < count; i++)
    {
        if (!IsEqualGUID(&handler->sorted[i].id, &handler->sorted[i - 1].id)) continue;
        drop[handler->sorted[i].index] = TRUE;
        guid_to_string(&handler->sorted[i].id, id_str);
        format_message(message, ARRAYSIZE(message), IDS_DUPLICATE_ITEM, id_str);
        warn_line(handler, message);
    }
    for (i = j = 0; i < count; i++) if (!drop[i]) handler->items[j++] = handler->items[i];
    free(drop);
    if (j != count)
    {
        handler->item_count = j;
        build_keys(handler);
    }
    return TRUE;
}

/* Copies the items out of the handler's enumerator, trusting none of it. */
static HRESULT read_items(struct handler *handler, ISyncMgrEnumItems *items)
{
    SYNCMGRITEM *batch;
    unsigned int size = 0, i;
    WCHAR message[256];
    ULONG fetched;
    HRESULT hr;

    if (!(batch = malloc(ENUM_BATCH * sizeof(*batch)))) return E_OUTOFMEMORY;
    for (;;)
    {
        fetched = 0;
        memset(batch, 0, ENUM_BATCH * sizeof(*batch));
        hr = ISyncMgrEnumItems_Next(items, ENUM_BATCH, batch, &fetched);
        if (FAILED(hr)) break;
        if (fetched > ENUM_BATCH)
        {
            format_message(message, ARRAYSIZE(message), IDS_FETCHED_TOO_MANY, fetched, ENUM_BATCH);
            free(batch);
            handler_fail(handler, E_UNEXPECTED, message);
            return E_UNEXPECTED;
        }
        for (i = 0; i < fetched; i++)
        {
            if (handler->item_count >= MAX_ITEMS)
            {
                format_message(message, ARRAYSIZE(message), IDS_TOO_MANY_ITEMS, MAX_ITEMS);
                warn_line(handler, message);
                hr = S_FALSE;
                break;
            }
            if (!add_item(handler, &batch[i], &size))
            {
                free(batch);
                return E_OUTOFMEMORY;
            }
        }
        if (hr != S_OK || !fetched || handler->item_count >= MAX_ITEMS) break;
    }
    free(batch);
    if (FAILED(hr))
    {
        format_message(message, ARRAYSIZE(message), IDS_ENUM_FAILED, hr);
        handler_fail(handler, hr, message);
        return hr;
    }

    if (handler->item_count && !sort_items(handler)) return E_OUTOFMEMORY;
    return S_OK;
}

static BOOL item_requested(const struct session *session, const GUID *id)
{
    unsigned int i;

    for (i = 0; i < session->only_item_count; i++)
        if (IsEqualGUID(&session->only_items[i], id)) return TRUE;
    return FALSE;
}

static unsigned int choose_items(struct handler *handler)
{
    const struct session *session = handler->session;
    HKEY settings = open_item_settings(&handler->clsid);
    unsigned int i, count = 0;

    for (i = 0; i < handler->item_count; i++)
    {
        struct item *item = &handler->items[i];

        read_item_state(settings, &item->id, &item->checked);
        if (session->only_item_count) item->chosen = item_requested(session, &item->id);
        else item->chosen = item->checked;
        if (item->chosen) count++;
    }
    if (settings) RegCloseKey(settings);
    return count;
}

static BOOL get_handler_info(struct handler *handler, ISyncMgrSynchronize *sync)
{
    SYNCMGRHANDLERINFO *info = NULL;
    WCHAR message[256];
    HRESULT hr;

    hr = ISyncMgrSynchronize_GetHandlerInfo(sync, &info);
    if (FAILED(hr) || !info || IsBadReadPtr(info, sizeof(DWORD)) || info->cbSize != sizeof(*info)
            || IsBadReadPtr(info, sizeof(*info)))
    {
        /* Not freed: memory this broken may not be the handler's CoTaskMemAlloc. */
        format_message(message, ARRAYSIZE(message), IDS_BAD_HANDLER_INFO, hr);
        handler_fail(handler, FAILED(hr) ? hr : E_UNEXPECTED, message);
        return FALSE;
    }
    copy_name(handler->name, info->wszHandlerName, ARRAYSIZE(handler->name));
    /* The icon is the handler's; headless, nothing shows it. */
    CoTaskMemFree(info);
    if (!handler->name[0]) wcscpy(handler->name, handler->clsid_str);
    return TRUE;
}

static void fail_chosen(struct handler *handler, UINT message_id, HRESULT hr)
{
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), message_id, hr);
    output_line(L"error\t%ls\t-\t%ls", handler->clsid_str, message);
    InterlockedIncrement(&handler->session->errors);
    finish(handler, SYNCMGRSTATUS_FAILED);
}

static void set_state(struct handler *handler, enum handler_state state)
{
    EnterCriticalSection(&handler->cs);
    handler->state = state;
    ResetEvent(handler->completion_event);
    LeaveCriticalSection(&handler->cs);
}

/* PrepareForSync and Synchronize for the given items, with ShowError and a
 * retry when asked. FALSE when the session gave up on the handler. */
static BOOL synchronize_items(struct handler *handler, ISyncMgrSynchronize *sync,
        SYNCMGRITEMID *ids, ULONG count)
{
    struct session *session = handler->session;
    const ULONG capacity = count;
    unsigned int attempt, i;
    SYNCMGRERRORID error_id;
    struct item *item;
    HRESULT hr;
    BOOL retry;

    for (attempt = 0;; attempt++)
    {
        set_state(handler, HANDLER_PREPARING);
        hr = ISyncMgrSynchronize_PrepareForSync(sync, count, ids, NULL, 0);
        if (hr != S_OK)
        {
            /* The handler must not complete a call that did not start. */
            set_state(handler, HANDLER_PREPARED);
            fail_chosen(handler, IDS_PREPARE_FAILED, hr);
            return TRUE;
        }
        if (!wait_completion(handler, sync)) return FALSE;
        if (handler->completion_hr != S_OK)
        {
            fail_chosen(handler, IDS_PREPARE_FAILED, handler->completion_hr);
            return TRUE;
        }

        set_state(handler, HANDLER_SYNCHRONIZING);
        hr = ISyncMgrSynchronize_Synchronize(sync, NULL);
        if (hr != S_OK)
        {
            set_state(handler, HANDLER_SYNCHRONIZED);
            fail_chosen(handler, IDS_SYNCHRONIZE_FAILED, hr);
            return TRUE;
        }
        if (!wait_completion(handler, sync)) return FALSE;
        hr = handler->completion_hr;

        /* As if each error with details were double-clicked (/showerrors). */
        retry = FALSE;
        while (session->show_errors && attempt < MAX_RETRIES && !retry)
        {
            EnterCriticalSection(&handler->cs);
            for (i = 0; i < handler->log_count; i++)
                if (handler->log[i].flags & SYNCMGRERRORFLAG_ENABLEJUMPTEXT) break;
            if (i == handler->log_count)
            {
                LeaveCriticalSection(&handler->cs);
                break;
            }
            error_id = handler->log[i].id;
            memmove(&handler->log[i], &handler->log[i + 1], (handler->log_count - i - 1)
                    * sizeof(*handler->log));
            handler->log_count--;
            LeaveCriticalSection(&handler->cs);

            set_state(handler, HANDLER_SHOWING_ERROR);
            if (ISyncMgrSynchronize_ShowError(sync, NULL, &error_id) != S_OK)
            {
                set_state(handler, HANDLER_SYNCHRONIZED);
                continue;
            }
            if (!wait_completion(handler, sync)) return FALSE;
            if (handler->completion_hr == S_SYNCMGR_RETRYSYNC && handler->retry_count) retry = TRUE;
        }
        if (!retry) break;

        /* Synchronize again exactly the items the handler named that it has,
         * each once: never more than were chosen, whatever the list says. */
        EnterCriticalSection(&handler->cs);
        for (i = count = 0; i < handler->retry_count && count < capacity; i++)
        {
            ULONG j;

            if (!(item = handler_find_item(handler, &handler->retry_items[i])) || !item->chosen
                    || item->skip)
                continue;
            for (j = 0; j < count; j++) if (IsEqualGUID(&ids[j], &item->id)) break;
            if (j < count) continue;
            item->status = SYNCMGRSTATUS_PENDING;
            ids[count++] = item->id;
        }
        LeaveCriticalSection(&handler->cs);
        TRACE("%s: retrying %lu items.\n", debugstr_w(handler->clsid_str), count);
        if (!count) break;
    }
    finish(handler, hr == S_OK ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED);
    return TRUE;
}

static DWORD WINAPI main_apartment_thread(void *ready)
{
    MSG msg;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    SetEvent(ready);
    while (GetMessageW(&msg, NULL, 0, 0) > 0)
    {
        TranslateMessage(&msg);
        DispatchMessageW(&msg);
    }
    return 0;
}

/* The first single-threaded apartment of a process is its main apartment,
 * where objects registered without a ThreadingModel are created. It gets a
 * thread of its own, so that such a handler that hangs blocks nobody but
 * itself (and others like it), never the session's clock. */
static void start_main_apartment(void)
{
    static BOOL started;

    HANDLE ready, thread;

    if (started) return;
    started = TRUE;
    ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    if ((thread = CreateThread(NULL, 0, main_apartment_thread, ready, 0, NULL)))
    {
        WaitForSingleObject(ready, INFINITE);
        CloseHandle(thread);
    }
    CloseHandle(ready);
}

/* Reads the handler's InprocServer32 key: the path of its DLL and whether
 * it lives in any apartment (a ThreadingModel) or only the main one. */
static BOOL read_inproc_server(const CLSID *clsid, WCHAR *path, BOOL *single_threaded)
{
    WCHAR key_name[80], value[MAX_PATH], model[32];
    DWORD size = sizeof(value), type;
    HKEY key;
    LSTATUS ret;

    wcscpy(key_name, L"CLSID\\");
    guid_to_string(clsid, key_name + wcslen(key_name));
    wcscat(key_name, L"\\InprocServer32");
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, key_name, 0, KEY_QUERY_VALUE, &key)) return FALSE;
    ret = RegQueryValueExW(key, NULL, NULL, &type, (BYTE *)value, &size);
    if (!ret && (type == REG_SZ || type == REG_EXPAND_SZ) && size >= sizeof(WCHAR))
    {
        value[min(size / sizeof(WCHAR), ARRAYSIZE(value) - 1)] = 0;
        if (!ExpandEnvironmentStringsW(value, path, MAX_PATH)) path[0] = 0;
    }
    else path[0] = 0;
    size = sizeof(model);
    ret = RegQueryValueExW(key, L"ThreadingModel", NULL, &type, (BYTE *)model, &size);
    *single_threaded = ret || type != REG_SZ || !wcsicmp(model, L"Single");
    RegCloseKey(key);
    return TRUE;
}

static HMODULE handler_module(const CLSID *clsid)
{
    WCHAR path[MAX_PATH];
    BOOL single;

    if (!read_inproc_server(clsid, path, &single) || !path[0]) return NULL;
    return GetModuleHandleW(path);
}

static void run_handler(struct handler *handler)
{
    struct session *session = handler->session;
    ISyncMgrSynchronizeCallback *callback = NULL;
    ISyncMgrEnumItems *items = NULL;
    ISyncMgrSynchronize *sync;
    SYNCMGRITEMID *ids = NULL;
    WCHAR message[256];
    unsigned int i, count;
    HRESULT hr;

    hr = CoCreateInstance(&handler->clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronize,
                          (void **)&sync);
    if (FAILED(hr))
    {
        handler_fail(handler, hr, load_message(IDS_CANNOT_LOAD, message, ARRAYSIZE(message)));
        return;
    }
    /* Its DLL, so that a crash on a thread of its own is recognized as its. */
    handler->module = handler_module(&handler->clsid);

    hr = ISyncMgrSynchronize_Initialize(sync, 0, session->flags, session->cookie_size, session->cookie);
    if (hr == S_FALSE)
    {
        TRACE("%s does not take part.\n", debugstr_w(handler->clsid_str));
        handler->skipped = TRUE;
        finish(handler, SYNCMGRSTATUS_SKIPPED);
        goto done;
    }
    if (FAILED(hr))
    {
        format_message(message, ARRAYSIZE(message), IDS_INITIALIZE_FAILED, hr);
        handler_fail(handler, hr, message);
        goto done;
    }
    /* Each call may have outlived the time limit: then nothing more is asked. */
    if (handler->finished || !get_handler_info(handler, sync) || handler->finished) goto done;

    hr = ISyncMgrSynchronize_EnumSyncMgrItems(sync, &items);
    if (FAILED(hr) || !items)
    {
        format_message(message, ARRAYSIZE(message), IDS_ENUM_FAILED, FAILED(hr) ? hr : E_POINTER);
        handler_fail(handler, FAILED(hr) ? hr : E_POINTER, message);
        goto done;
    }
    /* S_SYNCMGR_ITEMDELETED and S_SYNCMGR_ENUMITEMS are accepted as S_OK. */
    if (FAILED(read_items(handler, items)) || handler->finished) goto done;
    if (hr != S_SYNCMGR_MISSINGITEMS) prune_item_settings(handler);
    ISyncMgrEnumItems_Release(items);
    items = NULL;

    if (session->mode == MODE_LIST)
    {
        HKEY settings = open_item_settings(&handler->clsid);

        for (i = 0; i < handler->item_count; i++)
            read_item_state(settings, &handler->items[i].id, &handler->items[i].checked);
        if (settings) RegCloseKey(settings);
        finish(handler, SYNCMGRSTATUS_SUCCEEDED);
        goto done;
    }

    /* No chosen item: the handler is simply released. */
    if (!(count = choose_items(handler)))
    {
        finish(handler, SYNCMGRSTATUS_SUCCEEDED);
        goto done;
    }
    if (!(ids = malloc(count * sizeof(*ids))))
    {
        handler_fail(handler, E_OUTOFMEMORY, L"out of memory");
        goto done;
    }
    for (i = count = 0; i < handler->item_count; i++)
        if (handler->items[i].chosen) ids[count++] = handler->items[i].id;

    if (FAILED(hr = callback_create(handler, &callback)))
    {
        handler_fail(handler, hr, L"out of memory");
        goto done;
    }
    ISyncMgrSynchronize_SetProgressCallback(sync, callback);
    if (!synchronize_items(handler, sync, ids, count))
    {
        /* Given up on: no more calls into it. */
        ISyncMgrSynchronizeCallback_Release(callback);
        free(ids);
        return;
    }
    set_state(handler, HANDLER_RELEASED);
    ISyncMgrSynchronize_SetProgressCallback(sync, NULL);
    ISyncMgrSynchronizeCallback_Release(callback);

done:
    free(ids);
    if (items) ISyncMgrEnumItems_Release(items);
    ISyncMgrSynchronize_Release(sync);
}

static DWORD WINAPI handler_thread(void *arg)
{
    struct handler *handler = arg;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    guard_enter(handler);
    run_handler(handler);
    guard_leave();
    finish(handler, SYNCMGRSTATUS_FAILED);
    handler_release(handler);
    /* An apartment whose handler was given up on is not torn down: the
     * handler may still be running in it. */
    CoUninitialize();
    return 0;
}

static int __cdecl compare_handlers(const void *a, const void *b)
{
    return wcscmp((*(struct handler * const *)a)->clsid_str, (*(struct handler * const *)b)->clsid_str);
}

static void print_list(struct session *session)
{
    struct text text = { 0 };
    WCHAR item_str[39];
    unsigned int i, j;

    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        EnterCriticalSection(&handler->cs);
        if (handler->failed)
            text_append(&text, L"%ls\t-\terror\t0x%08lX\t%ls\n", handler->clsid_str,
                        handler->completion_hr, handler->error);
        else if (!handler->skipped)
        {
            for (j = 0; j < handler->item_count; j++)
            {
                guid_to_string(&handler->items[j].id, item_str);
                text_append(&text, L"%ls\t%ls\t%ls\t%ls\t%ls\n", handler->clsid_str, item_str,
                            handler->items[j].checked ? L"checked" : L"unchecked", handler->name,
                            handler->items[j].name);
            }
        }
        LeaveCriticalSection(&handler->cs);
        output_text(&text);
    }
}

/* mobsync /skip: what the progress dialog's Skip button does. Taken for an
 * item chosen for this session that has no result yet, from the moment its
 * handler is asked to prepare until it completes Synchronize: Progress for
 * it answers S_SYNCMGR_CANCELITEM from now on, and the handler's thread
 * passes the request on with SetItemStatus(SKIPPED). Gives the number of
 * items taken (the same ID may belong to several handlers). */
unsigned int session_skip_item(struct session *session, const GUID *clsid, const GUID *id)
{
    unsigned int i, taken = 0;
    struct item *item;

    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (clsid && !IsEqualGUID(clsid, &handler->clsid)) continue;
        EnterCriticalSection(&handler->cs);
        if (!handler->finished && (handler->state == HANDLER_PREPARING
                || handler->state == HANDLER_PREPARED || handler->state == HANDLER_SYNCHRONIZING)
                && (item = handler_find_item(handler, id)) && item->chosen
                && !is_final(item->status) && !item->skip)
        {
            TRACE("%s: skipping %s.\n", debugstr_w(handler->clsid_str), debugstr_guid(id));
            item->skip = TRUE;
            item->cancel = TRUE;
            handler->skips_pending++;
            SetEvent(handler->control_event);
            taken++;
        }
        LeaveCriticalSection(&handler->cs);
    }
    return taken;
}

/* mobsync /stop and Ctrl+C: what the Stop button does. Every handler still
 * at work is answered S_SYNCMGR_CANCELALL by Progress from now on. Gives the
 * number of handlers asked. */
unsigned int session_stop(struct session *session, const GUID *clsid)
{
    unsigned int i, asked = 0;

    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (clsid && !IsEqualGUID(clsid, &handler->clsid)) continue;
        EnterCriticalSection(&handler->cs);
        if (!handler->finished)
        {
            TRACE("%s: stopping.\n", debugstr_w(handler->clsid_str));
            handler->cancel_all = TRUE;
            asked++;
        }
        LeaveCriticalSection(&handler->cs);
    }
    return asked;
}

static struct session * volatile current_session;
static LONG cancel_requests;

/* Ctrl+C or Ctrl+Break: the first asks every handler to stop through
 * Progress (their items end "stopped"); the second ends the process. */
static BOOL WINAPI console_ctrl(DWORD type)
{
    struct session *session = current_session;

    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;
    if (InterlockedIncrement(&cancel_requests) > 1 || !session) return FALSE;
    session_stop(session, NULL);
    return TRUE;
}

/* Runs the session to its end and gives the exit code. */
int run_session(struct session *session)
{
    WCHAR message[256];
    unsigned int i, running;
    DWORD now, timeout_ms, grace_ms;
    HWND control = NULL;
    MSG msg;

    session->finished_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (FAILED(load_registrations(session))) return 1;
    qsort(session->handlers, session->handler_count, sizeof(*session->handlers), compare_handlers);
    guard_set_session(session);
    current_session = session;
    SetConsoleCtrlHandler(console_ctrl, TRUE);

    /* Before any handler's apartment exists, so that it is the first. */
    for (i = 0; i < session->handler_count; i++)
    {
        WCHAR path[MAX_PATH];
        BOOL single;

        if (read_inproc_server(&session->handlers[i]->clsid, path, &single) && single)
        {
            start_main_apartment();
            break;
        }
    }

    /* Before the handlers start: a request may come as soon as they do. */
    if (session->mode == MODE_SYNC) control = control_create(session);

    timeout_ms = session->timeout > MAXDWORD / 2000 ? MAXDWORD / 2 : session->timeout * 1000;
    /* A handler is asked to cancel a little before it is given up on. */
    grace_ms = min(5000, timeout_ms / 4);
    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (handler->finished) continue;
        handler->deadline = GetTickCount() + timeout_ms;
        InterlockedIncrement(&handler->refcount);
        if (!(handler->thread = CreateThread(NULL, 0, handler_thread, handler, 0, NULL)))
        {
            handler_release(handler);
            handler_fail(handler, HRESULT_FROM_WIN32(GetLastError()), L"no thread");
        }
    }

    for (;;)
    {
        now = GetTickCount();
        for (i = running = 0; i < session->handler_count; i++)
        {
            struct handler *handler = session->handlers[i];
            BOOL cancel = FALSE;

            if (handler->finished) continue;
            if ((LONG)(now - handler->deadline) >= 0)
            {
                format_message(message, ARRAYSIZE(message), IDS_TIMED_OUT, session->timeout);
                WARN("%s timed out.\n", debugstr_w(handler->clsid_str));
                handler->given_up = TRUE;
                handler_fail(handler, HRESULT_FROM_WIN32(ERROR_TIMEOUT), message);
                continue;
            }
            EnterCriticalSection(&handler->cs);
            if ((LONG)(now - (handler->deadline - grace_ms)) >= 0 && !handler->cancel_all)
                cancel = handler->cancel_all = TRUE;
            LeaveCriticalSection(&handler->cs);
            if (cancel) TRACE("%s: asking it to cancel.\n", debugstr_w(handler->clsid_str));
            running++;
        }
        if (!running) break;
        if (!control)
        {
            WaitForSingleObject(session->finished_event, 100);
            continue;
        }
        MsgWaitForMultipleObjects(1, &session->finished_event, FALSE, 100, QS_ALLINPUT);
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
    }
    control_destroy(control);

    /* Results are in; let each handler that is not given up on be released
     * properly (SetProgressCallback(NULL), Release) before the process ends. */
    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];
        LONG left;

        if (!handler->thread || handler->given_up) continue;
        left = (LONG)(handler->deadline - GetTickCount());
        if (WaitForSingleObject(handler->thread, left > 0 ? left : 0) == WAIT_TIMEOUT)
            WARN("%s is not releasing; given up on.\n", debugstr_w(handler->clsid_str));
    }
    guard_set_session(NULL);
    current_session = NULL;

    if (session->mode == MODE_LIST)
    {
        print_list(session);
        return session->errors ? 1 : 0;
    }
    format_message(message, ARRAYSIZE(message), IDS_SUMMARY, session->succeeded, session->failed,
                   session->skipped);
    output_line(L"%ls", message);
    return session->failed || session->errors ? 1 : 0;
}
