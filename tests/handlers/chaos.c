/*
 * Chaos handlers for mobsync.exe: from a seed, each misbehaves in every
 * method it is asked for - wrong HRESULTs, unterminated and unreadable
 * strings and structures, huge counts, completions twice, out of turn,
 * from other threads, late or never, calls on a callback the manager has
 * taken back - and calls the callback at random times with random
 * arguments from a thread of its own. Every kind of misbehaviour it shows
 * is recorded once as "chaos NAME" (testhandler.h lists them all), so that
 * the test can tell that its seeds showed every kind. Nothing here crashes
 * on purpose or writes to memory that is not its own: the manager cannot
 * defend itself against that, and the crash tests are elsewhere.
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
#include "objbase.h"
#include "mobsync.h"
#include "testhandler.h"
#include "handlers_private.h"

enum chaos_kind
{
#define X(name) CHAOS_##name,
    TEST_CHAOS_KINDS
#undef X
    CHAOS_KIND_COUNT
};

static const char * const kind_names[] =
{
#define X(name) #name,
    TEST_CHAOS_KINDS
#undef X
};

#define CHAOS_ITEMS 4

struct chaos
{
    ISyncMgrSynchronize ISyncMgrSynchronize_iface;
    LONG refcount;
    int behaviour;
    CRITICAL_SECTION cs;   /* rng, shown, callback */
    ULONG64 rng;
    BOOL shown[CHAOS_KIND_COUNT];
    ISyncMgrSynchronizeCallback *callback;
    ISyncMgrSynchronizeCallback *kept;  /* CHAOS_after_release */
    SYNCMGRITEMID items[CHAOS_ITEMS];
    SYNCMGRITEMID chosen[CHAOS_ITEMS];
    ULONG chosen_count;
    BYTE *pages;           /* a readable page, then an unreadable one */
};

struct chaos_enum
{
    ISyncMgrEnumItems ISyncMgrEnumItems_iface;
    LONG refcount;
    struct chaos *chaos;
    ULONG pos;
};

static inline struct chaos *impl_from_ISyncMgrSynchronize(ISyncMgrSynchronize *iface)
{
    return CONTAINING_RECORD(iface, struct chaos, ISyncMgrSynchronize_iface);
}

static inline struct chaos_enum *impl_from_ISyncMgrEnumItems(ISyncMgrEnumItems *iface)
{
    return CONTAINING_RECORD(iface, struct chaos_enum, ISyncMgrEnumItems_iface);
}

/* xorshift64*: the same seed, the same choices. */
static unsigned int chaos_random(struct chaos *chaos, unsigned int range)
{
    ULONG64 x;

    EnterCriticalSection(&chaos->cs);
    x = chaos->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    chaos->rng = x;
    LeaveCriticalSection(&chaos->cs);
    return (unsigned int)((x * 0x2545f4914f6cdd1dull) >> 33) % range;
}

/* TRUE, and the kind recorded, percent times in a hundred. */
static BOOL chaos_does(struct chaos *chaos, enum chaos_kind kind, unsigned int percent)
{
    BOOL first;

    if (chaos_random(chaos, 100) >= percent) return FALSE;
    EnterCriticalSection(&chaos->cs);
    first = !chaos->shown[kind];
    chaos->shown[kind] = TRUE;
    LeaveCriticalSection(&chaos->cs);
    if (first) log_call(chaos->behaviour, "chaos %s", kind_names[kind]);
    return TRUE;
}

static void chaos_shows(struct chaos *chaos, enum chaos_kind kind)
{
    BOOL first;

    EnterCriticalSection(&chaos->cs);
    first = !chaos->shown[kind];
    chaos->shown[kind] = TRUE;
    LeaveCriticalSection(&chaos->cs);
    if (first) log_call(chaos->behaviour, "chaos %s", kind_names[kind]);
}

/* Where reading goes wrong: the first address of the unreadable page. */
static void *unreadable(struct chaos *chaos)
{
    return chaos->pages + 4096;
}

/* A string without a terminator before the unreadable page. */
static const WCHAR *unterminated(struct chaos *chaos)
{
    return (const WCHAR *)(chaos->pages + 4096) - 300;
}

static HRESULT random_hr(struct chaos *chaos)
{
    static const HRESULT codes[] = { E_FAIL, E_UNEXPECTED, E_OUTOFMEMORY, 0x80041234, 0x00041234 };

    return codes[chaos_random(chaos, ARRAYSIZE(codes))];
}

