/*
 * Tests of the automatic runs (mobsync /agent, docs/events.md): the agent
 * starts only when the settings need it, once; the logoff run answers the
 * end of the session within Wine's time; idle runs start after the idle
 * time and stop on input; schedules fire once at their time and make up
 * a missed time by one rule. The prefix start and wineboot --end-session
 * themselves are tested by tests/events/events_test.sh.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this program; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include "mobsync_test.h"
#include "shlobj.h"

/* programs/mobsync/agent.c and agent.h */
#define AGENT_MUTEX L"Local\\mobsync.agent"
#define AGENT_CLASS L"mobsync.agent"
#define IDLE_SECONDS_VARIABLE "MOBSYNC_TEST_IDLE_SECONDS"
#define ON_BATTERY_VARIABLE   "MOBSYNC_TEST_ON_BATTERY"
#define CLOCK_SECONDS_VARIABLE "MOBSYNC_TEST_CLOCK_SECONDS"

#define TICKS_PER_SECOND ((ULONGLONG)10000000)
#define TICKS_PER_HOUR   (3600 * TICKS_PER_SECOND)
#define TICKS_PER_DAY    (24 * TICKS_PER_HOUR)

static BOOL agent_running(void)
{
    HANDLE mutex = OpenMutexW(SYNCHRONIZE, FALSE, AGENT_MUTEX);

    if (mutex) CloseHandle(mutex);
    return mutex != NULL;
}

/* The agent's window, once it has one (20 s at most). */
static HWND wait_for_agent(void)
{
    DWORD start = GetTickCount();
    HWND window;

    do
    {
        if ((window = FindWindowW(AGENT_CLASS, NULL))) return window;
        Sleep(20);
    } while (GetTickCount() - start < 20000);
    return NULL;
}

/* Starts "mobsync /agent"; its window when it runs. An agent left running
 * by something else is stopped first: its window would be taken for this
 * one's, and every later wait would be a wait for the wrong process. */
static HWND start_agent(struct mobsync_run *run)
{
    HWND window;

    if (agent_running())
    {
        ok(0, "an agent was running already; stopped.\n");
        control("/agent:stop");
    }
    if (!start_mobsync("/agent", run)) return NULL;
    window = wait_for_agent();
    ok(window != NULL, "the agent has no window.\n");
    if (window && !WaitForSingleObject(run->process, 0))
    {
        finish_mobsync(run);
        ok(0, "mobsync /agent exited %lu at once: %s", exit_code, output);
        return NULL;
    }
    if (!window)
    {
        TerminateProcess(run->process, 255);
        finish_mobsync(run);
    }
    return window;
}

/* mobsync /agent:stop, and the agent's end. */
static void end_agent(struct mobsync_run *run)
{
    ok(control("/agent:stop") == 0, "/agent:stop exited %lu: %s", exit_code, output);
    ok(output_is_line("mobsync: the agent has ended"), "/agent:stop said %s", output);
    finish_mobsync(run);
    ok(exit_code == 0, "the agent exited %lu.\n", exit_code);
    ok(!agent_running(), "an agent is still running.\n");
}

static ULONGLONG now(void)
{
    ULARGE_INTEGER value;
    FILETIME time;

    GetSystemTimeAsFileTime(&time);
    value.u.LowPart = time.dwLowDateTime;
    value.u.HighPart = time.dwHighDateTime;
    return value.QuadPart;
}

/* A schedule as Synchronization Settings stores it (docs/registry.md),
 * choosing item 1 of handler n; start or last_run 0 writes no Start or
 * LastRun. */
static void write_schedule(const char *name, ULONGLONG start, DWORD recurrence, ULONGLONG last_run, int n)
{
    char key_name[MAX_PATH];
    HKEY key;

    sprintf(key_name, "Software\\mobsync\\Schedules\\%s", name);
    if (RegCreateKeyExA(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL)) return;
    if (start) RegSetValueExA(key, "Start", 0, REG_QWORD, (BYTE *)&start, sizeof(start));
    RegSetValueExA(key, "Recurrence", 0, REG_DWORD, (BYTE *)&recurrence, sizeof(recurrence));
    if (last_run) RegSetValueExA(key, "LastRun", 0, REG_QWORD, (BYTE *)&last_run, sizeof(last_run));
    RegCloseKey(key);
    sprintf(key_name, "Schedules\\%s", name);
    set_choice(key_name, n, 1, 1);
}

