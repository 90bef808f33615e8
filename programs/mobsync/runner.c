/*
 * mobsync.exe: a handler's thread
 *
 * Each handler runs on a single-threaded apartment of its own, all of them
 * at once, and is driven through the documented sequence: Initialize,
 * GetHandlerInfo, EnumSyncMgrItems, SetProgressCallback, PrepareForSync and
 * its completion, Synchronize and its completion (ShowError and a retry
 * when asked), SetProgressCallback(NULL), Release. The thread holds a
 * reference on the record (handler.c), and through it on the session.
 *
 * What a handler says about itself, its SYNCMGRHANDLERINFO and its items,
 * is trusted in nothing: the information is copied with guard_copy, the
 * items are checked and read into a table of the thread's own, which the
 * record gets complete (handler_set_items). A begin call's completion is
 * waited for with the apartment served meanwhile and skip requests passed
 * on.
 *
 * In Items to Synchronize the handler, loaded and given its callback, waits
 * on its own thread for what the person asks through the dialog: its
 * properties (ShowProperties, and the items again when they changed),
 * Synchronize, or Close. The dialog never calls it.
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
#include "resource.h"
#include "timing.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

static BOOL loader_enumerate(struct handler *handler, ISyncMgrSynchronize *sync);
static BOOL loader_get_info(struct handler *handler, ISyncMgrSynchronize *sync);
static BOOL step_synchronize(struct handler *handler, ISyncMgrSynchronize *sync,
        SYNCMGRITEMID *ids, ULONG count);
static BOOL step_serve_results(struct handler *handler, ISyncMgrSynchronize *sync);
static BOOL choosing_serve(struct handler *handler, ISyncMgrSynchronize *sync);

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
void runner_start_main_apartment(void)
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

/* Its DLL, so that a crash on a thread of its own is recognized as its. */
static HMODULE handler_module(const struct handler *handler)
{
    const WCHAR *path = handler_server(handler);

    return path[0] ? GetModuleHandleW(path) : NULL;
}

/* Initialize and GetHandlerInfo: TRUE when the handler takes part. Each
 * call may have outlived the time limit: then nothing more is asked. */
static BOOL initialize(struct handler *handler, ISyncMgrSynchronize *sync)
{
    struct session *session = handler_session(handler);
    struct call_record call;
    WCHAR message[256];
    HRESULT hr;

    if (handler_finished(handler)) return FALSE;
    call_start(&call, CALL_INITIALIZE);
    hr = ISyncMgrSynchronize_Initialize(sync, 0, session->options.flags, session->options.cookie_size, session->options.cookie);
    call.hr = hr;
    call.value = session->options.flags;
    call.value2 = session->options.cookie_size;
    handler_call(handler, &call);
    if (hr == S_FALSE)
    {
        TRACE("%s does not take part.\n", debugstr_w(handler_clsid_str(handler)));
        handler_skip(handler);
        return FALSE;
    }
    if (FAILED(hr))
    {
        format_message(message, ARRAYSIZE(message), IDS_INITIALIZE_FAILED, hr);
        handler_fail(handler, hr, message);
        return FALSE;
    }
    return !handler_finished(handler) && loader_get_info(handler, sync) && !handler_finished(handler);
}

/* The callback set, the synchronization of the chosen items (or the
 * choice dialog's commands), and the callback taken back. FALSE when the
 * handler was given up on meanwhile. */
