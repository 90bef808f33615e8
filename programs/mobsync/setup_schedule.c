/*
 * mobsync.exe: the Scheduled tab of Synchronization Settings, and the
 * editor of one schedule
 *
 * The tab lists the stored schedules (schedules.c); Add and Edit open the
 * editor: a name, the items (of every handler), when it first runs, how
 * it recurs. A schedule is saved when its editor's OK is pressed, and
 * removed when Remove is: what the tab shows is always what is stored.
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
#include <string.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "setup.h"
#include "resource.h"
#include "winreg.h"
#include "shlwapi.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

struct editor
{
    struct setup *setup;
    struct schedule schedule;  /* as stored; name empty for a new one */
    struct item_list list;
};

static void set_text(HWND list, int row, int column, const WCHAR *text)
{
    LVITEMW item;

    memset(&item, 0, sizeof(item));
    item.iSubItem = column;
    item.pszText = (WCHAR *)text;
    SendMessageW(list, LVM_SETITEMTEXTW, row, (LPARAM)&item);
}

/* The tab's rows, from the store. */
static void fill(struct setup *setup)
{
    HWND list = GetDlgItem(setup->window, IDC_SETUP_SCHEDULES);
    struct schedule *schedules;
    unsigned int i, count;
    WCHAR text[128];
    LVITEMW item;

    SendMessageW(list, LVM_DELETEALLITEMS, 0, 0);
    schedules = schedule_read_all(&count);
    for (i = 0; i < count; i++)
    {
        memset(&item, 0, sizeof(item));
        item.mask = LVIF_TEXT;
        item.iItem = i;
        item.pszText = schedules[i].name;
        SendMessageW(list, LVM_INSERTITEMW, 0, (LPARAM)&item);
        format_local_time(&schedules[i].start, 0, text, ARRAYSIZE(text));
        set_text(list, i, 1, text);
        format_message(text, ARRAYSIZE(text), IDS_RECURRENCE_FIRST + schedules[i].recurrence,
                       schedules[i].days);
        set_text(list, i, 2, text);
    }
    free(schedules);
}

void schedules_init(struct setup *setup)
{
    static const UINT titles[] = { IDS_CHOICE_NAME, IDS_SCHEDULE_STARTS, IDS_SCHEDULE_REPEATS };
    static const int widths[] = { 90, 100, 80 };
    HWND list = GetDlgItem(setup->window, IDC_SETUP_SCHEDULES);
    LVCOLUMNW column;
    WCHAR text[64];
    unsigned int i;
    RECT units;

    SendMessageW(list, LVM_SETEXTENDEDLISTVIEWSTYLE, 0, LVS_EX_FULLROWSELECT);
    for (i = 0; i < ARRAYSIZE(titles); i++)
    {
        SetRect(&units, 0, 0, widths[i], 0);
        MapDialogRect(setup->window, &units);
        memset(&column, 0, sizeof(column));
        column.mask = LVCF_TEXT | LVCF_WIDTH;
        column.pszText = (WCHAR *)load_message(titles[i], text, ARRAYSIZE(text));
        column.cx = units.right;
        SendMessageW(list, LVM_INSERTCOLUMNW, i, (LPARAM)&column);
    }
    fill(setup);
}

static int selected(const struct setup *setup)
{
    return SendDlgItemMessageW(setup->window, IDC_SETUP_SCHEDULES, LVM_GETNEXTITEM, -1, LVNI_SELECTED);
}

void schedules_update_controls(struct setup *setup)
{
    BOOL any = selected(setup) >= 0;

    EnableWindow(GetDlgItem(setup->window, IDC_SETUP_EDIT), any);
    EnableWindow(GetDlgItem(setup->window, IDC_SETUP_REMOVE), any);
}

static HKEY open_schedule(void *context, const struct dialog_handler *ch, BOOL *default_chosen)
{
    struct editor *editor = context;
    WCHAR key[MAX_PATH];

    *default_chosen = FALSE;
    if (!editor->schedule.name[0]) return NULL;
    schedule_key(editor->schedule.name, key, ARRAYSIZE(key));
    return settings_open_handler(key, handler_clsid(ch->handler));
}

