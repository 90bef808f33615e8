/*
 * mobsync.exe: what the dialogs share (dialog.c)
 *
 * Items to Synchronize (choice.c), Synchronizing (progress.c) and
 * Synchronization Settings (settings.c) include this after
 * mobsync_private.h; nothing else needs it.
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

/* Posted by the sink of a dialog's session, one at a time (dialog_refresh_pending). */
#define WM_DIALOG_REFRESH (WM_APP + 1)
/* Each dialog runs its session's watchdog on this timer, every 100 ms. */
#define WATCH_TIMER 1

/* Check box states, as list view state images. */
#define BOX_NONE      0
#define BOX_UNCHECKED 1
#define BOX_CHECKED   2

/* A control that moves with the right or bottom edge, or grows with it. */
struct anchor
{
    int id;
    BYTE move_x, move_y, grow_x, grow_y;
};

/* The most a dialog anchors: each table is checked against it where it is
 * written (C_ASSERT), so that none is cut short. */
#define MAX_ANCHORS 24

struct layout
{
    const struct anchor *anchors;
    unsigned int count;
    RECT rects[MAX_ANCHORS];   /* the controls' places at the first size */
    SIZE initial;              /* the client size from the template, the smallest */
    SIZE min_track;            /* the window size that goes with it */
};

/* A handler as Items to Synchronize and Synchronization Settings show it:
 * the last view copied out of its record, and its icons in the dialog's
 * image list. Items to Synchronize keeps its rows contiguous, in the
 * session's order (by CLSID). */
struct dialog_handler
{
    struct handler *handler;
    struct handler_view view;  /* the copy shown */
    unsigned int first_row, row_count;
    int icon;                  /* in the image list; -1: none yet */
    int *item_icons;           /* the view's item icons in the image list */
    unsigned int item_icon_count;
};

/* Loaded, and its items may be listed and chosen. */
static inline BOOL view_ready(const struct handler_view *view)
{
    return view->state == VIEW_READY || view->state == VIEW_BUSY;
}

extern LONG dialog_refresh_pending;

extern void dialog_sink(struct session *session);
extern void dialog_refresh(void);
extern void dialog_observe(HWND window);
extern void dialog_loop(HWND window, const int *end);

extern void layout_init(struct layout *layout, HWND window, const struct anchor *anchors,
        unsigned int count);
extern void layout_apply(const struct layout *layout, HWND window, int width, int height);
extern void layout_min_track(const struct layout *layout, MINMAXINFO *info);

extern BOOL dialog_handlers_make(const struct session *session, struct dialog_handler **handlers,
        unsigned int *count);
extern BOOL dialog_handler_update(struct dialog_handler *dh, HIMAGELIST images);
extern unsigned int dialog_handlers_loading(const struct dialog_handler *handlers,
        unsigned int count);
extern void dialog_handlers_free(struct dialog_handler *handlers, unsigned int count);

extern void list_add_columns(HWND list, HWND dialog, const UINT *names, const int *units,
        unsigned int count);
extern void list_insert_row(HWND list, int row, const WCHAR *text, int image, int indent, int box,
        const WCHAR *column2);
extern void list_set_box(HWND list, int row, int box);
extern void list_set_text(HWND list, int row, int column, const WCHAR *text);
extern void format_local_time(const FILETIME *time, DWORD time_flags, WCHAR *buffer,
        unsigned int size);

#endif /* __MOBSYNC_DIALOG_H */
