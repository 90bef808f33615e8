/*
 * mobsync.exe: the Items to Synchronize window
 *
 * A report-style list view with check boxes: each handler a row with its
 * icon and name, its items indented beneath it with theirs and the time
 * they were last updated; a handler that failed shows its error beneath
 * it instead. Everything here runs on the dialog's own thread, from
 * copies of the records (handler_view).
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
#include "choice.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* The controls that move when the window is resized, and how. */
static const struct
{
    int id;
    BYTE move_x, move_y, grow_x, grow_y;
}
anchors[] =
{
    { IDC_CHOICE_TEXT,       0, 0, 1, 0 },
    { IDC_CHOICE_LIST,       0, 0, 1, 1 },
    { IDC_CHOICE_STATUS,     0, 1, 1, 0 },
    { IDC_CHOICE_PROPERTIES, 0, 1, 0, 0 },
    { IDC_CHOICE_SETUP,      0, 1, 0, 0 },
    { IDC_CHOICE_SYNC,       1, 1, 0, 0 },
    { IDCANCEL,              1, 1, 0, 0 },
};

/* Check box states, as list view state images. */
#define BOX_NONE      0
#define BOX_UNCHECKED 1
#define BOX_CHECKED   2

/* Which handler a row belongs to, and which of its rows it is: 0 is the
 * handler's own, 1.. its items (or its error). FALSE for no row. */
static BOOL find_row(const struct choice *choice, int row, unsigned int *index, unsigned int *offset)
{
    unsigned int i;

    if (row < 0) return FALSE;
    for (i = 0; i < choice->count; i++)
    {
        const struct choice_handler *ch = &choice->handlers[i];

        if ((unsigned int)row < ch->first_row || (unsigned int)row >= ch->first_row + ch->row_count)
            continue;
        *index = i;
        *offset = row - ch->first_row;
        return TRUE;
    }
    return FALSE;
}

static BOOL ready(const struct handler_view *view)
{
    return view->state == VIEW_READY || view->state == VIEW_BUSY;
}

/* Shown: a handler that failed, and one that is loaded, not hidden, and
 * has items or asks to be listed without. */
static BOOL shown(const struct handler_view *view)
{
    if (view->state == VIEW_FAILED) return TRUE;
    if (!ready(view) || (view->flags & SYNCMGRHANDLER_HIDDEN)) return FALSE;
    return view->item_count || (view->flags & SYNCMGRHANDLER_ALWAYSLISTHANDLER);
}

static int handler_box(const struct handler_view *view)
{
    unsigned int i;

    if (!ready(view) || !view->item_count) return BOX_NONE;
    for (i = 0; i < view->item_count; i++)
        if (!view->items[i].checked) return BOX_UNCHECKED;
    return BOX_CHECKED;
}

static void format_time(const FILETIME *time, WCHAR *buffer, unsigned int size)
{
    SYSTEMTIME utc, local;
    int len;

    buffer[0] = 0;
    if (!FileTimeToSystemTime(time, &utc) || !SystemTimeToTzSpecificLocalTime(NULL, &utc, &local))
        return;
    len = GetDateFormatW(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &local, NULL, buffer, size);
    if (len <= 0 || (unsigned int)len >= size) return;
    buffer[len - 1] = ' ';
    GetTimeFormatW(LOCALE_USER_DEFAULT, TIME_NOSECONDS, &local, NULL, buffer + len, size - len);
}

static void insert_row(struct choice *choice, int row, const WCHAR *text, int image, int indent,
        int box, const WCHAR *column2)
{
    LVITEMW item;

    memset(&item, 0, sizeof(item));
    item.mask = LVIF_TEXT | LVIF_IMAGE | LVIF_INDENT | LVIF_STATE;
    item.iItem = row;
    item.pszText = (WCHAR *)text;
    item.iImage = image >= 0 ? image : I_IMAGENONE;
    item.iIndent = indent;
    item.state = INDEXTOSTATEIMAGEMASK(box);
    item.stateMask = LVIS_STATEIMAGEMASK;
    SendMessageW(choice->list, LVM_INSERTITEMW, 0, (LPARAM)&item);
    /* Inserted, a row of a list with check boxes may be given one. */
    SendMessageW(choice->list, LVM_SETITEMSTATE, row, (LPARAM)&item);
    if (!column2) return;
    item.iSubItem = 1;
    item.pszText = (WCHAR *)column2;
    SendMessageW(choice->list, LVM_SETITEMTEXTW, row, (LPARAM)&item);
}

