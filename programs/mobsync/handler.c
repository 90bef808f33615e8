/*
 * mobsync.exe: a handler's record, and the only code that changes it
 *
 * A handler's state, item table, results and error log are read and
 * changed here only, always under the handler's lock: the handler's
 * thread, the watchdog, the callback, the control window and the crash
 * guard call these functions and never reach into the record. Nothing
 * here reads memory a handler owns; the callers hand over their own
 * copies. Once a handler is finished (done, failed, skipped or given up
 * on), whatever it calls later changes nothing, prints nothing and counts
 * nothing. The record holds a reference on its session, so that a handler
 * given up on keeps its own session (and cookie) alive and never sees
 * another.
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
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

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

    CRITICAL_SECTION cs;   /* everything below */
    volatile DWORD lock_owner; /* the thread that holds cs, for handler_drop_lock */
    unsigned int lock_depth;
    DWORD register_flags;
    WCHAR name[MAX_SYNCMGRHANDLERNAME];
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

static void lock(struct handler *handler)
{
    EnterCriticalSection(&handler->cs);
    if (!handler->lock_depth++) handler->lock_owner = GetCurrentThreadId();
}

static void unlock(struct handler *handler)
{
    if (!--handler->lock_depth) handler->lock_owner = 0;
    LeaveCriticalSection(&handler->cs);
}

/* The crash guard ends a thread of ours that faulted: if that happened in
 * the manager's own code while the thread held its handler's lock, the lock
 * is released first. Only the owner writes its ID in lock_owner. */
void handler_drop_lock(struct handler *handler)
{
    unsigned int depth;

    if (handler->lock_owner != GetCurrentThreadId()) return;
    ERR("%s: the faulting thread held the handler's lock; released.\n",
        debugstr_w(handler->clsid_str));
    depth = handler->lock_depth;
    handler->lock_depth = 0;
    handler->lock_owner = 0;
    while (depth--) LeaveCriticalSection(&handler->cs);
}

struct handler *handler_create(struct session *session, const CLSID *clsid, DWORD flags)
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
    handler->clsid = *clsid;
    guid_to_string(clsid, handler->clsid_str);
    handler->register_flags = flags;
    InitializeCriticalSection(&handler->cs);
    return handler;
}

void handler_addref(struct handler *handler)
{
    InterlockedIncrement(&handler->refcount);
}

void handler_release(struct handler *handler)
{
    if (InterlockedDecrement(&handler->refcount)) return;
    TRACE("%s destroyed.\n", debugstr_w(handler->clsid_str));
    DeleteCriticalSection(&handler->cs);
    CloseHandle(handler->completion_event);
    CloseHandle(handler->control_event);
    if (handler->thread) CloseHandle(handler->thread);
    free(handler->items);
    free(handler->sorted);
    free(handler->log);
    free(handler->retry_items);
    session_release(handler->session);
    free(handler);
}

const CLSID *handler_clsid(const struct handler *handler)
{
    return &handler->clsid;
}

const WCHAR *handler_clsid_str(const struct handler *handler)
{
    return handler->clsid_str;
}

struct session *handler_session(const struct handler *handler)
{
    return handler->session;
}

HANDLE handler_completion_event(const struct handler *handler)
{
    return handler->completion_event;
}

HANDLE handler_control_event(const struct handler *handler)
{
    return handler->control_event;
}

void handler_add_register_flags(struct handler *handler, DWORD flags)
{
    lock(handler);
    handler->register_flags |= flags;
    unlock(handler);
}

void handler_set_name(struct handler *handler, const WCHAR *name)
{
    lock(handler);
    copy_name(handler->name, name, ARRAYSIZE(handler->name));
    if (!handler->name[0]) wcscpy(handler->name, handler->clsid_str);
    unlock(handler);
}

void handler_set_module(struct handler *handler, HMODULE module)
{
    lock(handler);
    handler->module = module;
    unlock(handler);
}

BOOL handler_has_module(struct handler *handler, HMODULE module)
{
    BOOL ret;

    lock(handler);
    ret = handler->module == module;
    unlock(handler);
    return ret;
}

BOOL handler_finished(struct handler *handler)
{
    BOOL ret;

    lock(handler);
    ret = handler->finished;
    unlock(handler);
    return ret;
}

