/*
 * mobsync.exe: Synchronization Settings, between its window (setup.c), its
 * item lists (setup_list.c) and its schedules (setup_schedule.c)
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_SETUP_H
#define __MOBSYNC_SETUP_H

#include "dialog.h"

/* A list of handlers' items with check boxes, kept in memory until saved:
 * a tab's, or a schedule's. Its rows are rebuilt from the dialog's views. */
struct list_handler
{
    GUID *ids;              /* the items shown, and whether each is chosen */
    BOOL *chosen;
    unsigned int count;
    BOOL known;             /* read from the store once its items were there */
    int first_row, row_count;
};

struct item_list
{
    HWND list;
    DWORD register_flags;   /* handlers registered for one of these; 0: all */
    struct list_handler *handlers; /* as the dialog's handlers */
    unsigned int count;
    BOOL filling, changed;
    /* The handler's subkey of the store it is read from (NULL: not
     * configured), and what an item of a handler not configured is. */
    HKEY (*open)(void *context, const struct dialog_handler *ch, BOOL *default_chosen);
    void *context;
};

struct setup
{
    struct session *session;
    HWND window, tabs;
    HIMAGELIST images;
    int default_icon, error_icon;
    struct dialog_handler *handlers;
    unsigned int count;
    struct item_list logon, idle;
    struct item_list *editing; /* the schedule editor's, while it is open */
    BOOL logon_changed, idle_changed; /* their other controls */
    DWORD wait_minutes, repeat_minutes, prevent_on_battery;
    BOOL done;
    struct layout layout;
};

static inline void check(HWND window, int id, BOOL checked)
{
    SendDlgItemMessageW(window, id, BM_SETCHECK, checked ? BST_CHECKED : BST_UNCHECKED, 0);
}

static inline BOOL checked(HWND window, int id)
{
    return SendDlgItemMessageW(window, id, BM_GETCHECK, 0, 0) == BST_CHECKED;
}

/* setup_list.c */
extern void item_list_init(struct item_list *list, struct setup *setup, HWND control);
extern void item_list_free(struct item_list *list);
extern void item_list_refresh(struct item_list *list, struct setup *setup, BOOL all);
extern BOOL item_list_notify(struct item_list *list, struct setup *setup, const NMHDR *nm,
        LRESULT *result);
extern BOOL item_list_save(const struct item_list *list, const struct setup *setup, const WCHAR *key,
        DWORD register_flag);

/* setup_idle.c */
extern void setup_advanced(struct setup *setup);

/* setup_schedule.c */
extern void schedules_init(struct setup *setup);
extern void schedules_command(struct setup *setup, WORD id);
extern void schedules_update_controls(struct setup *setup);

#endif /* __MOBSYNC_SETUP_H */
