/*
 * The gallery of the handler conformance checker (mobsync /check:{CLSID}):
 * one compact ISyncMgrSynchronize implementation that keeps every rule
 * docs/checker.md lists, except for the one its behaviour number names
 * (TEST_GALLERY_*, testhandler.h). Checking handler 0x50 finds nothing
 * wrong, nor does checking 0x73, which only reports more than the checker
 * keeps; checking any other finds exactly its one broken rule, and the
 * checker's tests hold it to that. Every call is recorded with log_call()
 * as in testhandler.c.
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
#include "objbase.h"
#include "mobsync.h"
#include "testhandler.h"
#include "handlers_private.h"

#define GALLERY_ITEMS 2
#define GALLERY_MAX_CHOSEN 16
/* The item TEST_GALLERY_FOREIGN_ITEM reports on without having enumerated it. */
#define GALLERY_FOREIGN_ITEM 9
/* TEST_GALLERY_IGNORES_CANCEL: so many Progress calls, one every 100 ms,
 * once told to stop: more than the checker's 5 s. */
#define GALLERY_STUBBORN_STEPS 55
/* TEST_GALLERY_FLOOD: so many Progress calls for item 1, 500 more than the
 * checker's MAX_CALLS. */
#define GALLERY_FLOOD_CALLS 100500

struct gallery
{
    ISyncMgrSynchronize ISyncMgrSynchronize_iface;
    LONG refcount;
    int behaviour;
    DWORD flags;                /* Initialize's SYNCMGRFLAG_* */
    ISyncMgrSynchronizeCallback *callback;
    ISyncMgrSynchronizeCallback *kept;        /* TEST_GALLERY_COMPLETE_AFTER_RELEASE */
    ISyncMgrSynchronizeCallback *thread_callback; /* the thread's own reference */
    SYNCMGRITEMID chosen[GALLERY_MAX_CHOSEN];
    ULONG chosen_count;
    volatile LONG skipped[GALLERY_MAX_CHOSEN]; /* SetItemStatus(SKIPPED) came for chosen[i] */
    volatile LONG stopped;      /* CANCELALL, or SetItemStatus(GUID_NULL, STOPPED) */
    BOOL synchronized;          /* Synchronize started a thread since the last callback */
    HANDLE thread;
    DWORD thread_id;
    HANDLE quit_event;          /* set when the callback is taken back or the object goes */
    BOOL orphaned;              /* the last reference went on its own thread */
};

struct gallery_enum
{
    ISyncMgrEnumItems ISyncMgrEnumItems_iface;
    LONG refcount;
    struct gallery *gallery;
    ULONG pos;
    ULONG start;                /* where Reset goes back to */
};

static inline struct gallery *impl_from_ISyncMgrSynchronize(ISyncMgrSynchronize *iface)
{
    return CONTAINING_RECORD(iface, struct gallery, ISyncMgrSynchronize_iface);
}

static inline struct gallery_enum *impl_from_ISyncMgrEnumItems(ISyncMgrEnumItems *iface)
{
    return CONTAINING_RECORD(iface, struct gallery_enum, ISyncMgrEnumItems_iface);
}

static void make_item_id(int behaviour, unsigned int index, GUID *id)
{
    static const GUID base = TEST_ITEM_ID(0, 0);

    *id = base;
    id->Data4[6] = behaviour;
    id->Data4[7] = index;
}

/* Which of its items an ID is (1, 2, ...), or 0 for one that is not its. */
static unsigned int item_number(int behaviour, const GUID *id)
{
    GUID own;

    make_item_id(behaviour, id->Data4[7], &own);
    return IsEqualGUID(id, &own) ? id->Data4[7] : 0;
}

/* How the log names an item: "01" for its item 1, "null" for GUID_NULL
 * (all of them), the whole GUID for anything else. */
static const char *item_name(int behaviour, const GUID *id, char *buffer)
{
    if (!id) return "NULL";
    if (IsEqualGUID(id, &GUID_NULL)) return "null";
    if (item_number(behaviour, id)) sprintf(buffer, "%02x", id->Data4[7]);
    else
        sprintf(buffer, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", id->Data1,
                id->Data2, id->Data3, id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3],
                id->Data4[4], id->Data4[5], id->Data4[6], id->Data4[7]);
    return buffer;
}

/* --- items ------------------------------------------------------------------ */

