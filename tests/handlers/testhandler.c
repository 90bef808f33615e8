/*
 * Test handlers for mobsync.exe: well-behaved, slow, hanging, crashing and
 * rule-breaking ISyncMgrSynchronize implementations, one per CLSID
 * (testhandler.h). Every call is appended to the file named by
 * MOBSYNC_TEST_LOG, one line each: "NN Method details tid=XXXX", so that the
 * tests can check the exact sequence, the threads and the reference counts.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#define COBJMACROS
#define CONST_VTABLE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "winuser.h"
#include "winreg.h"
#include "tlhelp32.h"
#include "objbase.h"
#include "mobsync.h"
#include "testhandler.h"
#include "handlers_private.h"

LONG module_refs;
static CRITICAL_SECTION log_cs;
static HANDLE log_mutex;

struct handler
{
    ISyncMgrSynchronize ISyncMgrSynchronize_iface;
    LONG refcount;
    int behaviour;
    ISyncMgrSynchronizeCallback *callback;
    ISyncMgrSynchronizeCallback *late_callback; /* TEST_RULE_BREAKER keeps one */
    SYNCMGRITEMID chosen[16];
    ULONG chosen_count;
    int synchronize_count;
    HANDLE released_event;
    HANDLE late_thread;
    HANDLE workers[4];    /* joined when the manager takes its callback back */
    unsigned int worker_count;
    volatile LONG window; /* WINDOW_*: which completion the manager waits for */
    volatile LONG skipped[16]; /* TEST_SKIP: SetItemStatus(SKIPPED) came for chosen[i] */
    HANDLE skip_event;
    unsigned int serial;  /* the how-manieth of its behaviour in this process, from 1 */
    GUID *flip_page;      /* TEST_FLIP */
    DWORD initialized;    /* GetTickCount() at Initialize */
    volatile LONG flips_done;
};

/* Where a handler is, as SetItemStatus sees it: the documentation allows the
 * call only after PrepareForSync or Synchronize returned and before their
 * completion is called. */
enum { WINDOW_NONE, WINDOW_PREPARE, WINDOW_SYNCHRONIZE };
static const char * const window_names[] = { "none", "prepare", "synchronize" };

void log_call(int behaviour, const char *format, ...)
{
    char line[1024], path[MAX_PATH];
    DWORD written;
    va_list args;
    HANDLE file;
    int len;

    if (!GetEnvironmentVariableA(TEST_LOG_VARIABLE, path, sizeof(path))) return;
    len = snprintf(line, sizeof(line), "%02x ", behaviour);
    va_start(args, format);
    len += vsnprintf(line + len, sizeof(line) - len - 16, format, args);
    va_end(args);
    len += snprintf(line + len, sizeof(line) - len, " tid=%04lx\n", GetCurrentThreadId());

    /* The two copies of this DLL a test loads, and the other processes,
     * append to the same file: one writer at a time across all of them. */
    EnterCriticalSection(&log_cs);
    if (!log_mutex) log_mutex = CreateMutexA(NULL, FALSE, "Local\\mobsync_test_log");
    if (log_mutex) WaitForSingleObject(log_mutex, 10000);
    file = CreateFileA(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                       OPEN_ALWAYS, 0, NULL);
    if (file != INVALID_HANDLE_VALUE)
    {
        WriteFile(file, line, len, &written, NULL);
        CloseHandle(file);
    }
    if (log_mutex) ReleaseMutex(log_mutex);
    LeaveCriticalSection(&log_cs);
}

static inline struct handler *impl_from_ISyncMgrSynchronize(ISyncMgrSynchronize *iface)
{
    return CONTAINING_RECORD(iface, struct handler, ISyncMgrSynchronize_iface);
}

/* A REG_DWORD the test left under TEST_REGISTRY_KEY. */
static BOOL read_test_value(const char *name, DWORD *value)
{
    DWORD type, size = sizeof(*value);
    HKEY key;
    LONG ret;

    if (RegOpenKeyExA(HKEY_CURRENT_USER, TEST_REGISTRY_KEY, 0, KEY_QUERY_VALUE, &key))
        return FALSE;
    ret = RegQueryValueExA(key, name, NULL, &type, (BYTE *)value, &size);
    RegCloseKey(key);
    return !ret && type == REG_DWORD && size == sizeof(*value);
}

static unsigned int item_count(int behaviour)
{
    DWORD count;

    switch (behaviour)
    {
    case TEST_PROPERTIES:
        if (!read_test_value(TEST_ITEM_COUNT_VALUE, &count)) return 3;
        return min(count, TEST_PROPERTIES_MAX_ITEMS);
    case TEST_ALWAYS_LIST:
    case TEST_NO_ITEMS: return 0;
    case TEST_MISSING_ITEMS: return 1;
    case TEST_RULE_BREAKER: return 4;
    case TEST_MANY_ITEMS: return TEST_MANY_ITEM_COUNT;
    default: return (behaviour >= TEST_SLOW_FIRST && behaviour <= TEST_SLOW_LAST) ? 1 : 3;
    }
}

static void make_item_id(int behaviour, int index, GUID *id)
{
    static const GUID base = TEST_ITEM_ID(0, 0);

    *id = base;
    id->Data4[6] = behaviour;
    id->Data4[7] = index;
}

