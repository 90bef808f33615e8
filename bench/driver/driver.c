/*
 * The fair floor of mobsync.exe's engine: the same calls on the same
 * handlers, made directly, and the same output lines written as /sync
 * writes them (bench/run.sh).
 *
 *   benchdriver.exe [/one] N...     (N: benchmark handler numbers, in hex)
 *   benchdriver.exe /machine
 *
 * As mobsync.exe does (docs/engine.md, runner.c), each handler runs on a
 * single-threaded apartment of its own, all at once; /one drives them one
 * after the other on the main thread instead, which tells what those
 * threads cost. Each handler is created as mobsync.exe creates it
 * (CoCreateInstance, from its registration), then Initialize
 * (SYNCMGRFLAG_MANUAL), GetHandlerInfo, EnumSyncMgrItems and Next in
 * batches of 64, SetProgressCallback, PrepareForSync and Synchronize for
 * every item, each completion waited for with the apartment served,
 * SetProgressCallback(NULL), Release. The callback keeps each item's last
 * status, found by its ID; each handler's result lines
 * ("succeeded\t{HANDLER}\t{ITEM}\tNAME") are written together, in UTF-8, a
 * write per 16,384 characters, as mobsync.exe writes them, and the summary
 * last. Left out is what is not the handlers' job: the
 * registry's list of handlers, time limits and the watchdog, crash guards,
 * copies of the handler's memory, the records dialogs and workers follow.
 *
 * On stderr, the line mobsync.exe writes on its mobsync_timing channel
 * (programs/mobsync/timing.c), the phases measured at the same points.
 *
 * /machine measures the machine instead, with nothing of mobsync's: the
 * time a page of new memory takes to be first written (64 MiB committed,
 * each page written once), an iteration of a loop of arithmetic, and a
 * call through to the Wine server (SetEvent). The engine's raw times are
 * made of those; where they move from one run to the next with the
 * engine unchanged, these say whether the machine moved:
 *
 *   machine: page 12.345 us; loop 1.234 ns; server call 5.678 us
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
#include "psapi.h"
#include "../bench.h"

enum phase { PHASE_LOAD, PHASE_ENUMERATE, PHASE_PREPARE, PHASE_SYNCHRONIZE, PHASE_OUTPUT, PHASE_RELEASE, PHASES };

struct item
{
    SYNCMGRITEMID id;
    DWORD status;
    WCHAR name[MAX_SYNCMGRITEMNAME];
};

/* One handler driven, with the callback it is given. */
struct run
{
    ISyncMgrSynchronizeCallback ISyncMgrSynchronizeCallback_iface;
    int number;
    struct item *items;
    SYNCMGRITEMID **sorted;   /* into items, by ID, for Progress */
    ULONG item_count;
    HANDLE completion;
    HRESULT completion_hr;
};

static LARGE_INTEGER frequency;
static LONG64 phases[PHASES];
static LONG total_items, succeeded, failed, skipped;
static CRITICAL_SECTION output_cs;

static LONGLONG now(void)
{
    LARGE_INTEGER counter;

    QueryPerformanceCounter(&counter);
    return counter.QuadPart;
}

static LONGLONG next(enum phase phase, LONGLONG since)
{
    LONGLONG t = now();

    InterlockedExchangeAdd64(&phases[phase], t - since);
    return t;
}

static int __cdecl compare_ids(const void *a, const void *b)
{
    return memcmp(*(SYNCMGRITEMID * const *)a, *(SYNCMGRITEMID * const *)b, sizeof(SYNCMGRITEMID));
}

static inline struct run *impl_from_ISyncMgrSynchronizeCallback(ISyncMgrSynchronizeCallback *iface)
{
    return CONTAINING_RECORD(iface, struct run, ISyncMgrSynchronizeCallback_iface);
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
    struct run *run = impl_from_ISyncMgrSynchronizeCallback(iface);

    run->completion_hr = hr;
    SetEvent(run->completion);
    return S_OK;
}
static HRESULT WINAPI cb_ShowErrorCompleted(ISyncMgrSynchronizeCallback *iface, HRESULT hr, ULONG n,
        SYNCMGRITEMID *ids) { return S_OK; }