static void fill_item(int behaviour, ULONG index, SYNCMGRITEM *item)
{
    ULARGE_INTEGER time;

    memset(item, 0, sizeof(*item));
    item->cbSize = sizeof(*item);
    make_item_id(behaviour, index + 1, &item->ItemID);
    item->dwItemState = SYNCMGRITEMSTATE_CHECKED;
    swprintf(item->wszItemName, MAX_SYNCMGRITEMNAME, L"Item %u", (unsigned int)index + 1);
    if (index == 0)
    {
        /* A time the checker can tell is plausible: an hour ago. */
        GetSystemTimeAsFileTime(&item->ftLastUpdate);
        time.u.LowPart = item->ftLastUpdate.dwLowDateTime;
        time.u.HighPart = item->ftLastUpdate.dwHighDateTime;
        time.QuadPart -= 3600 * (ULONGLONG)10000000;
        item->ftLastUpdate.dwLowDateTime = time.u.LowPart;
        item->ftLastUpdate.dwHighDateTime = time.u.HighPart;
        item->dwFlags = SYNCMGRITEM_HASPROPERTIES | SYNCMGRITEM_LASTUPDATETIME;
        return;
    }

    /* The item defects are all item 2's, so that item 1 shows the rule kept. */
    switch (behaviour)
    {
    case TEST_GALLERY_BAD_ITEM_SIZE:
        item->cbSize = sizeof(*item) - 4;
        break;
    case TEST_GALLERY_ITEM_STATE:
        item->dwItemState = SYNCMGRITEMSTATE_CHECKED + 1;
        break;
    case TEST_GALLERY_UNTERMINATED:
        wmemset(item->wszItemName, 'x', MAX_SYNCMGRITEMNAME);
        break;
    case TEST_GALLERY_BAD_FLAGS:
        item->dwFlags |= 0x80000000;
        break;
    case TEST_GALLERY_BAD_TIME:
        item->dwFlags |= SYNCMGRITEM_LASTUPDATETIME;
        break;
    }
}

/* --- ISyncMgrEnumItems ------------------------------------------------------- */

static HRESULT create_enum(struct gallery *gallery, ULONG pos, ISyncMgrEnumItems **items);

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
    struct gallery_enum *enumerator = impl_from_ISyncMgrEnumItems(iface);
    ULONG refcount = InterlockedDecrement(&enumerator->refcount);

    if (!refcount)
    {
        log_call(enumerator->gallery->behaviour, "EnumDestroyed");
        ISyncMgrSynchronize_Release(&enumerator->gallery->ISyncMgrSynchronize_iface);
        free(enumerator);
        InterlockedDecrement(&module_refs);
    }
    return refcount;
}

static HRESULT WINAPI enum_Next(ISyncMgrEnumItems *iface, ULONG count, SYNCMGRITEM *items,
        ULONG *fetched)
{
    struct gallery_enum *enumerator = impl_from_ISyncMgrEnumItems(iface);
    int behaviour = enumerator->gallery->behaviour;
    HRESULT hr;
    ULONG i;

    for (i = 0; i < count && enumerator->pos < GALLERY_ITEMS; i++, enumerator->pos++)
        fill_item(behaviour, enumerator->pos, &items[i]);
    if (fetched) *fetched = i;
    hr = i == count || behaviour == TEST_GALLERY_SHORT_READ_S_OK ? S_OK : S_FALSE;
    log_call(behaviour, "EnumNext count=%lu fetched=%lu hr=%08lx", count, i, hr);
    return hr;
}

static HRESULT WINAPI enum_Skip(ISyncMgrEnumItems *iface, ULONG count)
{
    struct gallery_enum *enumerator = impl_from_ISyncMgrEnumItems(iface);
    int behaviour = enumerator->gallery->behaviour;
    ULONG skipped = min(count, GALLERY_ITEMS - enumerator->pos);
    HRESULT hr;

    if (behaviour == TEST_GALLERY_SKIP_BROKEN)
    {
        log_call(behaviour, "EnumSkip count=%lu skipped=0 hr=00000000", count);
        return S_OK;
    }
    enumerator->pos += skipped;
    /* As a list whose Skip drops the items it skipped off its head. */
    if (behaviour == TEST_GALLERY_SKIP_MOVES_START) enumerator->start += skipped;
    hr = skipped == count ? S_OK : S_FALSE;
    log_call(behaviour, "EnumSkip count=%lu skipped=%lu hr=%08lx", count, skipped, hr);
    return hr;
}

static HRESULT WINAPI enum_Reset(ISyncMgrEnumItems *iface)
{
    struct gallery_enum *enumerator = impl_from_ISyncMgrEnumItems(iface);

    log_call(enumerator->gallery->behaviour, "EnumReset");
    if (enumerator->gallery->behaviour != TEST_GALLERY_RESET_IGNORED)
        enumerator->pos = enumerator->start;
    return S_OK;
}

