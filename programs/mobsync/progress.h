/*
 * mobsync.exe: the progress dialog, between its run (progress.c) and its
 * window (progress_window.c)
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_PROGRESS_H
#define __MOBSYNC_PROGRESS_H

#include "commctrl.h"
#include "layout.h"

/* Posted by the session's observer, one at a time (dialog_refresh_pending). */
#define WM_DIALOG_REFRESH (WM_APP + 1)
#define PROGRESS_TIMER 1

/* A handler as the progress dialog shows it: one row per chosen item. */
struct progress_handler
{
    struct handler *handler;
    struct handler_view view;
    unsigned int first_row, row_count;
    unsigned int *rows;        /* the item (index into view.items) of each row */
};

struct progress
{
    struct session **sessions; /* the first, and those that joined it */
    unsigned int session_count;
    unsigned int shown_sessions; /* whose handlers have rows */
    HWND window, items, results;
    HWND join;                 /* takes requests that join (request.h) */
    HIMAGELIST images;
    struct progress_handler *handlers;
    unsigned int count;
    BOOL done;                 /* every handler has its results */
    BOOL closing;              /* the person clicked Close, or it closes by itself */
    DWORD keep;                /* KeepProgressLevel: which entries keep it open */
    struct result_row { unsigned int handler, entry; } *result_rows; /* Results' rows */
    struct layout layout;
};

/* What keeps the dialog open once everything is done (KeepProgressLevel). */
#define KEEP_ERRORS      1
#define KEEP_WARNINGS    2
#define KEEP_INFORMATION 4

extern LONG dialog_refresh_pending;

enum item_column { COLUMN_ITEM, COLUMN_HANDLER, COLUMN_STATUS, COLUMN_PROGRESS, COLUMN_DETAILS };

/* progress_list.c */
extern void progress_refresh(struct progress *progress);
extern void progress_tick(struct progress *progress);
extern void progress_update_skip(struct progress *progress);
extern void progress_skip_selected(struct progress *progress);
extern LRESULT progress_custom_draw(struct progress *progress, NMLVCUSTOMDRAW *draw);
extern void progress_show_error(struct progress *progress);

/* progress_window.c */
extern BOOL progress_create_window(struct progress *progress);
extern void progress_free(struct progress *progress);

#endif /* __MOBSYNC_PROGRESS_H */
