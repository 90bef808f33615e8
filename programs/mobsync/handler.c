/*
 * mobsync.exe: a handler's record, and the only code that changes it
 *
 * A handler's state, item table, error log, results and the calls it owes
 * the manager are read and changed here only, always under the handler's
 * lock: the handler's thread, the watchdog, the callback, the choice
 * dialog, the worker's mirror and the crash guard call these functions and
 * never reach into the record. Nothing here reads memory a handler owns;
 * the callers hand over their own copies. Once a handler is finished (done,
 * failed, skipped or given up on), whatever it calls later changes nothing,
 * prints nothing and counts nothing. The record holds a reference on its
 * session, so that a handler given up on keeps its own session (and cookie)
 * alive and never sees another.
 *
 * PrepareForSync, Synchronize, ShowError and ShowProperties return at once
 * and are completed later, from any thread: the record says which of them
 * is outstanding, and a completion is taken only for that one, once, before
 * the handler is finished.
 *
 * In Items to Synchronize each handler's thread, once the handler is
 * loaded, waits for what the person does: Properties, Synchronize, Close.
 * The dialog leaves a command in the record and wakes the thread; it never
 * calls the handler itself. What the dialog shows it copies out of the
 * record under the lock (handler_view), when the record's generation says
 * something changed.
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

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "handler.h"
#include "wine/list.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

struct item_key
{
    SYNCMGRITEMID id;
    unsigned int index;    /* into handler->items */
};

/* What the record has to tell its session's sink, queued under the lock
 * and told, in order, once it is released (tell_sink). */
enum event_kind
{
    EVENT_NAME, EVENT_ICON, EVENT_FLAGS, EVENT_ITEM_ICON, EVENT_STATE, EVENT_ITEMS, EVENT_CHOICE,
    EVENT_PROGRESS, EVENT_TEXT, EVENT_LOG, EVENT_DELETE_LOG, EVENT_WARNING, EVENT_MODELESS,
    EVENT_END, EVENT_CALL,
};

struct event
{
    struct list entry;
    enum event_kind kind;
    DWORD value;           /* flags, state, an index, a log level */
    WCHAR *text;           /* name, status text, warning, log text, end message */
    HICON icon;            /* a copy of the sink's */
    GUID id;
    struct log_entry log;
    void *data;            /* items, choice, progress, an end's statuses and results */
    unsigned int count;
    struct handler_end end;
    struct call_record call;
};

struct handler
{
    LONG refcount;
    struct session *session; /* a reference */
    struct handler_id id;  /* its CLSID, and as a string */
    WCHAR server[MAX_PATH];  /* its InprocServer32, read once */
    BOOL single_threaded;  /* registered without a ThreadingModel */
    BOOL remote;           /* run by the other architecture's worker: this mirrors it */
    DWORD register_flags;  /* SYNCMGRREGISTERFLAG_*, as registered */
    struct list live_entry; /* in live_handlers, for the crash guard */
    CRITICAL_SECTION tell_cs; /* held while the sink is told: one teller at a time */
    volatile DWORD tell_owner; /* the thread that holds tell_cs, for handler_drop_lock */
    unsigned int tell_depth;

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
    BOOL dirty;            /* an item changed since last told (queue_progress_locked) */
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
    BOOL changed;          /* the sink is to be told that views changed */
    struct list events;    /* for the sink, oldest first */
    struct event end_event; /* the one END: queued without memory to find */
    struct handler_command command; /* the next one, COMMAND_NONE when none */
    BOOL timed;            /* told to synchronize or be released: its time limit runs */
    DWORD default_status;  /* done: what its unfinished items end as */
};

static inline void lock(struct handler *handler)
{
    EnterCriticalSection(&handler->cs);
    if (!handler->lock_depth++) handler->lock_owner = GetCurrentThreadId();
}

static void tell_sink(struct handler *handler);

/* Whoever releases the lock last tells the sink what was queued meanwhile,
 * with the lock released: no output, pipe or window is written to while a
 * handler's lock is held, so a console or a session that reads slowly
 * never holds up the watchdog or the handler's callbacks. */
static inline void unlock(struct handler *handler)
{
    BOOL tell = FALSE;

    if (!--handler->lock_depth)
    {
        handler->lock_owner = 0;
        tell = handler->changed || !list_empty(&handler->events);
    }
    LeaveCriticalSection(&handler->cs);
    if (tell) tell_sink(handler);
}

/* The sink the record tells, and whether it wants one kind of news: the
 * record copies nothing for a sink that would ignore it. */
static inline const struct sink *sink_of(const struct handler *handler)
{
    return &handler->session->sink;
}

#define SINK_WANTS(handler, op) (sink_of(handler)->ops->op != NULL)

/* Queued under the lock; NULL when memory ran out (the sink misses it). */
static struct event *queue_event_locked(struct handler *handler, enum event_kind kind)
{
    struct event *event;

    if (!(event = calloc(1, sizeof(*event))))
    {
        WARN("%s: out of memory; the sink misses event %u.\n", debugstr_w(handler->id.str), kind);
        return NULL;
    }
    event->kind = kind;
    list_add_tail(&handler->events, &event->entry);
    return event;
}

static HICON copy_icon(HICON icon)
{
    return icon ? CopyIcon(icon) : NULL;
}

static WCHAR *copy_string(const WCHAR *str)
{
    WCHAR *copy;

    if (!str) return NULL;
    if ((copy = malloc((wcslen(str) + 1) * sizeof(WCHAR)))) wcscpy(copy, str);
    return copy;
}

static void queue_text_locked(struct handler *handler, enum event_kind kind, DWORD value,
        const WCHAR *text)
{
    struct event *event;

    if (!(event = queue_event_locked(handler, kind))) return;
    event->value = value;
    if (!(event->text = copy_string(text)))
    {
        list_remove(&event->entry);
        free(event);
    }
}

static void queue_icon_locked(struct handler *handler, enum event_kind kind, DWORD index,
        HICON icon)
{
    struct event *event;

    if (!icon || !(event = queue_event_locked(handler, kind))) return;
    event->value = index;
    /* The record may destroy its own before the sink is told. */
    event->icon = copy_icon(icon);
}

/* An END's message when memory for its copy ran out: it still failed. */
static WCHAR no_message[1];

static void free_event(struct event *event)
{
    if (event->text != no_message) free(event->text);
    free(event->log.text);
    if (event->icon) DestroyIcon(event->icon);
    free(event->data);
    if (event->kind != EVENT_END) free(event);
}

/* A sink's entries are checked again here: a dialog may take over a
 * session's sink from the console while it runs. */
static void tell(struct handler *handler, struct event *event)
{
    const struct sink_ops *ops = sink_of(handler)->ops;
    const struct session *session = handler->session;
    const struct handler_id *id = &handler->id;

    switch (event->kind)
    {
    case EVENT_NAME:
        if (ops->name) ops->name(session, id, event->text);
        break;
    case EVENT_ICON:
        if (ops->icon) ops->icon(session, id, event->icon);
        break;
    case EVENT_FLAGS:
        if (ops->flags) ops->flags(session, id, event->value);
        break;
    case EVENT_ITEM_ICON:
        if (ops->item_icon) ops->item_icon(session, id, event->value, event->icon);
        break;
    case EVENT_STATE:
        if (ops->state) ops->state(session, id, event->value);
        break;
    case EVENT_ITEMS:
        if (ops->items) ops->items(session, id, event->data, event->count);
        break;
    case EVENT_CHOICE:
        if (ops->choice) ops->choice(session, id, event->data, event->count);
        break;
    case EVENT_PROGRESS:
        if (ops->progress) ops->progress(session, id, event->data, event->count);
        break;
    case EVENT_TEXT:
        if (ops->text) ops->text(session, id, event->value, event->text);
        break;
    case EVENT_LOG:
        if (ops->log) ops->log(session, id, event->value, &event->log);
        break;
    case EVENT_DELETE_LOG:
        if (ops->delete_log) ops->delete_log(session, id, &event->id);
        break;
    case EVENT_WARNING:
        if (ops->warning) ops->warning(session, id, event->text);
        break;
    case EVENT_MODELESS:
        if (ops->modeless_end) ops->modeless_end(session, id);
        break;
    case EVENT_END:
        if (ops->end) ops->end(session, id, &event->end);
        break;
    case EVENT_CALL:
        if (ops->call) ops->call(session, id, &event->call);
        break;
    }
}

