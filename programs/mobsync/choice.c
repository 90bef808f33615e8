/*
 * mobsync.exe: Items to Synchronize, the choice dialog
 *
 * The window a person opens (plain mobsync, UpdateAll, UpdateItems without
 * SYNCMGRINVOKE_STARTSYNC). It runs a session in MODE_CHOOSE: each handler
 * is loaded on its own thread and then waits there (runner.c). The
 * dialog never calls a handler: it leaves commands for the handlers'
 * threads (session_command), and it learns of changes through the
 * session's sink, which only posts a message to this thread; then it
 * copies what it shows out of the records (handler_view). Check states go
 * to the store /list and /sync read, as the person clicks.
 *
 * A report-style list view with check boxes: each handler a row with its
 * icon and name, its items indented beneath it with theirs and the time
 * they were last updated; a handler that failed shows its error beneath
 * it instead.
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
#include "dialog.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

struct choice
{
    struct session *session;
    HWND window, list;
    HIMAGELIST images;
    int default_icon, error_icon;
    struct dialog_handler *handlers;
    unsigned int count;
    BOOL filling;              /* check boxes changed by the dialog itself */
    BOOL disabled;             /* while a handler shows its properties */
    int result;                /* IDC_CHOICE_SYNC or IDCANCEL once chosen */
    struct layout layout;
};

/* The controls that move when the window is resized, and how. */
static const struct anchor anchors[] =
{
    { IDC_CHOICE_TEXT,       0, 0, 1, 0 },
    { IDC_CHOICE_LIST,       0, 0, 1, 1 },
    { IDC_CHOICE_STATUS,     0, 1, 1, 0 },
    { IDC_CHOICE_PROPERTIES, 0, 1, 0, 0 },
    { IDC_CHOICE_SETUP,      0, 1, 0, 0 },
    { IDC_CHOICE_SYNC,       1, 1, 0, 0 },
    { IDCANCEL,              1, 1, 0, 0 },
};
C_ASSERT(ARRAYSIZE(anchors) <= MAX_ANCHORS);

/* Whether this run may show windows at all: not when the environment
 * variable MOBSYNC_HEADLESS is set to anything but 0 (set to 0, windows are
 * shown whatever the registry says), nor when the per-user value
 * HKCU\Software\mobsync\Headless is a nonzero REG_DWORD (docs/engine.md). */
BOOL choice_wanted(void)
{
    DWORD value = 0;
    WCHAR env[16];
    HKEY key;

    if (GetEnvironmentVariableW(L"MOBSYNC_HEADLESS", env, ARRAYSIZE(env)))
    {
        TRACE("MOBSYNC_HEADLESS=%s.\n", debugstr_w(env));
        return !wcscmp(env, L"0");
    }
    if (!RegOpenKeyExW(HKEY_CURRENT_USER, SETTINGS_KEY, 0, KEY_QUERY_VALUE, &key))
    {
        if (!registry_read_dword(key, L"Headless", &value)) value = 0;
        RegCloseKey(key);
    }
    if (value) TRACE("Headless is set: no windows.\n");
    return !value;
}

/* A window station whose windows nobody can see (a service's). */
static BOOL display_usable(void)
{
    USEROBJECTFLAGS flags;
    HWINSTA station = GetProcessWindowStation();

    if (station && GetUserObjectInformationW(station, UOI_FLAGS, &flags, sizeof(flags), NULL)
            && !(flags.dwFlags & WSF_VISIBLE))
        return FALSE;
    return TRUE;
}

/* Which handler a row belongs to, and which of its rows it is: 0 is the
 * handler's own, 1.. its items (or its error). FALSE for no row. */
static BOOL find_row(const struct choice *choice, int row, unsigned int *index,
        unsigned int *offset)
{
    unsigned int i;

    if (row < 0) return FALSE;
    for (i = 0; i < choice->count; i++)
    {
        const struct dialog_handler *dh = &choice->handlers[i];

        if ((unsigned int)row < dh->first_row || (unsigned int)row >= dh->first_row + dh->row_count)
            continue;
        *index = i;
        *offset = row - dh->first_row;
        return TRUE;
    }
    return FALSE;
}

