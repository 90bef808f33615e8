/*
 * Tests of Synchronization Settings (mobsync /setup): what it shows of the
 * store, what it saves, and that the switches then synchronize exactly
 * that. The dialog is another process's, driven through window messages.
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
#include "dialog_test.h"

static const WCHAR setup_title[] = L"Synchronization Settings";

static int box(HWND dialog, int id, int row)
{
    return (SendDlgItemMessageW(dialog, id, LVM_GETITEMSTATE, row, LVIS_STATEIMAGEMASK) & LVIS_STATEIMAGEMASK) >> 12;
}

static BOOL checked(HWND dialog, int id)
{
    return SendDlgItemMessageW(dialog, id, BM_GETCHECK, 0, 0) == BST_CHECKED;
}

static DWORD stored(const char *key, int n, int i)
{
    DWORD value = ~0u, size = sizeof(value), type;
    char name[MAX_PATH];
    HKEY hkey;

    sprintf(name, "Software\\mobsync\\%s\\%s", key, handler_str(n));
    if (RegOpenKeyExA(HKEY_CURRENT_USER, name, 0, KEY_QUERY_VALUE, &hkey)) return ~0u;
    if (RegQueryValueExA(hkey, item_str(n, i), NULL, &type, (BYTE *)&value, &size) || type != REG_DWORD)
        value = ~0u;
    RegCloseKey(hkey);
    return value;
}

static DWORD setting(const char *key, const char *value_name)
{
    DWORD value = ~0u, size = sizeof(value), type;
    char name[MAX_PATH];
    HKEY hkey;

    sprintf(name, "Software\\mobsync\\%s", key);
    if (RegOpenKeyExA(HKEY_CURRENT_USER, name, 0, KEY_QUERY_VALUE, &hkey)) return ~0u;
    if (RegQueryValueExA(hkey, value_name, NULL, &type, (BYTE *)&value, &size) || type != REG_DWORD)
        value = ~0u;
    RegCloseKey(hkey);
    return value;
}

static void show_tab(HWND dialog, int tab)
{
    SendDlgItemMessageW(dialog, IDC_SETUP_TABS, TCM_SETCURFOCUS, tab, 0);
}

static BOOL key_exists(const char *key)
{
    char name[MAX_PATH];
    HKEY hkey;

    sprintf(name, "Software\\mobsync\\%s", key);
    if (RegOpenKeyExA(HKEY_CURRENT_USER, name, 0, KEY_QUERY_VALUE, &hkey)) return FALSE;
    RegCloseKey(hkey);
    return TRUE;
}

static ULONGLONG qword_setting(const char *key, const char *value_name)
{
    DWORD size = sizeof(ULONGLONG), type;
    ULONGLONG value = 0;
    char name[MAX_PATH];
    HKEY hkey;

    sprintf(name, "Software\\mobsync\\%s", key);
    if (RegOpenKeyExA(HKEY_CURRENT_USER, name, 0, KEY_QUERY_VALUE, &hkey)) return 0;
    if (RegQueryValueExA(hkey, value_name, NULL, &type, (BYTE *)&value, &size) || type != REG_QWORD) value = 0;
    RegCloseKey(hkey);
    return value;
}

/* A schedule written by hand, repeating daily from start, its first time
 * still to come (no agent runs it meanwhile), item i of handler n chosen. */
static void write_schedule(const char *name, ULONGLONG start, int n, int i)
{
    char key[MAX_PATH];
    HKEY hkey;

    sprintf(key, "Software\\mobsync\\Schedules\\%s", name);
    if (RegCreateKeyExA(HKEY_CURRENT_USER, key, 0, NULL, 0, KEY_SET_VALUE, NULL, &hkey, NULL)) return;
    RegSetValueExA(hkey, "Start", 0, REG_QWORD, (BYTE *)&start, sizeof(start));
    RegCloseKey(hkey);
    sprintf(key, "Schedules\\%s", name);
    set_setting(key, "Recurrence", 1);
    set_choice(key, n, i, 1);
}

/* The row of the Scheduled tab that names a schedule; -1 for none. */
static int schedule_row(HWND dialog, const char *name)
{
    HWND list = GetDlgItem(dialog, IDC_SETUP_SCHEDULES);
    int row, count = SendMessageW(list, LVM_GETITEMCOUNT, 0, 0);
    char text[128];

    for (row = 0; row < count; row++)
    {
        list_text(list, row, 0, text, sizeof(text));
        if (!strcmp(text, name)) return row;
    }
    return -1;
}

/* Waits, at most 20 s, for a list of the dialog to have this many rows:
 * the Scheduled tab is filled again once the editor has gone. */
static int wait_for_rows(HWND dialog, int id, int count)
{
    DWORD start = GetTickCount();
    int rows;

    do
    {
        if ((rows = SendDlgItemMessageW(dialog, id, LVM_GETITEMCOUNT, 0, 0)) == count) break;
        pump(20);
    } while (GetTickCount() - start < 20000);
    return rows;
}

/* Waits, at most 20 s, for process pid's window with this title to go. */
static BOOL wait_for_no_window(DWORD pid, const WCHAR *title)
{
    DWORD start = GetTickCount();

    do
    {
        if (!window_of(pid, title)) return TRUE;
        pump(20);
    } while (GetTickCount() - start < 20000);
    return FALSE;
}

static void select_schedule(HWND dialog, int row)
{
    list_set_state(GetDlgItem(dialog, IDC_SETUP_SCHEDULES), row, LVIS_SELECTED | LVIS_FOCUSED,
                   LVIS_SELECTED | LVIS_FOCUSED);
}