/* Tells the sink, oldest first, everything queued, then (once) that the
 * views changed. One thread at a time, and whoever comes last empties the
 * queue: when a call to the record returns, what it queued is told, so
 * that a handler's result lines are out before the session's summary. */
static void tell_sink(struct handler *handler)
{
    const struct sink *sink = sink_of(handler);
    struct session *session = handler->session;
    struct list *entry;
    BOOL changed;

    EnterCriticalSection(&handler->tell_cs);
    if (!handler->tell_depth++) handler->tell_owner = GetCurrentThreadId();
    for (;;)
    {
        EnterCriticalSection(&handler->cs);
        changed = FALSE;
        if ((entry = list_head(&handler->events))) list_remove(entry);
        else
        {
            changed = handler->changed;
            handler->changed = FALSE;
        }
        LeaveCriticalSection(&handler->cs);
        if (!entry) break;
        tell(handler, LIST_ENTRY(entry, struct event, entry));
        free_event(LIST_ENTRY(entry, struct event, entry));
    }
    if (changed && sink->ops->changed) sink->ops->changed(session);
    if (!--handler->tell_depth) handler->tell_owner = 0;
    LeaveCriticalSection(&handler->tell_cs);
}

static void handler_changed_locked(struct handler *handler);
static void handler_state_changed_locked(struct handler *handler);
static void handler_free_item_icons(struct handler *handler);
static struct item *handler_find_item_locked(struct handler *handler, const GUID *id);
static void handler_fail_locked(struct handler *handler, HRESULT hr, const WCHAR *message,
        BOOL show_code);

/* A thread that faulted while it told the sink (see handler_drop_lock). */
static void drop_tell_lock(struct handler *handler)
{
    unsigned int depth;

    if (handler->tell_owner != GetCurrentThreadId()) return;
    ERR("%s: the faulting thread was telling the sink; released.\n",
        debugstr_w(handler->id.str));
    depth = handler->tell_depth;
    handler->tell_depth = 0;
    handler->tell_owner = 0;
    while (depth--) LeaveCriticalSection(&handler->tell_cs);
}

/* The crash guard ends a thread of ours that faulted: if that happened in
 * the manager's own code while the thread held its handler's lock, the lock
 * is released first. Only the owner writes its ID in lock_owner. */
void handler_drop_lock(struct handler *handler)
{
    unsigned int depth;

    drop_tell_lock(handler);
    if (handler->lock_owner != GetCurrentThreadId()) return;
    ERR("%s: the faulting thread held the handler's lock; released.\n",
        debugstr_w(handler->id.str));
    depth = handler->lock_depth;
    handler->lock_depth = 0;
    handler->lock_owner = 0;
    while (depth--) LeaveCriticalSection(&handler->cs);
}

/* Every record that exists, so that the crash guard can find the handlers
 * of a DLL without knowing of sessions. */
static struct list live_handlers = LIST_INIT(live_handlers);
static CRITICAL_SECTION live_cs;
/* Initialized as Wine's own static sections are; mingw-w64's headers have
 * no room for its name. */
static CRITICAL_SECTION_DEBUG live_cs_debug =
{
    0, 0, &live_cs,
    { &live_cs_debug.ProcessLocksList, &live_cs_debug.ProcessLocksList },
      0, 0, 0, 0, 0
};
static CRITICAL_SECTION live_cs = { &live_cs_debug, -1, 0, 0, 0, 0 };

/* A record still in the list may be on its way out (its last reference
 * gone, not yet unlisted): it is left alone. */
static BOOL addref_unless_dying(struct handler *handler)
{
    LONG ref;

    do
    {
        if (!(ref = handler->refcount)) return FALSE;
    } while (InterlockedCompareExchange(&handler->refcount, ref + 1, ref) != ref);
    return TRUE;
}

/* A crash on a thread of a handler's own, at an address in module: fails
 * every unfinished handler of that DLL (when two share one, there is no
 * telling which the thread worked for). FALSE when none is a handler's. */
BOOL handler_fail_by_module(HMODULE module, HRESULT hr, const WCHAR *message)
{
    struct handler *handler, *batch[16];
    unsigned int i, count;
    BOOL found = FALSE, full;

    /* Failed in batches outside live_cs, since failing tells the sink; the
     * records are read under their bare sections, which tell nothing. */
    do
    {
        count = 0;
        full = FALSE;
        EnterCriticalSection(&live_cs);
        LIST_FOR_EACH_ENTRY(handler, &live_handlers, struct handler, live_entry)
        {
            BOOL mine, unfinished;

            EnterCriticalSection(&handler->cs);
            mine = handler->module == module;
            unfinished = !handler->finished;
            LeaveCriticalSection(&handler->cs);
            if (!mine) continue;
            found = TRUE;
            if (!unfinished) continue;
            if (count == ARRAYSIZE(batch))
            {
                full = TRUE;
                break;
            }
            if (addref_unless_dying(handler)) batch[count++] = handler;
        }
        LeaveCriticalSection(&live_cs);
        for (i = 0; i < count; i++)
        {
            handler_fail(batch[i], hr, message);
            handler_release(batch[i]);
        }
    } while (full);
    return found;
}

/* A record for a registered handler; one of the other architecture is run
 * by a worker (worker.c), and its record only mirrors what the worker says. */
struct handler *handler_create(struct session *session, const struct registration *reg)
{
    struct handler *handler;

    if (!(handler = calloc(1, sizeof(*handler)))) return NULL;
    if (!(handler->completion_event = CreateEventW(NULL, FALSE, FALSE, NULL))
            || !(handler->control_event = CreateEventW(NULL, FALSE, FALSE, NULL)))
    {
        if (handler->completion_event) CloseHandle(handler->completion_event);
        free(handler);
        return NULL;
    }
    handler->refcount = 1;
    handler->session = session;
    session_addref(session);
    handler->id.clsid = reg->clsid;
    guid_to_string(&reg->clsid, handler->id.str);
    lstrcpynW(handler->server, reg->server, ARRAYSIZE(handler->server));
    handler->single_threaded = reg->single_threaded;
    handler->remote = reg->other_arch;
    handler->register_flags = reg->register_flags;
    InitializeCriticalSection(&handler->cs);
    InitializeCriticalSection(&handler->tell_cs);
    list_init(&handler->events);
    EnterCriticalSection(&live_cs);
    list_add_head(&live_handlers, &handler->live_entry);
    LeaveCriticalSection(&live_cs);
    return handler;
}

void handler_addref(struct handler *handler)
{
    InterlockedIncrement(&handler->refcount);
}

void handler_release(struct handler *handler)
{
    struct list *entry;
    unsigned int i;

    if (InterlockedDecrement(&handler->refcount)) return;
    TRACE("%s destroyed.\n", debugstr_w(handler->id.str));
    EnterCriticalSection(&live_cs);
    list_remove(&handler->live_entry);
    LeaveCriticalSection(&live_cs);
    /* Told by whoever queued them, unless a crash took that thread. */
    while ((entry = list_head(&handler->events)))
    {
        list_remove(entry);
        free_event(LIST_ENTRY(entry, struct event, entry));
    }
    DeleteCriticalSection(&handler->cs);
    DeleteCriticalSection(&handler->tell_cs);
    CloseHandle(handler->completion_event);
    CloseHandle(handler->control_event);
    if (handler->thread) CloseHandle(handler->thread);
    if (handler->icon) DestroyIcon(handler->icon);
    handler_free_item_icons(handler);
    free_items(handler->items, handler->item_count);
    free(handler->sorted);
    for (i = 0; i < handler->log_count; i++) free(handler->log[i].text);
    free(handler->log);
    free(handler->retry_items);
    session_release(handler->session);
    free(handler);
}

const CLSID *handler_clsid(const struct handler *handler)
{
    return &handler->id.clsid;
}

const WCHAR *handler_clsid_str(const struct handler *handler)
{
    return handler->id.str;
}

struct session *handler_session(const struct handler *handler)
{
    return handler->session;
}

/* The handler's DLL, from its InprocServer32, and whether it lives only in
 * the main apartment (no ThreadingModel): read once, before it runs. */
const WCHAR *handler_server(const struct handler *handler)
{
    return handler->server;
}

BOOL handler_single_threaded(const struct handler *handler)
{
    return handler->single_threaded;
}

