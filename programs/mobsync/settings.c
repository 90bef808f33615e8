/*
 * mobsync.exe: Synchronization Settings
 *
 * What synchronizes by itself: the Logon/Logoff tab (the items, "When I log
 * on", "When I log off", "Ask me first"), On Idle (the items, whether, and
 * the Advanced values) and Scheduled (the stored schedules, and the editor
 * of one). Opened by mobsync /setup and the Setup button of Items to
 * Synchronize. Its session loads every handler with SYNCMGRFLAG_SETTINGS in
 * MODE_CHOOSE and only reads what they enumerate; the tabs write the store
 * registry.c reads (docs/registry.md) when OK or Apply is pressed;
 * schedules are saved as each is, when its editor's OK is pressed, and
 * removed when Remove is: what the Scheduled tab shows is always what is
 * stored.
 *
 * Each list of items (a tab's, or a schedule's) reads what is chosen from
 * the store when a handler's items first appear, then keeps it as the
 * person clicks, and writes it only when the tab or the schedule is saved.
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
#include "handler.h"
#include "schedules.h"
#include "dialog.h"
#include "resource.h"
#include "winreg.h"
#include "shlwapi.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

#define LOGON_KEY  MOBSYNC_EVENTS_KEY L"\\Logon"
#define LOGOFF_KEY MOBSYNC_EVENTS_KEY L"\\Logoff"
#define IDLE_KEY   MOBSYNC_EVENTS_KEY L"\\Idle"

/* A list of handlers' items with check boxes, kept in memory until saved:
 * a tab's, or a schedule's. Its rows are rebuilt from the dialog's views. */
struct list_handler
{
    GUID *ids;              /* the items shown, and whether each is chosen */
    BOOL *chosen;
    unsigned int count;
    BOOL known;             /* read from the store once its items were there */
    int first_row, row_count;
};

struct item_list
{
    HWND list;
    DWORD register_flags;   /* handlers registered for one of these; 0: all */
    struct list_handler *handlers; /* as the dialog's handlers */
    unsigned int count;
    BOOL filling, changed;
    /* The handler's subkey of the store it is read from (NULL: not
     * configured), and what an item of a handler not configured is. */
    HKEY (*open)(void *context, const struct dialog_handler *dh, BOOL *default_chosen);
    void *context;
};

struct setup
{
    struct session *session;
    HWND window, tabs;
    HIMAGELIST images;
    int default_icon, error_icon;
    struct dialog_handler *handlers;
    unsigned int count;
    struct item_list logon, idle;
    struct item_list *editing; /* the schedule editor's, while it is open */
    BOOL logon_changed, idle_changed; /* their other controls */
    DWORD wait_minutes, repeat_minutes, prevent_on_battery;
    BOOL done;
    struct layout layout;
};

/* The editor of one schedule (Add, Edit): a name, the items (of every
 * handler), when it first runs, how it recurs. */
struct editor
{
    struct setup *setup;
    struct schedule schedule;  /* as stored; name empty for a new one */
    struct item_list list;
};

static void check(HWND window, int id, BOOL checked)
{
    SendDlgItemMessageW(window, id, BM_SETCHECK, checked ? BST_CHECKED : BST_UNCHECKED, 0);
}

static BOOL checked(HWND window, int id)
{
    return SendDlgItemMessageW(window, id, BM_GETCHECK, 0, 0) == BST_CHECKED;
}

static void item_list_init(struct item_list *list, struct setup *setup, HWND control)
{
    LVCOLUMNW column;
    WCHAR name[64];

    list->list = control;
    SendMessageW(control, LVM_SETEXTENDEDLISTVIEWSTYLE, 0,
                 LVS_EX_CHECKBOXES | LVS_EX_FULLROWSELECT);
    SendMessageW(control, LVM_SETIMAGELIST, LVSIL_SMALL, (LPARAM)setup->images);
    memset(&column, 0, sizeof(column));
    column.mask = LVCF_TEXT | LVCF_WIDTH;
    column.pszText = (WCHAR *)load_message(IDS_CHOICE_NAME, name, ARRAYSIZE(name));
    column.cx = 200;
    SendMessageW(control, LVM_INSERTCOLUMNW, 0, (LPARAM)&column);
}

static void item_list_free(struct item_list *list)
{
    unsigned int i;

    for (i = 0; i < list->count; i++)
    {
        free(list->handlers[i].ids);
        free(list->handlers[i].chosen);
    }
    free(list->handlers);
    list->handlers = NULL;
    list->count = 0;
}

