/*
 * mobsync.exe: a session, from its handlers' start to its summary
 *
 * A session makes a record for each handler the registry names
 * (registry.c), starts a thread for each (runner.c), those of the other
 * architecture in its worker (worker.c), and waits for every handler or for
 * its time limit (the watchdog), taking /skip, /stop and Ctrl+C meanwhile;
 * then it reports: /list's lines in CLSID order, or a synchronization's own
 * lines (items asked for that nobody had) and its summary, and the exit code.
 *
 * Each synchronizing session owns a message-only window of the class
 * CONTROL_WINDOW_CLASS. "mobsync /skip:{ITEM}" and "mobsync /stop" find every
 * such window on the desktop and send it a struct control_request in a
 * WM_COPYDATA message; the window answers how many items or handlers took
 * the request. This is the headless counterpart of the progress dialog's
 * Skip and Stop buttons, so that a script (or a person in another terminal)
 * can skip an item that takes too long without stopping the rest.
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
#include "worker.h"
#include "handler.h"
#include "timing.h"
#include "wine/list.h"
#include "resource.h"
#include "winreg.h"
#include "winuser.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

static int session_report(struct session *session);
static void launch_handlers(struct session *session, DWORD timeout_ms);
static int session_end(struct session *session);

static int __cdecl compare_handlers(const void *a, const void *b)
{
    return wcscmp(handler_clsid_str(*(struct handler * const *)a),
                  handler_clsid_str(*(struct handler * const *)b));
}

/* mobsync /skip: what the progress dialog's Skip button does. Progress for
 * the item answers S_SYNCMGR_CANCELITEM from now on, and the handler's
 * thread passes the request on with SetItemStatus(SKIPPED). Gives the
 * number of items taken (the same ID may belong to several handlers). */