/* Run by the other architecture's worker. */
BOOL handler_remote(const struct handler *handler)
{
    return handler->remote;
}

DWORD handler_register_flags(const struct handler *handler)
{
    return handler->register_flags;
}

HANDLE handler_completion_event(const struct handler *handler)
{
    return handler->completion_event;
}

HANDLE handler_control_event(const struct handler *handler)
{
    return handler->control_event;
}

void handler_set_name(struct handler *handler, const WCHAR *name)
{
    lock(handler);
    if (!handler->finished)
    {
        copy_name(handler->name, name, ARRAYSIZE(handler->name));
        if (!handler->name[0]) wcscpy(handler->name, handler->id.str);
        if (SINK_WANTS(handler, name)) queue_text_locked(handler, EVENT_NAME, 0, handler->name);
        handler_changed_locked(handler);
    }
    unlock(handler);
}

/* The handler's icon, the record's own (for the dialogs). */
void handler_set_icon(struct handler *handler, HICON icon)
{
    lock(handler);
    if (handler->icon) DestroyIcon(handler->icon);
    handler->icon = icon;
    if (SINK_WANTS(handler, icon)) queue_icon_locked(handler, EVENT_ICON, 0, icon);
    handler_changed_locked(handler);
    unlock(handler);
    TRACE("%s: icon %p.\n", debugstr_w(handler->id.str), icon);
}

void handler_set_module(struct handler *handler, HMODULE module)
{
    lock(handler);
    handler->module = module;
    unlock(handler);
}

BOOL handler_finished(struct handler *handler)
{
    BOOL ret;

    lock(handler);
    ret = handler->finished;
    unlock(handler);
    return ret;
}

/* The time limit is over: the handler is failed and its thread left alone. */
static void give_up_locked(struct handler *handler)
{
    struct session *session = handler->session;
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), IDS_TIMED_OUT, session->options.timeout);
    WARN("%s timed out.\n", debugstr_w(handler->id.str));
    handler->given_up = TRUE;
    session->gave_up = TRUE;
    handler_fail_locked(handler, HRESULT_FROM_WIN32(ERROR_TIMEOUT), message, TRUE);
}

/* A problem that does not stop the handler: a warning line when
 * synchronizing; listing has no room for one in its format. */
void handler_warn(struct handler *handler, const WCHAR *text)
{
    WARN("%s: %s\n", debugstr_w(handler->id.str), debugstr_w(text));
    lock(handler);
    if (!handler->finished && SINK_WANTS(handler, warning))
        queue_text_locked(handler, EVENT_WARNING, 0, text);
    unlock(handler);
}

/* The watchdog: past its deadline a handler is given up on; a little
 * before, it is asked to cancel. TRUE while the session waits for it. */
BOOL handler_watch(struct handler *handler, DWORD now, DWORD grace_ms)
{
    BOOL running = FALSE;

    lock(handler);
    /* Waiting for the person in the choice dialog has no time limit, until
     * the person synchronizes or closes it. */
    if (!handler->timed
            && (handler->state == HANDLER_WAITING || handler->state == HANDLER_SHOWING_PROPERTIES))
        running = !handler->finished;
    /* Done, it waits for the progress dialog: its results are in. A worker
     * goes on serving it until the session it works for releases it. */
    else if (!handler->timed && handler->state == HANDLER_DONE)
        running = !handler->finished && handler->session->options.worker;
    else if (!handler->finished)
    {
        if ((LONG)(now - handler->deadline) >= 0) give_up_locked(handler);
        else
        {
            if ((LONG)(now - (handler->deadline - grace_ms)) >= 0 && !handler->cancel_all)
            {
                TRACE("%s: asking it to cancel.\n", debugstr_w(handler->id.str));
                handler->cancel_all = TRUE;
            }
            running = TRUE;
        }
    }
    unlock(handler);
    return running;
}

void handler_set_thread(struct handler *handler, HANDLE thread, DWORD deadline)
{
    lock(handler);
    handler->thread = thread;
    handler->deadline = deadline;
    unlock(handler);
}

/* At the end of a session: waits until the handler's thread has released
 * it, unless it was given up on, at most until its deadline. */
void handler_wait_thread(struct handler *handler)
{
    HANDLE thread;
    LONG left;

    lock(handler);
    thread = handler->given_up ? NULL : handler->thread;
    left = (LONG)(handler->deadline - GetTickCount());
    unlock(handler);
    if (thread && WaitForSingleObject(thread, left > 0 ? left : 0) == WAIT_TIMEOUT)
    {
        WARN("%s is not releasing; given up on.\n", debugstr_w(handler->id.str));
        lock(handler);
        handler->given_up = TRUE;
        handler->session->gave_up = TRUE;
        unlock(handler);
    }
}

/* mobsync /stop: Progress answers S_SYNCMGR_CANCELALL from now on. */
BOOL handler_stop(struct handler *handler)
{
    BOOL asked = FALSE;

    lock(handler);
    if (!handler->finished)
    {
        TRACE("%s: stopping.\n", debugstr_w(handler->id.str));
        handler->cancel_all = TRUE;
        asked = TRUE;
    }
    unlock(handler);
    return asked;
}

/* The sink is told, once the lock is released, that views changed. */
static void handler_changed_locked(struct handler *handler)
{
    handler->generation++;
    if (SINK_WANTS(handler, changed)) handler->changed = TRUE;
}

/* A state the choice dialog shows: a worker tells its session. */
static void handler_state_changed_locked(struct handler *handler)
{
    struct event *event;

    if (SINK_WANTS(handler, state) && (handler->state == HANDLER_WAITING
            || handler->state == HANDLER_SHOWING_PROPERTIES || handler->state == HANDLER_DONE)
            && (event = queue_event_locked(handler, EVENT_STATE)))
        event->value = handler->state;
    handler_changed_locked(handler);
}

/* The handler whose own window EnableModeless let it show: the process's
 * dialogs are disabled meanwhile. One for the process, not per session:
 * the sessions that joined a progress dialog share it. */
static struct handler *modeless_owner;

/* Whether a handler shows its own window now (the dialogs are disabled). */
BOOL handler_modeless_shown(void)
{
    return InterlockedCompareExchangePointer((void **)&modeless_owner, NULL, NULL) != NULL;
}

/* A handler that ends with its window up gives the dialogs back. */
static void handler_modeless_end(struct handler *handler)
{
    InterlockedCompareExchangePointer((void **)&modeless_owner, NULL, handler);
}

/* EnableModeless: TRUE, the handler is about to show a window of its own,
 * and the dialogs are disabled until it says FALSE; one handler at a time,
 * the others are answered S_FALSE meanwhile, as is any where no person can
 * be asked. A worker's handler asks its own process, then the session it
 * works for, whose dialogs decide for both architectures. */
HRESULT handler_enable_modeless(struct handler *handler, BOOL enable)
{
    struct session *session = handler->session;
    struct handler *owner;

    if (!enable)
    {
        owner = InterlockedCompareExchangePointer((void **)&modeless_owner, NULL, handler);
        if (owner != handler) return S_OK;
    }
    else
    {
        if (!(session->options.flags & SYNCMGRFLAG_MAYBOTHERUSER)) return S_FALSE;
        /* Under the lock its end takes too: one that ended holds nothing. */
        lock(handler);
        owner = handler->finished ? NULL
                : InterlockedCompareExchangePointer((void **)&modeless_owner, handler, NULL);
        if (handler->finished || (owner && owner != handler))
        {
            TRACE("%s: ended, or another handler shows its window; S_FALSE.\n",
                  debugstr_w(handler->id.str));
            unlock(handler);
            return S_FALSE;
        }
        unlock(handler);
        /* In a worker, the session's dialogs have the say too. */
        if (sink_of(handler)->ops->ask_modeless
                && sink_of(handler)->ops->ask_modeless(handler->session, &handler->id) != S_OK)
        {
            InterlockedCompareExchangePointer((void **)&modeless_owner, NULL, handler);
            TRACE("%s: the session said no; S_FALSE.\n", debugstr_w(handler->id.str));
            return S_FALSE;
        }
    }
    TRACE("%s: EnableModeless(%d).\n", debugstr_w(handler->id.str), enable);
    lock(handler);
    if (!enable && SINK_WANTS(handler, modeless_end)) queue_event_locked(handler, EVENT_MODELESS);
    handler_changed_locked(handler);
    unlock(handler);
    return S_OK;
}

