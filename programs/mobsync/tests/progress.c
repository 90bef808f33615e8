/*
 * Tests of Synchronizing, the progress dialog: what it shows of each item,
 * Skip and Stop, Results, and when it closes by itself (KeepProgressLevel).
 * It is opened as a person opens it: Synchronize in Items to Synchronize.
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

enum { COLUMN_ITEM, COLUMN_HANDLER, COLUMN_STATUS, COLUMN_PROGRESS, COLUMN_DETAILS };

#define SYNCMGR_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr"

/* KeepProgressLevel in the 64-bit view, where both architectures read it;
 * 0 deletes it. */
static void set_keep_level(DWORD level)
{
    HKEY key;

    if (RegCreateKeyExA(HKEY_LOCAL_MACHINE, SYNCMGR_KEY, 0, NULL, 0, KEY_ALL_ACCESS | KEY_WOW64_64KEY,
                        NULL, &key, NULL))
        return;
    if (!level) RegDeleteValueA(key, "KeepProgressLevel");
    else RegSetValueExA(key, "KeepProgressLevel", 0, REG_DWORD, (BYTE *)&level, sizeof(level));
    RegCloseKey(key);
}

/* Plain mobsync for these handlers, Synchronize clicked in Items to
 * Synchronize: its progress dialog, NULL (the process ended) when none
 * came. */
static HWND start_progress(const char *args, struct mobsync_run *run)
{
    HWND choice, progress;
    DWORD pid;

    if (!start_mobsync(args, run)) return NULL;
    pid = GetProcessId(run->process);
    if ((choice = wait_for_window(pid, L"Items to Synchronize", IDC_CHOICE_STATUS)))
    {
        SendMessageW(GetDlgItem(choice, IDC_CHOICE_SYNC), BM_CLICK, 0, 0);
        if ((progress = wait_for_window(pid, L"Synchronizing", 0))) return progress;
    }
    ok(0, "mobsync %s: no %s dialog.\n", args, choice ? "progress" : "choice");
    TerminateProcess(run->process, 1);
    finish_mobsync(run);
    return NULL;
}

static BOOL button_says(HWND dialog, int id, const char *text)
{
    char buffer[64];

    GetDlgItemTextA(dialog, id, buffer, sizeof(buffer));
    return !strcmp(buffer, text);
}

/* Waits, at most 20 s, until the run is over and the dialog stays open to
 * be read: Stop has become Close. */
static BOOL wait_for_close_button(HWND dialog)
{
    DWORD start = GetTickCount();

    do
    {
        if (button_says(dialog, IDCANCEL, "Close")) return TRUE;
        pump(20);
    } while (GetTickCount() - start < 20000 && IsWindow(dialog));
    return FALSE;
}

/* Waits, at most 20 s, until a cell of the Progress list says text. */
static BOOL wait_for_cell(HWND dialog, int row, int column, const char *text)
{
    HWND list = GetDlgItem(dialog, IDC_PROGRESS_ITEMS);
    DWORD start = GetTickCount();
    char cell[300];

    do
    {
        list_text(list, row, column, cell, sizeof(cell));
        if (!strcmp(cell, text)) return TRUE;
        pump(20);
    } while (GetTickCount() - start < 20000);
    trace("row %d column %d: \"%s\".\n", row, column, cell);
    return FALSE;
}

#define ok_cell(dialog, list, row, column, expected) ok_cell_(__LINE__, dialog, list, row, column, expected)
static void ok_cell_(int line, HWND dialog, int list, int row, int column, const char *expected)
{
    char cell[300];

    list_text(GetDlgItem(dialog, list), row, column, cell, sizeof(cell));
    ok_(__FILE__, line)(!strcmp(cell, expected), "row %d column %d: \"%s\", expected \"%s\".\n", row,
                        column, cell, expected);
}

/* Once everything is done the dialog closes by itself unless something is
 * worth reading, as KeepProgressLevel says: 1 errors, 2 warnings, 3 (also
 * when absent) both, 4 information too. */
