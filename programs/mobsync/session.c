/*
 * mobsync.exe: a session, from its handlers' start to its summary
 *
 * A session makes a record for each handler the registry names
 * (registry.c), starts a thread for each (runner.c), and waits for every
 * handler or for its time limit (the watchdog), taking /skip, /stop and
 * Ctrl+C meanwhile; then it reports. A session lives as long as the last
 * handler record, and so the last handler thread, that may use it.
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

static int __cdecl compare_handlers(const void *a, const void *b)
{
    return wcscmp(handler_clsid_str(*(struct handler * const *)a),
                  handler_clsid_str(*(struct handler * const *)b));
}

/* mobsync /skip: what the progress dialog's Skip button does. Progress for
 * the item answers S_SYNCMGR_CANCELITEM from now on, and the handler's
 * thread passes the request on with SetItemStatus(SKIPPED). Gives the
 * number of items taken (the same ID may belong to several handlers). */
static unsigned int session_skip_item(void *context, const GUID *clsid, const GUID *id)
{
    struct session *session = context;
    unsigned int i, taken = 0;

    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (handler_remote(handler) || (clsid && !IsEqualGUID(clsid, handler_clsid(handler))))
            continue;
        if (handler_skip_item(handler, id)) taken++;
    }
    if (session->other) taken += worker_control(session->other, CONTROL_SKIP, clsid, id);
    return taken;
}

/* mobsync /stop and Ctrl+C: what the Stop button does. Every handler still
 * at work is answered S_SYNCMGR_CANCELALL by Progress from now on. Gives the
 * number of handlers asked. */
static unsigned int session_stop(void *context, const GUID *clsid)
{
    struct session *session = context;
    unsigned int i, asked = 0;

    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (handler_remote(handler) || (clsid && !IsEqualGUID(clsid, handler_clsid(handler))))
            continue;
        if (handler_stop(handler)) asked++;
    }
    if (session->other) asked += worker_control(session->other, CONTROL_STOP, clsid, NULL);
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

/* A request a worker's session passed on: for the session running now. */
unsigned int session_request(enum control_action action, const GUID *handler, const GUID *item)
{
    unsigned int ret = 0;

    EnterCriticalSection(&current_cs);
    if (current_session && action == CONTROL_SKIP)
        ret = session_skip_item(current_session, handler, item);
    else if (current_session && action == CONTROL_STOP)
        ret = session_stop(current_session, handler);
    LeaveCriticalSection(&current_cs);
    return ret;
}

/* A command of the choice dialog a worker's session passed on. */
void session_request_command(const CLSID *clsid, const struct handler_command *command, BOOL keep)
{
    unsigned int i;

    if (command->kind <= COMMAND_NONE || command->kind > COMMAND_SHOW_ERROR) return;
    EnterCriticalSection(&current_cs);
    /* Before any of its handlers synchronizes, as the session's own. */
    if (current_session && command->kind == COMMAND_SYNC) current_session->keep_handlers = keep;
    for (i = 0; current_session && i < current_session->handler_count; i++)
    {
        struct handler *handler = current_session->handlers[i];

        if (!clsid || IsEqualCLSID(clsid, handler_clsid(handler)))
            session_command(current_session, clsid ? handler : NULL, command);
        if (!clsid) break;
    }
    LeaveCriticalSection(&current_cs);
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

/* Makes a record for each handler the registry names for the session;
 * those named that are not registered are failed at once. */
static HRESULT load_handlers(struct session *session)
{
    struct registration *list;
    struct handler *handler;
    WCHAR message[256];
    unsigned int i, count;
    HRESULT hr;

    if (FAILED(hr = read_registrations(session, &list, &count))) return hr;
    if (count && !(session->handlers = calloc(count, sizeof(*session->handlers))))
    {
        free(list);
        return E_OUTOFMEMORY;
    }
    for (i = 0; i < count; i++)
    {
        if (!(handler = handler_create(session, &list[i])))
        {
            hr = E_OUTOFMEMORY;
            break;
        }
        session->handlers[session->handler_count++] = handler;
        if (!list[i].registered)
            handler_fail(handler, REGDB_E_CLASSNOTREG,
                         load_message(IDS_NOT_REGISTERED, message, ARRAYSIZE(message)));
    }
    free(list);
    qsort(session->handlers, session->handler_count, sizeof(*session->handlers), compare_handlers);
    TRACE("session %p: %u handlers, time limit %lu s.\n", session, session->handler_count,
          session->timeout);
    return hr;
}

/* The handlers of the other architecture go to its worker, started before
 * any handler of this session runs here: none of them can start a process
 * that inherits the worker's channel while it is being made. */
static void start_worker(struct session *session, DWORD timeout_ms)
{
    struct handler **remote;
    unsigned int i, count = 0;
    WCHAR message[256];

    if (!session->handler_count) return;
    if (!(remote = malloc(session->handler_count * sizeof(*remote))))
    {
        load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message));
        for (i = 0; i < session->handler_count; i++)
            if (handler_remote(session->handlers[i]))
                handler_fail(session->handlers[i], E_OUTOFMEMORY, message);
        return;
    }
    for (i = 0; i < session->handler_count; i++)
        if (handler_remote(session->handlers[i]) && !handler_finished(session->handlers[i]))
            remote[count++] = session->handlers[i];
    /* The worker has its own clock from the same limit; this one is for a
     * worker that stops answering altogether. */
    if (count)
        session->other = worker_start(session, remote, count, GetTickCount() + timeout_ms + WORKER_MARGIN);
    free(remote);
}