/* On this list: a handler registered for its events that failed, or that
 * is loaded, not hidden, and has items. */
static BOOL listed(const struct item_list *list, const struct dialog_handler *dh)
{
    if (list->register_flags && !(handler_register_flags(dh->handler) & list->register_flags))
        return FALSE;
    if (dh->view.state == VIEW_FAILED) return TRUE;
    return view_ready(&dh->view) && !(dh->view.flags & SYNCMGRHANDLER_HIDDEN)
            && dh->view.item_count;
}

/* The handler's items as its view has them now: those the list knew keep
 * what the person chose, the others are read from the store. */
static void take_items(struct item_list *list, const struct dialog_handler *dh,
        struct list_handler *lh)
{
    unsigned int i, j, count = dh->view.item_count;
    BOOL *chosen, default_chosen = FALSE;
    HKEY key = NULL;
    GUID *ids;

    if (!view_ready(&dh->view)) return;
    ids = malloc(max(count, 1) * sizeof(*ids));
    chosen = malloc(max(count, 1) * sizeof(*chosen));
    if (!ids || !chosen)
    {
        free(ids);
        free(chosen);
        return;
    }
    key = list->open(list->context, dh, &default_chosen);
    for (i = 0; i < count; i++)
    {
        ids[i] = dh->view.items[i].id;
        for (j = 0; j < lh->count; j++) if (IsEqualGUID(&lh->ids[j], &ids[i])) break;
        chosen[i] = j < lh->count ? lh->chosen[j]
                                  : settings_item_chosen(key, &ids[i], default_chosen);
    }
    if (key) RegCloseKey(key);
    free(lh->ids);
    free(lh->chosen);
    lh->ids = ids;
    lh->chosen = chosen;
    lh->count = count;
    lh->known = TRUE;
}

static int handler_box(const struct list_handler *lh)
{
    unsigned int i;

    if (!lh->count) return BOX_NONE;
    for (i = 0; i < lh->count; i++) if (!lh->chosen[i]) return BOX_UNCHECKED;
    return BOX_CHECKED;
}

/* The rows made again, the selected row kept, after the setup's views
 * changed (all: the list is new). */
static void item_list_refresh(struct item_list *list, struct setup *setup, BOOL all)
{
    int selected = SendMessageW(list->list, LVM_GETNEXTITEM, -1, LVNI_SELECTED), row = 0;
    WCHAR text[300];
    unsigned int i, j;
    LVITEMW item;

    if (!list->handlers && setup->count)
    {
        if (!(list->handlers = calloc(setup->count, sizeof(*list->handlers)))) return;
        list->count = setup->count;
    }
    list->filling = TRUE;
    SendMessageW(list->list, WM_SETREDRAW, FALSE, 0);
    SendMessageW(list->list, LVM_DELETEALLITEMS, 0, 0);
    for (i = 0; i < list->count; i++)
    {
        const struct dialog_handler *dh = &setup->handlers[i];
        struct list_handler *lh = &list->handlers[i];

        lh->first_row = row;
        lh->row_count = 0;
        if (!listed(list, dh)) continue;
        if (view_ready(&dh->view) && (all || !lh->known || lh->count != dh->view.item_count))
            take_items(list, dh, lh);
        list_insert_row(list->list, row++, dh->view.name,
                        dh->icon >= 0 ? dh->icon : setup->default_icon, 0,
                        view_ready(&dh->view) ? handler_box(lh) : BOX_NONE, NULL);
        if (dh->view.state == VIEW_FAILED)
        {
            swprintf(text, ARRAYSIZE(text), L"%ls (0x%08lx)", dh->view.error, dh->view.hr);
            list_insert_row(list->list, row++, text, setup->error_icon, 1, BOX_NONE, NULL);
        }
        for (j = 0; view_ready(&dh->view) && j < lh->count && j < dh->view.item_count; j++)
        {
            const struct item_view *view = &dh->view.items[j];
            int image = view->icon >= 0 && (unsigned int)view->icon < dh->item_icon_count
                    ? dh->item_icons[view->icon] : -1;

            list_insert_row(list->list, row++, view->name, image, 1,
                            lh->chosen[j] ? BOX_CHECKED : BOX_UNCHECKED, NULL);
        }
        lh->row_count = row - lh->first_row;
    }
    if (selected >= 0 && selected < row)
    {
        item.state = item.stateMask = LVIS_SELECTED | LVIS_FOCUSED;
        SendMessageW(list->list, LVM_SETITEMSTATE, selected, (LPARAM)&item);
    }
    list->filling = FALSE;
    SendMessageW(list->list, WM_SETREDRAW, TRUE, 0);
    InvalidateRect(list->list, NULL, TRUE);
}

