/*
 * mobsync.exe: the other architecture's handlers of a session, run by a
 * worker: that architecture's mobsync.exe
 *
 * A 32-bit DLL cannot be loaded into a 64-bit process, nor the other way
 * round. So a session whose handlers are registered in both views starts
 * the other mobsync.exe with "/worker", hands it those handlers and the
 * session's options (cookie included) over a pipe (wire.h), and applies
 * what it sends back (relay.c) to records of its own that mirror them,
 * through the same calls the handler's own thread would make: those records
 * tell the session's sink as if the handlers had run here, in CLSID order
 * with the others. Nothing the worker sends is trusted: sizes, counts,
 * indexes and strings are checked. /skip and /stop go down the same
 * channel. A worker that cannot be started, ends early or stops answering
 * fails the handlers it had left, with a line saying why; the other
 * handlers are not affected.
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

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "worker.h"
#include "handler.h"
#include "wire.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* An item table on its way, in parts: memory for those received only,
 * whatever total the worker claims. */
struct incoming
{
    BOOL open;             /* a part that starts a table came, and not the last */
    struct item *items;
    DWORD total, received, size;
};

struct mirror
{
    struct handler **handlers; /* a reference each */
    struct incoming *incoming; /* per handler */
    unsigned int count;
    BOOL modeless_pending;     /* the answer to a WIRE_MODELESS that asked */
    struct wire_modeless_answer modeless;
};

/* The records of the handlers, each given up on at deadline when the
 * worker has not reported it by then; NULL when memory ran out. */
static struct mirror *mirror_create(struct handler **handlers, unsigned int count, DWORD deadline)
{
    struct mirror *mirror;
    unsigned int i;

    if (!(mirror = calloc(1, sizeof(*mirror)))) return NULL;
    if (!(mirror->handlers = malloc(max(count, 1) * sizeof(*mirror->handlers)))
            || !(mirror->incoming = calloc(max(count, 1), sizeof(*mirror->incoming))))
    {
        free(mirror->handlers);
        free(mirror);
        return NULL;
    }
    for (i = 0; i < count; i++)
    {
        handler_addref(handlers[i]);
        handler_set_thread(handlers[i], NULL, deadline);
        mirror->handlers[mirror->count++] = handlers[i];
    }
    return mirror;
}

static void mirror_free(struct mirror *mirror)
{
    unsigned int i;

    for (i = 0; i < mirror->count; i++)
    {
        free(mirror->incoming[i].items);
        handler_release(mirror->handlers[i]);
    }
    free(mirror->handlers);
    free(mirror->incoming);
    free(mirror);
}

/* The worker is gone, or never came: what it had left fails, saying why. */
static void mirror_fail_all(struct mirror *mirror, HRESULT hr, const WCHAR *message)
{
    unsigned int i;

    for (i = 0; i < mirror->count; i++) handler_fail(mirror->handlers[i], hr, message);
}

static int find_handler(struct mirror *mirror, const CLSID *clsid)
{
    unsigned int i;

    for (i = 0; i < mirror->count; i++)
        if (IsEqualCLSID(handler_clsid(mirror->handlers[i]), clsid)) return i;
    return -1;
}

/* A string that ends within the message, copied into buffer as the
 * callback copies a handler's text: at most len - 1 characters, tabs and
 * line breaks made spaces, so that no text of the worker's makes a line
 * of the output. NULL when it does not end. */
static const WCHAR *get_string(const BYTE *data, DWORD size, WCHAR *buffer, unsigned int len)
{
    const WCHAR *str = (const WCHAR *)data;
    DWORD i;

    for (i = 0; i < size / sizeof(WCHAR); i++)
    {
        if (str[i]) continue;
        copy_name(buffer, str, len);
        return buffer;
    }
    return NULL;
}

