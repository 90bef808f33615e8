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

/* An item table on its way, in parts. */
struct incoming
{
    struct item *items;
    DWORD total, received;
};

struct worker
{
    struct session *session;
    struct handler **handlers; /* the mirrors, a reference each */
    struct incoming *incoming; /* per handler */
    unsigned int count;
    unsigned int bits;     /* the worker's architecture: 32 or 64 */
    DWORD deadline;
    HANDLE process, to_worker, from_worker, reader;
    CRITICAL_SECTION control_cs; /* one request at a time */
    HANDLE answer_event;
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

static void fail_all(struct worker *worker, HRESULT hr, const WCHAR *message)
{
    unsigned int i;

    for (i = 0; i < worker->count; i++) handler_fail(worker->handlers[i], hr, message);
}

static BOOL write_all(HANDLE pipe, const void *data, DWORD size)
{
    DWORD written;

    return !size || (WriteFile(pipe, data, size, &written, NULL) && written == size);
}

static BOOL read_all(HANDLE pipe, void *data, DWORD size)
{
    DWORD got;

    while (size)
    {
        if (!ReadFile(pipe, data, size, &got, NULL) || !got) return FALSE;
        data = (BYTE *)data + got;
        size -= got;
    }
    return TRUE;
}

/* WIRE_SESSION: the options, the cookie, the /item: GUIDs and the
 * handlers' CLSIDs, in one write. */
static BOOL send_session(struct worker *worker)
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
    options.cookie_size = session->cookie_size;
    options.item_count = session->only_item_count;
    options.handler_count = worker->count;
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
    for (i = 0; i < worker->count; i++, p += sizeof(CLSID))
        memcpy(p, handler_clsid(worker->handlers[i]), sizeof(CLSID));
    ret = write_all(worker->to_worker, buffer, sizeof(header) + header.size);
    free(buffer);
    return ret;
}

static int find_handler(struct worker *worker, const CLSID *clsid)
{
    unsigned int i;

    for (i = 0; i < worker->count; i++)
        if (IsEqualCLSID(handler_clsid(worker->handlers[i]), clsid)) return i;
    return -1;
}

/* A string that ends within the message, or NULL. */
static const WCHAR *get_string(const BYTE *data, DWORD size)
{
    const WCHAR *str = (const WCHAR *)data;
    DWORD i, len = size / sizeof(WCHAR);

    for (i = 0; i < len; i++) if (!str[i]) return str;
    return NULL;
}