static BOOL run_with_callback(struct handler *handler, ISyncMgrSynchronize *sync,
        SYNCMGRITEMID *ids, ULONG count)
{
    struct session *session = handler_session(handler);
    LONGLONG time = timing_now(session);
    ISyncMgrSynchronizeCallback *callback;
    struct call_record call;
    WCHAR message[256];
    HRESULT hr;
    BOOL ret;

    if (FAILED(hr = callback_create(handler, &callback)))
    {
        handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
        return TRUE;
    }
    call_start(&call, CALL_SET_PROGRESS_CALLBACK);
    call.hr = ISyncMgrSynchronize_SetProgressCallback(sync, callback);
    call.value = TRUE;
    handler_call(handler, &call);
    timing_next(session, TIMING_PREPARE, time);
    if (session->options.mode == MODE_CHOOSE) ret = choosing_serve(handler, sync);
    else ret = step_synchronize(handler, sync, ids, count) && step_serve_results(handler, sync);
    if (!ret)
    {
        ISyncMgrSynchronizeCallback_Release(callback);
        return FALSE;
    }
    time = timing_now(session);
    handler_set_state(handler, HANDLER_RELEASED);
    call_start(&call, CALL_SET_PROGRESS_CALLBACK);
    handler_call_made(handler, &call);
    call.hr = ISyncMgrSynchronize_SetProgressCallback(sync, NULL);
    handler_call(handler, &call);
    /* What is left is what the handler still holds. */
    call_start(&call, CALL_CALLBACK_RELEASE);
    call.value = ISyncMgrSynchronizeCallback_Release(callback);
    handler_call(handler, &call);
    timing_next(session, TIMING_RELEASE, time);
    return TRUE;
}

static void run_handler(struct handler *handler, LONGLONG time)
{
    struct session *session = handler_session(handler);
    ISyncMgrSynchronize *sync;
    SYNCMGRITEMID *ids = NULL;
    struct call_record call;
    WCHAR message[256];
    unsigned int count;
    HRESULT hr;

    hr = CoCreateInstance(handler_clsid(handler), NULL, CLSCTX_INPROC_SERVER,
                          &IID_ISyncMgrSynchronize, (void **)&sync);
    if (FAILED(hr))
    {
        handler_fail(handler, hr, load_message(IDS_CANNOT_LOAD, message, ARRAYSIZE(message)));
        return;
    }
    handler_set_module(handler, handler_module(handler));
    if (!initialize(handler, sync)) goto done;
    time = timing_next(session, TIMING_LOAD, time);
    if (!loader_enumerate(handler, sync)) goto done;

    if (session->options.mode == MODE_CHOOSE)
    {
        if (!run_with_callback(handler, sync, NULL, 0)) return; /* given up on */
        goto done;
    }
    /* Listing, this reads the check states; no chosen item: the handler is
     * simply released. */
    count = handler_choose_items(handler, &ids, &hr);
    timing_next(session, TIMING_ENUMERATE, time);
    if (FAILED(hr))
        handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
    else if (!count)
        handler_finish(handler, SYNCMGRSTATUS_SUCCEEDED);
    else if (!run_with_callback(handler, sync, ids, count))
    {
        /* Given up on: no more calls into it. */
        free(ids);
        return;
    }

done:
    time = timing_now(session);
    free(ids);
    /* What is left is what the handler holds on itself. */
    call_start(&call, CALL_RELEASE);
    call.value = ISyncMgrSynchronize_Release(sync);
    handler_call(handler, &call);
    timing_next(session, TIMING_RELEASE, time);
}

/* Holds a reference on the handler's record, and through it on the
 * session: a thread given up on keeps what it uses. */
DWORD WINAPI runner_thread(void *arg)
{
    struct handler *handler = arg;
    /* Held for the timing of the thread's end, which may come after the
     * record's. */
    struct session *session = handler_session(handler);
    LONGLONG time = timing_now(session);

    session_addref(session);
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    guard_enter(handler);
    run_handler(handler, time);
    time = timing_now(session);
    guard_leave();
    handler_finish(handler, SYNCMGRSTATUS_FAILED);
    handler_release(handler);
    /* An apartment whose handler was given up on is not torn down: the
     * handler may still be running in it. */
    CoUninitialize();
    timing_next(session, TIMING_RELEASE, time);
    session_release(session);
    return 0;
}

/* Items asked for per ISyncMgrEnumItems::Next call. */
#define ENUM_BATCH 64

