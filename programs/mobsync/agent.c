/*
 * mobsync.exe /agent: the automatic runs of a Wine prefix
 *
 * Windows started the logon run from Winlogon's Run value, the logoff run
 * from SENS, the idle runs from an idle detector and the schedules from the
 * Task Scheduler. A Wine prefix has none of them (docs/events.md), so one
 * resident mobsync.exe per prefix and user does their work: a hidden
 * top-level window that wineboot --end-session asks WM_QUERYENDSESSION,
 * which runs the logoff items before it answers; a timer for the idle runs
 * (agent_runs.c) and for the schedules. It is a Wine system process, so
 * that it never keeps the prefix up (wineserver -w returns): it ends with
 * the last program of the prefix, when nothing needs it any more, and on
 * mobsync /agent:stop.
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
#include "resource.h"
#include "winternl.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

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
DWORD agent_needs(void)
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
    MSG msg;

    watch_settings(agent);
    while (!agent->ended)
    {
        if (!agent_needs())
        {
            TRACE("Nothing needs the agent any more.\n");
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