/* Shown: a handler that failed, and one that is loaded, not hidden, and
 * has items or asks to be listed without. */
static BOOL shown(const struct handler_view *view)
{
    if (view->state == VIEW_FAILED) return TRUE;
    if (!view_ready(view) || (view->flags & SYNCMGRHANDLER_HIDDEN)) return FALSE;
    return view->item_count || (view->flags & SYNCMGRHANDLER_ALWAYSLISTHANDLER);
}

static int handler_box(const struct handler_view *view)
{
    unsigned int i;

    if (!view_ready(view) || !view->item_count) return BOX_NONE;
    for (i = 0; i < view->item_count; i++)
        if (!view->items[i].checked) return BOX_UNCHECKED;
    return BOX_CHECKED;
}

/* The handler's rows made again from its view. */
static void rebuild(struct choice *choice, unsigned int index)
{
    struct dialog_handler *dh = &choice->handlers[index];
    const struct handler_view *view = &dh->view;
    WCHAR text[300], time[64];
    unsigned int i, rows = 0;
    int row = dh->first_row, delta;

    for (i = 0; i < dh->row_count; i++) SendMessageW(choice->list, LVM_DELETEITEM, row, 0);
    if (shown(view))
    {
        list_insert_row(choice->list, row + rows++, view->name,
                        dh->icon >= 0 ? dh->icon : choice->default_icon, 0, handler_box(view),
                        NULL);
        if (view->state == VIEW_FAILED)
        {
            swprintf(text, ARRAYSIZE(text), L"%ls (0x%08lx)", view->error, view->hr);
            list_insert_row(choice->list, row + rows++, text, choice->error_icon, 1, BOX_NONE,
                            NULL);
        }
        for (i = 0; view_ready(view) && i < view->item_count; i++)
        {
            const struct item_view *item = &view->items[i];
            int image = item->icon >= 0 && (unsigned int)item->icon < dh->item_icon_count
                    ? dh->item_icons[item->icon] : -1;

            time[0] = 0;
            if (item->flags & SYNCMGRITEM_LASTUPDATETIME)
                format_local_time(&item->last_update, TIME_NOSECONDS, time, ARRAYSIZE(time));
            list_insert_row(choice->list, row + rows++, item->name, image, 1,
                       item->checked ? BOX_CHECKED : BOX_UNCHECKED, time[0] ? time : NULL);
        }
    }
    delta = (int)rows - (int)dh->row_count;
    dh->row_count = rows;
    for (i = index + 1; i < choice->count; i++) choice->handlers[i].first_row += delta;
}

/* What the store says of each item: the record's copy may be older than
 * what the person clicked since. */
static void read_stored_states(const struct session *session, struct dialog_handler *dh)
{
    HKEY settings = open_item_settings(handler_clsid(dh->handler));
    HKEY choice = settings_open_choice(&session->options, handler_clsid(dh->handler));
    unsigned int i;

    for (i = 0; i < dh->view.item_count; i++)
    {
        read_item_state(settings, &dh->view.items[i].id, &dh->view.items[i].checked);
        /* Asked before an event: what its settings chose. */
        if (session->options.choice_key[0])
            dh->view.items[i].checked = settings_chosen(&session->options, choice, &dh->view.items[i].id);
    }
    if (settings) RegCloseKey(settings);
    if (choice) RegCloseKey(choice);
}

static int selected_row(const struct choice *choice)
{
    return SendMessageW(choice->list, LVM_GETNEXTITEM, -1, LVNI_SELECTED);
}

/* Properties: for an item that has them, or a handler that has its own,
 * while it waits for the person. */
static BOOL choice_properties_target(const struct choice *choice, unsigned int *index, GUID *item)
{
    const struct handler_view *view;
    unsigned int offset;

    if (!find_row(choice, selected_row(choice), index, &offset)) return FALSE;
    view = &choice->handlers[*index].view;
    if (view->state != VIEW_READY) return FALSE;
    if (!offset)
    {
        *item = GUID_NULL;
        return (view->flags & SYNCMGRHANDLER_HASPROPERTIES) != 0;
    }
    if (offset > view->item_count) return FALSE;
    *item = view->items[offset - 1].id;
    return (view->items[offset - 1].flags & SYNCMGRITEM_HASPROPERTIES) != 0;
}