/* GetHandlerInfo: the handler's name into its record. */
static BOOL loader_get_info(struct handler *handler, ISyncMgrSynchronize *sync)
{
    SYNCMGRHANDLERINFO *info = NULL, copy;
    struct call_record call;
    WCHAR message[256];
    BOOL readable;
    HRESULT hr;

    call_start(&call, CALL_GET_HANDLER_INFO);
    hr = ISyncMgrSynchronize_GetHandlerInfo(sync, &info);
    /* Its memory is read into ours first, and trusted no further. */
    readable = SUCCEEDED(hr) && info && guard_copy(&copy.cbSize, &info->cbSize, sizeof(copy.cbSize));
    call.hr = hr;
    call.size = readable ? copy.cbSize : 0;
    if (readable && copy.cbSize == sizeof(copy) && guard_copy(&copy, info, sizeof(copy)))
    {
        call.value = copy.SyncMgrHandlerFlags;
        call.bad_string = !ends_within(copy.wszHandlerName, ARRAYSIZE(copy.wszHandlerName));
    }
    else readable = FALSE;
    handler_call(handler, &call);
    if (!readable)
    {
        /* Not freed: memory this broken may not be the handler's CoTaskMemAlloc. */
        format_message(message, ARRAYSIZE(message), IDS_BAD_HANDLER_INFO, hr);
        handler_fail(handler, FAILED(hr) ? hr : E_UNEXPECTED, message);
        return FALSE;
    }
    CoTaskMemFree(info);
    handler_set_name(handler, copy.wszHandlerName);
    handler_set_flags(handler, copy.SyncMgrHandlerFlags);
    /* The icon stays the handler's: the record keeps a copy. */
    if (copy.hIcon) handler_set_icon(handler, CopyIcon(copy.hIcon));
    return TRUE;
}

/* The distinct icons of a handler's items, copied as they come: handlers
 * mostly give all their items the same one or two. */
struct icon_table
{
    HICON sources[MAX_ITEM_ICONS];
    HICON copies[MAX_ITEM_ICONS];
    unsigned int count;
    BOOL wanted;           /* only the choice dialog shows them */
};

static int add_icon(struct icon_table *table, HICON icon)
{
    unsigned int i;

    if (!icon || !table->wanted) return -1;
    for (i = 0; i < table->count; i++) if (table->sources[i] == icon) return i;
    if (table->count == MAX_ITEM_ICONS) return -1;
    /* An icon that is none is refused here, in the manager's own call. */
    if (!(table->copies[table->count] = CopyIcon(icon))) return -1;
    table->sources[table->count] = icon;
    return table->count++;
}

/* The copies, for the record to keep. */
static void hand_over_icons(struct handler *handler, struct icon_table *table)
{
    HICON *icons = NULL;
    unsigned int i;

    if (!table->wanted) return;
    if (table->count && !(icons = malloc(table->count * sizeof(*icons))))
    {
        for (i = 0; i < table->count; i++) DestroyIcon(table->copies[i]);
        table->count = 0;
    }
    else if (table->count) memcpy(icons, table->copies, table->count * sizeof(*icons));
    handler_set_item_icons(handler, icons, table->count);
    table->count = 0;
}

static void free_icon_table(struct icon_table *table)
{
    unsigned int i;

    for (i = 0; i < table->count; i++) DestroyIcon(table->copies[i]);
    table->count = 0;
}

static BOOL add_item(struct handler *handler, struct item **items, unsigned int *count,
        unsigned int *size, const SYNCMGRITEM *src, struct icon_table *icons)
{
    WCHAR message[256], id_str[39];
    struct call_record call;
    struct item *item;

    /* Per item: only for a sink that follows the calls. */
    if (handler_follows_calls(handler))
    {
        call_start(&call, CALL_ITEM);
        call.id = src->ItemID;
        call.size = src->cbSize;
        call.value = src->dwFlags;
        call.value2 = src->dwItemState;
        call.bad_string = !ends_within(src->wszItemName, ARRAYSIZE(src->wszItemName));
        call.time = src->ftLastUpdate;
        handler_call(handler, &call);
    }
    if (src->cbSize != sizeof(*src))
    {
        guid_to_string(&src->ItemID, id_str);
        format_message(message, ARRAYSIZE(message), IDS_BAD_ITEM_SIZE, id_str, src->cbSize,
                       (DWORD)sizeof(*src));
        handler_warn(handler, message);
    }
    if (*count == *size)
    {
        unsigned int new_size = max(16, *size * 2);
        struct item *new_items = realloc(*items, new_size * sizeof(*new_items));

        if (!new_items) return FALSE;
        *items = new_items;
        *size = new_size;
    }
    item = &(*items)[(*count)++];
    memset(item, 0, sizeof(*item));
    item->id = src->ItemID;
    item->checked = src->dwItemState == SYNCMGRITEMSTATE_CHECKED;
    item->status = SYNCMGRSTATUS_PENDING;
    copy_name(item->name, src->wszItemName, ARRAYSIZE(item->name));
    item->flags = src->dwFlags;
    if (src->dwFlags & SYNCMGRITEM_LASTUPDATETIME) item->last_update = src->ftLastUpdate;
    item->icon = add_icon(icons, src->hIcon);
    return TRUE;
}