static void set_box(struct choice *choice, int row, int box)
{
    LVITEMW item;

    item.state = INDEXTOSTATEIMAGEMASK(box);
    item.stateMask = LVIS_STATEIMAGEMASK;
    SendMessageW(choice->list, LVM_SETITEMSTATE, row, (LPARAM)&item);
}

/* The view's icons into the image list, over the handler's earlier ones. */
static void take_icons(struct choice *choice, struct choice_handler *ch)
{
    unsigned int i;
    int *icons;

    if (ch->view.icon) ch->icon = ImageList_ReplaceIcon(choice->images, ch->icon, ch->view.icon);
    if (ch->view.item_icon_count > ch->item_icon_count)
    {
        if (!(icons = realloc(ch->item_icons, ch->view.item_icon_count * sizeof(*icons)))) return;
        for (i = ch->item_icon_count; i < ch->view.item_icon_count; i++) icons[i] = -1;
        ch->item_icons = icons;
        ch->item_icon_count = ch->view.item_icon_count;
    }
    for (i = 0; i < ch->view.item_icon_count; i++)
        if (ch->view.item_icons[i])
            ch->item_icons[i] = ImageList_ReplaceIcon(choice->images, ch->item_icons[i],
                                                      ch->view.item_icons[i]);
}

/* The handler's rows made again from its view. */
static void rebuild(struct choice *choice, unsigned int index)
{
    struct choice_handler *ch = &choice->handlers[index];
    const struct handler_view *view = &ch->view;
    WCHAR text[300], time[64];
    unsigned int i, rows = 0;
    int row = ch->first_row, delta;

    for (i = 0; i < ch->row_count; i++) SendMessageW(choice->list, LVM_DELETEITEM, row, 0);
    if (shown(view))
    {
        insert_row(choice, row + rows++, view->name, ch->icon >= 0 ? ch->icon : choice->default_icon,
                   0, handler_box(view), NULL);
        if (view->state == VIEW_FAILED)
        {
            swprintf(text, ARRAYSIZE(text), L"%ls (0x%08lx)", view->error, view->hr);
            insert_row(choice, row + rows++, text, choice->error_icon, 1, BOX_NONE, NULL);
        }
        for (i = 0; ready(view) && i < view->item_count; i++)
        {
            const struct item_view *item = &view->items[i];
            int image = item->icon >= 0 && (unsigned int)item->icon < ch->item_icon_count
                    ? ch->item_icons[item->icon] : -1;

            time[0] = 0;
            if (item->flags & SYNCMGRITEM_LASTUPDATETIME)
                format_time(&item->last_update, time, ARRAYSIZE(time));
            insert_row(choice, row + rows++, item->name, image, 1,
                       item->checked ? BOX_CHECKED : BOX_UNCHECKED, time[0] ? time : NULL);
        }
    }
    delta = (int)rows - (int)ch->row_count;
    ch->row_count = rows;
    for (i = index + 1; i < choice->count; i++) choice->handlers[i].first_row += delta;
}

/* What the store says of each item: the record's copy may be older than
 * what the person clicked since. */
static void read_stored_states(struct choice_handler *ch)
{
    HKEY settings = open_item_settings(handler_clsid(ch->handler));
    unsigned int i;

    if (!settings) return;
    for (i = 0; i < ch->view.item_count; i++)
        read_item_state(settings, &ch->view.items[i].id, &ch->view.items[i].checked);
    RegCloseKey(settings);
}

static int selected_row(const struct choice *choice)
{
    return SendMessageW(choice->list, LVM_GETNEXTITEM, -1, LVNI_SELECTED);
}

/* Properties: for an item that has them, or a handler that has its own,
 * while it waits for the person. */
static BOOL properties_target(const struct choice *choice, unsigned int *index, GUID *item)
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

static void update_controls(struct choice *choice)
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
                 properties_target(choice, &index, &item));
    /* While a handler shows its properties, the person deals with it. */
    if (busy != choice->disabled)
    {
        choice->disabled = busy;
        EnableWindow(choice->window, !busy);
    }
}

/* The session's records looked at again: each that changed is copied and
 * its rows made again, the selection kept where it was. */