static void choice_update_controls(struct choice *choice)
{
    unsigned int i, loading = 0, index;
    BOOL busy = FALSE;
    WCHAR text[256];
    GUID item;

    for (i = 0; i < choice->count; i++)
    {
        if (choice->handlers[i].view.state == VIEW_LOADING) loading++;
        if (choice->handlers[i].view.state == VIEW_BUSY) busy = TRUE;
    }
    if (loading)
    {
        format_message(text, ARRAYSIZE(text), IDS_CHOICE_LOADING, loading, choice->count);
        SetDlgItemTextW(choice->window, IDC_CHOICE_STATUS, text);
    }
    ShowWindow(GetDlgItem(choice->window, IDC_CHOICE_STATUS), loading ? SW_SHOWNA : SW_HIDE);
    EnableWindow(GetDlgItem(choice->window, IDC_CHOICE_PROPERTIES),
                 choice_properties_target(choice, &index, &item));
    /* While a handler shows its properties or a window of its own, the
     * person deals with it. */
    if (handler_modeless_shown()) busy = TRUE;
    if (busy != choice->disabled)
    {
        choice->disabled = busy;
        EnableWindow(choice->window, !busy);
    }
}

/* The session's records looked at again: each that changed is copied and
 * its rows made again, the selection kept where it was. */
static void choice_refresh(struct choice *choice)
{
    struct session *session = choice->session;
    unsigned int i, sel_index = 0, sel_offset = 0;
    BOOL had_selection, changed = FALSE;
    GUID sel_item = GUID_NULL;

    if (!dialog_handlers_make(session, &choice->handlers, &choice->count)) return;
    had_selection = find_row(choice, selected_row(choice), &sel_index, &sel_offset);
    if (had_selection && sel_offset && sel_offset <= choice->handlers[sel_index].view.item_count)
        sel_item = choice->handlers[sel_index].view.items[sel_offset - 1].id;

    choice->filling = TRUE;
    for (i = 0; i < choice->count; i++)
    {
        struct dialog_handler *dh = &choice->handlers[i];

        if (!dialog_handler_update(dh, choice->images)) continue;
        if (!changed) SendMessageW(choice->list, WM_SETREDRAW, FALSE, 0);
        changed = TRUE;
        read_stored_states(choice->session, dh);
        rebuild(choice, i);
    }
    if (changed && had_selection)
    {
        const struct dialog_handler *dh = &choice->handlers[sel_index];
        LVITEMW item;
        int row = -1;

        for (i = 0; i < dh->view.item_count && !IsEqualGUID(&sel_item, &GUID_NULL); i++)
            if (IsEqualGUID(&dh->view.items[i].id, &sel_item)) row = dh->first_row + 1 + i;
        if (row < 0 && dh->row_count) row = dh->first_row;
        item.state = item.stateMask = LVIS_SELECTED | LVIS_FOCUSED;
        if (row >= 0) SendMessageW(choice->list, LVM_SETITEMSTATE, row, (LPARAM)&item);
    }
    choice->filling = FALSE;
    if (changed)
    {
        SendMessageW(choice->list, WM_SETREDRAW, TRUE, 0);
        InvalidateRect(choice->list, NULL, TRUE);
    }
    choice_update_controls(choice);
}

/* Where a check is kept: the check states, or, in a run that asked before
 * an event, the event's choice, every item of the handler at once (it is
 * configured from then on, and an item without a value is not chosen). */
static BOOL write_state(const struct session *session, struct dialog_handler *dh,
        unsigned int index, BOOL checked)
{
    unsigned int i;

    if (!session->options.choice_key[0])
        return write_item_state(handler_clsid(dh->handler), &dh->view.items[index].id, checked);
    for (i = 0; i < dh->view.item_count; i++)
        if (!settings_write_choice(&session->options, handler_clsid(dh->handler), &dh->view.items[i].id,
                                   i == index ? checked : dh->view.items[i].checked))
            return FALSE;
    return TRUE;
}

