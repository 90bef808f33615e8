/*
 * Tests of Items to Synchronize, the choice dialog: when it is shown, what
 * it lists, what its check boxes and buttons do. The dialog is another
 * process's: it is found by its title, read and driven through window
 * messages (list view messages with their structures in its memory).
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

#define BROKEN 0x20  /* registered with a DLL that does not exist */

static const WCHAR choice_title[] = L"Items to Synchronize";

/* The dialog of process pid (any, when 0), if there is one now. */
static HWND dialog_of(DWORD pid)
{
    return window_of(pid, choice_title);
}

/* Its dialog, once it shows one with every handler answered. */
static HWND wait_for_dialog(DWORD pid)
{
    return wait_for_window(pid, choice_title, IDC_CHOICE_STATUS);
}

/* Starts mobsync args and waits for its dialog; NULL, with the process
 * ended, when none came. */
static HWND open_dialog(const char *args, struct mobsync_run *run)
{
    HWND dialog;

    if (!start_mobsync(args, run)) return NULL;
    if ((dialog = wait_for_dialog(GetProcessId(run->process)))) return dialog;
    ok(0, "mobsync %s shows no dialog.\n", args);
    TerminateProcess(run->process, 1);
    finish_mobsync(run);
    return NULL;
}

struct row
{
    char text[300];
    char time[64];
    int image, indent, box;
    BOOL selected;
};

static unsigned int read_rows(HWND dialog, struct row *rows, unsigned int max)
{
    HWND list = GetDlgItem(dialog, IDC_CHOICE_LIST);
    struct remote remote;
    unsigned int i, count;
    LVITEMW item;

    count = SendMessageW(list, LVM_GETITEMCOUNT, 0, 0);
    if (!remote_open(dialog, &remote)) return 0;
    for (i = 0; i < count && i < max; i++)
    {
        memset(&item, 0, sizeof(item));
        item.mask = LVIF_IMAGE | LVIF_INDENT | LVIF_STATE;
        item.iItem = i;
        item.stateMask = LVIS_STATEIMAGEMASK | LVIS_SELECTED;
        WriteProcessMemory(remote.process, remote.memory, &item, sizeof(item), NULL);
        SendMessageW(list, LVM_GETITEMW, 0, (LPARAM)remote.memory);
        ReadProcessMemory(remote.process, remote.memory, &item, sizeof(item), NULL);
        rows[i].image = item.iImage;
        rows[i].indent = item.iIndent;
        rows[i].box = (item.state & LVIS_STATEIMAGEMASK) >> 12;
        rows[i].selected = (item.state & LVIS_SELECTED) != 0;
        get_text(list, &remote, i, 0, rows[i].text, sizeof(rows[i].text));
        get_text(list, &remote, i, 1, rows[i].time, sizeof(rows[i].time));
    }
    remote_close(&remote);
    return min(count, max);
}

static void set_row_state(HWND dialog, int row, UINT state, UINT mask)
{
    list_set_state(GetDlgItem(dialog, IDC_CHOICE_LIST), row, state, mask);
}

static void select_row(HWND dialog, int row)
{
    set_row_state(dialog, row, LVIS_SELECTED | LVIS_FOCUSED, LVIS_SELECTED | LVIS_FOCUSED);
}

static void set_box(HWND dialog, int row, int box)
{
    set_row_state(dialog, row, INDEXTOSTATEIMAGEMASK(box), LVIS_STATEIMAGEMASK);
}

/* What the dialog shows for an item's SYSTEMTIME (UTC), as it formats it. */
static void format_time(WORD year, WORD month, WORD day, WORD hour, WORD minute, char *buffer)
{
    SYSTEMTIME utc = { year, month, 0, day, hour, minute }, local;
    WCHAR text[64];
    int len;

    SystemTimeToTzSpecificLocalTime(NULL, &utc, &local);
    len = GetDateFormatW(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &local, NULL, text, ARRAY_SIZE(text));
    text[len - 1] = ' ';
    GetTimeFormatW(LOCALE_USER_DEFAULT, TIME_NOSECONDS, &local, NULL, text + len, ARRAY_SIZE(text) - len);
    WideCharToMultiByte(CP_UTF8, 0, text, -1, buffer, 64, NULL, NULL);
}

/* A REG_DWORD under HKCU, ~0u when absent; or set (~0u: deleted). */
static DWORD get_value(const char *key_name, const char *name)
{
    DWORD value = ~0u, size = sizeof(value), type;
    HKEY key;

    if (RegOpenKeyExA(HKEY_CURRENT_USER, key_name, 0, KEY_QUERY_VALUE, &key)) return ~0u;
    if (RegQueryValueExA(key, name, NULL, &type, (BYTE *)&value, &size) || type != REG_DWORD)
        value = ~0u;
    RegCloseKey(key);
    return value;
}

static void set_value(const char *key_name, const char *name, DWORD value)
{
    HKEY key;

    if (RegCreateKeyExA(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL))
        return;
    if (value == ~0u) RegDeleteValueA(key, name);
    else RegSetValueExA(key, name, 0, REG_DWORD, (BYTE *)&value, sizeof(value));
    RegCloseKey(key);
}

static DWORD stored_state(int n, int i)
{
    char key_name[128];

    sprintf(key_name, MOBSYNC_ITEMS_KEY_A "\\%s", handler_str(n));
    return get_value(key_name, item_str(n, i));
}

static void set_test_value(const char *name, DWORD value)
{
    set_value(TEST_REGISTRY_KEY, name, value);
}

