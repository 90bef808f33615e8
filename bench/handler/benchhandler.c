/*
 * Handlers for the benchmarks: no-op ones with many items, slow ones, one
 * that calls Progress 100,000 times, one that stamps the time of Initialize
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#define COBJMACROS
#define CONST_VTABLE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "mobsync.h"
#include "../bench.h"

static LONG module_refs;

struct handler
{
    ISyncMgrSynchronize ISyncMgrSynchronize_iface;
    LONG refcount;
    int behaviour;
    ULONG item_count;
    ISyncMgrSynchronizeCallback *callback;
    SYNCMGRITEMID *chosen;
    ULONG chosen_count;
    HANDLE worker;
};

struct enumerator
{
    ISyncMgrEnumItems ISyncMgrEnumItems_iface;
    LONG refcount;
    int behaviour;
    ULONG count, pos;
};

static void item_id(int behaviour, ULONG i, GUID *id)
{
    id->Data1 = 0xb3c40000 | behaviour;
    id->Data2 = 1;
    id->Data3 = 2;
    memset(id->Data4, 0, 4);
    memcpy(id->Data4 + 4, &i, 4);
}

static inline struct enumerator *impl_from_ISyncMgrEnumItems(ISyncMgrEnumItems *iface)
{
    return CONTAINING_RECORD(iface, struct enumerator, ISyncMgrEnumItems_iface);
}

static HRESULT WINAPI enum_QueryInterface(ISyncMgrEnumItems *iface, REFIID riid, void **obj)
{
    *obj = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_ISyncMgrEnumItems))
        return E_NOINTERFACE;
    *obj = iface;
    ISyncMgrEnumItems_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI enum_AddRef(ISyncMgrEnumItems *iface)
{
    return InterlockedIncrement(&impl_from_ISyncMgrEnumItems(iface)->refcount);
}

static ULONG WINAPI enum_Release(ISyncMgrEnumItems *iface)
{
    struct enumerator *e = impl_from_ISyncMgrEnumItems(iface);
    ULONG ref = InterlockedDecrement(&e->refcount);

    if (!ref)
    {
        free(e);
        InterlockedDecrement(&module_refs);
    }
    return ref;
}

static HRESULT WINAPI enum_Next(ISyncMgrEnumItems *iface, ULONG count, SYNCMGRITEM *items, ULONG *fetched)
{
    struct enumerator *e = impl_from_ISyncMgrEnumItems(iface);
    ULONG i;

    for (i = 0; i < count && e->pos < e->count; i++, e->pos++)
    {
        memset(&items[i], 0, sizeof(items[i]));
        items[i].cbSize = sizeof(items[i]);
        item_id(e->behaviour, e->pos, &items[i].ItemID);
        items[i].dwItemState = SYNCMGRITEMSTATE_CHECKED;
        swprintf(items[i].wszItemName, MAX_SYNCMGRITEMNAME, L"Item %lu", e->pos);
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

static HRESULT WINAPI enum_Clone(ISyncMgrEnumItems *iface, ISyncMgrEnumItems **out)
{
    *out = NULL;
    return E_NOTIMPL;
}

static const ISyncMgrEnumItemsVtbl enum_vtbl =
{
    enum_QueryInterface, enum_AddRef, enum_Release, enum_Next, enum_Skip, enum_Reset, enum_Clone,
};

static inline struct handler *impl_from_ISyncMgrSynchronize(ISyncMgrSynchronize *iface)
{
    return CONTAINING_RECORD(iface, struct handler, ISyncMgrSynchronize_iface);
}

static HRESULT WINAPI handler_QueryInterface(ISyncMgrSynchronize *iface, REFIID riid, void **obj)
{
    *obj = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_ISyncMgrSynchronize))
        return E_NOINTERFACE;
    *obj = iface;
    ISyncMgrSynchronize_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI handler_AddRef(ISyncMgrSynchronize *iface)
{
    return InterlockedIncrement(&impl_from_ISyncMgrSynchronize(iface)->refcount);
}

static ULONG WINAPI handler_Release(ISyncMgrSynchronize *iface)
{
    struct handler *h = impl_from_ISyncMgrSynchronize(iface);
    ULONG ref = InterlockedDecrement(&h->refcount);

    if (!ref)
    {
        if (h->callback) ISyncMgrSynchronizeCallback_Release(h->callback);
        free(h->chosen);
        free(h);
        InterlockedDecrement(&module_refs);
    }
    return ref;
}

/* Writes text to the file the variable names; appends to it with append. */
static void write_env_file(const char *variable, const char *text, BOOL append)
{
    char path[MAX_PATH];
    DWORD written;
    HANDLE file;

    if (!GetEnvironmentVariableA(variable, path, sizeof(path))) return;
    file = CreateFileA(path, append ? FILE_APPEND_DATA : GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       NULL, append ? OPEN_ALWAYS : CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return;
    WriteFile(file, text, strlen(text), &written, NULL);
    CloseHandle(file);
}

static HRESULT WINAPI handler_Initialize(ISyncMgrSynchronize *iface, DWORD reserved, DWORD flags,
        DWORD size, const BYTE *cookie)
{
    struct handler *h = impl_from_ISyncMgrSynchronize(iface);
    char text[64];

    if (h->behaviour == BENCH_LATENCY)
    {
        LARGE_INTEGER now;
        QueryPerformanceCounter(&now);
        sprintf(text, "%lld", (long long)now.QuadPart);
        write_env_file("BENCH_STAMP", text, FALSE);
    }
    if (GetEnvironmentVariableA("BENCH_ITEMS", text, sizeof(text))) h->item_count = atol(text);
    else h->item_count = 250;
    if (h->behaviour < BENCH_NOOP_FIRST || h->behaviour > BENCH_NOOP_LAST) h->item_count = 1;
    return S_OK;
}

static HRESULT WINAPI handler_GetHandlerInfo(ISyncMgrSynchronize *iface, SYNCMGRHANDLERINFO **info)
{
    if (!(*info = CoTaskMemAlloc(sizeof(**info)))) return E_OUTOFMEMORY;
    memset(*info, 0, sizeof(**info));
    (*info)->cbSize = sizeof(**info);
    wcscpy((*info)->wszHandlerName, L"Benchmark");
    return S_OK;
}

static HRESULT WINAPI handler_EnumSyncMgrItems(ISyncMgrSynchronize *iface, ISyncMgrEnumItems **items)
{
    struct handler *h = impl_from_ISyncMgrSynchronize(iface);
    struct enumerator *e = calloc(1, sizeof(*e));

    if (!e) return E_OUTOFMEMORY;
    e->ISyncMgrEnumItems_iface.lpVtbl = &enum_vtbl;
    e->refcount = 1;
    e->behaviour = h->behaviour;
    e->count = h->item_count;
    InterlockedIncrement(&module_refs);
    *items = &e->ISyncMgrEnumItems_iface;
    return S_OK;
}

static HRESULT WINAPI handler_GetItemObject(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        REFIID riid, void **obj)
{
    *obj = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI handler_ShowProperties(ISyncMgrSynchronize *iface, HWND hwnd, REFSYNCMGRITEMID item)
{
    return E_NOTIMPL;
}

static HRESULT WINAPI handler_SetProgressCallback(ISyncMgrSynchronize *iface,
        ISyncMgrSynchronizeCallback *callback)
{
    struct handler *h = impl_from_ISyncMgrSynchronize(iface);

    if (callback) ISyncMgrSynchronizeCallback_AddRef(callback);
    if (h->callback) ISyncMgrSynchronizeCallback_Release(h->callback);
    h->callback = callback;
    if (!callback && h->worker)
    {
        WaitForSingleObject(h->worker, INFINITE);
        CloseHandle(h->worker);
        h->worker = NULL;
    }
    return S_OK;
}

static HRESULT WINAPI handler_PrepareForSync(ISyncMgrSynchronize *iface, ULONG count,
        SYNCMGRITEMID *ids, HWND hwnd, DWORD reserved)
{
    struct handler *h = impl_from_ISyncMgrSynchronize(iface);

    free(h->chosen);
    h->chosen = malloc(max(1, count) * sizeof(*ids));
    memcpy(h->chosen, ids, count * sizeof(*ids));
    h->chosen_count = count;
    ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(h->callback, S_OK);
    return S_OK;
}

static void report_all(struct handler *h)
{
    SYNCMGRPROGRESSITEM progress = { sizeof(progress) };
    ULONG i;

    progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE;
    progress.dwStatusType = SYNCMGRSTATUS_SUCCEEDED;
    for (i = 0; i < h->chosen_count; i++)
        ISyncMgrSynchronizeCallback_Progress(h->callback, &h->chosen[i], &progress);
}

/* An object with Progress's signature that does nothing: the floor. */
static HRESULT WINAPI empty_progress(void *This, REFSYNCMGRITEMID item, SYNCMGRPROGRESSITEM *p)
{
    return S_OK;
}
static HRESULT (WINAPI * volatile empty_progress_ptr)(void *, REFSYNCMGRITEMID, SYNCMGRPROGRESSITEM *) = empty_progress;

static DWORD WINAPI worker(void *arg)
{
    struct handler *h = arg;
    SYNCMGRPROGRESSITEM progress = { sizeof(progress) };
    LARGE_INTEGER freq, t0, t1, t2;
    char text[128], tag[32];
    int i, calls;

    if (h->behaviour == BENCH_PROGRESS)
    {
        calls = GetEnvironmentVariableA("BENCH_CALLS", text, sizeof(text)) ? atoi(text) : 0;
        if (calls <= 0) calls = BENCH_PROGRESS_CALLS;
        if (!GetEnvironmentVariableA("BENCH_TAG", tag, sizeof(tag))) strcpy(tag, "-");
        progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE | SYNCMGRPROGRESSITEM_PROGVALUE
                        | SYNCMGRPROGRESSITEM_MAXVALUE;
        progress.dwStatusType = SYNCMGRSTATUS_UPDATING;
        progress.iMaxValue = calls;
        /* A headless run gets here as its process starts, a run with the
         * dialog after Synchronize is clicked: the loop waits for the
         * start-up to settle in both, or the headless one measures it too. */
        Sleep(250);
        QueryPerformanceFrequency(&freq);
        QueryPerformanceCounter(&t0);
        for (i = 0; i < calls; i++)
        {
            progress.iProgValue = i;
            ISyncMgrSynchronizeCallback_Progress(h->callback, &h->chosen[0], &progress);
        }
        QueryPerformanceCounter(&t1);
        for (i = 0; i < calls; i++)
        {
            progress.iProgValue = i;
            empty_progress_ptr(h, &h->chosen[0], &progress);
        }
        QueryPerformanceCounter(&t2);
        sprintf(text, "%s %.0f %.0f\n", tag, calls * (double)freq.QuadPart / max(1, t1.QuadPart - t0.QuadPart),
                calls * (double)freq.QuadPart / max(1, t2.QuadPart - t1.QuadPart));
        write_env_file("BENCH_RESULT", text, TRUE);
    }
    else Sleep(500);
    report_all(h);
    ISyncMgrSynchronizeCallback_SynchronizeCompleted(h->callback, S_OK);
    return 0;
}

static HRESULT WINAPI handler_Synchronize(ISyncMgrSynchronize *iface, HWND hwnd)
{
    struct handler *h = impl_from_ISyncMgrSynchronize(iface);

    if (h->behaviour == BENCH_PROGRESS || (h->behaviour >= BENCH_SLOW_FIRST && h->behaviour <= BENCH_SLOW_LAST))
    {
        h->worker = CreateThread(NULL, 0, worker, h, 0, NULL);
        return S_OK;
    }
    report_all(h);
    ISyncMgrSynchronizeCallback_SynchronizeCompleted(h->callback, S_OK);
    return S_OK;
}

static HRESULT WINAPI handler_SetItemStatus(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item, DWORD status)
{
    return S_OK;
}

static HRESULT WINAPI handler_ShowError(ISyncMgrSynchronize *iface, HWND hwnd, REFSYNCMGRERRORID id)
{
    return E_NOTIMPL;
}

static const ISyncMgrSynchronizeVtbl handler_vtbl =
{
    handler_QueryInterface, handler_AddRef, handler_Release, handler_Initialize,
    handler_GetHandlerInfo, handler_EnumSyncMgrItems, handler_GetItemObject, handler_ShowProperties,
    handler_SetProgressCallback, handler_PrepareForSync, handler_Synchronize, handler_SetItemStatus,
    handler_ShowError,
};

struct factory
{
    IClassFactory IClassFactory_iface;
    int behaviour;
};

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID riid, void **obj)
{
    *obj = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory)) return E_NOINTERFACE;
    *obj = iface;
    return S_OK;
}

