/*
 * mobsync.exe: Items to Synchronize, between its run (choice.c) and its
 * window (choice_window.c)
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_CHOICE_H
#define __MOBSYNC_CHOICE_H

#include "dialog.h"

/* A handler as the dialog shows it: its rows are contiguous, in the
 * session's order (by CLSID). */
struct choice_handler
{
    struct handler *handler;
    struct handler_view view;  /* the copy shown */
    unsigned int first_row, row_count;
    int icon;                  /* in the image list; -1: none yet */
    int *item_icons;           /* the view's item icons in the image list */
    unsigned int item_icon_count;
};

struct choice
{
    struct session *session;
    HWND window, list;
    HIMAGELIST images;
    int default_icon, error_icon;
    struct choice_handler *handlers;
    unsigned int count;
    BOOL filling;              /* check boxes changed by the dialog itself */
    BOOL disabled;             /* while a handler shows its properties */
    int result;                /* IDC_CHOICE_SYNC or IDCANCEL once chosen */
    struct layout layout;
};

/* choice_handlers.c */
extern BOOL choice_handlers_make(const struct session *session, struct choice_handler **handlers,
        unsigned int *count);
extern BOOL choice_handler_update(struct choice_handler *ch, HIMAGELIST images);
extern unsigned int choice_handlers_loading(const struct choice_handler *handlers, unsigned int count);
extern void choice_handlers_free(struct choice_handler *handlers, unsigned int count);

/* choice_list.c */
extern void format_local_time(const FILETIME *time, DWORD time_flags, WCHAR *buffer, unsigned int size);
extern void list_insert_row(HWND list, int row, const WCHAR *text, int image, int indent, int box,
        const WCHAR *column2);
extern void list_set_box(HWND list, int row, int box);
extern void choice_refresh(struct choice *choice);
extern BOOL choice_properties_target(const struct choice *choice, unsigned int *index, GUID *item);
extern void choice_update_controls(struct choice *choice);
extern BOOL choice_allowed_change(const struct choice *choice, const NMLISTVIEW *nm);
extern void choice_item_changed(struct choice *choice, const NMLISTVIEW *nm);

/* choice_window.c */
extern BOOL choice_create_window(struct choice *choice);
extern void choice_free(struct choice *choice);

#endif /* __MOBSYNC_CHOICE_H */
