/*
 * mobsync.exe: a handler: its record, its thread, its callback, and what
 * the record tells its session's sink
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

#ifndef __MOBSYNC_HANDLER_H
#define __MOBSYNC_HANDLER_H

#include "mobsync_private.h"

/* How many items one handler may enumerate before the rest are dropped. */
#define MAX_ITEMS 1000000

/* How many of its /list lines are written at once. */
#define LIST_BATCH 256

/* How long past a session's time limit a worker that stops answering is
 * waited for, in ms: its own watchdog reports first. */
#define WORKER_MARGIN 10000

/* How many times a handler may ask for its items to be synchronized again. */
#define MAX_RETRIES 3

struct item
{
    SYNCMGRITEMID id;
    BOOL chosen;
    BOOL checked;
    WCHAR name[MAX_SYNCMGRITEMNAME];
    DWORD status;          /* last SYNCMGRSTATUS the handler reported */
    BOOL reported;         /* its result was given to the sink */
    LONG cancel;           /* Progress answers S_SYNCMGR_CANCELITEM */
    BOOL skip;             /* someone asked to skip it (mobsync /skip) */
    BOOL skip_sent;        /* SetItemStatus(SKIPPED) was called for it */
    INT progress, progress_max; /* the last iProgValue and iMaxValue reported */
    BOOL dirty;            /* changed since last told to a sink that follows progress */
    DWORD flags;           /* SYNCMGRITEM_* */
    FILETIME last_update;  /* with SYNCMGRITEM_LASTUPDATETIME */
    int icon;              /* into the handler's item icons; -1: none */
    WCHAR *text;           /* the last lpcStatusText reported, or NULL */
    BOOL text_dirty;       /* its text, likewise */
};

/* The longest status text kept from Progress, in characters. */
#define MAX_STATUS_TEXT 255

/* Longest error text kept from LogError, in characters. */
#define MAX_ERROR_TEXT 2048

/* Most distinct item icons a handler's record keeps; items with others
 * show none. */
#define MAX_ITEM_ICONS 64

struct log_entry
{
    SYNCMGRERRORID id;
    SYNCMGRITEMID item;
    DWORD flags;
    BOOL has_item;
    DWORD level;           /* SYNCMGRLOGLEVEL_* */
    WCHAR *text;           /* the record's copy, for the progress dialog */
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
    HANDLER_WAITING,       /* choosing: loaded, waits for a command; no time limit */
    HANDLER_SHOWING_PROPERTIES, /* ShowProperties called, completion pending */
    HANDLER_DONE,          /* its results are in; kept for the progress dialog's
                              ShowError until it closes; no time limit */
};

/* What the person in the choice dialog asks of a handler (handler_post_command). */
enum command_kind
{
    COMMAND_NONE,
    COMMAND_PROPERTIES,    /* ShowProperties(window, item) */
    COMMAND_SYNC,          /* synchronize the checked items */
    COMMAND_RELEASE,       /* the dialog closed: release the handler */
    COMMAND_SHOW_ERROR,    /* ShowError(window, item): a Result double-clicked */
};

struct handler_command
{
    enum command_kind kind;
    HWND window;
    GUID item;             /* GUID_NULL: the handler's own properties */
};

/* What the choice dialog shows of a handler: a copy, made under its lock
 * (handler_view), that the dialog owns. */
enum view_state
{
    VIEW_LOADING,
    VIEW_READY,            /* waiting for the person */
    VIEW_BUSY,             /* showing its properties */
    VIEW_FAILED,           /* error says why */
    VIEW_ABSENT,           /* does not take part (Initialize S_FALSE), or released */
    VIEW_DONE,             /* synchronized, kept for ShowError */
};

struct item_view
{
    GUID id;
    WCHAR name[MAX_SYNCMGRITEMNAME];
    BOOL checked;
    BOOL chosen;
    DWORD flags;
    FILETIME last_update;
    int icon;
    DWORD status;
    INT progress, progress_max;
    WCHAR *text;           /* a copy of its status text, or NULL */
};

struct log_view
{
    DWORD level;
    DWORD flags;
    BOOL has_item;
    GUID id, item;
    WCHAR *text;
};