static DWORD behaviour_flags(int behaviour)
{
    switch (behaviour)
    {
    case TEST_PROPERTIES: return SYNCMGRHANDLER_HASPROPERTIES;
    case TEST_ALWAYS_LIST: return SYNCMGRHANDLER_ALWAYSLISTHANDLER;
    case TEST_HIDDEN: return SYNCMGRHANDLER_HIDDEN;
    default: return 0;
    }
}

/* TEST_PROPERTIES: item 1 has properties, items 1 and 2 a last update time,
 * items 1 to 3 an icon (the manager copies them: they stay ours). */
static void fill_properties_item(unsigned int index, SYNCMGRITEM *item)
{
    static const SYSTEMTIME times[] =
    {
        { 2026, 1, 5, 2, 3, 4, 5, 0 },      /* Friday 2026-01-02 03:04:05 UTC */
        { 2025, 12, 3, 31, 23, 59, 0, 0 },  /* Wednesday 2025-12-31 23:59:00 UTC */
    };

    if (index == 0) item->dwFlags |= SYNCMGRITEM_HASPROPERTIES;
    if (index < ARRAYSIZE(times))
    {
        item->dwFlags |= SYNCMGRITEM_LASTUPDATETIME;
        SystemTimeToFileTime(&times[index], &item->ftLastUpdate);
    }
    if (index < 3)
        item->hIcon = LoadIconW(NULL, (const WCHAR *)(index ? IDI_WARNING : IDI_INFORMATION));
}

static void fill_item(int behaviour, unsigned int index, SYNCMGRITEM *item)
{
    memset(item, 0, sizeof(*item));
    item->cbSize = sizeof(*item);
    item->dwItemState = index == 2 ? SYNCMGRITEMSTATE_UNCHECKED : SYNCMGRITEMSTATE_CHECKED;
    make_item_id(behaviour, index + 1, &item->ItemID);
    if (behaviour == TEST_MANY_ITEMS)
    {
        /* Quickly: a million of them, none checked, so that no result line
         * is printed for them. */
        item->dwItemState = SYNCMGRITEMSTATE_UNCHECKED;
        item->ItemID.Data4[3] = (index + 1) >> 16;
        item->ItemID.Data4[4] = (index + 1) >> 8;
        item->ItemID.Data4[7] = index + 1;
        wcscpy(item->wszItemName, L"Item");
        return;
    }
    swprintf(item->wszItemName, MAX_SYNCMGRITEMNAME, L"Item %u", index + 1);
    if (behaviour == TEST_PROPERTIES) fill_properties_item(index, item);
    if (behaviour != TEST_RULE_BREAKER) return;

    item->dwItemState = SYNCMGRITEMSTATE_CHECKED;
    switch (index)
    {
    case 0: /* no terminator at all */
        wmemset(item->wszItemName, 'X', MAX_SYNCMGRITEMNAME);
        break;
    case 1:
        wcscpy(item->wszItemName, L"Tab\there\nnewline");
        break;
    case 2: /* the first item again */
        make_item_id(behaviour, 1, &item->ItemID);
        wcscpy(item->wszItemName, L"Duplicate");
        break;
    case 3:
        item->cbSize = 12; /* a wrong size, in a buffer that is the manager's */
        make_item_id(behaviour, 4, &item->ItemID);
        break;
    }
}

/* --- ISyncMgrEnumItems ---------------------------------------------------- */

struct enumerator
{
    ISyncMgrEnumItems ISyncMgrEnumItems_iface;
    LONG refcount;
    int behaviour;
    ULONG pos;
    ULONG total;          /* item_count() when it was made */
    DWORD pace_until;     /* TEST_MANY_ITEMS: when to hand over item 524,289 */
};

static inline struct enumerator *impl_from_ISyncMgrEnumItems(ISyncMgrEnumItems *iface)
{
    return CONTAINING_RECORD(iface, struct enumerator, ISyncMgrEnumItems_iface);
}

