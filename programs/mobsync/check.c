/*
 * mobsync.exe: /check, the conformance checker for handler authors
 *
 * Drives one handler through every path the documentation defines, each in
 * a fresh instance and a session of its own, and judges what it did: the
 * session's sink here is told every call between the manager and the
 * handler (handler.h, struct call_record) and keeps them; when the path is
 * over they are held against the rules of docs/checker.md. What the
 * handler shows on screen is watched from here too, and dismissed after a
 * while, so that no window can hold a check up.
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

#include "handler.h"
#include "worker.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* How long a window of the handler may stay before it is sent IDCANCEL,
 * and then how long before it is sent WM_CLOSE, in ms. */
#define DISMISS_MS 3000
#define CLOSE_MS   2000
/* How long items asked to cancel may take to end, in ms. */
#define CANCEL_MS  5000
/* How long a call may hold the manager's thread before a warning, in ms. */
#define BUDGET_MS  5000
/* The calls a path keeps: past them, Progress calls and items are counted,
 * not kept (a handler may report millions). */
#define MAX_CALLS 100000
/* Each path's time limit when /timeout: does not say, in seconds. */
#define CHECK_TIMEOUT 30
/* The cookie the invoke path passes, as a program's UpdateItems would. */
static const BYTE invoke_cookie[] = "mobsync /check: a cookie for Initialize";

enum severity
{
    FINDING_INFO,
    FINDING_WARNING,
    FINDING_ERROR,
};

enum rule
{
    RULE_COMPLETE_ONCE,
    RULE_COMPLETE_ORDER,
    RULE_ITEM_FINAL,
    RULE_PROGRESS_ITEM,
    RULE_CANCEL,
    RULE_WINDOW_UNASKED,
    RULE_WINDOW_MODELESS,
    RULE_STRUCT_SIZE,
    RULE_STRUCT_STRING,
    RULE_STRUCT_FLAGS,
    RULE_STRUCT_TIME,
    RULE_ENUM_NEXT,
    RULE_ENUM_SKIP,
    RULE_ENUM_CLONE,
    RULE_REF_CALLBACK,
    RULE_REF_HANDLER,
    RULE_BUDGET,
    RULE_CRASH,
    RULE_HANG,
    RULE_FAILED,
    RULE_DISMISSED,
    RULE_NOTHING_TO_CANCEL,
    RULE_TOO_MANY_CALLS,
    RULE_COUNT
};

/* Their ids are what docs/checker.md lists: never renamed. */
static const struct
{
    const WCHAR *id;
    enum severity severity;
}
rules[RULE_COUNT] =
{
    { L"COMPLETE-ONCE",    FINDING_ERROR },
    { L"COMPLETE-ORDER",   FINDING_ERROR },
    { L"ITEM-FINAL",       FINDING_ERROR },
    { L"PROGRESS-ITEM",    FINDING_ERROR },
    { L"CANCEL-HONOURED",  FINDING_ERROR },
    { L"WINDOW-UNASKED",   FINDING_ERROR },
    { L"WINDOW-MODELESS",  FINDING_ERROR },
    { L"STRUCT-SIZE",      FINDING_ERROR },
    { L"STRUCT-STRING",    FINDING_ERROR },
    { L"STRUCT-FLAGS",     FINDING_ERROR },
    { L"STRUCT-TIME",      FINDING_ERROR },
    { L"ENUM-NEXT",        FINDING_ERROR },
    { L"ENUM-SKIP",        FINDING_ERROR },
    { L"ENUM-CLONE",       FINDING_ERROR },
    { L"REF-CALLBACK",     FINDING_ERROR },
    { L"REF-HANDLER",      FINDING_ERROR },
    { L"BUDGET",           FINDING_WARNING },
    { L"HANDLER-CRASH",    FINDING_ERROR },
    { L"HANDLER-HANG",     FINDING_ERROR },
    { L"HANDLER-FAILED",   FINDING_INFO },
    { L"WINDOW-DISMISSED", FINDING_INFO },
    { L"NOTHING-TO-CANCEL", FINDING_INFO },
    { L"TOO-MANY-CALLS",   FINDING_INFO },
};

static const WCHAR * const severity_names[] = { L"info", L"warning", L"error" };

static const WCHAR * const method_names[CALL_METHOD_COUNT + 1] =
{
    L"Initialize", L"GetHandlerInfo", L"EnumSyncMgrItems", L"ISyncMgrEnumItems::Next",
    L"ISyncMgrEnumItems::Skip", L"ISyncMgrEnumItems::Reset", L"ISyncMgrEnumItems::Clone",
    L"ISyncMgrEnumItems::Next", L"SetProgressCallback", L"PrepareForSync", L"Synchronize",
    L"SetItemStatus", L"ShowProperties", L"ShowError", L"Release", L"Progress", L"LogError",
    L"DeleteLogError", L"EnableModeless", L"EstablishConnection", L"PrepareForSyncCompleted",
    L"SynchronizeCompleted", L"ShowPropertiesCompleted", L"ShowErrorCompleted",
    L"ISyncMgrSynchronizeCallback::Release", L"-",
};

/* What a path asks of the handler besides its session's run. */
enum action
{
    ACTION_NONE,
    ACTION_CANCEL_ITEM,    /* the first item reported at work is skipped */
    ACTION_CANCEL_ALL,     /* everything is stopped at the first report */
    ACTION_PROPERTIES,     /* ShowProperties for the handler and each item that has them */
    ACTION_RELEASE,        /* loaded, then released, as Synchronization Settings does */
};