struct handler_view
{
    LONG generation;       /* changes whenever anything below may have */
    enum view_state state;
    WCHAR name[64];        /* its name, or its CLSID while it has none */
    WCHAR error[256];
    HRESULT hr;
    DWORD flags;           /* SYNCMGRHANDLER_* */
    HICON icon;            /* copies: the view's */
    HICON *item_icons;
    unsigned int item_icon_count;
    struct item_view *items;
    unsigned int item_count;
    struct log_view *log;      /* every LogError entry not deleted */
    unsigned int log_count;
    LONG log_serial;           /* changes when the log does */
    BOOL done;                 /* finished: every result is in */
};

/* What a handler's record tells its session's sink: the item table as a
 * worker sends it (names point into the same block), the items whose
 * status or progress changed, and how the handler ended. */
struct item_info
{
    GUID id;
    const WCHAR *name;
    DWORD flags;
    FILETIME last_update;
    int icon;
    BOOL checked;
};

struct item_progress
{
    unsigned int index;
    DWORD status;
    INT value, max;
};

struct item_result
{
    GUID id;
    const WCHAR *name;
    DWORD status;
};

struct handler_end
{
    HRESULT hr;
    const WCHAR *message;  /* failed: why; NULL when it finished */
    BOOL show_code;
    DWORD default_status;
    BOOL skipped;          /* Initialize returned S_FALSE */
    const DWORD *statuses; /* every item's, as the record settled it */
    unsigned int count;
    const struct item_result *results; /* the result lines due, in item order */
    unsigned int result_count;
};

/* A call between the manager and a handler, as a sink that judges the
 * handler is told of it (check.c): each call into the handler once it has
 * returned, each call into its callback as it came, with what the manager
 * read of the structures passed. The record passes them on, in order, and
 * keeps none; a sink without a call entry costs the callers nothing. */
enum call_method
{
    CALL_INITIALIZE,
    CALL_GET_HANDLER_INFO,
    CALL_ENUM_ITEMS,           /* EnumSyncMgrItems */
    CALL_ENUM_NEXT,
    CALL_ENUM_SKIP,
    CALL_ENUM_RESET,
    CALL_ENUM_CLONE,
    CALL_ITEM,                 /* an item Next gave, as it was read */
    CALL_SET_PROGRESS_CALLBACK,
    CALL_PREPARE_FOR_SYNC,
    CALL_SYNCHRONIZE,
    CALL_SET_ITEM_STATUS,
    CALL_SHOW_PROPERTIES,
    CALL_SHOW_ERROR,
    CALL_RELEASE,              /* the manager's last Release of the handler */
    CALL_PROGRESS,             /* from here on, the callback's */
    CALL_LOG_ERROR,
    CALL_DELETE_LOG_ERROR,
    CALL_ENABLE_MODELESS,
    CALL_ESTABLISH_CONNECTION,
    CALL_PREPARE_COMPLETED,
    CALL_SYNCHRONIZE_COMPLETED,
    CALL_SHOW_PROPERTIES_COMPLETED,
    CALL_SHOW_ERROR_COMPLETED,
    CALL_CALLBACK_RELEASE,     /* the manager's last Release of the callback */
    CALL_METHOD_COUNT
};

struct call_record
{
    enum call_method method;
    DWORD thread;              /* the thread that made the call */
    DWORD start, end;          /* GetTickCount() when it was made and when it returned */
    BOOL returned;             /* FALSE: told as it is made, and again once it returned */
    HRESULT hr;                /* what it returned; a completion: the result it passed */
    HRESULT answer;            /* a callback's: what the manager answered */
    GUID id;                   /* the item or error named; GUID_NULL when none */
    DWORD value;               /* flags, a status, a count asked, a level, references left */
    DWORD value2;              /* a count given, an item's state, a mask */
    DWORD size;                /* the cbSize of the structure passed; 0 when none */
    DWORD object;              /* the enumerator's calls: 0 its own, 1 its clone's;
                                  LogError: its dwSyncMgrErrorFlags */
    BOOL bad_string;           /* a string of it does not end within its array */
    FILETIME time;             /* an item's ftLastUpdate */
};

/* Whether a string of a handler's structure ends within its array. */
static inline BOOL ends_within(const WCHAR *str, unsigned int size)
{
    unsigned int i;

    for (i = 0; i < size; i++) if (!str[i]) return TRUE;
    return FALSE;
}

