/*
 * mobsync.exe: what the dialogs share
 *
 * Items to Synchronize, Synchronizing and Synchronization Settings each run
 * on the main thread, modeless, with a loop of their own until the person
 * is done. Here: the sink of a session a dialog shows, which only posts
 * one message to the open dialog; that loop; the resizing; the copies of the session's
 * handlers two of them show; rows of list views; times as the user reads
 * them.
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

#include "mobsync_private.h"
#include "handler.h"
#include "dialog.h"

/* The open dialog, for the sink: a handler's thread given up on by an
 * earlier session may still tell it something; all that can do is make
 * this dialog look at its own session's records again. */
static HWND dialog_window;
LONG dialog_refresh_pending;

static void dialog_changed(const struct session *session)
{
    HWND window = InterlockedCompareExchangePointer((void **)&dialog_window, NULL, NULL);

    if (window && !InterlockedExchange(&dialog_refresh_pending, 1))
        PostMessageW(window, WM_DIALOG_REFRESH, 0, 0);
}

/* The sink of a session a dialog shows: what the console writes (a
 * synchronization shown also writes its lines as /sync does), and one
 * refresh posted, coalesced, when a view may have changed. Called on the
 * main thread; a session already running told the console the same. */
void dialog_sink(struct session *session)
{
    static struct sink_ops ops;

    if (!ops.changed)
    {
        ops = *console_sink.ops;
        ops.changed = dialog_changed;
    }
    session->sink.ops = &ops;
}

/* Refreshes the open dialog, as a change in a session would. */
void dialog_refresh(void)
{
    dialog_changed(NULL);
}

/* The dialog the sink posts to from now on (NULL: none). */
void dialog_observe(HWND window)
{
    InterlockedExchangePointer((void **)&dialog_window, window);
    InterlockedExchange(&dialog_refresh_pending, 0);
}

/* The thread's messages, the dialog's keyboard first, until the dialog
 * sets *end (a flag, or the choice it was closed with). A handler's own
 * windows, shown from its thread, have loops of their own. */
void dialog_loop(HWND window, const int *end)
{
    MSG msg;

    while (!*end && GetMessageW(&msg, NULL, 0, 0) > 0)
    {
        if (IsDialogMessageW(window, &msg)) continue;
        TranslateMessage(&msg);
        DispatchMessageW(&msg);
    }
}

/* A dialog remembers where its controls are at the size of its template,
 * which is also the smallest it may get; resized, each control keeps its
 * distance to the edges its anchor names, or grows with them. */
void layout_init(struct layout *layout, HWND window, const struct anchor *anchors,
        unsigned int count)
{
    unsigned int i;
    RECT rect;

    layout->anchors = anchors;
    layout->count = min(count, MAX_ANCHORS);
    GetClientRect(window, &rect);
    layout->initial.cx = rect.right;
    layout->initial.cy = rect.bottom;
    GetWindowRect(window, &rect);
    layout->min_track.cx = rect.right - rect.left;
    layout->min_track.cy = rect.bottom - rect.top;
    for (i = 0; i < layout->count; i++)
    {
        GetWindowRect(GetDlgItem(window, anchors[i].id), &layout->rects[i]);
        MapWindowPoints(NULL, window, (POINT *)&layout->rects[i], 2);
    }
}

void layout_apply(const struct layout *layout, HWND window, int width, int height)
{
    int dx = max(0, width - layout->initial.cx), dy = max(0, height - layout->initial.cy);
    HDWP dwp = BeginDeferWindowPos(layout->count);
    unsigned int i;
    RECT rect;

    for (i = 0; i < layout->count && dwp; i++)
    {
        const struct anchor *anchor = &layout->anchors[i];

        rect = layout->rects[i];
        OffsetRect(&rect, anchor->move_x * dx, anchor->move_y * dy);
        rect.right += anchor->grow_x * dx;
        rect.bottom += anchor->grow_y * dy;
        dwp = DeferWindowPos(dwp, GetDlgItem(window, anchor->id), NULL, rect.left, rect.top,
                             rect.right - rect.left, rect.bottom - rect.top,
                             SWP_NOZORDER | SWP_NOACTIVATE);
    }
    if (dwp) EndDeferWindowPos(dwp);
}

