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
    if (!start_mobsync(wine_dbg_sprintf("/setup%s", only(1, 0x01)), &run)) goto done;
    pid = GetProcessId(run.process);
    dialog = wait_for_window(pid, setup_title, IDC_SETUP_STATUS);
    ok(dialog != NULL, "no Synchronization Settings.\n");
    if (!dialog)
    {
        TerminateProcess(run.process, 1);
        finish_mobsync(&run);
        goto done;
    }
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
    if (both_arches()) test_other_arch();
    else skip("the other architecture cannot run here.\n");
    test_setup_button();
    CoUninitialize();
}
