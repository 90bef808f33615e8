/*
 * mobsync.exe: the synchronization engine
 *
 * Each handler runs on a single-threaded apartment of its own, all of them at
 * once, and is driven through the documented sequence: Initialize,
 * GetHandlerInfo, EnumSyncMgrItems, SetProgressCallback, PrepareForSync and
 * its completion, Synchronize and its completion, SetProgressCallback(NULL),
 * Release. The session waits for every handler, or for its time limit, and
 * then reports. A handler's results are printed when it is done with all its
 * items (or is given up on), one line per item. What a handler's record
 * holds is changed in handler.c only; a session lives as long as the last
 * handler thread that may use it.
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

/* A session made from the options: its own copies of the cookie and of the
 * handlers and items asked for, one reference for the caller. */
struct session *session_create(const struct session *options)
{
    struct session *session;

    if (!(session = calloc(1, sizeof(*session)))) return NULL;
    *session = *options;
    session->refcount = 1;
    session->cookie = NULL;
    session->only_handlers = NULL;
    session->only_items = NULL;
    session->handlers = NULL;
    session->handler_count = 0;
    if (!(session->finished_event = CreateEventW(NULL, FALSE, FALSE, NULL))) goto failed;
    if (options->cookie_size)
    {
        if (!(session->cookie = malloc(options->cookie_size))) goto failed;
        memcpy((BYTE *)session->cookie, options->cookie, options->cookie_size);
    }
    if (options->only_handler_count)
    {
        if (!(session->only_handlers = malloc(options->only_handler_count * sizeof(CLSID)))) goto failed;
        memcpy((CLSID *)session->only_handlers, options->only_handlers,
               options->only_handler_count * sizeof(CLSID));
    }
    if (options->only_item_count)
    {
        if (!(session->only_items = malloc(options->only_item_count * sizeof(GUID)))) goto failed;
        memcpy((GUID *)session->only_items, options->only_items, options->only_item_count * sizeof(GUID));
    }
    return session;

failed:
    session_release(session);
    return NULL;
}

void session_addref(struct session *session)
{
    InterlockedIncrement(&session->refcount);
}

/* The last reference goes with the last handler record of the session,
 * which may be long after the session ended: a handler given up on. */
void session_release(struct session *session)
{
    if (InterlockedDecrement(&session->refcount)) return;
    /* Each handler record holds a reference: none is left. */
    TRACE("session %p destroyed.\n", session);
    free(session->handlers);
    if (session->finished_event) CloseHandle(session->finished_event);
    free((BYTE *)session->cookie);
    free((CLSID *)session->only_handlers);
    free((GUID *)session->only_items);
    free(session);
}

static BOOL get_handler_info(struct handler *handler, ISyncMgrSynchronize *sync)
{
    SYNCMGRHANDLERINFO *info = NULL, copy;
    WCHAR message[256];
    HRESULT hr;

    hr = ISyncMgrSynchronize_GetHandlerInfo(sync, &info);
    /* Its memory is read into ours first, and trusted no further. */
    if (FAILED(hr) || !info || !guard_copy(&copy.cbSize, &info->cbSize, sizeof(copy.cbSize))
            || copy.cbSize != sizeof(copy) || !guard_copy(&copy, info, sizeof(copy)))
    {
        /* Not freed: memory this broken may not be the handler's CoTaskMemAlloc. */
        format_message(message, ARRAYSIZE(message), IDS_BAD_HANDLER_INFO, hr);
        handler_fail(handler, FAILED(hr) ? hr : E_UNEXPECTED, message);
        return FALSE;
    }
    /* The icon is the handler's; headless, nothing shows it. */
    CoTaskMemFree(info);
    handler_set_name(handler, copy.wszHandlerName);
    return TRUE;
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
        count = handler_take_skips(handler, ids, ARRAYSIZE(ids));
        for (i = 0; i < count; i++)
        {
            TRACE("%s: SetItemStatus(%s, SKIPPED).\n", debugstr_w(handler_clsid_str(handler)),
                  debugstr_guid(&ids[i]));
            hr = ISyncMgrSynchronize_SetItemStatus(sync, &ids[i], SYNCMGRSTATUS_SKIPPED);
            if (hr != S_OK) WARN("SetItemStatus returned %#lx.\n", hr);
        }
    } while (count == ARRAYSIZE(ids));
}