static HRESULT WINAPI enum_Clone(ISyncMgrEnumItems *iface, ISyncMgrEnumItems **clone)
{
    struct gallery_enum *enumerator = impl_from_ISyncMgrEnumItems(iface);
    int behaviour = enumerator->gallery->behaviour;

    if (behaviour == TEST_GALLERY_CLONE_SHARED)
    {
        log_call(behaviour, "EnumClone shared");
        ISyncMgrEnumItems_AddRef(iface);
        *clone = iface;
        return S_OK;
    }
    if (behaviour == TEST_GALLERY_CLONE_FAILS)
    {
        log_call(behaviour, "EnumClone failed");
        *clone = NULL;
        return E_FAIL;
    }
    log_call(behaviour, "EnumClone pos=%lu", enumerator->pos);
    return create_enum(enumerator->gallery, enumerator->pos, clone);
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

/* Each enumerator holds a reference on the handler: the manager may keep it
 * longer than the handler. */
static HRESULT create_enum(struct gallery *gallery, ULONG pos, ISyncMgrEnumItems **items)
{
    struct gallery_enum *enumerator;

    *items = NULL;
    if (!(enumerator = calloc(1, sizeof(*enumerator)))) return E_OUTOFMEMORY;
    enumerator->ISyncMgrEnumItems_iface.lpVtbl = &enum_vtbl;
    enumerator->refcount = 1;
    enumerator->gallery = gallery;
    enumerator->pos = pos;
    ISyncMgrSynchronize_AddRef(&gallery->ISyncMgrSynchronize_iface);
    InterlockedIncrement(&module_refs);
    *items = &enumerator->ISyncMgrEnumItems_iface;
    return S_OK;
}

/* --- the synchronizing thread ------------------------------------------------ */

/* Whether the manager has taken the callback back (or let the object go):
 * from then on the thread calls nothing more on it. */
static BOOL taken_back(struct gallery *gallery)
{
    return WaitForSingleObject(gallery->quit_event, 0) != WAIT_TIMEOUT;
}

/* Recorded before it is made: the manager may act on it at once. */
static HRESULT progress(struct gallery *gallery, ISyncMgrSynchronizeCallback *callback,
        const GUID *item, DWORD status, int value, int max)
{
    SYNCMGRPROGRESSITEM info = { sizeof(info) };
    char name[64];
    HRESULT hr;

    info.mask = SYNCMGRPROGRESSITEM_STATUSTYPE;
    info.dwStatusType = status;
    if (max)
    {
        info.mask |= SYNCMGRPROGRESSITEM_PROGVALUE | SYNCMGRPROGRESSITEM_MAXVALUE;
        info.iProgValue = value;
        info.iMaxValue = max;
    }
    /* The Progress defects are all in item 2's report that it is at work. */
    if (status == SYNCMGRSTATUS_UPDATING && item_number(gallery->behaviour, item) == 2)
    {
        switch (gallery->behaviour)
        {
        case TEST_GALLERY_PROGRESS_SIZE:
            info.cbSize = sizeof(info) - 4;
            break;
        case TEST_GALLERY_PROGRESS_MASK:
            info.mask |= 0x100;
            break;
        case TEST_GALLERY_PROGRESS_STATUS:
            info.dwStatusType = SYNCMGRSTATUS_UPDATING_INDETERMINATE + 1;
            break;
        }
    }
    log_call(gallery->behaviour, "Progress %s status=%lu %d/%d",
             item_name(gallery->behaviour, item, name), status, value, max);
    hr = ISyncMgrSynchronizeCallback_Progress(callback, item, &info);
    if (hr != S_OK) log_call(gallery->behaviour, "Progress answered hr=%08lx", hr);
    if (hr == S_SYNCMGR_CANCELALL) InterlockedExchange(&gallery->stopped, TRUE);
    return hr;
}

/* Item 2 leaves a note in the log, one the user may open. */
static void log_details(struct gallery *gallery, ISyncMgrSynchronizeCallback *callback,
        const GUID *item)
{
    SYNCMGRLOGERRORINFO info = { sizeof(info) };
    DWORD level = SYNCMGRLOGLEVEL_INFORMATION;
    HRESULT hr;

    info.mask = SYNCMGRLOGERROR_ERRORFLAGS | SYNCMGRLOGERROR_ITEMID;
    info.dwSyncMgrErrorFlags = SYNCMGRERRORFLAG_ENABLEJUMPTEXT;
    info.ItemID = *item;
    switch (gallery->behaviour)
    {
    case TEST_GALLERY_LOG_LEVEL:
        level = 0;
        break;
    case TEST_GALLERY_LOG_INFO_SIZE:
        info.cbSize = sizeof(info) - 4;
        break;
    case TEST_GALLERY_LOG_INFO_MASK:
        info.mask |= 0x100;
        break;
    case TEST_GALLERY_LOG_ERROR_FLAGS:
        info.dwSyncMgrErrorFlags |= 0x02;
        break;
    }
    log_call(gallery->behaviour, "LogError");
    hr = ISyncMgrSynchronizeCallback_LogError(callback, level, L"Item 2: details available", &info);
    if (hr != S_OK) log_call(gallery->behaviour, "LogError answered hr=%08lx", hr);
}

/* Whether chosen item i is to end now, and with which status: the manager
 * cancelled it, or everything, through Progress's answer or SetItemStatus. */
static BOOL cancelled(struct gallery *gallery, ULONG i, HRESULT hr, DWORD *status)
{
    if (gallery->stopped)
    {
        *status = SYNCMGRSTATUS_STOPPED;
        return TRUE;
    }
    if (hr == S_SYNCMGR_CANCELITEM || gallery->skipped[i])
    {
        *status = SYNCMGRSTATUS_SKIPPED;
        return TRUE;
    }
    return FALSE;
}

/* One chosen item, from start to final status; FALSE when the callback was
 * taken back meanwhile. */
static BOOL synchronize_item(struct gallery *gallery, ISyncMgrSynchronizeCallback *callback,
        ULONG i)
{
    const GUID *item = &gallery->chosen[i];
    BOOL second = item_number(gallery->behaviour, item) == 2;
    DWORD status;
    HRESULT hr;

    if (taken_back(gallery)) return FALSE;
    if (!cancelled(gallery, i, S_OK, &status))
    {
        hr = progress(gallery, callback, item, SYNCMGRSTATUS_UPDATING, 1, 2);
        if (!cancelled(gallery, i, hr, &status))
        {
            if (WaitForSingleObject(gallery->quit_event, 50) != WAIT_TIMEOUT) return FALSE;
            if (!cancelled(gallery, i, S_OK, &status))
            {
                if (second) log_details(gallery, callback, item);
                status = SYNCMGRSTATUS_SUCCEEDED;
                if (second && gallery->behaviour == TEST_GALLERY_NO_FINAL_STATUS)
                    status = SYNCMGRSTATUS_UPDATING;
                progress(gallery, callback, item, status, 2, 2);
                return TRUE;
            }
        }
    }
    progress(gallery, callback, item, status, 0, 0);
    return TRUE;
}

/* TEST_GALLERY_IGNORES_CANCEL: its items in turn, quickly; told to stop
 * (Progress's answer, SetItemStatus), it goes on regardless for
 * GALLERY_STUBBORN_STEPS steps of 100 ms, then reports them all done. */
static BOOL synchronize_stubbornly(struct gallery *gallery, ISyncMgrSynchronizeCallback *callback)
{
    ULONG count = gallery->chosen_count, i;
    BOOL told = FALSE;
    HRESULT hr;
    int step;

    for (i = 0; i < count; i++)
    {
        hr = progress(gallery, callback, &gallery->chosen[i], SYNCMGRSTATUS_UPDATING, 1, 2);
        if (hr == S_SYNCMGR_CANCELITEM || hr == S_SYNCMGR_CANCELALL) told = TRUE;
        if (WaitForSingleObject(gallery->quit_event, 50) != WAIT_TIMEOUT) return FALSE;
    }
    /* A second for the manager to pass a request on, asking again and again. */
    for (step = 0; count && !told && step < 10; step++)
    {
        told = gallery->stopped;
        for (i = 0; i < count && !told; i++) if (gallery->skipped[i]) told = TRUE;
        hr = progress(gallery, callback, &gallery->chosen[0], SYNCMGRSTATUS_UPDATING, 1, 2);
        if (hr == S_SYNCMGR_CANCELITEM || hr == S_SYNCMGR_CANCELALL) told = TRUE;
        if (WaitForSingleObject(gallery->quit_event, 100) != WAIT_TIMEOUT) return FALSE;
    }
    for (step = 1; told && step <= GALLERY_STUBBORN_STEPS; step++)
    {
        progress(gallery, callback, &gallery->chosen[0], SYNCMGRSTATUS_UPDATING, step, GALLERY_STUBBORN_STEPS);
        if (WaitForSingleObject(gallery->quit_event, 100) != WAIT_TIMEOUT) return FALSE;
    }
    for (i = 0; i < count; i++)
    {
        if (item_number(gallery->behaviour, &gallery->chosen[i]) == 2)
            log_details(gallery, callback, &gallery->chosen[i]);
        progress(gallery, callback, &gallery->chosen[i], SYNCMGRSTATUS_SUCCEEDED, 1, 1);
    }
    return TRUE;
}

static BOOL CALLBACK close_box(HWND hwnd, LPARAM lparam)
{
    PostMessageW(hwnd, WM_COMMAND, IDOK, 0);
    return TRUE;
}

static void show_box(struct gallery *gallery)
{
    WCHAR text[64], title[32];
    int ret;

    /* Not when the callback is already taken back: nobody would wait for it. */
    if (taken_back(gallery)) return;
    swprintf(text, ARRAYSIZE(text), L"Gallery %02x asks something", gallery->behaviour);
    swprintf(title, ARRAYSIZE(title), L"Gallery %02x", gallery->behaviour);
    log_call(gallery->behaviour, "MessageBox");
    ret = MessageBoxW(NULL, text, title, MB_OK);
    log_call(gallery->behaviour, "MessageBox closed ret=%d", ret);
}

/* TEST_GALLERY_WINDOW_UNASKED and TEST_GALLERY_NO_MODELESS: a question for
 * the user before the items. Asking is allowed only with
 * SYNCMGRFLAG_MAYBOTHERUSER, and only between EnableModeless(TRUE), when
 * granted, and EnableModeless(FALSE). */
static void ask_user(struct gallery *gallery, ISyncMgrSynchronizeCallback *callback)
{
    BOOL may_bother = !!(gallery->flags & SYNCMGRFLAG_MAYBOTHERUSER);
    HRESULT hr;

    if (gallery->behaviour == TEST_GALLERY_NO_MODELESS)
    {
        if (may_bother) show_box(gallery);
        return;
    }
    if (!may_bother)
    {
        show_box(gallery);
        return;
    }
    hr = ISyncMgrSynchronizeCallback_EnableModeless(callback, TRUE);
    log_call(gallery->behaviour, "EnableModeless TRUE hr=%08lx", hr);
    if (hr != S_OK) return;
    show_box(gallery);
    if (taken_back(gallery)) return;
    hr = ISyncMgrSynchronizeCallback_EnableModeless(callback, FALSE);
    log_call(gallery->behaviour, "EnableModeless FALSE hr=%08lx", hr);
}

static void complete(struct gallery *gallery, ISyncMgrSynchronizeCallback *callback)
{
    HRESULT hr;

    log_call(gallery->behaviour, "SynchronizeCompleted");
    hr = ISyncMgrSynchronizeCallback_SynchronizeCompleted(callback, S_OK);
    if (hr != S_OK) log_call(gallery->behaviour, "SynchronizeCompleted answered hr=%08lx", hr);
}

/* TEST_GALLERY_FLOOD: item 1 at work, reported GALLERY_FLOOD_CALLS times
 * (logged once, not each time) unless the manager says to stop; FALSE when
 * the callback was taken back meanwhile. */
static BOOL flood(struct gallery *gallery, ISyncMgrSynchronizeCallback *callback)
{
    SYNCMGRPROGRESSITEM info = { sizeof(info) };
    HRESULT hr = S_OK;
    ULONG i;

    if (!gallery->chosen_count) return TRUE;
    info.mask = SYNCMGRPROGRESSITEM_STATUSTYPE | SYNCMGRPROGRESSITEM_PROGVALUE
            | SYNCMGRPROGRESSITEM_MAXVALUE;
    info.dwStatusType = SYNCMGRSTATUS_UPDATING;
    info.iMaxValue = GALLERY_FLOOD_CALLS;
    log_call(gallery->behaviour, "Progress flood");
    for (i = 0; i < GALLERY_FLOOD_CALLS && hr == S_OK; i++)
    {
        if (!(i % 1000) && taken_back(gallery)) return FALSE;
        info.iProgValue = i;
        hr = ISyncMgrSynchronizeCallback_Progress(callback, &gallery->chosen[0], &info);
    }
    log_call(gallery->behaviour, "Progress flood: %lu calls, the last answered hr=%08lx", i, hr);
    if (hr == S_SYNCMGR_CANCELITEM) InterlockedExchange(&gallery->skipped[0], TRUE);
    if (hr == S_SYNCMGR_CANCELALL) InterlockedExchange(&gallery->stopped, TRUE);
    return TRUE;
}

/* FALSE when the callback was taken back before the work was done. */
static BOOL synchronize(struct gallery *gallery, ISyncMgrSynchronizeCallback *callback)
{
    GUID foreign;
    HRESULT hr;
    ULONG i;

    switch (gallery->behaviour)
    {
    case TEST_GALLERY_HANG:
        log_call(gallery->behaviour, "Hanging");
        WaitForSingleObject(gallery->quit_event, INFINITE);
        return FALSE;
    case TEST_GALLERY_WINDOW_UNASKED:
    case TEST_GALLERY_NO_MODELESS:
        ask_user(gallery, callback);
        break;
    case TEST_GALLERY_FOREIGN_ITEM:
        make_item_id(gallery->behaviour, GALLERY_FOREIGN_ITEM, &foreign);
        progress(gallery, callback, &foreign, SYNCMGRSTATUS_UPDATING, 1, 2);
        break;
    case TEST_GALLERY_IGNORES_CANCEL:
        return synchronize_stubbornly(gallery, callback);
    case TEST_GALLERY_COMPLETE_UNASKED:
        log_call(gallery->behaviour, "ShowErrorCompleted unasked");
        hr = ISyncMgrSynchronizeCallback_ShowErrorCompleted(callback, S_OK, 0, NULL);
        log_call(gallery->behaviour, "ShowErrorCompleted answered hr=%08lx", hr);
        break;
    case TEST_GALLERY_FLOOD:
        if (!flood(gallery, callback)) return FALSE;
        break;
    }
    for (i = 0; i < gallery->chosen_count; i++)
        if (!synchronize_item(gallery, callback, i)) return FALSE;
    return TRUE;
}

/* TEST_GALLERY_LATE: the thread of the first synchronization in the process
 * keeps a reference on its callback and waits until the next instance is
 * made (late_made), which the checker does only once it judged the path
 * before; then it completes the synchronization a second time, and says
 * it is done (late_done). The DLL stays loaded from then on: each path's
 * apartment unloads it otherwise, and the next would start another. */
static HANDLE late_made, late_done;
static LONG late_started;

static DWORD WINAPI late_thread(void *arg)
{
    ISyncMgrSynchronizeCallback *callback = arg;
    HRESULT hr;

    WaitForSingleObject(late_made, INFINITE);
    log_call(TEST_GALLERY_LATE, "Late SynchronizeCompleted");
    hr = ISyncMgrSynchronizeCallback_SynchronizeCompleted(callback, S_OK);
    log_call(TEST_GALLERY_LATE, "Late SynchronizeCompleted answered hr=%08lx", hr);
    ISyncMgrSynchronizeCallback_Release(callback);
    SetEvent(late_done);
    return 0;
}

static void start_late_thread(ISyncMgrSynchronizeCallback *callback)
{
    HMODULE module;
    HANDLE thread;

    if (InterlockedExchange(&late_started, TRUE)) return;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                       (const WCHAR *)late_thread, &module);
    late_made = CreateEventW(NULL, TRUE, FALSE, NULL);
    late_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    ISyncMgrSynchronizeCallback_AddRef(callback);
    if (!(thread = CreateThread(NULL, 0, late_thread, callback, 0, NULL)))
    {
        ISyncMgrSynchronizeCallback_Release(callback);
        SetEvent(late_done);
        return;
    }
    log_call(TEST_GALLERY_LATE, "Late thread started");
    CloseHandle(thread);
}