static ISyncMgrSynchronizeCallback *get_callback(struct chaos *chaos)
{
    ISyncMgrSynchronizeCallback *callback;

    EnterCriticalSection(&chaos->cs);
    if ((callback = chaos->callback)) ISyncMgrSynchronizeCallback_AddRef(callback);
    LeaveCriticalSection(&chaos->cs);
    return callback;
}

/* One call of the callback, with arguments that are wrong in one of many
 * ways (or right). */
static void random_call(struct chaos *chaos, ISyncMgrSynchronizeCallback *callback)
{
    static const enum chaos_kind kinds[] =
    {
        CHAOS_progress_unknown, CHAOS_progress_null, CHAOS_progress_size, CHAOS_progress_unreadable,
        CHAOS_progress_status, CHAOS_log_unterminated, CHAOS_log_null, CHAOS_log_info_unreadable,
        CHAOS_log_info_size, CHAOS_log_level, CHAOS_delete_null, CHAOS_delete_random,
        CHAOS_showerror_huge, CHAOS_showerror_null, CHAOS_showerror_unreadable, CHAOS_modeless,
        CHAOS_connection, CHAOS_status_out_of_turn,
    };
    enum chaos_kind kind = kinds[chaos_random(chaos, ARRAYSIZE(kinds))];
    SYNCMGRPROGRESSITEM progress = { sizeof(progress) };
    SYNCMGRLOGERRORINFO info = { sizeof(info) };
    SYNCMGRITEMID id = chaos->items[chaos_random(chaos, CHAOS_ITEMS)];
    GUID random_id;

    chaos_shows(chaos, kind);
    progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE | SYNCMGRPROGRESSITEM_STATUSTEXT;
    progress.dwStatusType = SYNCMGRSTATUS_UPDATING;
    progress.lpcStatusText = L"chaos";
    random_id.Data1 = chaos_random(chaos, 0x7fffffff);
    random_id.Data2 = random_id.Data3 = 0;
    memset(random_id.Data4, 0, sizeof(random_id.Data4));
    switch (kind)
    {
    case CHAOS_progress_unknown:
        ISyncMgrSynchronizeCallback_Progress(callback, &random_id, &progress);
        break;
    case CHAOS_progress_null:
        ISyncMgrSynchronizeCallback_Progress(callback, chaos_random(chaos, 2) ? NULL : &id,
                                             chaos_random(chaos, 2) ? NULL : &progress);
        break;
    case CHAOS_progress_size:
        progress.cbSize = chaos_random(chaos, 2) ? 3 : 0xffffffff;
        ISyncMgrSynchronizeCallback_Progress(callback, &id, &progress);
        break;
    case CHAOS_progress_unreadable:
        if (chaos_random(chaos, 2))
            ISyncMgrSynchronizeCallback_Progress(callback, unreadable(chaos), &progress);
        else
            ISyncMgrSynchronizeCallback_Progress(callback, &id, (SYNCMGRPROGRESSITEM *)((BYTE *)unreadable(chaos) - 8));
        break;
    case CHAOS_progress_status:
        progress.dwStatusType = 0xdead0000 + chaos_random(chaos, 100);
        progress.mask = chaos_random(chaos, 0x10000);
        ISyncMgrSynchronizeCallback_Progress(callback, &id, &progress);
        break;
    case CHAOS_log_unterminated:
        ISyncMgrSynchronizeCallback_LogError(callback, SYNCMGRLOGLEVEL_ERROR, unterminated(chaos), NULL);
        break;
    case CHAOS_log_null:
        ISyncMgrSynchronizeCallback_LogError(callback, SYNCMGRLOGLEVEL_WARNING, NULL, NULL);
        break;
    case CHAOS_log_info_unreadable:
        ISyncMgrSynchronizeCallback_LogError(callback, SYNCMGRLOGLEVEL_INFORMATION, L"chaos",
                                             (SYNCMGRLOGERRORINFO *)((BYTE *)unreadable(chaos) - 4));
        break;
    case CHAOS_log_info_size:
        info.cbSize = chaos_random(chaos, 2) ? 1 : 0x7fffffff;
        info.mask = SYNCMGRLOGERROR_ERRORID | SYNCMGRLOGERROR_ERRORFLAGS | SYNCMGRLOGERROR_ITEMID;
        info.ErrorID = random_id;
        info.ItemID = id;
        info.dwSyncMgrErrorFlags = SYNCMGRERRORFLAG_ENABLEJUMPTEXT;
        ISyncMgrSynchronizeCallback_LogError(callback, SYNCMGRLOGLEVEL_ERROR, L"chaos", &info);
        break;
    case CHAOS_log_level:
        info.mask = SYNCMGRLOGERROR_ERRORID | SYNCMGRLOGERROR_ERRORFLAGS | chaos_random(chaos, 0x100);
        info.ErrorID = random_id;
        info.ItemID = id;
        info.dwSyncMgrErrorFlags = SYNCMGRERRORFLAG_ENABLEJUMPTEXT;
        ISyncMgrSynchronizeCallback_LogError(callback, 77 + chaos_random(chaos, 1000), L"level\tchaos\n",
                                             &info);
        break;
    case CHAOS_delete_null:
        ISyncMgrSynchronizeCallback_DeleteLogError(callback, NULL, 0);
        break;
    case CHAOS_delete_random:
        ISyncMgrSynchronizeCallback_DeleteLogError(callback, chaos_random(chaos, 2) ? &random_id
                                                   : &GUID_NULL, chaos_random(chaos, 100));
        break;
    case CHAOS_showerror_huge:
        ISyncMgrSynchronizeCallback_ShowErrorCompleted(callback, S_SYNCMGR_RETRYSYNC, 0xffffffff,
                                                       chaos->items);
        break;
    case CHAOS_showerror_null:
        ISyncMgrSynchronizeCallback_ShowErrorCompleted(callback, S_SYNCMGR_RETRYSYNC, 5, NULL);
        break;
    case CHAOS_showerror_unreadable:
        ISyncMgrSynchronizeCallback_ShowErrorCompleted(callback, S_SYNCMGR_RETRYSYNC, 10,
                                                       (SYNCMGRITEMID *)((BYTE *)unreadable(chaos) - 24));
        break;
    case CHAOS_modeless:
        ISyncMgrSynchronizeCallback_EnableModeless(callback, chaos_random(chaos, 2));
        break;
    case CHAOS_connection:
        ISyncMgrSynchronizeCallback_EstablishConnection(callback, chaos_random(chaos, 2)
                ? unterminated(chaos) : unreadable(chaos), chaos_random(chaos, 5));
        break;
    case CHAOS_status_out_of_turn:
        if (chaos_random(chaos, 2))
            ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(callback, random_hr(chaos));
        else
            ISyncMgrSynchronizeCallback_SynchronizeCompleted(callback, random_hr(chaos));
        break;
    default:
        break;
    }
}

