/*
 * mobsync.exe /worker: the other architecture's half of a session, and the
 * relay that tells the session everything its handlers do
 *
 * Started by a mobsync.exe of the other architecture (worker.c) with the
 * two ends of its channel. Reads the session it is to run, runs it for the
 * handlers named with the same engine as any session, with the relay as its
 * sink: what they do is sent (wire.h), not printed. Takes /skip, /stop and
 * the choice dialog's commands from the channel meanwhile. Ends when the
 * session is over, or at once when the manager that started it is gone.
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
#include "handler.h"
#include "resource.h"
#include "wire.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Items per WIRE_ITEMS message: about a megabyte. */
#define ITEMS_PER_MESSAGE 4096

/* How long a handler's EnableModeless(TRUE) waits for the session, in ms. */
#define MODELESS_TIMEOUT 5000

/* How long the worker waits for its session, in ms: the manager sends it
 * as soon as it has started the worker. */
#define SESSION_TIMEOUT 5000

static HANDLE channel;
static CRITICAL_SECTION channel_cs;
static CRITICAL_SECTION_DEBUG channel_cs_debug =
{
    0, 0, &channel_cs,
    { &channel_cs_debug.ProcessLocksList, &channel_cs_debug.ProcessLocksList },
      0, 0, 0, 0, 0
};
static CRITICAL_SECTION channel_cs = { &channel_cs_debug, -1, 0, 0, 0, 0 };

/* The EnableModeless(TRUE) waiting for the session's answer: one at a time. */
static CRITICAL_SECTION modeless_cs;
static CRITICAL_SECTION_DEBUG modeless_cs_debug =
{
    0, 0, &modeless_cs,
    { &modeless_cs_debug.ProcessLocksList, &modeless_cs_debug.ProcessLocksList },
      0, 0, 0, 0, 0
};
static CRITICAL_SECTION modeless_cs = { &modeless_cs_debug, -1, 0, 0, 0, 0 };
static HANDLE modeless_event;
static LONG modeless_serial;
static HRESULT modeless_hr;

static void relay_init(HANDLE handle)
{
    modeless_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    channel = handle;
}

struct part
{
    const void *data;
    DWORD size;
};

/* One message from up to three parts. */
static void send_parts(DWORD type, const CLSID *handler, const struct part *parts, unsigned int count)
{
    struct wire_header header;
    DWORD size = 0;
    unsigned int i;
    BYTE *buffer;
    BOOL ok;

    for (i = 0; i < count; i++) size += parts[i].size;
    if (!(buffer = malloc(sizeof(header) + size)))
    {
        ERR("Out of memory for a message of %lu bytes; the session will see the worker end.\n", size);
        write_coverage();
        TerminateProcess(GetCurrentProcess(), 1);
    }
    header.type = type;
    header.size = size;
    header.handler = handler ? *handler : GUID_NULL;
    memcpy(buffer, &header, sizeof(header));
    for (i = 0, size = sizeof(header); i < count; i++)
    {
        if (parts[i].size) memcpy(buffer + size, parts[i].data, parts[i].size);
        size += parts[i].size;
    }
    EnterCriticalSection(&channel_cs);
    ok = wire_write(channel, buffer, size);
    LeaveCriticalSection(&channel_cs);
    free(buffer);
    if (ok) return;
    /* The session ended: what the handlers do now reaches nobody. */
    WARN("The session is gone (error %lu); ending.\n", GetLastError());
    write_coverage();
    TerminateProcess(GetCurrentProcess(), 1);
}

static void send_one(DWORD type, const CLSID *handler, const void *data, DWORD size)
{
    struct part part = { data, size };

    send_parts(type, handler, &part, 1);
}

static DWORD string_size(const WCHAR *str)
{
    return (wcslen(str) + 1) * sizeof(WCHAR);
}

static void relay_hello(void)
{
    DWORD pointer_size = sizeof(void *);

    send_one(WIRE_HELLO, NULL, &pointer_size, sizeof(pointer_size));
}

static void relay_done(void)
{
    send_one(WIRE_DONE, NULL, NULL, 0);
}