/* "checked" or "unchecked" for item i of handler n, from /list's output. */
static const char *listed_state(int n, int i)
{
    char prefix[128];
    const char *found;

    sprintf(prefix, "%s\t%s\t", handler_str(n), item_str(n, i));
    if (!(found = strstr(output, prefix))) return "absent";
    found += strlen(prefix);
    return !strncmp(found, "checked", 7) ? "checked" : "unchecked";
}

#define ok_row(rows, i, text_, box_, indent_) ok_row_(__LINE__, rows, i, text_, box_, indent_)
static void ok_row_(int line, const struct row *rows, int i, const char *text, int box, int indent)
{
    ok_(__FILE__, line)(!strcmp(rows[i].text, text), "row %d: \"%s\", expected \"%s\".\n", i,
                        rows[i].text, text);
    ok_(__FILE__, line)(rows[i].box == box, "row %d: box %d, expected %d.\n", i, rows[i].box, box);
    ok_(__FILE__, line)(rows[i].indent == indent, "row %d: indent %d, expected %d.\n", i,
                        rows[i].indent, indent);
}

static BOOL properties_enabled(HWND dialog, int row)
{
    select_row(dialog, row);
    return IsWindowEnabled(GetDlgItem(dialog, IDC_CHOICE_PROPERTIES));
}

/* Ends the dialog with a button and waits for the process. */
static void click_and_finish(HWND dialog, int id, struct mobsync_run *run)
{
    SendMessageW(GetDlgItem(dialog, id), BM_CLICK, 0, 0);
    finish_mobsync(run);
}

/* Waits, at most 20 s, until the dialog shows count rows and is enabled
 * (the handler that showed its properties is done). */
static BOOL wait_for_rows(HWND dialog, unsigned int count)
{
    HWND list = GetDlgItem(dialog, IDC_CHOICE_LIST);
    DWORD start = GetTickCount();

    do
    {
        if (IsWindowEnabled(dialog) && SendMessageW(list, LVM_GETITEMCOUNT, 0, 0) == (LRESULT)count)
            return TRUE;
        pump(20);
    } while (GetTickCount() - start < 20000);
    return FALSE;
}

static BOOL wait_for_stored(int n, int i, DWORD value)
{
    DWORD start = GetTickCount();

    do
    {
        if (stored_state(n, i) == value) return TRUE;
        pump(20);
    } while (GetTickCount() - start < 20000);
    return FALSE;
}

static const int listed[] = { 0x01, 0x1c, 0x1d, 0x1e, 0x1f };

static void register_listed(void)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(listed); i++)
    {
        register_handler(listed[i]);
        delete_item_settings(listed[i]);
    }
    register_handler_ex(BROKEN, "mobsync_no_such_handler.dll", "Apartment", 0);
}

static void unregister_listed(void)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(listed); i++)
    {
        unregister_handler(listed[i]);
        delete_item_settings(listed[i]);
    }
    unregister_handler(BROKEN);
}

/* What the dialog lists: each handler with its items, in CLSID order; a
 * hidden handler, and one with no items that does not ask to be listed,
 * not at all; one that cannot be loaded with its error. The check boxes
 * agree with /list, and clicking them changes what /list says. */