/* The person clicked a check box (or pressed Space): the store first, then
 * what the rows show. A handler's own box checks or clears all its items. */
static void toggled(struct choice *choice, int row, BOOL checked)
{
    struct dialog_handler *dh;
    unsigned int index, offset, i;

    if (!find_row(choice, row, &index, &offset)) return;
    dh = &choice->handlers[index];
    choice->filling = TRUE;
    for (i = 0; i < dh->view.item_count; i++)
    {
        struct item_view *item = &dh->view.items[i];

        if (offset && offset - 1 != i) continue;
        if (item->checked == checked) continue;
        if (!write_state(choice->session, dh, i, checked)) continue;
        item->checked = checked;
        list_set_box(choice->list, dh->first_row + 1 + i, checked ? BOX_CHECKED : BOX_UNCHECKED);
    }
    /* What could not be saved shows as it stays. */
    if (offset && offset <= dh->view.item_count)
        list_set_box(choice->list, row,
                     dh->view.items[offset - 1].checked ? BOX_CHECKED : BOX_UNCHECKED);
    list_set_box(choice->list, dh->first_row, handler_box(&dh->view));
    choice->filling = FALSE;
}

/* Only rows with a check box may have one changed. */
static BOOL choice_allowed_change(const struct choice *choice, const NMLISTVIEW *nm)
{
    unsigned int index, offset;

    if (choice->filling || !(nm->uChanged & LVIF_STATE)
            || !((nm->uNewState ^ nm->uOldState) & LVIS_STATEIMAGEMASK))
        return TRUE;
    if (!find_row(choice, nm->iItem, &index, &offset)) return FALSE;
    if (!offset) return handler_box(&choice->handlers[index].view) != BOX_NONE;
    return view_ready(&choice->handlers[index].view)
            && offset <= choice->handlers[index].view.item_count;
}

static void choice_item_changed(struct choice *choice, const NMLISTVIEW *nm)
{
    int box = (nm->uNewState & LVIS_STATEIMAGEMASK) >> 12;

    if (!choice->filling && (nm->uChanged & LVIF_STATE)
            && ((nm->uNewState ^ nm->uOldState) & LVIS_STATEIMAGEMASK) && box != BOX_NONE)
        toggled(choice, nm->iItem, box == BOX_CHECKED);
    if ((nm->uChanged & LVIF_STATE) && ((nm->uNewState ^ nm->uOldState) & LVIS_SELECTED))
        choice_update_controls(choice);
}

static void show_properties(struct choice *choice)
{
    struct handler_command command = { COMMAND_PROPERTIES };
    unsigned int index;

    if (!choice_properties_target(choice, &index, &command.item)) return;
    command.window = choice->window;
    TRACE("Properties of %s, item %s.\n",
          debugstr_w(handler_clsid_str(choice->handlers[index].handler)),
          debugstr_guid(&command.item));
    session_command(choice->session, choice->handlers[index].handler, &command);
    /* The handler shows them on its own thread: disabled until it says it
     * is done (its view is busy until then). */
    choice->disabled = TRUE;
    EnableWindow(choice->window, FALSE);
}

/* Setup: Synchronization Settings in a process of its own (it loads the
 * handlers again, for settings), for the handlers this dialog shows. */
static void open_setup(struct choice *choice)
{
    const struct session *session = choice->session;
    WCHAR *line, *end;
    unsigned int i;
    size_t size;

    size = 16 + session->options.only_handler_count * 50;
    if (!(line = malloc(size * sizeof(WCHAR)))) return;
    end = line + swprintf(line, size, L"/setup");
    for (i = 0; i < session->options.only_handler_count; i++)
    {
        wcscpy(end, L" /handler:");
        guid_to_string(&session->options.only_handlers[i], end + wcslen(end));
        end += wcslen(end);
    }
    spawn_mobsync(line, NULL, NULL);
    free(line);
}