/* Copies the items out of the handler's enumerator, trusting none of it,
 * into a table of this thread's own: the handler's record gets it when it
 * is complete, so that nobody else ever sees it change. */
static HRESULT read_items(struct handler *handler, ISyncMgrEnumItems *enumerator)
{
    struct icon_table icons = { .wanted = handler_session(handler)->options.mode == MODE_CHOOSE };
    struct item *items = NULL;
    unsigned int count = 0, size = 0, i;
    struct call_record call;
    SYNCMGRITEM *batch;
    WCHAR message[256];
    ULONG fetched;
    HRESULT hr;

    if (!(batch = malloc(ENUM_BATCH * sizeof(*batch)))) return E_OUTOFMEMORY;
    for (;;)
    {
        fetched = 0;
        memset(batch, 0, ENUM_BATCH * sizeof(*batch));
        call_start(&call, CALL_ENUM_NEXT);
        hr = ISyncMgrEnumItems_Next(enumerator, ENUM_BATCH, batch, &fetched);
        call.hr = hr;
        call.value = ENUM_BATCH;
        call.value2 = fetched;
        if (fetched) call.id = batch[0].ItemID;
        handler_call(handler, &call);
        if (FAILED(hr)) break;
        if (fetched > ENUM_BATCH)
        {
            format_message(message, ARRAYSIZE(message), IDS_FETCHED_TOO_MANY, fetched, ENUM_BATCH);
            hr = E_UNEXPECTED;
            goto failed;
        }
        for (i = 0; i < fetched; i++)
        {
            if (count >= MAX_ITEMS)
            {
                format_message(message, ARRAYSIZE(message), IDS_TOO_MANY_ITEMS, MAX_ITEMS);
                handler_warn(handler, message);
                hr = S_FALSE;
                break;
            }
            if (!add_item(handler, &items, &count, &size, &batch[i], &icons))
            {
                hr = E_OUTOFMEMORY;
                load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message));
                goto failed;
            }
        }
        /* Given up on meanwhile: no more calls into it. */
        if (handler_finished(handler))
        {
            free(batch);
            free(items);
            free_icon_table(&icons);
            return E_ABORT;
        }
        if (hr != S_OK || !fetched || count >= MAX_ITEMS) break;
    }
    if (FAILED(hr))
    {
        format_message(message, ARRAYSIZE(message), IDS_ENUM_FAILED, hr);
        goto failed;
    }
    free(batch);
    TRACE("%s: %u items, %u item icons.\n", debugstr_w(handler_clsid_str(handler)), count,
          icons.count);
    timing_count(handler_session(handler), 0, count);
    hand_over_icons(handler, &icons);
    /* E_ABORT: finished meanwhile, nothing to say. */
    if ((hr = handler_set_items(handler, items, count)) == E_OUTOFMEMORY)
        handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
    return hr;

failed:
    free(batch);
    free(items);
    free_icon_table(&icons);
    handler_fail(handler, hr, message);
    return hr;
}

/* One call of the enumerator probe: Next of one item, on the enumerator
 * (object 0) or its clone (1). */