/* Picks a line of the editor's Repeat list as a person would: the editor
 * is told of the change. */
static void choose_repeat(HWND editor, int index)
{
    HWND combo = GetDlgItem(editor, IDC_SCHEDULE_REPEAT);

    SendMessageW(combo, CB_SETCURSEL, index, 0);
    SendMessageW(editor, WM_COMMAND, MAKEWPARAM(IDC_SCHEDULE_REPEAT, CBN_SELCHANGE), (LPARAM)combo);
}

/* Starts "mobsync /setup..." and waits for Synchronization Settings (its
 * control status_id shown, 0 for any); NULL, the process ended, when it
 * never comes. */
static HWND open_setup(const char *args, struct mobsync_run *run, int status_id)
{
    HWND dialog;

    if (!start_mobsync(args, run)) return NULL;
    dialog = wait_for_window(GetProcessId(run->process), setup_title, status_id);
    ok(dialog != NULL, "no Synchronization Settings.\n");
    if (dialog) return dialog;
    TerminateProcess(run->process, 1);
    finish_mobsync(run);
    return NULL;
}

/* What Initialize the settings dialog gives, what it shows of values
 * written by hand, what it saves, and the switches after. */
static void test_settings(void)
{
    RECT window, list, schedules, remove, button, apply, rect;
    char run_services[MAX_PATH], run_value[MAX_PATH];
    struct mobsync_run run;
    HWND dialog, editor;
    char text[300];
    DWORD pid;

    register_handler_ex(0x01, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_CONNECT
                        | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT | SYNCMGRREGISTERFLAG_IDLE);
    delete_item_settings(0x01);
    delete_settings_store();
    /* Written by hand: logon chooses item 2 only, asks first; idle is off;
     * idle never chose anything (all of it counts as chosen). */
    set_choice("Events\\Logon", 0x01, 1, 0);
    set_choice("Events\\Logon", 0x01, 2, 1);
    set_choice("Events\\Logon", 0x01, 3, 0);
    set_setting("Events\\Logon", "Ask", 1);
    set_setting("Events\\Idle", "Enabled", 0);
    DeleteFileA(log_path);
    if (!(dialog = open_setup(wine_dbg_sprintf("/setup%s", only(1, 0x01)), &run, IDC_SETUP_STATUS)))
        goto done;
    pid = GetProcessId(run.process);
    /* Handlers are told the manager only configures. */
    ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000100 cookie=0:811c9dc5"),
       "got \"%s\".\n", initialize_call(0x01));
    ok(SendDlgItemMessageW(dialog, IDC_SETUP_LOGON_LIST, LVM_GETITEMCOUNT, 0, 0) == 4, "%Id rows.\n",
       SendDlgItemMessageW(dialog, IDC_SETUP_LOGON_LIST, LVM_GETITEMCOUNT, 0, 0));
    ok(box(dialog, IDC_SETUP_LOGON_LIST, 0) == 1, "handler box %d.\n", box(dialog, IDC_SETUP_LOGON_LIST, 0));
    ok(box(dialog, IDC_SETUP_LOGON_LIST, 1) == 1, "item 1 box %d.\n", box(dialog, IDC_SETUP_LOGON_LIST, 1));
    ok(box(dialog, IDC_SETUP_LOGON_LIST, 2) == 2, "item 2 box %d.\n", box(dialog, IDC_SETUP_LOGON_LIST, 2));
    ok(box(dialog, IDC_SETUP_LOGON_LIST, 3) == 1, "item 3 box %d.\n", box(dialog, IDC_SETUP_LOGON_LIST, 3));
    ok(checked(dialog, IDC_SETUP_ASK), "Ask not checked.\n");
    ok(checked(dialog, IDC_SETUP_LOGON) && checked(dialog, IDC_SETUP_LOGOFF), "logon/logoff not enabled.\n");
    ok(!checked(dialog, IDC_SETUP_IDLE), "idle enabled.\n");
    ok(box(dialog, IDC_SETUP_IDLE_LIST, 1) == 2 && box(dialog, IDC_SETUP_IDLE_LIST, 3) == 2,
       "idle's never-configured items not all chosen: %d %d.\n", box(dialog, IDC_SETUP_IDLE_LIST, 1),
       box(dialog, IDC_SETUP_IDLE_LIST, 3));
    ok(IsWindowVisible(GetDlgItem(dialog, IDC_SETUP_LOGON_LIST))
       && !IsWindowVisible(GetDlgItem(dialog, IDC_SETUP_IDLE_LIST)), "not on the Logon/Logoff tab.\n");
    save_dialog(dialog, "settings_logon");

    /* Larger, every control keeps to its edges: the buttons at the bottom
     * right, the lists grow, on the tabs not shown too (it once moved only
     * the first 8 of its 19 controls). */
    GetWindowRect(dialog, &window);
    client_rect_of(dialog, IDC_SETUP_LOGON_LIST, &list);
    client_rect_of(dialog, IDC_SETUP_SCHEDULES, &schedules);
    client_rect_of(dialog, IDC_SETUP_REMOVE, &remove);
    client_rect_of(dialog, IDOK, &button);
    client_rect_of(dialog, IDC_SETUP_APPLY, &apply);
    SetWindowPos(dialog, NULL, 0, 0, window.right - window.left + 200, window.bottom - window.top + 100,
                 SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);
    client_rect_of(dialog, IDC_SETUP_LOGON_LIST, &rect);
    ok(rect.right - rect.left == list.right - list.left + 200
       && rect.bottom - rect.top == list.bottom - list.top + 100, "logon list %s, was %s.\n",
       wine_dbgstr_rect(&rect), wine_dbgstr_rect(&list));
    client_rect_of(dialog, IDC_SETUP_SCHEDULES, &rect);
    ok(rect.right - rect.left == schedules.right - schedules.left + 200
       && rect.bottom - rect.top == schedules.bottom - schedules.top + 100, "schedules %s, was %s.\n",
       wine_dbgstr_rect(&rect), wine_dbgstr_rect(&schedules));
    client_rect_of(dialog, IDC_SETUP_REMOVE, &rect);
    ok(rect.left == remove.left && rect.top == remove.top + 100, "Remove %s, was %s.\n",
       wine_dbgstr_rect(&rect), wine_dbgstr_rect(&remove));
    client_rect_of(dialog, IDOK, &rect);
    ok(rect.left == button.left + 200 && rect.top == button.top + 100, "OK %s, was %s.\n",
       wine_dbgstr_rect(&rect), wine_dbgstr_rect(&button));
    client_rect_of(dialog, IDC_SETUP_APPLY, &rect);
    ok(rect.left == apply.left + 200 && rect.top == apply.top + 100, "Apply %s, was %s.\n",
       wine_dbgstr_rect(&rect), wine_dbgstr_rect(&apply));
    SetWindowPos(dialog, NULL, 0, 0, window.right - window.left, window.bottom - window.top,
                 SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);

    /* Item 1 chosen too, Ask cleared; idle: only item 3, and on. */
    list_set_state(GetDlgItem(dialog, IDC_SETUP_LOGON_LIST), 1, INDEXTOSTATEIMAGEMASK(2), LVIS_STATEIMAGEMASK);
    SendDlgItemMessageW(dialog, IDC_SETUP_ASK, BM_CLICK, 0, 0);
    ok(!checked(dialog, IDC_SETUP_ASK), "Ask still checked.\n");
    ok(setting("Events\\Logon", "Ask") == 1, "saved before OK.\n");
    show_tab(dialog, 1);
    ok(IsWindowVisible(GetDlgItem(dialog, IDC_SETUP_IDLE_LIST))
       && !IsWindowVisible(GetDlgItem(dialog, IDC_SETUP_LOGON_LIST)), "not on the On Idle tab.\n");
    list_set_state(GetDlgItem(dialog, IDC_SETUP_IDLE_LIST), 0, INDEXTOSTATEIMAGEMASK(1), LVIS_STATEIMAGEMASK);
    list_set_state(GetDlgItem(dialog, IDC_SETUP_IDLE_LIST), 3, INDEXTOSTATEIMAGEMASK(2), LVIS_STATEIMAGEMASK);
    ok(box(dialog, IDC_SETUP_IDLE_LIST, 1) == 1 && box(dialog, IDC_SETUP_IDLE_LIST, 3) == 2,
       "idle boxes %d %d.\n", box(dialog, IDC_SETUP_IDLE_LIST, 1), box(dialog, IDC_SETUP_IDLE_LIST, 3));
    SendDlgItemMessageW(dialog, IDC_SETUP_IDLE, BM_CLICK, 0, 0);
    save_dialog(dialog, "settings_idle");

    /* Advanced: 0 minutes refused with a line, 30 taken, no repeating. */
    PostMessageW(GetDlgItem(dialog, IDC_SETUP_ADVANCED), BM_CLICK, 0, 0);
    editor = wait_for_window(pid, L"Idle Settings", 0);
    ok(editor != NULL, "no Idle Settings.\n");
    if (editor)
    {
        GetDlgItemTextA(editor, IDC_IDLE_WAIT, text, sizeof(text));
        ok(!strcmp(text, "15"), "waits \"%s\" minutes.\n", text);
        ok(checked(editor, IDC_IDLE_REPEAT), "repeating is off.\n");
        save_dialog(editor, "settings_advanced");
        SetDlgItemTextA(editor, IDC_IDLE_WAIT, "0");
        SendMessageW(GetDlgItem(editor, IDOK), BM_CLICK, 0, 0);
        GetDlgItemTextA(editor, IDC_IDLE_ERROR, text, sizeof(text));
        ok(IsWindow(editor) && text[0], "0 minutes taken: \"%s\".\n", text);
        SetDlgItemTextA(editor, IDC_IDLE_WAIT, "30");
        SendMessageW(GetDlgItem(editor, IDC_IDLE_REPEAT), BM_CLICK, 0, 0);
        SendMessageW(GetDlgItem(editor, IDOK), BM_CLICK, 0, 0);
    }
    wait_for_window(pid, setup_title, 0);

    /* A schedule: item 1 only. */
    show_tab(dialog, 2);
    ok(IsWindowVisible(GetDlgItem(dialog, IDC_SETUP_SCHEDULES)), "not on the Scheduled tab.\n");
    PostMessageW(GetDlgItem(dialog, IDC_SETUP_ADD), BM_CLICK, 0, 0);
    editor = wait_for_window(pid, L"Scheduled Synchronization", 0);
    ok(editor != NULL, "no schedule editor.\n");
    if (editor)
    {
        SendDlgItemMessageW(editor, IDC_SCHEDULE_NAME, WM_SETTEXT, 0, (LPARAM)L"nightly");
        ok(SendDlgItemMessageW(editor, IDC_SCHEDULE_LIST, LVM_GETITEMCOUNT, 0, 0) == 4, "%Id editor rows.\n",
           SendDlgItemMessageW(editor, IDC_SCHEDULE_LIST, LVM_GETITEMCOUNT, 0, 0));
        ok(box(editor, IDC_SCHEDULE_LIST, 1) == 1, "a new schedule chose item 1.\n");
        GetDlgItemTextA(editor, IDC_SCHEDULE_REPEAT, text, sizeof(text));
        ok(!strcmp(text, "Every day"), "a new schedule repeats \"%s\".\n", text);
        list_set_state(GetDlgItem(editor, IDC_SCHEDULE_LIST), 1, INDEXTOSTATEIMAGEMASK(2), LVIS_STATEIMAGEMASK);
        save_dialog(editor, "settings_schedule");
        SendMessageW(GetDlgItem(editor, IDOK), BM_CLICK, 0, 0);
    }
    wait_for_window(pid, setup_title, 0);
    ok(stored("Schedules\\nightly", 0x01, 1) == 1 && stored("Schedules\\nightly", 0x01, 2) == 0,
       "schedule items %lu %lu.\n", stored("Schedules\\nightly", 0x01, 1), stored("Schedules\\nightly", 0x01, 2));
    ok(setting("Schedules\\nightly", "Recurrence") == 1, "recurrence %lu.\n", setting("Schedules\\nightly", "Recurrence"));
    ok(SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0) == 1, "%Id schedules listed.\n",
       SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0));
    list_text(GetDlgItem(dialog, IDC_SETUP_SCHEDULES), 0, 0, text, sizeof(text));
    ok(!strcmp(text, "nightly"), "schedule \"%s\".\n", text);
    list_text(GetDlgItem(dialog, IDC_SETUP_SCHEDULES), 0, 2, text, sizeof(text));
    ok(!strcmp(text, "Every day"), "repeats \"%s\".\n", text);
    save_dialog(dialog, "settings_scheduled");

    /* Saving makes a prefix start run mobsync /logon: logon has items. */
    strcpy(run_services, autorun_value(RUNSERVICES_KEY));
    strcpy(run_value, autorun_value(RUN_KEY));
    set_autorun_value(RUNSERVICES_KEY, "");
    set_autorun_value(RUN_KEY, "");
    SendMessageW(GetDlgItem(dialog, IDOK), BM_CLICK, 0, 0);
    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(has_call(0x01, "SetProgressCallback NULL"), "the handler was not released.\n");
    ok(!strcmp(autorun_value(RUNSERVICES_KEY), "rundll32.exe mobsync.dll,RunLogon")
       && !strcmp(autorun_value(RUN_KEY), "mobsync.exe /logon"), "saving left RunServices %s, Run %s.\n",
       autorun_value(RUNSERVICES_KEY), autorun_value(RUN_KEY));
    set_autorun_value(RUNSERVICES_KEY, run_services);
    set_autorun_value(RUN_KEY, run_value);
    ok(stored("Events\\Logon", 0x01, 1) == 1 && stored("Events\\Logon", 0x01, 2) == 1
       && stored("Events\\Logon", 0x01, 3) == 0, "logon %lu %lu %lu.\n", stored("Events\\Logon", 0x01, 1),
       stored("Events\\Logon", 0x01, 2), stored("Events\\Logon", 0x01, 3));
    ok(stored("Events\\Logoff", 0x01, 1) == 1 && stored("Events\\Logoff", 0x01, 3) == 0,
       "logoff %lu %lu.\n", stored("Events\\Logoff", 0x01, 1), stored("Events\\Logoff", 0x01, 3));
    ok(setting("Events\\Logon", "Ask") == 0 && setting("Events\\Logoff", "Ask") == 0, "Ask %lu %lu.\n",
       setting("Events\\Logon", "Ask"), setting("Events\\Logoff", "Ask"));
    ok(setting("Events\\Idle", "Enabled") == 1, "idle Enabled %lu.\n", setting("Events\\Idle", "Enabled"));
    ok(setting("Events\\Idle", "WaitMinutes") == 30, "WaitMinutes %lu.\n", setting("Events\\Idle", "WaitMinutes"));
    ok(setting("Events\\Idle", "RepeatMinutes") == 0, "RepeatMinutes %lu.\n", setting("Events\\Idle", "RepeatMinutes"));
    ok(setting("Events\\Idle", "PreventOnBattery") == 1, "PreventOnBattery %lu.\n",
       setting("Events\\Idle", "PreventOnBattery"));
    ok(stored("Events\\Idle", 0x01, 1) == 0 && stored("Events\\Idle", 0x01, 3) == 1, "idle %lu %lu.\n",
       stored("Events\\Idle", 0x01, 1), stored("Events\\Idle", 0x01, 3));

    /* The switches synchronize what was saved, with their events' flags. */
    if (run_mobsync("/logon"))
    {
        ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000001 cookie=0:811c9dc5"),
           "got \"%s\".\n", initialize_call(0x01));
        ok(has_line(result_line("succeeded", 0x01, 1)) && has_line(result_line("succeeded", 0x01, 2))
           && !strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "/logon:\n%s", output);
    }
    if (run_mobsync("/logoff"))
    {
        ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000002 cookie=0:811c9dc5"),
           "got \"%s\".\n", initialize_call(0x01));
        ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "/logoff:\n%s", output);
    }
    if (run_mobsync("/idle"))
    {
        ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000004 cookie=0:811c9dc5"),
           "got \"%s\".\n", initialize_call(0x01));
        ok(has_line(result_line("succeeded", 0x01, 3)) && !strcmp(last_line(), "1 succeeded, 0 failed, 0 skipped"),
           "/idle:\n%s", output);
    }
    if (run_mobsync("/schedule:nightly"))
    {
        ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000006 cookie=0:811c9dc5"),
           "got \"%s\".\n", initialize_call(0x01));
        ok(has_line(result_line("succeeded", 0x01, 1)) && !strcmp(last_line(), "1 succeeded, 0 failed, 0 skipped"),
           "/schedule:nightly:\n%s", output);
    }

