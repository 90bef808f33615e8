/*
 * Tests of ISyncMgrSynchronizeInvoke and its hand-off to the manager
 *
 * The argument checks are conformance tests. The hand-off itself is
 * mobsync's own protocol (include/mobsync_request.h): this test plays the
 * running manager (it holds the manager's mutex and event) and reads what
 * UpdateItems and UpdateAll queued. On Windows that part is skipped.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "shlobj.h"
#include "mobsync.h"
#include "mobsync_request.h"

#include "wine/test.h"

static BOOL is_wine;
static WCHAR queue_folder[MAX_PATH];

struct request
{
    WCHAR name[64];
    struct mobsync_request header;
    BYTE *cookie;
};

static int __cdecl compare_requests(const void *a, const void *b)
{
    return wcscmp(((const struct request *)a)->name, ((const struct request *)b)->name);
}

static ISyncMgrSynchronizeInvoke *create_invoke(void)
{
    ISyncMgrSynchronizeInvoke *invoke = NULL;
    HRESULT hr;

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER,
                          &IID_ISyncMgrSynchronizeInvoke, (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    return invoke;
}

static BOOL read_request(const WCHAR *path, struct request *request)
{
    DWORD size, read;
    HANDLE file;
    BOOL ret;

    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    size = GetFileSize(file, NULL);
    ret = ReadFile(file, &request->header, sizeof(request->header), &read, NULL)
            && read == sizeof(request->header)
            && size == sizeof(request->header) + request->header.cookie_size;
    request->cookie = NULL;
    if (ret && request->header.cookie_size)
    {
        request->cookie = malloc(request->header.cookie_size);
        ret = ReadFile(file, request->cookie, request->header.cookie_size, &read, NULL)
                && read == request->header.cookie_size;
    }
    CloseHandle(file);
    return ret;
}

/* Takes every queued request, oldest name first, and empties the queue. */
static unsigned int take_requests(struct request *requests, unsigned int max, unsigned int *tmp_files)
{
    WIN32_FIND_DATAW data;
    WCHAR path[MAX_PATH];
    unsigned int count = 0;
    HANDLE find;

    *tmp_files = 0;
    swprintf(path, ARRAYSIZE(path), L"%ls\\*", queue_folder);
    if ((find = FindFirstFileW(path, &data)) == INVALID_HANDLE_VALUE) return 0;
    do
    {
        size_t len = wcslen(data.cFileName);

        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        swprintf(path, ARRAYSIZE(path), L"%ls\\%ls", queue_folder, data.cFileName);
        if (len > 4 && !wcscmp(data.cFileName + len - 4, L".tmp")) (*tmp_files)++;
        else if (count < max && len < ARRAYSIZE(requests[count].name)
                && read_request(path, &requests[count]))
            wcscpy(requests[count++].name, data.cFileName);
        else ok(0, "unreadable request %s.\n", wine_dbgstr_w(data.cFileName));
        DeleteFileW(path);
    } while (FindNextFileW(find, &data));
    FindClose(find);
    qsort(requests, count, sizeof(*requests), compare_requests);
    return count;
}

static void free_requests(struct request *requests, unsigned int count)
{
    while (count--) free(requests[count].cookie);
}

static void test_bad_input(void)
{
    ISyncMgrSynchronizeInvoke *invoke;
    BYTE cookie[4] = { 1, 2, 3, 4 }, *page;
    SYSTEM_INFO si;
    GUID clsid;
    HRESULT hr;
    DWORD old;

    if (!(invoke = create_invoke())) return;
    CoCreateGuid(&clsid);
    GetSystemInfo(&si);

    /* No value is defined for 0x1; nothing above MINIMIZED either. */
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, 0x1, &clsid, 0, NULL);
    ok(hr == E_INVALIDARG || broken(SUCCEEDED(hr)) /* not verified on Windows */,
       "flag 0x1 got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, 0x8 | SYNCMGRINVOKE_STARTSYNC, &clsid, 0, NULL);
    ok(hr == E_INVALIDARG || broken(SUCCEEDED(hr)), "flag 0x8 got %#lx.\n", hr);

    if (is_wine)
    {
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, NULL, 0, NULL);
        ok(hr == E_INVALIDARG, "NULL CLSID got %#lx.\n", hr);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &GUID_NULL, 0, NULL);
        ok(hr == E_INVALIDARG, "GUID_NULL got %#lx.\n", hr);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, 4, NULL);
        ok(hr == E_INVALIDARG, "NULL cookie of 4 bytes got %#lx.\n", hr);
        page = VirtualAlloc(NULL, 2 * si.dwPageSize, MEM_COMMIT, PAGE_READWRITE);
        VirtualProtect(page + si.dwPageSize, si.dwPageSize, PAGE_NOACCESS, &old);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid,
                si.dwPageSize + 1, page);
        ok(hr == E_INVALIDARG, "cookie running into unreadable memory got %#lx.\n", hr);
        VirtualFree(page, 0, MEM_RELEASE);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid,
                MOBSYNC_MAX_COOKIE + 1, cookie);
        ok(hr == E_INVALIDARG, "oversized cookie got %#lx.\n", hr);
    }
    ISyncMgrSynchronizeInvoke_Release(invoke);
}