BOOL handler_given_up(struct handler *handler)
{
    BOOL ret;

    lock(handler);
    ret = handler->given_up;
    unlock(handler);
    return ret;
}

/* Called with the lock held. */
static struct item *find_item(struct handler *handler, const GUID *id)
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
    ret = find_item(handler, id) != NULL;
    unlock(handler);
    return ret;
}

static const WCHAR *status_name(DWORD status)
{
    switch (status)
    {
    case SYNCMGRSTATUS_SUCCEEDED: return L"succeeded";
    case SYNCMGRSTATUS_SKIPPED: return L"skipped";
    case SYNCMGRSTATUS_STOPPED: return L"stopped";
    default: return L"failed";
    }
}

/* Prints the result of every chosen item not printed yet, taking
 * default_status for those the handler left without a final status, and
 * marks the handler finished. */
static void finish_locked(struct handler *handler, DWORD default_status)
{
    struct session *session = handler->session;
    struct text text = { 0 };
    WCHAR item_str[39];
    unsigned int i;
    DWORD status;

    if (handler->finished) return;
    handler->finished = TRUE;
    if (session->mode == MODE_SYNC)
    {
        for (i = 0; i < handler->item_count; i++)
        {
            struct item *item = &handler->items[i];

            if (!item->chosen || item->reported) continue;
            item->reported = TRUE;
            /* An item someone skipped is skipped, unless the handler said
             * otherwise: it may have finished it first. */
            if (is_final(item->status)) status = item->status;
            else status = item->skip ? SYNCMGRSTATUS_SKIPPED : default_status;
            if (status == SYNCMGRSTATUS_SUCCEEDED) InterlockedIncrement(&session->succeeded);
            else if (status == SYNCMGRSTATUS_SKIPPED) InterlockedIncrement(&session->skipped);
            else InterlockedIncrement(&session->failed);
            guid_to_string(&item->id, item_str);
            text_append(&text, L"%ls\t%ls\t%ls\t%ls\n", status_name(status), handler->clsid_str,
                        item_str, item->name);
        }
        /* One write for the handler's lines: a write per line costs a
         * round trip to the server under Wine, thousands of them per run. */
        output_text(&text);
    }
    SetEvent(session->finished_event);
}

void handler_finish(struct handler *handler, DWORD default_status)
{
    lock(handler);
    finish_locked(handler, default_status);
    unlock(handler);
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
static void fail_locked(struct handler *handler, HRESULT hr, const WCHAR *message, BOOL show_code)
{
    struct session *session = handler->session;

    if (handler->finished) return;
    handler->failed = TRUE;
    handler->cancel_all = TRUE;
    handler->completion_hr = hr;
    InterlockedIncrement(&session->errors);
    if (session->mode == MODE_LIST)
        lstrcpynW(handler->error, message, ARRAYSIZE(handler->error));
    else if (show_code)
        output_line(L"error\t%ls\t-\t%ls (0x%08lX)", handler->clsid_str, message, hr);
    else
        output_line(L"error\t%ls\t-\t%ls", handler->clsid_str, message);
    finish_locked(handler, SYNCMGRSTATUS_FAILED);
}

/* The handler could not be used, crashed, broke the rules or ran out of
 * time: an error line with the code, and its unfinished items fail. */
void handler_fail(struct handler *handler, HRESULT hr, const WCHAR *message)
{
    lock(handler);
    fail_locked(handler, hr, message, TRUE);
    unlock(handler);
}

/* A call that makes the handler's chosen items fail; the message names the
 * call and its code. */
void handler_fail_call(struct handler *handler, UINT message_id, HRESULT hr)
{
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), message_id, hr);
    lock(handler);
    fail_locked(handler, hr, message, FALSE);
    unlock(handler);
}

/* The time limit is over: the handler is failed and its thread left alone. */
static void give_up_locked(struct handler *handler)
{
    struct session *session = handler->session;
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), IDS_TIMED_OUT, session->timeout);
    WARN("%s timed out.\n", debugstr_w(handler->clsid_str));
    handler->given_up = TRUE;
    session->gave_up = TRUE;
    fail_locked(handler, HRESULT_FROM_WIN32(ERROR_TIMEOUT), message, TRUE);
}

/* A problem that does not stop the handler: a warning line when
 * synchronizing; listing has no room for one in its format. */