/* SYNCMGRHANDLER_* from GetHandlerInfo, or from the worker. */
void handler_set_flags(struct handler *handler, DWORD flags)
{
    lock(handler);
    if (!handler->finished)
    {
        handler->flags = flags;
        struct event *event;

        if (SINK_WANTS(handler, flags) && (event = queue_event_locked(handler, EVENT_FLAGS)))
            event->value = flags;
        handler_changed_locked(handler);
    }
    unlock(handler);
}

static void free_icons(HICON *icons, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++) if (icons[i]) DestroyIcon(icons[i]);
    free(icons);
}

/* The distinct icons of the items, copies the record takes; the items that
 * come with the next table index them. */
void handler_set_item_icons(struct handler *handler, HICON *icons, unsigned int count)
{
    unsigned int i;

    lock(handler);
    if (handler->finished)
    {
        unlock(handler);
        free_icons(icons, count);
        return;
    }
    free_icons(handler->item_icons, handler->item_icon_count);
    handler->item_icons = icons;
    handler->item_icon_count = count;
    if (SINK_WANTS(handler, item_icon))
        for (i = 0; i < count; i++) queue_icon_locked(handler, EVENT_ITEM_ICON, i, icons[i]);
    unlock(handler);
}

/* One icon a worker sent, at its place in the table. */
void handler_set_item_icon(struct handler *handler, unsigned int index, HICON icon)
{
    HICON *icons;

    lock(handler);
    if (index >= MAX_ITEM_ICONS || handler->finished) goto done;
    if (index >= handler->item_icon_count)
    {
        if (!(icons = realloc(handler->item_icons, (index + 1) * sizeof(*icons)))) goto done;
        memset(icons + handler->item_icon_count, 0,
               (index + 1 - handler->item_icon_count) * sizeof(*icons));
        handler->item_icons = icons;
        handler->item_icon_count = index + 1;
    }
    if (handler->item_icons[index]) DestroyIcon(handler->item_icons[index]);
    handler->item_icons[index] = icon;
    icon = NULL;
    handler_changed_locked(handler);
done:
    unlock(handler);
    if (icon) DestroyIcon(icon);
}

static void handler_free_item_icons(struct handler *handler)
{
    free_icons(handler->item_icons, handler->item_icon_count);
    handler->item_icons = NULL;
    handler->item_icon_count = 0;
}

/* What a worker says its handler's thread is doing, for the dialog. */
void handler_set_remote_state(struct handler *handler, enum handler_state state)
{
    if (state != HANDLER_WAITING && state != HANDLER_SHOWING_PROPERTIES && state != HANDLER_DONE)
        return;
    lock(handler);
    /* Waiting for the person has no time limit: only a session that still
     * chooses has one to wait for. */
    if (state != HANDLER_DONE && handler->session->options.mode != MODE_CHOOSE)
        WARN("%s: state %u while synchronizing; ignored.\n", debugstr_w(handler->id.str), state);
    else if (!handler->finished)
    {
        handler->state = state;
        /* Done, the worker's handler waits for the dialog, untimed. */
        if (state == HANDLER_DONE) handler->timed = FALSE;
        handler_changed_locked(handler);
    }
    unlock(handler);
}

/* Whether the handler takes the command now: not once it is finished, nor
 * Synchronize once it is done; Properties and ShowError only while it is
 * free for them. */
static BOOL command_allowed_locked(const struct handler *handler,
        const struct handler_command *command)
{
    if (handler->finished) return FALSE;
    if (command->kind == COMMAND_SYNC && handler->state == HANDLER_DONE) return FALSE;
    if (command->kind == COMMAND_PROPERTIES
            && (handler->state != HANDLER_WAITING || handler->command.kind != COMMAND_NONE))
    {
        WARN("%s: busy (state %u); Properties not asked.\n", debugstr_w(handler->id.str),
             handler->state);
        return FALSE;
    }
    if (command->kind == COMMAND_SHOW_ERROR
            && (handler->state != HANDLER_DONE || handler->command.kind != COMMAND_NONE))
    {
        WARN("%s: busy (state %u); ShowError not asked.\n", debugstr_w(handler->id.str),
             handler->state);
        return FALSE;
    }
    return TRUE;
}

/* Leaves a command for the handler's thread. Properties only while it waits
 * for one; Synchronize and Close replace what it has not taken yet, and
 * Synchronize starts its time limit. FALSE when the handler takes none. */
BOOL handler_post_command(struct handler *handler, const struct handler_command *command)
{
    struct session *session = handler->session;
    BOOL ret = FALSE;

    lock(handler);
    if (command_allowed_locked(handler, command))
    {
        TRACE("%s: command %u.\n", debugstr_w(handler->id.str), command->kind);
        /* A worker's handler: the session sends the command on, and this
         * record waits as long as the worker's own clock, and a little more. */
        if (!handler->remote) handler->command = *command;
        if (command->kind == COMMAND_SYNC || command->kind == COMMAND_RELEASE
                || command->kind == COMMAND_SHOW_ERROR)
        {
            handler->deadline = GetTickCount() + session->timeout_ms
                    + (handler->remote ? WORKER_MARGIN : 0);
            handler->timed = TRUE;
        }
        if (command->kind == COMMAND_PROPERTIES)
        {
            /* Busy from now on for the dialog, until the completion. */
            handler->state = HANDLER_SHOWING_PROPERTIES;
            handler_changed_locked(handler);
        }
        if (command->kind == COMMAND_SHOW_ERROR)
        {
            /* At work again, with the time limit, until it is done again. */
            handler->state = HANDLER_SHOWING_ERROR;
            handler_changed_locked(handler);
        }
        SetEvent(handler->control_event);
        ret = TRUE;
    }
    unlock(handler);
    return ret;
}

/* The handler's thread: the next command, if one is left. Otherwise the
 * handler is waiting from now on (and the dialog is told, once). */
BOOL handler_take_command(struct handler *handler, struct handler_command *command)
{
    BOOL ret = FALSE;

    lock(handler);
    if (handler->command.kind != COMMAND_NONE)
    {
        *command = handler->command;
        handler->command.kind = COMMAND_NONE;
        ret = TRUE;
    }
    else if (handler->state != HANDLER_WAITING && handler->state != HANDLER_DONE && !handler->finished)
    {
        handler->state = HANDLER_WAITING;
        handler_state_changed_locked(handler);
    }
    unlock(handler);
    return ret;
}

static enum view_state view_state_locked(const struct handler *handler)
{
    if (handler->failed) return VIEW_FAILED;
    if (handler->finished) return VIEW_ABSENT;
    if (handler->state == HANDLER_WAITING) return VIEW_READY;
    if (handler->state == HANDLER_SHOWING_PROPERTIES) return VIEW_BUSY;
    if (handler->state == HANDLER_DONE) return VIEW_DONE;
    return VIEW_LOADING;
}

static void copy_item(struct item_view *dst, const struct item *item, unsigned int icon_count)
{
    dst->id = item->id;
    memcpy(dst->name, item->name, sizeof(dst->name));
    dst->checked = item->checked;
    dst->chosen = item->chosen;
    dst->flags = item->flags;
    dst->last_update = item->last_update;
    dst->icon = item->icon < (int)icon_count ? item->icon : -1;
    dst->status = item->status;
    dst->progress = item->progress;
    dst->progress_max = item->progress_max;
    dst->text = copy_string(item->text);
}

/* The log entries, with copies of their texts. */
static BOOL copy_log_locked(const struct handler *handler, struct handler_view *view)
{
    unsigned int i;

    if (!handler->log_count) return TRUE;
    if (!(view->log = calloc(handler->log_count, sizeof(*view->log)))) return FALSE;
    for (i = 0; i < handler->log_count; i++)
    {
        const struct log_entry *entry = &handler->log[i];
        struct log_view *dst = &view->log[view->log_count];

        if (!(dst->text = copy_string(entry->text))) return FALSE;
        dst->level = entry->level;
        dst->flags = entry->flags;
        dst->has_item = entry->has_item;
        dst->id = entry->id;
        dst->item = entry->item;
        view->log_count++;
    }
    return TRUE;
}

/* A copy of what the dialogs show, when it changed since generation; FALSE
 * when it did not (or memory ran out: the dialog tries again next time). */