static const struct path
{
    const WCHAR *name;
    enum session_mode mode;
    DWORD flags;
    BOOL show_errors;
    BOOL cookie;
    enum action action;
}
paths[] =
{
    { L"list",               MODE_LIST,   SYNCMGRFLAG_MANUAL },
    { L"sync",               MODE_SYNC,   SYNCMGRFLAG_MANUAL },
    { L"sync-maybotheruser", MODE_SYNC,   SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER },
    { L"invoke",             MODE_SYNC,   SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER, FALSE, TRUE },
    { L"cancel-item",        MODE_SYNC,   SYNCMGRFLAG_MANUAL, FALSE, FALSE, ACTION_CANCEL_ITEM },
    { L"cancel-all",         MODE_SYNC,   SYNCMGRFLAG_MANUAL, FALSE, FALSE, ACTION_CANCEL_ALL },
    { L"errors",             MODE_SYNC,   SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER, TRUE },
    { L"properties",         MODE_CHOOSE, SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER, FALSE, FALSE,
      ACTION_PROPERTIES },
    { L"settings",           MODE_CHOOSE, SYNCMGRFLAG_SETTINGS, FALSE, FALSE, ACTION_RELEASE },
};

struct finding
{
    enum rule rule;
    enum call_method method;
    WCHAR detail[384];
};

/* A window of the handler's seen during a path. */
struct window
{
    HWND hwnd;
    DWORD seen;            /* GetTickCount() when first seen visible */
    BOOL cancelled, closed;
};

/* One path in a fresh instance: what the sink was told, what was found.
 * Never freed: a thread given up on may still call its callback, and the
 * sink keeps what it says (unjudged) where it cannot hurt. */
struct run
{
    const struct path *path;
    CRITICAL_SECTION cs;   /* calls, and what the sink sets for the driver */
    struct call_record *calls;
    unsigned int call_count, call_size;
    unsigned int dropped;  /* Progress calls and items past MAX_CALLS */
    unsigned int first_dropped; /* the calls kept before the first of them */
    BOOL judged;           /* calls told after this are ignored */
    HANDLE wake;           /* the driver has something to do */
    DWORD start;
    const GUID *chosen;    /* the items the run synchronizes */
    unsigned int chosen_count;

    /* What the driver acts on, set by the sink. */
    LONG waits;            /* how many times the handler waited for a command */
    BOOL cancel_wanted;
    GUID cancel_item;
    BOOL in_ui_call;       /* in ShowProperties or ShowError */
    BOOL in_sync;          /* from PrepareForSync to SynchronizeCompleted */
    BOOL modeless;         /* EnableModeless(TRUE) granted, not given back */
    BOOL ended;
    HRESULT end_hr;
    WCHAR end_message[256];

    struct window windows[16];
    unsigned int window_count;
    struct finding *findings;
    unsigned int finding_count, finding_size;
};

static void add_finding(struct run *run, enum rule rule, enum call_method method, const struct call_record *call,
        const WCHAR *detail)
{
    struct finding *finding;
    WCHAR evidence[96];
    unsigned int i;

    /* The same finding once per path. */
    for (i = 0; i < run->finding_count; i++)
        if (run->findings[i].rule == rule && run->findings[i].method == method
                && !wcsncmp(run->findings[i].detail, detail, wcslen(detail)))
            return;
    if (run->finding_count == run->finding_size)
    {
        unsigned int size = max(8, run->finding_size * 2);
        struct finding *findings = realloc(run->findings, size * sizeof(*findings));

        if (!findings) return;
        run->findings = findings;
        run->finding_size = size;
    }
    finding = &run->findings[run->finding_count++];
    finding->rule = rule;
    finding->method = method;
    lstrcpynW(finding->detail, detail, ARRAYSIZE(finding->detail));
    if (call)
    {
        format_message(evidence, ARRAYSIZE(evidence), IDS_CHECK_EVIDENCE, call->thread,
                       call->start - run->start);
        if (wcslen(finding->detail) + wcslen(evidence) < ARRAYSIZE(finding->detail))
            wcscat(finding->detail, evidence);
    }
    TRACE("%s %s %s: %s\n", debugstr_w(run->path->name), debugstr_w(rules[rule].id),
          debugstr_w(method_names[method]), debugstr_w(finding->detail));
}

/* A finding with its detail from the resources. */
static void found(struct run *run, enum rule rule, const struct call_record *call, UINT id, ...)
{
    WCHAR detail[384];
    va_list args;

    va_start(args, id);
    vformat_message(detail, ARRAYSIZE(detail), id, &args);
    va_end(args);
    add_finding(run, rule, call ? call->method : CALL_METHOD_COUNT, call, detail);
}

static BOOL is_chosen(const struct run *run, const GUID *id)
{
    unsigned int i;

    for (i = 0; i < run->chosen_count; i++) if (IsEqualGUID(&run->chosen[i], id)) return TRUE;
    return FALSE;
}

static struct run *run_of(const struct session *session)
{
    return session->sink.context;
}