/* A record of a call about to be made. */
static inline void call_start(struct call_record *call, enum call_method method)
{
    memset(call, 0, sizeof(*call));
    call->method = method;
    call->thread = GetCurrentThreadId();
    call->start = GetTickCount();
}

/* Where what the handlers of a session do goes: printed (output.c), sent
 * to the session a worker works for (relay.c), or shown by a dialog
 * (dialog.c). The record calls it without its lock, one change at a time
 * and in the order they were made; an entry left NULL is not wanted, and
 * the record then makes no copy for it. changed says, coalesced, that
 * something a handler_view shows may have changed; ask_modeless is asked
 * whether a handler may show its window (no entry: it may). */
/* Who a sink is told of. */
struct handler_id
{
    CLSID clsid;
    WCHAR str[39];         /* the CLSID as output spells it */
};

struct sink_ops
{
    void (*changed)(const struct session *session);
    void (*name)(const struct session *session, const struct handler_id *id, const WCHAR *name);
    void (*icon)(const struct session *session, const struct handler_id *id, HICON icon);
    void (*flags)(const struct session *session, const struct handler_id *id, DWORD flags);
    void (*item_icon)(const struct session *session, const struct handler_id *id,
            unsigned int index, HICON icon);
    void (*state)(const struct session *session, const struct handler_id *id,
            enum handler_state state);
    void (*items)(const struct session *session, const struct handler_id *id,
            const struct item_info *items, unsigned int count);
    void (*choice)(const struct session *session, const struct handler_id *id,
            const BYTE *choice, unsigned int count);
    void (*progress)(const struct session *session, const struct handler_id *id,
            const struct item_progress *progress, unsigned int count);
    void (*text)(const struct session *session, const struct handler_id *id,
            unsigned int index, const WCHAR *text);
    void (*log)(const struct session *session, const struct handler_id *id, DWORD level,
            const struct log_entry *entry);
    void (*delete_log)(const struct session *session, const struct handler_id *id,
            const GUID *entry);
    void (*warning)(const struct session *session, const struct handler_id *id, const WCHAR *text);
    void (*modeless_end)(const struct session *session, const struct handler_id *id);
    HRESULT (*ask_modeless)(const struct session *session, const struct handler_id *id);
    void (*end)(const struct session *session, const struct handler_id *id,
            const struct handler_end *end);
    void (*call)(const struct session *session, const struct handler_id *id,
            const struct call_record *call);
};

/* A table of items and the status texts they hold. */
static inline void free_items(struct item *items, unsigned int count)
{
    unsigned int i;

    for (i = 0; items && i < count; i++) free(items[i].text);
    free(items);
}

/* An item's status that is a result: later reports do not change it. */
static inline BOOL is_final(DWORD status)
{
    return status == SYNCMGRSTATUS_SUCCEEDED || status == SYNCMGRSTATUS_FAILED
            || status == SYNCMGRSTATUS_SKIPPED || status == SYNCMGRSTATUS_STOPPED;
}

/* runner.c: the handler's thread */
extern DWORD WINAPI runner_thread(void *handler);
extern void runner_start_main_apartment(void);

/* callback.c */
extern HRESULT callback_create(struct handler *handler, ISyncMgrSynchronizeCallback **callback);

/* handler.c: the record */
extern struct handler *handler_create(struct session *session, const struct registration *reg);
extern void handler_addref(struct handler *handler);
extern void handler_release(struct handler *handler);
extern const CLSID *handler_clsid(const struct handler *handler);
extern const WCHAR *handler_clsid_str(const struct handler *handler);
extern struct session *handler_session(const struct handler *handler);
extern const WCHAR *handler_server(const struct handler *handler);
extern BOOL handler_single_threaded(const struct handler *handler);
extern BOOL handler_remote(const struct handler *handler);
extern DWORD handler_register_flags(const struct handler *handler);
extern void handler_set_icon(struct handler *handler, HICON icon);
extern void handler_fail_relayed(struct handler *handler, HRESULT hr, const WCHAR *message,
        BOOL show_code);
