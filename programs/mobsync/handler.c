/*
 * mobsync.exe: a handler's record, and the only code that changes it
 * (with items.c, its item table and error log, and results.c, how it ends)
 *
 * A handler's state, item table, results and error log are read and
 * changed here only, always under the handler's lock: the handler's
 * thread, the watchdog, the callback, the control window and the crash
 * guard call these functions and never reach into the record. Nothing
 * here reads memory a handler owns; the callers hand over their own
 * copies. Once a handler is finished (done, failed, skipped or given up
 * on), whatever it calls later changes nothing, prints nothing and counts
 * nothing. The record holds a reference on its session, so that a handler
 * given up on keeps its own session (and cookie) alive and never sees
 * another.
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

#include "handler_private.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* The crash guard ends a thread of ours that faulted: if that happened in
 * the manager's own code while the thread held its handler's lock, the lock
 * is released first. Only the owner writes its ID in lock_owner. */
void handler_drop_lock(struct handler *handler)
{
    unsigned int depth;

    if (handler->lock_owner != GetCurrentThreadId()) return;
    ERR("%s: the faulting thread held the handler's lock; released.\n",
        debugstr_w(handler->clsid_str));
    depth = handler->lock_depth;
    handler->lock_depth = 0;
    handler->lock_owner = 0;
    while (depth--) LeaveCriticalSection(&handler->cs);
}

/* Every record that exists, so that the crash guard can find the handlers
 * of a DLL without knowing of sessions. */
static CRITICAL_SECTION live_cs;
static struct handler *live_handlers;

void handler_init(void)
{
    InitializeCriticalSection(&live_cs);
}

/* A crash on a thread of a handler's own, at an address in module: fails
 * every unfinished handler of that DLL (when two share one, there is no
 * telling which the thread worked for). FALSE when none is a handler's. */
BOOL handler_fail_by_module(HMODULE module, HRESULT hr, const WCHAR *message)
{
    struct handler *handler;
    BOOL found = FALSE;

    EnterCriticalSection(&live_cs);
    for (handler = live_handlers; handler; handler = handler->live_next)
    {
        if (!handler_has_module(handler, module)) continue;
        handler_fail(handler, hr, message);
        found = TRUE;
    }
    LeaveCriticalSection(&live_cs);
    return found;
}

/* A record for a registered handler; one of the other architecture is run
 * by a worker (worker.c), and its record only mirrors what the worker says. */
struct handler *handler_create(struct session *session, const struct registration *reg)
{
    struct handler *handler;

    if (!(handler = calloc(1, sizeof(*handler)))) return NULL;
    if (!(handler->completion_event = CreateEventW(NULL, FALSE, FALSE, NULL))
            || !(handler->control_event = CreateEventW(NULL, FALSE, FALSE, NULL)))
    {
        if (handler->completion_event) CloseHandle(handler->completion_event);
        free(handler);
        return NULL;
    }
    handler->refcount = 1;
    handler->session = session;
    session_addref(session);
    handler->clsid = reg->clsid;
    guid_to_string(&reg->clsid, handler->clsid_str);
    lstrcpynW(handler->server, reg->server, ARRAYSIZE(handler->server));
    handler->single_threaded = reg->single_threaded;
    handler->remote = reg->other_arch;
    handler->register_flags = reg->register_flags;
    InitializeCriticalSection(&handler->cs);
    EnterCriticalSection(&live_cs);
    if ((handler->live_next = live_handlers)) live_handlers->live_prev = handler;
    live_handlers = handler;
    LeaveCriticalSection(&live_cs);
    return handler;
}

void handler_addref(struct handler *handler)
{
    InterlockedIncrement(&handler->refcount);
}

void handler_release(struct handler *handler)
{
    unsigned int i;

    if (InterlockedDecrement(&handler->refcount)) return;
    TRACE("%s destroyed.\n", debugstr_w(handler->clsid_str));
    EnterCriticalSection(&live_cs);
    if (handler->live_prev) handler->live_prev->live_next = handler->live_next;
    else live_handlers = handler->live_next;
    if (handler->live_next) handler->live_next->live_prev = handler->live_prev;
    LeaveCriticalSection(&live_cs);
    DeleteCriticalSection(&handler->cs);
    CloseHandle(handler->completion_event);
    CloseHandle(handler->control_event);
    if (handler->thread) CloseHandle(handler->thread);
    if (handler->icon) DestroyIcon(handler->icon);
    handler_free_item_icons(handler);
    free_items(handler->items, handler->item_count);
    free(handler->sorted);
    for (i = 0; i < handler->log_count; i++) free(handler->log[i].text);
    free(handler->log);
    free(handler->retry_items);
    session_release(handler->session);
    free(handler);
}

const CLSID *handler_clsid(const struct handler *handler)
{
    return &handler->clsid;
}

const WCHAR *handler_clsid_str(const struct handler *handler)
{
    return handler->clsid_str;
}

struct session *handler_session(const struct handler *handler)
{
    return handler->session;
}

/* The handler's DLL, from its InprocServer32, and whether it lives only in
 * the main apartment (no ThreadingModel): read once, before it runs. */
const WCHAR *handler_server(const struct handler *handler)
{
    return handler->server;
}

BOOL handler_single_threaded(const struct handler *handler)
{
    return handler->single_threaded;
}