static BOOL find_row(const struct item_list *list, int row, unsigned int *index, int *offset)
{
    unsigned int i;

    for (i = 0; row >= 0 && i < list->count; i++)
    {
        const struct list_handler *lh = &list->handlers[i];

        if (row < lh->first_row || row >= lh->first_row + lh->row_count) continue;
        *index = i;
        *offset = row - lh->first_row;
        return TRUE;
    }
    return FALSE;
}

/* Only rows with a box change it; a handler's box checks or clears all its
 * items. TRUE when the notification was the list's. */
static BOOL item_list_notify(struct item_list *list, struct setup *setup, const NMHDR *nm,
        LRESULT *result)
{
    const NMLISTVIEW *lv = (const NMLISTVIEW *)nm;
    struct list_handler *lh;
    unsigned int index, i;
    int offset, box;

    if (nm->hwndFrom != list->list) return FALSE;
    *result = 0;
    if (list->filling || (nm->code != LVN_ITEMCHANGING && nm->code != LVN_ITEMCHANGED)
            || !(lv->uChanged & LVIF_STATE)
            || !((lv->uNewState ^ lv->uOldState) & LVIS_STATEIMAGEMASK))
        return TRUE;
    box = (lv->uNewState & LVIS_STATEIMAGEMASK) >> 12;
    if (!find_row(list, lv->iItem, &index, &offset)
            || !list->handlers[index].known || (offset && offset > (int)list->handlers[index].count)
            || (!offset && !list->handlers[index].count))
    {
        *result = nm->code == LVN_ITEMCHANGING;  /* no box: refused */
        return TRUE;
    }
    if (nm->code == LVN_ITEMCHANGING || box == BOX_NONE) return TRUE;
    lh = &list->handlers[index];
    list->filling = TRUE;
    for (i = 0; i < lh->count; i++)
    {
        if (offset && (unsigned int)offset - 1 != i) continue;
        lh->chosen[i] = box == BOX_CHECKED;
        list_set_box(list->list, lh->first_row + 1 + i, box);
    }
    list_set_box(list->list, lh->first_row, handler_box(lh));
    list->filling = FALSE;
    list->changed = TRUE;
    TRACE("%s: %s %s.\n", debugstr_w(handler_clsid_str(setup->handlers[index].handler)),
          offset ? "item" : "every item", box == BOX_CHECKED ? "chosen" : "not chosen");
    return TRUE;
}

/* The choice written under key, a value per item, for each handler on the
 * list registered for register_flag (0: every one); a handler that failed
 * keeps what it had. */
static BOOL item_list_save(const struct item_list *list, const struct setup *setup,
        const WCHAR *key, DWORD register_flag)
{
    unsigned int i, j;
    BOOL ret = TRUE;

    for (i = 0; i < list->count; i++)
    {
        const struct list_handler *lh = &list->handlers[i];
        const struct dialog_handler *dh = &setup->handlers[i];

        if (!lh->known || !listed(list, dh) || !view_ready(&dh->view)) continue;
        if (register_flag && !(handler_register_flags(dh->handler) & register_flag)) continue;
        for (j = 0; j < lh->count; j++)
            if (!settings_write_item(key, handler_clsid(dh->handler), &lh->ids[j], lh->chosen[j]))
                ret = FALSE;
    }
    return ret;
}

/* Advanced: how long the computer is idle before it synchronizes, how
 * often again while it stays idle, and not on battery power; kept in the
 * setup until its settings are saved. */