static void probe_next(struct handler *handler, ISyncMgrEnumItems *enumerator, DWORD object)
{
    struct call_record call;
    SYNCMGRITEM item;
    ULONG fetched = 0;

    memset(&item, 0, sizeof(item));
    call_start(&call, CALL_ENUM_NEXT);
    call.hr = ISyncMgrEnumItems_Next(enumerator, 1, &item, &fetched);
    call.value = 1;
    call.value2 = fetched;
    call.object = object;
    if (fetched == 1) call.id = item.ItemID;
    handler_call(handler, &call);
}

/* What mobsync /check asks of an enumerator besides reading it: Reset,
 * Next, Skip, and a Clone read beside its source; the calls and what they
 * gave go to the sink, which judges them against the items read. */
static void probe_enumerator(struct handler *handler, ISyncMgrEnumItems *enumerator)
{
    ISyncMgrEnumItems *clone = NULL;
    struct call_record call;

    call_start(&call, CALL_ENUM_RESET);
    call.hr = ISyncMgrEnumItems_Reset(enumerator);
    handler_call(handler, &call);
    probe_next(handler, enumerator, 0);
    call_start(&call, CALL_ENUM_SKIP);
    call.hr = ISyncMgrEnumItems_Skip(enumerator, 1);
    call.value = 1;
    handler_call(handler, &call);
    probe_next(handler, enumerator, 0);

    /* A clone after the first item: both give the second next, each its own. */
    ISyncMgrEnumItems_Reset(enumerator);
    probe_next(handler, enumerator, 0);
    call_start(&call, CALL_ENUM_CLONE);
    call.hr = ISyncMgrEnumItems_Clone(enumerator, &clone);
    handler_call(handler, &call);
    if (SUCCEEDED(call.hr) && clone)
    {
        probe_next(handler, clone, 1);
        probe_next(handler, enumerator, 0);
        ISyncMgrEnumItems_Release(clone);
    }
}

static BOOL keep_item(const GUID *item, void *handler)
{
    return handler_has_item(handler, item);
}

/* EnumSyncMgrItems, the items into the record, and the settings of items
 * gone dropped: TRUE when that worked. */
static BOOL loader_enumerate(struct handler *handler, ISyncMgrSynchronize *sync)
{
    ISyncMgrEnumItems *items = NULL;
    struct call_record call;
    WCHAR message[256];
    HRESULT hr;

    call_start(&call, CALL_ENUM_ITEMS);
    hr = ISyncMgrSynchronize_EnumSyncMgrItems(sync, &items);
    call.hr = hr;
    handler_call(handler, &call);
    if (FAILED(hr) || !items)
    {
        format_message(message, ARRAYSIZE(message), IDS_ENUM_FAILED, FAILED(hr) ? hr : E_POINTER);
        handler_fail(handler, FAILED(hr) ? hr : E_POINTER, message);
        return FALSE;
    }
    /* S_SYNCMGR_ITEMDELETED and S_SYNCMGR_ENUMITEMS are accepted as S_OK. */
    if (FAILED(read_items(handler, items)))
    {
        ISyncMgrEnumItems_Release(items);
        return FALSE;
    }
    if (hr != S_SYNCMGR_MISSINGITEMS) prune_item_settings(handler_clsid(handler), keep_item, handler);
    if (handler_session(handler)->options.probe_enumerator && !handler_finished(handler))
        probe_enumerator(handler, items);
    ISyncMgrEnumItems_Release(items);
    return TRUE;
}

/* Tells the handler of the items someone asked to skip, with
 * SetItemStatus(SKIPPED). The documentation allows it only while PrepareForSync
 * or Synchronize has returned and its completion has not come: requests
 * made at other times wait for the next such window. */
static void pass_on_skips(struct handler *handler, ISyncMgrSynchronize *sync)
{
    SYNCMGRITEMID ids[16];
    struct call_record call;
    unsigned int i, count;
    HRESULT hr;

    do
    {
        count = handler_take_skips(handler, ids, ARRAYSIZE(ids));
        for (i = 0; i < count; i++)
        {
            TRACE("%s: SetItemStatus(%s, SKIPPED).\n", debugstr_w(handler_clsid_str(handler)),
                  debugstr_guid(&ids[i]));
            call_start(&call, CALL_SET_ITEM_STATUS);
            call.id = ids[i];
            call.value = SYNCMGRSTATUS_SKIPPED;
            handler_call_made(handler, &call);
            hr = ISyncMgrSynchronize_SetItemStatus(sync, &ids[i], SYNCMGRSTATUS_SKIPPED);
            call.hr = hr;
            handler_call(handler, &call);
            if (hr != S_OK) WARN("SetItemStatus returned %#lx.\n", hr);
        }
    } while (count == ARRAYSIZE(ids));
}

