/*
 * mobsync.exe: the dialogs' resizing
 *
 * A dialog remembers where its controls are at the size of its template,
 * which is also the smallest it may get; resized, each control keeps its
 * distance to the edges its anchor names, or grows with them.
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

#include "mobsync_private.h"
#include "layout.h"

void layout_init(struct layout *layout, HWND window, const struct anchor *anchors, unsigned int count)
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
                             rect.right - rect.left, rect.bottom - rect.top, SWP_NOZORDER | SWP_NOACTIVATE);
    }
    if (dwp) EndDeferWindowPos(dwp);
}

void layout_min_track(const struct layout *layout, MINMAXINFO *info)
{
    info->ptMinTrackSize.x = layout->min_track.cx;
    info->ptMinTrackSize.y = layout->min_track.cy;
}
