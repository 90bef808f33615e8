/*
 * mobsync.exe /agent: the automatic runs of a Wine prefix
 *
 * Windows started the logon run from Winlogon's Run value, the logoff run
 * from SENS, the idle runs from an idle detector and the schedules from the
 * Task Scheduler. A Wine prefix has none of them (docs/events.md), so one
 * resident mobsync.exe per prefix and user does their work: a hidden
 * top-level window that wineboot --end-session asks WM_QUERYENDSESSION,
 * which runs the logoff items before it answers; a timer for the idle runs
 * and for the schedules. It is a Wine system process, so that it never
 * keeps the prefix up (wineserver -w returns): it ends with the last program
 * of the prefix, when nothing needs it any more, and on mobsync /agent:stop.
 *
 * Each idle or scheduled run is a mobsync.exe of its own (/idle,
 * /schedule:NAME), so that a handler given up on never stays in the agent.
 * The idle run watches for input itself and stops its handlers through
 * Progress when it comes.
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
#include "schedules.h"
#include "resource.h"
#include "winternl.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

#define AGENT_NEEDS_LOGOFF    0x1
#define AGENT_NEEDS_IDLE      0x2
#define AGENT_NEEDS_SCHEDULES 0x4

/* The agent looks again at least once a minute: the clock may have been
 * changed, the machine may have slept. */
#define AGENT_MAX_WAIT 60000

/* Test hooks (docs/events.md): the idle threshold in seconds instead of
 * the setting's minutes, and a power status that says "on battery". */
#define AGENT_IDLE_SECONDS_VARIABLE L"MOBSYNC_TEST_IDLE_SECONDS"
#define AGENT_ON_BATTERY_VARIABLE   L"MOBSYNC_TEST_ON_BATTERY"

/* The idle runs: one at a time, the first after WaitMinutes without input,
 * then every RepeatMinutes while there is still none. */
struct agent_idle
{
    DWORD seen;            /* the time of the last input GetLastInputInfo gave */
    DWORD input;           /* when the idle time counted began: that input, or
                              when the agent started if none came since */
    unsigned int runs;     /* runs started since then */
    DWORD last_start;      /* tick count of the last one */
    HANDLE process;        /* the /idle run, while it runs */
};

/* How often an idle run looks for input. */
#define IDLE_WATCH_MS 250

/* Whether Synchronization Settings chose any item for the event or
 * schedule whose choice the options name. */
static BOOL chosen(const struct session_options *options)
{
    struct registration *list;
    unsigned int count = 0;

    if (SUCCEEDED(read_registrations(options, &list, &count))) free(list);
    return count != 0;
}

static BOOL agent_event_chosen(DWORD register_flag)
{
    struct session_options options = { 0 };

    options.event_filter = TRUE;
    options.event_register_flag = register_flag;
    settings_event(&options, register_flag);
    return settings_event_on(&options) && chosen(&options);
}

static BOOL agent_schedule_chosen(const WCHAR *name)
{
    struct session_options options = { 0 };

    return settings_schedule(&options, name) && chosen(&options);
}

/* Starts a run: what it prints goes to <Local AppData>\mobsync\KIND.txt,
 * for the person to read (docs/events.md). */
static BOOL agent_spawn_run(const WCHAR *args, const WCHAR *kind, HANDLE *process)
{
    WCHAR path[MAX_PATH];

    return spawn_mobsync(args, spawn_output_path(kind, path, ARRAYSIZE(path)) ? path : NULL, process);
}

struct idle_settings
{
    DWORD wait_ms, repeat_ms;
    BOOL prevent_on_battery;
};

/* The On Idle settings (docs/registry.md); FALSE when idle runs are off or
 * have no item chosen. */
static BOOL read_idle_settings(struct idle_settings *settings)
{
    WCHAR key[MAX_PATH], text[16];

    swprintf(key, ARRAYSIZE(key), L"%ls\\Idle", MOBSYNC_EVENTS_KEY);
    if (!settings_read_value(key, L"Enabled", 1)) return FALSE;
    settings->wait_ms = min(settings_read_value(key, L"WaitMinutes", 15), 24 * 60) * 60000;
    settings->repeat_ms = min(settings_read_value(key, L"RepeatMinutes", 60), 24 * 60) * 60000;
    settings->prevent_on_battery = settings_read_value(key, L"PreventOnBattery", 1) != 0;
    if (GetEnvironmentVariableW(AGENT_IDLE_SECONDS_VARIABLE, text, ARRAYSIZE(text))
            && wcstoul(text, NULL, 10))
        settings->wait_ms = min(wcstoul(text, NULL, 10), 24 * 3600) * 1000;
    if (!settings->wait_ms) return FALSE;
    return agent_event_chosen(SYNCMGRREGISTERFLAG_IDLE);
}