static void test_list(void)
{
    char time1[64], time2[64];
    struct mobsync_run run;
    struct row rows[16];
    unsigned int count;
    HWND dialog;

    register_listed();
    DeleteFileA(log_path);
    if (!(dialog = open_dialog(only(6, 0x01, 0x1c, 0x1d, 0x1e, 0x1f, BROKEN), &run))) goto done;
    count = read_rows(dialog, rows, ARRAY_SIZE(rows));
    ok(count == 11, "%u rows.\n", count);
    if (count == 11)
    {
        ok_row(rows, 0, "Test handler 01", 1, 0);
        ok_row(rows, 1, "Item 1", 2, 1);
        ok_row(rows, 2, "Item 2", 2, 1);
        ok_row(rows, 3, "Item 3", 1, 1);
        ok_row(rows, 4, "Test handler 1c", 1, 0);
        ok_row(rows, 5, "Item 1", 2, 1);
        ok_row(rows, 6, "Item 2", 2, 1);
        ok_row(rows, 7, "Item 3", 1, 1);
        ok_row(rows, 8, "Test handler 1d", 0, 0);
        ok_row(rows, 9, handler_str(BROKEN), 0, 0);
        ok(!strncmp(rows[10].text, "cannot be loaded (0x", 20), "row 10: \"%s\".\n", rows[10].text);
        ok(rows[10].indent == 1 && rows[10].box == 0 && rows[10].image >= 0,
           "row 10: indent %d, box %d, image %d.\n", rows[10].indent, rows[10].box, rows[10].image);

        /* Last Updated only where the handler says when. */
        format_time(2026, 1, 2, 3, 4, time1);
        format_time(2025, 12, 31, 23, 59, time2);
        ok(!strcmp(rows[5].time, time1), "row 5: \"%s\", expected \"%s\".\n", rows[5].time, time1);
        ok(!strcmp(rows[6].time, time2), "row 6: \"%s\", expected \"%s\".\n", rows[6].time, time2);
        ok(!rows[7].time[0] && !rows[1].time[0], "times \"%s\" \"%s\".\n", rows[7].time, rows[1].time);
        /* Icons: the handlers' own and their items'; none for items without. */
        ok(rows[0].image >= 0 && rows[4].image >= 0, "handler icons %d %d.\n", rows[0].image,
           rows[4].image);
        ok(rows[5].image >= 0 && rows[6].image >= 0 && rows[6].image != rows[5].image
           && rows[7].image == rows[6].image, "item icons %d %d %d.\n", rows[5].image,
           rows[6].image, rows[7].image);
        ok(rows[1].image == I_IMAGENONE, "item icon %d.\n", rows[1].image);
    }
    save_dialog(dialog, "choice");
    {
        static const char * const calls[] =
        {
            "Created",
            "Initialize reserved=0 flags=00000203 cookie=0:811c9dc5",
            "GetHandlerInfo",
            "EnumSyncMgrItems",
            "EnumDestroyed",
            "SetProgressCallback callback",
        };
        /* Loaded, given the callback, and waiting. */
        ok_calls(0x01, calls);
        ok_calls(0x1e, calls);
    }

    /* The same check states as /list, while the dialog is open. */
    run_mobsync_keep_log("/list");
    ok(!strcmp(listed_state(0x01, 3), "unchecked") && !strcmp(listed_state(0x1c, 1), "checked"),
       "/list: %s %s.\n", listed_state(0x01, 3), listed_state(0x1c, 1));
    ok(!strcmp(listed_state(0x1e, 1), "checked"), "/list lists the hidden handler: %s.\n",
       listed_state(0x1e, 1));

    /* Space on an item checks it, and the store has it at once. */
    select_row(dialog, 3);
    SetForegroundWindow(dialog);
    SetFocus(GetDlgItem(dialog, IDC_CHOICE_LIST));
    press(VK_SPACE);
    ok(wait_for_stored(0x01, 3, 1), "Space did not check item 3: %lu.\n", stored_state(0x01, 3));
    count = read_rows(dialog, rows, ARRAY_SIZE(rows));
    ok(count == 11 && rows[3].box == 2 && rows[0].box == 2, "boxes %d %d.\n", rows[3].box, rows[0].box);
    run_mobsync_keep_log("/list");
    ok(!strcmp(listed_state(0x01, 3), "checked"), "/list: %s.\n", listed_state(0x01, 3));

    /* A handler's box clears all its items. */
    set_box(dialog, 0, 1);
    ok(stored_state(0x01, 1) == 0 && stored_state(0x01, 2) == 0 && stored_state(0x01, 3) == 0,
       "stored %lu %lu %lu.\n", stored_state(0x01, 1), stored_state(0x01, 2), stored_state(0x01, 3));
    count = read_rows(dialog, rows, ARRAY_SIZE(rows));
    ok(count == 11 && rows[1].box == 1 && rows[2].box == 1 && rows[3].box == 1,
       "boxes %d %d %d.\n", rows[1].box, rows[2].box, rows[3].box);
    /* And checks them all again. */
    set_box(dialog, 0, 2);
    ok(stored_state(0x01, 1) == 1 && stored_state(0x01, 2) == 1 && stored_state(0x01, 3) == 1,
       "stored %lu %lu %lu.\n", stored_state(0x01, 1), stored_state(0x01, 2), stored_state(0x01, 3));
    /* Rows without a box get none. */
    set_box(dialog, 8, 2);
    set_box(dialog, 10, 2);
    count = read_rows(dialog, rows, ARRAY_SIZE(rows));
    ok(count == 11 && rows[8].box == 0 && rows[10].box == 0, "boxes %d %d.\n", rows[8].box,
       rows[10].box);

    /* Properties: for an item or handler that says it has them. */
    ok(!properties_enabled(dialog, 1), "Properties enabled for an item without.\n");
    ok(properties_enabled(dialog, 4), "Properties disabled for a handler with them.\n");
    ok(properties_enabled(dialog, 5), "Properties disabled for an item with them.\n");
    ok(!properties_enabled(dialog, 6), "Properties enabled for an item without.\n");
    ok(!properties_enabled(dialog, 8), "Properties enabled for a handler without.\n");
    ok(!properties_enabled(dialog, 10), "Properties enabled for an error.\n");
    ok(IsWindowEnabled(GetDlgItem(dialog, IDC_CHOICE_SETUP)), "Setup disabled.\n");

    /* Close: every handler released, none synchronized. */
    DeleteFileA(log_path);
    click_and_finish(dialog, IDCANCEL, &run);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(!output[0], "output \"%s\".\n", output);
    {
        static const char * const calls[] = { "SetProgressCallback NULL", "Destroyed" };

        ok_calls(0x01, calls);
        ok_calls(0x1c, calls);
        ok_calls(0x1e, calls);
    }
    /* Still as the person left them. */
    run_mobsync_keep_log("/list");
    ok(!strcmp(listed_state(0x01, 3), "checked"), "/list: %s.\n", listed_state(0x01, 3));

done:
    unregister_listed();
}

/* The release event the handler's ShowProperties completes after. */
static HANDLE properties_event(void)
{
    char name[64];

    sprintf(name, TEST_RELEASE_EVENT, 0x1c, 0);
    return CreateEventA(NULL, TRUE, FALSE, name);
}

/* Properties of an item, then of the handler: ShowProperties on the
 * handler's thread with the dialog as its parent, the dialog disabled
 * until ShowPropertiesCompleted, whose ITEMDELETED and ENUMITEMS make it
 * list the items again. Then Synchronize: the same handler, loaded once,
 * synchronizes the checked items. */