/* The sink: every call kept, and what the driver must act on marked. */
static void check_call(const struct session *session, const struct handler_id *id,
        const struct call_record *call)
{
    struct run *run = run_of(session);
    BOOL wake = FALSE;

    EnterCriticalSection(&run->cs);
    if (run->judged)
    {
        TRACE("%s: late %s ignored.\n", debugstr_w(run->path->name), debugstr_w(method_names[call->method]));
        LeaveCriticalSection(&run->cs);
        return;
    }
    if (run->call_count >= MAX_CALLS && (call->method == CALL_PROGRESS || call->method == CALL_ITEM))
    {
        if (!run->dropped++) run->first_dropped = run->call_count;
    }
    else if (run->call_count == run->call_size)
    {
        unsigned int size = max(64, run->call_size * 2);
        struct call_record *calls = realloc(run->calls, size * sizeof(*calls));

        if (calls)
        {
            run->calls = calls;
            run->call_size = size;
        }
    }
    if (run->call_count < run->call_size && !(run->call_count >= MAX_CALLS
            && (call->method == CALL_PROGRESS || call->method == CALL_ITEM)))
        run->calls[run->call_count++] = *call;

    switch (call->method)
    {
    case CALL_PROGRESS:
        if (!run->cancel_wanted && (run->path->action == ACTION_CANCEL_ITEM || run->path->action == ACTION_CANCEL_ALL)
                && is_chosen(run, &call->id) && (call->value2 & SYNCMGRPROGRESSITEM_STATUSTYPE)
                && !is_final(call->value))
        {
            run->cancel_wanted = TRUE;
            run->cancel_item = call->id;
            wake = TRUE;
        }
        break;
    case CALL_SHOW_PROPERTIES:
    case CALL_SHOW_ERROR:
        /* Its window may stay until the completion, or the return of a call that failed. */
        if (!call->returned) run->in_ui_call = TRUE;
        else if (call->hr != S_OK) run->in_ui_call = FALSE;
        break;
    case CALL_SHOW_PROPERTIES_COMPLETED:
    case CALL_SHOW_ERROR_COMPLETED:
        run->in_ui_call = FALSE;
        break;
    case CALL_PREPARE_FOR_SYNC:
    case CALL_SYNCHRONIZE:
        if (!call->returned) run->in_sync = TRUE;
        else if (call->hr != S_OK) run->in_sync = FALSE;
        break;
    case CALL_SYNCHRONIZE_COMPLETED:
        run->in_sync = FALSE;
        break;
    case CALL_ENABLE_MODELESS:
        if (call->answer == S_OK) run->modeless = call->value;
        break;
    default:
        break;
    }
    LeaveCriticalSection(&run->cs);
    if (wake) SetEvent(run->wake);
}

static void check_state(const struct session *session, const struct handler_id *id,
        enum handler_state state)
{
    struct run *run = run_of(session);

    if (state != HANDLER_WAITING) return;
    InterlockedIncrement(&run->waits);
    SetEvent(run->wake);
}

static void check_end(const struct session *session, const struct handler_id *id,
        const struct handler_end *end)
{
    struct run *run = run_of(session);

    EnterCriticalSection(&run->cs);
    if (!run->judged && !run->ended)
    {
        run->ended = TRUE;
        run->end_hr = end->hr;
        if (end->message) lstrcpynW(run->end_message, end->message, ARRAYSIZE(run->end_message));
    }
    LeaveCriticalSection(&run->cs);
    SetEvent(run->wake);
}

/* Only what the checker judges: no line is printed while a path runs. */
static const struct sink_ops check_sink_ops =
{
    .state = check_state,
    .end = check_end,
    .call = check_call,
};

/* The windows of this process that are not the checker's own: the
 * handler's, whichever of its threads made them. */
struct window_search
{
    struct run *run;
    DWORD now;
};

static BOOL CALLBACK find_window(HWND hwnd, LPARAM param)
{
    struct window_search *search = (struct window_search *)param;
    struct run *run = search->run;
    struct call_record evidence;
    WCHAR title[64];
    DWORD pid = 0;
    unsigned int i;

    call_start(&evidence, CALL_METHOD_COUNT);
    evidence.thread = GetWindowThreadProcessId(hwnd, &pid);
    if (pid != GetCurrentProcessId() || !IsWindowVisible(hwnd)) return TRUE;
    for (i = 0; i < run->window_count; i++) if (run->windows[i].hwnd == hwnd) return TRUE;
    if (run->window_count == ARRAYSIZE(run->windows)) return TRUE;
    run->windows[run->window_count].hwnd = hwnd;
    run->windows[run->window_count++].seen = search->now;
    if (!GetWindowTextW(hwnd, title, ARRAYSIZE(title))) wcscpy(title, L"-");

    EnterCriticalSection(&run->cs);
    if (!(run->path->flags & SYNCMGRFLAG_MAYBOTHERUSER) && !run->in_ui_call)
        found(run, RULE_WINDOW_UNASKED, &evidence, IDS_CHECK_WINDOW_UNASKED, title);
    else if (run->in_sync && !run->in_ui_call && !run->modeless)
        found(run, RULE_WINDOW_MODELESS, &evidence, IDS_CHECK_WINDOW_MODELESS, title);
    LeaveCriticalSection(&run->cs);
    return TRUE;
}

/* Looks for new windows; dismisses those that stayed too long: IDCANCEL
 * first (a message box, a property sheet), then WM_CLOSE. */
static void watch_windows(struct run *run)
{
    struct window_search search = { run, GetTickCount() };
    WCHAR title[64];
    unsigned int i;

    EnumWindows(find_window, (LPARAM)&search);
    for (i = 0; i < run->window_count; i++)
    {
        struct window *window = &run->windows[i];

        if (!IsWindow(window->hwnd) || window->closed) continue;
        if (!window->cancelled && search.now - window->seen >= DISMISS_MS)
        {
            if (!GetWindowTextW(window->hwnd, title, ARRAYSIZE(title))) wcscpy(title, L"-");
            TRACE("Dismissing %p %s.\n", window->hwnd, debugstr_w(title));
            EnterCriticalSection(&run->cs);
            found(run, RULE_DISMISSED, NULL, IDS_CHECK_DISMISSED, title, search.now - window->seen);
            LeaveCriticalSection(&run->cs);
            PostMessageW(window->hwnd, WM_COMMAND, MAKEWPARAM(IDCANCEL, BN_CLICKED), 0);
            window->cancelled = TRUE;
        }
        else if (window->cancelled && search.now - window->seen >= DISMISS_MS + CLOSE_MS)
        {
            PostMessageW(window->hwnd, WM_CLOSE, 0, 0);
            window->closed = TRUE;
        }
    }
}

/* The items whose properties the properties path asks for, in turn: the
 * handler's own (GUID_NULL) when it says it has them, then each item's. */
