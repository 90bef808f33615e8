/*
 * mobsync.exe: the item lists of Synchronization Settings
 *
 * A tab's (or a schedule's) handlers and their items with check boxes.
 * What is chosen is read from the store when a handler's items first
 * appear, then kept here as the person clicks, and written only when the
 * tab or the schedule is saved.
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
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

void item_list_init(struct item_list *list, struct setup *setup, HWND control)
{
    LVCOLUMNW column;
    WCHAR name[64];

    list->list = control;
    SendMessageW(control, LVM_SETEXTENDEDLISTVIEWSTYLE, 0, LVS_EX_CHECKBOXES | LVS_EX_FULLROWSELECT);
    SendMessageW(control, LVM_SETIMAGELIST, LVSIL_SMALL, (LPARAM)setup->images);
    memset(&column, 0, sizeof(column));
    column.mask = LVCF_TEXT | LVCF_WIDTH;
    column.pszText = (WCHAR *)load_message(IDS_CHOICE_NAME, name, ARRAYSIZE(name));
    column.cx = 200;
    SendMessageW(control, LVM_INSERTCOLUMNW, 0, (LPARAM)&column);
}

void item_list_free(struct item_list *list)
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

static BOOL ready(const struct handler_view *view)
{
    return view->state == VIEW_READY || view->state == VIEW_BUSY;
}

/* On this list: a handler registered for its events that failed, or that
 * is loaded, not hidden, and has items. */
static BOOL listed(const struct item_list *list, const struct dialog_handler *ch)
{
    if (list->register_flags && !(handler_register_flags(ch->handler) & list->register_flags))
        return FALSE;
    if (ch->view.state == VIEW_FAILED) return TRUE;
    return ready(&ch->view) && !(ch->view.flags & SYNCMGRHANDLER_HIDDEN) && ch->view.item_count;
}

/* The handler's items as its view has them now: those the list knew keep
 * what the person chose, the others are read from the store. */
static void take_items(struct item_list *list, const struct dialog_handler *ch, struct list_handler *lh)
{
    unsigned int i, j, count = ch->view.item_count;
    BOOL *chosen, default_chosen = FALSE;
    HKEY key = NULL;
    GUID *ids;

    if (!ready(&ch->view)) return;
    ids = malloc(max(count, 1) * sizeof(*ids));
    chosen = malloc(max(count, 1) * sizeof(*chosen));
    if (!ids || !chosen)
    {
        free(ids);
        free(chosen);
        return;
    }
    key = list->open(list->context, ch, &default_chosen);
    for (i = 0; i < count; i++)
    {
        ids[i] = ch->view.items[i].id;
        for (j = 0; j < lh->count; j++) if (IsEqualGUID(&lh->ids[j], &ids[i])) break;
        chosen[i] = j < lh->count ? lh->chosen[j] : settings_item_chosen(key, &ids[i], default_chosen);
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

static void insert_row(struct item_list *list, int row, const WCHAR *text, int image, int indent, int box)
{
    list_insert_row(list->list, row, text, image, indent, box, NULL);
}

static void set_box(struct item_list *list, int row, int box)
{
    list_set_box(list->list, row, box);
}

/* The rows made again, the selected row kept, after the setup's views
 * changed (all: the list is new). */
void item_list_refresh(struct item_list *list, struct setup *setup, BOOL all)
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
        const struct dialog_handler *ch = &setup->handlers[i];
        struct list_handler *lh = &list->handlers[i];

        lh->first_row = row;
        lh->row_count = 0;
        if (!listed(list, ch)) continue;
        if (ready(&ch->view) && (all || !lh->known || lh->count != ch->view.item_count))
            take_items(list, ch, lh);
        insert_row(list, row++, ch->view.name, ch->icon >= 0 ? ch->icon : setup->default_icon, 0,
                   ready(&ch->view) ? handler_box(lh) : BOX_NONE);
        if (ch->view.state == VIEW_FAILED)
        {
            swprintf(text, ARRAYSIZE(text), L"%ls (0x%08lx)", ch->view.error, ch->view.hr);
            insert_row(list, row++, text, setup->error_icon, 1, BOX_NONE);
        }
        for (j = 0; ready(&ch->view) && j < lh->count && j < ch->view.item_count; j++)
        {
            const struct item_view *view = &ch->view.items[j];
            int image = view->icon >= 0 && (unsigned int)view->icon < ch->item_icon_count
                    ? ch->item_icons[view->icon] : -1;

            insert_row(list, row++, view->name, image, 1, lh->chosen[j] ? BOX_CHECKED : BOX_UNCHECKED);
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
BOOL item_list_notify(struct item_list *list, struct setup *setup, const NMHDR *nm, LRESULT *result)
{
    const NMLISTVIEW *lv = (const NMLISTVIEW *)nm;
    struct list_handler *lh;
    unsigned int index, i;
    int offset, box;

    if (nm->hwndFrom != list->list) return FALSE;
    *result = 0;
    if (list->filling || (nm->code != LVN_ITEMCHANGING && nm->code != LVN_ITEMCHANGED)
            || !(lv->uChanged & LVIF_STATE) || !((lv->uNewState ^ lv->uOldState) & LVIS_STATEIMAGEMASK))
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
        set_box(list, lh->first_row + 1 + i, box);
    }
    set_box(list, lh->first_row, handler_box(lh));
    list->filling = FALSE;
    list->changed = TRUE;
    TRACE("%s: %s %s.\n", debugstr_w(handler_clsid_str(setup->handlers[index].handler)),
          offset ? "item" : "every item", box == BOX_CHECKED ? "chosen" : "not chosen");
    return TRUE;
}

/* The choice written under key, a value per item, for each handler on the
 * list registered for register_flag (0: every one); a handler that failed
 * keeps what it had. */
BOOL item_list_save(const struct item_list *list, const struct setup *setup, const WCHAR *key,
        DWORD register_flag)
{
    unsigned int i, j;
    BOOL ret = TRUE;

    for (i = 0; i < list->count; i++)
    {
        const struct list_handler *lh = &list->handlers[i];
        const struct dialog_handler *ch = &setup->handlers[i];

        if (!lh->known || !listed(list, ch) || !ready(&ch->view)) continue;
        if (register_flag && !(handler_register_flags(ch->handler) & register_flag)) continue;
        for (j = 0; j < lh->count; j++)
            if (!settings_write_item(key, handler_clsid(ch->handler), &lh->ids[j], lh->chosen[j]))
                ret = FALSE;
    }
    return ret;
}