static void gallery_free(struct gallery *gallery);

static DWORD WINAPI sync_thread(void *arg)
{
    struct gallery *gallery = arg;
    ISyncMgrSynchronizeCallback *callback = gallery->thread_callback;

    if (synchronize(gallery, callback))
    {
        complete(gallery, callback);
    }
    else log_call(gallery->behaviour, "Stopped: the callback was taken back");
    ISyncMgrSynchronizeCallback_Release(callback);
    if (gallery->orphaned) gallery_free(gallery);
    return 0;
}

/* Tells the thread to stop, closes its message box if it shows one, and
 * waits until it has ended, so that nothing of it runs once the callback
 * is taken back or the object is gone. Not when the manager calls in on
 * that very thread, from within a callback: it would wait for itself. */
static void join_thread(struct gallery *gallery)
{
    if (!gallery->thread) return;
    SetEvent(gallery->quit_event);
    if (gallery->thread_id == GetCurrentThreadId())
    {
        log_call(gallery->behaviour, "Not joining its own thread");
        return;
    }
    while (WaitForSingleObject(gallery->thread, 100) == WAIT_TIMEOUT)
        EnumThreadWindows(gallery->thread_id, close_box, 0);
    CloseHandle(gallery->thread);
    gallery->thread = NULL;
}