static void test_handoff(HANDLE event)
{
    ISyncMgrSynchronizeInvoke *invoke;
    struct request requests[4];
    unsigned int count, tmp, i;
    BYTE *cookie;
    GUID clsid;
    HRESULT hr;
    DWORD ret;

    if (!(invoke = create_invoke())) return;
    CoCreateGuid(&clsid);

    /* A cookie of 64 KiB arrives byte for byte. */
    cookie = malloc(0x10000);
    for (i = 0; i < 0x10000; i++) cookie[i] = (i * 7 + (i >> 8)) & 0xff;
    ResetEvent(event);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC | SYNCMGRINVOKE_MINIMIZED,
            &clsid, 0x10000, cookie);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    ret = WaitForSingleObject(event, 0);
    ok(ret == WAIT_OBJECT_0, "the manager was not woken: %lu.\n", ret);

    count = take_requests(requests, ARRAYSIZE(requests), &tmp);
    ok(count == 1, "got %u requests.\n", count);
    ok(!tmp, "%u unfinished files left.\n", tmp);
    if (count == 1)
    {
        const struct mobsync_request *h = &requests[0].header;

        ok(h->magic == MOBSYNC_REQUEST_MAGIC, "got magic %#lx.\n", h->magic);
        ok(h->version == MOBSYNC_REQUEST_VERSION, "got version %lu.\n", h->version);
        ok(h->header_size == sizeof(*h), "got header size %lu.\n", h->header_size);
        ok(h->kind == MOBSYNC_REQUEST_UPDATE_ITEMS, "got kind %lu.\n", h->kind);
        ok(h->invoke_flags == (SYNCMGRINVOKE_STARTSYNC | SYNCMGRINVOKE_MINIMIZED),
           "got flags %#lx.\n", h->invoke_flags);
        ok(h->sender_pid == GetCurrentProcessId(), "got pid %#lx.\n", h->sender_pid);
        ok(IsEqualGUID(&h->clsid, &clsid), "got %s.\n", wine_dbgstr_guid(&h->clsid));
        ok(h->cookie_size == 0x10000, "got cookie size %lu.\n", h->cookie_size);
        ok(requests[0].cookie && !memcmp(requests[0].cookie, cookie, 0x10000),
           "the cookie differs.\n");
    }
    free_requests(requests, count);
    free(cookie);

    /* No cookie at all. */
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, 0, &clsid, 0, NULL);
    ok(hr == S_OK, "UpdateItems without a cookie got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeInvoke_UpdateAll(invoke);
    ok(hr == S_OK, "UpdateAll got %#lx.\n", hr);
    count = take_requests(requests, ARRAYSIZE(requests), &tmp);
    ok(count == 2, "got %u requests.\n", count);
    if (count == 2)
    {
        /* File names sort in the order the requests were made. */
        ok(requests[0].header.kind == MOBSYNC_REQUEST_UPDATE_ITEMS, "got kind %lu.\n",
           requests[0].header.kind);
        ok(!requests[0].header.cookie_size && !requests[0].header.invoke_flags,
           "got cookie size %lu, flags %#lx.\n", requests[0].header.cookie_size,
           requests[0].header.invoke_flags);
        ok(requests[1].header.kind == MOBSYNC_REQUEST_UPDATE_ALL, "got kind %lu.\n",
           requests[1].header.kind);
        ok(IsEqualGUID(&requests[1].header.clsid, &GUID_NULL), "got %s.\n",
           wine_dbgstr_guid(&requests[1].header.clsid));
    }
    free_requests(requests, count);

    ISyncMgrSynchronizeInvoke_Release(invoke);
}