static INT_PTR CALLBACK idle_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct setup *setup = (struct setup *)GetWindowLongPtrW(window, DWLP_USER);
    BOOL wait_ok, repeat_ok;
    UINT wait, repeat;
    WCHAR text[128];

    switch (msg)
    {
    case WM_INITDIALOG:
        setup = (struct setup *)lparam;
        SetWindowLongPtrW(window, DWLP_USER, lparam);
        SendDlgItemMessageW(window, IDC_IDLE_WAIT, EM_LIMITTEXT, 3, 0);
        SendDlgItemMessageW(window, IDC_IDLE_REPEAT_MINUTES, EM_LIMITTEXT, 3, 0);
        SetDlgItemInt(window, IDC_IDLE_WAIT, setup->wait_minutes, FALSE);
        SetDlgItemInt(window, IDC_IDLE_REPEAT_MINUTES,
                      setup->repeat_minutes ? setup->repeat_minutes : 60, FALSE);
        check(window, IDC_IDLE_REPEAT, setup->repeat_minutes != 0);
        EnableWindow(GetDlgItem(window, IDC_IDLE_REPEAT_MINUTES), setup->repeat_minutes != 0);
        check(window, IDC_IDLE_BATTERY, setup->prevent_on_battery);
        return TRUE;
    case WM_COMMAND:
        switch (LOWORD(wparam))
        {
        case IDC_IDLE_REPEAT:
            EnableWindow(GetDlgItem(window, IDC_IDLE_REPEAT_MINUTES),
                         checked(window, IDC_IDLE_REPEAT));
            return TRUE;
        case IDOK:
            wait = GetDlgItemInt(window, IDC_IDLE_WAIT, &wait_ok, FALSE);
            repeat = GetDlgItemInt(window, IDC_IDLE_REPEAT_MINUTES, &repeat_ok, FALSE);
            if (!wait_ok || !wait || (checked(window, IDC_IDLE_REPEAT) && (!repeat_ok || !repeat)))
            {
                SetDlgItemTextW(window, IDC_IDLE_ERROR,
                                load_message(IDS_IDLE_BAD_MINUTES, text, ARRAYSIZE(text)));
                return TRUE;
            }
            setup->wait_minutes = wait;
            setup->repeat_minutes = checked(window, IDC_IDLE_REPEAT) ? repeat : 0;
            setup->prevent_on_battery = checked(window, IDC_IDLE_BATTERY);
            setup->idle_changed = TRUE;
            /* fall through */
        case IDCANCEL:
            EndDialog(window, LOWORD(wparam));
            return TRUE;
        }
        break;
    }
    return FALSE;
}

static void setup_advanced(struct setup *setup)
{
    DialogBoxParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_IDLE), setup->window, idle_proc,
                    (LPARAM)setup);
}

/* The Scheduled tab's rows, from the store (schedules.c). */
static void fill_schedules(struct setup *setup)
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
        list_set_text(list, i, 1, text);
        format_message(text, ARRAYSIZE(text), IDS_RECURRENCE_FIRST + schedules[i].recurrence,
                       schedules[i].days);
        list_set_text(list, i, 2, text);
    }
    free(schedules);
}

static void schedules_init(struct setup *setup)
{
    static const UINT titles[] = { IDS_CHOICE_NAME, IDS_SCHEDULE_STARTS, IDS_SCHEDULE_REPEATS };
    static const int widths[] = { 90, 100, 80 };

    list_add_columns(GetDlgItem(setup->window, IDC_SETUP_SCHEDULES), setup->window, titles, widths,
                     ARRAYSIZE(titles));
    fill_schedules(setup);
}

static int selected_schedule(const struct setup *setup)
{
    return SendDlgItemMessageW(setup->window, IDC_SETUP_SCHEDULES, LVM_GETNEXTITEM, -1,
                               LVNI_SELECTED);
}

static void schedules_update_controls(struct setup *setup)
{
    BOOL any = selected_schedule(setup) >= 0;

    EnableWindow(GetDlgItem(setup->window, IDC_SETUP_EDIT), any);
    EnableWindow(GetDlgItem(setup->window, IDC_SETUP_REMOVE), any);
}