static void init_editor(struct editor *editor, HWND window)
{
    HWND combo = GetDlgItem(window, IDC_SCHEDULE_REPEAT);
    SYSTEMTIME utc, local;
    WCHAR text[64];
    unsigned int i;

    SetWindowLongPtrW(window, DWLP_USER, (LONG_PTR)editor);
    SendDlgItemMessageW(window, IDC_SCHEDULE_NAME, EM_LIMITTEXT, MOBSYNC_MAX_SCHEDULE_NAME, 0);
    SetDlgItemTextW(window, IDC_SCHEDULE_NAME, editor->schedule.name);
    for (i = SCHEDULE_ONCE; i <= SCHEDULE_EVERY_DAYS; i++)
    {
        load_message(IDS_RECURRENCE_FIRST + 4 + i, text, ARRAYSIZE(text));
        SendMessageW(combo, CB_ADDSTRING, 0, (LPARAM)text);
    }
    SendMessageW(combo, CB_SETCURSEL, editor->schedule.recurrence, 0);
    SetDlgItemInt(window, IDC_SCHEDULE_DAYS, editor->schedule.days, FALSE);
    EnableWindow(GetDlgItem(window, IDC_SCHEDULE_DAYS), editor->schedule.recurrence == SCHEDULE_EVERY_DAYS);
    FileTimeToSystemTime(&editor->schedule.start, &utc);
    SystemTimeToTzSpecificLocalTime(NULL, &utc, &local);
    SendDlgItemMessageW(window, IDC_SCHEDULE_DATE, DTM_SETSYSTEMTIME, GDT_VALID, (LPARAM)&local);
    SendDlgItemMessageW(window, IDC_SCHEDULE_TIME, DTM_SETSYSTEMTIME, GDT_VALID, (LPARAM)&local);
    editor->list.open = open_schedule;
    editor->list.context = editor;
    item_list_init(&editor->list, editor->setup, GetDlgItem(window, IDC_SCHEDULE_LIST));
    item_list_refresh(&editor->list, editor->setup, TRUE);
    editor->setup->editing = &editor->list;
}

static BOOL refuse(HWND window, UINT id)
{
    WCHAR text[256];

    SetDlgItemTextW(window, IDC_SCHEDULE_ERROR, load_message(id, text, ARRAYSIZE(text)));
    return FALSE;
}

/* What the editor says, checked, into the store. */
static BOOL save_editor(struct editor *editor, HWND window)
{
    struct schedule schedule, other;
    WCHAR name[MOBSYNC_MAX_SCHEDULE_NAME + 2], key[MAX_PATH], old_key[MAX_PATH];
    SYSTEMTIME date, time, utc;
    BOOL days_ok;
    HKEY old;

    memset(&schedule, 0, sizeof(schedule));
    GetDlgItemTextW(window, IDC_SCHEDULE_NAME, name, ARRAYSIZE(name));
    if (!schedule_name_valid(name)) return refuse(window, IDS_SCHEDULE_BAD_NAME);
    if (wcsicmp(name, editor->schedule.name) && schedule_read(name, &other))
        return refuse(window, IDS_SCHEDULE_EXISTS);
    wcscpy(schedule.name, name);
    schedule.recurrence = SendDlgItemMessageW(window, IDC_SCHEDULE_REPEAT, CB_GETCURSEL, 0, 0);
    if (schedule.recurrence > SCHEDULE_EVERY_DAYS) schedule.recurrence = SCHEDULE_ONCE;
    schedule.days = GetDlgItemInt(window, IDC_SCHEDULE_DAYS, &days_ok, FALSE);
    if (schedule.recurrence != SCHEDULE_EVERY_DAYS) schedule.days = max(editor->schedule.days, 1);
    else if (!days_ok || !schedule.days || schedule.days > 365) return refuse(window, IDS_SCHEDULE_BAD_DAYS);
    SendDlgItemMessageW(window, IDC_SCHEDULE_DATE, DTM_GETSYSTEMTIME, 0, (LPARAM)&date);
    SendDlgItemMessageW(window, IDC_SCHEDULE_TIME, DTM_GETSYSTEMTIME, 0, (LPARAM)&time);
    date.wHour = time.wHour;
    date.wMinute = time.wMinute;
    date.wSecond = time.wSecond;
    date.wMilliseconds = 0;
    if (!TzSpecificLocalTimeToSystemTime(NULL, &date, &utc) || !SystemTimeToFileTime(&utc, &schedule.start))
        return refuse(window, IDS_SCHEDULE_NOT_SAVED);
    schedule_key(schedule.name, key, ARRAYSIZE(key));
    /* Renamed: what handlers not loaded now had chosen goes with it. */
    if (editor->schedule.name[0] && wcscmp(name, editor->schedule.name))
    {
        schedule_key(editor->schedule.name, old_key, ARRAYSIZE(old_key));
        if (!RegOpenKeyExW(HKEY_CURRENT_USER, old_key, 0, KEY_READ, &old))
        {
            HKEY new_key;

            if (!RegCreateKeyExW(HKEY_CURRENT_USER, key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &new_key, NULL))
            {
                SHCopyKeyW(old, NULL, new_key, 0);
                RegCloseKey(new_key);
            }
            RegCloseKey(old);
        }
    }
    if (!schedule_write(&schedule) || !item_list_save(&editor->list, editor->setup, key, 0))
        return refuse(window, IDS_SCHEDULE_NOT_SAVED);
    if (editor->schedule.name[0] && wcscmp(name, editor->schedule.name))
        schedule_delete(editor->schedule.name);
    TRACE("Saved schedule %s.\n", debugstr_w(name));
    agent_start_if_needed();
    return TRUE;
}