#define THREADS 8
#define PER_THREAD 25
#define CHILDREN 3
#define PER_CHILD 20

static void make_cookie(BYTE *cookie, DWORD sender, DWORD index)
{
    memcpy(cookie, &sender, sizeof(sender));
    memcpy(cookie + 4, &index, sizeof(index));
}

static DWORD WINAPI invoke_thread(void *arg)
{
    ISyncMgrSynchronizeInvoke *invoke;
    DWORD id = (DWORD)(ULONG_PTR)arg, failures = 0, i;
    BYTE cookie[8];

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER,
            &IID_ISyncMgrSynchronizeInvoke, (void **)&invoke)))
        failures = PER_THREAD;
    else
    {
        for (i = 0; i < PER_THREAD; i++)
        {
            make_cookie(cookie, id, i);
            if (ISyncMgrSynchronizeInvoke_UpdateItems(invoke, 0, &CLSID_SyncMgr, sizeof(cookie),
                    cookie) != S_OK)
                failures++;
        }
        ISyncMgrSynchronizeInvoke_Release(invoke);
    }
    CoUninitialize();
    return failures;
}

static void test_concurrent(void)
{
    static struct request requests[THREADS * PER_THREAD + CHILDREN * PER_CHILD + 8];
    static BOOL seen[THREADS + CHILDREN][PER_THREAD > PER_CHILD ? PER_THREAD : PER_CHILD];
    PROCESS_INFORMATION children[CHILDREN];
    STARTUPINFOA si = { sizeof(si) };
    HANDLE threads[THREADS];
    unsigned int count, tmp, i, missing = 0;
    char cmdline[MAX_PATH + 64], **argv;
    DWORD code, sender, index;

    winetest_get_mainargs(&argv);
    for (i = 0; i < CHILDREN; i++)
    {
        sprintf(cmdline, "\"%s\" invoke child %u", argv[0], THREADS + i);
        ok(CreateProcessA(NULL, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &children[i]),
           "CreateProcess failed, error %lu.\n", GetLastError());
    }
    for (i = 0; i < THREADS; i++)
        threads[i] = CreateThread(NULL, 0, invoke_thread, (void *)(ULONG_PTR)i, 0, NULL);
    for (i = 0; i < THREADS; i++)
    {
        ok(!WaitForSingleObject(threads[i], 60000), "thread %u did not finish.\n", i);
        GetExitCodeThread(threads[i], &code);
        ok(!code, "thread %u: %lu calls failed.\n", i, code);
        CloseHandle(threads[i]);
    }
    for (i = 0; i < CHILDREN; i++)
    {
        winetest_wait_child_process(children[i].hProcess);
        CloseHandle(children[i].hProcess);
        CloseHandle(children[i].hThread);
    }

    count = take_requests(requests, ARRAYSIZE(requests), &tmp);
    ok(count == THREADS * PER_THREAD + CHILDREN * PER_CHILD, "got %u requests.\n", count);
    ok(!tmp, "%u unfinished files left.\n", tmp);
    for (i = 0; i < count; i++)
    {
        if (requests[i].header.cookie_size != 8) continue;
        memcpy(&sender, requests[i].cookie, 4);
        memcpy(&index, requests[i].cookie + 4, 4);
        if (sender < THREADS + CHILDREN && index < ARRAYSIZE(seen[0])) seen[sender][index] = TRUE;
    }
    for (i = 0; i < THREADS + CHILDREN; i++)
        for (index = 0; index < (i < THREADS ? PER_THREAD : PER_CHILD); index++)
            if (!seen[i][index]) missing++;
    ok(!missing, "%u requests lost.\n", missing);
    free_requests(requests, count);
}