static HRESULT WINAPI enum_QueryInterface(ISyncMgrEnumItems *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrEnumItems))
    {
        *obj = iface;
        ISyncMgrEnumItems_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI enum_AddRef(ISyncMgrEnumItems *iface)
{
    return InterlockedIncrement(&impl_from_ISyncMgrEnumItems(iface)->refcount);
}

static ULONG WINAPI enum_Release(ISyncMgrEnumItems *iface)
{
    struct enumerator *enumerator = impl_from_ISyncMgrEnumItems(iface);
    ULONG refcount = InterlockedDecrement(&enumerator->refcount);

    if (!refcount)
    {
        log_call(enumerator->behaviour, "EnumDestroyed");
        free(enumerator);
        InterlockedDecrement(&module_refs);
    }
    return refcount;
}

static HRESULT WINAPI enum_Next(ISyncMgrEnumItems *iface, ULONG count, SYNCMGRITEM *items,
        ULONG *fetched)
{
    struct enumerator *enumerator = impl_from_ISyncMgrEnumItems(iface);
    ULONG total = enumerator->total;
    ULONG i;

    /* The manager's table doubles as it fills: the batch that starts item
     * 524,289 makes it move its largest table, at the chosen moment. */
    if (enumerator->pace_until && enumerator->pos == 524288)
        while ((LONG)(GetTickCount() - enumerator->pace_until) < 0) Sleep(1);
    for (i = 0; i < count && enumerator->pos < total; i++, enumerator->pos++)
        fill_item(enumerator->behaviour, enumerator->pos, &items[i]);
    if (enumerator->behaviour == TEST_FETCHED_TOO_MANY)
    {
        if (fetched) *fetched = count + 5;
        return S_OK;
    }
    if (fetched) *fetched = i;
    return i == count ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_Skip(ISyncMgrEnumItems *iface, ULONG count)
{
    impl_from_ISyncMgrEnumItems(iface)->pos += count;
    return S_OK;
}

static HRESULT WINAPI enum_Reset(ISyncMgrEnumItems *iface)
{
    impl_from_ISyncMgrEnumItems(iface)->pos = 0;
    return S_OK;
}

static HRESULT WINAPI enum_Clone(ISyncMgrEnumItems *iface, ISyncMgrEnumItems **clone)
{
    *clone = NULL;
    return E_NOTIMPL;
}

static const ISyncMgrEnumItemsVtbl enum_vtbl =
{
    enum_QueryInterface,
    enum_AddRef,
    enum_Release,
    enum_Next,
    enum_Skip,
    enum_Reset,
    enum_Clone,
};

/* --- worker threads --------------------------------------------------------- */

struct work
{
    struct handler *handler;
    ISyncMgrSynchronizeCallback *callback;
    int what;
};

enum { WORK_PREPARE, WORK_SYNCHRONIZE, WORK_CANCEL, WORK_SLOW, WORK_CRASH, WORK_LATE,
       WORK_PREPARE_UNTIL_SKIPPED, WORK_SKIP, WORK_FLIP, WORK_PROPERTIES, WORK_PROGRESS_TEXT,
       WORK_MODELESS };

static HRESULT report(ISyncMgrSynchronizeCallback *callback, const GUID *item, DWORD status)
{
    SYNCMGRPROGRESSITEM progress = { sizeof(progress) };

    progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE | SYNCMGRPROGRESSITEM_STATUSTEXT;
    progress.dwStatusType = status;
    progress.lpcStatusText = L"working";
    return ISyncMgrSynchronizeCallback_Progress(callback, item, &progress);
}

static HRESULT log_error(ISyncMgrSynchronizeCallback *callback, DWORD level, const WCHAR *text,
        const GUID *item, const GUID *error, DWORD flags)
{
    SYNCMGRLOGERRORINFO info = { sizeof(info) };

    if (item)
    {
        info.mask |= SYNCMGRLOGERROR_ITEMID;
        info.ItemID = *item;
    }
    if (error)
    {
        info.mask |= SYNCMGRLOGERROR_ERRORID | SYNCMGRLOGERROR_ERRORFLAGS;
        info.ErrorID = *error;
        info.dwSyncMgrErrorFlags = flags;
    }
    return ISyncMgrSynchronizeCallback_LogError(callback, level, text, &info);
}

/* The behaviours that synchronize as TEST_GOOD_SYNC does. */
static BOOL is_good_sync(int behaviour)
{
    switch (behaviour)
    {
    case TEST_GOOD_SYNC:
    case TEST_PROPERTIES:
    case TEST_ALWAYS_LIST:
    case TEST_HIDDEN:
    case TEST_NO_ITEMS:
        return TRUE;
    default:
        return FALSE;
    }
}

static void synchronize_items(struct handler *handler, ISyncMgrSynchronizeCallback *callback)
{
    static const GUID error_id = { 0xe7707e77, 1, 2, { 3, 4, 5, 6, 7, 8, 9, 10 } };
    GUID failing;
    ULONG i;

    make_item_id(handler->behaviour, 2, &failing);
    for (i = 0; i < handler->chosen_count; i++)
    {
        const GUID *item = &handler->chosen[i];

        report(callback, item, SYNCMGRSTATUS_UPDATING);
        if (handler->behaviour == TEST_GOOD_ASYNC && IsEqualGUID(item, &failing))
        {
            log_error(callback, SYNCMGRLOGLEVEL_ERROR, L"could not copy", item, NULL, 0);
            report(callback, item, SYNCMGRSTATUS_FAILED);
        }
        else if (handler->behaviour == TEST_RETRY && i == 0 && handler->synchronize_count == 1)
        {
            log_error(callback, SYNCMGRLOGLEVEL_ERROR, L"conflict: details available", item,
                      &error_id, SYNCMGRERRORFLAG_ENABLEJUMPTEXT);
            report(callback, item, SYNCMGRSTATUS_FAILED);
        }
        else
        {
            if (handler->behaviour == TEST_WARNING && i == 0)
                log_error(callback, SYNCMGRLOGLEVEL_WARNING, L"the disk is almost full", item,
                          NULL, 0);
            else if (is_good_sync(handler->behaviour) && i == 0)
                log_error(callback, SYNCMGRLOGLEVEL_INFORMATION, L"3 files copied", item, NULL, 0);
            report(callback, item, SYNCMGRSTATUS_SUCCEEDED);
        }
    }
}

/* Waits for the release event of the given object of a behaviour, if the
 * test made one, for 60 s at most. */
static void wait_for_release(int behaviour, unsigned int object)
{
    char name[64];
    HANDLE event;

    sprintf(name, TEST_RELEASE_EVENT, behaviour, object);
    if ((event = OpenEventA(SYNCHRONIZE, FALSE, name)))
    {
        WaitForSingleObject(event, 60000);
        CloseHandle(event);
    }
}

/* A completion from another thread lets the manager go on at once: it is
 * recorded before it is made, and only a failure after. */
static void complete_prepare(struct work *work)
{
    HRESULT hr;

    log_call(work->handler->behaviour, "PrepareForSyncCompleted");
    hr = ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(work->callback, S_OK);
    if (hr != S_OK) log_call(work->handler->behaviour, "failed hr=%08lx", hr);
}

static void complete_synchronize(struct work *work)
{
    HRESULT hr;

    log_call(work->handler->behaviour, "SynchronizeCompleted");
    hr = ISyncMgrSynchronizeCallback_SynchronizeCompleted(work->callback, S_OK);
    if (hr != S_OK) log_call(work->handler->behaviour, "failed hr=%08lx", hr);
}

/* TEST_PROPERTIES: the properties "dialog" is closed when the test sets its
 * release event, if it made one, with the result the test chose. */
static void complete_properties(struct work *work)
{
    int behaviour = work->handler->behaviour;
    DWORD result;

    wait_for_release(behaviour, 0);
    if (!read_test_value(TEST_PROPERTIES_RESULT_VALUE, &result)) result = S_OK;
    log_call(behaviour, "ShowPropertiesCompleted %08lx", result);
    ISyncMgrSynchronizeCallback_ShowPropertiesCompleted(work->callback, (HRESULT)result);
}

/* TEST_PROGRESS_TEXT: every item to 7 of 10, each with a text of its own;
 * once the test lets it go, every item done. */
static void synchronize_progress_text(struct work *work)
{
    SYNCMGRPROGRESSITEM progress = { sizeof(progress) };
    struct handler *handler = work->handler;
    ULONG i, done = 0;
    WCHAR text[64];
    HRESULT hr;

    progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE | SYNCMGRPROGRESSITEM_STATUSTEXT
                    | SYNCMGRPROGRESSITEM_PROGVALUE | SYNCMGRPROGRESSITEM_MAXVALUE;
    progress.dwStatusType = SYNCMGRSTATUS_UPDATING;
    progress.lpcStatusText = text;
    progress.iProgValue = 7;
    progress.iMaxValue = 10;
    for (i = 0; i < handler->chosen_count; i++)
    {
        swprintf(text, ARRAYSIZE(text), L"step 7 of 10 (item %u)",
                 (unsigned int)handler->chosen[i].Data4[7]);
        hr = ISyncMgrSynchronizeCallback_Progress(work->callback, &handler->chosen[i], &progress);
        if (hr == S_SYNCMGR_CANCELALL) goto cancelled;
    }
    log_call(handler->behaviour, "Progressed");
    wait_for_release(handler->behaviour, 0);

    /* The maximum stays what it was. */
    progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE | SYNCMGRPROGRESSITEM_STATUSTEXT
                    | SYNCMGRPROGRESSITEM_PROGVALUE;
    progress.dwStatusType = SYNCMGRSTATUS_SUCCEEDED;
    progress.lpcStatusText = L"copied";
    progress.iProgValue = 10;
    while (done < handler->chosen_count)
    {
        hr = ISyncMgrSynchronizeCallback_Progress(work->callback, &handler->chosen[done++],
                                                  &progress);
        if (hr == S_SYNCMGR_CANCELALL) goto cancelled;
    }
    log_call(handler->behaviour, "Finished items");
    complete_synchronize(work);
    return;

cancelled:
    /* An item whose success was reported stays finished. */
    progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE;
    progress.dwStatusType = SYNCMGRSTATUS_STOPPED;
    for (i = done; i < handler->chosen_count; i++)
        ISyncMgrSynchronizeCallback_Progress(work->callback, &handler->chosen[i], &progress);
    log_call(handler->behaviour, "Cancelled hr=%08lx", hr);
    complete_synchronize(work);
}

/* TEST_MODELESS: a window of its own for a while, when the manager grants
 * one, each step when the test lets it go; then every item done. */
static void synchronize_modeless(struct work *work)
{
    struct handler *handler = work->handler;
    HRESULT hr;
    ULONG i;

    wait_for_release(handler->behaviour, 1);
    hr = ISyncMgrSynchronizeCallback_EnableModeless(work->callback, TRUE);
    log_call(handler->behaviour, "EnableModeless TRUE hr=%08lx", hr);
    if (hr == S_OK)
    {
        wait_for_release(handler->behaviour, 2);
        hr = ISyncMgrSynchronizeCallback_EnableModeless(work->callback, FALSE);
        log_call(handler->behaviour, "EnableModeless FALSE hr=%08lx", hr);
    }
    for (i = 0; i < handler->chosen_count; i++)
        report(work->callback, &handler->chosen[i], SYNCMGRSTATUS_SUCCEEDED);
    complete_synchronize(work);
}

static DWORD WINAPI work_thread(void *arg)
{
    struct work *work = arg;
    struct handler *handler = work->handler;
    HRESULT hr = S_OK;
    ULONG i;
    int n;

    switch (work->what)
    {
    case WORK_PREPARE:
        Sleep(50);
        complete_prepare(work);
        break;
    case WORK_SYNCHRONIZE:
    case WORK_SLOW:
        Sleep(work->what == WORK_SLOW ? 1000 : 50);
        synchronize_items(handler, work->callback);
        complete_synchronize(work);
        break;
    case WORK_CANCEL:
        for (n = 0; n < 3000; n++)
        {
            hr = report(work->callback, &handler->chosen[0], SYNCMGRSTATUS_UPDATING);
            if (hr == S_SYNCMGR_CANCELITEM || hr == S_SYNCMGR_CANCELALL) break;
            Sleep(20);
        }
        log_call(handler->behaviour, "Cancelled hr=%08lx", hr);
        for (i = 0; i < handler->chosen_count; i++)
            report(work->callback, &handler->chosen[i], SYNCMGRSTATUS_STOPPED);
        complete_synchronize(work);
        break;
    case WORK_PREPARE_UNTIL_SKIPPED:
        /* The manager waits for the completion meanwhile: the prepare window. */
        WaitForSingleObject(handler->skip_event, 30000);
        handler->window = WINDOW_NONE;
        complete_prepare(work);
        break;
    case WORK_SKIP:
        /* Item 1 takes until Progress answers that it is cancelled (20 s at
         * most); the others are done at once. */
        for (i = 0; i < handler->chosen_count; i++)
        {
            const GUID *item = &handler->chosen[i];
            DWORD status = SYNCMGRSTATUS_SUCCEEDED;

            for (n = 0; n < 1000; n++)
            {
                hr = report(work->callback, item, SYNCMGRSTATUS_UPDATING);
                if (hr == S_SYNCMGR_CANCELITEM || hr == S_SYNCMGR_CANCELALL)
                {
                    /* A skip also comes as SetItemStatus, while this call is
                     * pending: waited for, so that the log is in order. */
                    if (hr == S_SYNCMGR_CANCELITEM && !handler->skipped[i])
                        WaitForSingleObject(handler->skip_event, 5000);
                    log_call(handler->behaviour, "Skipping %02x hr=%08lx told=%ld", item->Data4[7], hr,
                             handler->skipped[i]);
                    status = hr == S_SYNCMGR_CANCELALL ? SYNCMGRSTATUS_STOPPED : SYNCMGRSTATUS_SKIPPED;
                    break;
                }
                if (item->Data4[7] != 1) break;
                Sleep(20);
            }
            if (n == 1000) status = SYNCMGRSTATUS_FAILED;
            report(work->callback, item, status);
        }
        handler->window = WINDOW_NONE;
        complete_synchronize(work);
        break;
    case WORK_CRASH:
        Sleep(50);
        log_call(handler->behaviour, "Crashing");
        *(volatile int *)0 = 1;
        break;
    case WORK_FLIP:
        /* The page of the item ID Synchronize keeps reporting, unreadable
         * every other moment. */
        for (n = 0; n <= 20000; n++)
        {
            DWORD old;
            VirtualProtect(handler->flip_page, 4096, n & 1 ? PAGE_NOACCESS : PAGE_READONLY, &old);
        }
        log_call(handler->behaviour, "FlipsDone");
        InterlockedExchange(&handler->flips_done, 1);
        break;
    case WORK_LATE:
        /* Calls on a callback the manager has taken back. */
        WaitForSingleObject(handler->released_event, 30000);
        hr = report(work->callback, &handler->chosen[0], SYNCMGRSTATUS_FAILED);
        log_call(handler->behaviour, "LateProgress hr=%08lx", hr);
        hr = log_error(work->callback, SYNCMGRLOGLEVEL_ERROR, L"too late", NULL, NULL, 0);
        log_call(handler->behaviour, "LateLogError hr=%08lx", hr);
        break;
    case WORK_PROPERTIES:
        complete_properties(work);
        break;
    case WORK_PROGRESS_TEXT:
        synchronize_progress_text(work);
        break;
    case WORK_MODELESS:
        synchronize_modeless(work);
        break;
    }
    ISyncMgrSynchronizeCallback_Release(work->callback);
    ISyncMgrSynchronize_Release(&handler->ISyncMgrSynchronize_iface);
    free(work);
    return 0;
}

static HANDLE start_work(struct handler *handler, int what);

/* Like a careful handler, it lets its threads end before it lets go. */
static void start_worker(struct handler *handler, int what)
{
    HANDLE thread = start_work(handler, what);

    if (handler->worker_count < ARRAYSIZE(handler->workers))
        handler->workers[handler->worker_count++] = thread;
    else
        CloseHandle(thread);
}

static HANDLE start_work(struct handler *handler, int what)
{
    struct work *work = malloc(sizeof(*work));

    work->handler = handler;
    work->callback = handler->callback;
    work->what = what;
    ISyncMgrSynchronizeCallback_AddRef(work->callback);
    ISyncMgrSynchronize_AddRef(&handler->ISyncMgrSynchronize_iface);
    return CreateThread(NULL, 0, work_thread, work, 0, NULL);
}

/* --- ISyncMgrSynchronize ---------------------------------------------------- */

static HRESULT WINAPI handler_QueryInterface(ISyncMgrSynchronize *iface, REFIID riid, void **obj)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrSynchronize))
    {
        *obj = iface;
        ISyncMgrSynchronize_AddRef(iface);
        return S_OK;
    }
    log_call(handler->behaviour, "QueryInterface {%08lx-...}", riid->Data1);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI handler_AddRef(ISyncMgrSynchronize *iface)
{
    return InterlockedIncrement(&impl_from_ISyncMgrSynchronize(iface)->refcount);
}