void choice_refresh(struct choice *choice)
{
    struct session *session = choice->session;
    unsigned int i, sel_index = 0, sel_offset = 0;
    BOOL had_selection, changed = FALSE;
    GUID sel_item = GUID_NULL;

    if (!choice->handlers && session->handler_count)
    {
        if (!(choice->handlers = calloc(session->handler_count, sizeof(*choice->handlers)))) return;
        choice->count = session->handler_count;
        for (i = 0; i < choice->count; i++)
        {
            choice->handlers[i].handler = session->handlers[i];
            choice->handlers[i].view.generation = -1;
            choice->handlers[i].icon = -1;
        }
    }
    had_selection = find_row(choice, selected_row(choice), &sel_index, &sel_offset);
    if (had_selection && sel_offset && sel_offset <= choice->handlers[sel_index].view.item_count)
        sel_item = choice->handlers[sel_index].view.items[sel_offset - 1].id;

    choice->filling = TRUE;
    for (i = 0; i < choice->count; i++)
    {
        struct choice_handler *ch = &choice->handlers[i];
        struct handler_view view;

        if (!handler_view(ch->handler, ch->view.generation, &view)) continue;
        if (!changed) SendMessageW(choice->list, WM_SETREDRAW, FALSE, 0);
        changed = TRUE;
        handler_view_free(&ch->view);
        ch->view = view;
        read_stored_states(ch);
        take_icons(choice, ch);
        rebuild(choice, i);
    }
    if (changed && had_selection)
    {
        const struct choice_handler *ch = &choice->handlers[sel_index];
        LVITEMW item;
        int row = -1;

        for (i = 0; i < ch->view.item_count && !IsEqualGUID(&sel_item, &GUID_NULL); i++)
            if (IsEqualGUID(&ch->view.items[i].id, &sel_item)) row = ch->first_row + 1 + i;
        if (row < 0 && ch->row_count) row = ch->first_row;
        item.state = item.stateMask = LVIS_SELECTED | LVIS_FOCUSED;
        if (row >= 0) SendMessageW(choice->list, LVM_SETITEMSTATE, row, (LPARAM)&item);
    }
    choice->filling = FALSE;
    if (changed)
    {
        SendMessageW(choice->list, WM_SETREDRAW, TRUE, 0);
        InvalidateRect(choice->list, NULL, TRUE);
    }
    update_controls(choice);
}

/* The person clicked a check box (or pressed Space): the store first, then
 * what the rows show. A handler's own box checks or clears all its items. */
static void toggled(struct choice *choice, int row, BOOL checked)
{
    struct choice_handler *ch;
    unsigned int index, offset, i;

    if (!find_row(choice, row, &index, &offset)) return;
    ch = &choice->handlers[index];
    choice->filling = TRUE;
    for (i = 0; i < ch->view.item_count; i++)
    {
        struct item_view *item = &ch->view.items[i];

        if (offset && offset - 1 != i) continue;
        if (item->checked == checked) continue;
        if (!write_item_state(handler_clsid(ch->handler), &item->id, checked)) continue;
        item->checked = checked;
        set_box(choice, ch->first_row + 1 + i, checked ? BOX_CHECKED : BOX_UNCHECKED);
    }
    /* What could not be saved shows as it stays. */
    if (offset && offset <= ch->view.item_count)
        set_box(choice, row, ch->view.items[offset - 1].checked ? BOX_CHECKED : BOX_UNCHECKED);
    set_box(choice, ch->first_row, handler_box(&ch->view));
    choice->filling = FALSE;
}

/* Only rows with a check box may have one changed. */
static BOOL allowed_change(const struct choice *choice, const NMLISTVIEW *nm)
{
    unsigned int index, offset;

    if (choice->filling || !(nm->uChanged & LVIF_STATE)
            || !((nm->uNewState ^ nm->uOldState) & LVIS_STATEIMAGEMASK))
        return TRUE;
    if (!find_row(choice, nm->iItem, &index, &offset)) return FALSE;
    if (!offset) return handler_box(&choice->handlers[index].view) != BOX_NONE;
    return ready(&choice->handlers[index].view) && offset <= choice->handlers[index].view.item_count;
}

static void item_changed(struct choice *choice, const NMLISTVIEW *nm)
{
    int box = (nm->uNewState & LVIS_STATEIMAGEMASK) >> 12;

    if (!choice->filling && (nm->uChanged & LVIF_STATE)
            && ((nm->uNewState ^ nm->uOldState) & LVIS_STATEIMAGEMASK) && box != BOX_NONE)
        toggled(choice, nm->iItem, box == BOX_CHECKED);
    if ((nm->uChanged & LVIF_STATE) && ((nm->uNewState ^ nm->uOldState) & LVIS_SELECTED))
        update_controls(choice);
}

