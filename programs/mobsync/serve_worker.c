/*
 * mobsync.exe /worker: the other architecture's half of a session
 *
 * Started by a mobsync.exe of the other architecture (worker.c) with the
 * two ends of its channel. Reads the session it is to run, runs it for the
 * handlers named with the same engine as any session, but sends what they
 * do (relay.c) rather than printing it, and takes /skip and /stop from the
 * channel meanwhile. Ends when the session is over, or at once when the
 * manager that started it is gone.
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
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* The session's options from WIRE_SESSION; FALSE when they make no sense. */
static BOOL parse_session(const BYTE *data, DWORD size, struct session *options)
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
    TerminateProcess(GetCurrentProcess(), 1);
    return 0;
}

/* channel: "IN,OUT", the two inherited handles in hex. */
int run_worker(const WCHAR *channel)
{
    struct session options, *session;
    struct wire_header header;
    HANDLE in, out, thread;
    WCHAR *end;
    BYTE *data;

    if (!channel) return 2;
    in = (HANDLE)(ULONG_PTR)wcstoull(channel, &end, 16);
    if (*end != ',') return 2;
    out = (HANDLE)(ULONG_PTR)wcstoull(end + 1, &end, 16);
    if (*end) return 2;
    /* Nothing the handlers start may hold the channel open. */
    if (!SetHandleInformation(in, HANDLE_FLAG_INHERIT, 0)
            || !SetHandleInformation(out, HANDLE_FLAG_INHERIT, 0))
        return 2;
    relay_init(out);

    if (!(data = wire_read(in, &header))) return 1;
    if (header.type != WIRE_SESSION || !parse_session(data, header.size, &options))
    {
        ERR("Not a session.\n");
        free(data);
        return 2;
    }
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    session = session_create(&options);
    free(data);
    if (!session) return 1;
    TRACE("Running %u handlers, mode %u, flags %#lx.\n", session->only_handler_count,
          session->mode, session->flags);
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
    TerminateProcess(GetCurrentProcess(), 0);
    return 0;
}