static HKEY open_schedule(void *context, const struct dialog_handler *dh, BOOL *default_chosen)
{
    struct editor *editor = context;
    WCHAR key[MAX_PATH];

    *default_chosen = FALSE;
    if (!editor->schedule.name[0]) return NULL;
    schedule_key(editor->schedule.name, key, ARRAYSIZE(key));
    return settings_open_handler(key, handler_clsid(dh->handler));
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
    EnableWindow(GetDlgItem(window, IDC_SCHEDULE_DAYS),
                 editor->schedule.recurrence == SCHEDULE_EVERY_DAYS);
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
    BOOL days_ok, renamed;
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
    else if (!days_ok || !schedule.days || schedule.days > 365)
        return refuse(window, IDS_SCHEDULE_BAD_DAYS);
    SendDlgItemMessageW(window, IDC_SCHEDULE_DATE, DTM_GETSYSTEMTIME, 0, (LPARAM)&date);
    SendDlgItemMessageW(window, IDC_SCHEDULE_TIME, DTM_GETSYSTEMTIME, 0, (LPARAM)&time);
    date.wHour = time.wHour;
    date.wMinute = time.wMinute;
    date.wSecond = time.wSecond;
    date.wMilliseconds = 0;
    if (!TzSpecificLocalTimeToSystemTime(NULL, &date, &utc)
            || !SystemTimeToFileTime(&utc, &schedule.start))
        return refuse(window, IDS_SCHEDULE_NOT_SAVED);
    schedule_key(schedule.name, key, ARRAYSIZE(key));
    /* Renamed: what handlers not loaded now had chosen goes with it. A name
     * changed only in case is the same key (the registry keeps the case it
     * was made with): deleting the old name would delete the schedule. */
    renamed = editor->schedule.name[0] && wcsicmp(name, editor->schedule.name);
    if (renamed)
    {
        schedule_key(editor->schedule.name, old_key, ARRAYSIZE(old_key));
        if (!RegOpenKeyExW(HKEY_CURRENT_USER, old_key, 0, KEY_READ, &old))
        {
            HKEY new_key;

            if (!RegCreateKeyExW(HKEY_CURRENT_USER, key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &new_key,
                                 NULL))
            {
                SHCopyKeyW(old, NULL, new_key, 0);
                RegCloseKey(new_key);
            }
            RegCloseKey(old);
        }
    }
    if (!schedule_write(&schedule) || !item_list_save(&editor->list, editor->setup, key, 0))
        return refuse(window, IDS_SCHEDULE_NOT_SAVED);
    if (renamed) schedule_delete(editor->schedule.name);
    TRACE("Saved schedule %s.\n", debugstr_w(name));
    automatic_runs_changed();
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
                EnableWindow(GetDlgItem(window, IDC_SCHEDULE_DAYS),
                             SendMessageW((HWND)lparam, CB_GETCURSEL, 0, 0) == SCHEDULE_EVERY_DAYS);
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

static void edit_schedule(struct setup *setup, const WCHAR *name)
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
    DialogBoxParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_SCHEDULE), setup->window,
                    editor_proc, (LPARAM)&editor);
    setup->editing = NULL;
    item_list_free(&editor.list);
    fill_schedules(setup);
}

static void schedules_command(struct setup *setup, WORD id)
{
    WCHAR name[MOBSYNC_MAX_SCHEDULE_NAME + 1];
    LVITEMW item;
    int row = selected_schedule(setup);

    name[0] = 0;
    if (row >= 0)
    {
        memset(&item, 0, sizeof(item));
        item.pszText = name;
        item.cchTextMax = ARRAYSIZE(name);
        SendDlgItemMessageW(setup->window, IDC_SETUP_SCHEDULES, LVM_GETITEMTEXTW, row,
                            (LPARAM)&item);
    }
    if (id == IDC_SETUP_ADD) edit_schedule(setup, NULL);
    else if (id == IDC_SETUP_EDIT && name[0]) edit_schedule(setup, name);
    else if (id == IDC_SETUP_REMOVE && name[0])
    {
        schedule_delete(name);
        automatic_runs_changed();
        fill_schedules(setup);
    }
}

/* Each tab's controls, shown only on it. */
static const int tab_controls[3][6] =
{
    { IDC_SETUP_LOGON_TEXT, IDC_SETUP_LOGON_LIST, IDC_SETUP_LOGON, IDC_SETUP_LOGOFF,
      IDC_SETUP_ASK },
    { IDC_SETUP_IDLE_TEXT, IDC_SETUP_IDLE_LIST, IDC_SETUP_IDLE, IDC_SETUP_ADVANCED },
    { IDC_SETUP_SCHEDULE_TEXT, IDC_SETUP_SCHEDULES, IDC_SETUP_ADD, IDC_SETUP_EDIT,
      IDC_SETUP_REMOVE },
};

static const struct anchor anchors[] =
{
    { IDC_SETUP_TABS,          0, 0, 1, 1 },
    { IDC_SETUP_LOGON_TEXT,    0, 0, 1, 0 },
    { IDC_SETUP_LOGON_LIST,    0, 0, 1, 1 },
    { IDC_SETUP_LOGON,         0, 1, 0, 0 },
    { IDC_SETUP_LOGOFF,        0, 1, 0, 0 },
    { IDC_SETUP_ASK,           0, 1, 0, 0 },
    { IDC_SETUP_IDLE_TEXT,     0, 0, 1, 0 },
    { IDC_SETUP_IDLE_LIST,     0, 0, 1, 1 },
    { IDC_SETUP_IDLE,          0, 1, 0, 0 },
    { IDC_SETUP_ADVANCED,      1, 1, 0, 0 },
    { IDC_SETUP_SCHEDULE_TEXT, 0, 0, 1, 0 },
    { IDC_SETUP_SCHEDULES,     0, 0, 1, 1 },
    { IDC_SETUP_ADD,           0, 1, 0, 0 },
    { IDC_SETUP_EDIT,          0, 1, 0, 0 },
    { IDC_SETUP_REMOVE,        0, 1, 0, 0 },
    { IDC_SETUP_STATUS,        0, 1, 1, 0 },
    { IDOK,                    1, 1, 0, 0 },
    { IDCANCEL,                1, 1, 0, 0 },
    { IDC_SETUP_APPLY,         1, 1, 0, 0 },
};
C_ASSERT(ARRAYSIZE(anchors) <= MAX_ANCHORS);