/* A REG_QWORD of the schedule, 0 when there is none. */
static ULONGLONG schedule_value(const char *name, const char *value_name)
{
    DWORD type, size = sizeof(ULONGLONG);
    char key_name[MAX_PATH];
    ULONGLONG value = 0;
    HKEY key;

    sprintf(key_name, "Software\\mobsync\\Schedules\\%s", name);
    if (RegOpenKeyExA(HKEY_CURRENT_USER, key_name, 0, KEY_QUERY_VALUE, &key)) return 0;
    if (RegQueryValueExA(key, value_name, NULL, &type, (BYTE *)&value, &size) || type != REG_QWORD) value = 0;
    RegCloseKey(key);
    return value;
}

static ULONGLONG last_run(const char *name)
{
    return schedule_value(name, "LastRun");
}

/* LastRun once it is expected (20 s at most): the agent writes it before it
 * starts the run. */
static ULONGLONG wait_for_last_run(const char *name, ULONGLONG expected)
{
    DWORD start = GetTickCount();
    ULONGLONG value;

    do
    {
        if ((value = last_run(name)) == expected) break;
        Sleep(20);
    } while (GetTickCount() - start < 20000);
    return value;
}

/* A time through FileTimeToLocalFileTime or LocalFileTimeToFileTime, as
 * schedules.c turns it: a schedule repeats in local time. */
static ULONGLONG convert(ULONGLONG time, BOOL (WINAPI *function)(const FILETIME *, FILETIME *))
{
    ULARGE_INTEGER in = { .QuadPart = time }, out;
    FILETIME from = { in.u.LowPart, in.u.HighPart }, to;

    if (!function(&from, &to)) return time;
    out.u.LowPart = to.dwLowDateTime;
    out.u.HighPart = to.dwHighDateTime;
    return out.QuadPart;
}

static ULONGLONG to_local(ULONGLONG utc)
{
    return convert(utc, FileTimeToLocalFileTime);
}

static ULONGLONG to_utc(ULONGLONG local)
{
    return convert(local, LocalFileTimeToFileTime);
}

/* 0 for Sunday, as SYSTEMTIME counts. */
static int day_of_week(ULONGLONG time)
{
    ULARGE_INTEGER value = { .QuadPart = time };
    FILETIME file = { value.u.LowPart, value.u.HighPart };
    SYSTEMTIME system;

    FileTimeToSystemTime(&file, &system);
    return system.wDayOfWeek;
}

/* The agents started from now on see local time local (to a second). */
static void set_clock(ULONGLONG local)
{
    char text[32];

    /* Ahead by less than 8 days, in seconds. */
    sprintf(text, "%ld", (long)((LONGLONG)(local - to_local(now())) / (LONGLONG)TICKS_PER_SECOND));
    SetEnvironmentVariableA(CLOCK_SECONDS_VARIABLE, text);
}

/* How many times handler n was initialized. */
static unsigned int runs_of(int n)
{
    struct call_log log;
    unsigned int i, count = 0;

    read_calls(n, &log);
    for (i = 0; i < log.count; i++) if (!strncmp(log.calls[i], "Initialize", 10)) count++;
    return count;
}

/* What the agent's last run of a kind printed (<Local AppData>\mobsync\
 * KIND.txt), once it has printed its summary (20 s at most). */