done:
    delete_settings_store();
    unregister_handler(0x01);
}

#define BROKEN 0x20  /* registered with a DLL that does not exist */

static const WCHAR editor_title[] = L"Scheduled Synchronization";

/* Selects schedule name in Synchronization Settings and clicks Edit: the
 * editor, or NULL. */
static HWND edit_schedule(HWND dialog, DWORD pid, const char *name)
{
    HWND editor;
    int row;

    row = schedule_row(dialog, name);
    ok(row >= 0, "%s is not listed.\n", name);
    select_schedule(dialog, row);
    PostMessageW(GetDlgItem(dialog, IDC_SETUP_EDIT), BM_CLICK, 0, 0);
    editor = wait_for_window(pid, editor_title, 0);
    ok(editor != NULL, "Edit opened no editor.\n");
    return editor;
}

/* The Scheduled tab and the editor of a schedule: selecting a row enables
 * Edit and Remove, Remove deletes the schedule's key; the editor lists a
 * handler that cannot be loaded with its error, refuses a name taken and
 * a number of days out of range, enables the days only for "every few
 * days", and a schedule renamed takes its items along, those of handlers
 * not shown too, its old key gone, while one renamed only in case stays;
 * Cancel saves nothing. Then Apply saves the tabs at once, and closing the
 * window saves nothing more. */