void handler_warn(struct handler *handler, const WCHAR *text)
{
    WARN("%s: %s\n", debugstr_w(handler->clsid_str), debugstr_w(text));
    lock(handler);
    if (!handler->finished && handler->session->mode == MODE_SYNC)
        output_line(L"warning\t%ls\t-\t%ls", handler->clsid_str, text);
    unlock(handler);
}

/* The watchdog: past its deadline a handler is given up on; a little
 * before, it is asked to cancel. TRUE while the session waits for it. */
BOOL handler_watch(struct handler *handler, DWORD now, DWORD grace_ms)
{
    BOOL running = FALSE;

    lock(handler);
    if (!handler->finished)
    {
        if ((LONG)(now - handler->deadline) >= 0) give_up_locked(handler);
        else
        {
            if ((LONG)(now - (handler->deadline - grace_ms)) >= 0 && !handler->cancel_all)
            {
                TRACE("%s: asking it to cancel.\n", debugstr_w(handler->clsid_str));
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
        WARN("%s is not releasing; given up on.\n", debugstr_w(handler->clsid_str));
        lock(handler);
        handler->given_up = TRUE;
        handler->session->gave_up = TRUE;
        unlock(handler);
    }
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
    free(handler->items);
    free(handler->sorted);
    handler->items = items;
    handler->sorted = sorted;
    handler->item_count = count;
    handler->last_item = 0;
    unlock(handler);
    return S_OK;
}

static BOOL item_requested(const struct session *session, const GUID *id)
{
    unsigned int i;

    for (i = 0; i < session->only_item_count; i++)
        if (IsEqualGUID(&session->only_items[i], id)) return TRUE;
    return FALSE;
}

/* Reads each item's check state as the user left it (or as the handler
 * gave it), and, synchronizing, chooses the checked ones (or those the
 * command line named). Gives the chosen IDs in a new array, and their
 * number; 0 and NULL when none is chosen or memory ran out (*hr). */
unsigned int handler_choose_items(struct handler *handler, SYNCMGRITEMID **ids, HRESULT *hr)
{
    const struct session *session = handler->session;
    HKEY settings = open_item_settings(&handler->clsid);
    unsigned int i, count = 0;

    *ids = NULL;
    *hr = S_OK;
    lock(handler);
    for (i = 0; i < handler->item_count; i++)
    {
        struct item *item = &handler->items[i];

        read_item_state(settings, &item->id, &item->checked);
        if (session->mode != MODE_SYNC) continue;
        if (session->only_item_count) item->chosen = item_requested(session, &item->id);
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
    unlock(handler);
    if (settings) RegCloseKey(settings);
    return count;
}

/* A call to the handler starts (or ends) that is completed through the
 * callback. */
void handler_set_state(struct handler *handler, enum handler_state state)
{
    lock(handler);
    handler->state = state;
    ResetEvent(handler->completion_event);
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
        WARN("%s: %s(%#lx) out of turn (state %u); ignored.\n", debugstr_w(handler->clsid_str),
             what, hr, handler->state);
        ret = E_UNEXPECTED;
    }
    else
    {
        handler->state = next;
        handler->completion_hr = hr;
        SetEvent(handler->completion_event);
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
        WARN("%s: ShowErrorCompleted out of turn; ignored.\n", debugstr_w(handler->clsid_str));
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

/* Progress, with the manager's copies of the ID and the status. */
HRESULT handler_progress(struct handler *handler, const GUID *id, DWORD mask, DWORD status)
{
    struct item *item;
    HRESULT ret;

    lock(handler);
    if (handler->finished || handler->state == HANDLER_RELEASED)
        ret = E_UNEXPECTED;
    else if (!(item = find_item(handler, id)))
    {
        WARN("%s: Progress for unknown item %s.\n", debugstr_w(handler->clsid_str),
             debugstr_guid(id));
        ret = E_INVALIDARG;
    }
    else
    {
        /* A final status sticks: later reports cannot undo a result. */
        if ((mask & SYNCMGRPROGRESSITEM_STATUSTYPE) && item->chosen && !is_final(item->status))
            item->status = status;
        if (handler->cancel_all) ret = S_SYNCMGR_CANCELALL;
        else if (item->cancel) ret = S_SYNCMGR_CANCELITEM;
        else ret = S_OK;
    }
    unlock(handler);
    return ret;
}

static const WCHAR *level_name(DWORD level)
{
    switch (level)
    {
    case SYNCMGRLOGLEVEL_INFORMATION: return L"info";
    case SYNCMGRLOGLEVEL_WARNING: return L"warning";
    default: return L"error";
    }
}

/* LogError, with the manager's copies: its line, and the entry kept when
 * it has an ID, for ShowError. */
HRESULT handler_log_error(struct handler *handler, DWORD level, const WCHAR *text,
        const struct log_entry *entry)
{
    WCHAR item_str[39];

    if (entry->has_item) guid_to_string(&entry->item, item_str);
    lock(handler);
    if (handler->finished || handler->state == HANDLER_RELEASED)
    {
        unlock(handler);
        return E_UNEXPECTED;
    }
    if (!IsEqualGUID(&entry->id, &GUID_NULL))
    {
        if (handler->log_count == handler->log_size)
        {
            unsigned int size = max(16, handler->log_size * 2);
            struct log_entry *log = realloc(handler->log, size * sizeof(*log));

            if (log)
            {
                handler->log = log;
                handler->log_size = size;
            }
        }
        if (handler->log_count < handler->log_size) handler->log[handler->log_count++] = *entry;
    }
    output_line(L"%ls\t%ls\t%ls\t%ls", level_name(level), handler->clsid_str,
                entry->has_item ? item_str : L"-", text);
    unlock(handler);
    return S_OK;
}

/* DeleteLogError; GUID_NULL deletes all of this handler's entries. */
void handler_delete_log_error(struct handler *handler, const GUID *id)
{
    unsigned int i, j;

    lock(handler);
    for (i = j = 0; i < handler->log_count; i++)
    {
        if (IsEqualGUID(id, &GUID_NULL) || IsEqualGUID(id, &handler->log[i].id)) continue;
        handler->log[j++] = handler->log[i];
    }
    handler->log_count = j;
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
        if (handler->log[i].flags & SYNCMGRERRORFLAG_ENABLEJUMPTEXT) break;
    if (i < handler->log_count && !handler->finished)
    {
        *id = handler->log[i].id;
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
        if (!(item = find_item(handler, &handler->retry_items[i])) || !item->chosen || item->skip)
            continue;
        for (j = 0; j < count; j++) if (IsEqualGUID(&ids[j], &item->id)) break;
        if (j < count) continue;
        item->status = SYNCMGRSTATUS_PENDING;
        ids[count++] = item->id;
    }
    unlock(handler);
    return count;
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
            && (item = find_item(handler, id)) && item->chosen && !is_final(item->status)
            && !item->skip)
    {
        TRACE("%s: skipping %s.\n", debugstr_w(handler->clsid_str), debugstr_guid(id));
        item->skip = TRUE;
        item->cancel = TRUE;
        handler->skips_pending++;
        SetEvent(handler->control_event);
        taken = TRUE;
    }
    unlock(handler);
    return taken;
}

/* mobsync /stop: Progress answers S_SYNCMGR_CANCELALL from now on. */
BOOL handler_stop(struct handler *handler)
{
    BOOL asked = FALSE;

    lock(handler);
    if (!handler->finished)
    {
        TRACE("%s: stopping.\n", debugstr_w(handler->clsid_str));
        handler->cancel_all = TRUE;
        asked = TRUE;
    }
    unlock(handler);
    return asked;
}

/* /list: the handler's lines, or its error line. */
void handler_list(struct handler *handler, struct text *text)
{
    WCHAR item_str[39];
    unsigned int i;

    lock(handler);
    if (handler->failed)
        text_append(text, L"%ls\t-\terror\t0x%08lX\t%ls\n", handler->clsid_str,
                    handler->completion_hr, handler->error);
    else if (!handler->skipped)
    {
        for (i = 0; i < handler->item_count; i++)
        {
            guid_to_string(&handler->items[i].id, item_str);
            text_append(text, L"%ls\t%ls\t%ls\t%ls\t%ls\n", handler->clsid_str, item_str,
                        handler->items[i].checked ? L"checked" : L"unchecked", handler->name,
                        handler->items[i].name);
        }
    }
    unlock(handler);
}