static ULONG WINAPI factory_AddRef(IClassFactory *iface) { return 2; }
static ULONG WINAPI factory_Release(IClassFactory *iface) { return 1; }

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid, void **obj)
{
    struct factory *f = CONTAINING_RECORD(iface, struct factory, IClassFactory_iface);
    struct handler *h;
    HRESULT hr;

    *obj = NULL;
    if (outer) return CLASS_E_NOAGGREGATION;
    if (!(h = calloc(1, sizeof(*h)))) return E_OUTOFMEMORY;
    h->ISyncMgrSynchronize_iface.lpVtbl = &handler_vtbl;
    h->refcount = 1;
    h->behaviour = f->behaviour;
    InterlockedIncrement(&module_refs);
    hr = ISyncMgrSynchronize_QueryInterface(&h->ISyncMgrSynchronize_iface, riid, obj);
    ISyncMgrSynchronize_Release(&h->ISyncMgrSynchronize_iface);
    return hr;
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock) { return S_OK; }

static const IClassFactoryVtbl factory_vtbl =
{
    factory_QueryInterface, factory_AddRef, factory_Release, factory_CreateInstance, factory_LockServer,
};

/* CLSID n and n + BENCH_OTHER_VIEW: the same behaviour (bench/bench.h). */
static struct factory factories[2 * BENCH_OTHER_VIEW];

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **obj)
{
    static const CLSID base = BENCH_CLSID(0);
    int n = clsid->Data4[7];

    *obj = NULL;
    if (memcmp(clsid, &base, sizeof(base) - 1) || !n || n >= (int)ARRAYSIZE(factories))
        return CLASS_E_CLASSNOTAVAILABLE;
    factories[n].IClassFactory_iface.lpVtbl = &factory_vtbl;
    factories[n].behaviour = n % BENCH_OTHER_VIEW;
    return IClassFactory_QueryInterface(&factories[n].IClassFactory_iface, riid, obj);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return module_refs ? S_FALSE : S_OK;
}