static void test_schedule_editor(void)
{
    char run_services[MAX_PATH], run_value[MAX_PATH], text[300];
    ULONGLONG start, saved_at;
    struct mobsync_run run;
    HWND dialog, editor;
    int row;
    DWORD pid;

    strcpy(run_services, autorun_value(RUNSERVICES_KEY));
    strcpy(run_value, autorun_value(RUN_KEY));
    register_handler(0x01);
    register_handler_ex(BROKEN, "mobsync_no_such_handler.dll", "Apartment", 0);
    delete_item_settings(0x01);
    delete_settings_store();
    /* Tomorrow, to the second: the editor shows and saves whole seconds. */
    GetSystemTimeAsFileTime((FILETIME *)&start);
    start += 24 * 3600 * (ULONGLONG)10000000;
    start -= start % 10000000;
    write_schedule("nightly", start, 0x01, 2);
    /* Chosen for a handler this dialog does not load. */
    set_choice("Schedules\\nightly", 0x02, 1, 1);
    write_schedule("weekly", start, 0x01, 1);
    write_schedule("old", start, 0x01, 1);
    DeleteFileA(log_path);
    if (!(dialog = open_setup(wine_dbg_sprintf("/setup%s", only(2, 0x01, BROKEN)), &run, IDC_SETUP_STATUS)))
        goto done;
    pid = GetProcessId(run.process);
    show_tab(dialog, 2);
    ok(SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0) == 3, "%Id schedules listed.\n",
       SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0));
    ok(!IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_EDIT)) && !IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_REMOVE)),
       "Edit or Remove enabled with no schedule selected.\n");
    ok(!IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_APPLY)), "Apply enabled with nothing changed.\n");

    /* Remove: the schedule's key goes, with its items. */
    row = schedule_row(dialog, "old");
    ok(row >= 0, "old is not listed.\n");
    select_schedule(dialog, row);
    ok(IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_EDIT)) && IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_REMOVE)),
       "Edit or Remove disabled with a schedule selected.\n");
    SendMessageW(GetDlgItem(dialog, IDC_SETUP_REMOVE), BM_CLICK, 0, 0);
    ok(!key_exists("Schedules\\old"), "Remove left the schedule's key.\n");
    ok(key_exists("Schedules\\nightly") && key_exists("Schedules\\weekly"), "Remove took another schedule.\n");
    ok(SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0) == 2, "%Id schedules listed.\n",
       SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0));
    ok(schedule_row(dialog, "old") < 0, "old is still listed.\n");
    ok(!IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_REMOVE)), "Remove enabled with nothing selected.\n");

    /* Edit nightly. */
    editor = edit_schedule(dialog, pid, "nightly");
    if (!editor) goto close;
    GetDlgItemTextA(editor, IDC_SCHEDULE_NAME, text, sizeof(text));
    ok(!strcmp(text, "nightly"), "editing \"%s\".\n", text);
    /* Handler 01 and its items, then the one that cannot be loaded and
     * its error, without a box. */
    ok(SendDlgItemMessageW(editor, IDC_SCHEDULE_LIST, LVM_GETITEMCOUNT, 0, 0) == 6, "%Id editor rows.\n",
       SendDlgItemMessageW(editor, IDC_SCHEDULE_LIST, LVM_GETITEMCOUNT, 0, 0));
    ok(box(editor, IDC_SCHEDULE_LIST, 1) == 1 && box(editor, IDC_SCHEDULE_LIST, 2) == 2
       && box(editor, IDC_SCHEDULE_LIST, 3) == 1, "item boxes %d %d %d.\n", box(editor, IDC_SCHEDULE_LIST, 1),
       box(editor, IDC_SCHEDULE_LIST, 2), box(editor, IDC_SCHEDULE_LIST, 3));
    list_text(GetDlgItem(editor, IDC_SCHEDULE_LIST), 4, 0, text, sizeof(text));
    ok(!strcmp(text, handler_str(BROKEN)), "row 4: \"%s\".\n", text);
    list_text(GetDlgItem(editor, IDC_SCHEDULE_LIST), 5, 0, text, sizeof(text));
    ok(!strncmp(text, "cannot be loaded (0x", 20), "row 5: \"%s\".\n", text);
    ok(box(editor, IDC_SCHEDULE_LIST, 5) == 0, "the error row has box %d.\n", box(editor, IDC_SCHEDULE_LIST, 5));
    /* A row without a box cannot be given one. */
    list_set_state(GetDlgItem(editor, IDC_SCHEDULE_LIST), 4, INDEXTOSTATEIMAGEMASK(2), LVIS_STATEIMAGEMASK);
    list_set_state(GetDlgItem(editor, IDC_SCHEDULE_LIST), 5, INDEXTOSTATEIMAGEMASK(2), LVIS_STATEIMAGEMASK);
    ok(box(editor, IDC_SCHEDULE_LIST, 4) == 0 && box(editor, IDC_SCHEDULE_LIST, 5) == 0,
       "the failed handler's rows were checked: %d %d.\n", box(editor, IDC_SCHEDULE_LIST, 4),
       box(editor, IDC_SCHEDULE_LIST, 5));
    save_dialog(editor, "settings_schedule_error");

    /* The days only for "every few days". */
    ok(!IsWindowEnabled(GetDlgItem(editor, IDC_SCHEDULE_DAYS)), "days enabled for a daily schedule.\n");
    choose_repeat(editor, 3);
    ok(IsWindowEnabled(GetDlgItem(editor, IDC_SCHEDULE_DAYS)), "days disabled for every few days.\n");
    choose_repeat(editor, 2);
    ok(!IsWindowEnabled(GetDlgItem(editor, IDC_SCHEDULE_DAYS)), "days enabled for weekdays.\n");
    choose_repeat(editor, 3);

    /* Refused, with a line, the editor kept and nothing written. */
    GetDlgItemTextA(editor, IDC_SCHEDULE_ERROR, text, sizeof(text));
    ok(!text[0], "an error shown already: \"%s\".\n", text);
    SetDlgItemTextA(editor, IDC_SCHEDULE_DAYS, "0");
    SendMessageW(GetDlgItem(editor, IDOK), BM_CLICK, 0, 0);
    GetDlgItemTextA(editor, IDC_SCHEDULE_ERROR, text, sizeof(text));
    ok(!strcmp(text, "The number of days is 1 to 365."), "0 days: \"%s\".\n", text);
    SetDlgItemTextA(editor, IDC_SCHEDULE_ERROR, "");
    SetDlgItemTextA(editor, IDC_SCHEDULE_DAYS, "366");
    SendMessageW(GetDlgItem(editor, IDOK), BM_CLICK, 0, 0);
    GetDlgItemTextA(editor, IDC_SCHEDULE_ERROR, text, sizeof(text));
    ok(!strcmp(text, "The number of days is 1 to 365."), "366 days: \"%s\".\n", text);
    SetDlgItemTextA(editor, IDC_SCHEDULE_DAYS, "2");
    /* Another's name, in other case. */
    SetDlgItemTextA(editor, IDC_SCHEDULE_NAME, "Weekly");
    SendMessageW(GetDlgItem(editor, IDOK), BM_CLICK, 0, 0);
    GetDlgItemTextA(editor, IDC_SCHEDULE_ERROR, text, sizeof(text));
    ok(!strcmp(text, "There is a schedule of that name already."), "a name taken: \"%s\".\n", text);
    ok(IsWindow(editor), "the editor closed on a refusal.\n");
    ok(setting("Schedules\\nightly", "Recurrence") == 1 && setting("Schedules\\weekly", "Recurrence") == 1,
       "a refusal wrote Recurrence %lu, %lu.\n", setting("Schedules\\nightly", "Recurrence"),
       setting("Schedules\\weekly", "Recurrence"));

    /* Renamed, item 3 chosen too, every 2 days. */
    SetDlgItemTextA(editor, IDC_SCHEDULE_NAME, "every night");
    list_set_state(GetDlgItem(editor, IDC_SCHEDULE_LIST), 3, INDEXTOSTATEIMAGEMASK(2), LVIS_STATEIMAGEMASK);
    GetSystemTimeAsFileTime((FILETIME *)&saved_at);
    SendMessageW(GetDlgItem(editor, IDOK), BM_CLICK, 0, 0);
    ok(wait_for_no_window(pid, editor_title), "the editor did not close.\n");
    ok(!key_exists("Schedules\\nightly"), "the old name's key is left.\n");
    ok(setting("Schedules\\every night", "Recurrence") == 3 && setting("Schedules\\every night", "Days") == 2,
       "saved Recurrence %lu, Days %lu.\n", setting("Schedules\\every night", "Recurrence"),
       setting("Schedules\\every night", "Days"));
    ok(qword_setting("Schedules\\every night", "Start") == start, "Start %s, was %s.\n",
       wine_dbgstr_longlong(qword_setting("Schedules\\every night", "Start")), wine_dbgstr_longlong(start));
    ok(qword_setting("Schedules\\every night", "LastRun") >= saved_at, "LastRun %s, saved at %s.\n",
       wine_dbgstr_longlong(qword_setting("Schedules\\every night", "LastRun")), wine_dbgstr_longlong(saved_at));
    ok(stored("Schedules\\every night", 0x01, 1) == 0 && stored("Schedules\\every night", 0x01, 2) == 1
       && stored("Schedules\\every night", 0x01, 3) == 1, "items %lu %lu %lu.\n",
       stored("Schedules\\every night", 0x01, 1), stored("Schedules\\every night", 0x01, 2),
       stored("Schedules\\every night", 0x01, 3));
    ok(stored("Schedules\\every night", 0x02, 1) == 1, "the handler not loaded lost its item: %lu.\n",
       stored("Schedules\\every night", 0x02, 1));
    ok(wait_for_rows(dialog, IDC_SETUP_SCHEDULES, 2) == 2, "%Id schedules listed.\n",
       SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0));
    row = schedule_row(dialog, "every night");
    ok(row >= 0 && schedule_row(dialog, "nightly") < 0, "the list does not show the new name.\n");
    list_text(GetDlgItem(dialog, IDC_SETUP_SCHEDULES), row, 2, text, sizeof(text));
    ok(!strcmp(text, "Every 2 days"), "repeats \"%s\".\n", text);

    /* Add, then Cancel: nothing written. */
    PostMessageW(GetDlgItem(dialog, IDC_SETUP_ADD), BM_CLICK, 0, 0);
    editor = wait_for_window(pid, editor_title, 0);
    ok(editor != NULL, "Add opened no editor.\n");
    if (!editor) goto close;
    SetDlgItemTextA(editor, IDC_SCHEDULE_NAME, "discarded");
    list_set_state(GetDlgItem(editor, IDC_SCHEDULE_LIST), 1, INDEXTOSTATEIMAGEMASK(2), LVIS_STATEIMAGEMASK);
    SendMessageW(GetDlgItem(editor, IDCANCEL), BM_CLICK, 0, 0);
    ok(wait_for_no_window(pid, editor_title), "Cancel did not close the editor.\n");
    ok(!key_exists("Schedules\\discarded"), "Cancel saved the schedule.\n");
    ok(wait_for_rows(dialog, IDC_SETUP_SCHEDULES, 2) == 2, "%Id schedules listed.\n",
       SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0));

    /* A name changed only in case is the same key: the schedule stays. */
    editor = edit_schedule(dialog, pid, "weekly");
    if (!editor) goto close;
    SetDlgItemTextA(editor, IDC_SCHEDULE_NAME, "WEEKLY");
    SendMessageW(GetDlgItem(editor, IDOK), BM_CLICK, 0, 0);
    ok(wait_for_no_window(pid, editor_title), "the editor did not close.\n");
    ok(key_exists("Schedules\\weekly"), "the schedule renamed in case is gone.\n");
    ok(setting("Schedules\\weekly", "Recurrence") == 1 && stored("Schedules\\weekly", 0x01, 1) == 1,
       "weekly: Recurrence %lu, item %lu.\n", setting("Schedules\\weekly", "Recurrence"),
       stored("Schedules\\weekly", 0x01, 1));
    ok(wait_for_rows(dialog, IDC_SETUP_SCHEDULES, 2) == 2, "%Id schedules listed.\n",
       SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0));

    /* Apply saves the tabs, and is disabled again. */
    show_tab(dialog, 0);
    SendDlgItemMessageW(dialog, IDC_SETUP_LOGON, BM_CLICK, 0, 0);
    ok(IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_APPLY)), "Apply disabled after a change.\n");
    ok(setting("Events\\Logon", "Enabled") == ~0u, "saved before Apply: %lu.\n", setting("Events\\Logon", "Enabled"));
    SendDlgItemMessageW(dialog, IDC_SETUP_APPLY, BM_CLICK, 0, 0);
    ok(setting("Events\\Logon", "Enabled") == 0 && setting("Events\\Logoff", "Enabled") == 1,
       "Apply saved logon %lu, logoff %lu.\n", setting("Events\\Logon", "Enabled"),
       setting("Events\\Logoff", "Enabled"));
    ok(!IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_APPLY)), "Apply enabled after applying.\n");
    /* Closing the window is Cancel. */
    SendDlgItemMessageW(dialog, IDC_SETUP_LOGOFF, BM_CLICK, 0, 0);
    ok(IsWindowEnabled(GetDlgItem(dialog, IDC_SETUP_APPLY)), "Apply disabled after a change.\n");
