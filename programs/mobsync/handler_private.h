/*
 * mobsync.exe: a handler's record, shared by handler.c, items.c and
 * completion.c only
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

#ifndef __MOBSYNC_HANDLER_PRIVATE_H
#define __MOBSYNC_HANDLER_PRIVATE_H

#include "mobsync_private.h"

struct item_key
{
    SYNCMGRITEMID id;
    unsigned int index;    /* into handler->items */
};

struct handler
{
    LONG refcount;
    struct session *session; /* a reference */
    CLSID clsid;
    WCHAR clsid_str[39];
    WCHAR server[MAX_PATH];  /* its InprocServer32, read once */
    BOOL single_threaded;  /* registered without a ThreadingModel */
    BOOL remote;           /* run by the other architecture's worker: this mirrors it */
    DWORD register_flags;  /* SYNCMGRREGISTERFLAG_*, as registered */
    struct handler *live_prev, *live_next; /* in live_handlers, for the crash guard */

    CRITICAL_SECTION cs;   /* everything below */
    volatile DWORD lock_owner; /* the thread that holds cs, for handler_drop_lock */
    unsigned int lock_depth;
    WCHAR name[MAX_SYNCMGRHANDLERNAME];
    HICON icon;            /* its own copy, or made from the pixels its worker sent */
    enum handler_state state;
    BOOL finished;         /* the session no longer waits for it */
    BOOL failed;           /* could not be loaded, crashed, timed out, broke the rules */
    BOOL skipped;          /* Initialize returned S_FALSE */
    BOOL given_up;         /* timed out: its thread is left alone */
    WCHAR error[256];      /* why it failed, for /list */
    BOOL cancel_all;       /* Progress answers S_SYNCMGR_CANCELALL */
    struct item *items;
    unsigned int item_count;
    struct item_key *sorted; /* the items in GUID order, for Progress */
    unsigned int last_item;
    BOOL dirty;            /* in a worker: an item changed since last sent */
    struct log_entry *log;
    unsigned int log_count, log_size;
    LONG log_serial;       /* counts changes of the log */
    HRESULT completion_hr;
    HANDLE completion_event;
    unsigned int skips_pending; /* skip requests not yet passed on */
    HANDLE control_event;  /* wakes the handler's thread to pass them on */
    SYNCMGRITEMID *retry_items;
    ULONG retry_count;
    HANDLE thread;
    HMODULE module;        /* the handler's DLL, to recognize its crashes */
    DWORD deadline;
    DWORD flags;           /* SYNCMGRHANDLER_* from GetHandlerInfo */
    HICON *item_icons;     /* the record's own copies; items index them */
    unsigned int item_icon_count;
    LONG generation;       /* counts changes the choice dialog may show */
    struct handler_command command; /* the next one, COMMAND_NONE when none */
    BOOL timed;            /* told to synchronize or be released: its time limit runs */
    DWORD default_status;  /* done: what its unfinished items end as */
};

static inline void lock(struct handler *handler)
{
    EnterCriticalSection(&handler->cs);
    if (!handler->lock_depth++) handler->lock_owner = GetCurrentThreadId();
}

static inline void unlock(struct handler *handler)
{
    if (!--handler->lock_depth) handler->lock_owner = 0;
    LeaveCriticalSection(&handler->cs);
}

/* command.c */
extern void handler_changed_locked(struct handler *handler);
extern void handler_state_changed_locked(struct handler *handler);
extern void handler_free_item_icons(struct handler *handler);

/* items.c */
extern struct item *handler_find_item_locked(struct handler *handler, const GUID *id);

/* results.c */
extern void handler_fail_locked(struct handler *handler, HRESULT hr, const WCHAR *message,
        BOOL show_code);

#endif /* __MOBSYNC_HANDLER_PRIVATE_H */