static HRESULT WINAPI cb_EnableModeless(ISyncMgrSynchronizeCallback *iface, BOOL enable) { return S_OK; }
static HRESULT WINAPI cb_Progress(ISyncMgrSynchronizeCallback *iface, REFSYNCMGRITEMID id,
        SYNCMGRPROGRESSITEM *p)
{
    struct run *run = impl_from_ISyncMgrSynchronizeCallback(iface);
    SYNCMGRITEMID **found;

    if (!p || !(p->mask & SYNCMGRPROGRESSITEM_STATUSTYPE)) return S_OK;
    if ((found = bsearch(&id, run->sorted, run->item_count, sizeof(*run->sorted), compare_ids)))
        CONTAINING_RECORD(*found, struct item, id)->status = p->dwStatusType;
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

/* A begin call's completion, the apartment served meanwhile. */
static HRESULT wait_completion(struct run *run)
{
    MSG msg;

    while (MsgWaitForMultipleObjects(1, &run->completion, FALSE, INFINITE, QS_ALLINPUT) != WAIT_OBJECT_0)
    {
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
        {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    return run->completion_hr;
}

/* As mobsync.exe writes: a console as it is, anything else UTF-8; the
 * caller holds output_cs. */
static void write_text(const WCHAR *text, int len)
{
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    char stack[1024], *utf8 = stack;
    DWORD written, mode;
    int size;

    if (GetConsoleMode(out, &mode))
    {
        WriteConsoleW(out, text, len, &written, NULL);
        return;
    }
    size = WideCharToMultiByte(CP_UTF8, 0, text, len, NULL, 0, NULL, NULL);
    if (size > (int)sizeof(stack) && !(utf8 = malloc(size))) return;
    WideCharToMultiByte(CP_UTF8, 0, text, len, utf8, size, NULL, NULL);
    WriteFile(out, utf8, size, &written, NULL);
    if (utf8 != stack) free(utf8);
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

#define LINE_SIZE (4 * 39 + MAX_SYNCMGRITEMNAME)
#define CHUNK_SIZE 16384

/* The handler's result lines, together, a write per chunk of them. */
static void write_results(struct run *run, const CLSID *clsid, HRESULT hr)
{
    WCHAR clsid_str[39], item_str[39], text[CHUNK_SIZE];
    int len = 0;
    ULONG i;

    StringFromGUID2(clsid, clsid_str, ARRAYSIZE(clsid_str));
    EnterCriticalSection(&output_cs);
    for (i = 0; i < run->item_count; i++)
    {
        DWORD status = run->items[i].status;

        if (status != SYNCMGRSTATUS_SUCCEEDED && status != SYNCMGRSTATUS_FAILED
                && status != SYNCMGRSTATUS_SKIPPED && status != SYNCMGRSTATUS_STOPPED)
            status = hr == S_OK ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED;
        if (status == SYNCMGRSTATUS_SUCCEEDED) InterlockedIncrement(&succeeded);
        else if (status == SYNCMGRSTATUS_SKIPPED) InterlockedIncrement(&skipped);
        else InterlockedIncrement(&failed);
        StringFromGUID2(&run->items[i].id, item_str, ARRAYSIZE(item_str));
        if (CHUNK_SIZE - len < LINE_SIZE)
        {
            write_text(text, len);
            len = 0;
        }
        len += swprintf(text + len, LINE_SIZE, L"%ls\t%ls\t%ls\t%ls\n", status_name(status), clsid_str,
                        item_str, run->items[i].name);
    }
    if (len) write_text(text, len);
    LeaveCriticalSection(&output_cs);
}

/* A name as mobsync.exe copies it: terminated, tabs and line breaks made spaces. */
static void copy_name(WCHAR *dst, const WCHAR *src)
{
    unsigned int i;

    for (i = 0; i < MAX_SYNCMGRITEMNAME - 1 && src[i]; i++)
        dst[i] = (src[i] == '\t' || src[i] == '\r' || src[i] == '\n') ? ' ' : src[i];
    dst[i] = 0;
}

static void drive(struct run *run)
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

    clsid.Data4[7] = run->number;
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
            if (run->item_count == size)
            {
                size = size ? size * 2 : 64;
                run->items = realloc(run->items, size * sizeof(*run->items));
            }
            run->items[run->item_count].id = batch[i].ItemID;
            run->items[run->item_count].status = SYNCMGRSTATUS_PENDING;
            copy_name(run->items[run->item_count].name, batch[i].wszItemName);
            run->item_count++;
        }
        if (hr != S_OK || !fetched) break;
    }
    ISyncMgrEnumItems_Release(enumerator);
    run->sorted = malloc(max(1, run->item_count) * sizeof(*run->sorted));
    ids = malloc(max(1, run->item_count) * sizeof(*ids));
    for (i = 0; i < run->item_count; i++)
    {
        run->sorted[i] = &run->items[i].id;
        ids[i] = run->items[i].id;
    }
    qsort(run->sorted, run->item_count, sizeof(*run->sorted), compare_ids);
    InterlockedExchangeAdd(&total_items, run->item_count);
    time = next(PHASE_ENUMERATE, time);

    ISyncMgrSynchronize_SetProgressCallback(sync, &run->ISyncMgrSynchronizeCallback_iface);
    if ((hr = ISyncMgrSynchronize_PrepareForSync(sync, run->item_count, ids, NULL, 0)) == S_OK)
        hr = wait_completion(run);
    time = next(PHASE_PREPARE, time);
    if (hr == S_OK)
    {
        ResetEvent(run->completion);
        if ((hr = ISyncMgrSynchronize_Synchronize(sync, NULL)) == S_OK) hr = wait_completion(run);
    }
    time = next(PHASE_SYNCHRONIZE, time);

    write_results(run, &clsid, hr);
    time = next(PHASE_OUTPUT, time);

    ISyncMgrSynchronize_SetProgressCallback(sync, NULL);
    ISyncMgrSynchronize_Release(sync);
    free(ids);
    next(PHASE_RELEASE, time);
}

static DWORD WINAPI run_thread(void *arg)
{
    LONGLONG time = now();

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    next(PHASE_LOAD, time);
    drive(arg);
    time = now();
    CoUninitialize();
    next(PHASE_RELEASE, time);
    return 0;
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

static unsigned long peak_kib(void)
{
    PROCESS_MEMORY_COUNTERS counters = { sizeof(counters) };

    return GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof(counters))
           ? counters.PeakWorkingSetSize / 1024 : 0;
}

static double ms(LONGLONG ticks)
{
    return ticks * 1000.0 / frequency.QuadPart;
}

/* Where the loop's result goes, so that the loop is made. */
static volatile unsigned int loop_result;

/* The machine's own speed, for the raw times' sake (above). */
static int machine(void)
{
    const SIZE_T size = 64 << 20, page = 4096;
    const unsigned int loops = 50000000, calls = 20000;
    LONGLONG start, touch, loop, server;
    unsigned int i, x = 1;
    HANDLE event;
    BYTE *memory;
    SIZE_T at;

    if (!(memory = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE))) return 1;
    start = now();
    for (at = 0; at < size; at += page) memory[at] = 1;
    touch = now() - start;
    VirtualFree(memory, 0, MEM_RELEASE);

    start = now();
    for (i = 0; i < loops; i++) x = x * 1664525 + 1013904223;
    loop = now() - start;
    loop_result = x;

    if (!(event = CreateEventW(NULL, TRUE, FALSE, NULL))) return 1;
    start = now();
    for (i = 0; i < calls; i++) SetEvent(event);
    server = now() - start;
    CloseHandle(event);

    fprintf(stderr, "machine: page %.3f us; loop %.3f ns; server call %.3f us\n",
            ms(touch) * 1000.0 / (size / page), ms(loop) * 1000000.0 / loops,
            ms(server) * 1000.0 / calls);
    return 0;
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    ULONGLONG created = 0, cpu;
    LONGLONG start, time;
    WCHAR summary[128];
    BOOL one = argc > 1 && !wcsicmp(argv[1], L"/one");
    int first = one ? 2 : 1, count = argc - first, i;
    double startup = 0;
    struct run *runs;
    HANDLE *threads;
    FILETIME wall;

    if (count < 1) return 2;
    QueryPerformanceFrequency(&frequency);
    if (!wcsicmp(argv[1], L"/machine")) return machine();
    CoInitializeEx(NULL, one ? COINIT_APARTMENTTHREADED : COINIT_MULTITHREADED);
    /* mobsync.exe is connected to its desktop before its session starts
     * (comctl32, which it imports, registers its classes as it loads); the
     * first thread of a process to use a window station pays for that. */
    GetDesktopWindow();
    InitializeCriticalSection(&output_cs);
    cpu = process_cpu(&created);
    GetSystemTimeAsFileTime(&wall);
    if (created && filetime_value(&wall) > created) startup = (filetime_value(&wall) - created) / 10000.0;
    start = now();

    runs = calloc(count, sizeof(*runs));
    threads = calloc(count, sizeof(*threads));
    for (i = 0; i < count; i++)
    {
        runs[i].ISyncMgrSynchronizeCallback_iface.lpVtbl = &cb_vtbl;
        runs[i].number = wcstol(argv[first + i], NULL, 16);
        runs[i].completion = CreateEventW(NULL, TRUE, FALSE, NULL);
        if (one) drive(&runs[i]);
        else threads[i] = CreateThread(NULL, 0, run_thread, &runs[i], 0, NULL);
    }
    if (!one) WaitForMultipleObjects(count, threads, TRUE, INFINITE);
    time = now();
    swprintf(summary, ARRAYSIZE(summary), L"%ld succeeded, %ld failed, %ld skipped\n", succeeded, failed,
             skipped);
    EnterCriticalSection(&output_cs);
    write_text(summary, wcslen(summary));
    LeaveCriticalSection(&output_cs);
    time = next(PHASE_OUTPUT, time);
    for (i = 0; i < count; i++)
    {
        if (threads[i]) CloseHandle(threads[i]);
        CloseHandle(runs[i].completion);
        free(runs[i].items);
        free(runs[i].sorted);
    }
    free(threads);
    free(runs);
    next(PHASE_RELEASE, time);

    cpu = process_cpu(NULL) - cpu;
    fprintf(stderr, "timing: %d handlers, %ld items; wall %.3f ms; cpu %.3f ms; load %.3f ms; "
            "enumerate %.3f ms; prepare %.3f ms; synchronize %.3f ms; output %.3f ms; "
            "release %.3f ms; start-up %.3f ms; peak %lu KiB\n", count, total_items, ms(now() - start),
            cpu / 10000.0, ms(phases[PHASE_LOAD]), ms(phases[PHASE_ENUMERATE]),
            ms(phases[PHASE_PREPARE]), ms(phases[PHASE_SYNCHRONIZE]), ms(phases[PHASE_OUTPUT]),
            ms(phases[PHASE_RELEASE]), startup, peak_kib());
    CoUninitialize();
    return 0;
}