/* Waits, serving the apartment, until the pending call completes, passing
 * on skip requests meanwhile. FALSE when the handler is finished meanwhile
 * (given up on, crashed): then nothing more is asked of it. */
static BOOL step_wait_completion(struct handler *handler, ISyncMgrSynchronize *sync)
{
    HANDLE events[2] = { handler_completion_event(handler), handler_control_event(handler) };
    MSG msg;

    for (;;)
    {
        DWORD ret;

        pass_on_skips(handler, sync);
        ret = MsgWaitForMultipleObjects(2, events, FALSE, 100, QS_ALLINPUT);
        if (ret == WAIT_OBJECT_0) return !handler_finished(handler);
        if (handler_finished(handler)) return FALSE;
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
        {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

/* What a step of the synchronization left to do. */
enum step
{
    STEP_GO_ON,
    STEP_DONE,     /* the handler is failed; it is released as usual */
    STEP_GIVEN_UP, /* finished meanwhile (given up on, crashed): no more calls into it */
};

/* A begin call that completes through the callback: PrepareForSync or
 * Synchronize, and the wait for its completion. */
static enum step call_and_wait(struct handler *handler, ISyncMgrSynchronize *sync, BOOL prepare,
        SYNCMGRITEMID *ids, ULONG count, HRESULT *completion)
{
    UINT failure = prepare ? IDS_PREPARE_FAILED : IDS_SYNCHRONIZE_FAILED;
    struct session *session = handler_session(handler);
    enum timing_phase phase = prepare ? TIMING_PREPARE : TIMING_SYNCHRONIZE;
    LONGLONG time = timing_now(session);
    struct call_record call;
    HRESULT hr;

    handler_set_state(handler, prepare ? HANDLER_PREPARING : HANDLER_SYNCHRONIZING);
    call_start(&call, prepare ? CALL_PREPARE_FOR_SYNC : CALL_SYNCHRONIZE);
    call.value = count;
    handler_call_made(handler, &call);
    if (prepare) hr = ISyncMgrSynchronize_PrepareForSync(sync, count, ids, NULL, 0);
    else hr = ISyncMgrSynchronize_Synchronize(sync, NULL);
    call.hr = hr;
    call.value = count;
    handler_call(handler, &call);
    if (hr != S_OK)
    {
        /* The handler must not complete a call that did not start. */
        handler_set_state(handler, prepare ? HANDLER_PREPARED : HANDLER_SYNCHRONIZED);
        handler_fail_call(handler, failure, hr);
        return STEP_DONE;
    }
    if (!step_wait_completion(handler, sync)) return STEP_GIVEN_UP;
    timing_next(session, phase, time);
    /* A failed preparation fails the items; a failed synchronization is
     * their default result (handler_finish). */
    *completion = handler_completion_hr(handler);
    if (prepare && *completion != S_OK)
    {
        handler_fail_call(handler, failure, *completion);
        return STEP_DONE;
    }
    return STEP_GO_ON;
}

/* As if each error with details were double-clicked (/showerrors): TRUE in
 * *retry when the handler asked for some of its items again. */
static enum step show_errors(struct handler *handler, ISyncMgrSynchronize *sync, BOOL *retry)
{
    struct call_record call;
    SYNCMGRERRORID error_id;

    *retry = FALSE;
    while (!*retry && handler_next_error(handler, &error_id))
    {
        handler_set_state(handler, HANDLER_SHOWING_ERROR);
        call_start(&call, CALL_SHOW_ERROR);
        call.id = error_id;
        handler_call_made(handler, &call);
        call.hr = ISyncMgrSynchronize_ShowError(sync, NULL, &error_id);
        handler_call(handler, &call);
        if (call.hr != S_OK)
        {
            handler_set_state(handler, HANDLER_SYNCHRONIZED);
            continue;
        }
        if (!step_wait_completion(handler, sync)) return STEP_GIVEN_UP;
        *retry = handler_wants_retry(handler);
    }
    return STEP_GO_ON;
}

/* PrepareForSync and Synchronize for the given items, with ShowError and a
 * retry when asked. FALSE when the handler was finished meanwhile (given
 * up on, crashed): no more calls into it. */
static BOOL step_synchronize(struct handler *handler, ISyncMgrSynchronize *sync,
        SYNCMGRITEMID *ids, ULONG count)
{
    struct session *session = handler_session(handler);
    const ULONG capacity = count;
    unsigned int attempt;
    LONGLONG time;
    HRESULT hr = S_OK;
    enum step step;
    BOOL retry;

    for (attempt = 0;; attempt++)
    {
        if ((step = call_and_wait(handler, sync, TRUE, ids, count, &hr)) != STEP_GO_ON
                || (step = call_and_wait(handler, sync, FALSE, ids, count, &hr)) != STEP_GO_ON)
            return step != STEP_GIVEN_UP;
        retry = FALSE;
        if (session->options.show_errors && attempt < MAX_RETRIES
                && show_errors(handler, sync, &retry) == STEP_GIVEN_UP)
            return FALSE;
        if (!retry) break;

        /* Synchronize again exactly the items the handler named that it has,
         * each once: never more than were chosen, whatever the list says. */
        count = handler_take_retry(handler, ids, capacity);
        TRACE("%s: retrying %lu items.\n", debugstr_w(handler_clsid_str(handler)), count);
        if (!count) break;
    }
    /* The progress dialog keeps it for ShowError until it closes. */
    time = timing_now(session);
    if (session->options.keep_handlers) handler_done(handler, hr == S_OK ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED);
    else handler_finish(handler, hr == S_OK ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED);
    timing_next(session, TIMING_OUTPUT, time);
    return TRUE;
}

/* Waits, serving the apartment, for what the person in the choice dialog
 * asks (Items to Synchronize, Synchronizing). FALSE when the handler is finished meanwhile. */
static BOOL step_wait_command(struct handler *handler, struct handler_command *command)
{
    HANDLE event = handler_control_event(handler);
    MSG msg;

    while (!handler_take_command(handler, command))
    {
        if (handler_finished(handler)) return FALSE;
        if (MsgWaitForMultipleObjects(1, &event, FALSE, INFINITE, QS_ALLINPUT) == WAIT_OBJECT_0)
            continue;
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
        {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    return TRUE;
}

/* A Result double-clicked: ShowError on this thread; S_SYNCMGR_RETRYSYNC
 * synchronizes the items it names again. FALSE when the handler was
 * finished meanwhile. */
static BOOL show_error(struct handler *handler, ISyncMgrSynchronize *sync,
        const struct handler_command *command)
{
    DWORD default_status = handler_default_status(handler);
    struct call_record call;
    SYNCMGRITEMID *ids;
    ULONG count, capacity;
    BOOL ret;

    handler_set_state(handler, HANDLER_SHOWING_ERROR);
    TRACE("%s: ShowError(%p, %s).\n", debugstr_w(handler_clsid_str(handler)), command->window,
          debugstr_guid(&command->item));
    call_start(&call, CALL_SHOW_ERROR);
    call.id = command->item;
    handler_call_made(handler, &call);
    call.hr = ISyncMgrSynchronize_ShowError(sync, command->window, &command->item);
    handler_call(handler, &call);
    if (call.hr != S_OK)
    {
        handler_done(handler, default_status);
        return TRUE;
    }
    if (!step_wait_completion(handler, sync)) return FALSE;
    if (!handler_wants_retry(handler) || !(capacity = handler_item_count(handler))
            || !(ids = malloc(capacity * sizeof(*ids))))
    {
        handler_done(handler, default_status);
        return TRUE;
    }
    count = handler_take_retry(handler, ids, capacity);
    TRACE("%s: retrying %lu items.\n", debugstr_w(handler_clsid_str(handler)), count);
    ret = count ? step_synchronize(handler, sync, ids, count) : TRUE;
    if (!count) handler_done(handler, default_status);
    free(ids);
    return ret;
}

/* Done, the handler waits for Synchronizing to close, showing its errors
 * when asked; released, its results are written. FALSE when the handler
 * was finished meanwhile: no more calls into it. */
static BOOL step_serve_results(struct handler *handler, ISyncMgrSynchronize *sync)
{
    struct handler_command command;

    /* Failed, it is released as usual. */
    if (!handler_session(handler)->options.keep_handlers || handler_finished(handler)) return TRUE;
    for (;;)
    {
        if (!step_wait_command(handler, &command)) return FALSE;
        if (command.kind != COMMAND_SHOW_ERROR) break;
        if (!show_error(handler, sync, &command)) return FALSE;
    }
    handler_finish(handler, handler_default_status(handler));
    return TRUE;
}

/* The check states as the user left them, read again. */
static void read_check_states(struct handler *handler)
{
    SYNCMGRITEMID *ids;
    HRESULT hr;

    handler_choose_items(handler, &ids, &hr);
    free(ids);
}

/* ShowProperties for an item, or for the handler (GUID_NULL); a handler
 * whose items changed meanwhile is asked for them again. FALSE when the
 * handler was finished meanwhile. */
static BOOL show_properties(struct handler *handler, ISyncMgrSynchronize *sync,
        const struct handler_command *command)
{
    struct call_record call;
    HRESULT hr;

    handler_set_state(handler, HANDLER_SHOWING_PROPERTIES);
    call_start(&call, CALL_SHOW_PROPERTIES);
    call.id = command->item;
    handler_call_made(handler, &call);
    hr = ISyncMgrSynchronize_ShowProperties(sync, command->window, &command->item);
    call.hr = hr;
    handler_call(handler, &call);
    TRACE("%s: ShowProperties(%p, %s) returned %#lx.\n", debugstr_w(handler_clsid_str(handler)),
          command->window, debugstr_guid(&command->item), hr);
    if (hr != S_OK)
    {
        /* No completion comes for a call that did not start. */
        handler_set_state(handler, HANDLER_WAITING);
        return TRUE;
    }
    if (!step_wait_completion(handler, sync)) return FALSE;
    hr = handler_completion_hr(handler);
    if (hr == S_SYNCMGR_ITEMDELETED || hr == S_SYNCMGR_ENUMITEMS)
    {
        TRACE("%s: its items changed (%#lx); enumerating them again.\n",
              debugstr_w(handler_clsid_str(handler)), hr);
        if (!loader_enumerate(handler, sync)) return !handler_finished(handler);
        read_check_states(handler);
    }
    return TRUE;
}

/* Items to Synchronize: the handler waits for the person, who may look at
 * its properties, and then either synchronizes or closes the dialog. */
static BOOL choosing_serve(struct handler *handler, ISyncMgrSynchronize *sync)
{
    struct handler_command command;
    SYNCMGRITEMID *ids;
    WCHAR message[256];
    unsigned int count;
    HRESULT hr;

    read_check_states(handler);
    for (;;)
    {
        if (!step_wait_command(handler, &command)) return FALSE;
        switch (command.kind)
        {
        case COMMAND_PROPERTIES:
            if (!show_properties(handler, sync, &command)) return FALSE;
            if (handler_finished(handler)) return TRUE;
            break;
        case COMMAND_SYNC:
            /* The session is synchronizing now: the checked items are chosen. */
            count = handler_choose_items(handler, &ids, &hr);
            if (FAILED(hr))
                handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
            else if (!count)
                handler_finish(handler, SYNCMGRSTATUS_SUCCEEDED);
            else if (!step_synchronize(handler, sync, ids, count))
            {
                free(ids);
                return FALSE;
            }
            free(ids);
            return step_serve_results(handler, sync);
        default:
            handler_finish(handler, SYNCMGRSTATUS_SUCCEEDED);
            return TRUE;
        }
    }
}