static BOOL next_properties(struct run *run, unsigned int *next, GUID *target)
{
    unsigned int i, index = 0;
    BOOL found_one = FALSE;

    EnterCriticalSection(&run->cs);
    for (i = 0; i < run->call_count && !found_one; i++)
    {
        const struct call_record *call = &run->calls[i];

        if (call->method == CALL_GET_HANDLER_INFO && (call->value & SYNCMGRHANDLER_HASPROPERTIES))
        {
            if (index++ == *next)
            {
                *target = GUID_NULL;
                found_one = TRUE;
            }
        }
        else if (call->method == CALL_ITEM && (call->value & SYNCMGRITEM_HASPROPERTIES))
        {
            if (index++ == *next)
            {
                *target = call->id;
                found_one = TRUE;
            }
        }
    }
    LeaveCriticalSection(&run->cs);
    if (found_one) ++*next;
    return found_one;
}

/* What the path asks of the handler, as the person in a dialog would. */
static void drive(struct run *run, struct session *session, LONG *waits_seen, unsigned int *next,
        BOOL *cancel_done)
{
    struct handler_command command = { COMMAND_NONE };
    LONG waits = InterlockedCompareExchange(&run->waits, 0, 0);
    BOOL cancel;
    GUID item;

    EnterCriticalSection(&run->cs);
    cancel = run->cancel_wanted && !*cancel_done;
    item = run->cancel_item;
    LeaveCriticalSection(&run->cs);
    if (cancel)
    {
        *cancel_done = TRUE;
        if (run->path->action == ACTION_CANCEL_ITEM)
        {
            TRACE("%s: skipping %s.\n", debugstr_w(run->path->name), debugstr_guid(&item));
            session_skip(session, NULL, &item);
        }
        else
        {
            TRACE("%s: stopping.\n", debugstr_w(run->path->name));
            session_request(CONTROL_STOP, NULL, NULL);
        }
    }
    if (waits == *waits_seen) return;
    *waits_seen = waits;
    if (run->path->action == ACTION_PROPERTIES && next_properties(run, next, &command.item))
        command.kind = COMMAND_PROPERTIES;
    else if (run->path->mode == MODE_CHOOSE)
        command.kind = COMMAND_RELEASE;
    if (command.kind == COMMAND_NONE) return;
    TRACE("%s: command %u for %s.\n", debugstr_w(run->path->name), command.kind, debugstr_guid(&command.item));
    session_command(session, NULL, &command);
}

static void describe_item(const struct call_record *call, WCHAR *text, BOOL given)
{
    if (given) guid_to_string(&call->id, text);
    else wcscpy(text, L"-");
}

static BOOL real_time(const FILETIME *time)
{
    /* 1 January 1980, and a day from now. */
    static const ULONGLONG earliest = 119600064000000000ull, day = 864000000000ull;
    ULARGE_INTEGER value, now;
    FILETIME current;

    GetSystemTimeAsFileTime(&current);
    now.u.LowPart = current.dwLowDateTime;
    now.u.HighPart = current.dwHighDateTime;
    value.u.LowPart = time->dwLowDateTime;
    value.u.HighPart = time->dwHighDateTime;
    return value.QuadPart >= earliest && value.QuadPart <= now.QuadPart + day;
}

static BOOL known_status(DWORD status)
{
    return status <= SYNCMGRSTATUS_UPDATING_INDETERMINATE || status == SYNCMGRSTATUS_DELETED;
}

/* The structures a call passed: sizes, strings, flags, times. */
static void judge_structures(struct run *run, const struct call_record *call)
{
    WCHAR what[64], text[40];

    switch (call->method)
    {
    case CALL_GET_HANDLER_INFO:
        if (FAILED(call->hr) || !call->size) break;
        if (call->size != sizeof(SYNCMGRHANDLERINFO))
            found(run, RULE_STRUCT_SIZE, call, IDS_CHECK_SIZE, L"SYNCMGRHANDLERINFO", call->size,
                  (DWORD)sizeof(SYNCMGRHANDLERINFO));
        else if (call->bad_string)
            found(run, RULE_STRUCT_STRING, call, IDS_CHECK_STRING, L"wszHandlerName", MAX_SYNCMGRHANDLERNAME);
        else if (call->value & ~SYNCMGRHANDLERFLAG_MASK)
            found(run, RULE_STRUCT_FLAGS, call, IDS_CHECK_FLAGS, L"SyncMgrHandlerFlags", call->value,
                  SYNCMGRHANDLERFLAG_MASK);
        break;
    case CALL_ITEM:
        guid_to_string(&call->id, text);
        swprintf(what, ARRAYSIZE(what), L"SYNCMGRITEM %ls", text);
        if (call->size != sizeof(SYNCMGRITEM))
            found(run, RULE_STRUCT_SIZE, call, IDS_CHECK_SIZE, what, call->size, (DWORD)sizeof(SYNCMGRITEM));
        if (call->bad_string)
            found(run, RULE_STRUCT_STRING, call, IDS_CHECK_STRING, what, MAX_SYNCMGRITEMNAME);
        if (call->value & ~SYNCMGRITEM_ITEMFLAGMASK)
            found(run, RULE_STRUCT_FLAGS, call, IDS_CHECK_FLAGS, what, call->value, SYNCMGRITEM_ITEMFLAGMASK);
        if (call->value2 > SYNCMGRITEMSTATE_CHECKED)
            found(run, RULE_STRUCT_FLAGS, call, IDS_CHECK_VALUE, L"dwItemState", call->value2);
        if ((call->value & SYNCMGRITEM_LASTUPDATETIME) && !real_time(&call->time))
            found(run, RULE_STRUCT_TIME, call, IDS_CHECK_TIME, text);
        break;
    case CALL_PROGRESS:
        if (call->size != sizeof(SYNCMGRPROGRESSITEM))
        {
            found(run, RULE_STRUCT_SIZE, call, IDS_CHECK_SIZE, L"SYNCMGRPROGRESSITEM", call->size,
                  (DWORD)sizeof(SYNCMGRPROGRESSITEM));
            break;
        }
        if (call->value2 & ~0x0f)
            found(run, RULE_STRUCT_FLAGS, call, IDS_CHECK_FLAGS, L"SYNCMGRPROGRESSITEM mask", call->value2, 0x0f);
        if ((call->value2 & SYNCMGRPROGRESSITEM_STATUSTYPE) && !known_status(call->value))
            found(run, RULE_STRUCT_FLAGS, call, IDS_CHECK_VALUE, L"dwStatusType", call->value);
        break;
    case CALL_LOG_ERROR:
        if (call->value < SYNCMGRLOGLEVEL_INFORMATION || call->value > SYNCMGRLOGLEVEL_LOGLEVELMAX)
            found(run, RULE_STRUCT_FLAGS, call, IDS_CHECK_VALUE, L"dwErrorLevel", call->value);
        if (!call->size) break;
        if (call->size != sizeof(SYNCMGRLOGERRORINFO))
            found(run, RULE_STRUCT_SIZE, call, IDS_CHECK_SIZE, L"SYNCMGRLOGERRORINFO", call->size,
                  (DWORD)sizeof(SYNCMGRLOGERRORINFO));
        else if (call->value2 & ~0x07)
            found(run, RULE_STRUCT_FLAGS, call, IDS_CHECK_FLAGS, L"SYNCMGRLOGERRORINFO mask", call->value2, 0x07);
        else if ((call->value2 & SYNCMGRLOGERROR_ERRORFLAGS) && (call->object & ~SYNCMGRERRORFLAG_ENABLEJUMPTEXT))
            found(run, RULE_STRUCT_FLAGS, call, IDS_CHECK_FLAGS, L"dwSyncMgrErrorFlags", call->object,
                  SYNCMGRERRORFLAG_ENABLEJUMPTEXT);
        break;
    default:
        break;
    }
}