/* A thread for every handler of this architecture not failed already, each
 * with its deadline. */
static void start_handlers(struct session *session, DWORD timeout_ms)
{
    WCHAR message[256];
    unsigned int i;
    HANDLE thread;

    start_worker(session, timeout_ms);
    /* Before any handler's apartment exists, so that it is the first. */
    for (i = 0; i < session->handler_count; i++)
    {
        if (handler_remote(session->handlers[i]) || !handler_single_threaded(session->handlers[i]))
            continue;
        runner_start_main_apartment();
        break;
    }
    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (handler_finished(handler) || handler_remote(handler)) continue;
        handler_addref(handler);
        if (!(thread = CreateThread(NULL, 0, runner_thread, handler, CREATE_SUSPENDED, NULL)))
        {
            handler_release(handler);
            handler_fail(handler, HRESULT_FROM_WIN32(GetLastError()),
                         load_message(IDS_NO_THREAD, message, ARRAYSIZE(message)));
            continue;
        }
        handler_set_thread(handler, thread, GetTickCount() + timeout_ms);
        ResumeThread(thread);
    }
}

/* One look of the watchdog: handlers past their deadline are given up on.
 * Gives how many the session still waits for. */
unsigned int session_watch(struct session *session)
{
    DWORD now = GetTickCount();
    unsigned int i, running = 0;

    for (i = 0; i < session->handler_count; i++)
    {
        if (handler_watch(session->handlers[i], now, session->grace_ms)) running++;
        /* A worker sends what its handlers reported at this pace. */
        if (session->worker) handler_send_progress(session->handlers[i]);
    }
    return running;
}

/* The watchdog: until every handler is done or given up on, serving the
 * control window (and any other window of this thread) meanwhile. */
static void watch_handlers(struct session *session)
{
    MSG msg;

    while (session_watch(session))
    {
        if (!session->control)
        {
            WaitForSingleObject(session->finished_event, 100);
            continue;
        }
        MsgWaitForMultipleObjects(1, &session->finished_event, FALSE, 100, QS_ALLINPUT);
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
    }
}

/* The control window, which takes /skip and /stop, for a session that
 * synchronizes; a worker's requests come through its session. */
static void start_control(struct session *session)
{
    static const struct control_ops control_ops = { session_skip_item, session_stop };

    if (session->mode == MODE_SYNC && !session->worker && !session->control)
        session->control = control_create(&control_ops, session);
}

/* The handlers loaded and started; FALSE when that could not be done. */
BOOL session_start(struct session *session)
{
    if (FAILED(load_handlers(session)))
    {
        drop_handlers(session);
        return FALSE;
    }
    set_current_session(session);

    /* Before the handlers start: a request may come as soon as they do. */
    start_control(session);
    session->timeout_ms = session->timeout > MAXDWORD / 2000 ? MAXDWORD / 2 : session->timeout * 1000;
    /* A handler is asked to cancel a little before it is given up on. */
    session->grace_ms = min(5000, session->timeout_ms / 4);
    start_handlers(session, session->timeout_ms);
    return TRUE;
}

/* What the choice dialog asks of a handler, or of all (NULL). A handler of
 * the worker's gets it through the worker. Synchronize makes the session a
 * synchronization first: the handlers then choose their checked items. */
unsigned int session_command(struct session *session, struct handler *target,
        const struct handler_command *command)
{
    unsigned int i, taken = 0;
    BOOL remote = FALSE;

    if (command->kind == COMMAND_SYNC && session->mode == MODE_CHOOSE)
    {
        session->mode = MODE_SYNC;
        start_control(session);
    }
    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (target && handler != target) continue;
        if (!handler_post_command(handler, command)) continue;
        taken++;
        if (handler_remote(handler)) remote = TRUE;
        if (handler_remote(handler) && target)
            worker_command(session->other, handler_clsid(handler), command);
    }
    /* One message for all of the worker's handlers. */
    if (remote && !target) worker_command(session->other, NULL, command);
    return taken;
}

/* The watchdog until every handler is done, then the handlers released
 * and the results reported; gives the exit code. */
int session_finish(struct session *session)
{
    watch_handlers(session);
    return session_end(session);
}

/* Once every handler is done (the watchdog says so): the handlers released,
 * the results reported; gives the exit code. */
int session_end(struct session *session)
{
    unsigned int i;
    int ret;

    control_destroy(session->control);
    session->control = NULL;

    /* Results are in; let each handler that is not given up on be released
     * properly (SetProgressCallback(NULL), Release) before the process ends. */
    for (i = 0; i < session->handler_count; i++) handler_wait_thread(session->handlers[i]);
    set_current_session(NULL);
    if (session->other) worker_finish(session->other);
    session->other = NULL;

    ret = session_report(session);
    drop_handlers(session);
    return ret;
}

/* Runs the session to its end and gives the exit code. */
int run_session(struct session *session)
{
    if (!session_start(session)) return 1;
    return session_finish(session);
}
