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

    load_message(IDS_USAGE, usage, ARRAYSIZE(usage));
    output_write(GetStdHandle(to_stderr ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE), usage);
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

/* What the command line asks for. */
struct command
{
    struct session_options options; /* for a session */
    GUID *handlers, *items;  /* /handler:, /item: */
    unsigned int handler_count, item_count;
    BOOL have_command, invoke, session_options;
    const WCHAR *worker;     /* /worker:IN,OUT, from another mobsync.exe */
    const WCHAR *window;     /* /window:PATH, a request the /invoke server handed over */
    const WCHAR *schedule;   /* /schedule:NAME */
    const WCHAR *event;      /* the event's switch, as given */
    enum control_action control;
    GUID skip_item;
    BOOL setup;              /* /setup: Synchronization Settings */
    int agent;               /* /agent: 1, the agent; 2, /agent:stop */
    BOOL autorun;            /* /autorun */
    BOOL check;              /* /check:{CLSID} */
    CLSID check_clsid;
    BOOL tap;                /* /format:tap */
    BOOL timeout_given;      /* /timeout: */
};

/* A switch that sets the command (one at most); FALSE if it is none. */
static BOOL parse_command(struct command *cmd, const WCHAR *name, const WCHAR *value)
{
    struct session_options *options = &cmd->options;

    options->event_filter = FALSE;
    if (!wcsicmp(name, L"list") && !value)
    {
        options->mode = MODE_LIST;
        options->flags = SYNCMGRFLAG_MANUAL;
    }
    else if (!wcsicmp(name, L"sync") && !value)
        options->flags = SYNCMGRFLAG_MANUAL;
    else if (!wcsicmp(name, L"logon") && !value)
    {
        options->flags = SYNCMGRFLAG_CONNECT;
        options->event_filter = TRUE;
        options->event_register_flag = SYNCMGRREGISTERFLAG_CONNECT;
        settings_event(options, options->event_register_flag);
    }
    else if (!wcsicmp(name, L"logoff") && !value)
    {
        /* What Windows' SENS runs at logoff. */
        options->flags = SYNCMGRFLAG_PENDINGDISCONNECT;
        options->event_filter = TRUE;
        options->event_register_flag = SYNCMGRREGISTERFLAG_PENDINGDISCONNECT;
        settings_event(options, options->event_register_flag);
    }
    else if (!wcsicmp(name, L"idle") && !value)
    {
        options->flags = SYNCMGRFLAG_IDLE;
        options->event_filter = TRUE;
        options->event_register_flag = SYNCMGRREGISTERFLAG_IDLE;
        settings_event(options, options->event_register_flag);
    }
    else if (!wcsicmp(name, L"schedule") && value && *value)
    {
        TRACE("Scheduled synchronization %s.\n", debugstr_w(value));
        options->flags = SYNCMGRFLAG_SCHEDULED;
        /* Its items are those it names; checked when it runs. */
        cmd->schedule = value;
    }
    else if (!wcsicmp(name, L"setup") && !value)
        cmd->setup = TRUE;
    else if (!wcsicmp(name, L"agent") && (!value || !wcsicmp(value, L"stop")))
        cmd->agent = value ? 2 : 1;
    else if (!wcsicmp(name, L"autorun") && !value)
        cmd->autorun = TRUE;
    else if (!wcsicmp(name, L"check") && value && string_to_guid(value, &cmd->check_clsid))
        cmd->check = TRUE;
    else if (!wcsicmp(name, L"skip") && value && string_to_guid(value, &cmd->skip_item))
        cmd->control = CONTROL_SKIP;
    else if (!wcsicmp(name, L"stop") && !value)
        cmd->control = CONTROL_STOP;
    else
        return FALSE;
    return TRUE;
}

/* Reads the arguments into cmd. 0 when they make a command; otherwise what
 * mobsync exits with (0 after /?, 2 after a bad one, said on stderr). */
