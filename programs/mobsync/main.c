/*
 * mobsync.exe: the Synchronization Manager's command line
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
#include <wchar.h>

#include "mobsync_private.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

static void print_usage(BOOL to_stderr)
{
    WCHAR usage[4096];
    char *utf8;
    DWORD written;
    int len;

    load_message(IDS_USAGE, usage, ARRAYSIZE(usage));
    len = WideCharToMultiByte(CP_UTF8, 0, usage, -1, NULL, 0, NULL, NULL);
    if (!(utf8 = malloc(len))) return;
    WideCharToMultiByte(CP_UTF8, 0, usage, -1, utf8, len, NULL, NULL);
    WriteFile(GetStdHandle(to_stderr ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE), utf8, len - 1,
              &written, NULL);
    free(utf8);
}

static void print_error(UINT id, const WCHAR *arg)
{
    WCHAR message[512];
    char utf8[1024];
    DWORD written;
    int len;

    format_message(message, ARRAYSIZE(message), id, arg);
    len = WideCharToMultiByte(CP_UTF8, 0, message, -1, utf8, sizeof(utf8), NULL, NULL);
    if (len > 1) WriteFile(GetStdHandle(STD_ERROR_HANDLE), utf8, len - 1, &written, NULL);
}

/* "/name:value", "-name=value" or "/name"; the name is matched without case. */
static BOOL parse_switch(const WCHAR *arg, WCHAR *name, unsigned int size, const WCHAR **value)
{
    unsigned int len;

    if (arg[0] != '/' && arg[0] != '-') return FALSE;
    arg++;
    len = wcscspn(arg, L":=");
    if (!len || len >= size) return FALSE;
    memcpy(name, arg, len * sizeof(WCHAR));
    name[len] = 0;
    *value = arg[len] ? arg + len + 1 : NULL;
    return TRUE;
}

static BOOL add_guid(GUID **list, unsigned int *count, const WCHAR *value)
{
    GUID *new_list, guid;

    if (!value || !string_to_guid(value, &guid)) return FALSE;
    if (!(new_list = realloc(*list, (*count + 1) * sizeof(*new_list)))) return FALSE;
    new_list[(*count)++] = guid;
    *list = new_list;
    return TRUE;
}