extern HANDLE handler_completion_event(const struct handler *handler);
extern HANDLE handler_control_event(const struct handler *handler);
extern void handler_set_name(struct handler *handler, const WCHAR *name);
extern void handler_set_module(struct handler *handler, HMODULE module);
extern BOOL handler_fail_by_module(HMODULE module, HRESULT hr, const WCHAR *message);
extern BOOL handler_finished(struct handler *handler);
extern void handler_finish(struct handler *handler, DWORD default_status);
extern void handler_done(struct handler *handler, DWORD default_status);
extern DWORD handler_default_status(struct handler *handler);
extern void handler_skip(struct handler *handler);
extern void handler_fail(struct handler *handler, HRESULT hr, const WCHAR *message);
extern void handler_fail_call(struct handler *handler, UINT message_id, HRESULT hr);
extern void handler_warn(struct handler *handler, const WCHAR *text);
extern BOOL handler_watch(struct handler *handler, DWORD now, DWORD grace_ms);
extern void handler_set_thread(struct handler *handler, HANDLE thread, DWORD deadline);
extern void handler_wait_thread(struct handler *handler);
extern BOOL handler_stop(struct handler *handler);
extern void handler_drop_lock(struct handler *handler);

extern HRESULT handler_enable_modeless(struct handler *handler, BOOL enable);
extern BOOL handler_modeless_shown(void);
extern void handler_set_flags(struct handler *handler, DWORD flags);
extern void handler_set_item_icons(struct handler *handler, HICON *icons, unsigned int count);
extern void handler_set_item_icon(struct handler *handler, unsigned int index, HICON icon);
extern void handler_set_remote_state(struct handler *handler, enum handler_state state);
extern BOOL handler_post_command(struct handler *handler, const struct handler_command *command);
extern BOOL handler_take_command(struct handler *handler, struct handler_command *command);
extern BOOL handler_view(struct handler *handler, LONG generation, struct handler_view *view);
extern void handler_view_free(struct handler_view *view);

extern void handler_set_state(struct handler *handler, enum handler_state state);
extern HRESULT handler_completion_hr(struct handler *handler);
extern HRESULT handler_complete(struct handler *handler, enum handler_state pending,
        enum handler_state next, HRESULT hr, const char *what);
extern HRESULT handler_complete_show_error(struct handler *handler, HRESULT hr,
        SYNCMGRITEMID *ids, ULONG count);

extern BOOL handler_has_item(struct handler *handler, const GUID *id);
extern unsigned int handler_item_count(struct handler *handler);
extern HRESULT handler_set_items(struct handler *handler, struct item *items, unsigned int count);
extern unsigned int handler_choose_items(struct handler *handler, SYNCMGRITEMID **ids, HRESULT *hr);
extern HRESULT handler_progress(struct handler *handler, const GUID *id,
        const SYNCMGRPROGRESSITEM *progress, const WCHAR *text);
extern void handler_set_text(struct handler *handler, unsigned int index, const WCHAR *text);
extern void handler_set_choice(struct handler *handler, const BYTE *choice, unsigned int count);
extern void handler_set_progress(struct handler *handler, const struct item_progress *progress,
        unsigned int count);
extern void handler_set_statuses(struct handler *handler, const DWORD *statuses, unsigned int count);
extern void handler_tell_progress(struct handler *handler);
extern HRESULT handler_log_error(struct handler *handler, DWORD level, const WCHAR *text,
        const struct log_entry *entry);
extern void handler_delete_log_error(struct handler *handler, const GUID *id);
extern BOOL handler_next_error(struct handler *handler, SYNCMGRERRORID *id);
extern BOOL handler_wants_retry(struct handler *handler);
extern ULONG handler_take_retry(struct handler *handler, SYNCMGRITEMID *ids, ULONG capacity);
extern unsigned int handler_take_skips(struct handler *handler, SYNCMGRITEMID *ids, unsigned int max);
extern BOOL handler_skip_item(struct handler *handler, const GUID *id);
extern unsigned int handler_list(struct handler *handler, struct text *text, unsigned int first);
extern BOOL handler_follows_calls(const struct handler *handler);
extern void handler_call(struct handler *handler, struct call_record *call);
extern void handler_call_made(struct handler *handler, struct call_record *call);

#endif /* __MOBSYNC_HANDLER_H */