static void take_items(struct mirror *mirror, unsigned int index, const BYTE *data, DWORD size)
{
    struct incoming *in = &mirror->incoming[index];
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
        in->items = NULL;
        in->received = in->size = 0;
        in->total = head[0];
        in->open = TRUE;
    }
    if (!in->open || head[0] != in->total || head[1] != in->received) return;
    if (head[1] + head[2] > in->size)
    {
        DWORD size = max(head[1] + head[2], min(in->total, in->size * 2));
        struct item *items;

        if (!(items = realloc(in->items, size * sizeof(*items))))
        {
            WCHAR message[256];

            in->open = FALSE;
            handler_fail(mirror->handlers[index], E_OUTOFMEMORY,
                         load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
            return;
        }
        memset(items + in->size, 0, (size - in->size) * sizeof(*items));
        in->items = items;
        in->size = size;
    }
    src = (const struct wire_item *)(data + sizeof(head));
    for (i = 0; i < head[2]; i++)
    {
        struct item *item = &in->items[head[1] + i];

        item->id = src[i].id;
        copy_name(item->name, src[i].name, ARRAYSIZE(src[i].name));
        item->flags = src[i].flags;
        item->last_update = src[i].last_update;
        item->icon = src[i].icon >= 0 && src[i].icon < MAX_ITEM_ICONS ? src[i].icon : -1;
        item->checked = src[i].checked != 0;
        /* As runner.c makes them: a worker that ends now leaves them failed. */
        item->status = SYNCMGRSTATUS_PENDING;
    }
    in->received += head[2];
    if (in->received < in->total) return;
    handler_set_items(mirror->handlers[index], in->items, in->total);
    in->items = NULL;
    in->size = 0;
    in->open = FALSE;
}

/* WIRE_FAIL and WIRE_FINISH: the statuses first, then the end. */
static void take_end(struct handler *handler, DWORD type, const BYTE *data, DWORD size)
{
    WCHAR buffer[MAX_ERROR_TEXT + 1];
    const WCHAR *message = NULL;
    struct wire_end end;
    DWORD statuses;

    if (size < sizeof(end)) return;
    memcpy(&end, data, sizeof(end));
    if (end.count > MAX_ITEMS) return;
    statuses = end.count * sizeof(DWORD);
    if (size < sizeof(end) + statuses) return;
    if (type == WIRE_FAIL && !(message = get_string(data + sizeof(end) + statuses,
                                                    size - sizeof(end) - statuses, buffer,
                                                    ARRAYSIZE(buffer))))
        return;
    handler_set_statuses(handler, (const DWORD *)(data + sizeof(end)), end.count);
    if (message) handler_fail_relayed(handler, end.hr, message, end.show_code);
    else if (end.skipped) handler_skip(handler);
    else handler_finish(handler, end.default_status);
}

/* The icon the worker sent, as an icon of this process; what the trace
 * shows of it is read back from that icon. */
/* The wire's progress, as the record takes it. */
static void set_progress(struct handler *handler, const struct wire_progress *wire, unsigned int count)
{
    struct item_progress progress[64];
    unsigned int i, n;

    /* In parts on the stack: nothing to allocate, nothing lost to memory. */
    for (; count; wire += n, count -= n)
    {
        n = min(count, ARRAYSIZE(progress));
        for (i = 0; i < n; i++)
        {
            progress[i].index = wire[i].index;
            progress[i].status = wire[i].status;
            progress[i].value = wire[i].value;
            progress[i].max = wire[i].max;
        }
        handler_set_progress(handler, progress, n);
    }
}

static void take_icon(struct handler *handler, const BYTE *pixels, DWORD width, DWORD height)
{
    HICON icon = icon_from_pixels(pixels, width, height);
    BYTE *copy;

    if (icon && TRACE_ON(mobsync) && (copy = icon_to_pixels(icon, &width, &height)))
    {
        TRACE("%s: icon of %lux%lu pixels, checksum %08lx, from the worker.\n",
              debugstr_w(handler_clsid_str(handler)), width, height, icon_checksum(copy, width, height));
        free(copy);
    }
    handler_set_icon(handler, icon);
}

/* WIRE_ITEM_ICON: its index, its size, its pixels. */
static void take_item_icon(struct handler *handler, const BYTE *data, DWORD size)
{
    struct wire_icon icon_size;
    DWORD index;
    HICON icon;

    if (size < sizeof(index) + sizeof(icon_size)) return;
    memcpy(&index, data, sizeof(index));
    memcpy(&icon_size, data + sizeof(index), sizeof(icon_size));
    if (index >= MAX_ITEM_ICONS || icon_size.width > 256 || icon_size.height > 256
            || size != sizeof(index) + sizeof(icon_size) + icon_size.width * icon_size.height * 4)
        return;
    if ((icon = icon_from_pixels(data + sizeof(index) + sizeof(icon_size), icon_size.width,
                                 icon_size.height)))
        handler_set_item_icon(handler, index, icon);
}