static int parse_arguments(int argc, WCHAR *argv[], struct command *cmd)
{
    const WCHAR *value;
    WCHAR name[32], *end;
    unsigned long seconds;
    int i;

    /* Run without a switch, a person started it: handlers may ask questions. */
    cmd->options.mode = MODE_SYNC;
    cmd->options.flags = SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER;
    cmd->options.timeout = DEFAULT_TIMEOUT;

    for (i = 1; i < argc; i++)
    {
        TRACE("argument %s\n", debugstr_w(argv[i]));
        if (!parse_switch(argv[i], name, ARRAYSIZE(name), &value)) goto bad_switch;
        if (!wcsicmp(name, L"?") || !wcsicmp(name, L"help"))
        {
            print_usage(FALSE);
            return -1;
        }
        if (!wcsicmp(name, L"handler"))
        {
            if (!add_guid(&cmd->handlers, &cmd->handler_count, value)) goto bad_value;
        }
        else if (!wcsicmp(name, L"item"))
        {
            if (!add_guid(&cmd->items, &cmd->item_count, value)) goto bad_value;
            cmd->session_options = TRUE;
        }
        else if (!wcsicmp(name, L"timeout"))
        {
            if (!value || !*value) goto bad_value;
            seconds = wcstoul(value, &end, 10);
            if (*end || !seconds || seconds > MAX_TIMEOUT) goto bad_value;
            cmd->options.timeout = seconds;
            cmd->session_options = TRUE;
            cmd->timeout_given = TRUE;
        }
        else if (!wcsicmp(name, L"showerrors") && !value)
        {
            cmd->options.show_errors = TRUE;
            cmd->session_options = TRUE;
        }
        else if (!wcsicmp(name, L"embedding") || !wcsicmp(name, L"invoke"))
            cmd->invoke = TRUE;
        else if (!wcsicmp(name, L"arch") && !value)
            cmd->options.show_arch = TRUE;
        else if (!wcsicmp(name, L"format"))
        {
            if (!value || wcsicmp(value, L"tap")) goto bad_value;
            cmd->tap = TRUE;
        }
        else if (!wcsicmp(name, L"worker") && value && argc == 2)
            cmd->worker = value;
        else if (!wcsicmp(name, L"window") && value && *value && argc == 2)
            cmd->window = value;
        else
        {
            /* The commands: one at most. */
            if (cmd->have_command) goto bad_switch;
            cmd->have_command = TRUE;
            cmd->event = argv[i];
            if (parse_command(cmd, name, value)) continue;
            if (!wcsicmp(name, L"skip") || !wcsicmp(name, L"check")) goto bad_value;
            goto bad_switch;
        }
    }
    if (cmd->control && (cmd->invoke || cmd->session_options))
    {
        print_error(IDS_CONTROL_OPTIONS, NULL);
        print_usage(TRUE);
        return 2;
    }
    if (cmd->invoke && (cmd->have_command || cmd->handler_count || cmd->item_count))
    {
        print_error(IDS_BAD_SWITCH, L"/invoke");
        print_usage(TRUE);
        return 2;
    }
    if (cmd->options.show_arch && (cmd->options.mode != MODE_LIST || cmd->invoke))
    {
        print_error(IDS_BAD_SWITCH, L"/arch");
        print_usage(TRUE);
        return 2;
    }
    if ((cmd->agent || cmd->autorun) && (cmd->invoke || cmd->session_options || cmd->handler_count))
    {
        print_error(IDS_BAD_SWITCH, cmd->event);
        print_usage(TRUE);
        return 2;
    }
    /* /check takes /item:, /timeout: and /format: only; /format: goes with it alone. */
    if ((cmd->check && (cmd->invoke || cmd->handler_count || cmd->options.show_errors || cmd->options.show_arch))
            || (cmd->tap && !cmd->check))
    {
        print_error(IDS_BAD_SWITCH, cmd->check ? cmd->event : L"/format");
        print_usage(TRUE);
        return 2;
    }
    if (cmd->schedule && !settings_schedule(&cmd->options, cmd->schedule))
    {
        print_error(IDS_NO_SCHEDULE, cmd->schedule);
        return 2;
    }
    return 0;

bad_switch:
    print_error(IDS_BAD_SWITCH, argv[i]);
    print_usage(TRUE);
    return 2;
bad_value:
    print_error(IDS_BAD_VALUE, argv[i]);
    print_usage(TRUE);
    return 2;
}

/* /sync, /list, an event: one session, then the process ends. */
static int run_command_session(struct command *cmd)
{
    struct session *session;
    int ret = 1;

    cmd->options.only_handlers = cmd->handlers;
    cmd->options.only_handler_count = cmd->handler_count;
    cmd->options.only_items = cmd->items;
    cmd->options.only_item_count = cmd->item_count;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (cmd->options.event_register_flag == SYNCMGRREGISTERFLAG_IDLE) idle_watch_start();
    if ((session = session_create(&cmd->options)))
    {
        ret = run_session(session);
        session_release(session);
    }
    /* Handlers given up on may still hold threads of ours: leave at once
     * rather than wait on them while unloading. */
    CoUninitialize();
    write_coverage();
    ExitProcess(ret);
}