static const char *run_output(const char *kind)
{
    static char text[8192];
    char path[MAX_PATH];
    DWORD start = GetTickCount(), read;
    HANDLE file;

    text[0] = 0;
    if (FAILED(SHGetFolderPathA(NULL, CSIDL_LOCAL_APPDATA, NULL, 0, path))) return text;
    sprintf(path + strlen(path), "\\mobsync\\%s.txt", kind);
    do
    {
        file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
        if (file != INVALID_HANDLE_VALUE)
        {
            if (!ReadFile(file, text, sizeof(text) - 1, &read, NULL)) read = 0;
            text[read] = 0;
            CloseHandle(file);
            if (strstr(text, " skipped\n") || strstr(text, " skipped\r\n")) return text;
        }
        Sleep(50);
    } while (GetTickCount() - start < 20000);
    return text;
}

static void delete_run_output(const char *kind)
{
    char path[MAX_PATH];

    if (FAILED(SHGetFolderPathA(NULL, CSIDL_LOCAL_APPDATA, NULL, 0, path))) return;
    sprintf(path + strlen(path), "\\mobsync\\%s.txt", kind);
    DeleteFileA(path);
}

static void test_not_needed(void)
{
    struct mobsync_run run;

    delete_settings_store();
    register_handler(0x01);
    ok(run_mobsync("/agent:stop") && exit_code == 0, "/agent:stop exited %lu.\n", exit_code);
    ok(output_is_line("mobsync: no agent is running"), "/agent:stop said %s", output);

    /* Nothing configured: no agent, at once. */
    ok(run_mobsync("/agent") && exit_code == 0, "/agent exited %lu.\n", exit_code);
    ok(output_is_line("mobsync: no logoff, idle or scheduled synchronization is set up; the agent is not needed"),
       "/agent said %s", output);
    ok(!agent_running(), "an agent runs.\n");
    ok(run_mobsync("/logon") && exit_code == 0, "/logon exited %lu.\n", exit_code);
    ok(!agent_running(), "/logon started an agent with nothing to do.\n");
    /* A schedule whose only time is long past, and idle runs turned off. */
    write_schedule("past", now() - 3 * TICKS_PER_DAY, 0, 0, 0x01);
    register_handler_ex(0x02, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_IDLE);
    set_setting("Events\\Idle", "Enabled", 0);
    ok(run_mobsync("/agent") && exit_code == 0, "/agent exited %lu.\n", exit_code);
    ok(strstr(output, "the agent is not needed") != NULL, "/agent said %s", output);
    ok(!has_call(0x01, "Initialize"), "the past schedule ran.\n");

    ok(run_mobsync("/agent:now") && exit_code == 2, "/agent:now exited %lu.\n", exit_code);
    ok(run_mobsync("/agent /timeout:5") && exit_code == 2, "/agent /timeout:5 exited %lu.\n", exit_code);
    ok(!agent_running(), "an agent runs.\n");

    /* Logoff chosen: /logon, what a prefix start runs, starts the agent;
     * a second one finds it. */
    register_handler_ex(0x02, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    ok(run_mobsync("/logon") && exit_code == 0, "/logon exited %lu.\n", exit_code);
    ok(wait_for_agent() != NULL, "/logon started no agent.\n");
    ok(run_mobsync("/agent") && exit_code == 0, "/agent exited %lu.\n", exit_code);
    ok(output_is_line("mobsync: the agent is running already"), "/agent said %s", output);
    ok(control("/agent:stop") == 0, "/agent:stop exited %lu: %s", exit_code, output);
    ok(!agent_running(), "the agent still runs.\n");

    /* Started by hand, it ends by itself once nothing needs it. */
    if (start_agent(&run))
    {
        register_handler(0x02);
        /* A change of the settings makes it look again. */
        set_setting("Events\\Logoff", "Enabled", 1);
        finish_mobsync(&run);
        ok(exit_code == 0, "the agent exited %lu.\n", exit_code);
        ok(!agent_running(), "the agent still runs.\n");
    }
    unregister_handler(0x02);
    delete_settings_store();
}

/* A prefix where nothing is set up starts no mobsync: a registration for
 * an event adds the values, mobsync /autorun (what Synchronization
 * Settings does when it saves) keeps them in step with the settings. */
static void test_autorun(void)
{
    char run_services[MAX_PATH], run[MAX_PATH];

    strcpy(run_services, autorun_value(RUNSERVICES_KEY));
    strcpy(run, autorun_value(RUN_KEY));
    set_autorun_value(RUNSERVICES_KEY, "");
    set_autorun_value(RUN_KEY, "");
    delete_settings_store();

    register_handler(0x01);
    ok(!autorun_value(RUNSERVICES_KEY)[0] && !autorun_value(RUN_KEY)[0],
       "a registration for no event added %s, %s.\n", autorun_value(RUNSERVICES_KEY), autorun_value(RUN_KEY));
    register_handler_ex(0x01, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_CONNECT);
    ok(!strcmp(autorun_value(RUNSERVICES_KEY), "rundll32.exe mobsync.dll,RunLogon"),
       "RunServices holds %s.\n", autorun_value(RUNSERVICES_KEY));
    ok(!strcmp(autorun_value(RUN_KEY), "mobsync.exe /logon"), "Run holds %s.\n", autorun_value(RUN_KEY));
    ok(run_mobsync("/autorun") && exit_code == 0, "/autorun exited %lu.\n", exit_code);
    ok(output_is_line("mobsync: synchronization at logon, logoff, idle or on a schedule is set up; "
       "a prefix start runs mobsync /logon"), "/autorun said %s", output);

    /* Logon turned off, nothing else: the values go. */
    set_setting("Events\\Logon", "Enabled", 0);
    ok(run_mobsync("/autorun") && exit_code == 0, "/autorun exited %lu.\n", exit_code);
    ok(output_is_line("mobsync: nothing is set up to synchronize by itself; a prefix start runs no mobsync"),
       "/autorun said %s", output);
    ok(!autorun_value(RUNSERVICES_KEY)[0] && !autorun_value(RUN_KEY)[0],
       "left %s, %s.\n", autorun_value(RUNSERVICES_KEY), autorun_value(RUN_KEY));
    ok(run_mobsync("/autorun") && exit_code == 0, "/autorun again exited %lu.\n", exit_code);

    /* A schedule still to run needs the agent, so the prefix start. */
    write_schedule("later", now() + TICKS_PER_DAY, 0, 0, 0x01);
    ok(run_mobsync("/autorun") && exit_code == 0, "/autorun exited %lu.\n", exit_code);
    ok(strstr(output, "is set up") != NULL, "/autorun said %s", output);
    ok(!strcmp(autorun_value(RUNSERVICES_KEY), "rundll32.exe mobsync.dll,RunLogon"),
       "RunServices holds %s.\n", autorun_value(RUNSERVICES_KEY));
    delete_settings_store();
    set_setting("Events\\Logon", "Enabled", 0);

    /* A value of that name that another program wrote stays. */
    set_autorun_value(RUN_KEY, "other.exe");
    ok(run_mobsync("/autorun") && exit_code == 0, "/autorun exited %lu.\n", exit_code);
    ok(!strcmp(autorun_value(RUN_KEY), "other.exe"), "Run holds %s.\n", autorun_value(RUN_KEY));
    ok(!autorun_value(RUNSERVICES_KEY)[0], "RunServices holds %s.\n", autorun_value(RUNSERVICES_KEY));

    unregister_handler(0x01);
    delete_settings_store();
    set_autorun_value(RUNSERVICES_KEY, run_services);
    set_autorun_value(RUN_KEY, run);
}

/* What wineboot --end-session sends; the logoff items run before the
 * answer, which comes within Wine's 5 seconds. */
static void test_logoff(void)
{
    char expected[64];
    struct mobsync_run run;
    const char *text;
    DWORD_PTR result = 0;
    DWORD start, took;
    HWND window;

    delete_settings_store();
    register_handler_ex(0x01, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    /* Nobody could answer Items to Synchronize in time: it does not ask. */
    set_setting("Events\\Logoff", "Ask", 1);
    delete_run_output("logoff");
    DeleteFileA(log_path);
    if (!(window = start_agent(&run))) return;
    ok(SendMessageTimeoutW(window, WM_QUERYENDSESSION, 0, 0, SMTO_NORMAL, 20000, &result), "no answer.\n");
    ok(result == TRUE, "the agent answered %Iu.\n", result);
    ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000002 cookie=0:811c9dc5"),
       "the logoff run: %s.\n", initialize_call(0x01));
    ok(has_call(0x01, "SynchronizeCompleted hr=00000000"), "the logoff run did not synchronize before the answer.\n");
    text = run_output("logoff");
    ok(strstr(text, result_line("succeeded", 0x01, 1)) != NULL, "the logoff run printed %s", text);
    ok(strstr(text, "3 succeeded, 0 failed, 0 skipped") != NULL, "the logoff run printed %s", text);

    /* One that overruns is told to stop through Progress, one that does
     * not listen is given up on: both fail, the answer still comes in time. */
    register_handler_ex(0x06, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    register_handler_ex(0x08, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    /* Only now: with no handler for logoff the agent would end. */
    register_handler(0x01);
    DeleteFileA(log_path);
    delete_run_output("logoff");
    start = GetTickCount();
    ok(SendMessageTimeoutW(window, WM_QUERYENDSESSION, 0, 0, SMTO_NORMAL, 20000, &result), "no answer.\n");
    took = GetTickCount() - start;
    ok(took < 5000, "the answer took %lu ms, more than Wine's end session waits.\n", took);
    sprintf(expected, "Cancelled hr=%08lx", S_SYNCMGR_CANCELALL);
    ok(has_call(0x06, expected), "the handler that overran was not stopped through Progress.\n");
    ok(has_call(0x08, "Synchronize") && !has_call(0x08, "SynchronizeCompleted"), "the hanging handler finished.\n");
    text = run_output("logoff");
    ok(strstr(text, result_line("stopped", 0x06, 1)) != NULL, "the logoff run printed %s", text);
    ok(strstr(text, "did not finish within 4 seconds") != NULL, "the logoff run printed %s", text);

    /* The session ended: the agent with it. */
    SendMessageTimeoutW(window, WM_ENDSESSION, TRUE, 0, SMTO_NORMAL, 20000, &result);
    finish_mobsync(&run);
    ok(exit_code == 0, "the agent exited %lu.\n", exit_code);
    ok(!agent_running(), "the agent still runs after the end of the session.\n");
    unregister_handler(0x06);
    unregister_handler(0x08);
    delete_settings_store();
}

static void move_mouse(void)
{
    INPUT input;

    memset(&input, 0, sizeof(input));
    input.type = INPUT_MOUSE;
    input.mi.dx = 1;
    input.mi.dwFlags = MOUSEEVENTF_MOVE;
    ok(SendInput(1, &input, sizeof(input)) == 1, "SendInput failed: %lu.\n", GetLastError());
}

/* The idle time shortened to seconds (the agent's test hook): a run, with
 * IDLE, that input stops through Progress. */
static void test_idle(void)
{
    char expected[64];
    struct mobsync_run run;
    const char *text;

    delete_settings_store();
    register_handler_ex(0x06, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_IDLE);
    delete_run_output("idle");
    DeleteFileA(log_path);
    SetEnvironmentVariableA(IDLE_SECONDS_VARIABLE, "3");
    if (!start_agent(&run)) goto done;
    ok(wait_for_call(0x06, "Synchronize"), "no idle run.\n");
    ok(!strcmp(initialize_call(0x06), "Initialize reserved=0 flags=00000004 cookie=0:811c9dc5"),
       "the idle run: %s.\n", initialize_call(0x06));
    move_mouse();
    sprintf(expected, "Cancelled hr=%08lx", S_SYNCMGR_CANCELALL);
    ok(wait_for_call(0x06, expected), "input did not stop the idle run.\n");
    text = run_output("idle");
    ok(strstr(text, result_line("stopped", 0x06, 1)) != NULL, "the idle run printed %s", text);
    end_agent(&run);

    /* On battery, with PreventOnBattery (the default), none; a schedule
     * due after the idle time tells when the agent has looked. */
    DeleteFileA(log_path);
    register_handler(0x01);
    write_schedule("marker", now() + 5 * TICKS_PER_SECOND, 0, 0, 0x01);
    SetEnvironmentVariableA(ON_BATTERY_VARIABLE, "1");
    if (!start_agent(&run)) goto done;
    ok(wait_for_call(0x01, "SynchronizeCompleted"), "the schedule did not run.\n");
    ok(!has_call(0x06, "Initialize"), "an idle run on battery.\n");
    /* Allowed on battery: it runs at once. */
    set_setting("Events\\Idle", "PreventOnBattery", 0);
    ok(wait_for_call(0x06, "Synchronize"), "no idle run on battery when allowed.\n");
    move_mouse();
    ok(wait_for_call(0x06, expected), "input did not stop the idle run.\n");
    end_agent(&run);

done:
    SetEnvironmentVariableA(IDLE_SECONDS_VARIABLE, NULL);
    SetEnvironmentVariableA(ON_BATTERY_VARIABLE, NULL);
    unregister_handler(0x06);
    unregister_handler(0x01);
    delete_settings_store();
}

static void test_schedules(void)
{
    ULONGLONG start = now(), soon = start + 2 * TICKS_PER_SECOND, daily_start, lastrun;
    struct mobsync_run run;
    const char *text;

    delete_settings_store();
    register_handler(0x01);
    register_handler(0x02);
    register_handler(0x21);
    delete_run_output("schedule");
    DeleteFileA(log_path);

    /* Due in two seconds: it fires once, with SCHEDULED; its time is done. */
    write_schedule("soon", soon, 0, start, 0x01);
    if (!start_agent(&run)) goto done;
    ok(wait_for_call(0x01, "SynchronizeCompleted"), "the schedule did not fire.\n");
    ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000006 cookie=0:811c9dc5"),
       "the scheduled run: %s.\n", initialize_call(0x01));
    ok(now() >= soon, "it fired before its time.\n");
    ok(last_run("soon") == soon, "LastRun %s, expected %s.\n", wine_dbgstr_longlong(last_run("soon")),
       wine_dbgstr_longlong(soon));
    text = run_output("schedule");
    ok(strstr(text, result_line("succeeded", 0x01, 1)) != NULL, "the scheduled run printed %s", text);
    /* Nothing is left to run: the agent ends by itself. */
    finish_mobsync(&run);
    ok(exit_code == 0, "the agent exited %lu.\n", exit_code);
    ok(!agent_running(), "the agent runs on with nothing to do.\n");
    ok(runs_of(0x01) == 1, "the schedule ran %u times.\n", runs_of(0x01));

    /* Missed while no agent ran: a time once an hour ago is made up, one
     * two days ago is let go; of a daily schedule three days behind, only
     * the latest time, once. */
    DeleteFileA(log_path);
    write_schedule("missed", start - TICKS_PER_HOUR, 0, 0, 0x01);
    write_schedule("too old", start - 2 * TICKS_PER_DAY, 0, 0, 0x02);
    daily_start = start - 3 * TICKS_PER_DAY - TICKS_PER_HOUR;
    write_schedule("daily", daily_start, 1, start - 2 * TICKS_PER_DAY - TICKS_PER_HOUR, 0x21);
    /* Written without a Start: from when the agent first sees it. */
    write_schedule("no start", 0, 1, 0, 0x02);
    if (!start_agent(&run)) goto done;
    ok(wait_for_call(0x01, "SynchronizeCompleted"), "the missed schedule was not made up.\n");
    ok(wait_for_call(0x21, "SynchronizeCompleted"), "the daily schedule was not made up.\n");
    lastrun = last_run("daily");
    ok(lastrun == start - TICKS_PER_HOUR, "daily LastRun %s, expected %s.\n", wine_dbgstr_longlong(lastrun),
       wine_dbgstr_longlong(start - TICKS_PER_HOUR));
    /* The daily one keeps the agent: stopped, then started again, it
     * runs nothing more. A schedule due soon tells when it has looked. */
    end_agent(&run);
    write_schedule("marker", now() + 2 * TICKS_PER_SECOND, 0, 0, 0x02);
    if (!start_agent(&run)) goto done;
    ok(wait_for_call(0x02, "SynchronizeCompleted"), "the marker did not fire.\n");
    end_agent(&run);
    ok(runs_of(0x01) == 1, "the missed schedule ran %u times.\n", runs_of(0x01));
    ok(runs_of(0x21) == 1, "the daily schedule ran %u times.\n", runs_of(0x21));
    ok(runs_of(0x02) == 1, "%u runs of handler 2: the schedule too old or the one without a start ran.\n",
       runs_of(0x02));
    ok(last_run("too old") == 0, "too old: LastRun %s.\n", wine_dbgstr_longlong(last_run("too old")));
    ok(schedule_value("no start", "Start") >= start, "no start: Start %s.\n",
       wine_dbgstr_longlong(schedule_value("no start", "Start")));
    ok(last_run("no start") >= start, "no start: LastRun %s.\n", wine_dbgstr_longlong(last_run("no start")));

done:
    unregister_handler(0x01);
    unregister_handler(0x02);
    unregister_handler(0x21);
    delete_settings_store();
}

/* Weekdays and every N days, on the agent's clock put ahead
 * (MOBSYNC_TEST_CLOCK_SECONDS) to a Saturday, then to the Monday after: a
 * weekdays schedule is due on the Friday before a weekend and next on the
 * Monday, one that starts on a Saturday first runs on the Monday; every N
 * days runs at Start + k * N days. Times are local midnights and hours. */
static void test_schedule_days(void)
{
    ULONGLONG midnight = to_local(now()), saturday, weekdays, weekend, every3, every4;
    struct mobsync_run run;

    midnight -= midnight % TICKS_PER_DAY;
    for (saturday = midnight + TICKS_PER_DAY; day_of_week(saturday) != 6; saturday += TICKS_PER_DAY) ;
    delete_settings_store();
    register_handler(0x01);
    register_handler(0x02);
    register_handler(0x21);
    register_handler(0x10);
    DeleteFileA(log_path);

    /* Monday, 12 days before, at 9:00; its first time is done. */
    weekdays = to_utc(saturday - 12 * TICKS_PER_DAY + 9 * TICKS_PER_HOUR);
    ok(day_of_week(to_local(weekdays)) == 1, "%s is no Monday.\n", wine_dbgstr_longlong(weekdays));
    write_schedule("weekdays", weekdays, 2, weekdays, 0x01);
    /* Saturday at 6:00: none of its times has come on Saturday noon. */
    weekend = to_utc(saturday + 6 * TICKS_PER_HOUR);
    write_schedule("weekend", weekend, 2, weekend - TICKS_PER_SECOND, 0x02);
    /* Every 3 days, its fourth time done, its fifth 5 seconds after noon;
     * every 4 days, its second time missed and made up. */
    every3 = to_utc(saturday + 12 * TICKS_PER_HOUR - 12 * TICKS_PER_DAY + 5 * TICKS_PER_SECOND);
    write_schedule("every 3 days", every3, 3, every3 + 9 * TICKS_PER_DAY, 0x21);
    set_setting("Schedules\\every 3 days", "Days", 3);
    every4 = to_utc(saturday + 11 * TICKS_PER_HOUR - 10 * TICKS_PER_DAY);
    write_schedule("every 4 days", every4, 3, every4, 0x10);
    set_setting("Schedules\\every 4 days", "Days", 4);

    set_clock(saturday + 12 * TICKS_PER_HOUR);
    if (!start_agent(&run)) goto done;
    ok(wait_for_last_run("weekdays", weekdays + 11 * TICKS_PER_DAY) == weekdays + 11 * TICKS_PER_DAY,
       "on Saturday weekdays LastRun %s, expected Friday's %s.\n", wine_dbgstr_longlong(last_run("weekdays")),
       wine_dbgstr_longlong(weekdays + 11 * TICKS_PER_DAY));
    ok(wait_for_call(0x01, "SynchronizeCompleted"), "Friday's time was not made up.\n");
    ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000006 cookie=0:811c9dc5"),
       "the weekdays run: %s.\n", initialize_call(0x01));
    ok(wait_for_last_run("every 4 days", every4 + 8 * TICKS_PER_DAY) == every4 + 8 * TICKS_PER_DAY,
       "every 4 days LastRun %s, expected %s.\n", wine_dbgstr_longlong(last_run("every 4 days")),
       wine_dbgstr_longlong(every4 + 8 * TICKS_PER_DAY));
    ok(wait_for_call(0x10, "SynchronizeCompleted"), "every 4 days did not run.\n");
    ok(wait_for_last_run("every 3 days", every3 + 12 * TICKS_PER_DAY) == every3 + 12 * TICKS_PER_DAY,
       "every 3 days LastRun %s, expected %s.\n", wine_dbgstr_longlong(last_run("every 3 days")),
       wine_dbgstr_longlong(every3 + 12 * TICKS_PER_DAY));
    ok(wait_for_call(0x21, "SynchronizeCompleted"), "every 3 days did not run.\n");
    /* Those runs done, the agent has looked at every schedule. */
    ok(last_run("weekend") == weekend - TICKS_PER_SECOND, "the weekend start's LastRun is %s.\n",
       wine_dbgstr_longlong(last_run("weekend")));
    ok(!has_call(0x02, "Initialize"), "a weekdays schedule ran on a Saturday.\n");
    ok(runs_of(0x01) == 1 && runs_of(0x21) == 1 && runs_of(0x10) == 1, "runs: %u %u %u.\n",
       runs_of(0x01), runs_of(0x21), runs_of(0x10));
    end_agent(&run);

    /* Monday, 5 seconds before 9:00: Friday's time is done, Monday's comes;
     * the one that started on Saturday has its first, at 6:00, made up. */
    DeleteFileA(log_path);
    set_clock(saturday + 2 * TICKS_PER_DAY + 9 * TICKS_PER_HOUR - 5 * TICKS_PER_SECOND);
    if (!start_agent(&run)) goto done;
    ok(wait_for_last_run("weekend", weekend + 2 * TICKS_PER_DAY) == weekend + 2 * TICKS_PER_DAY,
       "weekend start LastRun %s, expected Monday's %s.\n", wine_dbgstr_longlong(last_run("weekend")),
       wine_dbgstr_longlong(weekend + 2 * TICKS_PER_DAY));
    ok(wait_for_call(0x02, "SynchronizeCompleted"), "the weekend start did not run on Monday.\n");
    ok(wait_for_last_run("weekdays", weekdays + 14 * TICKS_PER_DAY) == weekdays + 14 * TICKS_PER_DAY,
       "on Monday weekdays LastRun %s, expected Monday's %s.\n", wine_dbgstr_longlong(last_run("weekdays")),
       wine_dbgstr_longlong(weekdays + 14 * TICKS_PER_DAY));
    ok(wait_for_call(0x01, "SynchronizeCompleted"), "Monday's time did not run.\n");
    end_agent(&run);
    ok(runs_of(0x01) == 1 && runs_of(0x02) == 1, "runs on Monday: %u %u.\n", runs_of(0x01), runs_of(0x02));
    ok(!has_call(0x21, "Initialize") && !has_call(0x10, "Initialize"), "every N days ran again on Monday.\n");

done:
    SetEnvironmentVariableA(CLOCK_SECONDS_VARIABLE, NULL);
    unregister_handler(0x01);
    unregister_handler(0x02);
    unregister_handler(0x21);
    unregister_handler(0x10);
    delete_settings_store();
}

START_TEST(events)
{
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    init_test();
    if (agent_running()) control("/agent:stop");
    test_not_needed();
    test_autorun();
    test_logoff();
    test_idle();
    test_schedules();
    test_schedule_days();
    CoUninitialize();
}