static BOOL agent_idle_wanted(void)
{
    struct idle_settings settings;

    return read_idle_settings(&settings);
}

static void agent_idle_init(struct agent_idle *idle)
{
    LASTINPUTINFO info = { sizeof(info) };

    memset(idle, 0, sizeof(*idle));
    if (GetLastInputInfo(&info)) idle->seen = info.dwTime;
    idle->input = GetTickCount();
}

static BOOL on_battery(void)
{
    SYSTEM_POWER_STATUS status;
    WCHAR text[4];

    if (GetEnvironmentVariableW(AGENT_ON_BATTERY_VARIABLE, text, ARRAYSIZE(text))) return text[0] == '1';
    return GetSystemPowerStatus(&status) && status.ACLineStatus == 0;
}

/* Starts an idle run when its time has come; gives how long until it may
 * have to look again (INFINITE while the run runs: the agent waits on it). */
static DWORD agent_idle_check(struct agent_idle *idle)
{
    LASTINPUTINFO info = { sizeof(info) };
    struct idle_settings settings;
    DWORD now, due;

    if (idle->process)
    {
        if (WaitForSingleObject(idle->process, 0) == WAIT_TIMEOUT) return INFINITE;
        TRACE("The idle run has ended.\n");
        CloseHandle(idle->process);
        idle->process = NULL;
    }
    if (!read_idle_settings(&settings) || !GetLastInputInfo(&info)) return INFINITE;
    now = GetTickCount();
    if (info.dwTime != idle->seen)
    {
        TRACE("Input at %lu: the idle time begins again.\n", info.dwTime);
        idle->seen = idle->input = info.dwTime;
        idle->runs = 0;
    }
    if (!idle->runs) due = idle->input + settings.wait_ms;
    else if (!settings.repeat_ms) return AGENT_MAX_WAIT; /* until there is input */
    else due = idle->last_start + settings.repeat_ms;
    if ((LONG)(due - now) > 0) return due - now;
    if (settings.prevent_on_battery && on_battery())
    {
        TRACE("Idle, but on battery.\n");
        return AGENT_MAX_WAIT;
    }
    TRACE("Idle for %lu ms: starting idle run %u.\n", now - idle->input, idle->runs + 1);
    if (!agent_spawn_run(L"/idle", L"idle", &idle->process)) return AGENT_MAX_WAIT;
    idle->runs++;
    idle->last_start = now;
    return INFINITE;
}

static void agent_idle_end(struct agent_idle *idle)
{
    if (idle->process) CloseHandle(idle->process);
    idle->process = NULL;
}

/* Goes through the schedules that have items chosen: with start set, runs
 * those due; gives whether any is still to run, and in *wait how long until
 * the next is due. */
static BOOL scan_schedules(BOOL start, DWORD *wait)
{
    ULONGLONG now = current_time(), due, next;
    WCHAR args[2 * MOBSYNC_MAX_SCHEDULE_NAME + 16], *p;
    struct schedule *list;
    unsigned int i, count;
    const WCHAR *c;
    BOOL wanted = FALSE;

    *wait = INFINITE;
    list = schedule_read_all(&count);
    for (i = 0; i < count; i++)
    {
        struct schedule *schedule = &list[i];

        if (!agent_schedule_chosen(schedule->name)) continue;
        /* Written without a Start (by hand, say): it starts now, for good. */
        if (start && !schedule->has_start)
        {
            TRACE("Schedule %s has no Start: from now.\n", debugstr_w(schedule->name));
            if (schedule_write_start(schedule)) schedule->last_run = now;
        }
        if (schedule_due(schedule, now, &due))
        {
            wanted = TRUE;
            /* Marked first: a run that fails or is cut short is not repeated. */
            if (start && schedule_mark_run(schedule->name, due))
            {
                p = args + swprintf(args, ARRAYSIZE(args), L"\"/schedule:");
                for (c = schedule->name; *c; c++)
                {
                    if (*c == '"') *p++ = '\\';
                    *p++ = *c;
                }
                wcscpy(p, L"\"");
                TRACE("Schedule %s is due.\n", debugstr_w(schedule->name));
                agent_spawn_run(args, L"schedule", NULL);
            }
        }
        if (schedule_next(schedule, now, &next))
        {
            wanted = TRUE;
            /* Rounded up: woken a little early, it would find nothing due. */
            *wait = min(*wait, (DWORD)min((next - now + 9999) / 10000, AGENT_MAX_WAIT));
        }
    }
    free(list);
    return wanted;
}