/* The enumerator: every Next of the reading, then the probe's calls
 * (runner.c, probe_enumerator) against the items read. */
static void judge_enumerator(struct run *run)
{
    const struct call_record *probe[8];
    WCHAR got[40], got2[40], expected[40];
    GUID items[3];
    unsigned int i, count = 0, probes = 0;
    BOOL probing = FALSE, reset_failed;

    for (i = 0; i < run->call_count; i++)
    {
        const struct call_record *call = &run->calls[i];

        if (call->method == CALL_ENUM_RESET) probing = TRUE;
        if (call->method == CALL_ITEM && !probing)
        {
            if (count < ARRAYSIZE(items)) items[count] = call->id;
            if (count < ~0u) count++;
        }
        if (call->method == CALL_ENUM_NEXT && !probing && SUCCEEDED(call->hr)
                && (call->value2 > call->value || (call->value2 < call->value && call->hr == S_OK)
                || (call->value2 == call->value && call->hr != S_OK)))
            found(run, RULE_ENUM_NEXT, call, IDS_CHECK_NEXT, call->value, call->value2, call->hr);
        if (probing && probes < ARRAYSIZE(probe)
                && (call->method == CALL_ENUM_NEXT || call->method == CALL_ENUM_SKIP || call->method == CALL_ENUM_CLONE))
            probe[probes++] = call;
    }
    if (!probing || probes < 5) return;

    /* Next (first), Skip(1), Next (third), Next after Reset (first), Clone,
     * Next of the clone (second), Next of its source (second). What follows
     * a Reset is judged only when the Reset went back to the first item:
     * otherwise its expected result is wrong, and the Reset's fault would be
     * told again as Skip's or Clone's. */
    describe_item(probe[0], got, probe[0]->value2 == 1);
    wcscpy(expected, L"-");
    if (count) guid_to_string(&items[0], expected);
    if (wcscmp(got, expected))
        found(run, RULE_ENUM_SKIP, probe[0], IDS_CHECK_RESET, got, expected);
    else
    {
        describe_item(probe[2], got, probe[2]->value2 == 1);
        wcscpy(expected, L"-");
        if (count >= 3) guid_to_string(&items[2], expected);
        /* All it was asked to skip: S_OK; fewer: S_OK or S_FALSE (the page names S_OK only). */
        if ((count >= 2 ? probe[1]->hr != S_OK : FAILED(probe[1]->hr)) || wcscmp(got, expected))
            found(run, RULE_ENUM_SKIP, probe[1], IDS_CHECK_SKIP, probe[1]->hr, got, expected);
    }
    describe_item(probe[3], got, probe[3]->value2 == 1);
    wcscpy(expected, L"-");
    if (count) guid_to_string(&items[0], expected);
    if ((reset_failed = wcscmp(got, expected) != 0))
        found(run, RULE_ENUM_SKIP, probe[3], IDS_CHECK_RESET, got, expected);
    if (probe[4]->method != CALL_ENUM_CLONE) return;
    if (probe[4]->hr != S_OK && probe[4]->hr != E_NOTIMPL)
    {
        found(run, RULE_ENUM_CLONE, probe[4], IDS_CHECK_CLONE_HR, probe[4]->hr);
        return;
    }
    if (probe[4]->hr != S_OK || probes < 7 || reset_failed) return;
    describe_item(probe[5], got, probe[5]->value2 == 1);
    describe_item(probe[6], got2, probe[6]->value2 == 1);
    wcscpy(expected, L"-");
    if (count >= 2) guid_to_string(&items[1], expected);
    if (wcscmp(got, expected) || wcscmp(got2, expected))
        found(run, RULE_ENUM_CLONE, probe[4], IDS_CHECK_CLONE, got, got2, expected);
}

/* Per item of the run: its last status, and when it was asked to stop. */
struct item_watch
{
    GUID id;
    DWORD status;
    BOOL final;
    BOOL asked;
    DWORD asked_at;
    const WCHAR *how;
    const struct call_record *ask;
};