/* Logon/Logoff shows one choice: a handler registered for logon is read
 * from logon's, one only for logoff from logoff's; saved, both get it. */
static HKEY open_logon(void *context, const struct dialog_handler *dh, BOOL *default_chosen)
{
    *default_chosen = TRUE;
    return settings_open_handler(handler_register_flags(dh->handler) & SYNCMGRREGISTERFLAG_CONNECT
                                 ? LOGON_KEY : LOGOFF_KEY, handler_clsid(dh->handler));
}

static HKEY open_idle(void *context, const struct dialog_handler *dh, BOOL *default_chosen)
{
    *default_chosen = TRUE;
    return settings_open_handler(IDLE_KEY, handler_clsid(dh->handler));
}

/* What the store says, into the controls that are not lists. */
static void read_values(struct setup *setup)
{
    HWND window = setup->window;

    check(window, IDC_SETUP_LOGON, settings_read_value(LOGON_KEY, L"Enabled", 1) != 0);
    check(window, IDC_SETUP_LOGOFF, settings_read_value(LOGOFF_KEY, L"Enabled", 1) != 0);
    check(window, IDC_SETUP_ASK, settings_read_value(LOGON_KEY, L"Ask", 0)
          || settings_read_value(LOGOFF_KEY, L"Ask", 0));
    check(window, IDC_SETUP_IDLE, settings_read_value(IDLE_KEY, L"Enabled", 1) != 0);
    setup->wait_minutes = settings_read_value(IDLE_KEY, L"WaitMinutes", 15);
    setup->repeat_minutes = settings_read_value(IDLE_KEY, L"RepeatMinutes", 60);
    setup->prevent_on_battery = settings_read_value(IDLE_KEY, L"PreventOnBattery", 1) != 0;
}

/* What changed on the tabs, into the store; FALSE when something could not
 * be written (what could stays written). */