static void test_properties(BOOL other)
{
    static const char * const calls[] =
    {
        "Initialize reserved=0 flags=00000203 cookie=0:811c9dc5",
        "GetHandlerInfo",
        "EnumSyncMgrItems",
        "EnumDestroyed",
        "SetProgressCallback callback",
        "ShowProperties parent=window item=1",
        "ShowPropertiesCompleted 00040210",
        "EnumSyncMgrItems",
        "EnumDestroyed",
        "ShowProperties parent=window item=null",
        "ShowPropertiesCompleted 00040211",
        "EnumSyncMgrItems",
        "EnumDestroyed",
        "ShowProperties parent=window item=1",
        "ShowPropertiesCompleted 00000000",
        "PrepareForSync items=01,02,04",
        "PrepareForSyncCompleted hr=00000000",
        "Synchronize",
        "SynchronizeCompleted hr=00000000",
        "SetProgressCallback NULL",
        "Destroyed",
    };
    struct call_log log;
    struct mobsync_run run;
    struct row rows[16];
    HANDLE event = properties_event();
    unsigned int count, i;
    char name[64];
    HWND dialog;
    RECT label;

    if (other) register_other_view(0x1c);
    else register_handler(0x1c);
    delete_item_settings(0x1c);
    RegDeleteKeyA(HKEY_CURRENT_USER, TEST_REGISTRY_KEY);
    DeleteFileA(log_path);
    if (!(dialog = open_dialog(only(1, 0x1c), &run))) goto done;
    count = read_rows(dialog, rows, ARRAY_SIZE(rows));
    ok(count == 4, "%u rows.\n", count);
    ok(count >= 2 && rows[1].image >= 0 && rows[1].time[0], "row 1: image %d, time \"%s\".\n",
       rows[1].image, rows[1].time);

    /* Item 1, which the handler then deletes. */
    set_test_value(TEST_PROPERTIES_RESULT_VALUE, S_SYNCMGR_ITEMDELETED);
    set_test_value(TEST_ITEM_COUNT_VALUE, 2);
    select_row(dialog, 1);
    SendMessageW(GetDlgItem(dialog, IDC_CHOICE_PROPERTIES), BM_CLICK, 0, 0);
    ok(!IsWindowEnabled(dialog), "the dialog is enabled while the handler shows its properties.\n");
    ok(wait_for_call(0x1c, "ShowProperties parent=window item=1"), "no ShowProperties.\n");
    ok(!IsWindowEnabled(dialog), "enabled before ShowPropertiesCompleted.\n");
    if (other) save_dialog(dialog, "choice_properties_other");
    else save_dialog(dialog, "choice_properties");
    SetEvent(event);
    ok(wait_for_rows(dialog, 3), "not 3 rows and enabled after ITEMDELETED.\n");
    ResetEvent(event);

    /* The handler's own, after which it has new items. */
    set_test_value(TEST_PROPERTIES_RESULT_VALUE, S_SYNCMGR_ENUMITEMS);
    set_test_value(TEST_ITEM_COUNT_VALUE, 4);
    select_row(dialog, 0);
    SendMessageW(GetDlgItem(dialog, IDC_CHOICE_PROPERTIES), BM_CLICK, 0, 0);
    ok(!IsWindowEnabled(dialog), "the dialog is enabled while the handler shows its properties.\n");
    SetEvent(event);
    ok(wait_for_rows(dialog, 5), "not 5 rows and enabled after ENUMITEMS.\n");
    count = read_rows(dialog, rows, ARRAY_SIZE(rows));
    for (i = 1; i < count && i <= 4; i++)
    {
        sprintf(name, "Item %u", i);
        ok_row(rows, i, name, i == 3 ? 1 : 2, 1);
    }

    /* S_OK: nothing changed, the item stays selected. Asked for by a
     * double click on the item this time. */
    set_test_value(TEST_PROPERTIES_RESULT_VALUE, ~0u);
    select_row(dialog, 1);
    ok(remote_rect(GetDlgItem(dialog, IDC_CHOICE_LIST), LVM_GETITEMRECT, 1, LVIR_LABEL, &label),
       "no rectangle for row 1.\n");
    click_at(GetDlgItem(dialog, IDC_CHOICE_LIST), &label, TRUE);
    ok(wait_for_call(0x1c, "ShowPropertiesCompleted 00000000"), "no completion.\n");
    ok(wait_for_rows(dialog, 5), "not 5 rows and enabled.\n");
    count = read_rows(dialog, rows, ARRAY_SIZE(rows));
    ok(count == 5 && rows[1].selected, "the item is not selected.\n");

    click_and_finish(dialog, IDC_CHOICE_SYNC, &run);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(has_line(result_line("succeeded", 0x1c, 1)) && has_line(result_line("succeeded", 0x1c, 2))
       && has_line(result_line("succeeded", 0x1c, 4)), "output:\n%s", output);
    ok(!strcmp(last_line(), "3 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
    /* One handler object all along. */
    read_calls(0x1c, &log);
    ok(log.count && !strncmp(log.calls[0], "Created", 7), "first call \"%s\".\n", log.calls[0]);
    if (log.count)
    {
        memmove(log.calls, log.calls + 1, (log.count - 1) * sizeof(log.calls[0]));
        log.count--;
    }
    for (i = 0; i < log.count && i < ARRAY_SIZE(calls); i++)
        ok(!strcmp(log.calls[i], calls[i]), "call %u: \"%s\", expected \"%s\".\n", i, log.calls[i],
           calls[i]);
    ok(log.count == ARRAY_SIZE(calls), "%u calls.\n", log.count);

done:
    CloseHandle(event);
    RegDeleteKeyA(HKEY_CURRENT_USER, TEST_REGISTRY_KEY);
    if (other) unregister_other_view(0x1c);
    else unregister_handler(0x1c);
    delete_item_settings(0x1c);
}

/* A handler that does not answer in time while the dialog loads is shown
 * with its error, and the others regardless; the dialog does not wait for
 * it once it is given up on. */
static void test_hang_while_loading(void)
{
    struct mobsync_run run;
    struct row rows[8];
    unsigned int count;
    char name[64];
    HANDLE event;
    HWND dialog;

    sprintf(name, TEST_RELEASE_EVENT, TEST_BLOCK_INIT, 1);
    event = CreateEventA(NULL, TRUE, FALSE, name);
    register_handler(0x01);
    register_handler(TEST_BLOCK_INIT);
    delete_item_settings(0x01);
    sprintf(name, "/timeout:1%s", only(2, 0x01, TEST_BLOCK_INIT));
    if ((dialog = open_dialog(name, &run)))
    {
        count = read_rows(dialog, rows, ARRAY_SIZE(rows));
        ok(count == 6, "%u rows.\n", count);
        if (count == 6)
        {
            ok_row(rows, 0, "Test handler 01", 1, 0);
            ok_row(rows, 4, handler_str(TEST_BLOCK_INIT), 0, 0);
            ok(!strcmp(rows[5].text, "did not finish within 1 seconds (0x800705b4)"), "row 5: \"%s\".\n",
               rows[5].text);
        }
        save_dialog(dialog, "choice_timed_out");
        SetEvent(event);
        click_and_finish(dialog, IDCANCEL, &run);
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
    }
    SetEvent(event);
    CloseHandle(event);
    unregister_handler(0x01);
    unregister_handler(TEST_BLOCK_INIT);
    delete_item_settings(0x01);
}

/* Closed while a handler shows its properties: once it is done with them,
 * it is released, as soon as it is done, not when its time limit is over. */
static void test_close_during_properties(void)
{
    static const char * const calls[] =
    {
        "ShowPropertiesCompleted 00000000",
        "SetProgressCallback NULL",
        "Destroyed",
    };
    HANDLE event = properties_event();
    struct mobsync_run run;
    struct call_log log;
    unsigned int i;
    HWND dialog;

    register_handler(0x1c);
    delete_item_settings(0x1c);
    RegDeleteKeyA(HKEY_CURRENT_USER, TEST_REGISTRY_KEY);
    DeleteFileA(log_path);
    if (!(dialog = open_dialog(only(1, 0x1c), &run))) goto done;
    select_row(dialog, 1);
    SendMessageW(GetDlgItem(dialog, IDC_CHOICE_PROPERTIES), BM_CLICK, 0, 0);
    ok(wait_for_call(0x1c, "ShowProperties parent=window item=1"), "no ShowProperties.\n");
    SendMessageW(dialog, WM_CLOSE, 0, 0);
    SetEvent(event);
    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(elapsed < 30000, "took %lu ms.\n", elapsed);
    /* The last calls: deleting the log while the handler still had it open
     * could fail, so they are compared at its end. */
    read_calls(0x1c, &log);
    ok(log.count >= ARRAY_SIZE(calls), "%u calls.\n", log.count);
    for (i = 0; log.count >= ARRAY_SIZE(calls) && i < ARRAY_SIZE(calls); i++)
        ok(!strcmp(log.calls[log.count - ARRAY_SIZE(calls) + i], calls[i]), "call %u: \"%s\".\n", i,
           log.calls[log.count - ARRAY_SIZE(calls) + i]);

done:
    CloseHandle(event);
    unregister_handler(0x1c);
    delete_item_settings(0x1c);
}

/* Starts plain mobsync and closes its dialog: FALSE when none came. */
static BOOL dialog_shown(const char *args)
{
    struct mobsync_run run;
    HWND dialog;

    if (!start_mobsync(args, &run)) return FALSE;
    if ((dialog = wait_for_dialog(GetProcessId(run.process))))
        click_and_finish(dialog, IDCANCEL, &run);
    else finish_mobsync(&run);
    return dialog != NULL;
}

/* Starts mobsync on a window station of its own, which nobody sees. */
static void run_on_hidden_station(const char *args)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    PROCESS_INFORMATION pi;
    STARTUPINFOA si = { sizeof(si) };
    char cmdline[512], path[MAX_PATH], buffer[4096];
    HANDLE read_pipe, write_pipe;
    HWINSTA station;
    DWORD len = 0, got;

    output[0] = 0;
    exit_code = ~0u;
    station = CreateWindowStationA("mobsync_test_hidden", 0, WINSTA_ALL_ACCESS, NULL);
    ok(station != NULL, "CreateWindowStation failed: %lu.\n", GetLastError());
    if (!station) return;
    GetSystemDirectoryA(path, MAX_PATH);
    strcat(path, "\\mobsync.exe");
    snprintf(cmdline, sizeof(cmdline), "\"%s\" %s", path, args);
    CreatePipe(&read_pipe, &write_pipe, &sa, 0);
    SetHandleInformation(read_pipe, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = write_pipe;
    si.lpDesktop = (char *)"mobsync_test_hidden\\Default";
    if (CreateProcessA(path, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        CloseHandle(write_pipe);
        while (len < sizeof(output) - 1 && ReadFile(read_pipe, buffer, sizeof(buffer), &got, NULL) && got)
        {
            got = min(got, sizeof(output) - 1 - len);
            memcpy(output + len, buffer, got);
            len += got;
        }
        output[len] = 0;
        ok(!WaitForSingleObject(pi.hProcess, 60000), "mobsync did not end.\n");
        GetExitCodeProcess(pi.hProcess, &exit_code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    else
    {
        ok(0, "cannot start mobsync: %lu.\n", GetLastError());
        CloseHandle(write_pipe);
    }
    CloseHandle(read_pipe);
    CloseWindowStation(station);
}

/* Waits for the dialog of whichever process shows one (the manager a
 * program's request started), at most 20 s. */
static HWND wait_for_any_dialog(void)
{
    return wait_for_dialog(0);
}

static void wait_gone(HWND window)
{
    DWORD start = GetTickCount();

    while (IsWindow(window) && GetTickCount() - start < 20000) pump(20);
    ok(!IsWindow(window), "the dialog is still there.\n");
}

/* When windows are shown: plain mobsync, UpdateAll, and UpdateItems
 * without STARTSYNC show Items to Synchronize (minimized with MINIMIZED);
 * /sync and /list never do; the Headless value and MOBSYNC_HEADLESS make
 * every run headless; without a visible window station mobsync says so
 * and synchronizes headlessly. */
static void test_rule(void)
{
    ISyncMgrSynchronizeInvoke *invoke;
    CLSID clsid;
    HWND dialog;
    HRESULT hr;

    register_handler(0x01);
    delete_item_settings(0x01);
    set_headless(~0u);
    ok(dialog_shown(only(1, 0x01)), "plain mobsync shows no dialog.\n");

    /* Headless: what /sync does, and it ends by itself. */
    set_headless(1);
    run_mobsync(only(1, 0x01));
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
    set_headless(0);
    ok(dialog_shown(only(1, 0x01)), "Headless=0: no dialog.\n");
    set_headless(~0u);

    SetEnvironmentVariableA("MOBSYNC_HEADLESS", "1");
    run_mobsync(only(1, 0x01));
    ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
    SetEnvironmentVariableA("MOBSYNC_HEADLESS", "0");
    ok(dialog_shown(only(1, 0x01)), "MOBSYNC_HEADLESS=0: no dialog.\n");
    /* The environment, for scripts and tests, wins over the registry. */
    set_headless(1);
    ok(dialog_shown(only(1, 0x01)), "MOBSYNC_HEADLESS=0 with Headless=1: no dialog.\n");
    set_headless(~0u);
    SetEnvironmentVariableA("MOBSYNC_HEADLESS", NULL);

    /* Nobody can see the windows: one line, then headless. */
    run_on_hidden_station(only(1, 0x01));
    ok(strstr(output, "mobsync: no display to show Items to Synchronize on; synchronizing without windows")
       != NULL, "output:\n%s", output);
    ok(strstr(output, "2 succeeded, 0 failed, 0 skipped") != NULL, "output:\n%s", output);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);

    /* A program's requests. */
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) goto done;
    handler_clsid(0x01, &clsid);
    wait_for_no_manager();

    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, 0, &clsid, 0, NULL);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    dialog = wait_for_any_dialog();
    ok(dialog != NULL, "UpdateItems(0): no dialog.\n");
    if (dialog)
    {
        ok(!IsIconic(dialog), "minimized.\n");
        SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
        wait_gone(dialog);
    }

    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_MINIMIZED, &clsid, 0, NULL);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    dialog = wait_for_any_dialog();
    ok(dialog != NULL, "UpdateItems(MINIMIZED): no dialog.\n");
    if (dialog)
    {
        ok(IsIconic(dialog), "not minimized.\n");
        SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
        wait_gone(dialog);
    }

    hr = ISyncMgrSynchronizeInvoke_UpdateAll(invoke);
    ok(hr == S_OK, "UpdateAll got %#lx.\n", hr);
    dialog = wait_for_any_dialog();
    ok(dialog != NULL, "UpdateAll: no dialog.\n");
    if (dialog)
    {
        save_dialog(dialog, "choice_update_all");
        SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
        wait_gone(dialog);
    }

    /* STARTSYNC: synchronized at once, without Items to Synchronize, which
     * would wait for a person: none is there when the handler is done (its
     * progress dialog, progress.c, closes by itself: nothing to read). */
    DeleteFileA(log_path);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, 0, NULL);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    ok(wait_for_call(0x01, "Destroyed"), "the handler was not released.\n");
    ok(!dialog_of(0), "STARTSYNC shows a dialog.\n");
    ISyncMgrSynchronizeInvoke_Release(invoke);
    wait_for_no_manager();

done:
    unregister_handler(0x01);
    delete_item_settings(0x01);
}

