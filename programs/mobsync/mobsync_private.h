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
#include "mobsync_registry.h"
#include "mobsync_guard.h"
#include "control.h"
#include "wire.h"

/* Default time a handler gets to finish its work, in seconds (/timeout). */
#define DEFAULT_TIMEOUT 300
/* mobsync.exe's per-user settings (docs/registry.md). */
#define SETTINGS_KEY MOBSYNC_SETTINGS_KEY
/* The longest time limit taken, from /timeout or InvokeTimeout: a week. */
#define MAX_TIMEOUT (7 * 24 * 3600)

/* How many items one handler may enumerate before the rest are dropped. */
#define MAX_ITEMS 1000000

/* How long past a session's time limit a worker that stops answering is
 * waited for, in ms: its own watchdog reports first. */
#define WORKER_MARGIN 10000

/* How many times a handler may ask for its items to be synchronized again. */
#define MAX_RETRIES 3

enum session_mode
{
    MODE_LIST,
    MODE_SYNC,
    MODE_CHOOSE,   /* Items to Synchronize: loaded, then as the person says */
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
    INT progress, progress_max; /* the last iProgValue and iMaxValue reported */
    BOOL dirty;            /* in a worker: changed since last sent to the session */
    DWORD flags;           /* SYNCMGRITEM_* */
    FILETIME last_update;  /* with SYNCMGRITEM_LASTUPDATETIME */
    int icon;              /* into the handler's item icons; -1: none */
    WCHAR *text;           /* the last lpcStatusText reported, or NULL */
    BOOL text_dirty;       /* in a worker: text changed since last sent */
};

/* The longest status text kept from Progress, in characters. */
#define MAX_STATUS_TEXT 255

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

/* What the person in the choice dialog asks of a handler (command.c). */
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

/* A handler's record (handler.c): only handler.c reaches into it. */
struct handler;

/* A synchronization or listing. Made by session_create from options the
 * caller filled in, with its own copies of what they point to; every
 * handler record holds a reference, so that it lives as long as the last
 * thread that may use it. */
struct session
{
    LONG refcount;
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
    LONG *found_items;     /* per only_items: a handler enumerated it */
    BOOL event_filter;     /* only handlers registered for this event */
    DWORD event_register_flag;
    WCHAR choice_key[MAX_PATH]; /* under HKCU, the event's or schedule's choice
                                   (settings.c); empty: the check states */
    BOOL choice_default;   /* there, a handler without a subkey: all chosen */

    BOOL show_arch;        /* /list /arch: each line says the handler's architecture */
    BOOL worker;           /* run for another mobsync.exe (serve_worker.c): its handlers
                              are given, and what they do is sent to it, not printed */

    struct handler **handlers; /* while the session runs */
    struct worker *other;  /* the other architecture's worker, while the session runs */
    unsigned int handler_count;
    HANDLE finished_event;
    LONG succeeded, failed, skipped, errors;
    BOOL gave_up;          /* a handler was given up on: its thread may still run */