/* Whether the thread of the last Synchronize is still at work; its handle
 * is closed once it is not. */
static BOOL thread_busy(struct gallery *gallery)
{
    if (!gallery->thread) return FALSE;
    if (WaitForSingleObject(gallery->thread, 0) == WAIT_TIMEOUT) return TRUE;
    CloseHandle(gallery->thread);
    gallery->thread = NULL;
    return FALSE;
}

/* --- ISyncMgrSynchronize ------------------------------------------------------ */

static HRESULT WINAPI gallery_QueryInterface(ISyncMgrSynchronize *iface, REFIID riid, void **obj)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrSynchronize))
    {
        *obj = iface;
        ISyncMgrSynchronize_AddRef(iface);
        return S_OK;
    }
    log_call(gallery->behaviour, "QueryInterface {%08lx-...}", riid->Data1);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI gallery_AddRef(ISyncMgrSynchronize *iface)
{
    return InterlockedIncrement(&impl_from_ISyncMgrSynchronize(iface)->refcount);
}

static void gallery_free(struct gallery *gallery)
{
    log_call(gallery->behaviour, "Destroyed");
    if (gallery->callback) ISyncMgrSynchronizeCallback_Release(gallery->callback);
    if (gallery->kept) ISyncMgrSynchronizeCallback_Release(gallery->kept);
    if (gallery->thread) CloseHandle(gallery->thread);
    CloseHandle(gallery->quit_event);
    free(gallery);
    InterlockedDecrement(&module_refs);
}