static BOOL agent_schedules_wanted(void)
{
    DWORD wait;

    return scan_schedules(FALSE, &wait);
}

/* Starts the scheduled runs that are due; gives how long until the next. */
static DWORD agent_schedules_check(void)
{
    DWORD wait;

    scan_schedules(TRUE, &wait);
    return wait;
}

static DWORD WINAPI watch_input(void *arg)
{
    LASTINPUTINFO info = { sizeof(info) };
    DWORD start;

    if (!GetLastInputInfo(&info)) return 0;
    start = info.dwTime;
    do
    {
        Sleep(IDLE_WATCH_MS);
        if (!GetLastInputInfo(&info)) return 0;
    } while (info.dwTime == start);
    TRACE("Input: stopping the idle run.\n");
    /* Until the session has handlers to tell; the process ends with it. */
    while (!session_request(CONTROL_STOP, NULL, NULL)) Sleep(IDLE_WATCH_MS);
    return 0;
}

/* mobsync /idle: input ends the idle time, and the run with it. */
void idle_watch_start(void)
{
    HANDLE thread;

    if ((thread = CreateThread(NULL, 0, watch_input, NULL, 0, NULL))) CloseHandle(thread);
}

/* Named objects are per wineserver, that is per prefix and user. The agent
 * owns the mutex as long as it runs. */
#define AGENT_MUTEX      L"Local\\mobsync.agent"
#define AGENT_STOP_EVENT L"Local\\mobsync.agent.stop"
#define AGENT_CLASS      L"mobsync.agent"

/* Wine's own information class: the process stops counting as one that
 * keeps the prefix up, and is given an event that is set when the last
 * process that does has ended. Windows refuses it. */
#define WINE_MAKE_PROCESS_SYSTEM 1000

/* Wine's end session gives each process 5 s to answer WM_QUERYENDSESSION
 * before it offers to end it (programs/wineboot/shutdown.c): the logoff
 * run's time limit is 4 s (Progress answers S_SYNCMGR_CANCELALL after 3),
 * and the agent answers at the latest 4.8 s after it was asked. */
#define LOGOFF_TIMEOUT   4
#define LOGOFF_WAIT      4800

struct agent
{
    HWND window;
    HANDLE system_event;   /* Wine: the last program of the prefix has ended */
    HANDLE stop_event;     /* mobsync /agent:stop */
    HANDLE changed_event;  /* the settings changed */
    HKEY settings;
    BOOL ended;            /* WM_ENDSESSION: the session is over */
    struct agent_idle idle;
};

/* What the agent has to do: the logoff run, idle runs, a schedule that is
 * still to run. 0: nothing, it need not run. */
static DWORD agent_needs(void)
{
    DWORD needs = 0;

    if (agent_event_chosen(SYNCMGRREGISTERFLAG_PENDINGDISCONNECT)) needs |= AGENT_NEEDS_LOGOFF;
    if (agent_idle_wanted()) needs |= AGENT_NEEDS_IDLE;
    if (agent_schedules_wanted()) needs |= AGENT_NEEDS_SCHEDULES;
    TRACE("needs %#lx\n", needs);
    return needs;
}

/* What mobsync /logon and Synchronization Settings do: start the agent if
 * the settings need it and none runs. Costs a few registry reads when
 * nothing is configured. */
void agent_start_if_needed(void)
{
    HANDLE mutex;

    if ((mutex = OpenMutexW(SYNCHRONIZE, FALSE, AGENT_MUTEX)))
    {
        TRACE("The agent runs already.\n");
        CloseHandle(mutex);
        return;
    }
    if (agent_needs()) spawn_mobsync(L"/agent", NULL, NULL);
}

