/*
 * mobsync.exe: the other architecture's handlers of a session, run by a
 * worker: that architecture's mobsync.exe
 *
 * A 32-bit DLL cannot be loaded into a 64-bit process, nor the other way
 * round. So a session whose handlers are registered in both views starts
 * the other mobsync.exe with "/worker", hands it those handlers and the
 * session's options (cookie included) over a pipe, and applies what it
 * sends back (relay.c) to records of its own that mirror them: those print
 * and count as if the handlers had run here, in CLSID order with the
 * others. /skip and /stop go down the same channel. A worker that cannot be
 * started, ends early or stops answering fails the handlers it had left,
 * with a line saying why; the other handlers are not affected.
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
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* How long a /skip or /stop waits for the worker's answer, in ms. */
#define ANSWER_TIMEOUT 5000

struct worker
{
    struct session *session;
    struct mirror *mirror; /* the session's records of the handlers */
    unsigned int bits;     /* the worker's architecture: 32 or 64 */
    DWORD deadline;
    HANDLE process, to_worker, from_worker, reader;
    CRITICAL_SECTION control_cs; /* one request at a time */
    CRITICAL_SECTION write_cs;   /* one message at a time, from any thread */
    HANDLE answer_event;
    LONG serial;           /* of the request waiting for its answer */
    LONG answer;
    BOOL done;             /* WIRE_DONE came: it ended as it should */
};

static unsigned int other_bits(void)
{
    return sizeof(void *) == 8 ? 32 : 64;
}

/* The other architecture's mobsync.exe: syswow64 for a 64-bit manager,
 * sysnative (the 64-bit system32 as a 32-bit process sees it) for a 32-bit
 * one. MOBSYNC_WORKER names another (docs/engine.md). FALSE when this
 * system has no other architecture. */
static BOOL worker_path(WCHAR *path, unsigned int size)
{
    BOOL wow64 = FALSE;
    DWORD len;

    len = GetEnvironmentVariableW(L"MOBSYNC_WORKER", path, size);
    if (len && len < size) return TRUE;
    if (sizeof(void *) == 8)
        len = GetSystemWow64DirectoryW(path, size);
    else
    {
        if (!IsWow64Process(GetCurrentProcess(), &wow64) || !wow64) return FALSE;
        len = GetWindowsDirectoryW(path, size);
        if (len && len + 10 < size) wcscat(path, L"\\sysnative");
    }
    if (!len || wcslen(path) + 13 >= size) return FALSE;
    wcscat(path, L"\\mobsync.exe");
    return TRUE;
}

/* WIRE_SESSION: the options, the cookie, the /item: GUIDs and the
 * handlers' CLSIDs, in one write. */
static BOOL send_session(struct worker *worker, struct handler **handlers, unsigned int count)
{
    struct session *session = worker->session;
    struct wire_header header = { WIRE_SESSION };
    struct wire_session options;
    unsigned int i;
    BYTE *buffer, *p;
    BOOL ret;

    options.mode = session->mode;
    options.flags = session->flags;
    options.timeout = session->timeout;
    options.show_errors = session->show_errors;
    options.keep_handlers = session->keep_handlers;
    options.cookie_size = session->cookie_size;
    options.item_count = session->only_item_count;
    options.handler_count = count;
    /* The store is per user, the same for both architectures. */
    options.choice_default = session->choice_default;
    memcpy(options.choice_key, session->choice_key, sizeof(options.choice_key));
    header.size = sizeof(options) + options.cookie_size + options.item_count * sizeof(GUID)
            + options.handler_count * sizeof(CLSID);
    if (!(buffer = malloc(sizeof(header) + header.size))) return FALSE;
    p = buffer;
    memcpy(p, &header, sizeof(header));
    p += sizeof(header);
    memcpy(p, &options, sizeof(options));
    p += sizeof(options);
    if (options.cookie_size) memcpy(p, session->cookie, options.cookie_size);
    p += options.cookie_size;
    if (options.item_count) memcpy(p, session->only_items, options.item_count * sizeof(GUID));
    p += options.item_count * sizeof(GUID);
    for (i = 0; i < count; i++, p += sizeof(CLSID)) memcpy(p, handler_clsid(handlers[i]), sizeof(CLSID));
    ret = wire_write(worker->to_worker, buffer, sizeof(header) + header.size);
    free(buffer);
    return ret;
}

/* The messages about the worker itself. */
static void take_message(struct worker *worker, const struct wire_header *header, const BYTE *data)
{
    struct wire_answer answer;

    switch (header->type)
    {
    case WIRE_HELLO:
        TRACE("The %u-bit worker is ready.\n", worker->bits);
        break;
    case WIRE_ANSWER:
        if (header->size != sizeof(answer)) break;
        memcpy(&answer, data, sizeof(answer));
        /* One that comes after its request stopped waiting is no one's. */
        if (answer.serial != (DWORD)InterlockedCompareExchange(&worker->serial, 0, 0)) break;
        InterlockedExchange(&worker->answer, answer.count);
        SetEvent(worker->answer_event);
        break;
    case WIRE_DONE:
        worker->done = TRUE;
        break;
    default:
        WARN("Unknown message %#lx from the worker.\n", header->type);
    }
}