/* Progress mostly names the item it named last, or the next one. */
static struct item_watch *watch_of(struct item_watch *watches, unsigned int count, const GUID *id)
{
    static unsigned int last;
    unsigned int i, k;

    for (i = 0; i < count; i++)
    {
        k = (last + i) % count;
        if (!IsEqualGUID(&watches[k].id, id)) continue;
        last = k;
        return &watches[k];
    }
    return NULL;
}

/* TRUE when the item was not told before. */
static BOOL ask_to_stop(struct item_watch *watch, const struct call_record *call, const WCHAR *how)
{
    if (watch->asked || watch->final) return FALSE;
    watch->asked = TRUE;
    watch->asked_at = call->start;
    watch->how = how;
    watch->ask = call;
    return TRUE;
}

/* Late to stop: an item asked to, still running CANCEL_MS later. */
static void judge_cancel(struct run *run, struct item_watch *watch, DWORD now)
{
    WCHAR text[40];

    if (!watch->asked || now - watch->asked_at <= CANCEL_MS) return;
    guid_to_string(&watch->id, text);
    found(run, RULE_CANCEL, watch->ask, IDS_CHECK_CANCEL_LATE, text, watch->how, CANCEL_MS);
    watch->asked = FALSE;
}

/* The protocol: completions, items and their statuses, cancels, references,
 * and how long each call held the manager's thread. */
static void judge_protocol(struct run *run)
{
    static const enum call_method begins[] = { CALL_PREPARE_FOR_SYNC, CALL_SYNCHRONIZE, CALL_SHOW_PROPERTIES,
                                                CALL_SHOW_ERROR };
    static const enum call_method ends[] = { CALL_PREPARE_COMPLETED, CALL_SYNCHRONIZE_COMPLETED,
                                              CALL_SHOW_PROPERTIES_COMPLETED, CALL_SHOW_ERROR_COMPLETED };
    unsigned int pending[ARRAYSIZE(begins)] = { 0 }, completed[ARRAYSIZE(begins)] = { 0 };
    struct item_watch *watches;
    BOOL released = FALSE, modeless = FALSE, synchronized = FALSE;
    unsigned int i, j, k, asked = 0;
    WCHAR text[40];

    if (!(watches = calloc(run->chosen_count + 1, sizeof(*watches)))) return;
    for (i = 0; i < run->chosen_count; i++)
    {
        watches[i].id = run->chosen[i];
        watches[i].status = SYNCMGRSTATUS_PENDING;
    }

    for (i = 0; i < run->call_count; i++)
    {
        const struct call_record *call = &run->calls[i];
        /* Past a Progress call not kept, the items' statuses are not known:
         * whether they were final, or stopped when told to, is not judged. */
        BOOL known = !run->dropped || i < run->first_dropped;
        struct item_watch *watch;

        judge_structures(run, call);
        /* Only while some item was told to stop. */
        for (j = 0; asked && known && j < run->chosen_count; j++)
            judge_cancel(run, &watches[j], call->start);

        /* A call into the handler that held the manager's thread. */
        if (call->returned && call->method < CALL_PROGRESS && call->method != CALL_SHOW_PROPERTIES
                && call->method != CALL_SHOW_ERROR && call->end - call->start > BUDGET_MS)
            found(run, RULE_BUDGET, call, IDS_CHECK_BUDGET, call->end - call->start, BUDGET_MS);

        for (k = 0; k < ARRAYSIZE(begins); k++)
        {
            /* Told once as it is made: a completion may come before it returns. */
            if (call->method == begins[k] && !call->returned)
            {
                pending[k] = 1;
                completed[k] = 0;
            }
            /* A call that failed is completed by nobody. */
            if (call->method == begins[k] && call->returned && call->hr != S_OK && !completed[k]) pending[k] = 0;
            /* A completion is told as it is made; one the manager refused
             * for its arguments is told once returned, and completes nothing. */
            if (call->method != ends[k] || call->returned) continue;
            if (released)
                found(run, RULE_COMPLETE_ORDER, call, IDS_CHECK_AFTER_RELEASE, method_names[call->method]);
            else if (pending[k])
            {
                pending[k] = 0;
                completed[k] = 1;
            }
            else if (completed[k])
                found(run, RULE_COMPLETE_ONCE, call, IDS_CHECK_TWICE, method_names[call->method], ++completed[k]);
            else
                found(run, RULE_COMPLETE_ORDER, call, IDS_CHECK_UNASKED, method_names[call->method]);
        }

        switch (call->method)
        {
        case CALL_SET_PROGRESS_CALLBACK:
            if (!call->value && !call->returned) released = TRUE;
            break;
        case CALL_CALLBACK_RELEASE:
            if (call->value)
                found(run, RULE_REF_CALLBACK, call, IDS_CHECK_CALLBACK_REFS, call->value);
            break;
        case CALL_RELEASE:
            if (call->value)
                found(run, RULE_REF_HANDLER, call, IDS_CHECK_HANDLER_REFS, call->value);
            break;
        case CALL_ENABLE_MODELESS:
            if (call->answer == S_OK) modeless = call->value;
            break;
        case CALL_PROGRESS:
            if (call->size < sizeof(SYNCMGRPROGRESSITEM) || released) break;
            if (!(watch = watch_of(watches, run->chosen_count, &call->id)))
            {
                guid_to_string(&call->id, text);
                found(run, RULE_PROGRESS_ITEM, call, IDS_CHECK_FOREIGN_ITEM, text);
                break;
            }
            if (call->value2 & SYNCMGRPROGRESSITEM_STATUSTYPE)
            {
                watch->status = call->value;
                /* Final until a retry reports it at work again. */
                watch->final = is_final(call->value);
                if (watch->final) watch->asked = FALSE;
            }
            if (call->answer == S_SYNCMGR_CANCELITEM && ask_to_stop(watch, call, L"S_SYNCMGR_CANCELITEM")) asked++;
            if (call->answer == S_SYNCMGR_CANCELALL)
                for (j = 0; j < run->chosen_count; j++)
                    if (ask_to_stop(&watches[j], call, L"S_SYNCMGR_CANCELALL")) asked++;
            break;
        case CALL_SET_ITEM_STATUS:
            if (!call->returned && (watch = watch_of(watches, run->chosen_count, &call->id))
                    && ask_to_stop(watch, call, L"SetItemStatus(SKIPPED)"))
                asked++;
            break;
        case CALL_SYNCHRONIZE_COMPLETED:
            if (synchronized || released) break;
            synchronized = TRUE;
            for (j = 0; j < run->chosen_count; j++)
            {
                if (watches[j].final || !known) continue;
                guid_to_string(&watches[j].id, text);
                found(run, RULE_ITEM_FINAL, call, IDS_CHECK_NOT_FINAL, text, watches[j].status);
            }
            if (modeless) found(run, RULE_WINDOW_MODELESS, call, IDS_CHECK_MODELESS_OPEN);
            for (j = 0; j < run->chosen_count; j++) watches[j].asked = FALSE;
            break;
        case CALL_PREPARE_FOR_SYNC:
            /* A retry after ShowError: its SynchronizeCompleted is judged too. */
            if (!call->returned) synchronized = FALSE;
            break;
        default:
            break;
        }
    }
    /* Asked to stop, and never did while the path ran. */
    for (j = 0; asked && !run->dropped && j < run->chosen_count; j++)
        judge_cancel(run, &watches[j], GetTickCount());
    free(watches);
}