/* --- threads of its own ------------------------------------------------------ */

enum { WORK_PREPARE, WORK_SYNCHRONIZE, WORK_NOISE, WORK_AFTER_RELEASE };

struct work
{
    struct chaos *chaos;
    ISyncMgrSynchronizeCallback *callback;
    int what;
    DWORD delay;
};

static void report_items(struct chaos *chaos, ISyncMgrSynchronizeCallback *callback)
{
    SYNCMGRPROGRESSITEM progress = { sizeof(progress) };
    ULONG i;

    progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE;
    for (i = 0; i < chaos->chosen_count; i++)
    {
        if (chaos_random(chaos, 3) == 0) random_call(chaos, callback);
        progress.dwStatusType = chaos_random(chaos, 4) ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED;
        ISyncMgrSynchronizeCallback_Progress(callback, &chaos->chosen[i], &progress);
    }
}

static DWORD WINAPI work_thread(void *arg)
{
    struct work *work = arg;
    struct chaos *chaos = work->chaos;
    unsigned int i;

    if (work->delay) Sleep(work->delay);
    switch (work->what)
    {
    case WORK_PREPARE:
        ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(work->callback, S_OK);
        break;
    case WORK_SYNCHRONIZE:
        report_items(chaos, work->callback);
        ISyncMgrSynchronizeCallback_SynchronizeCompleted(work->callback, S_OK);
        break;
    case WORK_NOISE:
        for (i = 0; i < 20; i++)
        {
            random_call(chaos, work->callback);
            Sleep(chaos_random(chaos, 20));
        }
        break;
    case WORK_AFTER_RELEASE:
        /* The manager has let go of the handler: the callback it kept is
         * all that is left of the session for it. */
        for (i = 0; i < 10; i++) random_call(chaos, work->callback);
        report_items(chaos, work->callback);
        ISyncMgrSynchronizeCallback_SynchronizeCompleted(work->callback, S_OK);
        break;
    }
    ISyncMgrSynchronizeCallback_Release(work->callback);
    if (work->what != WORK_AFTER_RELEASE) ISyncMgrSynchronize_Release(&chaos->ISyncMgrSynchronize_iface);
    else
    {
        DeleteCriticalSection(&chaos->cs);
        VirtualFree(chaos->pages, 0, MEM_RELEASE);
        free(chaos);
        InterlockedDecrement(&module_refs);
    }
    free(work);
    return 0;
}