static ULONG WINAPI handler_Release(ISyncMgrSynchronize *iface)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);
    ULONG refcount = InterlockedDecrement(&handler->refcount);

    if (!refcount)
    {
        log_call(handler->behaviour, "Destroyed");
        if (handler->callback) ISyncMgrSynchronizeCallback_Release(handler->callback);
        CloseHandle(handler->released_event);
        CloseHandle(handler->skip_event);
        free(handler);
        InterlockedDecrement(&module_refs);
    }
    return refcount;
}

static HRESULT WINAPI handler_Initialize(ISyncMgrSynchronize *iface, DWORD reserved, DWORD flags,
        DWORD size, const BYTE *cookie)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);
    DWORD hash = 2166136261u, i;

    if (handler->behaviour == TEST_BLOCK_INIT)
    {
        /* Still at work when the manager's time limit is over; then it reads
         * its cookie, which the documentation says is valid for the call. */
        log_call(handler->behaviour, "Blocking");
        wait_for_release(handler->behaviour, handler->serial);
    }
    handler->initialized = GetTickCount();
    for (i = 0; cookie && i < size; i++) hash = (hash ^ cookie[i]) * 16777619u;
    log_call(handler->behaviour, "Initialize reserved=%lu flags=%08lx cookie=%lu:%08lx", reserved,
             flags, cookie ? size : 0, hash);
    return handler->behaviour == TEST_NOT_TAKING_PART ? S_FALSE : S_OK;
}