/* Every button inside the client area, none over another or the list. */
static void ok_layout(HWND dialog, const char *what)
{
    static const int buttons[] = { IDC_CHOICE_PROPERTIES, IDC_CHOICE_SETUP, IDC_CHOICE_SYNC, IDCANCEL };
    RECT client, list, a, b, both;
    unsigned int i, j;

    GetClientRect(dialog, &client);
    client_rect_of(dialog, IDC_CHOICE_LIST, &list);
    for (i = 0; i < ARRAY_SIZE(buttons); i++)
    {
        client_rect_of(dialog, buttons[i], &a);
        ok(a.left >= 0 && a.top >= 0 && a.right <= client.right && a.bottom <= client.bottom,
           "%s: button %d at %s outside %s.\n", what, buttons[i], wine_dbgstr_rect(&a),
           wine_dbgstr_rect(&client));
        ok(!IntersectRect(&both, &a, &list), "%s: button %d over the list.\n", what, buttons[i]);
        for (j = i + 1; j < ARRAY_SIZE(buttons); j++)
        {
            client_rect_of(dialog, buttons[j], &b);
            ok(!IntersectRect(&both, &a, &b), "%s: buttons %d and %d overlap.\n", what, buttons[i],
               buttons[j]);
        }
    }
}

/* The keyboard: Tab goes list, Properties, Setup, Synchronize, Close; Esc
 * closes; Enter synchronizes. Resizing moves the buttons
 * and grows the list, never below the first size; at 144 DPI everything
 * is half again as large and still fits. */
