/*
 * mobsync.exe: what the dialogs share
 *
 * Items to Synchronize, Synchronizing and Synchronization Settings each run
 * on the main thread, modeless, with a loop of their own until the person
 * is done. Here: the session's observer, which only posts one message to
 * the open dialog; that loop; the resizing; columns and cells of list
 * views.
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

#include <string.h>

#include "mobsync_private.h"
#include "dialog.h"

/* The open dialog, for the observer: a handler's thread given up on by an
 * earlier session may still call it; all it can do is make this dialog
 * look at its own session's records again. */
static HWND dialog_window;
LONG dialog_refresh_pending;

void dialog_observer(void *context)
{
    HWND window = InterlockedCompareExchangePointer((void **)&dialog_window, NULL, NULL);

    if (window && !InterlockedExchange(&dialog_refresh_pending, 1))
        PostMessageW(window, WM_DIALOG_REFRESH, 0, 0);
}

/* The dialog the observer posts to from now on (NULL: none). */
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

void list_set_text(HWND list, int row, int column, const WCHAR *text)
{
    LVITEMW item;

    memset(&item, 0, sizeof(item));
    item.iSubItem = column;
    item.pszText = (WCHAR *)text;
    SendMessageW(list, LVM_SETITEMTEXTW, row, (LPARAM)&item);
}