static HRESULT WINAPI handler_GetHandlerInfo(ISyncMgrSynchronize *iface, SYNCMGRHANDLERINFO **info)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);

    log_call(handler->behaviour, "GetHandlerInfo");
    if (handler->behaviour == TEST_NULL_INFO)
    {
        *info = NULL;
        return S_OK;
    }
    if (!(*info = CoTaskMemAlloc(sizeof(**info)))) return E_OUTOFMEMORY;
    memset(*info, 0, sizeof(**info));
    (*info)->cbSize = handler->behaviour == TEST_BAD_INFO_SIZE ? 12345 : sizeof(**info);
    (*info)->SyncMgrHandlerFlags = behaviour_flags(handler->behaviour);
    swprintf((*info)->wszHandlerName, MAX_SYNCMGRHANDLERNAME, L"Test handler %02x",
             handler->behaviour);
    /* The manager keeps a copy (or a worker sends its pixels): it stays ours. */
    (*info)->hIcon = LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION);
    return S_OK;
}

static HRESULT WINAPI handler_EnumSyncMgrItems(ISyncMgrSynchronize *iface, ISyncMgrEnumItems **items)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);
    struct enumerator *enumerator;

    log_call(handler->behaviour, "EnumSyncMgrItems");
    if (!(enumerator = calloc(1, sizeof(*enumerator)))) return E_OUTOFMEMORY;
    enumerator->ISyncMgrEnumItems_iface.lpVtbl = &enum_vtbl;
    enumerator->refcount = 1;
    enumerator->behaviour = handler->behaviour;
    enumerator->total = item_count(handler->behaviour);
    if (handler->behaviour == TEST_MANY_ITEMS)
    {
        char pace[16];

        if (GetEnvironmentVariableA(TEST_PACE_VARIABLE, pace, sizeof(pace)))
            enumerator->pace_until = handler->initialized + atoi(pace);
    }
    InterlockedIncrement(&module_refs);
    *items = &enumerator->ISyncMgrEnumItems_iface;
    return handler->behaviour == TEST_MISSING_ITEMS ? S_SYNCMGR_MISSINGITEMS : S_OK;
}