/* The answer mirror_apply made to a handler's EnableModeless(TRUE), for
 * the worker: FALSE when there is none. */
static BOOL mirror_take_modeless_answer(struct mirror *mirror, struct wire_modeless_answer *answer)
{
    if (!mirror->modeless_pending) return FALSE;
    mirror->modeless_pending = FALSE;
    *answer = mirror->modeless;
    return TRUE;
}

/* Applies a message about one of the handlers to its record; FALSE when it
 * is about none. */
static BOOL mirror_apply(struct mirror *mirror, const struct wire_header *header, const BYTE *data)
{
    WCHAR text[MAX_ERROR_TEXT + 1];
    struct handler *handler;
    const WCHAR *str;
    struct log_entry entry = { { 0 } };
    struct wire_log log;
    DWORD count;
    int index;

    if (header->type < WIRE_NAME || header->type > WIRE_FINISH) return FALSE;
    if ((index = find_handler(mirror, &header->handler)) < 0)
    {
        WARN("Message %#lx for handler %s, not the worker's.\n", header->type,
             debugstr_guid(&header->handler));
        return TRUE;
    }
    handler = mirror->handlers[index];
    switch (header->type)
    {
    case WIRE_NAME:
        if ((str = get_string(data, header->size, text, MAX_SYNCMGRHANDLERNAME)))
            handler_set_name(handler, str);
        break;
    case WIRE_ICON:
    {
        struct wire_icon size;

        if (header->size < sizeof(size)) break;
        memcpy(&size, data, sizeof(size));
        if (size.width > 256 || size.height > 256
                || header->size != sizeof(size) + size.width * size.height * 4)
            break;
        take_icon(handler, data + sizeof(size), size.width, size.height);
        break;
    }
    case WIRE_WARNING:
        if ((str = get_string(data, header->size, text, ARRAYSIZE(text)))) handler_warn(handler, str);
        break;
    case WIRE_ITEMS:
        take_items(mirror, index, data, header->size);
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
            set_progress(handler, (const struct wire_progress *)(data + sizeof(count)), count);
        break;
    case WIRE_LOG:
        if (header->size < sizeof(log)) break;
        memcpy(&log, data, sizeof(log));
        if (!(str = get_string(data + sizeof(log), header->size - sizeof(log), text, ARRAYSIZE(text))))
            break;
        entry.id = log.id;
        entry.item = log.item;
        entry.flags = log.flags;
        entry.has_item = log.has_item != 0;
        handler_log_error(handler, log.level, str, &entry);
        break;
    case WIRE_DELETE_LOG:
        if (header->size == sizeof(GUID)) handler_delete_log_error(handler, (const GUID *)data);
        break;
    case WIRE_FLAGS:
        if (header->size == sizeof(count)) handler_set_flags(handler, *(const DWORD *)data);
        break;
    case WIRE_STATE:
        if (header->size == sizeof(count)) handler_set_remote_state(handler, *(const DWORD *)data);
        break;
    case WIRE_ITEM_ICON:
        take_item_icon(handler, data, header->size);
        break;
    case WIRE_MODELESS:
        /* This process's dialogs decide, for handlers of both architectures. */
        if (header->size != sizeof(struct wire_modeless)) break;
        if (!((const struct wire_modeless *)data)->enable)
        {
            handler_enable_modeless(handler, FALSE);
            break;
        }
        mirror->modeless.serial = ((const struct wire_modeless *)data)->serial;
        mirror->modeless.hr = handler_enable_modeless(handler, TRUE);
        mirror->modeless_pending = TRUE;
        break;
    case WIRE_TEXT:
        if (header->size < sizeof(count)) break;
        memcpy(&count, data, sizeof(count));
        if ((str = get_string(data + sizeof(count), header->size - sizeof(count), text,
                              MAX_STATUS_TEXT + 1)))
            handler_set_text(handler, count, str);
        break;
    case WIRE_FAIL:
    case WIRE_FINISH:
        take_end(handler, header->type, data, header->size);
        break;
    }
    return TRUE;
}