static void child(DWORD id)
{
    ISyncMgrSynchronizeInvoke *invoke;
    BYTE cookie[8];
    HRESULT hr;
    DWORD i;

    CoInitialize(NULL);
    if (!(invoke = create_invoke())) return;
    for (i = 0; i < PER_CHILD; i++)
    {
        make_cookie(cookie, id, i);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, 0, &CLSID_SyncMgr, sizeof(cookie), cookie);
        ok(hr == S_OK, "child %lu: request %lu got %#lx.\n", id, i, hr);
    }
    ISyncMgrSynchronizeInvoke_Release(invoke);
    CoUninitialize();
}

/* Without a running manager, the DLL starts mobsync.exe from the system
 * folder; when that cannot be done the caller must hear of it. */
static void test_no_manager(void)
{
    ISyncMgrSynchronizeInvoke *invoke;
    struct request requests[2];
    WCHAR path[MAX_PATH], moved[MAX_PATH];
    unsigned int count, tmp;
    BOOL installed;
    HRESULT hr;

    GetSystemDirectoryW(path, MAX_PATH);
    wcscat(path, L"\\mobsync.exe");
    wcscpy(moved, path);
    wcscat(moved, L".away");
    /* Take the manager away for the time of the test. */
    if ((installed = GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES) && !MoveFileW(path, moved))
    {
        skip("cannot move mobsync.exe away, error %lu.\n", GetLastError());
        return;
    }
    if (!(invoke = create_invoke())) goto done;

    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &CLSID_SyncMgr, 0, NULL);
    ok(hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), "UpdateItems got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeInvoke_UpdateAll(invoke);
    ok(hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), "UpdateAll got %#lx.\n", hr);

    /* Nothing is left to surprise a later session. */
    count = take_requests(requests, ARRAYSIZE(requests), &tmp);
    ok(!count && !tmp, "%u requests and %u unfinished files left.\n", count, tmp);
    free_requests(requests, count);
    ISyncMgrSynchronizeInvoke_Release(invoke);
done:
    if (installed) MoveFileW(moved, path);
}

START_TEST(invoke)
{
    ISyncMgrSynchronizeInvoke *invoke;
    HANDLE mutex, event;
    DWORD ret;
    char **argv;
    HRESULT hr;
    int argc;

    is_wine = !strcmp(winetest_platform, "wine");
    {
        WCHAR local_appdata[MAX_PATH];

        SHGetFolderPathW(NULL, CSIDL_LOCAL_APPDATA, NULL, SHGFP_TYPE_CURRENT, local_appdata);
        ok(mobsync_queue_folder(local_appdata, queue_folder), "no room for the queue folder.\n");
    }

    argc = winetest_get_mainargs(&argv);
    if (argc > 3 && !strcmp(argv[2], "child"))
    {
        child(atoi(argv[3]));
        return;
    }

    CoInitialize(NULL);
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER,
                          &IID_ISyncMgrSynchronizeInvoke, (void **)&invoke);
    if (hr == REGDB_E_CLASSNOTREG)
    {
        win_skip("CLSID_SyncMgr is not registered.\n");
        CoUninitialize();
        return;
    }
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (SUCCEEDED(hr)) ISyncMgrSynchronizeInvoke_Release(invoke);

    test_bad_input();

    if (!is_wine)
    {
        skip("the hand-off to the manager is mobsync's own protocol.\n");
        CoUninitialize();
        return;
    }

    /* Play the running manager. A real one that an earlier test program
     * started may still be waiting for requests: it owns the mutex until it
     * has given up waiting, a few seconds after its last request. */
    mutex = CreateMutexW(NULL, FALSE, MOBSYNC_MANAGER_MUTEX);
    ok(mutex != NULL, "CreateMutex failed: %lu.\n", GetLastError());
    if (mutex && GetLastError() == ERROR_ALREADY_EXISTS)
    {
        ret = WaitForSingleObject(mutex, 30000);
        ok(ret == WAIT_OBJECT_0 || ret == WAIT_ABANDONED, "the running manager did not stop: %lu.\n", ret);
        ReleaseMutex(mutex);
    }
    event = CreateEventW(NULL, FALSE, FALSE, MOBSYNC_QUEUE_EVENT);
    test_handoff(event);
    test_concurrent();
    CloseHandle(event);
    CloseHandle(mutex);

    test_no_manager();
    CoUninitialize();
}