/* Run by the other architecture's worker. */
BOOL handler_remote(const struct handler *handler)
{
    return handler->remote;
}

DWORD handler_register_flags(const struct handler *handler)
{
    return handler->register_flags;
}

HANDLE handler_completion_event(const struct handler *handler)
{
    return handler->completion_event;
}

HANDLE handler_control_event(const struct handler *handler)
{
    return handler->control_event;
}

void handler_set_name(struct handler *handler, const WCHAR *name)
{
    lock(handler);
    if (!handler->finished)
    {
        copy_name(handler->name, name, ARRAYSIZE(handler->name));
        if (!handler->name[0]) wcscpy(handler->name, handler->clsid_str);
        if (relay_active()) relay_name(&handler->clsid, handler->name);
        handler_changed_locked(handler);
    }
    unlock(handler);
}

/* The handler's icon, the record's own (for the dialogs). */
void handler_set_icon(struct handler *handler, HICON icon)
{
    lock(handler);
    if (handler->icon) DestroyIcon(handler->icon);
    handler->icon = icon;
    handler_changed_locked(handler);
    unlock(handler);
    TRACE("%s: icon %p.\n", debugstr_w(handler->clsid_str), icon);
}

void handler_set_module(struct handler *handler, HMODULE module)
{
    lock(handler);
    handler->module = module;
    unlock(handler);
}

BOOL handler_has_module(struct handler *handler, HMODULE module)
{
    BOOL ret;

    lock(handler);
    ret = handler->module == module;
    unlock(handler);
    return ret;
}

BOOL handler_finished(struct handler *handler)
{
    BOOL ret;

    lock(handler);
    ret = handler->finished;
    unlock(handler);
    return ret;
}

/* The time limit is over: the handler is failed and its thread left alone. */
static void give_up_locked(struct handler *handler)
{
    struct session *session = handler->session;
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), IDS_TIMED_OUT, session->timeout);
    WARN("%s timed out.\n", debugstr_w(handler->clsid_str));
    handler->given_up = TRUE;
    session->gave_up = TRUE;
    handler_fail_locked(handler, HRESULT_FROM_WIN32(ERROR_TIMEOUT), message, TRUE);
}

/* A problem that does not stop the handler: a warning line when
 * synchronizing; listing has no room for one in its format. */
void handler_warn(struct handler *handler, const WCHAR *text)
{
    WARN("%s: %s\n", debugstr_w(handler->clsid_str), debugstr_w(text));
    lock(handler);
    if (handler->finished) ;
    else if (relay_active()) relay_warning(&handler->clsid, text);
    else if (handler->session->mode == MODE_SYNC) report_warning(handler->clsid_str, text);
    unlock(handler);
}

/* The watchdog: past its deadline a handler is given up on; a little
 * before, it is asked to cancel. TRUE while the session waits for it. */
BOOL handler_watch(struct handler *handler, DWORD now, DWORD grace_ms)
{
    BOOL running = FALSE;

    lock(handler);
    /* Waiting for the person in the choice dialog has no time limit, until
     * the person synchronizes or closes it. */
    if (!handler->timed
            && (handler->state == HANDLER_WAITING || handler->state == HANDLER_SHOWING_PROPERTIES))
        running = !handler->finished;
    /* Done, it waits for the progress dialog: its results are in. A worker
     * goes on serving it until the session it works for releases it. */
    else if (!handler->timed && handler->state == HANDLER_DONE)
        running = !handler->finished && handler->session->worker;
    else if (!handler->finished)
    {
        if ((LONG)(now - handler->deadline) >= 0) give_up_locked(handler);
        else
        {
            if ((LONG)(now - (handler->deadline - grace_ms)) >= 0 && !handler->cancel_all)
            {
                TRACE("%s: asking it to cancel.\n", debugstr_w(handler->clsid_str));
                handler->cancel_all = TRUE;
            }
            running = TRUE;
        }
    }
    unlock(handler);
    return running;
}

void handler_set_thread(struct handler *handler, HANDLE thread, DWORD deadline)
{
    lock(handler);
    handler->thread = thread;
    handler->deadline = deadline;
    unlock(handler);
}

/* At the end of a session: waits until the handler's thread has released
 * it, unless it was given up on, at most until its deadline. */
void handler_wait_thread(struct handler *handler)
{
    HANDLE thread;
    LONG left;

    lock(handler);
    thread = handler->given_up ? NULL : handler->thread;
    left = (LONG)(handler->deadline - GetTickCount());
    unlock(handler);
    if (thread && WaitForSingleObject(thread, left > 0 ? left : 0) == WAIT_TIMEOUT)
    {
        WARN("%s is not releasing; given up on.\n", debugstr_w(handler->clsid_str));
        lock(handler);
        handler->given_up = TRUE;
        handler->session->gave_up = TRUE;
        unlock(handler);
    }
}

/* mobsync /stop: Progress answers S_SYNCMGR_CANCELALL from now on. */
BOOL handler_stop(struct handler *handler)
{
    BOOL asked = FALSE;

    lock(handler);
    if (!handler->finished)
    {
        TRACE("%s: stopping.\n", debugstr_w(handler->clsid_str));
        handler->cancel_all = TRUE;
        asked = TRUE;
    }
    unlock(handler);
    return asked;
}