/* A message to the worker, whole, from any thread: the reader answers
 * EnableModeless while a request waits for the worker's answer. */
static BOOL send_message(struct worker *worker, const void *message, DWORD size)
{
    BOOL ret;

    EnterCriticalSection(&worker->write_cs);
    ret = wire_write(worker->to_worker, message, size);
    LeaveCriticalSection(&worker->write_cs);
    return ret;
}

/* Until the worker ends: then whatever it had left fails, saying so. */
static DWORD WINAPI reader_thread(void *arg)
{
    struct { struct wire_header header; struct wire_modeless_answer answer; } answer;
    struct worker *worker = arg;
    struct wire_header header;
    WCHAR message[256];
    DWORD code = 0;
    BYTE *data;

    memset(&answer, 0, sizeof(answer));
    answer.header.type = WIRE_MODELESS_ANSWER;
    answer.header.size = sizeof(answer.answer);

    while ((data = wire_read(worker->from_worker, &header)))
    {
        if (!mirror_apply(worker->mirror, &header, data)) take_message(worker, &header, data);
        free(data);
        if (mirror_take_modeless_answer(worker->mirror, &answer.answer)) send_message(worker, &answer, sizeof(answer));
    }
    /* The channel closes as the worker ends. One still running behind a
     * broken channel is of no more use: it is ended. */
    if (WaitForSingleObject(worker->process, ANSWER_TIMEOUT) == WAIT_TIMEOUT)
    {
        WARN("The worker's channel broke; ending it.\n");
        TerminateProcess(worker->process, 1);
        WaitForSingleObject(worker->process, ANSWER_TIMEOUT);
    }
    /* One that ended in its own time has finished every handler. */
    GetExitCodeProcess(worker->process, &code);
    TRACE("The worker ended (exit code %#lx, %s).\n", code, worker->done ? "done" : "early");
    format_message(message, ARRAYSIZE(message), IDS_WORKER_ENDED, worker->bits, code);
    mirror_fail_all(worker->mirror, HRESULT_FROM_WIN32(ERROR_PROCESS_ABORTED), message);
    SetEvent(worker->answer_event);
    return 0;
}

static BOOL start_process(struct worker *worker, const WCHAR *path, DWORD *error)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE child_in = NULL, child_out = NULL;
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    WCHAR cmdline[MAX_PATH + 64];
    BOOL ret = FALSE;

    if (!CreatePipe(&child_in, &worker->to_worker, &sa, 0)
            || !CreatePipe(&worker->from_worker, &child_out, &sa, 0))
        goto done;
    /* Only the child's ends are inherited. */
    SetHandleInformation(worker->to_worker, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(worker->from_worker, HANDLE_FLAG_INHERIT, 0);
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" /worker:%Ix,%Ix", path, (ULONG_PTR)child_in,
             (ULONG_PTR)child_out);
    TRACE("Starting %s.\n", debugstr_w(cmdline));
    /* It shares this process's console, if there is one (its handlers' own
     * output goes where theirs would here); a manager a program started has
     * none, and its worker gets none either, rather than a window of its
     * own. */
    if (!CreateProcessW(path, cmdline, NULL, NULL, TRUE, GetConsoleCP() ? 0 : DETACHED_PROCESS, NULL,
                        NULL, &si, &pi))
        goto done;
    CloseHandle(pi.hThread);
    worker->process = pi.hProcess;
    ret = TRUE;

done:
    *error = ret ? 0 : GetLastError();
    if (child_in) CloseHandle(child_in);
    if (child_out) CloseHandle(child_out);
    return ret;
}

static void free_worker(struct worker *worker)
{
    if (worker->mirror) mirror_free(worker->mirror);
    if (worker->to_worker) CloseHandle(worker->to_worker);
    if (worker->from_worker) CloseHandle(worker->from_worker);
    if (worker->process) CloseHandle(worker->process);
    if (worker->answer_event) CloseHandle(worker->answer_event);
    DeleteCriticalSection(&worker->control_cs);
    DeleteCriticalSection(&worker->write_cs);
    session_release(worker->session);
    free(worker);
}

/* Starts the worker for the handlers (the session's mirrors), each given
 * up on at deadline if the worker has not reported by then. NULL when it
 * could not be started: then they are failed, saying why. */