static void test_keep_level(void)
{
    static const struct
    {
        DWORD level;
        int handler;
        BOOL stays;
    }
    tests[] =
    {
        { 0, 0x01, FALSE }, /* information only */
        { 0, 0x21, TRUE },  /* a warning */
        { 0, 0x02, TRUE },  /* an error, and a failed item */
        { 1, 0x21, FALSE },
        { 1, 0x02, TRUE },
        { 2, 0x21, TRUE },
        { 2, 0x02, FALSE },
        { 3, 0x21, TRUE },
        { 3, 0x01, FALSE },
        { 4, 0x01, TRUE },
        { 9, 0x21, TRUE },  /* not a level: taken as 3 */
    };
    struct mobsync_run run;
    unsigned int i;
    HWND dialog;

    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        winetest_push_context("level %lu, handler %02x", tests[i].level, tests[i].handler);
        register_handler(tests[i].handler);
        delete_item_settings(tests[i].handler);
        set_keep_level(tests[i].level);
        if ((dialog = start_progress(only(1, tests[i].handler), &run)))
        {
            if (tests[i].stays)
            {
                ok(wait_for_close_button(dialog), "the dialog did not stay open.\n");
                ok(IsWindow(dialog), "the dialog closed.\n");
                SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
            }
            /* Otherwise it closes by itself: the process ends. */
            finish_mobsync(&run);
            ok(exit_code == (tests[i].handler == 0x02), "exit code %lu.\n", exit_code);
        }
        unregister_handler(tests[i].handler);
        winetest_pop_context();
    }
    set_keep_level(0);
}

/* A row per chosen item with its handler, status, progress and status text
 * as reported; at the end the bar is where the last report put it. */