static void take_items(struct worker *worker, unsigned int index, const BYTE *data, DWORD size)
{
    struct incoming *in = &worker->incoming[index];
    const struct wire_item *src;
    DWORD head[3], i;

    if (size < sizeof(head)) return;
    memcpy(head, data, sizeof(head));
    if (head[0] > MAX_ITEMS || head[1] > head[0] || head[2] > head[0] - head[1]
            || size != sizeof(head) + head[2] * sizeof(*src))
        return;
    if (!head[1])
    {
        free(in->items);
        in->received = 0;
        in->total = head[0];
        if (!(in->items = calloc(max(head[0], 1), sizeof(*in->items))))
        {
            WCHAR message[256];

            handler_fail(worker->handlers[index], E_OUTOFMEMORY,
                         load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
            return;
        }
    }
    if (!in->items || head[0] != in->total || head[1] != in->received) return;
    src = (const struct wire_item *)(data + sizeof(head));
    for (i = 0; i < head[2]; i++)
    {
        in->items[head[1] + i].id = src[i].id;
        copy_name(in->items[head[1] + i].name, src[i].name, ARRAYSIZE(src[i].name));
    }
    in->received += head[2];
    if (in->received < in->total) return;
    handler_set_items(worker->handlers[index], in->items, in->total);
    in->items = NULL;
}

/* WIRE_FAIL and WIRE_FINISH: the statuses first, then the end. */
static void take_end(struct worker *worker, struct handler *handler, DWORD type, const BYTE *data,
        DWORD size)
{
    const WCHAR *message = NULL;
    struct wire_end end;
    DWORD statuses;

    if (size < sizeof(end)) return;
    memcpy(&end, data, sizeof(end));
    if (end.count > MAX_ITEMS) return;
    statuses = end.count * sizeof(DWORD);
    if (size < sizeof(end) + statuses) return;
    if (type == WIRE_FAIL && !(message = get_string(data + sizeof(end) + statuses,
                                                    size - sizeof(end) - statuses)))
        return;
    handler_set_statuses(handler, (const DWORD *)(data + sizeof(end)), end.count);
    if (message) handler_fail_relayed(handler, end.hr, message, end.show_code);
    else if (end.skipped) handler_skip(handler);
    else handler_finish(handler, end.default_status);
}

static void take_message(struct worker *worker, const struct wire_header *header, const BYTE *data)
{
    struct handler *handler = NULL;
    const WCHAR *str;
    struct log_entry entry;
    struct wire_log log;
    DWORD count;
    int index = -1;

    if (header->type >= WIRE_NAME && header->type <= WIRE_FINISH)
    {
        if ((index = find_handler(worker, &header->handler)) < 0)
        {
            WARN("Message %#lx for handler %s, not the worker's.\n", header->type,
                 debugstr_guid(&header->handler));
            return;
        }
        handler = worker->handlers[index];
    }
    switch (header->type)
    {
    case WIRE_HELLO:
        TRACE("The %u-bit worker is ready.\n", worker->bits);
        break;
    case WIRE_NAME:
        if ((str = get_string(data, header->size))) handler_set_name(handler, str);
        break;
    case WIRE_ICON:
    {
        struct wire_icon size;

        if (header->size < sizeof(size)) break;
        memcpy(&size, data, sizeof(size));
        if (size.width > 256 || size.height > 256
                || header->size != sizeof(size) + size.width * size.height * 4)
            break;
        handler_set_icon(handler, icon_from_pixels(data + sizeof(size), size.width, size.height));
        break;
    }
    case WIRE_WARNING:
        if ((str = get_string(data, header->size))) handler_warn(handler, str);
        break;
    case WIRE_ITEMS:
        take_items(worker, index, data, header->size);
        break;
    case WIRE_CHOICE:
        if (header->size < sizeof(count)) break;
        memcpy(&count, data, sizeof(count));
        if (header->size == sizeof(count) + count) handler_set_choice(handler, data + sizeof(count), count);
        break;
    case WIRE_PROGRESS:
        if (header->size < sizeof(count)) break;
        memcpy(&count, data, sizeof(count));
        if (count <= (header->size - sizeof(count)) / sizeof(struct wire_progress)
                && header->size == sizeof(count) + count * sizeof(struct wire_progress))
            handler_set_progress(handler, (const struct wire_progress *)(data + sizeof(count)), count);
        break;
    case WIRE_LOG:
        if (header->size < sizeof(log)) break;
        memcpy(&log, data, sizeof(log));
        if (!(str = get_string(data + sizeof(log), header->size - sizeof(log)))) break;
        entry.id = log.id;
        entry.item = log.item;
        entry.flags = log.flags;
        entry.has_item = log.has_item != 0;
        handler_log_error(handler, log.level, str, &entry);
        break;
    case WIRE_DELETE_LOG:
        if (header->size == sizeof(GUID)) handler_delete_log_error(handler, (const GUID *)data);
        break;
    case WIRE_FAIL:
    case WIRE_FINISH:
        take_end(worker, handler, header->type, data, header->size);
        break;
    case WIRE_ANSWER:
        if (header->size != sizeof(DWORD)) break;
        memcpy(&count, data, sizeof(count));
        InterlockedExchange(&worker->answer, count);
        SetEvent(worker->answer_event);
        break;
    case WIRE_DONE:
        worker->done = TRUE;
        break;
    default:
        WARN("Unknown message %#lx from the worker.\n", header->type);
    }
}

/* Until the worker ends: then whatever it had left fails, saying so. */
static DWORD WINAPI reader_thread(void *arg)
{
    struct worker *worker = arg;
    struct wire_header header;
    WCHAR message[256];
    DWORD code = 0;
    BYTE *data;

    while (read_all(worker->from_worker, &header, sizeof(header)))
    {
        if (header.size > WIRE_MAX_MESSAGE || !(data = malloc(max(header.size, 1))))
        {
            ERR("A message of %lu bytes from the worker; ending it.\n", header.size);
            TerminateProcess(worker->process, 1);
            break;
        }
        if (!read_all(worker->from_worker, data, header.size))
        {
            free(data);
            break;
        }
        take_message(worker, &header, data);
        free(data);
    }
    /* A worker that ended in its own time has finished every handler. */
    WaitForSingleObject(worker->process, ANSWER_TIMEOUT);
    GetExitCodeProcess(worker->process, &code);
    TRACE("The worker ended (exit code %#lx, %s).\n", code, worker->done ? "done" : "early");
    format_message(message, ARRAYSIZE(message), IDS_WORKER_ENDED, worker->bits, code);
    fail_all(worker, HRESULT_FROM_WIN32(ERROR_PROCESS_ABORTED), message);
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
    if (!CreateProcessW(path, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) goto done;
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
    unsigned int i;

    for (i = 0; i < worker->count; i++)
    {
        free(worker->incoming[i].items);
        handler_release(worker->handlers[i]);
    }
    if (worker->to_worker) CloseHandle(worker->to_worker);
    if (worker->from_worker) CloseHandle(worker->from_worker);
    if (worker->process) CloseHandle(worker->process);
    if (worker->answer_event) CloseHandle(worker->answer_event);
    DeleteCriticalSection(&worker->control_cs);
    free(worker->handlers);
    free(worker->incoming);
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
    worker->session = session;
    session_addref(session);
    worker->bits = other_bits();
    worker->deadline = deadline;
    if (!(worker->handlers = malloc(count * sizeof(*worker->handlers)))
            || !(worker->incoming = calloc(count, sizeof(*worker->incoming)))
            || !(worker->answer_event = CreateEventW(NULL, FALSE, FALSE, NULL)))
    {
        free_worker(worker);
        goto no_memory;
    }
    for (i = 0; i < count; i++)
    {
        handler_addref(handlers[i]);
        handler_set_thread(handlers[i], NULL, deadline);
        worker->handlers[worker->count++] = handlers[i];
    }

    if (!worker_path(path, ARRAYSIZE(path)))
    {
        format_message(message, ARRAYSIZE(message), IDS_NO_OTHER_ARCH, worker->bits);
        fail_all(worker, HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED), message);
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
        fail_all(worker, HRESULT_FROM_WIN32(error), message);
        free_worker(worker);
        return NULL;
    }
    if (!send_session(worker)) WARN("Cannot send the session to the worker.\n");
    if (!(worker->reader = CreateThread(NULL, 0, reader_thread, worker, 0, NULL)))
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        TerminateProcess(worker->process, 1);
        fail_all(worker, hr, load_message(IDS_NO_THREAD, message, ARRAYSIZE(message)));
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
    if (write_all(worker->to_worker, &request, sizeof(request))
            && !WaitForSingleObject(worker->answer_event, ANSWER_TIMEOUT))
        ret = InterlockedExchange(&worker->answer, 0);
    LeaveCriticalSection(&worker->control_cs);
    TRACE("%u took the request.\n", ret);
    return ret;
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
    WaitForSingleObject(worker->reader, INFINITE);
    CloseHandle(worker->reader);
    free_worker(worker);
}