struct worker *worker_start(struct session *session, struct handler **handlers, unsigned int count,
        DWORD deadline)
{
    WCHAR path[MAX_PATH], message[512], reason[256];
    struct worker *worker;
    unsigned int i;
    DWORD error;
    HRESULT hr;

    if (!(worker = calloc(1, sizeof(*worker)))) goto no_memory;
    InitializeCriticalSection(&worker->control_cs);
    InitializeCriticalSection(&worker->write_cs);
    worker->session = session;
    session_addref(session);
    worker->bits = other_bits();
    worker->deadline = deadline;
    if (!(worker->mirror = mirror_create(handlers, count, deadline))
            || !(worker->answer_event = CreateEventW(NULL, FALSE, FALSE, NULL)))
    {
        free_worker(worker);
        goto no_memory;
    }

    if (!worker_path(path, ARRAYSIZE(path)))
    {
        format_message(message, ARRAYSIZE(message), IDS_NO_OTHER_ARCH, worker->bits);
        mirror_fail_all(worker->mirror, HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED), message);
        free_worker(worker);
        return NULL;
    }
    if (!start_process(worker, path, &error))
    {
        if (!FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, error, 0,
                            reason, ARRAYSIZE(reason), NULL))
            swprintf(reason, ARRAYSIZE(reason), L"error %lu", error);
        for (i = wcslen(reason); i && (reason[i - 1] == '\n' || reason[i - 1] == '\r'
                                        || reason[i - 1] == '.'); i--)
            reason[i - 1] = 0;
        format_message(message, ARRAYSIZE(message), IDS_NO_WORKER, worker->bits, path, reason);
        WARN("%s\n", debugstr_w(message));
        mirror_fail_all(worker->mirror, HRESULT_FROM_WIN32(error), message);
        free_worker(worker);
        return NULL;
    }
    if (!send_session(worker, handlers, count)) WARN("Cannot send the session to the worker.\n");
    if (!(worker->reader = CreateThread(NULL, 0, reader_thread, worker, 0, NULL)))
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        TerminateProcess(worker->process, 1);
        mirror_fail_all(worker->mirror, hr, load_message(IDS_NO_THREAD, message, ARRAYSIZE(message)));
        free_worker(worker);
        return NULL;
    }
    TRACE("%u handlers for the %u-bit worker.\n", count, worker->bits);
    return worker;

no_memory:
    load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message));
    for (i = 0; i < count; i++) handler_fail(handlers[i], E_OUTOFMEMORY, message);
    return NULL;
}

/* /skip or /stop for the worker's handlers: how many took it. */
unsigned int worker_control(struct worker *worker, enum control_action action, const GUID *handler,
        const GUID *item)
{
    struct wire_header header = { WIRE_CONTROL, sizeof(struct wire_control) };
    struct { struct wire_header header; struct wire_control control; } request;
    unsigned int ret = 0;

    memset(&request, 0, sizeof(request));
    request.header = header;
    request.control.action = action;
    request.control.any_handler = !handler;
    if (handler) request.control.handler = *handler;
    if (item) request.control.item = *item;
    EnterCriticalSection(&worker->control_cs);
    ResetEvent(worker->answer_event);
    InterlockedExchange(&worker->answer, 0);
    request.control.serial = InterlockedIncrement(&worker->serial);
    if (send_message(worker, &request, sizeof(request))
            && !WaitForSingleObject(worker->answer_event, ANSWER_TIMEOUT))
        ret = InterlockedExchange(&worker->answer, 0);
    LeaveCriticalSection(&worker->control_cs);
    TRACE("%u took the request.\n", ret);
    return ret;
}

/* What the choice dialog asks of one of the worker's handlers, or of all
 * (NULL). Synchronize and Close start the time limit again: the worker is
 * waited for that long and a little more. */
void worker_command(struct worker *worker, const CLSID *handler,
        const struct handler_command *command)
{
    struct { struct wire_header header; struct wire_command command; } message;

    if (!worker) return;
    memset(&message, 0, sizeof(message));
    message.header.type = WIRE_COMMAND;
    message.header.size = sizeof(message.command);
    message.command.kind = command->kind;
    message.command.any_handler = !handler;
    if (handler) message.header.handler = *handler;
    message.command.window = (ULONG_PTR)command->window;
    message.command.item = command->item;
    message.command.keep_handlers = worker->session->keep_handlers;
    if (command->kind == COMMAND_SYNC || command->kind == COMMAND_RELEASE)
        worker->deadline = GetTickCount() + worker->session->timeout_ms + WORKER_MARGIN;
    if (!send_message(worker, &message, sizeof(message)))
        WARN("The worker did not take command %u.\n", command->kind);
}

/* At the end of the session, when every handler has its result: lets the
 * worker release its handlers and end, at most until the deadline. */
void worker_finish(struct worker *worker)
{
    LONG left = (LONG)(worker->deadline - GetTickCount());

    if (WaitForSingleObject(worker->process, left > 0 ? left : 0) == WAIT_TIMEOUT)
    {
        WARN("The worker does not end; ending it.\n");
        TerminateProcess(worker->process, 1);
    }
    /* The pipe ends with the worker, unless a process it started still
     * holds the worker's end (it should not: the worker keeps it from being
     * inherited). Then the reader still uses the record: it stays. */
    if (WaitForSingleObject(worker->reader, ANSWER_TIMEOUT) == WAIT_TIMEOUT)
    {
        ERR("The worker's channel does not close; its record is left.\n");
        return;
    }
    CloseHandle(worker->reader);
    free_worker(worker);
}