close:
    PostMessageW(dialog, WM_CLOSE, 0, 0);
    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(setting("Events\\Logoff", "Enabled") == 1, "closing saved logoff %lu.\n", setting("Events\\Logoff", "Enabled"));
    ok(has_call(0x01, "SetProgressCallback NULL"), "the handler was not released.\n");

done:
    delete_settings_store();
    set_autorun_value(RUNSERVICES_KEY, run_services);
    set_autorun_value(RUN_KEY, run_value);
    unregister_handler(0x01);
    unregister_handler(BROKEN);
}

/* While a handler is still loading, the row a person selected stays
 * selected when the list is made again for the one that answers. */
static void test_loading(void)
{
    HWND dialog, list;
    struct mobsync_run run;
    HANDLE release;
    char name[64];
    DWORD pid;

    sprintf(name, TEST_RELEASE_EVENT, TEST_BLOCK_INIT, 1);
    release = CreateEventA(NULL, TRUE, FALSE, name);
    register_handler_ex(0x01, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_CONNECT);
    register_handler_ex(TEST_BLOCK_INIT, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_CONNECT);
    delete_settings_store();
    DeleteFileA(log_path);
    if (!start_mobsync(wine_dbg_sprintf("/setup%s", only(2, 0x01, TEST_BLOCK_INIT)), &run)) goto done;
    pid = GetProcessId(run.process);
    dialog = wait_for_window(pid, setup_title, 0);
    ok(dialog != NULL, "no Synchronization Settings.\n");
    if (!dialog)
    {
        SetEvent(release);
        TerminateProcess(run.process, 1);
        finish_mobsync(&run);
        goto done;
    }
    list = GetDlgItem(dialog, IDC_SETUP_LOGON_LIST);
    ok(wait_for_rows(dialog, IDC_SETUP_LOGON_LIST, 4) == 4, "%Id rows before the second handler answers.\n",
       SendMessageW(list, LVM_GETITEMCOUNT, 0, 0));
    ok(wait_for_call(TEST_BLOCK_INIT, "Blocking"), "the second handler was not asked.\n");
    ok(IsWindowVisible(GetDlgItem(dialog, IDC_SETUP_STATUS)), "no line says a handler is loading.\n");
    list_set_state(list, 2, LVIS_SELECTED | LVIS_FOCUSED, LVIS_SELECTED | LVIS_FOCUSED);
    SetEvent(release);
    ok(wait_for_window(pid, setup_title, IDC_SETUP_STATUS) == dialog, "the loading line stays.\n");
    ok(wait_for_rows(dialog, IDC_SETUP_LOGON_LIST, 8) == 8, "%Id rows.\n", SendMessageW(list, LVM_GETITEMCOUNT, 0, 0));
    ok(SendMessageW(list, LVM_GETITEMSTATE, 2, LVIS_SELECTED) == LVIS_SELECTED, "row 2 is not selected.\n");
    ok(SendMessageW(list, LVM_GETNEXTITEM, -1, LVNI_SELECTED) == 2, "row %Id is selected.\n",
       SendMessageW(list, LVM_GETNEXTITEM, -1, LVNI_SELECTED));
    SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
done:
    CloseHandle(release);
    unregister_handler(0x01);
    unregister_handler(TEST_BLOCK_INIT);
    delete_settings_store();
}