/* Keeps the values that make a prefix start run mobsync /logon in step with
 * the settings: there while the logon run has items or the agent has
 * something to do, gone when nothing is left (docs/events.md), so that a
 * prefix where nothing is set up starts no mobsync at all. *needed says
 * which; FALSE when the values could not be changed. */
BOOL autorun_update(BOOL *needed)
{
    *needed = agent_event_chosen(SYNCMGRREGISTERFLAG_CONNECT) || agent_needs();
    TRACE("A prefix start %s mobsync /logon.\n", *needed ? "runs" : "need not run");
    return autorun_write(*needed);
}

/* What Synchronization Settings does once it saved: the prefix start runs
 * what is set up now, and the agent starts now rather than at the next one. */
void automatic_runs_changed(void)
{
    BOOL needed;

    autorun_update(&needed);
    if (needed) agent_start_if_needed();
}

/* The logoff run, before the agent answers WM_QUERYENDSESSION: its items
 * synchronize within the time Wine's end session allows. */
static void run_logoff(struct agent *agent)
{
    WCHAR args[32];
    HANDLE process;
    DWORD ret;

    if (!agent_event_chosen(SYNCMGRREGISTERFLAG_PENDINGDISCONNECT)) return;
    swprintf(args, ARRAYSIZE(args), L"/logoff /timeout:%u", LOGOFF_TIMEOUT);
    if (!agent_spawn_run(args, L"logoff", &process)) return;
    ret = WaitForSingleObject(process, LOGOFF_WAIT);
    TRACE("The logoff run %s.\n", ret ? "is still running" : "has ended");
    CloseHandle(process);
}

static LRESULT CALLBACK agent_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct agent *agent = (struct agent *)GetWindowLongPtrW(window, GWLP_USERDATA);

    switch (msg)
    {
    case WM_QUERYENDSESSION:
        TRACE("The session is ending.\n");
        if (agent) run_logoff(agent);
        return TRUE;
    case WM_ENDSESSION:
        TRACE("The session %s.\n", wparam ? "has ended" : "goes on");
        if (agent && wparam) agent->ended = TRUE;
        return 0;
    }
    return DefWindowProcW(window, msg, wparam, lparam);
}

/* A hidden top-level window: wineboot --end-session sends its messages to
 * the top-level windows only, not to message-only ones. */
static BOOL create_window(struct agent *agent)
{
    WNDCLASSW class = { 0 };

    class.lpfnWndProc = agent_proc;
    class.hInstance = GetModuleHandleW(NULL);
    class.lpszClassName = AGENT_CLASS;
    RegisterClassW(&class);
    if (!(agent->window = CreateWindowExW(0, AGENT_CLASS, L"mobsync", WS_OVERLAPPED, 0, 0, 0, 0, NULL, NULL,
                                          class.hInstance, NULL)))
        return FALSE;
    SetWindowLongPtrW(agent->window, GWLP_USERDATA, (LONG_PTR)agent);
    return TRUE;
}

