/*
 * mobsync.exe internal definitions
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

#ifndef __MOBSYNC_EXE_PRIVATE_H
#define __MOBSYNC_EXE_PRIVATE_H

#include <stdarg.h>

#define COBJMACROS
#define CONST_VTABLE
#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "mobsync.h"
#include "control.h"

/* Default time a handler gets to finish its work, in seconds (/timeout). */
#define DEFAULT_TIMEOUT 300
/* mobsync.exe's per-user settings (docs/registry.md). */
#define SETTINGS_KEY L"Software\\mobsync"
/* The longest time limit taken, from /timeout or InvokeTimeout: a week. */
#define MAX_TIMEOUT (7 * 24 * 3600)

/* How many items one handler may enumerate before the rest are dropped. */
#define MAX_ITEMS 1000000

/* How many times a handler may ask for its items to be synchronized again. */
#define MAX_RETRIES 3

enum session_mode
{
    MODE_LIST,
    MODE_SYNC,
};

struct item
{
    SYNCMGRITEMID id;
    BOOL chosen;
    BOOL checked;
    WCHAR name[MAX_SYNCMGRITEMNAME];
    DWORD status;          /* last SYNCMGRSTATUS the handler reported */
    BOOL reported;         /* its result line was printed */
    LONG cancel;           /* Progress answers S_SYNCMGR_CANCELITEM */
    BOOL skip;             /* someone asked to skip it (mobsync /skip) */
    BOOL skip_sent;        /* SetItemStatus(SKIPPED) was called for it */
};

struct item_key
{
    SYNCMGRITEMID id;
    unsigned int index;    /* into handler->items */
};

struct log_entry
{
    SYNCMGRERRORID id;
    SYNCMGRITEMID item;
    DWORD flags;
    BOOL has_item;
};

enum handler_state
{
    HANDLER_LOADING,       /* Initialize .. EnumSyncMgrItems */
    HANDLER_PREPARING,     /* PrepareForSync called, completion pending */
    HANDLER_PREPARED,
    HANDLER_SYNCHRONIZING, /* Synchronize called, completion pending */
    HANDLER_SYNCHRONIZED,
    HANDLER_SHOWING_ERROR, /* ShowError called, completion pending */
    HANDLER_RELEASED,      /* SetProgressCallback(NULL) sent: no more callbacks */
};

struct handler
{
    LONG refcount;
    struct session *session;
    CLSID clsid;
    WCHAR clsid_str[39];
    DWORD register_flags;
    WCHAR name[MAX_SYNCMGRHANDLERNAME];

    CRITICAL_SECTION cs;   /* everything below */
    enum handler_state state;
    BOOL finished;         /* the session no longer waits for it */
    BOOL failed;           /* could not be loaded, crashed, timed out, broke the rules */
    BOOL skipped;          /* Initialize returned S_FALSE */
    BOOL given_up;         /* timed out: its thread is left alone */
    WCHAR error[256];      /* why it failed, for /list */
    LONG cancel_all;       /* Progress answers S_SYNCMGR_CANCELALL */
    struct item *items;
    unsigned int item_count;
    struct item_key *sorted; /* the items in GUID order, for Progress */
    unsigned int last_item;
    struct log_entry *log;
    unsigned int log_count, log_size;
    HRESULT completion_hr;
    HANDLE completion_event;
    unsigned int skips_pending; /* skip requests not yet passed on */
    HANDLE control_event;  /* wakes the handler's thread to pass them on */
    SYNCMGRITEMID *retry_items;
    ULONG retry_count;

    HANDLE thread;
    HMODULE module;        /* the handler's DLL, to recognize its crashes */
    DWORD deadline;
};

struct session
{
    enum session_mode mode;
    DWORD flags;           /* SYNCMGRFLAG_* given to Initialize */
    const BYTE *cookie;
    DWORD cookie_size;
    DWORD timeout;         /* seconds */
    BOOL show_errors;      /* call ShowError for every error with jump text */

    const CLSID *only_handlers;
    unsigned int only_handler_count;
    const GUID *only_items;
    unsigned int only_item_count;
    BOOL event_filter;     /* only handlers registered for this event */
    DWORD event_register_flag;

    struct handler **handlers;
    unsigned int handler_count;
    HANDLE finished_event;
    LONG succeeded, failed, skipped, errors;
};

/* An item's status that is a result: later reports do not change it. */
static inline BOOL is_final(DWORD status)
{
    return status == SYNCMGRSTATUS_SUCCEEDED || status == SYNCMGRSTATUS_FAILED
            || status == SYNCMGRSTATUS_SKIPPED || status == SYNCMGRSTATUS_STOPPED;
}

/* handlers.c */
extern HRESULT load_registrations(struct session *session);
extern HKEY open_item_settings(const CLSID *handler);
extern void read_item_state(HKEY settings, const GUID *item, BOOL *checked);
extern void prune_item_settings(struct handler *handler);
extern void guid_to_string(const GUID *guid, WCHAR *str);
extern BOOL string_to_guid(const WCHAR *str, GUID *guid);

/* session.c */
extern int run_session(struct session *session);
extern struct handler *handler_create(struct session *session, const CLSID *clsid, DWORD flags);
extern void handler_release(struct handler *handler);
extern struct item *handler_find_item(struct handler *handler, const GUID *id);
extern void handler_report_item(struct handler *handler, struct item *item, DWORD status);
extern void handler_fail(struct handler *handler, HRESULT hr, const WCHAR *message);
extern unsigned int session_skip_item(struct session *session, const GUID *handler, const GUID *item);
extern unsigned int session_stop(struct session *session, const GUID *handler);

/* control.c */
extern HWND control_create(struct session *session);
extern void control_destroy(HWND window);
extern unsigned int control_send(enum control_action action, const GUID *handlers,
        unsigned int handler_count, const GUID *item, unsigned int *sessions);

/* callback.c */
extern HRESULT callback_create(struct handler *handler, ISyncMgrSynchronizeCallback **callback);

/* output.c */
struct text
{
    WCHAR *data;
    size_t len, size;
};
extern void text_append(struct text *text, const WCHAR *format, ...);
extern void output_text(struct text *text);
extern void output_init(void);
extern void output_line(const WCHAR *format, ...);
extern void output_message(UINT id, ...);
extern void copy_name(WCHAR *dst, const WCHAR *src, unsigned int size);
extern const WCHAR *load_message(UINT id, WCHAR *buffer, unsigned int size);
extern void format_message(WCHAR *buffer, unsigned int size, UINT id, ...);

/* guard.c */
extern void guard_init(void);
extern void guard_set_session(struct session *session);
extern void guard_enter(struct handler *handler);
extern void guard_leave(void);

/* queue.c */
extern int run_invoke_server(void);

#endif /* __MOBSYNC_EXE_PRIVATE_H */