/* A handler registered for logon in the other architecture's view only:
 * listed on Logon/Logoff from the worker, told SETTINGS there too; Cancel
 * writes nothing. */
static void test_other_arch(void)
{
    struct mobsync_run run;
    char key_name[256];
    DWORD flags = SYNCMGRREGISTERFLAG_CONNECT;
    HWND dialog;
    HKEY key;

    register_other_view(0x01);
    sprintf(key_name, "%s\\%s", MOBSYNC_HANDLERS_KEY_A, handler_str(0x01));
    if (!RegOpenKeyExA(HKEY_LOCAL_MACHINE, key_name, 0, KEY_SET_VALUE | OTHER_VIEW, &key))
    {
        RegSetValueExA(key, "RegisterFlags", 0, REG_DWORD, (BYTE *)&flags, sizeof(flags));
        RegCloseKey(key);
    }
    delete_settings_store();
    DeleteFileA(log_path);
    if (!start_mobsync(wine_dbg_sprintf("/setup%s", only(1, 0x01)), &run)) goto done;
    dialog = wait_for_window(GetProcessId(run.process), setup_title, IDC_SETUP_STATUS);
    ok(dialog != NULL, "no Synchronization Settings.\n");
    if (dialog)
    {
        ok(SendDlgItemMessageW(dialog, IDC_SETUP_LOGON_LIST, LVM_GETITEMCOUNT, 0, 0) == 4, "%Id rows.\n",
           SendDlgItemMessageW(dialog, IDC_SETUP_LOGON_LIST, LVM_GETITEMCOUNT, 0, 0));
        ok(SendDlgItemMessageW(dialog, IDC_SETUP_IDLE_LIST, LVM_GETITEMCOUNT, 0, 0) == 0,
           "listed for idle, registered for logon only.\n");
        ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000100 cookie=0:811c9dc5"),
           "got \"%s\".\n", initialize_call(0x01));
        list_set_state(GetDlgItem(dialog, IDC_SETUP_LOGON_LIST), 1, INDEXTOSTATEIMAGEMASK(1), LVIS_STATEIMAGEMASK);
        SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
    }
    else TerminateProcess(run.process, 1);
    finish_mobsync(&run);
    ok(stored("Events\\Logon", 0x01, 1) == ~0u, "Cancel saved %lu.\n", stored("Events\\Logon", 0x01, 1));