static void relay_answer(DWORD serial, unsigned int count)
{
    struct wire_answer answer = { serial, count };

    send_one(WIRE_ANSWER, NULL, &answer, sizeof(answer));
}

static void relay_name(const struct session *session, const struct handler_id *id,
        const WCHAR *name)
{
    send_one(WIRE_NAME, &id->clsid, name, string_size(name));
}

/* A Wine HICON is a handle of this process only: its pixels cross. */
static void relay_icon(const struct session *session, const struct handler_id *id, HICON icon)
{
    struct wire_icon size;
    struct part parts[2];
    BYTE *pixels;

    if (!icon || !(pixels = icon_to_pixels(icon, &size.width, &size.height))) return;
    TRACE("%s: icon of %lux%lu pixels, checksum %08lx.\n", debugstr_w(id->str),
          size.width,
          size.height, icon_checksum(pixels, size.width, size.height));
    parts[0].data = &size;
    parts[0].size = sizeof(size);
    parts[1].data = pixels;
    parts[1].size = size.width * size.height * 4;
    send_parts(WIRE_ICON, &id->clsid, parts, 2);
    free(pixels);
}

/* An item icon, at its index in the handler's table of them. */
static void relay_item_icon(const struct session *session, const struct handler_id *id,
        unsigned int index, HICON icon)
{
    struct wire_icon size;
    struct part parts[3];
    DWORD head = index;
    BYTE *pixels;

    if (!icon || !(pixels = icon_to_pixels(icon, &size.width, &size.height))) return;
    parts[0].data = &head;
    parts[0].size = sizeof(head);
    parts[1].data = &size;
    parts[1].size = sizeof(size);
    parts[2].data = pixels;
    parts[2].size = size.width * size.height * 4;
    send_parts(WIRE_ITEM_ICON, &id->clsid, parts, 3);
    free(pixels);
}

/* An item's status text, when it changed, at the pace of its progress. */
static void relay_text(const struct session *session, const struct handler_id *id,
        unsigned int index, const WCHAR *text)
{
    struct part parts[2];
    DWORD head = index;

    parts[0].data = &head;
    parts[0].size = sizeof(head);
    parts[1].data = text;
    parts[1].size = string_size(text);
    send_parts(WIRE_TEXT, &id->clsid, parts, 2);
}

/* EnableModeless(FALSE): the handler's window is gone. */
static void relay_modeless_end(const struct session *session, const struct handler_id *id)
{
    struct wire_modeless modeless = { FALSE };

    send_one(WIRE_MODELESS, &id->clsid, &modeless, sizeof(modeless));
}

/* EnableModeless(TRUE): the session decides, so that one handler of
 * either architecture at a time shows its window; S_FALSE when it said no
 * or did not answer in time. */
static HRESULT relay_ask_modeless(const struct session *session, const struct handler_id *id)
{
    struct wire_modeless modeless = { TRUE };
    HRESULT hr = S_FALSE;

    if (!modeless_event) return S_FALSE;
    EnterCriticalSection(&modeless_cs);
    ResetEvent(modeless_event);
    modeless_hr = S_FALSE;
    modeless.serial = InterlockedIncrement(&modeless_serial);
    send_one(WIRE_MODELESS, &id->clsid, &modeless, sizeof(modeless));
    if (!WaitForSingleObject(modeless_event, MODELESS_TIMEOUT)) hr = modeless_hr;
    else
    {
        /* Whatever it decides later is given back at once. */
        WARN("The session did not answer EnableModeless in time.\n");
        relay_modeless_end(session, id);
    }
    LeaveCriticalSection(&modeless_cs);
    return hr;
}

/* The session's answer, from the thread that reads what it sends; one
 * for a request that stopped waiting counts for nobody. */
static void relay_modeless_answer(DWORD serial, HRESULT hr)
{
    if (serial != (DWORD)InterlockedCompareExchange(&modeless_serial, 0, 0)) return;
    modeless_hr = hr;
    SetEvent(modeless_event);
}

static void relay_flags(const struct session *session, const struct handler_id *id, DWORD flags)
{
    send_one(WIRE_FLAGS, &id->clsid, &flags, sizeof(flags));
}

static void relay_state(const struct session *session, const struct handler_id *id,
        enum handler_state state)
{
    DWORD value = state;