BOOL handler_view(struct handler *handler, LONG generation, struct handler_view *view)
{
    unsigned int i;

    memset(view, 0, sizeof(*view));
    lock(handler);
    if (handler->generation == generation) goto unchanged;
    view->state = view_state_locked(handler);
    if (handler->item_count && !(view->items = malloc(handler->item_count * sizeof(*view->items))))
        goto unchanged;
    if (handler->item_icon_count
            && !(view->item_icons = calloc(handler->item_icon_count, sizeof(HICON))))
        goto unchanged;
    if (!copy_log_locked(handler, view)) goto unchanged;
    for (i = 0; i < handler->item_count; i++)
        copy_item(&view->items[i], &handler->items[i], handler->item_icon_count);
    view->item_count = handler->item_count;
    for (i = 0; i < handler->item_icon_count; i++)
        view->item_icons[i] = copy_icon(handler->item_icons[i]);
    view->item_icon_count = handler->item_icon_count;
    view->generation = handler->generation;
    lstrcpynW(view->name, handler->name[0] ? handler->name : handler->id.str, ARRAYSIZE(view->name));
    memcpy(view->error, handler->error, sizeof(view->error));
    view->hr = handler->completion_hr;
    view->flags = handler->flags;
    view->done = handler->finished;
    view->log_serial = handler->log_serial;
    view->icon = copy_icon(handler->icon);
    unlock(handler);
    return TRUE;

unchanged:
    unlock(handler);
    handler_view_free(view);
    return FALSE;
}

void handler_view_free(struct handler_view *view)
{
    unsigned int i;

    if (view->icon) DestroyIcon(view->icon);
    free_icons(view->item_icons, view->item_icon_count);
    for (i = 0; i < view->item_count; i++) free(view->items[i].text);
    free(view->items);
    for (i = 0; i < view->log_count; i++) free(view->log[i].text);
    free(view->log);
    memset(view, 0, sizeof(*view));
}

/* Called with the lock held. */
static struct item *handler_find_item_locked(struct handler *handler, const GUID *id)
{
    unsigned int lo = 0, hi = handler->item_count, mid;
    int cmp;