static void start_work(struct chaos *chaos, ISyncMgrSynchronizeCallback *callback, int what,
        DWORD delay)
{
    struct work *work;
    HANDLE thread;

    if (!callback || !(work = malloc(sizeof(*work)))) return;
    work->chaos = chaos;
    work->callback = callback;
    work->what = what;
    work->delay = delay;
    ISyncMgrSynchronizeCallback_AddRef(callback);
    if (what != WORK_AFTER_RELEASE) ISyncMgrSynchronize_AddRef(&chaos->ISyncMgrSynchronize_iface);
    if ((thread = CreateThread(NULL, 0, work_thread, work, 0, NULL))) CloseHandle(thread);
    else
    {
        ISyncMgrSynchronizeCallback_Release(callback);
        if (what != WORK_AFTER_RELEASE) ISyncMgrSynchronize_Release(&chaos->ISyncMgrSynchronize_iface);
        free(work);
    }
}

/* --- ISyncMgrEnumItems -------------------------------------------------------- */

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
    struct chaos_enum *enumerator = impl_from_ISyncMgrEnumItems(iface);
    ULONG refcount = InterlockedDecrement(&enumerator->refcount);

    if (!refcount)
    {
        ISyncMgrSynchronize_Release(&enumerator->chaos->ISyncMgrSynchronize_iface);
        free(enumerator);
    }
    return refcount;
}