static void show_properties(struct choice *choice)
{
    struct handler_command command = { COMMAND_PROPERTIES };
    unsigned int index;

    if (!properties_target(choice, &index, &command.item)) return;
    command.window = choice->window;
    TRACE("Properties of %s, item %s.\n", debugstr_w(handler_clsid_str(choice->handlers[index].handler)),
          debugstr_guid(&command.item));
    session_command(choice->session, choice->handlers[index].handler, &command);
    /* The handler shows them on its own thread: disabled until it says it
     * is done (its view is busy until then). */
    choice->disabled = TRUE;
    EnableWindow(choice->window, FALSE);
}

static void layout(struct choice *choice, int width, int height)
{
    int dx = width - choice->initial.cx, dy = height - choice->initial.cy;
    HDWP dwp = BeginDeferWindowPos(ARRAYSIZE(anchors));
    unsigned int i;
    RECT rect;

    if (width < choice->initial.cx) dx = 0;
    if (height < choice->initial.cy) dy = 0;
    for (i = 0; i < ARRAYSIZE(anchors) && dwp; i++)
    {
        rect = choice->layout[i];
        OffsetRect(&rect, anchors[i].move_x * dx, anchors[i].move_y * dy);
        rect.right += anchors[i].grow_x * dx;
        rect.bottom += anchors[i].grow_y * dy;
        dwp = DeferWindowPos(dwp, GetDlgItem(choice->window, anchors[i].id), NULL, rect.left, rect.top,
                             rect.right - rect.left, rect.bottom - rect.top, SWP_NOZORDER | SWP_NOACTIVATE);
    }
    if (dwp) EndDeferWindowPos(dwp);
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
    choice->default_icon = ImageList_ReplaceIcon(choice->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
    choice->error_icon = ImageList_ReplaceIcon(choice->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_ERROR));
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
    RECT rect;
    unsigned int i;

    choice->window = window;
    SetWindowLongPtrW(window, DWLP_USER, (LONG_PTR)choice);
    init_list(choice);
    GetClientRect(window, &rect);
    choice->initial.cx = rect.right;
    choice->initial.cy = rect.bottom;
    GetWindowRect(window, &rect);
    choice->min_track.cx = rect.right - rect.left;
    choice->min_track.cy = rect.bottom - rect.top;
    for (i = 0; i < ARRAYSIZE(anchors); i++)
    {
        GetWindowRect(GetDlgItem(window, anchors[i].id), &choice->layout[i]);
        MapWindowPoints(NULL, window, (POINT *)&choice->layout[i], 2);
    }
    layout(choice, choice->initial.cx, choice->initial.cy);
    SendMessageW(window, WM_SETICON, ICON_BIG, (LPARAM)LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
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
    case WM_CHOICE_REFRESH:
        InterlockedExchange(&choice_refresh_pending, 0);
        choice_refresh(choice);
        return TRUE;
    case WM_TIMER:
        if (wparam == WATCH_TIMER) session_watch(choice->session);
        return TRUE;
    case WM_SIZE:
        if (choice && wparam != SIZE_MINIMIZED) layout(choice, LOWORD(lparam), HIWORD(lparam));
        return TRUE;
    case WM_GETMINMAXINFO:
        if (choice) ((MINMAXINFO *)lparam)->ptMinTrackSize = *(POINT *)&choice->min_track;
        return TRUE;
    case WM_NOTIFY:
        if (!choice || nm->idFrom != IDC_CHOICE_LIST) break;
        if (nm->code == LVN_ITEMCHANGING)
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT, !allowed_change(choice, (NMLISTVIEW *)lparam));
            return TRUE;
        }
        if (nm->code == LVN_ITEMCHANGED) item_changed(choice, (NMLISTVIEW *)lparam);
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
        }
        break;
    case WM_CLOSE:
        choice->result = IDCANCEL;
        return TRUE;
    }
    return FALSE;
}

BOOL choice_create_window(struct choice *choice)
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

void choice_free(struct choice *choice)
{
    unsigned int i;

    for (i = 0; i < choice->count; i++)
    {
        handler_view_free(&choice->handlers[i].view);
        free(choice->handlers[i].item_icons);
    }
    free(choice->handlers);
    choice->handlers = NULL;
    choice->count = 0;
    if (choice->images) ImageList_Destroy(choice->images);
    choice->images = NULL;
}