    if (handler->last_item < handler->item_count
            && IsEqualGUID(&handler->items[handler->last_item].id, id))
        return &handler->items[handler->last_item];
    if (!handler->sorted) return NULL;
    while (lo < hi)
    {
        mid = (lo + hi) / 2;
        cmp = memcmp(id, &handler->sorted[mid].id, sizeof(*id));
        if (!cmp)
        {
            handler->last_item = handler->sorted[mid].index;
            return &handler->items[handler->last_item];
        }
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

BOOL handler_has_item(struct handler *handler, const GUID *id)
{
    BOOL ret;

    lock(handler);
    ret = handler_find_item_locked(handler, id) != NULL;
    unlock(handler);
    return ret;
}

unsigned int handler_item_count(struct handler *handler)
{
    unsigned int count;

    lock(handler);
    count = handler->item_count;
    unlock(handler);
    return count;
}

/* Orders by ID, then by place in the enumeration: no shared state, since
 * every handler thread sorts its own items at the same time. */
static int __cdecl compare_keys(const void *a, const void *b)
{
    const struct item_key *ka = a, *kb = b;
    int cmp = memcmp(&ka->id, &kb->id, sizeof(ka->id));

    return cmp ? cmp : (ka->index > kb->index) - (ka->index < kb->index);
}

static void build_keys(struct item_key *keys, const struct item *items, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        keys[i].id = items[i].id;
        keys[i].index = i;
    }
    qsort(keys, count, sizeof(*keys), compare_keys);
}

/* The item table for the sink, its names in the same block. */
static void queue_items_locked(struct handler *handler)
{
    struct item_info *info;
    struct event *event;
    size_t size = 0;
    unsigned int i;
    WCHAR *name;

    for (i = 0; i < handler->item_count; i++) size += wcslen(handler->items[i].name) + 1;
    if (!(event = queue_event_locked(handler, EVENT_ITEMS))) return;
    if (!(info = malloc(handler->item_count * sizeof(*info) + size * sizeof(WCHAR) + 1)))
    {
        WARN("%s: out of memory for %u items; the sink misses them.\n",
             debugstr_w(handler->id.str), handler->item_count);
        list_remove(&event->entry);
        free(event);
        return;
    }
    name = (WCHAR *)(info + handler->item_count);
    for (i = 0; i < handler->item_count; i++)
    {
        const struct item *item = &handler->items[i];

        info[i].id = item->id;
        info[i].name = wcscpy(name, item->name);
        name += wcslen(name) + 1;
        info[i].flags = item->flags;
        info[i].last_update = item->last_update;
        info[i].icon = item->icon;
        info[i].checked = item->checked;
    }
    event->data = info;
    event->count = handler->item_count;
}

/* Takes the items the handler's thread read, in a table nobody else has
 * seen: drops the items whose ID came before (the first of a duplicate
 * stands; sorting finds them in O(n log n)), builds the GUID-ordered index
 * Progress searches, and only then makes the table the handler's. E_ABORT
 * when the handler is finished meanwhile: the table is freed. */
HRESULT handler_set_items(struct handler *handler, struct item *items, unsigned int count)
{
    WCHAR message[256], id_str[39];
    struct item_key *sorted = NULL;
    unsigned int i, j;
    BOOL *drop;

    if (count)
    {
        if (!(sorted = malloc(count * sizeof(*sorted))) || !(drop = calloc(count, sizeof(*drop))))
        {
            free(sorted);
            free(items);
            return E_OUTOFMEMORY;
        }
        build_keys(sorted, items, count);
        for (i = 1; i < count; i++)
        {
            if (!IsEqualGUID(&sorted[i].id, &sorted[i - 1].id)) continue;
            drop[sorted[i].index] = TRUE;
            guid_to_string(&sorted[i].id, id_str);
            format_message(message, ARRAYSIZE(message), IDS_DUPLICATE_ITEM, id_str);
            handler_warn(handler, message);
        }
        for (i = j = 0; i < count; i++) if (!drop[i]) items[j++] = items[i];
        free(drop);
        if (j != count)
        {
            count = j;
            build_keys(sorted, items, count);
        }
    }

    lock(handler);
    if (handler->finished)
    {
        unlock(handler);
        free(items);
        free(sorted);
        return E_ABORT;
    }
    free_items(handler->items, handler->item_count);
    free(handler->sorted);
    handler->items = items;
    handler->sorted = sorted;
    handler->item_count = count;
    handler->last_item = 0;
    if (SINK_WANTS(handler, items)) queue_items_locked(handler);
    handler_changed_locked(handler);
    unlock(handler);
    return S_OK;
}

/* What the choice made of each item: bit 0 checked, bit 1 chosen. */
static void queue_choice_locked(struct handler *handler)
{
    struct event *event;
    unsigned int i;
    BYTE *bits;

    if (!(event = queue_event_locked(handler, EVENT_CHOICE))) return;
    if (!(bits = malloc(max(handler->item_count, 1))))
    {
        list_remove(&event->entry);
        free(event);
        return;
    }
    for (i = 0; i < handler->item_count; i++)
        bits[i] = (handler->items[i].checked ? 1 : 0) | (handler->items[i].chosen ? 2 : 0);
    event->data = bits;
    event->count = handler->item_count;
}

/* Whether /item: named it; then the session knows a handler has it. */
static BOOL item_requested(struct session *session, const GUID *id)
{
    unsigned int i;

    for (i = 0; i < session->options.only_item_count; i++)
    {
        if (!IsEqualGUID(&session->options.only_items[i], id)) continue;
        InterlockedExchange(&session->found_items[i], TRUE);
        return TRUE;
    }
    return FALSE;
}

/* Reads each item's check state as the user left it (or as the handler
 * gave it), and, synchronizing, chooses the checked ones (or those the
 * command line named). Gives the chosen IDs in a new array, and their
 * number; 0 and NULL when none is chosen or memory ran out (*hr). */
unsigned int handler_choose_items(struct handler *handler, SYNCMGRITEMID **ids, HRESULT *hr)
{
    struct session *session = handler->session;
    HKEY settings = open_item_settings(&handler->id.clsid);
    HKEY choice = settings_open_choice(&session->options, &handler->id.clsid);
    unsigned int i, count = 0;

    *ids = NULL;
    *hr = S_OK;
    lock(handler);
    for (i = 0; i < handler->item_count; i++)
    {
        struct item *item = &handler->items[i];

        read_item_state(settings, &item->id, &item->checked);
        /* An event or a schedule: what Synchronization Settings chose. */
        if (session->options.choice_key[0])
            item->checked = settings_chosen(&session->options, choice, &item->id);
        if (session->options.mode != MODE_SYNC) continue;
        if (session->options.only_item_count) item->chosen = item_requested(session, &item->id);
        else item->chosen = item->checked;
        if (item->chosen) count++;
    }
    if (count && !handler->finished)
    {
        if ((*ids = malloc(count * sizeof(**ids))))
        {
            for (i = count = 0; i < handler->item_count; i++)
                if (handler->items[i].chosen) (*ids)[count++] = handler->items[i].id;
        }
        else *hr = E_OUTOFMEMORY;
    }
    if (!*ids) count = 0;
    if (SINK_WANTS(handler, choice) && !handler->finished) queue_choice_locked(handler);
    handler_changed_locked(handler);
    unlock(handler);
    if (settings) RegCloseKey(settings);
    if (choice) RegCloseKey(choice);
    return count;
}

/* What a worker's handler_choose_items made of each item. */
void handler_set_choice(struct handler *handler, const BYTE *choice, unsigned int count)
{
    struct session *session = handler->session;
    unsigned int i;

    lock(handler);
    if (!handler->finished && count == handler->item_count)
    {
        for (i = 0; i < count; i++)
        {
            struct item *item = &handler->items[i];

            item->checked = (choice[i] & 1) != 0;
            item->chosen = (choice[i] & 2) != 0 && session->options.mode == MODE_SYNC;
            if (item->chosen && session->options.only_item_count)
                item_requested(session, &item->id);
        }
    }
    else WARN("%s: choice of %u items for %u; ignored.\n", debugstr_w(handler->id.str), count,
              handler->item_count);
    unlock(handler);
}

/* Skip requests the handler's thread is to pass on with SetItemStatus,
 * at most max at a time; only while PrepareForSync or Synchronize is
 * pending, as the documentation allows. */
unsigned int handler_take_skips(struct handler *handler, SYNCMGRITEMID *ids, unsigned int max)
{
    unsigned int i, count = 0;

    lock(handler);
    if (handler->skips_pending && !handler->finished
            && (handler->state == HANDLER_PREPARING || handler->state == HANDLER_SYNCHRONIZING))
    {
        for (i = 0; i < handler->item_count && count < max; i++)
        {
            struct item *item = &handler->items[i];

            if (!item->skip || item->skip_sent) continue;
            item->skip_sent = TRUE;
            ids[count++] = item->id;
            handler->skips_pending--;
        }
    }
    unlock(handler);
    return count;
}

/* mobsync /skip: taken for an item chosen for this session that has no
 * result yet, from the moment its handler is asked to prepare until it
 * completes Synchronize. */
BOOL handler_skip_item(struct handler *handler, const GUID *id)
{
    struct item *item;
    BOOL taken = FALSE;

    lock(handler);
    if (!handler->finished && (handler->state == HANDLER_PREPARING
            || handler->state == HANDLER_PREPARED || handler->state == HANDLER_SYNCHRONIZING)
            && (item = handler_find_item_locked(handler, id)) && item->chosen && !is_final(item->status)
            && !item->skip)
    {
        TRACE("%s: skipping %s.\n", debugstr_w(handler->id.str), debugstr_guid(id));
        item->skip = TRUE;
        item->cancel = TRUE;
        handler->skips_pending++;
        SetEvent(handler->control_event);
        taken = TRUE;
    }
    unlock(handler);
    return taken;
}

/* /list: the handler's lines from item first on, LIST_BATCH at most, or
 * its error line; with /arch, each says in which architecture the handler
 * runs. Gives the item to go on from, 0 once every line is there: a
 * handler's 100,000 lines are not held at once. */
unsigned int handler_list(struct handler *handler, struct text *text, unsigned int first)
{
    const WCHAR *arch = NULL;
    unsigned int i, end, next = 0;

    if (handler->session->options.show_arch)
        arch = (sizeof(void *) == 8) != handler->remote ? L"64-bit" : L"32-bit";
    lock(handler);
    if (handler->failed)
    {
        if (!first) report_list_error(text, handler->id.str, handler->completion_hr, handler->error, arch);
    }
    else if (!handler->skipped)
    {
        end = min(handler->item_count, first + LIST_BATCH);
        for (i = first; i < end; i++)
        {
            report_list_item(text, handler->id.str, &handler->items[i].id,
                             handler->items[i].checked, handler->name, handler->items[i].name, arch);
        }
        if (end < handler->item_count) next = end;
    }
    unlock(handler);
    return next;
}

/* The statuses and progress of the items a worker's handler reported, at
 * most a few times a second however often it called Progress. */
void handler_set_progress(struct handler *handler, const struct item_progress *progress,
        unsigned int count)
{
    unsigned int i;

    lock(handler);
    for (i = 0; i < count && !handler->finished; i++)
    {
        struct item *item;

        if (progress[i].index >= handler->item_count) continue;
        item = &handler->items[progress[i].index];
        item->status = progress[i].status;
        item->progress = progress[i].value;
        item->progress_max = progress[i].max;
        TRACE("%s: item %s: status %lu, progress %d of %d.\n", debugstr_w(handler->id.str),
              debugstr_guid(&item->id), item->status, item->progress, item->progress_max);
    }
    /* The progress dialog looks at its pace. */
    handler->generation++;
    unlock(handler);
}

/* Every item's status as the worker settled it when its handler ended. */
void handler_set_statuses(struct handler *handler, const DWORD *statuses, unsigned int count)
{
    unsigned int i;

    lock(handler);
    if (!handler->finished && count == handler->item_count)
        for (i = 0; i < count; i++) handler->items[i].status = statuses[i];
    unlock(handler);
}

/* The status texts that changed, then the statuses and progress values
 * that did, in one event however many Progress calls made them: a worker's
 * handler reporting a hundred thousand times costs its session a few
 * messages. */
static void queue_progress_locked(struct handler *handler)
{
    struct item_progress *progress;
    struct event *event;
    unsigned int i, count = 0;

    if (!handler->dirty) return;
    handler->dirty = FALSE;
    if (SINK_WANTS(handler, text))
    {
        for (i = 0; i < handler->item_count; i++)
        {
            if (!handler->items[i].text_dirty) continue;
            handler->items[i].text_dirty = FALSE;
            queue_text_locked(handler, EVENT_TEXT, i,
                              handler->items[i].text ? handler->items[i].text : L"");
        }
    }
    if (!SINK_WANTS(handler, progress)) return;
    for (i = 0; i < handler->item_count; i++) if (handler->items[i].dirty) count++;
    if (!count || !(event = queue_event_locked(handler, EVENT_PROGRESS))) return;
    if (!(progress = malloc(count * sizeof(*progress))))
    {
        list_remove(&event->entry);
        free(event);
        return;
    }
    for (i = count = 0; i < handler->item_count; i++)
    {
        struct item *item = &handler->items[i];

        if (!item->dirty) continue;
        item->dirty = FALSE;
        progress[count].index = i;
        progress[count].status = item->status;
        progress[count].value = item->progress;
        progress[count].max = item->progress_max;
        count++;
    }
    event->data = progress;
    event->count = count;
}

/* What changed since last time, for a sink that follows progress (a
 * worker's relay), at the watchdog's pace. */
void handler_tell_progress(struct handler *handler)
{
    /* The watchdog calls this for every session: the console follows no
     * progress, and takes no lock for it. */
    if (!SINK_WANTS(handler, progress) && !SINK_WANTS(handler, text)) return;
    lock(handler);
    if (!handler->finished) queue_progress_locked(handler);
    unlock(handler);
}

/* The item's status text, when it changed: the progress dialog shows it. */
static void set_text_locked(struct handler *handler, struct item *item, const WCHAR *text)
{
    WCHAR *copy;

    if (item->text ? !wcscmp(item->text, text) : !text[0]) return;
    if (!text[0]) copy = NULL;
    else if (!(copy = malloc((wcslen(text) + 1) * sizeof(WCHAR)))) return;
    else wcscpy(copy, text);
    free(item->text);
    item->text = copy;
    item->text_dirty = item->dirty = handler->dirty = TRUE;
}

/* What a worker's handler reported as an item's status text. */
void handler_set_text(struct handler *handler, unsigned int index, const WCHAR *text)
{
    lock(handler);
    if (!handler->finished && index < handler->item_count)
    {
        set_text_locked(handler, &handler->items[index], text);
        handler->generation++;
    }
    unlock(handler);
}

/* Progress, with the manager's copies of the ID, the report and its text
 * (NULL when it has none). */
HRESULT handler_progress(struct handler *handler, const GUID *id, const SYNCMGRPROGRESSITEM *progress,
        const WCHAR *text)
{
    DWORD mask = progress->mask;
    struct item *item;
    HRESULT ret;

    lock(handler);
    if (handler->finished || handler->state == HANDLER_RELEASED)
        ret = E_UNEXPECTED;
    else if (!(item = handler_find_item_locked(handler, id)))
    {
        WARN("%s: Progress for unknown item %s.\n", debugstr_w(handler->id.str),
             debugstr_guid(id));
        ret = E_INVALIDARG;
    }
    else
    {
        /* A final status sticks: later reports cannot undo a result. */
        if ((mask & SYNCMGRPROGRESSITEM_STATUSTYPE) && item->chosen && !is_final(item->status)
                && item->status != progress->dwStatusType)
        {
            item->status = progress->dwStatusType;
            item->dirty = handler->dirty = TRUE;
        }
        if ((mask & SYNCMGRPROGRESSITEM_PROGVALUE) && item->progress != progress->iProgValue)
        {
            item->progress = progress->iProgValue;
            item->dirty = handler->dirty = TRUE;
        }
        if ((mask & SYNCMGRPROGRESSITEM_MAXVALUE) && item->progress_max != progress->iMaxValue)
        {
            item->progress_max = progress->iMaxValue;
            item->dirty = handler->dirty = TRUE;
        }
        if (text) set_text_locked(handler, item, text);
        /* The progress dialog looks at its pace, not at every call. */
        handler->generation++;
        if (handler->cancel_all) ret = S_SYNCMGR_CANCELALL;
        else if (item->cancel) ret = S_SYNCMGR_CANCELITEM;
        else ret = S_OK;
    }
    unlock(handler);
    return ret;
}

/* Most entries a handler's log keeps for the progress dialog; the lines of
 * those beyond are still written. */
#define MAX_LOG_ENTRIES 10000

/* LogError, with the manager's copies: its line, and the entry kept, with
 * its text, for the progress dialog's Results and for ShowError. */
HRESULT handler_log_error(struct handler *handler, DWORD level, const WCHAR *text,
        const struct log_entry *entry)
{
    struct log_entry *log;
    struct event *event;
    unsigned int size;

    lock(handler);
    if (handler->finished || handler->state == HANDLER_RELEASED)
    {
        unlock(handler);
        return E_UNEXPECTED;
    }
    if (handler->log_count == handler->log_size && handler->log_size < MAX_LOG_ENTRIES)
    {
        size = min(MAX_LOG_ENTRIES, max(16, handler->log_size * 2));
        if ((log = realloc(handler->log, size * sizeof(*log))))
        {
            handler->log = log;
            handler->log_size = size;
        }
    }
    if (handler->log_count < handler->log_size)
    {
        log = &handler->log[handler->log_count];
        *log = *entry;
        log->level = level;
        if ((log->text = malloc((wcslen(text) + 1) * sizeof(WCHAR))))
        {
            wcscpy(log->text, text);
            handler->log_count++;
            handler->log_serial++;
        }
    }
    if (SINK_WANTS(handler, log) && (event = queue_event_locked(handler, EVENT_LOG)))
    {
        event->value = level;
        event->log = *entry;
        event->log.level = level;
        if (!(event->log.text = copy_string(text)))
        {
            list_remove(&event->entry);
            free(event);
        }
    }
    handler_changed_locked(handler);
    unlock(handler);
    return S_OK;
}

/* DeleteLogError; GUID_NULL deletes all of this handler's entries. */
void handler_delete_log_error(struct handler *handler, const GUID *id)
{
    struct event *event;
    unsigned int i, j;

    lock(handler);
    if (!handler->finished)
    {
        for (i = j = 0; i < handler->log_count; i++)
        {
            if (IsEqualGUID(id, &GUID_NULL) || IsEqualGUID(id, &handler->log[i].id))
            {
                free(handler->log[i].text);
                continue;
            }
            handler->log[j++] = handler->log[i];
        }
        handler->log_count = j;
        handler->log_serial++;
        if (SINK_WANTS(handler, delete_log)
                && (event = queue_event_locked(handler, EVENT_DELETE_LOG)))
            event->id = *id;
        handler_changed_locked(handler);
    }
    unlock(handler);
}

/* Takes out of the log the next error that has details to show
 * (/showerrors); FALSE when there is none. */
BOOL handler_next_error(struct handler *handler, SYNCMGRERRORID *id)
{
    unsigned int i;
    BOOL found = FALSE;

    lock(handler);
    for (i = 0; i < handler->log_count; i++)
        if ((handler->log[i].flags & SYNCMGRERRORFLAG_ENABLEJUMPTEXT)
                && !IsEqualGUID(&handler->log[i].id, &GUID_NULL))
            break;
    if (i < handler->log_count && !handler->finished)
    {
        *id = handler->log[i].id;
        free(handler->log[i].text);
        memmove(&handler->log[i], &handler->log[i + 1], (handler->log_count - i - 1)
                * sizeof(*handler->log));
        handler->log_count--;
        found = TRUE;
    }
    unlock(handler);
    return found;
}

/* Whether the handler asked for a retry and has items to retry. */
BOOL handler_wants_retry(struct handler *handler)
{
    BOOL ret;

    lock(handler);
    ret = handler->completion_hr == S_SYNCMGR_RETRYSYNC && handler->retry_count;
    unlock(handler);
    return ret;
}

/* The items to synchronize again: exactly those the handler named that it
 * has, chosen and not skipped, each once, never more than capacity. */
ULONG handler_take_retry(struct handler *handler, SYNCMGRITEMID *ids, ULONG capacity)
{
    ULONG i, j, count = 0;
    struct item *item;

    lock(handler);
    for (i = 0; i < handler->retry_count && count < capacity && !handler->finished; i++)
    {
        if (!(item = handler_find_item_locked(handler, &handler->retry_items[i])) || !item->chosen || item->skip)
            continue;
        for (j = 0; j < count; j++) if (IsEqualGUID(&ids[j], &item->id)) break;
        if (j < count) continue;
        TRACE("%s: retrying %s.\n", debugstr_w(handler->id.str), debugstr_guid(&item->id));
        item->status = SYNCMGRSTATUS_PENDING;
        item->dirty = handler->dirty = TRUE;
        ids[count++] = item->id;
    }
    unlock(handler);
    return count;
}

/* A call to the handler starts (or ends) that is completed through the
 * callback. */
void handler_set_state(struct handler *handler, enum handler_state state)
{
    lock(handler);
    handler->state = state;
    ResetEvent(handler->completion_event);
    handler_state_changed_locked(handler);
    unlock(handler);
}

HRESULT handler_completion_hr(struct handler *handler)
{
    HRESULT hr;

    lock(handler);
    hr = handler->completion_hr;
    unlock(handler);
    return hr;
}

/* Ends a begin/complete pair: only when that call is outstanding. */
HRESULT handler_complete(struct handler *handler, enum handler_state pending,
        enum handler_state next, HRESULT hr, const char *what)
{
    HRESULT ret = S_OK;