static ULONG WINAPI gallery_Release(ISyncMgrSynchronize *iface)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);
    int behaviour = gallery->behaviour;
    ULONG refcount = InterlockedDecrement(&gallery->refcount);

    log_call(behaviour, "Release refcount=%lu", refcount);
    if (refcount) return refcount;
    join_thread(gallery);
    /* Released on its own thread: that thread frees what is left once it
     * is out of the callback. */
    if (gallery->thread) gallery->orphaned = TRUE;
    else gallery_free(gallery);
    return 0;
}

static HRESULT WINAPI gallery_Initialize(ISyncMgrSynchronize *iface, DWORD reserved, DWORD flags,
        DWORD size, const BYTE *cookie)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);

    log_call(gallery->behaviour, "Initialize flags=%08lx", flags);
    gallery->flags = flags;
    if (gallery->behaviour == TEST_GALLERY_SLOW_INIT && (flags & SYNCMGRFLAG_SETTINGS))
    {
        /* Only for Synchronization Settings: one slow path in a check, not
         * every one (the DLL may be unloaded between them, so a count of
         * objects would start again). */
        log_call(gallery->behaviour, "Sleeping");
        Sleep(6000);
    }
    if (gallery->behaviour == TEST_GALLERY_EXTRA_REF) ISyncMgrSynchronize_AddRef(iface);
    return S_OK;
}