static void judge(struct run *run)
{
    EnterCriticalSection(&run->cs);
    run->judged = TRUE;
    judge_protocol(run);
    if (run->path->mode == MODE_LIST) judge_enumerator(run);
    if (run->dropped) found(run, RULE_TOO_MANY_CALLS, NULL, IDS_CHECK_TOO_MANY_CALLS, run->dropped, MAX_CALLS);
    if ((run->path->action == ACTION_CANCEL_ITEM || run->path->action == ACTION_CANCEL_ALL)
            && !run->cancel_wanted && !run->end_message[0])
        found(run, RULE_NOTHING_TO_CANCEL, NULL, IDS_CHECK_NOTHING_TO_CANCEL);
    if (run->ended && run->end_message[0])
    {
        if (run->end_hr == HRESULT_FROM_WIN32(ERROR_UNHANDLED_EXCEPTION))
            add_finding(run, RULE_CRASH, CALL_METHOD_COUNT, NULL, run->end_message);
        else if (run->end_hr == HRESULT_FROM_WIN32(ERROR_TIMEOUT))
            add_finding(run, RULE_HANG, CALL_METHOD_COUNT, NULL, run->end_message);
        else add_finding(run, RULE_FAILED, CALL_METHOD_COUNT, NULL, run->end_message);
    }
    LeaveCriticalSection(&run->cs);
}

/* Judged (and its items taken): what it was judged on is no longer needed. */
static void forget_calls(struct run *run)
{
    EnterCriticalSection(&run->cs);
    free(run->calls);
    run->calls = NULL;
    run->call_count = run->call_size = 0;
    LeaveCriticalSection(&run->cs);
}

/* What the command line asked. */
struct check
{
    CLSID clsid;
    const GUID *items;     /* /item:, or those the listing found */
    unsigned int item_count;
    DWORD timeout;
    struct run *runs[ARRAYSIZE(paths)];
    unsigned int run_count;
    GUID *listed;          /* the items the listing path found */
};

/* One path: a session of its own with a fresh instance of the handler,
 * driven to its end, then judged. */
static struct run *run_path(struct check *check, const struct path *path)
{
    struct session_options options = { 0 };
    LONG waits_seen = 0;
    unsigned int next = 0;
    BOOL cancel_done = FALSE;
    struct session *session;
    struct run *run;
    MSG msg;

    if (!(run = calloc(1, sizeof(*run)))) return NULL;
    run->path = path;
    InitializeCriticalSection(&run->cs);
    run->wake = CreateEventW(NULL, FALSE, FALSE, NULL);
    run->chosen = check->items;
    run->chosen_count = check->item_count;

    options.mode = path->mode;
    options.flags = path->flags;
    options.timeout = check->timeout;
    options.show_errors = path->show_errors;
    options.only_handlers = &check->clsid;
    options.only_handler_count = 1;
    options.probe_enumerator = path->mode == MODE_LIST;
    options.silent = TRUE;
    if (path->mode == MODE_SYNC)
    {
        options.only_items = check->items;
        options.only_item_count = check->item_count;
    }
    if (path->cookie)
    {
        options.cookie = invoke_cookie;
        options.cookie_size = sizeof(invoke_cookie);
    }
    if (!(session = session_create(&options)))
    {
        DeleteCriticalSection(&run->cs);
        free(run);
        return NULL;
    }
    session->sink.ops = &check_sink_ops;
    session->sink.context = run;
    TRACE("Path %s.\n", debugstr_w(path->name));
    run->start = GetTickCount();
    if (session_start(session))
    {
        while (session_watch(session))
        {
            MsgWaitForMultipleObjects(1, &run->wake, FALSE, 100, QS_ALLINPUT);
            while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
            drive(run, session, &waits_seen, &next, &cancel_done);
            watch_windows(run);
        }
        session_finish(session);
    }
    /* Windows a path left open: dismissed before the next path. */
    watch_windows(run);
    session_release(session);
    judge(run);
    return run;
}

/* The items the listing found, for the paths that synchronize. */
static void take_listed_items(struct check *check, const struct run *run)
{
    unsigned int i, count = 0;

    if (check->item_count) return;
    for (i = 0; i < run->call_count; i++) if (run->calls[i].method == CALL_ITEM) count++;
    if (!count || !(check->listed = calloc(count, sizeof(GUID)))) return;
    for (i = 0; i < run->call_count; i++)
        if (run->calls[i].method == CALL_ITEM) check->listed[check->item_count++] = run->calls[i].id;
    check->items = check->listed;
}