    send_one(WIRE_STATE, &id->clsid, &value, sizeof(value));
}

static void relay_warning(const struct session *session, const struct handler_id *id,
        const WCHAR *text)
{
    send_one(WIRE_WARNING, &id->clsid, text, string_size(text));
}

/* The item table, in parts of ITEMS_PER_MESSAGE; the session takes it when
 * the last part is in. */
static void relay_items(const struct session *session, const struct handler_id *id,
        const struct item_info *items, unsigned int count)
{
    unsigned int first = 0, i, n;
    struct wire_item *batch;
    struct part parts[2];
    DWORD head[3];

    if (!(batch = calloc(min(max(count, 1), ITEMS_PER_MESSAGE), sizeof(*batch))))
    {
        ERR("Out of memory for the item table.\n");
        write_coverage();
        TerminateProcess(GetCurrentProcess(), 1);
    }
    do
    {
        n = min(count - first, ITEMS_PER_MESSAGE);
        for (i = 0; i < n; i++)
        {
            batch[i].id = items[first + i].id;
            lstrcpynW(batch[i].name, items[first + i].name, ARRAYSIZE(batch[i].name));
            batch[i].flags = items[first + i].flags;
            batch[i].last_update = items[first + i].last_update;
            batch[i].icon = items[first + i].icon;
            batch[i].checked = items[first + i].checked;
        }
        head[0] = count;
        head[1] = first;
        head[2] = n;
        parts[0].data = head;
        parts[0].size = sizeof(head);
        parts[1].data = batch;
        parts[1].size = n * sizeof(*batch);
        send_parts(WIRE_ITEMS, &id->clsid, parts, 2);
        first += n;
    } while (first < count);
    free(batch);
}

/* What the user's settings (or /item:) made of each item. */
static void relay_choice(const struct session *session, const struct handler_id *id,
        const BYTE *choice, unsigned int count)
{
    struct part parts[2];
    DWORD head = count;

    parts[0].data = &head;
    parts[0].size = sizeof(head);
    parts[1].data = choice;
    parts[1].size = count;
    send_parts(WIRE_CHOICE, &id->clsid, parts, 2);
}

/* The items whose status or progress changed, in messages of up to 256. */
static void relay_progress(const struct session *session, const struct handler_id *id,
        const struct item_progress *progress, unsigned int count)
{
    struct wire_progress batch[256];
    struct part parts[2];
    unsigned int i, n = 0;
    DWORD head;

    for (i = 0; i < count; i++)
    {
        batch[n].index = progress[i].index;
        batch[n].status = progress[i].status;
        batch[n].value = progress[i].value;
        batch[n].max = progress[i].max;
        if (++n < ARRAYSIZE(batch) && i + 1 < count) continue;
        head = n;
        parts[0].data = &head;
        parts[0].size = sizeof(head);
        parts[1].data = batch;
        parts[1].size = n * sizeof(*batch);
        send_parts(WIRE_PROGRESS, &id->clsid, parts, 2);
        n = 0;
    }
}

static void relay_log(const struct session *session, const struct handler_id *id, DWORD level,
        const struct log_entry *entry)
{
    struct wire_log log;
    struct part parts[2];

    log.level = level;
    log.flags = entry->flags;
    log.has_item = entry->has_item;
    log.id = entry->id;
    log.item = entry->item;
    parts[0].data = &log;
    parts[0].size = sizeof(log);
    parts[1].data = entry->text;
    parts[1].size = string_size(entry->text);
    send_parts(WIRE_LOG, &id->clsid, parts, 2);
}

static void relay_delete_log(const struct session *session, const struct handler_id *id,
        const GUID *entry)
{
    send_one(WIRE_DELETE_LOG, &id->clsid, entry, sizeof(*entry));
}

/* The handler is finished (no message) or failed: with every item's
 * status as the worker settled it, so that the session prints the same
 * results (an item skipped meanwhile, say). */
