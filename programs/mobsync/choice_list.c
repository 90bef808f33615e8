/*
 * mobsync.exe: the rows of Items to Synchronize
 *
 * Each handler's rows, made from the copy of its record the dialog holds
 * (handler_view): the handler, its items or its error; the check boxes,
 * written to the store as they are clicked and read back from it; which
 * row Properties is for; the controls that follow from what is shown.
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
#include "choice.h"
#include "resource.h"
#include "winreg.h"

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

/* A UTC time as the user reads it: short date and time, local; the time
 * formatted with time_flags (TIME_NOSECONDS, say). */
void format_local_time(const FILETIME *time, DWORD time_flags, WCHAR *buffer, unsigned int size)
{
    SYSTEMTIME utc, local;
    int len;

    buffer[0] = 0;
    if (!FileTimeToSystemTime(time, &utc) || !SystemTimeToTzSpecificLocalTime(NULL, &utc, &local))
        return;
    len = GetDateFormatW(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &local, NULL, buffer, size);
    if (len <= 0 || (unsigned int)len >= size) return;
    buffer[len - 1] = ' ';
    GetTimeFormatW(LOCALE_USER_DEFAULT, time_flags, &local, NULL, buffer + len, size - len);
}

/* A row of a list with check boxes (box: its state image, 0 none). */
void list_insert_row(HWND list, int row, const WCHAR *text, int image, int indent, int box,
        const WCHAR *column2)
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
    SendMessageW(list, LVM_INSERTITEMW, 0, (LPARAM)&item);
    /* Inserted, a row of a list with check boxes may be given one. */
    SendMessageW(list, LVM_SETITEMSTATE, row, (LPARAM)&item);
    if (!column2) return;
    item.iSubItem = 1;
    item.pszText = (WCHAR *)column2;
    SendMessageW(list, LVM_SETITEMTEXTW, row, (LPARAM)&item);
}

void list_set_box(HWND list, int row, int box)
{
    LVITEMW item;

    item.state = INDEXTOSTATEIMAGEMASK(box);
    item.stateMask = LVIS_STATEIMAGEMASK;
    SendMessageW(list, LVM_SETITEMSTATE, row, (LPARAM)&item);
}

static void insert_row(struct choice *choice, int row, const WCHAR *text, int image, int indent,
        int box, const WCHAR *column2)
{
    list_insert_row(choice->list, row, text, image, indent, box, column2);
}

static void set_box(struct choice *choice, int row, int box)
{
    list_set_box(choice->list, row, box);
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
                format_local_time(&item->last_update, TIME_NOSECONDS, time, ARRAYSIZE(time));
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
static void read_stored_states(const struct session *session, struct choice_handler *ch)
{
    HKEY settings = open_item_settings(handler_clsid(ch->handler));
    HKEY choice = settings_open_choice(&session->options, handler_clsid(ch->handler));
    unsigned int i;

    for (i = 0; i < ch->view.item_count; i++)
    {
        read_item_state(settings, &ch->view.items[i].id, &ch->view.items[i].checked);
        /* Asked before an event: what its settings chose. */
        if (session->options.choice_key[0])
            ch->view.items[i].checked = settings_chosen(&session->options, choice, &ch->view.items[i].id);
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
BOOL choice_properties_target(const struct choice *choice, unsigned int *index, GUID *item)
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

void choice_update_controls(struct choice *choice)
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
void choice_refresh(struct choice *choice)
{
    struct session *session = choice->session;
    unsigned int i, sel_index = 0, sel_offset = 0;
    BOOL had_selection, changed = FALSE;
    GUID sel_item = GUID_NULL;

    if (!choice_handlers_make(session, &choice->handlers, &choice->count)) return;
    had_selection = find_row(choice, selected_row(choice), &sel_index, &sel_offset);
    if (had_selection && sel_offset && sel_offset <= choice->handlers[sel_index].view.item_count)
        sel_item = choice->handlers[sel_index].view.items[sel_offset - 1].id;

    choice->filling = TRUE;
    for (i = 0; i < choice->count; i++)
    {
        struct choice_handler *ch = &choice->handlers[i];

        if (!choice_handler_update(ch, choice->images)) continue;
        if (!changed) SendMessageW(choice->list, WM_SETREDRAW, FALSE, 0);
        changed = TRUE;
        read_stored_states(choice->session, ch);
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
    choice_update_controls(choice);
}

/* Where a check is kept: the check states, or, in a run that asked before
 * an event, the event's choice, every item of the handler at once (it is
 * configured from then on, and an item without a value is not chosen). */
static BOOL write_state(const struct session *session, struct choice_handler *ch, unsigned int index,
        BOOL checked)
{
    unsigned int i;

    if (!session->options.choice_key[0])
        return write_item_state(handler_clsid(ch->handler), &ch->view.items[index].id, checked);
    for (i = 0; i < ch->view.item_count; i++)
        if (!settings_write_choice(&session->options, handler_clsid(ch->handler), &ch->view.items[i].id,
                                   i == index ? checked : ch->view.items[i].checked))
            return FALSE;
    return TRUE;
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
        if (!write_state(choice->session, ch, i, checked)) continue;
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
BOOL choice_allowed_change(const struct choice *choice, const NMLISTVIEW *nm)
{
    unsigned int index, offset;

    if (choice->filling || !(nm->uChanged & LVIF_STATE)
            || !((nm->uNewState ^ nm->uOldState) & LVIS_STATEIMAGEMASK))
        return TRUE;
    if (!find_row(choice, nm->iItem, &index, &offset)) return FALSE;
    if (!offset) return handler_box(&choice->handlers[index].view) != BOX_NONE;
    return ready(&choice->handlers[index].view) && offset <= choice->handlers[index].view.item_count;
}

void choice_item_changed(struct choice *choice, const NMLISTVIEW *nm)
{
    int box = (nm->uNewState & LVIS_STATEIMAGEMASK) >> 12;

    if (!choice->filling && (nm->uChanged & LVIF_STATE)
            && ((nm->uNewState ^ nm->uOldState) & LVIS_STATEIMAGEMASK) && box != BOX_NONE)
        toggled(choice, nm->iItem, box == BOX_CHECKED);
    if ((nm->uChanged & LVIF_STATE) && ((nm->uNewState ^ nm->uOldState) & LVIS_SELECTED))
        choice_update_controls(choice);
}