static void print_line(const WCHAR *format, ...)
{
    WCHAR line[1024];
    va_list args;

    va_start(args, format);
    vswprintf(line, ARRAYSIZE(line), format, args);
    va_end(args);
    output_write(GetStdHandle(STD_OUTPUT_HANDLE), line);
}

static void print_findings(const struct check *check, unsigned int *errors, unsigned int *warnings)
{
    unsigned int i, j;

    for (i = 0; i < check->run_count; i++)
    {
        const struct run *run = check->runs[i];

        for (j = 0; j < run->finding_count; j++)
        {
            const struct finding *finding = &run->findings[j];
            enum severity severity = rules[finding->rule].severity;

            if (severity == FINDING_ERROR) ++*errors;
            if (severity == FINDING_WARNING) ++*warnings;
            print_line(L"%ls\t%ls\t%ls\t%ls\t%ls\n", severity_names[severity], rules[finding->rule].id,
                       run->path->name, method_names[finding->method], finding->detail);
        }
    }
}

/* TAP: one test per rule and path; warnings and information pass, with
 * what was found as diagnostics. */
static void print_tap(const struct check *check, unsigned int *errors, unsigned int *warnings)
{
    unsigned int i, j, r, test = 0;
    BOOL failed;

    print_line(L"1..%u\n", check->run_count * RULE_COUNT);
    for (i = 0; i < check->run_count; i++)
    {
        const struct run *run = check->runs[i];

        for (r = 0; r < RULE_COUNT; r++)
        {
            failed = FALSE;
            for (j = 0; j < run->finding_count; j++)
                if (run->findings[j].rule == r && rules[r].severity == FINDING_ERROR) failed = TRUE;
            print_line(L"%lsok %u - %ls %ls\n", failed ? L"not " : L"", ++test, run->path->name, rules[r].id);
            for (j = 0; j < run->finding_count; j++)
            {
                const struct finding *finding = &run->findings[j];

                if (finding->rule != r) continue;
                if (rules[r].severity == FINDING_ERROR) ++*errors;
                if (rules[r].severity == FINDING_WARNING) ++*warnings;
                print_line(L"# %ls: %ls: %ls\n", severity_names[rules[r].severity], method_names[finding->method],
                           finding->detail);
            }
        }
    }
}

/* A handler of the other architecture only: the other mobsync.exe checks
 * it, in a process of the handler's own architecture, with this command
 * line; what it prints and its exit code are this one's. */
static int check_in_other_arch(const WCHAR *clsid_str)
{
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    WCHAR path[MAX_PATH], *line, *args;
    DWORD code = 2;
    size_t len;

    args = GetCommandLineW();
    /* Past the program's name, quoted or not. */
    if (*args == '"')
    {
        for (args++; *args && *args != '"'; args++) ;
        if (*args) args++;
    }
    else while (*args && *args != ' ' && *args != '\t') args++;

    if (!other_mobsync_path(path, ARRAYSIZE(path))) goto failed;
    len = wcslen(path) + wcslen(args) + 4;
    if (!(line = malloc(len * sizeof(WCHAR)))) goto failed;
    swprintf(line, len, L"\"%ls\"%ls", path, args);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    TRACE("Running %s.\n", debugstr_w(line));
    if (!CreateProcessW(path, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        free(line);
        goto failed;
    }
    free(line);
    CloseHandle(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    return code;

failed:
    print_error(IDS_CHECK_OTHER_ARCH, clsid_str);
    return 2;
}

/* mobsync /check:{CLSID}: every path, then the findings; exit 0 without
 * an error, 1 with one, 2 when the handler cannot be checked at all. */
int run_check(const CLSID *clsid, const GUID *items, unsigned int item_count, DWORD timeout, BOOL tap)
{
    struct session_options options = { 0 };
    struct check check = { { 0 } };
    struct registration *list;
    unsigned int i, count = 0, errors = 0, warnings = 0;
    WCHAR clsid_str[39], message[512];
    BOOL other = FALSE;
    struct run *run;

    guid_to_string(clsid, clsid_str);
    options.only_handlers = clsid;
    options.only_handler_count = 1;
    if (SUCCEEDED(read_registrations(&options, &list, &count)))
    {
        other = count && list[0].registered && list[0].other_arch;
        free(list);
    }
    if (other) return check_in_other_arch(clsid_str);

    check.clsid = *clsid;
    check.items = items;
    check.item_count = item_count;
    check.timeout = timeout ? timeout : CHECK_TIMEOUT;

    for (i = 0; i < ARRAYSIZE(paths); i++)
    {
        if (!(run = run_path(&check, &paths[i]))) break;
        check.runs[check.run_count++] = run;
        if (i)
        {
            forget_calls(run);
            continue;
        }
        /* A handler that could not be made at all has nothing to check. */
        if (run->ended && run->end_message[0] && !run->call_count)
        {
            format_message(message, ARRAYSIZE(message), IDS_CHECK_CANNOT_CREATE, clsid_str, run->end_hr,
                           run->end_message);
            output_write(GetStdHandle(STD_ERROR_HANDLE), message);
            return 2;
        }
        take_listed_items(&check, run);
        forget_calls(run);
    }
    if (tap) print_tap(&check, &errors, &warnings);
    else print_findings(&check, &errors, &warnings);
    format_message(message, ARRAYSIZE(message), IDS_CHECK_SUMMARY, errors, warnings, check.run_count);
    output_write(GetStdHandle(STD_OUTPUT_HANDLE), tap ? L"# " : L"");
    output_write(GetStdHandle(STD_OUTPUT_HANDLE), message);
    return errors ? 1 : 0;
}