static void test_keyboard_and_layout(void)
{
    UINT (WINAPI *get_dpi_for_window)(HWND);
    RECT window, list, close, window2, list2, close2;
    struct mobsync_run run;
    HWND dialog, control;
    DWORD dpi = 144;
    LONG width96, width;
    HKEY key;

    register_handler(0x1c);
    delete_item_settings(0x1c);
    if (!(dialog = open_dialog(only(1, 0x1c), &run))) goto done;
    select_row(dialog, 1);
    control = GetDlgItem(dialog, IDC_CHOICE_LIST);
    ok(GetNextDlgTabItem(dialog, control, FALSE) == GetDlgItem(dialog, IDC_CHOICE_PROPERTIES),
       "after the list: %p.\n", GetNextDlgTabItem(dialog, control, FALSE));
    control = GetDlgItem(dialog, IDC_CHOICE_PROPERTIES);
    ok(GetNextDlgTabItem(dialog, control, FALSE) == GetDlgItem(dialog, IDC_CHOICE_SETUP),
       "after Properties: %p.\n", GetNextDlgTabItem(dialog, control, FALSE));
    control = GetDlgItem(dialog, IDC_CHOICE_SETUP);
    ok(GetNextDlgTabItem(dialog, control, FALSE) == GetDlgItem(dialog, IDC_CHOICE_SYNC),
       "after Setup: %p.\n", GetNextDlgTabItem(dialog, control, FALSE));
    control = GetDlgItem(dialog, IDC_CHOICE_SYNC);
    ok(GetNextDlgTabItem(dialog, control, FALSE) == GetDlgItem(dialog, IDCANCEL),
       "after Synchronize: %p.\n", GetNextDlgTabItem(dialog, control, FALSE));
    ok(GetWindowLongW(GetDlgItem(dialog, IDC_CHOICE_SYNC), GWL_STYLE) & BS_DEFPUSHBUTTON,
       "Synchronize is not the default button.\n");
    ok_layout(dialog, "96 DPI");

    GetWindowRect(dialog, &window);
    width96 = window.right - window.left;
    client_rect_of(dialog, IDC_CHOICE_LIST, &list);
    client_rect_of(dialog, IDCANCEL, &close);
    SetWindowPos(dialog, NULL, 0, 0, window.right - window.left + 200, window.bottom - window.top + 100,
                 SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);
    client_rect_of(dialog, IDC_CHOICE_LIST, &list2);
    client_rect_of(dialog, IDCANCEL, &close2);
    ok(list2.right - list2.left == list.right - list.left + 200
       && list2.bottom - list2.top == list.bottom - list.top + 100, "list %s, was %s.\n",
       wine_dbgstr_rect(&list2), wine_dbgstr_rect(&list));
    ok(close2.left == close.left + 200 && close2.top == close.top + 100, "Close %s, was %s.\n",
       wine_dbgstr_rect(&close2), wine_dbgstr_rect(&close));
    ok_layout(dialog, "larger");
    save_dialog(dialog, "choice_larger");
    SetWindowPos(dialog, NULL, 0, 0, 50, 50, SWP_NOMOVE | SWP_NOZORDER | SWP_NOACTIVATE);
    GetWindowRect(dialog, &window2);
    ok(window2.right - window2.left == window.right - window.left
       && window2.bottom - window2.top == window.bottom - window.top, "shrunk to %s from %s.\n",
       wine_dbgstr_rect(&window2), wine_dbgstr_rect(&window));

    /* Esc is Close. */
    SetForegroundWindow(dialog);
    press(VK_ESCAPE);
    finish_mobsync(&run);
    ok(exit_code == 0 && !output[0], "Esc: exit code %lu, output \"%s\".\n", exit_code, output);

    /* Enter is Synchronize. */
    if (!(dialog = open_dialog(only(1, 0x1c), &run))) goto done;
    SetForegroundWindow(dialog);
    press(VK_RETURN);
    finish_mobsync(&run);
    ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "Enter: last line \"%s\".\n",
       last_line());

    /* 144 DPI, for processes started from now on. mobsync.exe declares
     * itself DPI-aware: Wine 10, like Windows since Vista, gives a process
     * that does not 96 DPI whatever the setting (Wine 8 gave every process
     * the setting). The width is taken at the dialog's own DPI: this test
     * is not DPI-aware, and Wine (10, and 8 for a DPI-aware window) gives
     * it other windows' rectangles at 96 DPI, as Windows does. */
    get_dpi_for_window = (void *)GetProcAddress(GetModuleHandleA("user32.dll"), "GetDpiForWindow");
    if (!RegCreateKeyExA(HKEY_CURRENT_USER, "Control Panel\\Desktop", 0, NULL, 0, KEY_ALL_ACCESS,
                         NULL, &key, NULL))
    {
        RegSetValueExA(key, "LogPixels", 0, REG_DWORD, (BYTE *)&dpi, sizeof(dpi));
        if ((dialog = open_dialog(only(1, 0x1c), &run)))
        {
            GetWindowRect(dialog, &window);
            width = window.right - window.left;
            if (get_dpi_for_window) width = MulDiv(width, get_dpi_for_window(dialog), 96);
            else win_skip("GetDpiForWindow is not available: the width is taken at 96 DPI.\n");
            ok(width >= width96 * 14 / 10, "at 144 DPI %ld wide, at 96 %ld.\n", width, width96);
            ok_layout(dialog, "144 DPI");
            save_dialog(dialog, "choice_144dpi");
            click_and_finish(dialog, IDCANCEL, &run);
        }
        RegDeleteValueA(key, "LogPixels");
        RegCloseKey(key);
    }