static HRESULT WINAPI enum_Next(ISyncMgrEnumItems *iface, ULONG count, SYNCMGRITEM *items,
        ULONG *fetched)
{
    struct chaos_enum *enumerator = impl_from_ISyncMgrEnumItems(iface);
    struct chaos *chaos = enumerator->chaos;
    ULONG i;

    if (chaos_does(chaos, CHAOS_next_hr, 2)) return random_hr(chaos);
    for (i = 0; i < count && enumerator->pos < CHAOS_ITEMS; i++, enumerator->pos++)
    {
        SYNCMGRITEM *item = &items[i];

        memset(item, 0, sizeof(*item));
        item->cbSize = sizeof(*item);
        item->ItemID = chaos->items[enumerator->pos];
        item->dwItemState = SYNCMGRITEMSTATE_CHECKED;
        swprintf(item->wszItemName, MAX_SYNCMGRITEMNAME, L"Chaos %lu", enumerator->pos + 1);
        if (chaos_does(chaos, CHAOS_item_unterminated, 8))
            wmemset(item->wszItemName, 'C', MAX_SYNCMGRITEMNAME);
        if (chaos_does(chaos, CHAOS_item_size, 8)) item->cbSize = chaos_random(chaos, 2) ? 0 : 0xffff;
        if (enumerator->pos && chaos_does(chaos, CHAOS_item_duplicate, 8))
            item->ItemID = chaos->items[0];
    }
    if (fetched)
    {
        *fetched = i;
        if (chaos_does(chaos, CHAOS_next_too_many, 2)) *fetched = count * 2;
        else if (chaos_does(chaos, CHAOS_next_huge, 2)) *fetched = 0xffffffff;
        else if (chaos_does(chaos, CHAOS_next_more_than_asked, 2)) *fetched = count + 1;
    }
    return i == count ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_Skip(ISyncMgrEnumItems *iface, ULONG count)
{
    return E_NOTIMPL;
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

/* --- ISyncMgrSynchronize ------------------------------------------------------ */

static HRESULT WINAPI chaos_QueryInterface(ISyncMgrSynchronize *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrSynchronize))
    {
        *obj = iface;
        ISyncMgrSynchronize_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI chaos_AddRef(ISyncMgrSynchronize *iface)
{
    return InterlockedIncrement(&impl_from_ISyncMgrSynchronize(iface)->refcount);
}

static ULONG WINAPI chaos_Release(ISyncMgrSynchronize *iface)
{
    struct chaos *chaos = impl_from_ISyncMgrSynchronize(iface);
    ULONG refcount = InterlockedDecrement(&chaos->refcount);

    if (refcount) return refcount;
    log_call(chaos->behaviour, "Destroyed");
    if (chaos->callback) ISyncMgrSynchronizeCallback_Release(chaos->callback);
    if (chaos->kept)
    {
        /* Calls after the manager released the handler; that thread frees
         * what is left. */
        start_work(chaos, chaos->kept, WORK_AFTER_RELEASE, chaos_random(chaos, 50));
        ISyncMgrSynchronizeCallback_Release(chaos->kept);
        return 0;
    }
    DeleteCriticalSection(&chaos->cs);
    VirtualFree(chaos->pages, 0, MEM_RELEASE);
    free(chaos);
    InterlockedDecrement(&module_refs);
    return 0;
}

static HRESULT WINAPI chaos_Initialize(ISyncMgrSynchronize *iface, DWORD reserved, DWORD flags,
        DWORD size, const BYTE *cookie)
{
    struct chaos *chaos = impl_from_ISyncMgrSynchronize(iface);

    log_call(chaos->behaviour, "Initialize");
    if (chaos_does(chaos, CHAOS_init_hr, 5)) return random_hr(chaos);
    if (chaos_does(chaos, CHAOS_init_false, 3)) return S_FALSE;
    return S_OK;
}

static HRESULT WINAPI chaos_GetHandlerInfo(ISyncMgrSynchronize *iface, SYNCMGRHANDLERINFO **info)
{
    struct chaos *chaos = impl_from_ISyncMgrSynchronize(iface);

    if (chaos_does(chaos, CHAOS_info_hr, 3))
    {
        *info = (SYNCMGRHANDLERINFO *)0xdeadbeef;
        return random_hr(chaos) | 0x80000000;
    }
    if (chaos_does(chaos, CHAOS_info_null, 3))
    {
        *info = NULL;
        return S_OK;
    }
    if (chaos_does(chaos, CHAOS_info_unreadable, 3))
    {
        *info = unreadable(chaos);
        return S_OK;
    }
    if (!(*info = CoTaskMemAlloc(sizeof(**info)))) return E_OUTOFMEMORY;
    memset(*info, 0, sizeof(**info));
    (*info)->cbSize = sizeof(**info);
    swprintf((*info)->wszHandlerName, MAX_SYNCMGRHANDLERNAME, L"Chaos %02x", chaos->behaviour);
    if (chaos_does(chaos, CHAOS_info_size, 3)) (*info)->cbSize = chaos_random(chaos, 2) ? 4 : 99999;
    if (chaos_does(chaos, CHAOS_info_unterminated, 10))
        wmemset((*info)->wszHandlerName, 'H', MAX_SYNCMGRHANDLERNAME);
    return S_OK;
}

static HRESULT WINAPI chaos_EnumSyncMgrItems(ISyncMgrSynchronize *iface, ISyncMgrEnumItems **items)
{
    struct chaos *chaos = impl_from_ISyncMgrSynchronize(iface);
    struct chaos_enum *enumerator;

    if (chaos_does(chaos, CHAOS_enum_hr, 3))
    {
        *items = NULL;
        return random_hr(chaos) | 0x80000000;
    }
    if (chaos_does(chaos, CHAOS_enum_null, 3))
    {
        *items = NULL;
        return S_OK;
    }
    if (!(enumerator = calloc(1, sizeof(*enumerator)))) return E_OUTOFMEMORY;
    enumerator->ISyncMgrEnumItems_iface.lpVtbl = &enum_vtbl;
    enumerator->refcount = 1;
    enumerator->chaos = chaos;
    ISyncMgrSynchronize_AddRef(iface);
    *items = &enumerator->ISyncMgrEnumItems_iface;
    return S_OK;
}

static HRESULT WINAPI chaos_GetItemObject(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        REFIID riid, void **obj)
{
    *obj = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI chaos_ShowProperties(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRITEMID item)
{
    return E_NOTIMPL;
}

static HRESULT WINAPI chaos_SetProgressCallback(ISyncMgrSynchronize *iface,
        ISyncMgrSynchronizeCallback *callback)
{
    struct chaos *chaos = impl_from_ISyncMgrSynchronize(iface);
    ISyncMgrSynchronizeCallback *old;

    if (callback) ISyncMgrSynchronizeCallback_AddRef(callback);
    EnterCriticalSection(&chaos->cs);
    old = chaos->callback;
    chaos->callback = callback;
    LeaveCriticalSection(&chaos->cs);
    if (callback)
    {
        if (chaos_does(chaos, CHAOS_noise_thread, 40)) start_work(chaos, callback, WORK_NOISE, 0);
        if (!chaos->kept && chaos_does(chaos, CHAOS_after_release, 25))
        {
            chaos->kept = callback;
            ISyncMgrSynchronizeCallback_AddRef(callback);
        }
    }
    else if (old && chaos_random(chaos, 3) == 0)
    {
        /* Taken back: one more call on it anyway. */
        random_call(chaos, old);
    }
    if (old) ISyncMgrSynchronizeCallback_Release(old);
    return S_OK;
}

static HRESULT WINAPI chaos_PrepareForSync(ISyncMgrSynchronize *iface, ULONG count,
        SYNCMGRITEMID *ids, HWND parent, DWORD reserved)
{
    struct chaos *chaos = impl_from_ISyncMgrSynchronize(iface);
    ISyncMgrSynchronizeCallback *callback = get_callback(chaos);
    ULONG i;

    for (i = 0; i < count && i < CHAOS_ITEMS; i++) chaos->chosen[i] = ids[i];
    chaos->chosen_count = i;
    if (!callback) return E_UNEXPECTED;
    if (chaos_does(chaos, CHAOS_status_out_of_turn, 4))
        ISyncMgrSynchronizeCallback_SynchronizeCompleted(callback, S_OK);
    if (chaos_does(chaos, CHAOS_prepare_hr, 5))
    {
        ISyncMgrSynchronizeCallback_Release(callback);
        return random_hr(chaos) | 0x80000000;
    }
    if (chaos_does(chaos, CHAOS_prepare_never, 3)) ;
    else if (chaos_does(chaos, CHAOS_prepare_thread, 10)) start_work(chaos, callback, WORK_PREPARE, 0);
    else if (chaos_does(chaos, CHAOS_prepare_late, 4))
        start_work(chaos, callback, WORK_PREPARE, 200 + chaos_random(chaos, 1500));
    else
    {
        ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(callback, chaos_random(chaos, 8) ? S_OK
                                                            : random_hr(chaos));
        if (chaos_does(chaos, CHAOS_prepare_twice, 8))
            ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(callback, S_OK);
    }
    ISyncMgrSynchronizeCallback_Release(callback);
    return S_OK;
}

static HRESULT WINAPI chaos_Synchronize(ISyncMgrSynchronize *iface, HWND parent)
{
    struct chaos *chaos = impl_from_ISyncMgrSynchronize(iface);
    ISyncMgrSynchronizeCallback *callback = get_callback(chaos);
    unsigned int i;

    if (!callback) return E_UNEXPECTED;
    for (i = 0; i < 3; i++) random_call(chaos, callback);
    if (chaos_does(chaos, CHAOS_sync_hr, 5))
    {
        ISyncMgrSynchronizeCallback_Release(callback);
        return random_hr(chaos) | 0x80000000;
    }
    if (chaos_does(chaos, CHAOS_sync_never, 3)) report_items(chaos, callback);
    else if (chaos_does(chaos, CHAOS_sync_thread, 10)) start_work(chaos, callback, WORK_SYNCHRONIZE, 0);
    else if (chaos_does(chaos, CHAOS_sync_late, 4))
        start_work(chaos, callback, WORK_SYNCHRONIZE, 200 + chaos_random(chaos, 1500));
    else if (chaos_does(chaos, CHAOS_sync_before, 5))
    {
        ISyncMgrSynchronizeCallback_SynchronizeCompleted(callback, S_OK);
        report_items(chaos, callback);
    }
    else
    {
        report_items(chaos, callback);
        ISyncMgrSynchronizeCallback_SynchronizeCompleted(callback, chaos_random(chaos, 8) ? S_OK
                                                         : random_hr(chaos));
        if (chaos_does(chaos, CHAOS_sync_twice, 8))
            ISyncMgrSynchronizeCallback_SynchronizeCompleted(callback, S_OK);
    }
    ISyncMgrSynchronizeCallback_Release(callback);
    return S_OK;
}

static HRESULT WINAPI chaos_SetItemStatus(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        DWORD status)
{
    return S_OK;
}

static HRESULT WINAPI chaos_ShowError(ISyncMgrSynchronize *iface, HWND parent, REFSYNCMGRERRORID id)
{
    struct chaos *chaos = impl_from_ISyncMgrSynchronize(iface);
    ISyncMgrSynchronizeCallback *callback = get_callback(chaos);
    SYNCMGRITEMID retry[3];
    unsigned int i;

    chaos_shows(chaos, CHAOS_showerror_hr);
    if (!callback) return E_UNEXPECTED;
    for (i = 0; i < ARRAYSIZE(retry); i++) retry[i] = chaos->items[chaos_random(chaos, CHAOS_ITEMS)];
    switch (chaos_random(chaos, 4))
    {
    case 0:
        ISyncMgrSynchronizeCallback_Release(callback);
        return random_hr(chaos) | 0x80000000;
    case 1:
        random_call(chaos, callback);
        break;
    default:
        ISyncMgrSynchronizeCallback_ShowErrorCompleted(callback, S_SYNCMGR_RETRYSYNC, 3, retry);
        if (chaos_random(chaos, 2))
            ISyncMgrSynchronizeCallback_ShowErrorCompleted(callback, S_SYNCMGR_RETRYSYNC, 3, retry);
        break;
    }
    ISyncMgrSynchronizeCallback_Release(callback);
    return S_OK;
}

static const ISyncMgrSynchronizeVtbl chaos_vtbl =
{
    chaos_QueryInterface,
    chaos_AddRef,
    chaos_Release,
    chaos_Initialize,
    chaos_GetHandlerInfo,
    chaos_EnumSyncMgrItems,
    chaos_GetItemObject,
    chaos_ShowProperties,
    chaos_SetProgressCallback,
    chaos_PrepareForSync,
    chaos_Synchronize,
    chaos_SetItemStatus,
    chaos_ShowError,
};

HRESULT chaos_create(int behaviour, REFIID riid, void **obj)
{
    struct chaos *chaos;
    char text[16];
    DWORD old, seed = 0;
    unsigned int i;
    HRESULT hr;

    if (GetEnvironmentVariableA(TEST_CHAOS_SEED_VARIABLE, text, sizeof(text))) seed = atoi(text);
    if (!(chaos = calloc(1, sizeof(*chaos)))) return E_OUTOFMEMORY;
    if (!(chaos->pages = VirtualAlloc(NULL, 8192, MEM_COMMIT, PAGE_READWRITE)))
    {
        free(chaos);
        return E_OUTOFMEMORY;
    }
    /* 'X' up to the end of the first page, then nothing readable. */
    wmemset((WCHAR *)chaos->pages, 'X', 4096 / sizeof(WCHAR));
    VirtualProtect(chaos->pages + 4096, 4096, PAGE_NOACCESS, &old);
    chaos->ISyncMgrSynchronize_iface.lpVtbl = &chaos_vtbl;
    chaos->refcount = 1;
    chaos->behaviour = behaviour;
    chaos->rng = (seed * 16ull + (behaviour - TEST_CHAOS_FIRST)) * 0x9e3779b97f4a7c15ull + 1;
    InitializeCriticalSection(&chaos->cs);
    for (i = 0; i < CHAOS_ITEMS; i++)
    {
        static const GUID base = TEST_ITEM_ID(0, 0);

        chaos->items[i] = base;
        chaos->items[i].Data4[6] = behaviour;
        chaos->items[i].Data4[7] = i + 1;
    }
    InterlockedIncrement(&module_refs);
    log_call(behaviour, "Created seed=%lu", seed);
    hr = ISyncMgrSynchronize_QueryInterface(&chaos->ISyncMgrSynchronize_iface, riid, obj);
    ISyncMgrSynchronize_Release(&chaos->ISyncMgrSynchronize_iface);
    return hr;
}