static void test_rows(void)
{
    struct mobsync_run run;
    char name[64];
    HANDLE event;
    HWND dialog;

    sprintf(name, TEST_RELEASE_EVENT, 0x22, 0);
    event = CreateEventA(NULL, TRUE, FALSE, name);
    register_handler(0x01);
    register_handler(0x22);
    delete_item_settings(0x01);
    delete_item_settings(0x22);
    /* Handler 01's information entry keeps the dialog open at level 4. */
    set_keep_level(4);
    DeleteFileA(log_path);
    if (!(dialog = start_progress(only(2, 0x01, 0x22), &run))) goto done;
    ok(wait_for_call(0x22, "Progressed"), "no progress.\n");
    /* Rows 0 and 1: handler 01's items; 2 and 3: handler 22's. */
    ok(wait_for_cell(dialog, 3, COLUMN_DETAILS, "step 7 of 10 (item 2)"), "no status text.\n");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_ITEM, "Item 1");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_HANDLER, "Test handler 22");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_STATUS, "Updating");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_PROGRESS, "7 of 10");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_DETAILS, "step 7 of 10 (item 1)");
    ok(button_says(dialog, IDCANCEL, "&Stop"), "Stop is not there.\n");
    save_dialog(dialog, "progress_running");

    SetEvent(event);
    ok(wait_for_close_button(dialog), "the dialog did not stay open.\n");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 0, COLUMN_STATUS, "Succeeded");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_STATUS, "Succeeded");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_PROGRESS, "10 of 10");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 3, COLUMN_DETAILS, "copied");
    ok(SendDlgItemMessageW(dialog, IDC_PROGRESS_BAR, PBM_GETPOS, 0, 0) == 1000, "the bar is at %Id.\n",
       SendDlgItemMessageW(dialog, IDC_PROGRESS_BAR, PBM_GETPOS, 0, 0));
    /* Handler 01's entry, in Results. */
    ok_cell(dialog, IDC_PROGRESS_RESULTS, 0, 0, "Test handler 01");
    ok_cell(dialog, IDC_PROGRESS_RESULTS, 0, 1, "Item 1");
    ok_cell(dialog, IDC_PROGRESS_RESULTS, 0, 2, "3 files copied");
    ok(!IsWindowEnabled(GetDlgItem(dialog, IDC_PROGRESS_SKIP)), "Skip is enabled at the end.\n");
    save_dialog(dialog, "progress_finished");
    SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    /* The results are written as /sync writes them, too. */
    ok(!strcmp(last_line(), "4 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());

done:
    SetEvent(event);
    CloseHandle(event);
    set_keep_level(0);
    unregister_handler(0x01);
    unregister_handler(0x22);
}

/* The release event of object n of handler NN (TEST_RELEASE_EVENT). */
static HANDLE release_event(int n, int object)
{
    char name[64];

    sprintf(name, TEST_RELEASE_EVENT, n, object);
    return CreateEventA(NULL, TRUE, FALSE, name);
}

/* Skip takes the path of mobsync /skip, Stop that of mobsync /stop. */
static void test_skip_stop(void)
{
    HANDLE hold = release_event(0x22, 0);
    RECT window, window2, items, items2;
    struct mobsync_run run;
    char cell[64];
    HWND dialog, list;

    register_handler(TEST_SKIP);
    /* Handler 22 holds the dialog open until the skip has been seen: with
     * nothing worth reading it would close by itself at once. */
    register_handler(0x22);
    delete_item_settings(TEST_SKIP);
    delete_item_settings(0x22);
    DeleteFileA(log_path);
    if ((dialog = start_progress(only(2, TEST_SKIP, 0x22), &run)))
    {
        list = GetDlgItem(dialog, IDC_PROGRESS_ITEMS);
        ok(wait_for_cell(dialog, 0, COLUMN_ITEM, "Item 1"), "no row for item 1.\n");
        list_set_state(list, 0, LVIS_SELECTED | LVIS_FOCUSED, LVIS_SELECTED | LVIS_FOCUSED);
        ok(IsWindowEnabled(GetDlgItem(dialog, IDC_PROGRESS_SKIP)), "Skip is disabled.\n");
        SendMessageW(GetDlgItem(dialog, IDC_PROGRESS_SKIP), BM_CLICK, 0, 0);
        ok(wait_for_call(TEST_SKIP, "Skipping 01"), "the handler was not told.\n");
        ok(wait_for_cell(dialog, 0, COLUMN_STATUS, "Skipped"), "item 1 was not skipped.\n");
        SetEvent(hold);
        /* Nothing worth reading: it closes by itself. */
        finish_mobsync(&run);
        ok(has_line(result_line("skipped", TEST_SKIP, 1)), "output:\n%s", output);
    }
    SetEvent(hold);
    CloseHandle(hold);
    unregister_handler(TEST_SKIP);
    unregister_handler(0x22);

    register_handler(TEST_CANCEL);
    delete_item_settings(TEST_CANCEL);
    DeleteFileA(log_path);
    if ((dialog = start_progress(only(1, TEST_CANCEL), &run)))
    {
        ok(wait_for_cell(dialog, 0, COLUMN_STATUS, "Updating"), "not working.\n");
        /* Made larger, the items grow with it; it never gets smaller than
         * it opened. */
        GetWindowRect(dialog, &window);
        client_rect_of(dialog, IDC_PROGRESS_ITEMS, &items);
        SetWindowPos(dialog, NULL, 0, 0, window.right - window.left + 200, window.bottom - window.top + 100,
                     SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);
        client_rect_of(dialog, IDC_PROGRESS_ITEMS, &items2);
        ok(items2.right - items2.left == items.right - items.left + 200, "items %s, were %s.\n",
           wine_dbgstr_rect(&items2), wine_dbgstr_rect(&items));
        SetWindowPos(dialog, NULL, 0, 0, 50, 50, SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);
        GetWindowRect(dialog, &window2);
        ok(window2.right - window2.left == window.right - window.left
           && window2.bottom - window2.top == window.bottom - window.top, "shrunk to %s from %s.\n",
           wine_dbgstr_rect(&window2), wine_dbgstr_rect(&window));
        /* Closing the window while it works is Stop. */
        SendMessageW(dialog, WM_CLOSE, 0, 0);
        ok(wait_for_call(TEST_CANCEL, "Cancelled hr=00040204"), "the handler was not stopped.\n");
        /* Stopped items count as failed: worth reading. */
        ok(wait_for_close_button(dialog), "the dialog did not stay open.\n");
        list_text(GetDlgItem(dialog, IDC_PROGRESS_ITEMS), 0, COLUMN_STATUS, cell, sizeof(cell));
        ok(!strcmp(cell, "Stopped"), "item 1: \"%s\".\n", cell);
        save_dialog(dialog, "progress_stopped");
        SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
        finish_mobsync(&run);
        ok(has_line(result_line("stopped", TEST_CANCEL, 1)), "output:\n%s", output);
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
    }
    unregister_handler(TEST_CANCEL);
}

/* A Result double-clicked: the handler shows its details on its own thread
 * (ShowError), and S_SYNCMGR_RETRYSYNC synchronizes the item again in the
 * same dialog; the results are written when the dialog closes. */
static void test_show_error(BOOL other)
{
    struct mobsync_run run;
    HWND dialog, tabs, results;
    RECT rect;

    /* The other architecture's handler: through its worker. */
    if (other) register_other_view(TEST_RETRY);
    else register_handler(TEST_RETRY);
    delete_item_settings(TEST_RETRY);
    DeleteFileA(log_path);
    if (!(dialog = start_progress(only(1, TEST_RETRY), &run))) goto done;
    /* Item 1 fails with an error that has details: the dialog stays. */
    ok(wait_for_close_button(dialog), "the dialog did not stay open.\n");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 0, COLUMN_STATUS, "Failed");
    ok_cell(dialog, IDC_PROGRESS_RESULTS, 0, 2, "conflict: details available");
    tabs = GetDlgItem(dialog, IDC_PROGRESS_TABS);
    results = GetDlgItem(dialog, IDC_PROGRESS_RESULTS);
    ok(remote_rect(tabs, TCM_GETITEMRECT, 1, 0, &rect), "no tab rectangle.\n");
    click_at(tabs, &rect, FALSE);
    ok(remote_rect(results, LVM_GETITEMRECT, 0, LVIR_BOUNDS, &rect), "no row rectangle.\n");
    click_at(results, &rect, TRUE);
    ok(wait_for_call(TEST_RETRY, "ShowError"), "no ShowError.\n");
    ok(wait_for_call(TEST_RETRY, "ShowErrorCompleted hr=00000000"), "no ShowErrorCompleted.\n");
    ok(IsWindowVisible(results), "the Results tab is not shown.\n");
    /* Retried, it succeeds. */
    ok(wait_for_cell(dialog, 0, COLUMN_STATUS, "Succeeded"), "item 1 was not synchronized again.\n");
    if (other) save_dialog(dialog, "progress_retried_other");
    else save_dialog(dialog, "progress_retried");
    SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
    finish_mobsync(&run);
    ok(has_line(result_line("succeeded", TEST_RETRY, 1)), "output:\n%s", output);
    ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());

