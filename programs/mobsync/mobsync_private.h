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
#include "wine/list.h"
#include "mobsync_guard.h"
#include "control.h"

/* Default time a handler gets to finish its work, in seconds (/timeout). */
#define DEFAULT_TIMEOUT 300
/* mobsync.exe's per-user settings (docs/registry.md). */
#define SETTINGS_KEY MOBSYNC_SETTINGS_KEY
/* The longest time limit taken, from /timeout or InvokeTimeout: a week. */
#define MAX_TIMEOUT (7 * 24 * 3600)

/* A build for make coverage (Makefile.in) has gcc's runtime write its
 * counts when the C runtime exits. Where mobsync ends its process at once
 * instead (ExitProcess, or TerminateProcess of itself: handlers given up on
 * may still run in threads of ours), it writes them first. */
#ifdef MOBSYNC_COVERAGE
extern void __gcov_dump(void);
static inline void write_coverage(void) { __gcov_dump(); }
#else
static inline void write_coverage(void) {}
#endif

enum session_mode
{
    MODE_LIST,
    MODE_SYNC,
    MODE_CHOOSE,   /* Items to Synchronize: loaded, then as the person says */
};

/* A handler's record (handler.c, handler.h): only handler.c reaches into it. */
struct handler;
struct handler_command;
struct sink_ops;

/* Where what the handlers of a session do goes (handler.h). */
struct sink
{
    const struct sink_ops *ops;
    void *context;
};

/* What a command line, a program's request or the session a worker works
 * for asks: the caller's, pointing to the caller's memory. */
struct session_options
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
    WCHAR choice_key[MAX_PATH]; /* under HKCU, the event's or schedule's choice
                                   (registry.c); empty: the check states */
    BOOL choice_default;   /* there, a handler without a subkey: all chosen */
    BOOL show_arch;        /* /list /arch: each line says the handler's architecture */
    BOOL worker;           /* run for another mobsync.exe (relay.c): its handlers are
                              given, and what they do is sent to it, not printed */
    BOOL keep_handlers;    /* the progress dialog shows it: each handler, once done,
                              stays for ShowError until the dialog closes */
    BOOL probe_enumerator; /* mobsync /check: the enumerator's Reset, Skip and
                              Clone are tried too (runner.c) */
    BOOL silent;           /* its end prints no /list lines nor summary: its sink
                              is what it says (mobsync /check) */
};

/* What a handler that crashed is failed with (guard.c); mingw-w64's
 * headers lack it. */
#ifndef ERROR_UNHANDLED_EXCEPTION
#define ERROR_UNHANDLED_EXCEPTION 574
#endif

/* A synchronization or listing, made by session_create from options, which
 * it copies once, with what they point to; every handler record holds a
 * reference, so that it lives as long as the last thread that may use it. */
struct session
{
    LONG refcount;
    struct session_options options; /* pointing into copies */
    void *copies;          /* the cookie, handlers and items options point to */
    LONG *found_items;     /* per options.only_items: a handler enumerated it */

    struct handler **handlers; /* while the session runs */
    struct worker *other;  /* the other architecture's worker, while the session runs */
    unsigned int handler_count;
    HANDLE finished_event;
    LONG succeeded, failed, skipped, errors;
    BOOL gave_up;          /* a handler was given up on: its thread may still run */

    struct sink sink;      /* where what its handlers do goes */
    DWORD timeout_ms, grace_ms;
    HWND control;
    struct list running_entry; /* in session.c's list of running sessions */
    BOOL running;
    struct session_timing *timing; /* with +mobsync_timing only (timing.c) */
};

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


/* Calls go one way, from the top of docs/engine.md's table down: no file
 * calls one that calls it back (tools/check_calls.py, make lint). */

/* main.c's commands, each run by its area: queue.c (/invoke, /window:),
 * relay.c (/worker), agent.c (/agent and what starts it) */
extern int run_invoke_server(void);
extern int run_window_request(const WCHAR *path);
extern int run_worker(const WCHAR *channel);
extern int run_agent(void);
extern int run_check(const CLSID *clsid, const GUID *items, unsigned int item_count, DWORD timeout, BOOL tap);
extern int stop_agent(void);
extern void agent_start_if_needed(void);
extern BOOL autorun_update(BOOL *needed);
extern void automatic_runs_changed(void);
extern void idle_watch_start(void);

/* session.c, options.c: a session, from its options to its summary */
extern struct session *session_create(const struct session_options *options);
extern void session_addref(struct session *session);
extern void session_release(struct session *session);
extern int run_session(struct session *session);
extern BOOL session_start(struct session *session);
extern void session_request_command(const CLSID *clsid, const struct handler_command *command,
        BOOL keep);
extern unsigned int session_watch(struct session *session);
extern unsigned int session_command(struct session *session, struct handler *target,
        const struct handler_command *command);