static HRESULT WINAPI handler_GetItemObject(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        REFIID riid, void **obj)
{
    *obj = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI handler_ShowProperties(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRITEMID item)
{
    static const GUID base = TEST_ITEM_ID(TEST_PROPERTIES, 0);
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);
    const char *which;
    char number[16];

    if (handler->behaviour != TEST_PROPERTIES)
    {
        log_call(handler->behaviour, "ShowProperties");
        return E_NOTIMPL;
    }
    /* GUID_NULL: the handler's own properties; otherwise one of its items. */
    if (!item) which = "NULL";
    else if (IsEqualGUID(item, &GUID_NULL)) which = "null";
    else if (!memcmp(item, &base, sizeof(base) - 1) && item->Data4[7] >= 1
             && item->Data4[7] <= TEST_PROPERTIES_MAX_ITEMS)
    {
        sprintf(number, "%u", (unsigned int)item->Data4[7]);
        which = number;
    }
    else which = "other";
    log_call(handler->behaviour, "ShowProperties parent=%s item=%s",
             IsWindow(parent) ? "window" : "none", which);
    if (!handler->callback)
    {
        log_call(handler->behaviour, "ShowProperties without callback");
        return E_UNEXPECTED;
    }
    /* Modeless, as the documentation allows: completed from another thread. */
    start_worker(handler, WORK_PROPERTIES);
    return S_OK;
}

static HRESULT WINAPI handler_SetProgressCallback(ISyncMgrSynchronize *iface,
        ISyncMgrSynchronizeCallback *callback)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);

    log_call(handler->behaviour, "SetProgressCallback %s", callback ? "callback" : "NULL");
    if (callback) ISyncMgrSynchronizeCallback_AddRef(callback);
    if (handler->callback) ISyncMgrSynchronizeCallback_Release(handler->callback);
    handler->callback = callback;
    if (!callback)
    {
        while (handler->worker_count)
        {
            HANDLE thread = handler->workers[--handler->worker_count];
            WaitForSingleObject(thread, 10000);
            CloseHandle(thread);
        }
    }
    if (!callback && handler->late_thread)
    {
        /* Let the late calls happen now, and be recorded before we return. */
        SetEvent(handler->released_event);
        WaitForSingleObject(handler->late_thread, 10000);
        CloseHandle(handler->late_thread);
        handler->late_thread = NULL;
    }
    return S_OK;
}