static INT_PTR CALLBACK editor_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct editor *editor = (struct editor *)GetWindowLongPtrW(window, DWLP_USER);
    LRESULT result;

    switch (msg)
    {
    case WM_INITDIALOG:
        init_editor((struct editor *)lparam, window);
        return TRUE;
    case WM_NOTIFY:
        if (editor && item_list_notify(&editor->list, editor->setup, (NMHDR *)lparam, &result))
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT, result);
            return TRUE;
        }
        break;
    case WM_COMMAND:
        switch (LOWORD(wparam))
        {
        case IDC_SCHEDULE_REPEAT:
            if (HIWORD(wparam) == CBN_SELCHANGE)
                EnableWindow(GetDlgItem(window, IDC_SCHEDULE_DAYS), SendMessageW((HWND)lparam, CB_GETCURSEL, 0, 0)
                             == SCHEDULE_EVERY_DAYS);
            return TRUE;
        case IDOK:
            if (save_editor(editor, window)) EndDialog(window, IDOK);
            return TRUE;
        case IDCANCEL:
            EndDialog(window, IDCANCEL);
            return TRUE;
        }
        break;
    }
    return FALSE;
}

static void edit(struct setup *setup, const WCHAR *name)
{
    struct editor editor;

    memset(&editor, 0, sizeof(editor));
    editor.setup = setup;
    if (!name || !schedule_read(name, &editor.schedule))
    {
        memset(&editor.schedule, 0, sizeof(editor.schedule));
        GetSystemTimeAsFileTime(&editor.schedule.start);
        editor.schedule.recurrence = SCHEDULE_DAILY;
        editor.schedule.days = 1;
    }
    DialogBoxParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_SCHEDULE), setup->window, editor_proc,
                    (LPARAM)&editor);
    setup->editing = NULL;
    item_list_free(&editor.list);
    fill(setup);
}

void schedules_command(struct setup *setup, WORD id)
{
    WCHAR name[MOBSYNC_MAX_SCHEDULE_NAME + 1];
    LVITEMW item;
    int row = selected(setup);

    name[0] = 0;
    if (row >= 0)
    {
        memset(&item, 0, sizeof(item));
        item.pszText = name;
        item.cchTextMax = ARRAYSIZE(name);
        SendDlgItemMessageW(setup->window, IDC_SETUP_SCHEDULES, LVM_GETITEMTEXTW, row, (LPARAM)&item);
    }
    if (id == IDC_SETUP_ADD) edit(setup, NULL);
    else if (id == IDC_SETUP_EDIT && name[0]) edit(setup, name);
    else if (id == IDC_SETUP_REMOVE && name[0])
    {
        schedule_delete(name);
        fill(setup);
    }
}