extern int session_finish(struct session *session);
extern unsigned int session_request(enum control_action action, const GUID *handler,
        const GUID *item);
extern unsigned int session_skip(struct session *session, const GUID *clsid, const GUID *id);
extern HWND message_window_create(const WCHAR *class_name, WNDPROC proc, void *data);
extern unsigned int control_send(enum control_action action, const GUID *handlers,
        unsigned int handler_count, const GUID *item, unsigned int *sessions);

/* The dialogs */
/* choice.c: Items to Synchronize */
extern BOOL choice_wanted(void);
extern int run_choice(const struct session_options *options, BOOL minimized, BOOL *shown,
        BOOL *gave_up);
/* progress.c: Synchronizing */
extern int run_progress(struct session *session, BOOL *shown);
/* settings.c: Synchronization Settings */
extern int run_setup(const struct session_options *options);

/* registry.c: the registered handlers, the check states, the settings store */
extern HRESULT read_registrations(const struct session_options *options, struct registration **list,
        unsigned int *count);
extern BOOL registry_read_fixed(HKEY key, const WCHAR *name, DWORD type, void *value, DWORD size);
extern BOOL registry_read_dword(HKEY key, const WCHAR *name, DWORD *value);
extern HKEY open_item_settings(const CLSID *handler);
extern void read_item_state(HKEY settings, const GUID *item, BOOL *checked);
extern BOOL write_item_state(const CLSID *handler, const GUID *item, BOOL checked);
extern void prune_item_settings(const CLSID *clsid, BOOL (*keep)(const GUID *item, void *context),
        void *context);
extern BOOL schedule_name_valid(const WCHAR *name);
extern BOOL settings_event(struct session_options *options, DWORD register_flag);
extern BOOL settings_schedule(struct session_options *options, const WCHAR *name);
extern BOOL settings_ask(const struct session_options *options);
extern BOOL settings_event_on(const struct session_options *options);
extern HKEY settings_open_choice(const struct session_options *options, const CLSID *handler);
extern BOOL settings_chosen(const struct session_options *options, HKEY key, const GUID *item);
extern HKEY settings_open_handler(const WCHAR *choice_key, const CLSID *handler);
extern BOOL settings_item_chosen(HKEY key, const GUID *item, BOOL default_chosen);
extern BOOL settings_write_item(const WCHAR *choice_key, const CLSID *handler, const GUID *item,
        BOOL chosen);
extern DWORD settings_read_value(const WCHAR *key_name, const WCHAR *name, DWORD default_value);
extern BOOL settings_write_value(const WCHAR *key_name, const WCHAR *name, DWORD value);
extern BOOL settings_write_choice(const struct session_options *options, const CLSID *handler,
        const GUID *item, BOOL chosen);
extern BOOL autorun_write(BOOL on);

/* output.c: the writer, every line's format, messages, GUIDs as text */
extern const struct sink console_sink;
extern void output_init(void);
extern void output_text(struct text *text);
extern void output_write(HANDLE handle, const WCHAR *text);
extern void print_message(UINT id, const WCHAR *arg);
extern void print_error(UINT id, const WCHAR *arg);
extern void copy_name(WCHAR *dst, const WCHAR *src, unsigned int size);
extern const WCHAR *load_message(UINT id, WCHAR *buffer, unsigned int size);
extern void format_message(WCHAR *buffer, unsigned int size, UINT id, ...);
extern void vformat_message(WCHAR *buffer, unsigned int size, UINT id, va_list *args);
extern void report_list_item(struct text *text, const WCHAR *handler, const GUID *item, BOOL checked,
        const WCHAR *handler_name, const WCHAR *item_name, const WCHAR *arch);
extern void report_list_error(struct text *text, const WCHAR *handler, HRESULT hr,
        const WCHAR *message, const WCHAR *arch);
extern void report_summary(LONG succeeded, LONG failed, LONG skipped);
extern void report_missing_item(const GUID *item);
extern void guid_to_string(const GUID *guid, WCHAR *str);
extern BOOL string_to_guid(const WCHAR *str, GUID *guid);

/* spawn.c, icon.c, guard.c */
extern BOOL spawn_mobsync(const WCHAR *args, const WCHAR *output, HANDLE *process);
extern BOOL spawn_output_path(const WCHAR *kind, WCHAR *path, unsigned int size);
extern BYTE *icon_to_pixels(HICON icon, DWORD *width, DWORD *height);
extern HICON icon_from_pixels(const BYTE *pixels, DWORD width, DWORD height);
extern DWORD icon_checksum(const BYTE *pixels, DWORD width, DWORD height);
extern void guard_init(void);
extern void guard_enter(struct handler *handler);
extern void guard_leave(void);

#endif /* __MOBSYNC_EXE_PRIVATE_H */