done:
    unregister_handler(0x1c);
    delete_item_settings(0x1c);
}

/* "Ask me before synchronizing" (Ask under the event's settings): /logon
 * opens Items to Synchronize first, the items chosen for logon checked
 * (not the check states), and what the person checks there is kept as
 * logon's choice. */
static void test_ask(void)
{
    char key_name[128];
    struct mobsync_run run;
    struct row rows[8];
    unsigned int count;
    HWND dialog;

    register_handler_ex(0x01, TEST_DLL, "Apartment",
                        SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    delete_item_settings(0x01);
    delete_settings_store();
    /* Only item 3 chosen: the check states say items 1 and 2. */
    set_choice("Events\\Logon", 0x01, 1, 0);
    set_choice("Events\\Logon", 0x01, 2, 0);
    set_choice("Events\\Logon", 0x01, 3, 1);
    set_setting("Events\\Logon", "Ask", 1);
    DeleteFileA(log_path);
    if (!(dialog = open_dialog("/logon", &run))) goto done;
    count = read_rows(dialog, rows, ARRAY_SIZE(rows));
    ok(count == 4, "%u rows.\n", count);
    if (count == 4)
    {
        ok_row(rows, 1, "Item 1", 1, 1);
        ok_row(rows, 2, "Item 2", 1, 1);
        ok_row(rows, 3, "Item 3", 2, 1);
    }
    save_dialog(dialog, "choice_ask");
    set_box(dialog, 1, 2);
    sprintf(key_name, "Software\\mobsync\\Events\\Logon\\%s", handler_str(0x01));
    ok(get_value(key_name, item_str(0x01, 1)) == 1, "item 1 is not chosen for logon.\n");
    ok(stored_state(0x01, 1) == ~0u, "the check state of item 1 was written: %lu.\n", stored_state(0x01, 1));
    click_and_finish(dialog, IDC_CHOICE_SYNC, &run);
    ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000201 cookie=0:811c9dc5"),
       "got \"%s\".\n", initialize_call(0x01));
    ok(has_line(result_line("succeeded", 0x01, 1)), "item 1 not synchronized:\n%s", output);
    ok(has_line(result_line("succeeded", 0x01, 3)), "item 3 not synchronized:\n%s", output);
    ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
    ok(exit_code == 0, "exit code %lu.\n", exit_code);

    /* Without Ask: what the person chose, with no window. */
    set_setting("Events\\Logon", "Ask", 0);
    if (run_mobsync("/logon"))
    {
        ok(!strcmp(initialize_call(0x01), "Initialize reserved=0 flags=00000001 cookie=0:811c9dc5"),
           "got \"%s\".\n", initialize_call(0x01));
        ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
        ok(!dialog_of(0), "a dialog is open.\n");
    }

done:
    delete_settings_store();
    unregister_handler(0x01);
}