done:
    if (other) unregister_other_view(TEST_RETRY);
    else unregister_handler(TEST_RETRY);
}

static BOOL wait_for_enabled(HWND window, BOOL enabled)
{
    DWORD start = GetTickCount();

    do
    {
        if (!IsWindowEnabled(window) == !enabled) return TRUE;
        pump(20);
    } while (GetTickCount() - start < 20000);
    return FALSE;
}

/* EnableModeless(TRUE): the handler shows a window of its own, and the
 * dialog is disabled until its EnableModeless(FALSE); one handler at a
 * time, another asking meanwhile gets S_FALSE, also when it is of the
 * other architecture (other: the second one runs in the worker). */
static void test_modeless(BOOL other)
{
    HANDLE ask1 = release_event(TEST_MODELESS, 1), done1 = release_event(TEST_MODELESS, 2);
    HANDLE ask2 = release_event(TEST_MODELESS2, 1), done2 = release_event(TEST_MODELESS2, 2);
    struct mobsync_run run;
    HWND dialog;

    register_handler(TEST_MODELESS);
    if (other) register_other_view(TEST_MODELESS2);
    else register_handler(TEST_MODELESS2);
    delete_item_settings(TEST_MODELESS);
    delete_item_settings(TEST_MODELESS2);
    DeleteFileA(log_path);
    if ((dialog = start_progress(only(2, TEST_MODELESS, TEST_MODELESS2), &run)))
    {
        ok(IsWindowEnabled(dialog), "the dialog is disabled.\n");
        SetEvent(ask1);
        ok(wait_for_call(TEST_MODELESS, "EnableModeless TRUE hr=00000000"), "not granted.\n");
        ok(wait_for_enabled(dialog, FALSE), "the dialog is still enabled.\n");
        SetEvent(ask2);
        ok(wait_for_call(TEST_MODELESS2, "EnableModeless TRUE hr=00000001"),
           "a second handler was not refused.\n");
        ok(!IsWindowEnabled(dialog), "the dialog is enabled while the first one's window is up.\n");
        SetEvent(done1);
        ok(wait_for_call(TEST_MODELESS, "EnableModeless FALSE hr=00000000"), "not given back.\n");
        ok(wait_for_enabled(dialog, TRUE), "the dialog is still disabled.\n");
        SetEvent(done2);
        /* Nothing worth reading: it closes by itself. */
        finish_mobsync(&run);
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
    }
    SetEvent(ask1);
    SetEvent(ask2);
    SetEvent(done1);
    SetEvent(done2);
    CloseHandle(ask1);
    CloseHandle(ask2);
    CloseHandle(done1);
    CloseHandle(done2);
    unregister_handler(TEST_MODELESS);
    if (other) unregister_other_view(TEST_MODELESS2);
    else unregister_handler(TEST_MODELESS2);
}