done:
    unregister_other_view(0x01);
}

/* Setup in Items to Synchronize opens Synchronization Settings. */
static void test_setup_button(void)
{
    struct mobsync_run run;
    HWND choice, setup;

    register_handler(0x01);
    if (!start_mobsync(only(1, 0x01), &run)) goto done;
    choice = wait_for_window(GetProcessId(run.process), L"Items to Synchronize", IDC_CHOICE_STATUS);
    ok(choice != NULL, "no Items to Synchronize.\n");
    if (choice)
    {
        SendMessageW(GetDlgItem(choice, IDC_CHOICE_SETUP), BM_CLICK, 0, 0);
        setup = wait_for_window(0, setup_title, IDC_SETUP_STATUS);
        ok(setup != NULL, "Setup opened no Synchronization Settings.\n");
        if (setup) SendMessageW(GetDlgItem(setup, IDCANCEL), BM_CLICK, 0, 0);
        SendMessageW(GetDlgItem(choice, IDCANCEL), BM_CLICK, 0, 0);
    }
    else TerminateProcess(run.process, 1);
    finish_mobsync(&run);
done:
    unregister_handler(0x01);
}

START_TEST(settings)
{
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    init_test();
    test_settings();
    test_schedule_editor();
    test_loading();
    if (both_arches()) test_other_arch();
    else skip("the other architecture cannot run here.\n");
    test_setup_button();
    CoUninitialize();
}