static void relay_end(const struct session *session, const struct handler_id *id,
        const struct handler_end *end)
{
    struct part parts[3];
    struct wire_end wire;

    wire.hr = end->hr;
    wire.show_code = end->show_code;
    wire.default_status = end->default_status;
    wire.skipped = end->skipped;
    wire.count = end->count;
    parts[0].data = &wire;
    parts[0].size = sizeof(wire);
    parts[1].data = end->statuses;
    parts[1].size = end->count * sizeof(*end->statuses);
    parts[2].data = end->message;
    parts[2].size = end->message ? string_size(end->message) : 0;
    send_parts(end->message ? WIRE_FAIL : WIRE_FINISH, &id->clsid, parts, 3);
}

/* A worker's sessions tell their session everything; the dialogs are
 * there, so nothing here watches the views. */
static const struct sink_ops relay_sink_ops =
{
    .name = relay_name,
    .icon = relay_icon,
    .flags = relay_flags,
    .item_icon = relay_item_icon,
    .state = relay_state,
    .items = relay_items,
    .choice = relay_choice,
    .progress = relay_progress,
    .text = relay_text,
    .log = relay_log,
    .delete_log = relay_delete_log,
    .warning = relay_warning,
    .modeless_end = relay_modeless_end,
    .ask_modeless = relay_ask_modeless,
    .end = relay_end,
};

/* The session's options from WIRE_SESSION; FALSE when they make no sense. */
static BOOL parse_session(const BYTE *data, DWORD size, struct session_options *options)
{
    struct wire_session head;
    DWORD need;

    if (size < sizeof(head)) return FALSE;
    memcpy(&head, data, sizeof(head));
    if ((head.mode != MODE_LIST && head.mode != MODE_SYNC && head.mode != MODE_CHOOSE)
            || !head.timeout
            || head.timeout > MAX_TIMEOUT || head.cookie_size > WIRE_MAX_MESSAGE
            || head.item_count > WIRE_MAX_MESSAGE / sizeof(GUID)
            || head.handler_count > WIRE_MAX_MESSAGE / sizeof(CLSID)
            || wcsnlen(head.choice_key, ARRAYSIZE(head.choice_key)) == ARRAYSIZE(head.choice_key))
        return FALSE;
    need = sizeof(head) + head.cookie_size + head.item_count * sizeof(GUID)
            + head.handler_count * sizeof(CLSID);
    if (size != need) return FALSE;
    memset(options, 0, sizeof(*options));
    options->mode = head.mode;
    options->flags = head.flags;
    options->timeout = head.timeout;
    options->show_errors = head.show_errors != 0;
    options->keep_handlers = head.keep_handlers != 0;
    options->choice_default = head.choice_default != 0;
    wcscpy(options->choice_key, head.choice_key);
    options->worker = TRUE;
    data += sizeof(head);
    options->cookie_size = head.cookie_size;
    options->cookie = head.cookie_size ? data : NULL;
    data += head.cookie_size;
    options->only_item_count = head.item_count;
    options->only_items = head.item_count ? (const GUID *)data : NULL;
    data += head.item_count * sizeof(GUID);
    options->only_handler_count = head.handler_count;
    options->only_handlers = head.handler_count ? (const CLSID *)data : NULL;
    return TRUE;
}

/* /skip and /stop from the session, until the session is gone. */
static DWORD WINAPI control_thread(void *pipe)
{
    struct handler_command command;
    struct wire_header header;
    struct wire_control control;
    struct wire_command wire;
    BYTE *data;

    while ((data = wire_read(pipe, &header)))
    {
        if (header.type == WIRE_CONTROL && header.size == sizeof(control))
        {
            memcpy(&control, data, sizeof(control));
            relay_answer(control.serial, session_request(control.action,
                         control.any_handler ? NULL : &control.handler, &control.item));
        }
        else if (header.type == WIRE_MODELESS_ANSWER && header.size == sizeof(struct wire_modeless_answer))
        {
            const struct wire_modeless_answer *answer = (const struct wire_modeless_answer *)data;

            relay_modeless_answer(answer->serial, answer->hr);
        }
        else if (header.type == WIRE_COMMAND && header.size == sizeof(wire))
        {
            memcpy(&wire, data, sizeof(wire));
            command.kind = wire.kind;
            command.window = (HWND)(ULONG_PTR)wire.window;
            command.item = wire.item;
            session_request_command(wire.any_handler ? NULL : &header.handler, &command,
                                    wire.keep_handlers != 0);
        }
        else WARN("Unexpected message %#lx.\n", header.type);
        free(data);
    }
    /* Nobody is left to work for. */
    TRACE("The session is gone; ending.\n");
    write_coverage();
    TerminateProcess(GetCurrentProcess(), 1);
    return 0;
}