static BOOL save(struct setup *setup)
{
    HWND window = setup->window;
    BOOL ret = TRUE, ask = checked(window, IDC_SETUP_ASK);

    if (setup->logon.changed)
    {
        ret &= item_list_save(&setup->logon, setup, LOGON_KEY, SYNCMGRREGISTERFLAG_CONNECT);
        ret &= item_list_save(&setup->logon, setup, LOGOFF_KEY,
                              SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    }
    if (setup->logon_changed)
    {
        ret &= settings_write_value(LOGON_KEY, L"Enabled", checked(window, IDC_SETUP_LOGON));
        ret &= settings_write_value(LOGOFF_KEY, L"Enabled", checked(window, IDC_SETUP_LOGOFF));
        ret &= settings_write_value(LOGON_KEY, L"Ask", ask);
        ret &= settings_write_value(LOGOFF_KEY, L"Ask", ask);
    }
    if (setup->idle.changed) ret &= item_list_save(&setup->idle, setup, IDLE_KEY, 0);
    if (setup->idle_changed)
    {
        ret &= settings_write_value(IDLE_KEY, L"Enabled", checked(window, IDC_SETUP_IDLE));
        ret &= settings_write_value(IDLE_KEY, L"WaitMinutes", setup->wait_minutes);
        ret &= settings_write_value(IDLE_KEY, L"RepeatMinutes", setup->repeat_minutes);
        ret &= settings_write_value(IDLE_KEY, L"PreventOnBattery", setup->prevent_on_battery);
    }
    TRACE("Saved%s.\n", ret ? "" : ", not all of it");
    setup->logon.changed = setup->idle.changed = setup->logon_changed = setup->idle_changed = FALSE;
    /* Logoff and idle runs need the agent from now on, not from the next
     * prefix start, and the prefix start runs mobsync only when needed. */
    automatic_runs_changed();
    return ret;
}

static void update_controls(struct setup *setup)
{
    unsigned int loading = dialog_handlers_loading(setup->handlers, setup->count);
    WCHAR text[256];

    if (loading)
    {
        format_message(text, ARRAYSIZE(text), IDS_CHOICE_LOADING, loading, setup->count);
        SetDlgItemTextW(setup->window, IDC_SETUP_STATUS, text);
    }
    ShowWindow(GetDlgItem(setup->window, IDC_SETUP_STATUS), loading ? SW_SHOWNA : SW_HIDE);
    EnableWindow(GetDlgItem(setup->window, IDC_SETUP_APPLY),
                 setup->logon.changed || setup->idle.changed
                 || setup->logon_changed || setup->idle_changed);
    schedules_update_controls(setup);
}

static void refresh(struct setup *setup)
{
    BOOL changed = FALSE;
    unsigned int i;

    if (!dialog_handlers_make(setup->session, &setup->handlers, &setup->count)) return;
    for (i = 0; i < setup->count; i++)
        if (dialog_handler_update(&setup->handlers[i], setup->images)) changed = TRUE;
    if (changed)
    {
        item_list_refresh(&setup->logon, setup, FALSE);
        item_list_refresh(&setup->idle, setup, FALSE);
        if (setup->editing) item_list_refresh(setup->editing, setup, FALSE);
    }
    update_controls(setup);
}

static void show_tab(struct setup *setup)
{
    unsigned int tab = SendMessageW(setup->tabs, TCM_GETCURSEL, 0, 0);
    unsigned int i, j;

    for (i = 0; i < ARRAYSIZE(tab_controls); i++)
        for (j = 0; j < ARRAYSIZE(tab_controls[i]) && tab_controls[i][j]; j++)
            ShowWindow(GetDlgItem(setup->window, tab_controls[i][j]),
                       i == tab ? SW_SHOWNA : SW_HIDE);
}

static void init_dialog(struct setup *setup, HWND window)
{
    int cx = GetSystemMetrics(SM_CXSMICON), cy = GetSystemMetrics(SM_CYSMICON);
    WCHAR text[64];
    TCITEMW tab;
    RECT rect;
    int i;

    setup->window = window;
    SetWindowLongPtrW(window, DWLP_USER, (LONG_PTR)setup);
    setup->tabs = GetDlgItem(window, IDC_SETUP_TABS);
    for (i = 0; i < 3; i++)
    {
        tab.mask = TCIF_TEXT;
        tab.pszText = (WCHAR *)load_message(IDS_SETUP_TAB_LOGON + i, text, ARRAYSIZE(text));
        SendMessageW(setup->tabs, TCM_INSERTITEMW, i, (LPARAM)&tab);
    }
    setup->images = ImageList_Create(cx, cy, ILC_COLOR32 | ILC_MASK, 8, 8);
    setup->default_icon = ImageList_ReplaceIcon(setup->images, -1,
                                                LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
    setup->error_icon = ImageList_ReplaceIcon(setup->images, -1,
                                              LoadIconW(NULL, (const WCHAR *)IDI_ERROR));
    setup->logon.register_flags = SYNCMGRREGISTERFLAG_CONNECT
            | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT;
    setup->logon.open = open_logon;
    setup->idle.register_flags = SYNCMGRREGISTERFLAG_IDLE;
    setup->idle.open = open_idle;
    item_list_init(&setup->logon, setup, GetDlgItem(window, IDC_SETUP_LOGON_LIST));
    item_list_init(&setup->idle, setup, GetDlgItem(window, IDC_SETUP_IDLE_LIST));
    read_values(setup);
    schedules_init(setup);
    show_tab(setup);
    layout_init(&setup->layout, window, anchors, ARRAYSIZE(anchors));
    GetClientRect(window, &rect);
    layout_apply(&setup->layout, window, rect.right, rect.bottom);
    SendMessageW(window, WM_SETICON, ICON_BIG,
                 (LPARAM)LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
}

static INT_PTR CALLBACK dialog_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct setup *setup = (struct setup *)GetWindowLongPtrW(window, DWLP_USER);
    LRESULT result;

    switch (msg)
    {
    case WM_INITDIALOG:
        init_dialog((struct setup *)lparam, window);
        return TRUE;
    case WM_DIALOG_REFRESH:
        InterlockedExchange(&dialog_refresh_pending, 0);
        refresh(setup);
        return TRUE;
    case WM_TIMER:
        if (wparam == WATCH_TIMER) session_watch(setup->session);
        return TRUE;
    case WM_SIZE:
        if (setup && wparam != SIZE_MINIMIZED)
            layout_apply(&setup->layout, window, LOWORD(lparam), HIWORD(lparam));
        return TRUE;
    case WM_GETMINMAXINFO:
        if (setup) layout_min_track(&setup->layout, (MINMAXINFO *)lparam);
        return TRUE;
    case WM_NOTIFY:
        if (!setup) break;
        if (((NMHDR *)lparam)->idFrom == IDC_SETUP_TABS && ((NMHDR *)lparam)->code == TCN_SELCHANGE)
            show_tab(setup);
        else if (item_list_notify(&setup->logon, setup, (NMHDR *)lparam, &result)
                || item_list_notify(&setup->idle, setup, (NMHDR *)lparam, &result))
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT, result);
            update_controls(setup);
            return TRUE;
        }
        else if (((NMHDR *)lparam)->idFrom == IDC_SETUP_SCHEDULES)
        {
            if (((NMHDR *)lparam)->code == NM_DBLCLK) schedules_command(setup, IDC_SETUP_EDIT);
            else if (((NMHDR *)lparam)->code == LVN_ITEMCHANGED) update_controls(setup);
        }
        break;
    case WM_COMMAND:
        switch (LOWORD(wparam))
        {
        case IDC_SETUP_LOGON:
        case IDC_SETUP_LOGOFF:
        case IDC_SETUP_ASK:
            setup->logon_changed = TRUE;
            update_controls(setup);
            return TRUE;
        case IDC_SETUP_IDLE:
            setup->idle_changed = TRUE;
            update_controls(setup);
            return TRUE;
        case IDC_SETUP_ADVANCED:
            setup_advanced(setup);
            update_controls(setup);
            return TRUE;
        case IDC_SETUP_ADD:
        case IDC_SETUP_EDIT:
        case IDC_SETUP_REMOVE:
            schedules_command(setup, LOWORD(wparam));
            update_controls(setup);
            return TRUE;
        case IDC_SETUP_APPLY:
            save(setup);
            update_controls(setup);
            return TRUE;
        case IDOK:
            save(setup);
            /* fall through */
        case IDCANCEL:
            setup->done = TRUE;
            return TRUE;
        }
        break;
    case WM_CLOSE:
        setup->done = TRUE;
        return TRUE;
    }
    return FALSE;
}

