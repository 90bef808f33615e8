/*
 * mobsync.exe: the idle and scheduled runs the agent starts
 *
 * Each run is a mobsync.exe of its own (/idle, /schedule:NAME), so that a
 * handler given up on never stays in the agent. The idle run watches for
 * input itself and stops its handlers through Progress when it comes.
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
#include "agent.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* How often an idle run looks for input. */
#define IDLE_WATCH_MS 250

/* Whether Synchronization Settings chose any item for the event or
 * schedule whose choice the session names. */
static BOOL chosen(struct session *session)
{
    struct registration *list;
    unsigned int count = 0;

    if (SUCCEEDED(read_registrations(session, &list, &count))) free(list);
    return count != 0;
}

BOOL agent_event_chosen(DWORD register_flag)
{
    struct session session = { 0 };

    session.event_filter = TRUE;
    session.event_register_flag = register_flag;
    settings_event(&session, register_flag);
    return settings_event_on(&session) && chosen(&session);
}

BOOL agent_schedule_chosen(const WCHAR *name)
{
    struct session session = { 0 };

    return settings_schedule(&session, name) && chosen(&session);
}

/* Starts a run: what it prints goes to <Local AppData>\mobsync\KIND.txt,
 * for the person to read (docs/events.md). */
BOOL agent_spawn_run(const WCHAR *args, const WCHAR *kind, HANDLE *process)
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

BOOL agent_idle_wanted(void)
{
    struct idle_settings settings;

    return read_idle_settings(&settings);
}

void agent_idle_init(struct agent_idle *idle)
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
DWORD agent_idle_check(struct agent_idle *idle)
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

void agent_idle_end(struct agent_idle *idle)
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
            if (schedule_write(schedule)) schedule->last_run = now;
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

BOOL agent_schedules_wanted(void)
{
    DWORD wait;

    return scan_schedules(FALSE, &wait);
}

/* Starts the scheduled runs that are due; gives how long until the next. */
DWORD agent_schedules_check(void)
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