/* The channel's two handles from "IN,OUT" (hexadecimal), which must be
 * pipes: FALSE when they are not. */
static BOOL parse_channel(const WCHAR *channel, HANDLE *in, HANDLE *out)
{
    const WCHAR *start = channel;
    WCHAR *end;

    *in = (HANDLE)(ULONG_PTR)wcstoull(start, &end, 16);
    if (end == start || *end != ',') return FALSE;
    start = end + 1;
    *out = (HANDLE)(ULONG_PTR)wcstoull(start, &end, 16);
    if (end == start || *end) return FALSE;
    /* Nothing the handlers start may hold the channel open. */
    return GetFileType(*in) == FILE_TYPE_PIPE && GetFileType(*out) == FILE_TYPE_PIPE
            && SetHandleInformation(*in, HANDLE_FLAG_INHERIT, 0)
            && SetHandleInformation(*out, HANDLE_FLAG_INHERIT, 0);
}

/* The first message of the channel, read on a thread of its own. */
struct first_message
{
    HANDLE in;
    struct wire_header header;
    BYTE *data;
};

static DWORD WINAPI first_message_thread(void *arg)
{
    struct first_message *first = arg;

    first->data = wire_read(first->in, &first->header);
    return 0;
}

/* The channel's first message, or NULL. A pipe that is not a manager's
 * channel, such as an inherited stdin nobody writes to, may never say a
 * thing: the worker does not wait for it for ever. */
static BYTE *read_first_message(HANDLE in, struct wire_header *header)
{
    /* Not on the stack: the thread may outlive this call. */
    static struct first_message first;
    HANDLE thread;

    first.in = in;
    if (!(thread = CreateThread(NULL, 0, first_message_thread, &first, 0, NULL))) return NULL;
    if (WaitForSingleObject(thread, SESSION_TIMEOUT))
    {
        /* The thread goes on reading: the caller ends the process. */
        WARN("No message in %u ms.\n", SESSION_TIMEOUT);
        CloseHandle(thread);
        return NULL;
    }
    CloseHandle(thread);
    *header = first.header;
    return first.data;
}

/* channel: "IN,OUT", the two inherited handles in hex. The switch is for
 * mobsync.exe's own use: anything but a channel whose first message is a
 * session ends it at once, said on stderr, with exit code 2. */
int run_worker(const WCHAR *channel)
{
    struct session_options options;
    struct session *session;
    struct wire_header header;
    HANDLE in, out, thread;
    BYTE *data;

    if (!parse_channel(channel, &in, &out))
    {
        WARN("%s is not a channel.\n", debugstr_w(channel));
        print_error(IDS_BAD_CHANNEL, channel);
        return 2;
    }
    relay_init(out);

    data = read_first_message(in, &header);
    if (!data || header.type != WIRE_SESSION || !parse_session(data, header.size, &options))
    {
        WARN("No session came through %s.\n", debugstr_w(channel));
        print_error(IDS_BAD_CHANNEL, channel);
        free(data);
        /* A thread may still be reading it. */
        write_coverage();
        TerminateProcess(GetCurrentProcess(), 2);
    }
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    session = session_create(&options);
    free(data);
    if (!session) return 1;
    session->sink.ops = &relay_sink_ops;
    TRACE("Running %u handlers, mode %u, flags %#lx.\n", session->options.only_handler_count,
          session->options.mode, session->options.flags);
    relay_hello();
    /* Requests are read once the session runs, to find it. */
    if (session_start(session))
    {
        if (!(thread = CreateThread(NULL, 0, control_thread, in, 0, NULL))) return 1;
        CloseHandle(thread);
        session_finish(session);
    }
    relay_done();
    /* Handlers given up on may still hold threads of ours: no unloading. */
    write_coverage();
    TerminateProcess(GetCurrentProcess(), 0);
    return 0;
}