unsigned int session_skip(struct session *session, const GUID *clsid, const GUID *id)
{
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
static unsigned int session_stop(struct session *session, const GUID *clsid)
{
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

/* The sessions running in this process, all started and ended on the main
 * thread: usually one; more when requests joined an open progress dialog. */
static struct list running = LIST_INIT(running);
static CRITICAL_SECTION running_cs;
/* Initialized as Wine's own static sections are; mingw-w64's headers have
 * no room for its name. An idle run's input watch may take it before any
 * session runs. */
static CRITICAL_SECTION_DEBUG running_cs_debug =
{
    0, 0, &running_cs,
    { &running_cs_debug.ProcessLocksList, &running_cs_debug.ProcessLocksList },
      0, 0, 0, 0, 0
};
static CRITICAL_SECTION running_cs = { &running_cs_debug, -1, 0, 0, 0, 0 };
static LONG cancel_requests;

/* Ctrl+C or Ctrl+Break: the first asks every handler to stop through
 * Progress (their items end "stopped"); the second ends the process. */
static BOOL WINAPI console_ctrl(DWORD type)
{
    struct session *session;
    BOOL ret = FALSE;

    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;
    if (InterlockedIncrement(&cancel_requests) > 1) return FALSE;
    EnterCriticalSection(&running_cs);
    LIST_FOR_EACH_ENTRY(session, &running, struct session, running_entry)
    {
        session_stop(session, NULL);
        ret = TRUE;
    }
    LeaveCriticalSection(&running_cs);
    return ret;
}

/* A request a worker's session passed on, or the progress dialog's Stop:
 * for every session running now. */
unsigned int session_request(enum control_action action, const GUID *handler, const GUID *item)
{
    struct session *session;
    unsigned int ret = 0;

    EnterCriticalSection(&running_cs);
    LIST_FOR_EACH_ENTRY(session, &running, struct session, running_entry)
    {
        if (action == CONTROL_SKIP) ret += session_skip(session, handler, item);
        else if (action == CONTROL_STOP) ret += session_stop(session, handler);
    }
    LeaveCriticalSection(&running_cs);
    return ret;
}

/* A command of the choice dialog a worker's session passed on (a worker
 * runs one session). */
void session_request_command(const CLSID *clsid, const struct handler_command *command, BOOL keep)
{
    struct session *session;
    unsigned int i;

    if (command->kind <= COMMAND_NONE || command->kind > COMMAND_SHOW_ERROR) return;
    EnterCriticalSection(&running_cs);
    LIST_FOR_EACH_ENTRY(session, &running, struct session, running_entry)
    {
        /* Before any of its handlers synchronizes, as the session's own. */
        if (command->kind == COMMAND_SYNC) session->options.keep_handlers = keep;
        for (i = 0; i < session->handler_count; i++)
        {
            struct handler *handler = session->handlers[i];

            if (!clsid || IsEqualCLSID(clsid, handler_clsid(handler)))
                session_command(session, clsid ? handler : NULL, command);
            if (!clsid) break;
        }
    }
    LeaveCriticalSection(&running_cs);
}

/* Adds the session to the running ones (running set) or takes it out. */
static void set_running(struct session *session, BOOL set)
{
    static BOOL initialized;

    if (!initialized)
    {
        /* Once: each call adds the handler to a list, for good. */
        SetConsoleCtrlHandler(console_ctrl, TRUE);
        initialized = TRUE;
    }
    EnterCriticalSection(&running_cs);
    if (set && !session->running) list_add_head(&running, &session->running_entry);
    else if (!set && session->running) list_remove(&session->running_entry);
    session->running = set;
    LeaveCriticalSection(&running_cs);
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

    if (FAILED(hr = read_registrations(&session->options, &list, &count))) return hr;
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
          session->options.timeout);
    return hr;
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
        handler_tell_progress(session->handlers[i]);
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

/* How long a sender waits for a session that does not answer, in ms. */
#define SEND_TIMEOUT 10000

/* Runs on the session's main thread, which serves the window while it waits
 * for the handlers. Anything may be sent here: only a request of exactly
 * the right form is taken. */
static LRESULT CALLBACK control_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct session *session;
    const COPYDATASTRUCT *data;
    struct control_request request;
    const GUID *clsid;

    if (msg != WM_COPYDATA) return DefWindowProcW(window, msg, wparam, lparam);

    session = (struct session *)GetWindowLongPtrW(window, GWLP_USERDATA);
    data = (const COPYDATASTRUCT *)lparam;
    if (!session || !data || data->dwData != CONTROL_MAGIC || data->cbData != sizeof(request)
            || !data->lpData)
    {
        WARN("Ignoring a WM_COPYDATA that is not a request.\n");
        return 0;
    }
    memcpy(&request, data->lpData, sizeof(request));
    if (request.size != sizeof(request))
    {
        WARN("Ignoring a request of size %lu.\n", request.size);
        return 0;
    }
    clsid = IsEqualGUID(&request.handler, &GUID_NULL) ? NULL : &request.handler;
    TRACE("action %lu, handler %s, item %s.\n", request.action, debugstr_guid(clsid),
          debugstr_guid(&request.item));
    switch (request.action)
    {
    case CONTROL_SKIP: return session_skip(session, clsid, &request.item);
    case CONTROL_STOP: return session_stop(session, clsid);
    }
    WARN("Unknown action %lu.\n", request.action);
    return 0;
}

/* A message-only window of its own class (registered at the first call),
 * data in its GWLP_USERDATA; NULL, said on the mobsync channel, when it
 * cannot be made. The control windows and the progress dialog's join
 * window are such. */
HWND message_window_create(const WCHAR *class_name, WNDPROC proc, void *data)
{
    WNDCLASSW wc = { 0 };
    HWND window;

    wc.lpfnWndProc = proc;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = class_name;
    if (!RegisterClassW(&wc) && GetLastError() != ERROR_CLASS_ALREADY_EXISTS)
    {
        WARN("Cannot register %s: error %lu.\n", debugstr_w(class_name), GetLastError());
        return NULL;
    }
    if (!(window = CreateWindowExW(0, class_name, NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                                   GetModuleHandleW(NULL), NULL)))
    {
        WARN("Cannot create a %s window: error %lu.\n", debugstr_w(class_name), GetLastError());
        return NULL;
    }
    SetWindowLongPtrW(window, GWLP_USERDATA, (LONG_PTR)data);
    return window;
}

static void control_destroy(HWND window)
{
    if (!window) return;
    /* Requests from now on find no window, or one that takes nothing. */
    SetWindowLongPtrW(window, GWLP_USERDATA, 0);
    DestroyWindow(window);
}

/* The control window, which takes /skip and /stop, for a session that
 * synchronizes; a worker's requests come through its session. */
static void start_control(struct session *session)
{
    if (session->options.mode != MODE_SYNC || session->options.worker || session->control) return;
    if (!(session->control = message_window_create(CONTROL_WINDOW_CLASS, control_proc, session)))
        WARN("/skip and /stop will not reach this session.\n");
}

/* The handlers loaded and started; FALSE when that could not be done. */
BOOL session_start(struct session *session)
{
    LONGLONG time;

    timing_begin(session);
    time = timing_now(session);
    if (FAILED(load_handlers(session)))
    {
        drop_handlers(session);
        return FALSE;
    }
    timing_count(session, session->handler_count, 0);
    set_running(session, TRUE);

    /* Before the handlers start: a request may come as soon as they do. */
    start_control(session);
    session->timeout_ms = session->options.timeout > MAXDWORD / 2000 ? MAXDWORD / 2 : session->options.timeout * 1000;
    /* A handler is asked to cancel a little before it is given up on. */
    session->grace_ms = min(5000, session->timeout_ms / 4);
    launch_handlers(session, session->timeout_ms);
    timing_next(session, TIMING_LOAD, time);
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

    if (command->kind == COMMAND_SYNC && session->options.mode == MODE_CHOOSE)
    {
        session->options.mode = MODE_SYNC;
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
static int session_end(struct session *session)
{
    LONGLONG time = timing_now(session);
    unsigned int i;
    int ret;

    control_destroy(session->control);
    session->control = NULL;
    timing_next(session, TIMING_RELEASE, time);

    /* Results are in; let each handler that is not given up on be released
     * properly (SetProgressCallback(NULL), Release) before the process ends.
     * The threads time that themselves. */
    for (i = 0; i < session->handler_count; i++) handler_wait_thread(session->handlers[i]);
    time = timing_now(session);
    set_running(session, FALSE);
    if (session->other) worker_finish(session->other);
    session->other = NULL;

    time = timing_next(session, TIMING_RELEASE, time);
    ret = session_report(session);
    time = timing_next(session, TIMING_OUTPUT, time);
    drop_handlers(session);
    timing_next(session, TIMING_RELEASE, time);
    timing_end(session);
    return ret;
}

/* Runs the session to its end and gives the exit code. */
int run_session(struct session *session)
{
    if (!session_start(session)) return 1;
    return session_finish(session);
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
 * with its deadline; the worker first. */
static void launch_handlers(struct session *session, DWORD timeout_ms)
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

/* Sends the request to every running session, once per handler named (or
 * once for all handlers). Gives how many items or handlers took it, and in
 * *sessions how many sessions were found. */
unsigned int control_send(enum control_action action, const GUID *handlers,
        unsigned int handler_count, const GUID *item, unsigned int *sessions)
{
    struct control_request request = { sizeof(request), action };
    COPYDATASTRUCT data = { CONTROL_MAGIC, sizeof(request), &request };
    unsigned int taken = 0, i;
    DWORD_PTR result;
    HWND window = NULL;

    if (item) request.item = *item;
    *sessions = 0;
    while ((window = FindWindowExW(HWND_MESSAGE, window, CONTROL_WINDOW_CLASS, NULL)))
    {
        ++*sessions;
        for (i = 0; i < max(handler_count, 1); i++)
        {
            request.handler = handler_count ? handlers[i] : GUID_NULL;
            if (SendMessageTimeoutW(window, WM_COPYDATA, 0, (LPARAM)&data, SMTO_ABORTIFHUNG,
                                    SEND_TIMEOUT, &result))
                taken += result;
            else
                WARN("Session window %p did not answer: error %lu.\n", window, GetLastError());
        }
    }
    TRACE("%u sessions, %u taken.\n", *sessions, taken);
    return taken;
}

static void print_list(struct session *session)
{
    struct text text = { 0 };
    unsigned int i, next;

    for (i = 0; i < session->handler_count; i++)
    {
        next = 0;
        do
        {
            next = handler_list(session->handlers[i], &text, next);
            output_text(&text);
        } while (next);
    }
}

/* Once every handler is done: gives the exit code. A worker's session, a
 * choice dialog closed without synchronizing and a silent one say nothing. */
static int session_report(struct session *session)
{
    unsigned int i;

    if (session->options.worker || session->options.mode == MODE_CHOOSE || session->options.silent) return 0;
    if (session->options.mode == MODE_LIST)
    {
        print_list(session);
        return session->errors ? 1 : 0;
    }
    for (i = 0; i < session->options.only_item_count; i++)
    {
        if (session->found_items[i]) continue;
        report_missing_item(&session->options.only_items[i]);
        session->errors++;
    }
    report_summary(session->succeeded, session->failed, session->skipped);
    return session->failed || session->errors ? 1 : 0;
}