/* Plain mobsync: Items to Synchronize, and what the person chose; without
 * a display, what /sync does. */
static int run_choice_command(struct command *cmd)
{
    BOOL shown, gave_up;
    int ret;

    cmd->options.only_handlers = cmd->handlers;
    cmd->options.only_handler_count = cmd->handler_count;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ret = run_choice(&cmd->options, FALSE, &shown, &gave_up);
    if (!shown) run_command_session(cmd);
    CoUninitialize();
    write_coverage();
    ExitProcess(ret);
}

/* mobsync /autorun: what a packager runs after writing the settings with
 * reg add, as Synchronization Settings does when it saves: a prefix start
 * runs mobsync /logon from now on only if something is set up. */
static int run_autorun(void)
{
    BOOL needed;

    if (!autorun_update(&needed))
    {
        print_error(IDS_AUTORUN_FAILED, NULL);
        return 1;
    }
    print_message(needed ? IDS_AUTORUN_ON : IDS_AUTORUN_OFF, NULL);
    return 0;
}

/* An event or a schedule: nothing to do when Synchronization Settings
 * chose nothing for it (said in one line); with "Ask me" (logon, logoff)
 * Items to Synchronize first, the chosen items checked, unless the command
 * line says how to run (/item:, /timeout:, /showerrors), as the agent's
 * logoff run does. The logon run starts the agent when the settings need
 * it: it is what a prefix start runs. */
static int run_event_command(struct command *cmd)
{
    struct registration *list;
    unsigned int count = 0;

    if (cmd->options.event_register_flag == SYNCMGRREGISTERFLAG_CONNECT) agent_start_if_needed();

    cmd->options.only_handlers = cmd->handlers;
    cmd->options.only_handler_count = cmd->handler_count;
    if (!settings_event_on(&cmd->options))
    {
        TRACE("%s is turned off.\n", debugstr_w(cmd->options.choice_key));
        print_message(IDS_EVENT_OFF, cmd->event);
        return 0;
    }
    if (SUCCEEDED(read_registrations(&cmd->options, &list, &count))) free(list);
    if (!count)
    {
        TRACE("Nothing chosen in %s.\n", debugstr_w(cmd->options.choice_key));
        print_message(IDS_NOTHING_CHOSEN, cmd->event);
        return 0;
    }
    if (!cmd->session_options && cmd->options.event_filter
            && cmd->options.event_register_flag != SYNCMGRREGISTERFLAG_IDLE
            && settings_ask(&cmd->options) && choice_wanted())
    {
        cmd->options.flags |= SYNCMGRFLAG_MAYBOTHERUSER;
        return run_choice_command(cmd);
    }
    return run_command_session(cmd);
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    struct command cmd = { { 0 } };
    int ret;

    output_init();
    guard_init();

    if ((ret = parse_arguments(argc, argv, &cmd)))
        ret = ret < 0 ? 0 : ret;
    else if (cmd.worker)
        ret = run_worker(cmd.worker);
    else if (cmd.window)
        ret = run_window_request(cmd.window);
    else if (cmd.control)
        ret = run_control(cmd.control, cmd.handlers, cmd.handler_count, &cmd.skip_item);
    else if (cmd.agent == 1)
        ret = run_agent();
    else if (cmd.agent == 2)
        ret = stop_agent();
    else if (cmd.autorun)
        ret = run_autorun();
    else if (cmd.check)
    {
        CoInitializeEx(NULL, COINIT_MULTITHREADED);
        ret = run_check(&cmd.check_clsid, cmd.items, cmd.item_count, cmd.timeout_given ? cmd.options.timeout : 0,
                        cmd.tap);
        /* Handlers given up on may still hold threads of ours: leave at once. */
        write_coverage();
        ExitProcess(ret);
    }
    else if (cmd.setup)
    {
        cmd.options.only_handlers = cmd.handlers;
        cmd.options.only_handler_count = cmd.handler_count;
        CoInitializeEx(NULL, COINIT_MULTITHREADED);
        ret = run_setup(&cmd.options);
        CoUninitialize();
    }
    else if (cmd.invoke)
    {
        CoInitializeEx(NULL, COINIT_MULTITHREADED);
        ret = run_invoke_server();
        CoUninitialize();
    }
    else if (!cmd.have_command && !cmd.item_count && choice_wanted())
        ret = run_choice_command(&cmd);
    else if (cmd.options.choice_key[0])
        ret = run_event_command(&cmd);
    else ret = run_command_session(&cmd);
    free(cmd.handlers);
    free(cmd.items);
    return ret;
}