/* Synchronization Settings for the handlers options names (all when it
 * names none), until OK or Cancel; 1 when it could not be shown or its
 * handlers not started. */
int run_setup(const struct session_options *options)
{
    INITCOMMONCONTROLSEX controls = { sizeof(controls),
                                      ICC_LISTVIEW_CLASSES | ICC_TAB_CLASSES | ICC_DATE_CLASSES };
    struct handler_command command = { COMMAND_RELEASE };
    struct session_options settings = *options;
    struct setup setup;
    WCHAR message[256];
    int ret = 1;

    memset(&setup, 0, sizeof(setup));
    settings.mode = MODE_CHOOSE;
    settings.flags = SYNCMGRFLAG_SETTINGS;
    InitCommonControlsEx(&controls);
    if (!(setup.session = session_create(&settings))) return 1;
    dialog_sink(setup.session);
    if (!CreateDialogParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_SETUP), NULL, dialog_proc,
                            (LPARAM)&setup))
    {
        WARN("Cannot create the dialog: error %lu.\n", GetLastError());
        session_release(setup.session);
        output_write(GetStdHandle(STD_ERROR_HANDLE),
                     load_message(IDS_SETUP_NO_DISPLAY, message, ARRAYSIZE(message)));
        return 1;
    }
    dialog_observe(setup.window);
    if (session_start(setup.session))
    {
        SetTimer(setup.window, WATCH_TIMER, 100, NULL);
        PostMessageW(setup.window, WM_DIALOG_REFRESH, 0, 0);
        ShowWindow(setup.window, SW_SHOWNORMAL);
        SetForegroundWindow(setup.window);
        dialog_loop(setup.window, &setup.done);
        session_command(setup.session, NULL, &command);
        ret = 0;
    }
    dialog_observe(NULL);
    DestroyWindow(setup.window);
    item_list_free(&setup.logon);
    item_list_free(&setup.idle);
    dialog_handlers_free(setup.handlers, setup.count);
    if (setup.images) ImageList_Destroy(setup.images);
    session_finish(setup.session);
    session_release(setup.session);
    return ret;
}