/* mobsync /skip and /stop: a request to the running synchronizations. */
static int run_control(enum control_action action, const GUID *handlers, unsigned int handler_count,
        const GUID *item)
{
    unsigned int sessions;
    WCHAR item_str[39];

    if (control_send(action, handlers, handler_count, item, &sessions)) return 0;
    if (!sessions) print_error(IDS_NO_SESSION, NULL);
    else if (action == CONTROL_SKIP)
    {
        guid_to_string(item, item_str);
        print_error(IDS_NOTHING_TO_SKIP, item_str);
    }
    else print_error(IDS_NOTHING_TO_STOP, NULL);
    return 1;
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    struct session session = { 0 }, *run;
    GUID *handlers = NULL, *items = NULL;
    unsigned int handler_count = 0, item_count = 0;
    BOOL have_command = FALSE, invoke = FALSE, session_options = FALSE;
    enum control_action control = 0;
    GUID skip_item = GUID_NULL;
    const WCHAR *value;
    WCHAR name[32], *end;
    unsigned long seconds;
    int i, ret;

    output_init();
    guard_init();

    /* Run without a switch, a person started it: handlers may ask questions. */
    session.mode = MODE_SYNC;
    session.flags = SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER;
    session.timeout = DEFAULT_TIMEOUT;

    for (i = 1; i < argc; i++)
    {
        TRACE("argument %s\n", debugstr_w(argv[i]));
        if (!parse_switch(argv[i], name, ARRAYSIZE(name), &value))
        {
            print_error(IDS_BAD_SWITCH, argv[i]);
            print_usage(TRUE);
            return 2;
        }
        if (!wcsicmp(name, L"?") || !wcsicmp(name, L"help"))
        {
            print_usage(FALSE);
            return 0;
        }
        if (!wcsicmp(name, L"handler"))
        {
            if (!add_guid(&handlers, &handler_count, value)) goto bad_value;
            continue;
        }
        if (!wcsicmp(name, L"item"))
        {
            if (!add_guid(&items, &item_count, value)) goto bad_value;
            session_options = TRUE;
            continue;
        }
        if (!wcsicmp(name, L"timeout"))
        {
            if (!value || !*value) goto bad_value;
            seconds = wcstoul(value, &end, 10);
            if (*end || !seconds || seconds > MAX_TIMEOUT) goto bad_value;
            session.timeout = seconds;
            session_options = TRUE;
            continue;
        }
        if (!wcsicmp(name, L"showerrors") && !value)
        {
            session.show_errors = TRUE;
            session_options = TRUE;
            continue;
        }
        if (!wcsicmp(name, L"embedding") || !wcsicmp(name, L"invoke"))
        {
            invoke = TRUE;
            continue;
        }

        /* The commands: one at most. */
        if (have_command) goto bad_switch;
        have_command = TRUE;
        session.event_filter = FALSE;
        if (!wcsicmp(name, L"list") && !value)
        {
            session.mode = MODE_LIST;
            session.flags = SYNCMGRFLAG_MANUAL;
        }
        else if (!wcsicmp(name, L"sync") && !value)
            session.flags = SYNCMGRFLAG_MANUAL;
        else if (!wcsicmp(name, L"logon") && !value)
        {
            session.flags = SYNCMGRFLAG_CONNECT;
            session.event_filter = TRUE;
            session.event_register_flag = SYNCMGRREGISTERFLAG_CONNECT;
        }
        else if (!wcsicmp(name, L"logoff") && !value)
        {
            /* What Windows' SENS runs at logoff. */
            session.flags = SYNCMGRFLAG_PENDINGDISCONNECT;
            session.event_filter = TRUE;
            session.event_register_flag = SYNCMGRREGISTERFLAG_PENDINGDISCONNECT;
        }
        else if (!wcsicmp(name, L"idle") && !value)
        {
            session.flags = SYNCMGRFLAG_IDLE;
            session.event_filter = TRUE;
            session.event_register_flag = SYNCMGRREGISTERFLAG_IDLE;
        }
        else if (!wcsicmp(name, L"schedule") && value && *value)
        {
            TRACE("Scheduled synchronization %s.\n", debugstr_w(value));
            session.flags = SYNCMGRFLAG_SCHEDULED;
        }
        else if (!wcsicmp(name, L"skip"))
        {
            if (!value || !string_to_guid(value, &skip_item)) goto bad_value;
            control = CONTROL_SKIP;
        }
        else if (!wcsicmp(name, L"stop") && !value)
            control = CONTROL_STOP;
        else goto bad_switch;
    }

    if (control)
    {
        if (invoke || session_options)
        {
            print_error(IDS_CONTROL_OPTIONS, NULL);
            print_usage(TRUE);
            free(handlers);
            free(items);
            return 2;
        }
        ret = run_control(control, handlers, handler_count, &skip_item);
        free(handlers);
        return ret;
    }

    if (invoke)
    {
        if (have_command || handler_count || item_count) goto bad_switch_invoke;
        CoInitializeEx(NULL, COINIT_MULTITHREADED);
        ret = run_invoke_server();
        CoUninitialize();
        return ret;
    }

    session.only_handlers = handlers;
    session.only_handler_count = handler_count;
    session.only_items = items;
    session.only_item_count = item_count;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if ((run = session_create(&session)))
    {
        ret = run_session(run);
        session_release(run);
    }
    else ret = 1;
    /* Handlers given up on may still hold threads of ours: leave at once
     * rather than wait on them while unloading. */
    CoUninitialize();
    free(handlers);
    free(items);
    ExitProcess(ret);

bad_switch_invoke:
    print_error(IDS_BAD_SWITCH, L"/invoke");
    print_usage(TRUE);
    return 2;
bad_switch:
    print_error(IDS_BAD_SWITCH, argv[i]);
    print_usage(TRUE);
    return 2;
bad_value:
    print_error(IDS_BAD_VALUE, argv[i]);
    print_usage(TRUE);
    return 2;
}