/* How long a /skip or /stop waits for the worker's answer, in ms. */
#define ANSWER_TIMEOUT 5000

/* A message for the worker, waiting for the writer thread. */
struct outgoing
{
    struct list entry;
    DWORD size;
    BYTE data[1];
};

struct worker
{
    struct session *session;
    struct mirror *mirror; /* the session's records of the handlers */
    unsigned int bits;     /* the worker's architecture: 32 or 64 */
    DWORD deadline;
    HANDLE process, to_worker, from_worker, reader, writer;
    CRITICAL_SECTION control_cs; /* one request at a time */
    CRITICAL_SECTION queue_cs;   /* the queue and closing, never held to write */
    struct list queue;     /* struct outgoing, oldest first */
    SIZE_T queued;         /* bytes in the queue */
    HANDLE queue_event;    /* the writer has something to do */
    BOOL closing;          /* the writer ends once the queue is empty */
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
BOOL other_mobsync_path(WCHAR *path, unsigned int size)
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

/* A message for the worker, whole, from any thread: a copy is queued for
 * the writer thread, and nobody waits for the worker to read it. Only the
 * writer waits, when the worker does not read; its handlers' time limit
 * ends it then, and the write fails. FALSE when memory ran out, or when
 * WIRE_MAX_MESSAGE is queued already: a worker that does not read what it
 * asks for gets no more answers. */
static BOOL send_message(struct worker *worker, const void *message, DWORD size)
{
    struct outgoing *outgoing;
    BOOL ret = FALSE;

    if (!(outgoing = malloc(offsetof(struct outgoing, data[size])))) return FALSE;
    outgoing->size = size;
    memcpy(outgoing->data, message, size);
    EnterCriticalSection(&worker->queue_cs);
    if (!worker->queued || worker->queued + size <= WIRE_MAX_MESSAGE)
    {
        list_add_tail(&worker->queue, &outgoing->entry);
        worker->queued += size;
        ret = TRUE;
    }
    LeaveCriticalSection(&worker->queue_cs);
    if (!ret)
    {
        WARN("The worker does not read; message %#lx dropped.\n",
             ((const struct wire_header *)message)->type);
        free(outgoing);
        return FALSE;
    }
    SetEvent(worker->queue_event);
    return TRUE;
}

/* Writes what is queued, in order, until the worker is finished; once a
 * write failed, the channel is broken and the rest is dropped. */
static DWORD WINAPI writer_thread(void *arg)
{
    struct worker *worker = arg;
    struct outgoing *outgoing;
    BOOL broken = FALSE, closing;
    struct list *entry;

    for (;;)
    {
        EnterCriticalSection(&worker->queue_cs);
        if ((entry = list_head(&worker->queue)))
        {
            list_remove(entry);
            outgoing = LIST_ENTRY(entry, struct outgoing, entry);
            worker->queued -= outgoing->size;
        }
        closing = worker->closing;
        LeaveCriticalSection(&worker->queue_cs);
        if (!entry)
        {
            if (closing) return 0;
            WaitForSingleObject(worker->queue_event, INFINITE);
            continue;
        }
        if (!broken && !wire_write(worker->to_worker, outgoing->data, outgoing->size))
        {
            WARN("Cannot write to the worker (error %lu); the rest is dropped.\n", GetLastError());
            broken = TRUE;
        }
        free(outgoing);
    }
}

/* Lets the writer end once the queue is written (or dropped, the worker
 * gone); FALSE when it does not end in time. */
static BOOL stop_writer(struct worker *worker)
{
    EnterCriticalSection(&worker->queue_cs);
    worker->closing = TRUE;
    LeaveCriticalSection(&worker->queue_cs);
    SetEvent(worker->queue_event);
    return WaitForSingleObject(worker->writer, ANSWER_TIMEOUT) != WAIT_TIMEOUT;
}

/* WIRE_SESSION: the options, the cookie, the /item: GUIDs and the
 * handlers' CLSIDs, in one message. */
static BOOL send_session(struct worker *worker)
{
    struct handler **handlers = worker->mirror->handlers;
    unsigned int count = worker->mirror->count;
    struct session *session = worker->session;
    struct wire_header header = { WIRE_SESSION };
    struct wire_session options;
    unsigned int i;
    BYTE *buffer, *p;
    BOOL ret;

    options.mode = session->options.mode;
    options.flags = session->options.flags;
    options.timeout = session->options.timeout;
    options.show_errors = session->options.show_errors;
    options.keep_handlers = session->options.keep_handlers;
    options.cookie_size = session->options.cookie_size;
    options.item_count = session->options.only_item_count;
    options.handler_count = count;
    /* The store is per user, the same for both architectures. */
    options.choice_default = session->options.choice_default;
    memcpy(options.choice_key, session->options.choice_key, sizeof(options.choice_key));
    header.size = sizeof(options) + options.cookie_size + options.item_count * sizeof(GUID)
            + options.handler_count * sizeof(CLSID);
    if (!(buffer = malloc(sizeof(header) + header.size))) return FALSE;
    p = buffer;
    memcpy(p, &header, sizeof(header));
    p += sizeof(header);
    memcpy(p, &options, sizeof(options));
    p += sizeof(options);
    if (options.cookie_size) memcpy(p, session->options.cookie, options.cookie_size);
    p += options.cookie_size;
    if (options.item_count) memcpy(p, session->options.only_items, options.item_count * sizeof(GUID));
    p += options.item_count * sizeof(GUID);
    for (i = 0; i < count; i++, p += sizeof(CLSID)) memcpy(p, handler_clsid(handlers[i]), sizeof(CLSID));
    ret = send_message(worker, buffer, sizeof(header) + header.size);
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
    struct outgoing *outgoing, *next;

    LIST_FOR_EACH_ENTRY_SAFE(outgoing, next, &worker->queue, struct outgoing, entry) free(outgoing);
    if (worker->mirror) mirror_free(worker->mirror);
    if (worker->to_worker) CloseHandle(worker->to_worker);
    if (worker->from_worker) CloseHandle(worker->from_worker);
    if (worker->process) CloseHandle(worker->process);
    if (worker->answer_event) CloseHandle(worker->answer_event);
    if (worker->queue_event) CloseHandle(worker->queue_event);
    DeleteCriticalSection(&worker->control_cs);
    DeleteCriticalSection(&worker->queue_cs);
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
    InitializeCriticalSection(&worker->queue_cs);
    list_init(&worker->queue);
    worker->session = session;
    session_addref(session);
    worker->bits = other_bits();
    worker->deadline = deadline;
    if (!(worker->mirror = mirror_create(handlers, count, deadline))
            || !(worker->answer_event = CreateEventW(NULL, FALSE, FALSE, NULL))
            || !(worker->queue_event = CreateEventW(NULL, FALSE, FALSE, NULL)))
    {
        free_worker(worker);
        goto no_memory;
    }

    if (!other_mobsync_path(path, ARRAYSIZE(path)))
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
    /* The first message: queued before anything else can be. */
    if (!send_session(worker)) WARN("Cannot send the session to the worker.\n");
    if (!(worker->writer = CreateThread(NULL, 0, writer_thread, worker, 0, NULL))
            || !(worker->reader = CreateThread(NULL, 0, reader_thread, worker, 0, NULL)))
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        TerminateProcess(worker->process, 1);
        mirror_fail_all(worker->mirror, hr, load_message(IDS_NO_THREAD, message, ARRAYSIZE(message)));
        if (worker->writer && !stop_writer(worker)) return NULL;
        if (worker->writer) CloseHandle(worker->writer);
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
    message.command.keep_handlers = worker->session->options.keep_handlers;
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
    /* The pipes end with the worker, unless a process it started still
     * holds the worker's ends (it should not: the worker keeps them from
     * being inherited). Then the reader or the writer still uses the
     * record: it stays. */
    if (!stop_writer(worker) || WaitForSingleObject(worker->reader, ANSWER_TIMEOUT) == WAIT_TIMEOUT)
    {
        ERR("The worker's channel does not close; its record is left.\n");
        return;
    }
    CloseHandle(worker->reader);
    CloseHandle(worker->writer);
    free_worker(worker);
}
