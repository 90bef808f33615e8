/*
 * The fair floor of mobsync.exe's engine: the same calls on the same
 * handlers, made directly, one handler after the other on one thread, and
 * the same output lines written as /sync writes them (bench/run.sh).
 *
 *   benchdriver.exe N...     (N: benchmark handler numbers, in hex)
 *
 * Each handler is created as mobsync.exe creates it (CoCreateInstance, from
 * its registration), then Initialize(SYNCMGRFLAG_MANUAL), GetHandlerInfo,
 * EnumSyncMgrItems and Next in batches of 64, SetProgressCallback,
 * PrepareForSync and Synchronize for every item, each with its completion
 * waited for, SetProgressCallback(NULL), Release. The callback keeps each
 * item's last status, found by its ID; each handler's result lines
 * ("succeeded\t{HANDLER}\t{ITEM}\tNAME") are written at once, in UTF-8, and
 * the summary last. What is not the handlers' job is left out: the
 * registry's list of handlers, threads, time limits, crash guards, copies
 * of the handler's memory.
 *
 * On stderr, the line mobsync.exe writes on its mobsync_timing channel
 * (programs/mobsync/timing.c), with the same phases, measured the same way.
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

enum phase { PHASE_LOAD, PHASE_ENUMERATE, PHASE_PREPARE, PHASE_SYNCHRONIZE, PHASE_OUTPUT, PHASE_RELEASE, PHASES };

struct item
{
    SYNCMGRITEMID id;
    DWORD status;
    WCHAR name[MAX_SYNCMGRITEMNAME];
};

static struct item *items;
static SYNCMGRITEMID **sorted;   /* into items, by ID, for Progress */
static ULONG item_count;
static HANDLE completion;
static HRESULT completion_hr;
static LONG succeeded, failed, skipped;
static LARGE_INTEGER frequency;
static LONGLONG phases[PHASES];
static unsigned int total_items;

static LONGLONG now(void)
{
    LARGE_INTEGER counter;

    QueryPerformanceCounter(&counter);
    return counter.QuadPart;
}

static LONGLONG next(enum phase phase, LONGLONG since)
{
    LONGLONG t = now();

    phases[phase] += t - since;
    return t;
}

static int __cdecl compare_ids(const void *a, const void *b)
{
    return memcmp(*(SYNCMGRITEMID * const *)a, *(SYNCMGRITEMID * const *)b, sizeof(SYNCMGRITEMID));
}

static struct item *find_item(const SYNCMGRITEMID *id)
{
    SYNCMGRITEMID **found = bsearch(&id, sorted, item_count, sizeof(*sorted), compare_ids);

    return found ? CONTAINING_RECORD(*found, struct item, id) : NULL;
}

static HRESULT WINAPI cb_QueryInterface(ISyncMgrSynchronizeCallback *iface, REFIID riid, void **obj)
{
    *obj = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_ISyncMgrSynchronizeCallback))
        return E_NOINTERFACE;
    *obj = iface;
    return S_OK;
}
static ULONG WINAPI cb_AddRef(ISyncMgrSynchronizeCallback *iface) { return 2; }
static ULONG WINAPI cb_Release(ISyncMgrSynchronizeCallback *iface) { return 1; }
static HRESULT WINAPI cb_ShowPropertiesCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr) { return S_OK; }
static HRESULT WINAPI cb_Completed(ISyncMgrSynchronizeCallback *iface, HRESULT hr)
{
    completion_hr = hr;
    SetEvent(completion);
    return S_OK;
}
static HRESULT WINAPI cb_ShowErrorCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr, ULONG n,
        SYNCMGRITEMID *ids) { return S_OK; }
static HRESULT WINAPI cb_EnableModeless(ISyncMgrSynchronizeCallback *iface, BOOL enable) { return S_OK; }
static HRESULT WINAPI cb_Progress(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRITEMID id,
        SYNCMGRPROGRESSITEM *p)
{
    struct item *item;

    if (p && (p->mask & SYNCMGRPROGRESSITEM_STATUSTYPE) && (item = find_item(id)))
        item->status = p->dwStatusType;
    return S_OK;
}
static HRESULT WINAPI cb_LogError(ISyncMgrSynchronizeCallback *iface, DWORD level, LPCWSTR text,
        SYNCMGRLOGERRORINFO *info) { return S_OK; }
static HRESULT WINAPI cb_DeleteLogError(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRERRORID id,
        DWORD reserved) { return S_OK; }