/* UpdateItems(STARTSYNC) from a program shows Synchronizing, in a process
 * of its own: while a person reads one that stays open, the /invoke queue
 * goes on with the next request. */
static void test_invoke(void)
{
    ISyncMgrSynchronizeInvoke *invoke;
    CLSID async, good;
    HWND dialog;
    HRESULT hr;

    register_handler(0x01);
    register_handler(0x02);
    delete_item_settings(0x01);
    delete_item_settings(0x02);
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) goto done;
    wait_for_no_manager();
    handler_clsid(0x01, &good);
    handler_clsid(0x02, &async);
    DeleteFileA(log_path);

    /* Handler 02 fails an item: its dialog stays open. */
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &async, 0, NULL);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    dialog = wait_for_window(0, L"Synchronizing", 0);
    ok(dialog != NULL, "no progress dialog.\n");
    if (dialog) ok(wait_for_close_button(dialog), "the dialog did not stay open.\n");

    /* The next request is run meanwhile, and its dialog closes by itself. */
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &good, 0, NULL);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    ok(wait_for_call(0x01, "Destroyed"), "the second request waited for the open dialog.\n");
    ok(!dialog || IsWindow(dialog), "the first dialog closed.\n");
    if (dialog)
    {
        save_dialog(dialog, "progress_invoke");
        SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
    }
    ok(wait_for_call(0x02, "Destroyed"), "handler 02 was not released.\n");
    ISyncMgrSynchronizeInvoke_Release(invoke);
    wait_for_no_manager();

done:
    unregister_handler(0x01);
    unregister_handler(0x02);
}

static BOOL CALLBACK count_dialogs_proc(HWND window, LPARAM lparam)
{
    WCHAR title[64];

    if (GetWindowTextW(window, title, ARRAY_SIZE(title)) && !wcscmp(title, L"Synchronizing"))
        ++*(unsigned int *)lparam;
    return TRUE;
}

/* How many progress dialogs are open. */
static unsigned int count_dialogs(void)
{
    unsigned int count = 0;

    EnumWindows(count_dialogs_proc, (LPARAM)&count);
    return count;
}

static BOOL CALLBACK close_dialogs_proc(HWND window, LPARAM lparam)
{
    WCHAR title[64];

    if (GetWindowTextW(window, title, ARRAY_SIZE(title)) && !wcscmp(title, L"Synchronizing"))
        PostMessageW(window, WM_COMMAND, IDCANCEL, 0);
    return TRUE;
}

/* Stops and closes every progress dialog a failed test left open, so that
 * the next test starts without one (at most 20 s). */
static void close_dialogs(void)
{
    DWORD start = GetTickCount();

    while (count_dialogs() && GetTickCount() - start < 20000)
    {
        EnumWindows(close_dialogs_proc, 0);
        pump(200);
    }
}

/* Offers the open dialog's join window (mobsync.progress) something;
 * gives its answer. */
static LRESULT offer(HWND join, DWORD magic, const void *data, DWORD size)
{
    COPYDATASTRUCT copy = { magic, size, (void *)data };
    DWORD_PTR result = 0xdead;

    if (!SendMessageTimeoutW(join, WM_COPYDATA, 0, (LPARAM)&copy, SMTO_ABORTIFHUNG, 10000, &result))
        return -1;
    return result;
}

/* A file named like a saved request that is not one. */
static void write_not_request(const char *path)
{
    DWORD written;
    HANDLE file;

    file = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "cannot create %s.\n", path);
    WriteFile(file, "not a request", 13, &written, NULL);
    CloseHandle(file);
}