static void layout(struct choice *choice, int width, int height)
{
    RECT rect;

    layout_apply(&choice->layout, choice->window, width, height);
    /* The name takes what the time leaves. */
    GetClientRect(choice->list, &rect);
    SendMessageW(choice->list, LVM_SETCOLUMNWIDTH, 0,
                 max(rect.right - SendMessageW(choice->list, LVM_GETCOLUMNWIDTH, 1, 0), 40));
}

static void init_list(struct choice *choice)
{
    WCHAR name[64], updated[64];
    LVCOLUMNW column;
    RECT units = { 0, 0, 90, 0 };
    int cx = GetSystemMetrics(SM_CXSMICON), cy = GetSystemMetrics(SM_CYSMICON);

    choice->list = GetDlgItem(choice->window, IDC_CHOICE_LIST);
    SendMessageW(choice->list, LVM_SETEXTENDEDLISTVIEWSTYLE, 0,
                 LVS_EX_CHECKBOXES | LVS_EX_FULLROWSELECT);
    choice->images = ImageList_Create(cx, cy, ILC_COLOR32 | ILC_MASK, 8, 8);
    choice->default_icon = ImageList_ReplaceIcon(choice->images, -1,
                                                 LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
    choice->error_icon = ImageList_ReplaceIcon(choice->images, -1,
                                               LoadIconW(NULL, (const WCHAR *)IDI_ERROR));
    SendMessageW(choice->list, LVM_SETIMAGELIST, LVSIL_SMALL, (LPARAM)choice->images);

    MapDialogRect(choice->window, &units);
    memset(&column, 0, sizeof(column));
    column.mask = LVCF_TEXT | LVCF_WIDTH;
    column.pszText = (WCHAR *)load_message(IDS_CHOICE_NAME, name, ARRAYSIZE(name));
    column.cx = 100;
    SendMessageW(choice->list, LVM_INSERTCOLUMNW, 0, (LPARAM)&column);
    column.pszText = (WCHAR *)load_message(IDS_CHOICE_LAST_UPDATED, updated, ARRAYSIZE(updated));
    column.cx = units.right;
    SendMessageW(choice->list, LVM_INSERTCOLUMNW, 1, (LPARAM)&column);
}

static void init_dialog(struct choice *choice, HWND window)
{
    choice->window = window;
    SetWindowLongPtrW(window, DWLP_USER, (LONG_PTR)choice);
    init_list(choice);
    layout_init(&choice->layout, window, anchors, ARRAYSIZE(anchors));
    layout(choice, choice->layout.initial.cx, choice->layout.initial.cy);
    SendMessageW(window, WM_SETICON, ICON_BIG,
                 (LPARAM)LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
}

static INT_PTR CALLBACK dialog_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct choice *choice = (struct choice *)GetWindowLongPtrW(window, DWLP_USER);
    NMHDR *nm = (NMHDR *)lparam;

    switch (msg)
    {
    case WM_INITDIALOG:
        init_dialog((struct choice *)lparam, window);
        return TRUE;
    case WM_DIALOG_REFRESH:
        InterlockedExchange(&dialog_refresh_pending, 0);
        choice_refresh(choice);
        return TRUE;
    case WM_TIMER:
        if (wparam == WATCH_TIMER) session_watch(choice->session);
        return TRUE;
    case WM_SIZE:
        if (choice && wparam != SIZE_MINIMIZED) layout(choice, LOWORD(lparam), HIWORD(lparam));
        return TRUE;
    case WM_GETMINMAXINFO:
        if (choice) layout_min_track(&choice->layout, (MINMAXINFO *)lparam);
        return TRUE;
    case WM_NOTIFY:
        if (!choice || nm->idFrom != IDC_CHOICE_LIST) break;
        if (nm->code == LVN_ITEMCHANGING)
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT,
                              !choice_allowed_change(choice, (NMLISTVIEW *)lparam));
            return TRUE;
        }
        if (nm->code == LVN_ITEMCHANGED) choice_item_changed(choice, (NMLISTVIEW *)lparam);
        if (nm->code == NM_DBLCLK && IsWindowEnabled(GetDlgItem(window, IDC_CHOICE_PROPERTIES)))
            show_properties(choice);
        break;
    case WM_COMMAND:
        switch (LOWORD(wparam))
        {
        case IDC_CHOICE_SYNC:
        case IDCANCEL:
            if (!choice->disabled) choice->result = LOWORD(wparam);
            return TRUE;
        case IDC_CHOICE_PROPERTIES:
            show_properties(choice);
            return TRUE;
        case IDC_CHOICE_SETUP:
            open_setup(choice);
            return TRUE;
        }
        break;
    case WM_CLOSE:
        choice->result = IDCANCEL;
        return TRUE;
    }
    return FALSE;
}