static HRESULT WINAPI gallery_GetHandlerInfo(ISyncMgrSynchronize *iface, SYNCMGRHANDLERINFO **info)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);

    log_call(gallery->behaviour, "GetHandlerInfo");
    /* No icon: the manager draws its own, and nobody has to destroy ours. */
    if (!(*info = CoTaskMemAlloc(sizeof(**info)))) return E_OUTOFMEMORY;
    memset(*info, 0, sizeof(**info));
    (*info)->cbSize = sizeof(**info);
    (*info)->SyncMgrHandlerFlags = SYNCMGRHANDLER_HASPROPERTIES;
    swprintf((*info)->wszHandlerName, MAX_SYNCMGRHANDLERNAME, L"Gallery %02x", gallery->behaviour);
    if (gallery->behaviour == TEST_GALLERY_INFO_UNTERMINATED)
        wmemset((*info)->wszHandlerName, 'x', MAX_SYNCMGRHANDLERNAME);
    if (gallery->behaviour == TEST_GALLERY_INFO_FLAGS) (*info)->SyncMgrHandlerFlags |= 0x80000000;
    return S_OK;
}

static HRESULT WINAPI gallery_EnumSyncMgrItems(ISyncMgrSynchronize *iface,
        ISyncMgrEnumItems **items)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);

    log_call(gallery->behaviour, "EnumSyncMgrItems");
    return create_enum(gallery, 0, items);
}

static HRESULT WINAPI gallery_GetItemObject(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        REFIID riid, void **obj)
{
    log_call(impl_from_ISyncMgrSynchronize(iface)->behaviour, "GetItemObject");
    *obj = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI gallery_ShowProperties(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRITEMID item)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);
    char name[64];
    HRESULT hr;

    log_call(gallery->behaviour, "ShowProperties %s", item_name(gallery->behaviour, item, name));
    if (!gallery->callback) return E_UNEXPECTED;
    /* Nothing to set: the "dialog" closes before it opens. */
    hr = ISyncMgrSynchronizeCallback_ShowPropertiesCompleted(gallery->callback, S_OK);
    log_call(gallery->behaviour, "ShowPropertiesCompleted hr=%08lx", hr);
    return S_OK;
}

static HRESULT WINAPI gallery_SetProgressCallback(ISyncMgrSynchronize *iface,
        ISyncMgrSynchronizeCallback *callback)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);
    ISyncMgrSynchronizeCallback *old = gallery->callback;
    HRESULT hr;

    log_call(gallery->behaviour, "SetProgressCallback %s", callback ? "callback" : "NULL");
    if (!callback) join_thread(gallery);
    if (callback) ISyncMgrSynchronizeCallback_AddRef(callback);
    gallery->callback = callback;

    if (gallery->behaviour == TEST_GALLERY_COMPLETE_AFTER_RELEASE)
    {
        if (callback)
        {
            ISyncMgrSynchronizeCallback_AddRef(callback);
            if (gallery->kept) ISyncMgrSynchronizeCallback_Release(gallery->kept);
            gallery->kept = callback;
        }
        else if (gallery->kept)
        {
            /* The manager has taken it back already: too late to complete. */
            if (gallery->synchronized)
            {
                log_call(gallery->behaviour, "SynchronizeCompleted after release");
                hr = ISyncMgrSynchronizeCallback_SynchronizeCompleted(gallery->kept, S_OK);
                log_call(gallery->behaviour, "SynchronizeCompleted answered hr=%08lx", hr);
            }
            ISyncMgrSynchronizeCallback_Release(gallery->kept);
            gallery->kept = NULL;
        }
    }
    if (!callback) gallery->synchronized = FALSE;

    if (old && gallery->behaviour != TEST_GALLERY_KEEPS_CALLBACK)
        ISyncMgrSynchronizeCallback_Release(old);
    return S_OK;
}

static HRESULT WINAPI gallery_PrepareForSync(ISyncMgrSynchronize *iface, ULONG count,
        SYNCMGRITEMID *ids, HWND parent, DWORD reserved)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);
    HRESULT hr;
    ULONG i;

    log_call(gallery->behaviour, "PrepareForSync count=%lu", count);
    if (!gallery->callback || thread_busy(gallery)) return E_UNEXPECTED;
    for (i = 0; i < count && i < GALLERY_MAX_CHOSEN; i++)
    {
        gallery->chosen[i] = ids[i];
        gallery->skipped[i] = FALSE;
    }
    gallery->chosen_count = i;
    gallery->stopped = FALSE;
    hr = ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(gallery->callback, S_OK);
    log_call(gallery->behaviour, "PrepareForSyncCompleted hr=%08lx", hr);
    return S_OK;
}