static HRESULT WINAPI handler_PrepareForSync(ISyncMgrSynchronize *iface, ULONG count,
        SYNCMGRITEMID *ids, HWND parent, DWORD reserved)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);
    char list[512] = "";
    ULONG i;
    HRESULT hr;

    for (i = 0; i < count && i < ARRAYSIZE(handler->chosen); i++)
    {
        handler->chosen[i] = ids[i];
        sprintf(list + strlen(list), "%s%02x", i ? "," : "", ids[i].Data4[7]);
    }
    handler->chosen_count = i;
    log_call(handler->behaviour, "PrepareForSync items=%s", list);

    if (handler->behaviour == TEST_GOOD_ASYNC || handler->behaviour == TEST_PROGRESS_TEXT
        || handler->behaviour == TEST_MODELESS || handler->behaviour == TEST_MODELESS2)
    {
        start_worker(handler, WORK_PREPARE);
        return S_OK;
    }
    if (handler->behaviour == TEST_SKIP && strstr(list, "03"))
    {
        handler->window = WINDOW_PREPARE;
        start_worker(handler, WORK_PREPARE_UNTIL_SKIPPED);
        return S_OK;
    }
    hr = ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(handler->callback, S_OK);
    log_call(handler->behaviour, "PrepareForSyncCompleted hr=%08lx", hr);
    if (handler->behaviour == TEST_RULE_BREAKER)
    {
        hr = ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(handler->callback, S_OK);
        log_call(handler->behaviour, "PrepareForSyncCompleted hr=%08lx", hr);
    }
    return S_OK;
}

static HRESULT WINAPI handler_Synchronize(ISyncMgrSynchronize *iface, HWND parent)
{
    static const GUID unknown = { 0xdeadbeef };
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);
    HRESULT hr;

    handler->synchronize_count++;
    log_call(handler->behaviour, "Synchronize");
    switch (handler->behaviour)
    {
    case TEST_GOOD_ASYNC:
        start_worker(handler, WORK_SYNCHRONIZE);
        return S_OK;
    case TEST_CANCEL:
        start_worker(handler, WORK_CANCEL);
        return S_OK;
    case TEST_PROGRESS_TEXT:
        start_worker(handler, WORK_PROGRESS_TEXT);
        return S_OK;
    case TEST_MODELESS:
    case TEST_MODELESS2:
        start_worker(handler, WORK_MODELESS);
        return S_OK;
    case TEST_SKIP:
        handler->window = WINDOW_SYNCHRONIZE;
        start_worker(handler, WORK_SKIP);
        return S_OK;
    case TEST_HANG:
        return S_OK;
    case TEST_CRASH:
        log_call(handler->behaviour, "Crashing");
        *(volatile int *)0 = 1;
        return S_OK;
    case TEST_CRASH_WORKER:
        CloseHandle(start_work(handler, WORK_CRASH));
        return S_OK;
    case TEST_CRASH_LATE:
    {
        /* Its thread crashed; the call returns afterwards, failing. */
        HANDLE thread = start_work(handler, WORK_CRASH);

        WaitForSingleObject(thread, 30000);
        CloseHandle(thread);
        log_call(handler->behaviour, "LateReturn");
        return E_FAIL;
    }
    case TEST_FLIP:
    {
        unsigned int other = 0;
        HANDLE thread;

        handler->flip_page = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
        *handler->flip_page = handler->chosen[0];
        thread = start_work(handler, WORK_FLIP);
        while (!handler->flips_done)
        {
            /* S_OK or, when the page was unreadable, E_INVALIDARG. */
            hr = report(handler->callback, handler->flip_page, SYNCMGRSTATUS_UPDATING);
            if (hr != S_OK && hr != E_INVALIDARG) other++;
        }
        WaitForSingleObject(thread, 30000);
        CloseHandle(thread);
        log_call(handler->behaviour, "Flipped other=%u", other);
        VirtualFree(handler->flip_page, 0, MEM_RELEASE);
        break;
    }
    case TEST_RULE_BREAKER:
        hr = report(handler->callback, &unknown, SYNCMGRSTATUS_SUCCEEDED);
        log_call(handler->behaviour, "UnknownProgress hr=%08lx", hr);
        hr = ISyncMgrSynchronizeCallback_ShowErrorCompleted(handler->callback, S_OK, 0, NULL);
        log_call(handler->behaviour, "ShowErrorCompleted hr=%08lx", hr);
        handler->late_thread = start_work(handler, WORK_LATE);
        break;
    default:
        if (handler->behaviour >= TEST_SLOW_FIRST && handler->behaviour <= TEST_SLOW_LAST)
        {
            start_worker(handler, WORK_SLOW);
            return S_OK;
        }
        break;
    }
    synchronize_items(handler, handler->callback);
    hr = ISyncMgrSynchronizeCallback_SynchronizeCompleted(handler->callback, S_OK);
    log_call(handler->behaviour, "SynchronizeCompleted hr=%08lx", hr);
    if (handler->behaviour == TEST_RULE_BREAKER)
    {
        hr = ISyncMgrSynchronizeCallback_SynchronizeCompleted(handler->callback, S_OK);
        log_call(handler->behaviour, "SynchronizeCompleted hr=%08lx", hr);
    }
    return S_OK;
}