    lock(handler);
    if (handler->state != pending || handler->finished)
    {
        WARN("%s: %s(%#lx) out of turn (state %u); ignored.\n", debugstr_w(handler->id.str),
             what, hr, handler->state);
        ret = E_UNEXPECTED;
    }
    else
    {
        handler->state = next;
        handler->completion_hr = hr;
        SetEvent(handler->completion_event);
        handler_state_changed_locked(handler);
    }
    unlock(handler);
    return ret;
}

/* ShowErrorCompleted: takes the manager's copy of the items to retry. */
HRESULT handler_complete_show_error(struct handler *handler, HRESULT hr, SYNCMGRITEMID *ids,
        ULONG count)
{
    HRESULT ret = S_OK;

    lock(handler);
    if (handler->state != HANDLER_SHOWING_ERROR || handler->finished)
    {
        WARN("%s: ShowErrorCompleted out of turn; ignored.\n", debugstr_w(handler->id.str));
        ret = E_UNEXPECTED;
    }
    else
    {
        free(handler->retry_items);
        handler->retry_items = ids;
        handler->retry_count = ids ? count : 0;
        ids = NULL;
        handler->state = HANDLER_SYNCHRONIZED;
        handler->completion_hr = hr;
        SetEvent(handler->completion_event);
    }
    unlock(handler);
    free(ids);
    return ret;
}

/* Gives every chosen item without a result its final status: default_status
 * for those the handler left without one. An item someone skipped is
 * skipped, unless the handler said otherwise: it may have finished it
 * first. */
static void settle_locked(struct handler *handler, DWORD default_status)
{
    unsigned int i;

    for (i = 0; i < handler->item_count; i++)
    {
        struct item *item = &handler->items[i];

        if (!item->chosen || item->reported || is_final(item->status)) continue;
        item->status = item->skip ? SYNCMGRSTATUS_SKIPPED : default_status;
    }
}

/* The END event: how the handler ended, every item's status, and the
 * result line of each chosen item not given one yet (after the error line
 * when it failed, which the sink writes), all in one block. */
static void queue_end_locked(struct handler *handler, DWORD default_status, HRESULT hr,
        const WCHAR *message, BOOL show_code)
{
    struct session *session = handler->session;
    struct event *event = &handler->end_event;
    unsigned int i, count = 0;
    struct item_result *results;
    DWORD *statuses;
    size_t size = 0;
    WCHAR *name;

    for (i = 0; session->options.mode == MODE_SYNC && i < handler->item_count; i++)
    {
        if (!handler->items[i].chosen || handler->items[i].reported) continue;
        size += wcslen(handler->items[i].name) + 1;
        count++;
    }
    event->kind = EVENT_END;
    event->end.hr = hr;
    event->end.show_code = show_code;
    event->end.default_status = default_status;
    event->end.skipped = handler->skipped;
    if (message && !(event->text = copy_string(message))) event->text = no_message;
    event->end.message = event->text;
    /* Without memory for them the lines are lost, never the counts. */
    if (!(event->data = malloc(handler->item_count * sizeof(*statuses) + count * sizeof(*results)
            + size * sizeof(WCHAR) + 1)))
        WARN("%s: out of memory for the results of %u items.\n", debugstr_w(handler->id.str),
             handler->item_count);
    results = event->data;
    statuses = results ? (DWORD *)(results + count) : NULL;
    name = statuses ? (WCHAR *)(statuses + handler->item_count) : NULL;
    for (i = 0, count = 0; i < handler->item_count; i++)
    {
        struct item *item = &handler->items[i];

        if (statuses) statuses[i] = item->status;
        if (session->options.mode != MODE_SYNC || !item->chosen || item->reported) continue;
        item->reported = TRUE;
        if (item->status == SYNCMGRSTATUS_SUCCEEDED) InterlockedIncrement(&session->succeeded);
        else if (item->status == SYNCMGRSTATUS_SKIPPED) InterlockedIncrement(&session->skipped);
        else InterlockedIncrement(&session->failed);
        if (!results) continue;
        results[count].id = item->id;
        results[count].status = item->status;
        results[count].name = wcscpy(name, item->name);
        name += wcslen(name) + 1;
        count++;
    }
    if (results)
    {
        event->end.statuses = statuses;
        event->end.count = handler->item_count;
        event->end.results = results;
        event->end.result_count = count;
    }
    list_add_tail(&handler->events, &event->entry);
}

/* Marks the handler finished; its sink is told how it ended, after what
 * its items last reported. */
static void end_locked(struct handler *handler, DWORD default_status, HRESULT hr,
        const WCHAR *message, BOOL show_code)
{
    struct session *session = handler->session;

    handler->finished = TRUE;
    /* One that ends with its window up gives the dialogs back. */
    handler_modeless_end(handler);
    TRACE("%s: %s (%#lx).\n", debugstr_w(handler->id.str), message ? "failed" : "finished",
          message ? (DWORD)hr : default_status);
    if (session->options.mode == MODE_SYNC) settle_locked(handler, default_status);
    if (message && (session->options.mode == MODE_LIST || session->options.mode == MODE_CHOOSE))
        lstrcpynW(handler->error, message, ARRAYSIZE(handler->error));
    queue_progress_locked(handler);
    queue_end_locked(handler, default_status, hr, message, show_code);
    handler_changed_locked(handler);
    SetEvent(session->finished_event);
}

static void finish_locked(struct handler *handler, DWORD default_status)
{
    if (!handler->finished) end_locked(handler, default_status, S_OK, NULL, FALSE);
}

void handler_finish(struct handler *handler, DWORD default_status)
{
    lock(handler);
    finish_locked(handler, default_status);
    unlock(handler);
}

/* The progress dialog keeps the handler: its items' results are in and
 * shown, and it waits for ShowError or the dialog's closing; its lines are
 * written and counted when it is released (handler_finish). */
void handler_done(struct handler *handler, DWORD default_status)
{
    lock(handler);
    if (!handler->finished)
    {
        settle_locked(handler, default_status);
        handler->default_status = default_status;
        handler->dirty = TRUE;
        handler->timed = FALSE;
        handler->state = HANDLER_DONE;
        handler_state_changed_locked(handler);
    }
    unlock(handler);
}

DWORD handler_default_status(struct handler *handler)
{
    DWORD status;

    lock(handler);
    status = handler->default_status ? handler->default_status : SYNCMGRSTATUS_SUCCEEDED;
    unlock(handler);
    return status;
}

/* Initialize returned S_FALSE: the handler does not take part. */
void handler_skip(struct handler *handler)
{
    lock(handler);
    if (!handler->finished) handler->skipped = TRUE;
    finish_locked(handler, SYNCMGRSTATUS_SKIPPED);
    unlock(handler);
}

/* The error line (or, listing, the error kept for its place in CLSID
 * order), one count, and the unfinished items fail. */
static void handler_fail_locked(struct handler *handler, HRESULT hr, const WCHAR *message, BOOL show_code)
{
    if (handler->finished) return;
    handler->failed = TRUE;
    handler->cancel_all = TRUE;
    handler->completion_hr = hr;
    InterlockedIncrement(&handler->session->errors);
    end_locked(handler, SYNCMGRSTATUS_FAILED, hr, message, show_code);
}

/* The handler could not be used, crashed, broke the rules or ran out of
 * time: an error line with the code, and its unfinished items fail. */
void handler_fail(struct handler *handler, HRESULT hr, const WCHAR *message)
{
    lock(handler);
    handler_fail_locked(handler, hr, message, TRUE);
    unlock(handler);
}

/* A failure its worker reported, as the worker's own record said it. */
void handler_fail_relayed(struct handler *handler, HRESULT hr, const WCHAR *message, BOOL show_code)
{
    lock(handler);
    handler_fail_locked(handler, hr, message, show_code);
    unlock(handler);
}

/* A call that makes the handler's chosen items fail; the message names the
 * call and its code. */
void handler_fail_call(struct handler *handler, UINT message_id, HRESULT hr)
{
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), message_id, hr);
    lock(handler);
    handler_fail_locked(handler, hr, message, FALSE);
    unlock(handler);
}

/* Whether the session's sink follows the calls between the manager and
 * the handler: the callers make no record otherwise. */
BOOL handler_follows_calls(const struct handler *handler)
{
    return SINK_WANTS(handler, call);
}

/* A call between the manager and the handler, once it returned: queued
 * for the sink in order with everything else the record tells. */
void handler_call(struct handler *handler, struct call_record *call)
{
    struct event *event;

    if (!SINK_WANTS(handler, call)) return;
    call->end = GetTickCount();
    call->returned = TRUE;
    lock(handler);
    if ((event = queue_event_locked(handler, EVENT_CALL))) event->call = *call;
    unlock(handler);
}

/* The same as a call into the handler is made: what the handler does
 * before it returns (a completion, Progress) comes after it. */
void handler_call_made(struct handler *handler, struct call_record *call)
{
    struct event *event;

    if (!SINK_WANTS(handler, call)) return;
    lock(handler);
    if ((event = queue_event_locked(handler, EVENT_CALL))) event->call = *call;
    unlock(handler);
}