/* Whether that file is still there as it was. */
static BOOL not_request_intact(const char *path)
{
    char content[16] = "";
    DWORD read;
    HANDLE file;

    file = CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ReadFile(file, content, sizeof(content) - 1, &read, NULL);
    CloseHandle(file);
    return !strcmp(content, "not a request");
}

/* Anything may reach the window requests join through: only the path of a
 * request saved by the server is taken, and a file that is not one is
 * left as it was. */
static void test_bad_offers(HWND dialog, HWND join)
{
    static const WCHAR unterminated[] = { 'C', ':', '\\', 'x' };
    WCHAR path[MAX_PATH], long_path[MAX_PATH + 8];
    char path_a[MAX_PATH];

    GetTempPathA(ARRAY_SIZE(path_a), path_a);
    strcat(path_a, "mobsync_not_a_request.win");
    MultiByteToWideChar(CP_ACP, 0, path_a, -1, path, ARRAY_SIZE(path));
    write_not_request(path_a);
    ok(offer(join, 0x6d736a6e, path, (wcslen(path) + 1) * sizeof(WCHAR)) == 0,
       "a file that is not a request was taken.\n");
    ok(not_request_intact(path_a), "the file is gone or changed.\n");
    DeleteFileA(path_a);
    ok(offer(join, 0x6d736a6e, path, (wcslen(path) + 1) * sizeof(WCHAR)) == 0, "a missing file was taken.\n");
    ok(offer(join, 0x12345678, path, (wcslen(path) + 1) * sizeof(WCHAR)) == 0, "a wrong magic was taken.\n");
    ok(offer(join, 0x6d736a6e, unterminated, sizeof(unterminated)) == 0, "an unterminated path was taken.\n");
    ok(offer(join, 0x6d736a6e, NULL, 0) == 0, "nothing was taken.\n");
    ok(offer(join, 0x6d736a6e, path, 3) == 0, "an odd size was taken.\n");
    memset(long_path, 'a', sizeof(long_path));
    long_path[ARRAY_SIZE(long_path) - 1] = 0;
    ok(offer(join, 0x6d736a6e, long_path, sizeof(long_path)) == 0, "an overlong path was taken.\n");
    ok(IsWindow(dialog) && button_says(dialog, IDCANCEL, "&Stop"), "the dialog did not survive.\n");
}

/* mobsync /window: given a file that is not a request: exit 2, and the
 * file is left as it was. */
static void test_window_not_request(void)
{
    char path[MAX_PATH], args[MAX_PATH + 16];

    GetTempPathA(ARRAY_SIZE(path), path);
    strcat(path, "mobsync_not_a_request.win");
    write_not_request(path);
    sprintf(args, "/window:\"%s\"", path);
    ok(run_mobsync(args), "mobsync did not run.\n");
    ok(exit_code == 2, "exit code %lu.\n", exit_code);
    ok(not_request_intact(path), "the file is gone or changed.\n");
    DeleteFileA(path);
    ok(run_mobsync(args), "mobsync did not run.\n");
    ok(exit_code == 2, "a missing file: exit code %lu.\n", exit_code);
}

/* A request that arrives while a progress dialog runs joins it, as on
 * Windows: its items are appended and its handler runs in the dialog's
 * process with its own cookie; no second dialog opens. */