static BOOL choice_create_window(struct choice *choice)
{
    INITCOMMONCONTROLSEX controls = { sizeof(controls), ICC_LISTVIEW_CLASSES };

    InitCommonControlsEx(&controls);
    if (!CreateDialogParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_CHOICE), NULL, dialog_proc,
                            (LPARAM)choice))
    {
        WARN("Cannot create the dialog: error %lu.\n", GetLastError());
        return FALSE;
    }
    return TRUE;
}

static void choice_free(struct choice *choice)
{
    dialog_handlers_free(choice->handlers, choice->count);
    choice->handlers = NULL;
    choice->count = 0;
    if (choice->images) ImageList_Destroy(choice->images);
    choice->images = NULL;
}

/* Runs Items to Synchronize for a session made from options (its mode is
 * set here), until the person synchronizes or closes it; gives the exit
 * code, and whether a handler was given up on. *shown is FALSE when no
 * window could be shown: then nothing was run, and the caller synchronizes
 * without windows. */
int run_choice(const struct session_options *options, BOOL minimized, BOOL *shown, BOOL *gave_up)
{
    struct session_options choose = *options;
    BOOL shown_progress;
    struct choice choice;
    WCHAR message[256];
    int ret;

    *shown = *gave_up = FALSE;
    memset(&choice, 0, sizeof(choice));
    choose.mode = MODE_CHOOSE;
    if (!display_usable() || !(choice.session = session_create(&choose)))
        goto no_display;
    dialog_sink(choice.session);
    if (!choice_create_window(&choice))
    {
        session_release(choice.session);
        goto no_display;
    }
    *shown = TRUE;
    dialog_observe(choice.window);
    if (!session_start(choice.session))
    {
        choice.result = IDCANCEL;
        dialog_observe(NULL);
        DestroyWindow(choice.window);
        session_release(choice.session);
        return 1;
    }
    SetTimer(choice.window, WATCH_TIMER, 100, NULL);
    PostMessageW(choice.window, WM_DIALOG_REFRESH, 0, 0);
    ShowWindow(choice.window, minimized ? SW_SHOWMINNOACTIVE : SW_SHOWNORMAL);
    if (!minimized) SetForegroundWindow(choice.window);

    dialog_loop(choice.window, &choice.result);
    TRACE("The person chose %s.\n",
          choice.result == IDC_CHOICE_SYNC ? "to synchronize" : "to close");

    /* The handlers are told before the window goes: a handler still
     * loading takes the command when it is ready. */
    {
        struct handler_command command = { 0 };

        command.kind = choice.result == IDC_CHOICE_SYNC ? COMMAND_SYNC : COMMAND_RELEASE;
        /* Synchronizing keeps each handler, once done, for ShowError. */
        if (command.kind == COMMAND_SYNC) choice.session->options.keep_handlers = TRUE;
        session_command(choice.session, NULL, &command);
    }
    dialog_observe(NULL);
    KillTimer(choice.window, WATCH_TIMER);
    DestroyWindow(choice.window);
    choice_free(&choice);
    /* Synchronizing, the person sees how it goes; without a window for it,
     * the results are written out as /sync writes them. */
    ret = 0;
    shown_progress = FALSE;
    if (choice.result == IDC_CHOICE_SYNC) ret = run_progress(choice.session, &shown_progress);
    if (!shown_progress) ret = session_finish(choice.session);
    *gave_up = choice.session->gave_up;
    session_release(choice.session);
    return ret;

no_display:
    output_write(GetStdHandle(STD_ERROR_HANDLE),
                 load_message(IDS_CHOICE_NO_DISPLAY, message, ARRAYSIZE(message)));
    return 0;
}