void layout_min_track(const struct layout *layout, MINMAXINFO *info)
{
    info->ptMinTrackSize.x = layout->min_track.cx;
    info->ptMinTrackSize.y = layout->min_track.cy;
}

/* One copy per handler of the session, made the first time it has them;
 * FALSE when they could not be made. Only the dialog's own thread touches
 * them. */
BOOL dialog_handlers_make(const struct session *session, struct dialog_handler **handlers,
        unsigned int *count)
{
    unsigned int i;

    if (*handlers || !session->handler_count) return TRUE;
    if (!(*handlers = calloc(session->handler_count, sizeof(**handlers)))) return FALSE;
    *count = session->handler_count;
    for (i = 0; i < *count; i++)
    {
        (*handlers)[i].handler = session->handlers[i];
        (*handlers)[i].view.generation = -1;
        (*handlers)[i].icon = -1;
    }
    return TRUE;
}

/* The view's icons into the image list, over the handler's earlier ones. */
static void take_icons(HIMAGELIST images, struct dialog_handler *dh)
{
    unsigned int i;
    int *icons;

    if (dh->view.icon) dh->icon = ImageList_ReplaceIcon(images, dh->icon, dh->view.icon);
    if (dh->view.item_icon_count > dh->item_icon_count)
    {
        if (!(icons = realloc(dh->item_icons, dh->view.item_icon_count * sizeof(*icons)))) return;
        for (i = dh->item_icon_count; i < dh->view.item_icon_count; i++) icons[i] = -1;
        dh->item_icons = icons;
        dh->item_icon_count = dh->view.item_icon_count;
    }
    for (i = 0; i < dh->view.item_icon_count; i++)
        if (dh->view.item_icons[i])
            dh->item_icons[i] = ImageList_ReplaceIcon(images, dh->item_icons[i],
                                                      dh->view.item_icons[i]);
}

/* The handler's view copied again if it changed, its icons with it: TRUE
 * when it did. */
BOOL dialog_handler_update(struct dialog_handler *dh, HIMAGELIST images)
{
    struct handler_view view;

    if (!handler_view(dh->handler, dh->view.generation, &view)) return FALSE;
    handler_view_free(&dh->view);
    dh->view = view;
    take_icons(images, dh);
    return TRUE;
}

/* How many of them have not answered yet. */
unsigned int dialog_handlers_loading(const struct dialog_handler *handlers, unsigned int count)
{
    unsigned int i, loading = 0;

    for (i = 0; i < count; i++) if (handlers[i].view.state == VIEW_LOADING) loading++;
    return loading;
}

void dialog_handlers_free(struct dialog_handler *handlers, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        handler_view_free(&handlers[i].view);
        free(handlers[i].item_icons);
    }
    free(handlers);
}

/* A report list's columns, their widths in dialog units so that they
 * follow the font. */
void list_add_columns(HWND list, HWND dialog, const UINT *names, const int *units,
        unsigned int count)
{
    LVCOLUMNW column;
    WCHAR text[64];
    unsigned int i;
    RECT rect;

    SendMessageW(list, LVM_SETEXTENDEDLISTVIEWSTYLE, 0, LVS_EX_FULLROWSELECT);
    for (i = 0; i < count; i++)
    {
        SetRect(&rect, 0, 0, units[i], 0);
        MapDialogRect(dialog, &rect);
        memset(&column, 0, sizeof(column));
        column.mask = LVCF_TEXT | LVCF_WIDTH;
        column.pszText = (WCHAR *)load_message(names[i], text, ARRAYSIZE(text));
        column.cx = rect.right;
        SendMessageW(list, LVM_INSERTCOLUMNW, i, (LPARAM)&column);
    }
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

void list_set_text(HWND list, int row, int column, const WCHAR *text)
{
    LVITEMW item;

    memset(&item, 0, sizeof(item));
    item.iSubItem = column;
    item.pszText = (WCHAR *)text;
    SendMessageW(list, LVM_SETITEMTEXTW, row, (LPARAM)&item);
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