static HRESULT WINAPI gallery_Synchronize(ISyncMgrSynchronize *iface, HWND parent)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);

    log_call(gallery->behaviour, "Synchronize");
    if (!gallery->callback || thread_busy(gallery)) return E_UNEXPECTED;
    if (gallery->behaviour == TEST_GALLERY_CRASH)
    {
        log_call(gallery->behaviour, "Crashing");
        *(volatile int *)NULL = 1;
    }

    ResetEvent(gallery->quit_event);
    if (gallery->behaviour == TEST_GALLERY_LATE) start_late_thread(gallery->callback);
    if (gallery->behaviour == TEST_GALLERY_COMPLETE_TWICE)
    {
        /* Both completions before Synchronize returns, on the manager's
         * thread: the second cannot race its SetProgressCallback(NULL). */
        if (synchronize(gallery, gallery->callback))
        {
            complete(gallery, gallery->callback);
            complete(gallery, gallery->callback);
        }
        gallery->synchronized = TRUE;
        return S_OK;
    }
    gallery->thread_callback = gallery->callback;
    ISyncMgrSynchronizeCallback_AddRef(gallery->thread_callback);
    if (!(gallery->thread = CreateThread(NULL, 0, sync_thread, gallery, 0, &gallery->thread_id)))
    {
        ISyncMgrSynchronizeCallback_Release(gallery->thread_callback);
        return HRESULT_FROM_WIN32(GetLastError());
    }
    gallery->synchronized = TRUE;
    return S_OK;
}

static HRESULT WINAPI gallery_SetItemStatus(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        DWORD status)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);
    char name[64];
    ULONG i;

    log_call(gallery->behaviour, "SetItemStatus %s %lu", item_name(gallery->behaviour, item, name),
             status);
    if (!item) return E_POINTER;
    if (IsEqualGUID(item, &GUID_NULL) && status == SYNCMGRSTATUS_STOPPED)
        InterlockedExchange(&gallery->stopped, TRUE);
    for (i = 0; i < gallery->chosen_count; i++)
        if (IsEqualGUID(item, &gallery->chosen[i]) && status == SYNCMGRSTATUS_SKIPPED)
            InterlockedExchange(&gallery->skipped[i], TRUE);
    return S_OK;
}

static HRESULT WINAPI gallery_ShowError(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRERRORID id)
{
    struct gallery *gallery = impl_from_ISyncMgrSynchronize(iface);
    HRESULT hr;

    log_call(gallery->behaviour, "ShowError");
    if (!gallery->callback) return E_UNEXPECTED;
    /* Nothing to retry. */
    hr = ISyncMgrSynchronizeCallback_ShowErrorCompleted(gallery->callback, S_OK, 0, NULL);
    log_call(gallery->behaviour, "ShowErrorCompleted hr=%08lx", hr);
    return S_OK;
}

static const ISyncMgrSynchronizeVtbl gallery_vtbl =
{
    gallery_QueryInterface,
    gallery_AddRef,
    gallery_Release,
    gallery_Initialize,
    gallery_GetHandlerInfo,
    gallery_EnumSyncMgrItems,
    gallery_GetItemObject,
    gallery_ShowProperties,
    gallery_SetProgressCallback,
    gallery_PrepareForSync,
    gallery_Synchronize,
    gallery_SetItemStatus,
    gallery_ShowError,
};

HRESULT gallery_create(int behaviour, REFIID riid, void **obj)
{
    struct gallery *gallery;
    HRESULT hr;

    if (!(gallery = calloc(1, sizeof(*gallery)))) return E_OUTOFMEMORY;
    if (!(gallery->quit_event = CreateEventW(NULL, TRUE, FALSE, NULL)))
    {
        free(gallery);
        return E_OUTOFMEMORY;
    }
    gallery->ISyncMgrSynchronize_iface.lpVtbl = &gallery_vtbl;
    gallery->refcount = 1;
    gallery->behaviour = behaviour;
    InterlockedIncrement(&module_refs);
    log_call(behaviour, "Created");
    /* A later instance than the late thread's is made once the checker
     * judged the thread's path: its call comes now, before this path's. */
    if (behaviour == TEST_GALLERY_LATE && late_made)
    {
        SetEvent(late_made);
        WaitForSingleObject(late_done, 10000);
    }
    hr = ISyncMgrSynchronize_QueryInterface(&gallery->ISyncMgrSynchronize_iface, riid, obj);
    ISyncMgrSynchronize_Release(&gallery->ISyncMgrSynchronize_iface);
    return hr;
}