    /* Told, from any thread and with a handler's lock held, that something
     * a handler_view shows has changed: it must only post a message. */
    void (*observer)(void *context);
    void *observer_context;
    DWORD timeout_ms, grace_ms;
    HWND control;
    BOOL keep_handlers;    /* the progress dialog shows it: each handler, once done,
                              stays for ShowError until the dialog closes */
    struct session *next_running; /* session.c's list of running sessions */
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

struct text
{
    WCHAR *data;
    size_t len, size;
};

/* A handler the registry names for a session, as plain data. */
struct registration
{
    CLSID clsid;
    BOOL registered;       /* FALSE: named with /handler: but not registered */
    WCHAR server[MAX_PATH]; /* its InprocServer32 DLL, expanded; empty if none */
    BOOL single_threaded;  /* no ThreadingModel: the main apartment only */
    BOOL other_arch;       /* registered only in the other architecture's view */
    DWORD register_flags;  /* SYNCMGRREGISTERFLAG_*: the events it registered for */
};

/* What a session's control window may do with a request. */
struct control_ops
{
    unsigned int (*skip)(void *context, const GUID *handler, const GUID *item);
    unsigned int (*stop)(void *context, const GUID *handler);
};

/* main.c → serve_worker.c, queue.c → session.c → launch.c → worker.c →
 * mirror.c, runner.c → loader.c, callback.c → handler.c → errorlog.c, items.c,
 * results.c, completion.c → relay.c, report.c → icon.c, wire.c, output.c;
 * lifetime.c, registry.c, guard.c and control.c are below whoever calls
 * them. No file calls one that calls it back (tools/check_calls.py). */

/* session.c */
extern int run_session(struct session *session);
extern BOOL session_start(struct session *session);
extern void session_request_command(const CLSID *clsid, const struct handler_command *command,
        BOOL keep);
extern unsigned int session_watch(struct session *session);
extern unsigned int session_command(struct session *session, struct handler *target,
        const struct handler_command *command);
extern int session_finish(struct session *session);
extern int session_end(struct session *session);
extern void session_init(void);
extern unsigned int session_request(enum control_action action, const GUID *handler,
        const GUID *item);
extern unsigned int session_skip(struct session *session, const GUID *clsid, const GUID *id);
extern unsigned int session_stop(struct session *session, const GUID *clsid);

/* launch.c */
extern void launch_handlers(struct session *session, DWORD timeout_ms);

/* A stored schedule (schedules.c). */
enum schedule_recurrence
{
    SCHEDULE_ONCE, SCHEDULE_DAILY, SCHEDULE_WEEKDAYS, SCHEDULE_EVERY_DAYS
};

struct schedule
{
    WCHAR name[MOBSYNC_MAX_SCHEDULE_NAME + 1];
    FILETIME start;        /* UTC */
    DWORD recurrence;      /* enum schedule_recurrence */
    DWORD days;            /* SCHEDULE_EVERY_DAYS: 1 to 365 */
    BOOL has_start;        /* Start is stored (otherwise start is now) */
    ULONGLONG last_run;    /* FILETIME, UTC: the time due of its last run, or when
                              it was saved; times due before it are done */
};

/* agent.c, agent_runs.c */
extern int run_agent(void);
extern int stop_agent(void);
extern DWORD agent_needs(void);
extern void agent_start_if_needed(void);
extern void idle_watch_start(void);

/* spawn.c */
extern BOOL spawn_mobsync(const WCHAR *args, const WCHAR *output, HANDLE *process);
extern BOOL spawn_output_path(const WCHAR *kind, WCHAR *path, unsigned int size);

/* schedules.c */
extern void schedule_key(const WCHAR *name, WCHAR *key, unsigned int size);
extern BOOL schedule_read(const WCHAR *name, struct schedule *schedule);
extern struct schedule *schedule_read_all(unsigned int *count);
extern BOOL schedule_write(const struct schedule *schedule);
extern BOOL schedule_delete(const WCHAR *name);
extern BOOL schedule_mark_run(const WCHAR *name, ULONGLONG due);
extern BOOL schedule_due(const struct schedule *schedule, ULONGLONG now, ULONGLONG *due);
extern BOOL schedule_next(const struct schedule *schedule, ULONGLONG now, ULONGLONG *next);
extern ULONGLONG current_time(void);

/* registry.c: the settings store */
extern BOOL schedule_name_valid(const WCHAR *name);
extern BOOL settings_event(struct session *session, DWORD register_flag);
extern BOOL settings_schedule(struct session *session, const WCHAR *name);
extern BOOL settings_ask(const struct session *session);
extern BOOL settings_event_on(const struct session *session);
extern HKEY settings_open_choice(const struct session *session, const CLSID *handler);
extern BOOL settings_chosen(const struct session *session, HKEY key, const GUID *item);
extern BOOL settings_may_choose(const struct session *session, const CLSID *handler);
extern HKEY settings_open_handler(const WCHAR *choice_key, const CLSID *handler);
extern BOOL settings_item_chosen(HKEY key, const GUID *item, BOOL default_chosen);
extern BOOL settings_write_item(const WCHAR *choice_key, const CLSID *handler, const GUID *item,
        BOOL chosen);
extern DWORD settings_read_value(const WCHAR *key_name, const WCHAR *name, DWORD default_value);
extern BOOL settings_write_value(const WCHAR *key_name, const WCHAR *name, DWORD value);
extern BOOL settings_write_choice(const struct session *session, const CLSID *handler,
        const GUID *item, BOOL chosen);

/* summary.c */
extern int session_report(struct session *session);

/* serve_worker.c */
extern int run_worker(const WCHAR *channel);

/* worker.c */
extern struct worker *worker_start(struct session *session, struct handler **handlers,
        unsigned int count, DWORD deadline);
extern unsigned int worker_control(struct worker *worker, enum control_action action,
        const GUID *handler, const GUID *item);
extern void worker_finish(struct worker *worker);
extern void worker_command(struct worker *worker, const CLSID *handler,
        const struct handler_command *command);

/* mirror.c */
extern struct mirror *mirror_create(struct handler **handlers, unsigned int count, DWORD deadline);
extern void mirror_free(struct mirror *mirror);
extern void mirror_fail_all(struct mirror *mirror, HRESULT hr, const WCHAR *message);
extern BOOL mirror_apply(struct mirror *mirror, const struct wire_header *header, const BYTE *data);
extern BOOL mirror_take_modeless_answer(struct mirror *mirror, struct wire_modeless_answer *answer);

/* relay.c */
extern void relay_init(HANDLE channel);
extern BOOL relay_active(void);
extern void relay_hello(void);
extern void relay_done(void);
extern void relay_answer(DWORD serial, unsigned int count);
extern void relay_name(const CLSID *handler, const WCHAR *name);
extern void relay_icon(const CLSID *handler, HICON icon);
extern void relay_warning(const CLSID *handler, const WCHAR *text);
extern void relay_item_icon(const CLSID *handler, unsigned int index, HICON icon);
extern void relay_flags(const CLSID *handler, DWORD flags);
extern void relay_state(const CLSID *handler, DWORD state);
extern void relay_text(const CLSID *handler, unsigned int index, const WCHAR *text);
extern void relay_modeless(const CLSID *handler, BOOL enable);
extern HRESULT relay_ask_modeless(const CLSID *handler);
extern void relay_modeless_answer(DWORD serial, HRESULT hr);
extern void relay_items(const CLSID *handler, const struct item *items, unsigned int count);
extern void relay_choice(const CLSID *handler, const struct item *items, unsigned int count);
extern void relay_progress(const CLSID *handler, struct item *items, unsigned int count);
extern void relay_log(const CLSID *handler, DWORD level, const WCHAR *text,
        const struct log_entry *entry);
extern void relay_delete_log(const CLSID *handler, const GUID *id);
extern void relay_end(const CLSID *handler, HRESULT hr, const WCHAR *message, BOOL show_code,
        DWORD default_status, BOOL skipped, const struct item *items, unsigned int count);

/* wire.c */
extern BOOL wire_write(HANDLE pipe, const void *data, DWORD size);
extern BYTE *wire_read(HANDLE pipe, struct wire_header *header);

/* icon.c */
extern BYTE *icon_to_pixels(HICON icon, DWORD *width, DWORD *height);
extern HICON icon_from_pixels(const BYTE *pixels, DWORD width, DWORD height);
extern DWORD icon_checksum(const BYTE *pixels, DWORD width, DWORD height);

/* lifetime.c */
extern struct session *session_create(const struct session *options);
extern void session_addref(struct session *session);
extern void session_release(struct session *session);

/* choice.c: Items to Synchronize */
extern BOOL choice_wanted(void);
extern int run_choice(const struct session *options, BOOL minimized, BOOL *shown, BOOL *gave_up);
/* progress.c: Synchronizing */
extern int run_progress(struct session *session, BOOL *shown);
/* settings.c: Synchronization Settings */
extern int run_setup(const struct session *options);

/* queue.c */
extern int run_invoke_server(void);

/* request.c */
extern int run_window_request(const WCHAR *path);

/* runner.c */
extern DWORD WINAPI runner_thread(void *handler);
extern void runner_start_main_apartment(void);

/* choosing.c */
extern BOOL choosing_serve(struct handler *handler, ISyncMgrSynchronize *sync);

/* steps.c */
extern BOOL step_wait_completion(struct handler *handler, ISyncMgrSynchronize *sync);
extern BOOL step_wait_command(struct handler *handler, struct handler_command *command);
extern BOOL step_serve_results(struct handler *handler, ISyncMgrSynchronize *sync);
extern BOOL step_synchronize(struct handler *handler, ISyncMgrSynchronize *sync,
        SYNCMGRITEMID *ids, ULONG count);

/* loader.c */
extern BOOL loader_get_info(struct handler *handler, ISyncMgrSynchronize *sync);
extern BOOL loader_enumerate(struct handler *handler, ISyncMgrSynchronize *sync);

/* callback.c */
extern HRESULT callback_create(struct handler *handler, ISyncMgrSynchronizeCallback **callback);

/* handler.c */
extern void handler_init(void);
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
extern BOOL handler_has_module(struct handler *handler, HMODULE module);
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

/* command.c */
extern HRESULT handler_enable_modeless(struct handler *handler, BOOL enable);
extern BOOL handler_modeless_shown(void);
extern void handler_modeless_end(struct handler *handler);
extern void handler_set_flags(struct handler *handler, DWORD flags);
extern void handler_set_item_icons(struct handler *handler, HICON *icons, unsigned int count);
extern void handler_set_item_icon(struct handler *handler, unsigned int index, HICON icon);
extern void handler_set_remote_state(struct handler *handler, enum handler_state state);
extern BOOL handler_post_command(struct handler *handler, const struct handler_command *command);
extern BOOL handler_take_command(struct handler *handler, struct handler_command *command);
extern BOOL handler_view(struct handler *handler, LONG generation, struct handler_view *view);
extern void handler_view_free(struct handler_view *view);

/* completion.c */
extern void handler_set_state(struct handler *handler, enum handler_state state);
extern HRESULT handler_completion_hr(struct handler *handler);
extern HRESULT handler_complete(struct handler *handler, enum handler_state pending,
        enum handler_state next, HRESULT hr, const char *what);
extern HRESULT handler_complete_show_error(struct handler *handler, HRESULT hr,
        SYNCMGRITEMID *ids, ULONG count);

/* items.c */
extern BOOL handler_has_item(struct handler *handler, const GUID *id);
extern unsigned int handler_item_count(struct handler *handler);
extern HRESULT handler_set_items(struct handler *handler, struct item *items, unsigned int count);
extern unsigned int handler_choose_items(struct handler *handler, SYNCMGRITEMID **ids, HRESULT *hr);
extern HRESULT handler_progress(struct handler *handler, const GUID *id,
        const SYNCMGRPROGRESSITEM *progress, const WCHAR *text);
extern void handler_set_text(struct handler *handler, unsigned int index, const WCHAR *text);
extern void handler_set_choice(struct handler *handler, const BYTE *choice, unsigned int count);
extern void handler_set_progress(struct handler *handler, const struct wire_progress *progress,
        unsigned int count);
extern void handler_set_statuses(struct handler *handler, const DWORD *statuses, unsigned int count);
extern void handler_send_progress(struct handler *handler);
extern HRESULT handler_log_error(struct handler *handler, DWORD level, const WCHAR *text,
        const struct log_entry *entry);
extern void handler_delete_log_error(struct handler *handler, const GUID *id);
extern BOOL handler_next_error(struct handler *handler, SYNCMGRERRORID *id);
extern BOOL handler_wants_retry(struct handler *handler);
extern ULONG handler_take_retry(struct handler *handler, SYNCMGRITEMID *ids, ULONG capacity);
extern unsigned int handler_take_skips(struct handler *handler, SYNCMGRITEMID *ids, unsigned int max);
extern BOOL handler_skip_item(struct handler *handler, const GUID *id);
extern void handler_list(struct handler *handler, struct text *text);

/* report.c */
extern void report_result(struct text *text, DWORD status, const WCHAR *handler, const GUID *item,
        const WCHAR *name);
extern void report_error(const WCHAR *handler, const WCHAR *message, HRESULT hr, BOOL show_code);
extern void report_warning(const WCHAR *handler, const WCHAR *text);
extern void report_log(DWORD level, const WCHAR *handler, const GUID *item, const WCHAR *text);
extern void report_list_item(struct text *text, const WCHAR *handler, const GUID *item, BOOL checked,
        const WCHAR *handler_name, const WCHAR *item_name, const WCHAR *arch);
extern void report_list_error(struct text *text, const WCHAR *handler, HRESULT hr,
        const WCHAR *message, const WCHAR *arch);
extern void report_summary(LONG succeeded, LONG failed, LONG skipped);
extern void report_missing_item(const GUID *item);

/* output.c */
extern void output_init(void);
extern void output_line(const WCHAR *format, ...);
extern void output_text(struct text *text);
extern void output_write(HANDLE handle, const WCHAR *text);
extern void print_message(UINT id, const WCHAR *arg);
extern void print_error(UINT id, const WCHAR *arg);
extern void text_append(struct text *text, const WCHAR *format, ...);
extern void copy_name(WCHAR *dst, const WCHAR *src, unsigned int size);
extern const WCHAR *load_message(UINT id, WCHAR *buffer, unsigned int size);
extern void format_message(WCHAR *buffer, unsigned int size, UINT id, ...);

/* guid.c */
extern void guid_to_string(const GUID *guid, WCHAR *str);
extern BOOL string_to_guid(const WCHAR *str, GUID *guid);

/* registry.c */
extern HRESULT read_registrations(const struct session *session, struct registration **list,
        unsigned int *count);
extern BOOL read_inproc_server(const CLSID *clsid, BOOL other_view, WCHAR *path,
        BOOL *single_threaded);
extern HKEY open_item_settings(const CLSID *handler);
extern void read_item_state(HKEY settings, const GUID *item, BOOL *checked);
extern BOOL write_item_state(const CLSID *handler, const GUID *item, BOOL checked);
extern void prune_item_settings(const CLSID *clsid, BOOL (*keep)(const GUID *item, void *context),
        void *context);

/* control.c */
extern HWND message_window_create(const WCHAR *class_name, WNDPROC proc, void *data);
extern HWND control_create(const struct control_ops *ops, void *context);
extern void control_destroy(HWND window);
extern unsigned int control_send(enum control_action action, const GUID *handlers,
        unsigned int handler_count, const GUID *item, unsigned int *sessions);

/* guard.c */
extern void guard_init(void);
extern void guard_enter(struct handler *handler);
extern void guard_leave(void);

#endif /* __MOBSYNC_EXE_PRIVATE_H */