static void test_join(BOOL other)
{
    static BYTE cookie[700];
    ISyncMgrSynchronizeInvoke *invoke = NULL;
    DWORD pid, handler_pid, parent, i;
    char expected[128];
    unsigned int bits;
    CLSID clsid;
    HANDLE event;
    HWND dialog = NULL, join;
    HRESULT hr;

    for (i = 0; i < sizeof(cookie); i++) cookie[i] = i * 7 + 1;
    event = release_event(0x22, 0);
    register_handler(0x22);
    /* The other architecture's handler joins through a worker. */
    if (other) register_other_view(0x01);
    else register_handler(0x01);
    delete_item_settings(0x01);
    delete_item_settings(0x22);
    /* Handler 01's information entry keeps the dialog open at level 4. */
    set_keep_level(4);
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, "1");
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) goto done;
    wait_for_no_manager();
    DeleteFileA(log_path);

    /* Handler 22 holds its items at 7 of 10 until the event is set. */
    handler_clsid(0x22, &clsid);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, 0, NULL);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    if (!(dialog = wait_for_window(0, L"Synchronizing", 0)))
    {
        ok(0, "no progress dialog.\n");
        goto done;
    }
    GetWindowThreadProcessId(dialog, &pid);
    ok(wait_for_cell(dialog, 1, COLUMN_DETAILS, "step 7 of 10 (item 2)"), "no status text.\n");
    join = FindWindowExW(HWND_MESSAGE, NULL, L"mobsync.progress", NULL);
    ok(join != NULL, "the dialog takes no requests.\n");
    if (join && !other) test_bad_offers(dialog, join);

    handler_clsid(0x01, &clsid);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, sizeof(cookie), cookie);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    /* Rows 0 and 1: handler 22's; 2 and 3, appended: handler 01's. */
    ok(wait_for_cell(dialog, 3, COLUMN_STATUS, "Succeeded"), "the request did not join.\n");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_HANDLER, "Test handler 01");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 2, COLUMN_ITEM, "Item 1");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 0, COLUMN_STATUS, "Updating");
    ok(count_dialogs() == 1, "%u progress dialogs.\n", count_dialogs());
    ok(button_says(dialog, IDCANCEL, "&Stop"), "Stop is not there.\n");
    sprintf(expected, "Initialize reserved=0 flags=%08x cookie=%u:%08lx",
            SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER, (UINT)sizeof(cookie), hash_bytes(cookie, sizeof(cookie)));
    ok(!strcmp(initialize_call(0x01), expected), "got \"%s\", expected \"%s\".\n", initialize_call(0x01),
       expected);
    ok(handler_process_ex(0x01, &bits, &handler_pid, &parent), "handler 01 did not say where it ran.\n");
    if (other)
        ok(parent == pid && bits == (sizeof(void *) == 8 ? 32 : 64),
           "handler 01 ran %u-bit in %04lx (parent %04lx), not in the dialog's (%04lx) worker.\n",
           bits, handler_pid, parent, pid);
    else
        ok(handler_pid == pid, "handler 01 ran in %04lx, not in the dialog's process %04lx.\n",
           handler_pid, pid);
    /* Kept for the dialog, like the first request's handlers. */
    ok(!has_call(0x01, "Destroyed"), "handler 01 was released before the dialog closed.\n");

    SetEvent(event);
    ok(wait_for_close_button(dialog), "the dialog did not stay open.\n");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 0, COLUMN_STATUS, "Succeeded");
    ok_cell(dialog, IDC_PROGRESS_ITEMS, 1, COLUMN_STATUS, "Succeeded");
    ok_cell(dialog, IDC_PROGRESS_RESULTS, 0, 0, "Test handler 01");
    ok_cell(dialog, IDC_PROGRESS_RESULTS, 0, 2, "3 files copied");
    ok(SendDlgItemMessageW(dialog, IDC_PROGRESS_BAR, PBM_GETPOS, 0, 0) == 1000, "the bar is at %Id.\n",
       SendDlgItemMessageW(dialog, IDC_PROGRESS_BAR, PBM_GETPOS, 0, 0));
    if (!other) save_dialog(dialog, "progress_joined");
    SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
    ok(wait_for_call(0x01, "Destroyed"), "handler 01 was not released.\n");
    ok(wait_for_call(0x22, "Destroyed"), "handler 22 was not released.\n");

done:
    if (invoke) ISyncMgrSynchronizeInvoke_Release(invoke);
    SetEvent(event);
    close_dialogs();
    wait_for_no_manager();
    CloseHandle(event);
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, NULL);
    set_keep_level(0);
    if (other) unregister_other_view(0x01);
    else unregister_handler(0x01);
    unregister_handler(0x22);
}

START_TEST(progress)
{
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    init_test();
    set_headless(~0u);
    test_rows();
    test_skip_stop();
    test_keep_level();
    test_modeless(FALSE);
    if (both_arches()) test_modeless(TRUE);
    else skip("the other architecture cannot run here.\n");
    test_show_error(FALSE);
    if (both_arches()) test_show_error(TRUE);
    else skip("the other architecture cannot run here.\n");
    test_invoke();
    test_window_not_request();
    test_join(FALSE);
    if (both_arches()) test_join(TRUE);
    else skip("the other architecture cannot run here.\n");
    CoUninitialize();
}