static HRESULT WINAPI handler_SetItemStatus(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        DWORD status)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);
    ULONG i;

    log_call(handler->behaviour, "SetItemStatus %02x %lu window=%s", item->Data4[7], status,
             window_names[handler->window]);
    for (i = 0; i < handler->chosen_count; i++)
        if (IsEqualGUID(item, &handler->chosen[i]) && status == SYNCMGRSTATUS_SKIPPED)
            handler->skipped[i] = TRUE;
    if (handler->skip_event) SetEvent(handler->skip_event);
    return S_OK;
}

static HRESULT WINAPI handler_ShowError(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRERRORID id)
{
    struct handler *handler = impl_from_ISyncMgrSynchronize(iface);
    HRESULT hr;

    log_call(handler->behaviour, "ShowError");
    if (handler->behaviour != TEST_RETRY) return E_NOTIMPL;
    hr = ISyncMgrSynchronizeCallback_ShowErrorCompleted(handler->callback, S_SYNCMGR_RETRYSYNC, 1,
                                                        &handler->chosen[0]);
    log_call(handler->behaviour, "ShowErrorCompleted hr=%08lx", hr);
    return S_OK;
}

static const ISyncMgrSynchronizeVtbl handler_vtbl =
{
    handler_QueryInterface,
    handler_AddRef,
    handler_Release,
    handler_Initialize,
    handler_GetHandlerInfo,
    handler_EnumSyncMgrItems,
    handler_GetItemObject,
    handler_ShowProperties,
    handler_SetProgressCallback,
    handler_PrepareForSync,
    handler_Synchronize,
    handler_SetItemStatus,
    handler_ShowError,
};

/* --- class factory ---------------------------------------------------------- */

struct factory
{
    IClassFactory IClassFactory_iface;
    int behaviour;
    LONG created;
};

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory))
    {
        *obj = iface;
        IClassFactory_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI factory_AddRef(IClassFactory *iface)
{
    InterlockedIncrement(&module_refs);
    return 2;
}

static ULONG WINAPI factory_Release(IClassFactory *iface)
{
    InterlockedDecrement(&module_refs);
    return 1;
}

/* The process that started this one, while both run. */
static DWORD parent_process(void)
{
    PROCESSENTRY32 entry = { sizeof(entry) };
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    DWORD parent = 0;

    if (snapshot == INVALID_HANDLE_VALUE) return 0;
    if (Process32First(snapshot, &entry))
    {
        do if (entry.th32ProcessID == GetCurrentProcessId()) parent = entry.th32ParentProcessID;
        while (!parent && Process32Next(snapshot, &entry));
    }
    CloseHandle(snapshot);
    return parent;
}

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
        void **obj)
{
    struct factory *factory = CONTAINING_RECORD(iface, struct factory, IClassFactory_iface);
    struct handler *handler;
    HRESULT hr;

    *obj = NULL;
    if (outer) return CLASS_E_NOAGGREGATION;
    if (factory->behaviour >= TEST_CHAOS_FIRST && factory->behaviour <= TEST_CHAOS_LAST)
        return chaos_create(factory->behaviour, riid, obj);
    if (factory->behaviour >= TEST_GALLERY_FIRST && factory->behaviour <= TEST_GALLERY_LAST)
        return gallery_create(factory->behaviour, riid, obj);
    if (!(handler = calloc(1, sizeof(*handler)))) return E_OUTOFMEMORY;
    handler->ISyncMgrSynchronize_iface.lpVtbl = &handler_vtbl;
    handler->refcount = 1;
    handler->behaviour = factory->behaviour;
    handler->serial = InterlockedIncrement(&factory->created);
    handler->released_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    handler->skip_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    InterlockedIncrement(&module_refs);
    /* Which architecture (and process) runs it, when a test asks. */
    if (GetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, NULL, 0))
        log_call(handler->behaviour, "Created bits=%u pid=%04lx parent=%04lx", (UINT)sizeof(void *) * 8,
                 GetCurrentProcessId(), parent_process());
    else log_call(handler->behaviour, "Created");
    hr = ISyncMgrSynchronize_QueryInterface(&handler->ISyncMgrSynchronize_iface, riid, obj);
    ISyncMgrSynchronize_Release(&handler->ISyncMgrSynchronize_iface);
    return hr;
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock)
{
    if (lock) InterlockedIncrement(&module_refs);
    else InterlockedDecrement(&module_refs);
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl =
{
    factory_QueryInterface,
    factory_AddRef,
    factory_Release,
    factory_CreateInstance,
    factory_LockServer,
};

static struct factory factories[TEST_HANDLER_COUNT];

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **obj)
{
    static const CLSID base = TEST_HANDLER_CLSID(0);
    int n = clsid->Data4[7];

    *obj = NULL;
    if (memcmp(clsid, &base, sizeof(base) - 1) || n >= (int)ARRAYSIZE(factories) || !n)
        return CLASS_E_CLASSNOTAVAILABLE;
    factories[n].IClassFactory_iface.lpVtbl = &factory_vtbl;
    factories[n].behaviour = n;
    return IClassFactory_QueryInterface(&factories[n].IClassFactory_iface, riid, obj);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return module_refs ? S_FALSE : S_OK;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH)
    {
        InitializeCriticalSection(&log_cs);
        DisableThreadLibraryCalls(instance);
    }
    return TRUE;
}