static HRESULT WINAPI cb_EstablishConnection(ISyncMgrSynchronizeCallback *iface, LPCWSTR name,
        DWORD reserved) { return S_OK; }

static const ISyncMgrSynchronizeCallbackVtbl cb_vtbl =
{
    cb_QueryInterface, cb_AddRef, cb_Release, cb_ShowPropertiesCompleted, cb_Completed,
    cb_Completed, cb_ShowErrorCompleted, cb_EnableModeless, cb_Progress, cb_LogError,
    cb_DeleteLogError, cb_EstablishConnection,
};
static ISyncMgrSynchronizeCallback callback = { &cb_vtbl };

/* A begin call's completion, the apartment served meanwhile. */
static HRESULT wait_completion(void)
{
    MSG msg;

    while (MsgWaitForMultipleObjects(1, &completion, FALSE, INFINITE, QS_ALLINPUT) != WAIT_OBJECT_0)
    {
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
        {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    return completion_hr;
}

/* As mobsync.exe writes: a console as it is, anything else UTF-8. */
static void write_text(const WCHAR *text, int len)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD written, mode;
    char *utf8;
    int size;

    if (GetConsoleMode(out, &mode))
    {
        WriteConsoleW(out, text, len, &written, NULL);
        return;
    }
    size = WideCharToMultiByte(CP_UTF8, 0, text, len, NULL, 0, NULL, NULL);
    if (!(utf8 = malloc(size))) return;
    WideCharToMultiByte(CP_UTF8, 0, text, len, utf8, size, NULL, NULL);
    WriteFile(out, utf8, size, &written, NULL);
    free(utf8);
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

/* The handler's result lines, in one write. */
static void write_results(const CLSID *clsid, HRESULT hr)
{
    WCHAR clsid_str[39], item_str[39], *text, *p;
    ULONG i;

    StringFromGUID2(clsid, clsid_str, ARRAYSIZE(clsid_str));
    if (!(p = text = malloc(item_count * (4 * 39 + MAX_SYNCMGRITEMNAME) * sizeof(WCHAR) + 1))) return;
    for (i = 0; i < item_count; i++)
    {
        DWORD status = items[i].status;

        if (status != SYNCMGRSTATUS_SUCCEEDED && status != SYNCMGRSTATUS_FAILED
                && status != SYNCMGRSTATUS_SKIPPED && status != SYNCMGRSTATUS_STOPPED)
            status = hr == S_OK ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED;
        if (status == SYNCMGRSTATUS_SUCCEEDED) succeeded++;
        else if (status == SYNCMGRSTATUS_SKIPPED) skipped++;
        else failed++;
        StringFromGUID2(&items[i].id, item_str, ARRAYSIZE(item_str));
        p += swprintf(p, 4 * 39 + MAX_SYNCMGRITEMNAME, L"%ls\t%ls\t%ls\t%ls\n", status_name(status),
                      clsid_str, item_str, items[i].name);
    }
    write_text(text, p - text);
    free(text);
}

/* A name as mobsync.exe copies it: terminated, tabs and line breaks made spaces. */
static void copy_name(WCHAR *dst, const WCHAR *src)
{
    unsigned int i;

    for (i = 0; i < MAX_SYNCMGRITEMNAME - 1 && src[i]; i++)
        dst[i] = (src[i] == '\t' || src[i] == '\r' || src[i] == '\n') ? ' ' : src[i];
    dst[i] = 0;
}

static void drive(int n)
{
    CLSID clsid = BENCH_CLSID(0);
    SYNCMGRHANDLERINFO *info;
    ISyncMgrSynchronize *sync;
    ISyncMgrEnumItems *enumerator;
    SYNCMGRITEM batch[64];
    SYNCMGRITEMID *ids;
    ULONG fetched, size = 0, i;
    LONGLONG time = now();
    HRESULT hr;

    clsid.Data4[7] = n;
    item_count = 0;
    if (FAILED(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronize,
            (void **)&sync)))
        return;
    ISyncMgrSynchronize_Initialize(sync, 0, SYNCMGRFLAG_MANUAL, 0, NULL);
    if (SUCCEEDED(ISyncMgrSynchronize_GetHandlerInfo(sync, &info))) CoTaskMemFree(info);
    time = next(PHASE_LOAD, time);

    ISyncMgrSynchronize_EnumSyncMgrItems(sync, &enumerator);
    for (;;)
    {
        fetched = 0;
        hr = ISyncMgrEnumItems_Next(enumerator, ARRAYSIZE(batch), batch, &fetched);
        for (i = 0; i < fetched && i < ARRAYSIZE(batch); i++)
        {
            if (item_count == size)
            {
                size = size ? size * 2 : 64;
                items = realloc(items, size * sizeof(*items));
            }
            items[item_count].id = batch[i].ItemID;
            items[item_count].status = SYNCMGRSTATUS_PENDING;
            copy_name(items[item_count].name, batch[i].wszItemName);
            item_count++;
        }
        if (hr != S_OK || !fetched) break;
    }
    ISyncMgrEnumItems_Release(enumerator);
    sorted = realloc(sorted, max(1, item_count) * sizeof(*sorted));
    ids = malloc(max(1, item_count) * sizeof(*ids));
    for (i = 0; i < item_count; i++)
    {
        sorted[i] = &items[i].id;
        ids[i] = items[i].id;
    }
    qsort(sorted, item_count, sizeof(*sorted), compare_ids);
    total_items += item_count;
    time = next(PHASE_ENUMERATE, time);

    ISyncMgrSynchronize_SetProgressCallback(sync, &callback);
    ResetEvent(completion);
    if ((hr = ISyncMgrSynchronize_PrepareForSync(sync, item_count, ids, NULL, 0)) == S_OK)
        hr = wait_completion();
    time = next(PHASE_PREPARE, time);
    if (hr == S_OK)
    {
        ResetEvent(completion);
        if ((hr = ISyncMgrSynchronize_Synchronize(sync, NULL)) == S_OK) hr = wait_completion();
    }
    time = next(PHASE_SYNCHRONIZE, time);

    write_results(&clsid, hr);
    time = next(PHASE_OUTPUT, time);

    ISyncMgrSynchronize_SetProgressCallback(sync, NULL);
    ISyncMgrSynchronize_Release(sync);
    free(ids);
    next(PHASE_RELEASE, time);
}

static ULONGLONG filetime_value(const FILETIME *time)
{
    return (ULONGLONG)time->dwHighDateTime << 32 | time->dwLowDateTime;
}

static ULONGLONG process_cpu(ULONGLONG *created)
{
    FILETIME creation, exit, kernel, user;

    if (!GetProcessTimes(GetCurrentProcess(), &creation, &exit, &kernel, &user)) return 0;
    if (created) *created = filetime_value(&creation);
    return filetime_value(&kernel) + filetime_value(&user);
}

static double ms(LONGLONG ticks)
{
    return ticks * 1000.0 / frequency.QuadPart;
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    ULONGLONG created = 0, cpu;
    LONGLONG start, time;
    WCHAR summary[128];
    double startup = 0;
    FILETIME wall;
    int i;

    if (argc < 2) return 2;
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    completion = CreateEventW(NULL, TRUE, FALSE, NULL);
    QueryPerformanceFrequency(&frequency);
    cpu = process_cpu(&created);
    GetSystemTimeAsFileTime(&wall);
    if (created && filetime_value(&wall) > created) startup = (filetime_value(&wall) - created) / 10000.0;
    start = now();

    for (i = 1; i < argc; i++) drive(wcstol(argv[i], NULL, 16));
    time = now();
    swprintf(summary, ARRAYSIZE(summary), L"%ld succeeded, %ld failed, %ld skipped\n", succeeded, failed,
             skipped);
    write_text(summary, wcslen(summary));
    time = next(PHASE_OUTPUT, time);
    free(items);
    free(sorted);
    next(PHASE_RELEASE, time);

    cpu = process_cpu(NULL) - cpu;
    fprintf(stderr, "timing: %d handlers, %u items; wall %.3f ms; cpu %.3f ms; load %.3f ms; "
            "enumerate %.3f ms; prepare %.3f ms; synchronize %.3f ms; output %.3f ms; "
            "release %.3f ms; start-up %.3f ms\n", argc - 1, total_items, ms(now() - start),
            cpu / 10000.0, ms(phases[PHASE_LOAD]), ms(phases[PHASE_ENUMERATE]), ms(phases[PHASE_PREPARE]),
            ms(phases[PHASE_SYNCHRONIZE]), ms(phases[PHASE_OUTPUT]), ms(phases[PHASE_RELEASE]), startup);
    CloseHandle(completion);
    CoUninitialize();
    return 0;
}