/* Synchronize with all of one handler's items cleared: that handler is
 * done at once, without PrepareForSync; the other synchronizes its own. */
static void test_nothing_checked(void)
{
    struct mobsync_run run;
    HWND dialog;

    register_handler(TEST_GOOD_SYNC);
    register_handler(TEST_SLOW_FIRST);
    delete_item_settings(TEST_GOOD_SYNC);
    delete_item_settings(TEST_SLOW_FIRST);
    DeleteFileA(log_path);
    if (!(dialog = open_dialog(only(2, TEST_GOOD_SYNC, TEST_SLOW_FIRST), &run))) goto done;
    /* 01 and its three items, 10 and its one. */
    ok(wait_for_rows(dialog, 6), "not 6 rows.\n");
    /* 01's box: all its items checked, then none. */
    set_box(dialog, 0, 2);
    set_box(dialog, 0, 1);
    ok(stored_state(TEST_GOOD_SYNC, 1) == 0 && stored_state(TEST_GOOD_SYNC, 2) == 0,
       "stored %lu %lu.\n", stored_state(TEST_GOOD_SYNC, 1), stored_state(TEST_GOOD_SYNC, 2));
    click_and_finish(dialog, IDC_CHOICE_SYNC, &run);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(!strcmp(last_line(), "1 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
    ok(has_line(result_line("succeeded", TEST_SLOW_FIRST, 1)), "10's item 1:\n%s", output);
    ok(!has_call(TEST_GOOD_SYNC, "PrepareForSync"), "01 was asked to prepare.\n");
    ok(has_call(TEST_GOOD_SYNC, "Destroyed"), "01 was not released.\n");

done:
    delete_item_settings(TEST_GOOD_SYNC);
    delete_item_settings(TEST_SLOW_FIRST);
    unregister_handler(TEST_GOOD_SYNC);
    unregister_handler(TEST_SLOW_FIRST);
}

START_TEST(choice)
{
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    init_test();
    test_rule();
    test_list();
    test_nothing_checked();
    test_properties(FALSE);
    if (both_arches()) test_properties(TRUE);
    else skip("the other architecture cannot run here.\n");
    test_close_during_properties();
    test_hang_while_loading();
    test_keyboard_and_layout();
    test_ask();
    CoUninitialize();
}
