/*
 * mobsync.exe: what the dialogs share (dialog.c)
 *
 * The dialogs include this after mobsync_private.h; nothing else needs
 * it.
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

#ifndef __MOBSYNC_DIALOG_H
#define __MOBSYNC_DIALOG_H

#include "commctrl.h"

/* Posted by the session's observer, one at a time (dialog_refresh_pending). */
#define WM_DIALOG_REFRESH (WM_APP + 1)
/* Each dialog runs its session's watchdog on this timer, every 100 ms. */
#define WATCH_TIMER 1

/* A control that moves with the right or bottom edge, or grows with it. */
struct anchor
{
    int id;
    BYTE move_x, move_y, grow_x, grow_y;
};

#define MAX_ANCHORS 8

struct layout
{
    const struct anchor *anchors;
    unsigned int count;
    RECT rects[MAX_ANCHORS];   /* the controls' places at the first size */
    SIZE initial;              /* the client size from the template, the smallest */
    SIZE min_track;            /* the window size that goes with it */
};

extern LONG dialog_refresh_pending;

extern void dialog_observer(void *context);
extern void dialog_observe(HWND window);
extern void dialog_loop(HWND window, const int *end);

extern void layout_init(struct layout *layout, HWND window, const struct anchor *anchors,
        unsigned int count);
extern void layout_apply(const struct layout *layout, HWND window, int width, int height);
extern void layout_min_track(const struct layout *layout, MINMAXINFO *info);

extern void list_add_columns(HWND list, HWND dialog, const UINT *names, const int *units,
        unsigned int count);
extern void list_set_text(HWND list, int row, int column, const WCHAR *text);

#endif /* __MOBSYNC_DIALOG_H */