/* Waits, serving the apartment, until the pending call completes, passing
 * on skip requests meanwhile. FALSE when the handler is finished meanwhile
 * (given up on, crashed): then nothing more is asked of it. */
static BOOL wait_completion(struct handler *handler, ISyncMgrSynchronize *sync)
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

static BOOL add_item(struct handler *handler, struct item **items, unsigned int *count,
        unsigned int *size, const SYNCMGRITEM *src)
{
    WCHAR message[256], id_str[39];
    struct item *item;

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
    return TRUE;
}

/* Copies the items out of the handler's enumerator, trusting none of it,
 * into a table of this thread's own: the handler's record gets it when it
 * is complete, so that nobody else ever sees it change. */
static HRESULT read_items(struct handler *handler, ISyncMgrEnumItems *enumerator)
{
    struct item *items = NULL;
    unsigned int count = 0, size = 0, i;
    SYNCMGRITEM *batch;
    WCHAR message[256];
    ULONG fetched;
    HRESULT hr;

    if (!(batch = malloc(ENUM_BATCH * sizeof(*batch)))) return E_OUTOFMEMORY;
    for (;;)
    {
        fetched = 0;
        memset(batch, 0, ENUM_BATCH * sizeof(*batch));
        hr = ISyncMgrEnumItems_Next(enumerator, ENUM_BATCH, batch, &fetched);
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
            if (!add_item(handler, &items, &count, &size, &batch[i]))
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
    return handler_set_items(handler, items, count);

failed:
    free(batch);
    free(items);
    handler_fail(handler, hr, message);
    return hr;
}

/* PrepareForSync and Synchronize for the given items, with ShowError and a
 * retry when asked. FALSE when the handler was finished meanwhile (given
 * up on, crashed): no more calls into it. */
static BOOL synchronize_items(struct handler *handler, ISyncMgrSynchronize *sync,
        SYNCMGRITEMID *ids, ULONG count)
{
    struct session *session = handler_session(handler);
    const ULONG capacity = count;
    SYNCMGRERRORID error_id;
    unsigned int attempt;
    HRESULT hr;
    BOOL retry;

    for (attempt = 0;; attempt++)
    {
        handler_set_state(handler, HANDLER_PREPARING);
        hr = ISyncMgrSynchronize_PrepareForSync(sync, count, ids, NULL, 0);
        if (hr != S_OK)
        {
            /* The handler must not complete a call that did not start. */
            handler_set_state(handler, HANDLER_PREPARED);
            handler_fail_call(handler, IDS_PREPARE_FAILED, hr);
            return TRUE;
        }
        if (!wait_completion(handler, sync)) return FALSE;
        if ((hr = handler_completion_hr(handler)) != S_OK)
        {
            handler_fail_call(handler, IDS_PREPARE_FAILED, hr);
            return TRUE;
        }

        handler_set_state(handler, HANDLER_SYNCHRONIZING);
        hr = ISyncMgrSynchronize_Synchronize(sync, NULL);
        if (hr != S_OK)
        {
            handler_set_state(handler, HANDLER_SYNCHRONIZED);
            handler_fail_call(handler, IDS_SYNCHRONIZE_FAILED, hr);
            return TRUE;
        }
        if (!wait_completion(handler, sync)) return FALSE;
        hr = handler_completion_hr(handler);

        /* As if each error with details were double-clicked (/showerrors). */
        retry = FALSE;
        while (session->show_errors && attempt < MAX_RETRIES && !retry
                && handler_next_error(handler, &error_id))
        {
            handler_set_state(handler, HANDLER_SHOWING_ERROR);
            if (ISyncMgrSynchronize_ShowError(sync, NULL, &error_id) != S_OK)
            {
                handler_set_state(handler, HANDLER_SYNCHRONIZED);
                continue;
            }
            if (!wait_completion(handler, sync)) return FALSE;
            retry = handler_wants_retry(handler);
        }
        if (!retry) break;

        /* Synchronize again exactly the items the handler named that it has,
         * each once: never more than were chosen, whatever the list says. */
        count = handler_take_retry(handler, ids, capacity);
        TRACE("%s: retrying %lu items.\n", debugstr_w(handler_clsid_str(handler)), count);
        if (!count) break;
    }
    handler_finish(handler, hr == S_OK ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED);
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
    struct session *session = handler_session(handler);
    const CLSID *clsid = handler_clsid(handler);
    ISyncMgrSynchronizeCallback *callback = NULL;
    ISyncMgrEnumItems *items = NULL;
    ISyncMgrSynchronize *sync;
    SYNCMGRITEMID *ids = NULL;
    WCHAR message[256];
    unsigned int count;
    HRESULT hr;

    hr = CoCreateInstance(clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronize, (void **)&sync);
    if (FAILED(hr))
    {
        handler_fail(handler, hr, load_message(IDS_CANNOT_LOAD, message, ARRAYSIZE(message)));
        return;
    }
    /* Its DLL, so that a crash on a thread of its own is recognized as its. */
    handler_set_module(handler, handler_module(clsid));

    /* Each call may have outlived the time limit: then nothing more is asked. */
    if (handler_finished(handler)) goto done;
    hr = ISyncMgrSynchronize_Initialize(sync, 0, session->flags, session->cookie_size, session->cookie);
    if (hr == S_FALSE)
    {
        TRACE("%s does not take part.\n", debugstr_w(handler_clsid_str(handler)));
        handler_skip(handler);
        goto done;
    }
    if (FAILED(hr))
    {
        format_message(message, ARRAYSIZE(message), IDS_INITIALIZE_FAILED, hr);
        handler_fail(handler, hr, message);
        goto done;
    }
    if (handler_finished(handler) || !get_handler_info(handler, sync) || handler_finished(handler))
        goto done;

    hr = ISyncMgrSynchronize_EnumSyncMgrItems(sync, &items);
    if (FAILED(hr) || !items)
    {
        format_message(message, ARRAYSIZE(message), IDS_ENUM_FAILED, FAILED(hr) ? hr : E_POINTER);
        handler_fail(handler, FAILED(hr) ? hr : E_POINTER, message);
        items = NULL;
        goto done;
    }
    /* S_SYNCMGR_ITEMDELETED and S_SYNCMGR_ENUMITEMS are accepted as S_OK. */
    if (FAILED(read_items(handler, items))) goto done;
    if (hr != S_SYNCMGR_MISSINGITEMS) prune_item_settings(handler);
    ISyncMgrEnumItems_Release(items);
    items = NULL;

    /* Listing, this reads the check states; no chosen item: the handler is
     * simply released. */
    count = handler_choose_items(handler, &ids, &hr);
    if (FAILED(hr))
    {
        handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
        goto done;
    }
    if (!count)
    {
        handler_finish(handler, SYNCMGRSTATUS_SUCCEEDED);
        goto done;
    }

    if (FAILED(hr = callback_create(handler, &callback)))
    {
        handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
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
    handler_set_state(handler, HANDLER_RELEASED);
    ISyncMgrSynchronize_SetProgressCallback(sync, NULL);
    ISyncMgrSynchronizeCallback_Release(callback);

done:
    free(ids);
    if (items) ISyncMgrEnumItems_Release(items);
    ISyncMgrSynchronize_Release(sync);
}

/* Holds a reference on the handler's record, and through it on the
 * session: a thread given up on keeps what it uses. */
static DWORD WINAPI handler_thread(void *arg)
{
    struct handler *handler = arg;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    guard_enter(handler);
    run_handler(handler);
    guard_leave();
    handler_finish(handler, SYNCMGRSTATUS_FAILED);
    handler_release(handler);
    /* An apartment whose handler was given up on is not torn down: the
     * handler may still be running in it. */
    CoUninitialize();
    return 0;
}

static int __cdecl compare_handlers(const void *a, const void *b)
{
    return wcscmp(handler_clsid_str(*(struct handler * const *)a),
                  handler_clsid_str(*(struct handler * const *)b));
}

static void print_list(struct session *session)
{
    struct text text = { 0 };
    unsigned int i;

    for (i = 0; i < session->handler_count; i++)
    {
        handler_list(session->handlers[i], &text);
        output_text(&text);
    }
}

/* mobsync /skip: what the progress dialog's Skip button does. Progress for
 * the item answers S_SYNCMGR_CANCELITEM from now on, and the handler's
 * thread passes the request on with SetItemStatus(SKIPPED). Gives the
 * number of items taken (the same ID may belong to several handlers). */
unsigned int session_skip_item(struct session *session, const GUID *clsid, const GUID *id)
{
    unsigned int i, taken = 0;

    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (clsid && !IsEqualGUID(clsid, handler_clsid(handler))) continue;
        if (handler_skip_item(handler, id)) taken++;
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

        if (clsid && !IsEqualGUID(clsid, handler_clsid(handler))) continue;
        if (handler_stop(handler)) asked++;
    }
    return asked;
}

/* The session Ctrl+C stops; sessions run one after the other, all started
 * from the main thread. */
static CRITICAL_SECTION current_cs;
static struct session *current_session;
static LONG cancel_requests;

/* Ctrl+C or Ctrl+Break: the first asks every handler to stop through
 * Progress (their items end "stopped"); the second ends the process. */
static BOOL WINAPI console_ctrl(DWORD type)
{
    BOOL ret = FALSE;

    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;
    if (InterlockedIncrement(&cancel_requests) > 1) return FALSE;
    EnterCriticalSection(&current_cs);
    if (current_session)
    {
        session_stop(current_session, NULL);
        ret = TRUE;
    }
    LeaveCriticalSection(&current_cs);
    return ret;
}

static void set_current_session(struct session *session)
{
    static BOOL initialized;

    if (!initialized)
    {
        InitializeCriticalSection(&current_cs);
        /* Once: each call adds the handler to a list, for good. */
        SetConsoleCtrlHandler(console_ctrl, TRUE);
        initialized = TRUE;
    }
    EnterCriticalSection(&current_cs);
    current_session = session;
    LeaveCriticalSection(&current_cs);
}

/* The records hold the session, the session holds the records: that
 * circle ends here, when the session is over. A thread given up on keeps
 * its own record. */
static void drop_handlers(struct session *session)
{
    unsigned int i;

    for (i = 0; i < session->handler_count; i++) handler_release(session->handlers[i]);
    free(session->handlers);
    session->handlers = NULL;
    session->handler_count = 0;
}

/* Runs the session to its end and gives the exit code. */
int run_session(struct session *session)
{
    WCHAR message[256];
    unsigned int i, running;
    DWORD timeout_ms, grace_ms;
    HWND control = NULL;
    HANDLE thread;
    MSG msg;
    int ret;

    if (FAILED(load_registrations(session)))
    {
        drop_handlers(session);
        return 1;
    }
    qsort(session->handlers, session->handler_count, sizeof(*session->handlers), compare_handlers);
    guard_set_session(session);
    set_current_session(session);

    /* Before any handler's apartment exists, so that it is the first. */
    for (i = 0; i < session->handler_count; i++)
    {
        WCHAR path[MAX_PATH];
        BOOL single;

        if (read_inproc_server(handler_clsid(session->handlers[i]), path, &single) && single)
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

        if (handler_finished(handler)) continue;
        handler_addref(handler);
        if (!(thread = CreateThread(NULL, 0, handler_thread, handler, CREATE_SUSPENDED, NULL)))
        {
            handler_release(handler);
            handler_fail(handler, HRESULT_FROM_WIN32(GetLastError()),
                         load_message(IDS_NO_THREAD, message, ARRAYSIZE(message)));
            continue;
        }
        handler_set_thread(handler, thread, GetTickCount() + timeout_ms);
        ResumeThread(thread);
    }

    for (;;)
    {
        DWORD now = GetTickCount();

        for (i = running = 0; i < session->handler_count; i++)
            if (handler_watch(session->handlers[i], now, grace_ms)) running++;
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
    for (i = 0; i < session->handler_count; i++) handler_wait_thread(session->handlers[i]);
    guard_set_session(NULL);
    set_current_session(NULL);

    if (session->mode == MODE_LIST)
    {
        print_list(session);
        ret = session->errors ? 1 : 0;
    }
    else
    {
        format_message(message, ARRAYSIZE(message), IDS_SUMMARY, session->succeeded,
                       session->failed, session->skipped);
        output_line(L"%ls", message);
        ret = session->failed || session->errors ? 1 : 0;
    }

    drop_handlers(session);
    return ret;
}