static void make_system_process(struct agent *agent)
{
    NTSTATUS (WINAPI *set_information)(HANDLE, PROCESSINFOCLASS, void *, ULONG);
    NTSTATUS status;

    set_information = (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtSetInformationProcess");
    if (!set_information) return;
    status = set_information(GetCurrentProcess(), WINE_MAKE_PROCESS_SYSTEM, &agent->system_event,
                             sizeof(agent->system_event));
    if (status) agent->system_event = NULL;
    TRACE("System process: status %#lx, event %p.\n", status, agent->system_event);
}

/* Asks to be told of the next change under HKCU\Software\mobsync. */
static void watch_settings(struct agent *agent)
{
    if (!agent->settings && RegCreateKeyExW(HKEY_CURRENT_USER, MOBSYNC_SETTINGS_KEY, 0, NULL, 0, KEY_NOTIFY,
                                            NULL, &agent->settings, NULL))
        return;
    RegNotifyChangeKeyValue(agent->settings, TRUE, REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET,
                            agent->changed_event, TRUE);
}

static void agent_loop(struct agent *agent)
{
    HANDLE handles[4];
    DWORD count, wait, ret;
    BOOL needed;
    MSG msg;

    watch_settings(agent);
    while (!agent->ended)
    {
        if (!agent_needs())
        {
            TRACE("Nothing needs the agent any more.\n");
            autorun_update(&needed);
            break;
        }
        wait = min(agent_idle_check(&agent->idle), agent_schedules_check());
        wait = min(wait, AGENT_MAX_WAIT);
        count = 0;
        handles[count++] = agent->stop_event;
        handles[count++] = agent->changed_event;
        if (agent->system_event) handles[count++] = agent->system_event;
        if (agent->idle.process) handles[count++] = agent->idle.process;
        TRACE("Waiting %lu ms.\n", wait);
        ret = MsgWaitForMultipleObjects(count, handles, FALSE, wait, QS_ALLINPUT);
        if (ret == WAIT_OBJECT_0 || (agent->system_event && ret == WAIT_OBJECT_0 + 2))
        {
            TRACE("%s.\n", ret ? "The last program of the prefix has ended" : "Asked to stop");
            break;
        }
        if (ret == WAIT_OBJECT_0 + 1) watch_settings(agent);
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
    }
}

static void close_std_handles(void)
{
    static const DWORD std[] = { STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE };
    unsigned int i;
    HANDLE handle;

    for (i = 0; i < ARRAYSIZE(std); i++)
    {
        handle = GetStdHandle(std[i]);
        SetStdHandle(std[i], NULL);
        if (handle && handle != INVALID_HANDLE_VALUE) CloseHandle(handle);
    }
}

/* mobsync /agent. 0 when it ran, or did not need to. */
int run_agent(void)
{
    struct agent agent = { 0 };
    HANDLE mutex;

    if (!(mutex = CreateMutexW(NULL, TRUE, AGENT_MUTEX))) return 1;
    if (GetLastError() == ERROR_ALREADY_EXISTS)
    {
        print_message(IDS_AGENT_RUNNING, NULL);
        CloseHandle(mutex);
        return 0;
    }
    if (!agent_needs())
    {
        print_message(IDS_AGENT_NOT_NEEDED, NULL);
        ReleaseMutex(mutex);
        CloseHandle(mutex);
        return 0;
    }
    agent.stop_event = CreateEventW(NULL, TRUE, FALSE, AGENT_STOP_EVENT);
    agent.changed_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (agent.stop_event && agent.changed_event && create_window(&agent))
    {
        /* An event of an agent before, which someone still holds. */
        ResetEvent(agent.stop_event);
        agent_idle_init(&agent.idle);
        make_system_process(&agent);
        /* Nothing more to say: whoever started the agent waits for no
         * output of it, and the runs must not get its handles. */
        close_std_handles();
        TRACE("The agent runs.\n");
        agent_loop(&agent);
        DestroyWindow(agent.window);
    }
    agent_idle_end(&agent.idle);
    if (agent.settings) RegCloseKey(agent.settings);
    if (agent.system_event) CloseHandle(agent.system_event);
    if (agent.changed_event) CloseHandle(agent.changed_event);
    if (agent.stop_event) CloseHandle(agent.stop_event);
    TRACE("The agent ends.\n");
    ReleaseMutex(mutex);
    CloseHandle(mutex);
    return 0;
}

/* mobsync /agent:stop: asks the agent to end and waits until it has
 * (10 s at most). 0 when none runs any more. */
int stop_agent(void)
{
    HANDLE event, mutex;
    DWORD ret;

    if (!(mutex = OpenMutexW(SYNCHRONIZE, FALSE, AGENT_MUTEX)))
    {
        print_message(IDS_AGENT_NONE, NULL);
        return 0;
    }
    if ((event = OpenEventW(EVENT_MODIFY_STATE, FALSE, AGENT_STOP_EVENT)))
    {
        SetEvent(event);
        CloseHandle(event);
    }
    ret = WaitForSingleObject(mutex, 10000);
    if (ret == WAIT_OBJECT_0 || ret == WAIT_ABANDONED) ReleaseMutex(mutex);
    CloseHandle(mutex);
    if (ret == WAIT_TIMEOUT)
    {
        print_error(IDS_AGENT_STUCK, NULL);
        return 1;
    }
    print_message(IDS_AGENT_STOPPED, NULL);
    return 0;
}
