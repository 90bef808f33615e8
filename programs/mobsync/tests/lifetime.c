/*
 * Tests of mobsync.exe as a long-lived manager: what a handler given up on,
 * crashed or racing the manager does later must not reach another session,
 * be counted twice or hang the one it is in.
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

#include "mobsync_test.h"
#include "mobsync_registry.h"
#include "mobsync_request.h"
#include "shlobj.h"

/* How many calls of handler n start with prefix. */
static unsigned int count_calls(int n, const char *prefix)
{
    struct call_log log;
    unsigned int i, count = 0;

    read_calls(n, &log);
    for (i = 0; i < log.count; i++)
        if (!strncmp(log.calls[i], prefix, strlen(prefix))) count++;
    return count;
}

/* Waits for handler n to have recorded count calls that start with prefix. */
static BOOL wait_for_calls(int n, const char *prefix, unsigned int count)
{
    DWORD start = GetTickCount();

    do
    {
        if (count_calls(n, prefix) >= count) return TRUE;
        Sleep(20);
    } while (GetTickCount() - start < 30000);
    return FALSE;
}

static void set_invoke_timeout(DWORD seconds)
{
    HKEY key;

    if (RegCreateKeyExA(HKEY_CURRENT_USER, MOBSYNC_SETTINGS_KEY_A, 0, NULL, 0, KEY_ALL_ACCESS, NULL,
                        &key, NULL))
        return;
    if (seconds) RegSetValueExA(key, "InvokeTimeout", 0, REG_DWORD, (BYTE *)&seconds, sizeof(seconds));
    else RegDeleteValueA(key, "InvokeTimeout");
    RegCloseKey(key);
}

static HANDLE create_release_event(int n, unsigned int serial)
{
    char name[64];

    sprintf(name, TEST_RELEASE_EVENT, n, serial);
    return CreateEventA(NULL, TRUE, FALSE, name);
}

/* The tid of handler n's index-th call that starts with prefix, or 0. */
static DWORD call_tid(int n, const char *prefix, unsigned int index)
{
    struct call_log log;
    unsigned int i;

    read_calls(n, &log);
    for (i = 0; i < log.count; i++)
        if (!strncmp(log.calls[i], prefix, strlen(prefix)) && !index--) return log.tids[i];
    return 0;
}

/* The call of handler n on thread tid that starts with prefix, or "". */
static const char *call_on_thread(int n, const char *prefix, DWORD tid)
{
    static struct call_log log;
    unsigned int i;

    read_calls(n, &log);
    for (i = 0; i < log.count; i++)
        if (log.tids[i] == tid && !strncmp(log.calls[i], prefix, strlen(prefix))) return log.calls[i];
    return "";
}

/* The Initialize call a program's request started with
 * SYNCMGRINVOKE_STARTSYNC records, for its cookie. */
static void invoked_initialize(char *line, const BYTE *cookie, DWORD size)
{
    sprintf(line, "Initialize reserved=0 flags=%08x cookie=%lu:%08lx",
            SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER, size, hash_bytes(cookie, size));
}

/* A program's request whose handler is still in Initialize when the time
 * limit is over is given up on, and the next request runs. The handler
 * given up on reads its cookie afterwards, as the documentation lets it
 * while Initialize runs: it must be its own request's cookie, whatever the
 * manager does meanwhile. */
static void test_given_up_keeps_its_cookie(void)
{
    static BYTE cookie_a[4096], cookie_b[4096];
    ISyncMgrSynchronizeInvoke *invoke;
    char expected_a[128], expected_b[128];
    HANDLE release_a, release_b;
    DWORD tid_a, tid_b;
    CLSID clsid;
    HRESULT hr;

    memset(cookie_a, 'A', sizeof(cookie_a));
    memset(cookie_b, 'B', sizeof(cookie_b));
    invoked_initialize(expected_a, cookie_a, sizeof(cookie_a));
    invoked_initialize(expected_b, cookie_b, sizeof(cookie_b));

    wait_for_no_manager();
    set_invoke_timeout(2);
    release_a = create_release_event(TEST_BLOCK_INIT, 1);
    release_b = create_release_event(TEST_BLOCK_INIT, 2);
    register_handler(TEST_BLOCK_INIT);
    DeleteFileA(log_path);

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (SUCCEEDED(hr))
    {
        handler_clsid(TEST_BLOCK_INIT, &clsid);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid,
                                                   sizeof(cookie_a), cookie_a);
        ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid,
                                                   sizeof(cookie_b), cookie_b);
        ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);

        /* The first is given up on after 2 s; then the second waits too. */
        ok(wait_for_calls(TEST_BLOCK_INIT, "Blocking", 2), "the requests did not both start.\n");
        tid_a = call_tid(TEST_BLOCK_INIT, "Blocking", 0);
        tid_b = call_tid(TEST_BLOCK_INIT, "Blocking", 1);
        SetEvent(release_a);
        ok(wait_for_calls(TEST_BLOCK_INIT, "Initialize", 1), "the first handler did not go on.\n");
        ok(!strcmp(call_on_thread(TEST_BLOCK_INIT, "Initialize", tid_a), expected_a),
           "given up on, it got \"%s\", expected \"%s\".\n",
           call_on_thread(TEST_BLOCK_INIT, "Initialize", tid_a), expected_a);
        SetEvent(release_b);
        ok(wait_for_calls(TEST_BLOCK_INIT, "Initialize", 2), "the second handler did not go on.\n");
        ok(!strcmp(call_on_thread(TEST_BLOCK_INIT, "Initialize", tid_b), expected_b),
           "the next request's handler got \"%s\", expected \"%s\".\n",
           call_on_thread(TEST_BLOCK_INIT, "Initialize", tid_b), expected_b);
        ISyncMgrSynchronizeInvoke_Release(invoke);
    }
    SetEvent(release_a);
    SetEvent(release_b);
    wait_for_no_manager();
    CloseHandle(release_a);
    CloseHandle(release_b);
    unregister_handler(TEST_BLOCK_INIT);
    set_invoke_timeout(0);
}

/* A request file in the queue, opened as a writer that is not done with it
 * would have it: readable, not deletable, so no manager can claim it. */
static HANDLE hold_request(void)
{
    WCHAR local_appdata[MAX_PATH], folder[MAX_PATH], path[2 * MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find, file = INVALID_HANDLE_VALUE;

    if (FAILED(SHGetFolderPathW(NULL, CSIDL_LOCAL_APPDATA, NULL, SHGFP_TYPE_CURRENT, local_appdata))
            || !mobsync_queue_folder(local_appdata, folder))
        return INVALID_HANDLE_VALUE;
    swprintf(path, ARRAY_SIZE(path), L"%ls\\*.req", folder);
    if ((find = FindFirstFileW(path, &data)) == INVALID_HANDLE_VALUE) return INVALID_HANDLE_VALUE;
    swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", folder, data.cFileName);
    FindClose(find);
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    return file;
}

/* A manager that gave up on a handler takes no more requests: one that
 * came in while it looked, and that it could not take, is left to a new
 * manager it starts (queue.c, hand_over), which runs it. */
static void test_hand_over(void)
{
    static const BYTE cookie[] = "left to the next manager";
    ISyncMgrSynchronizeInvoke *invoke = NULL;
    HANDLE release, held, thread, first = NULL, event;
    DWORD (WINAPI *pGetProcessIdOfThread)(HANDLE);
    char expected[128];
    CLSID clsid;
    DWORD code;
    HRESULT hr;

    invoked_initialize(expected, cookie, sizeof(cookie));
    wait_for_no_manager();
    /* Long enough for the test to hold the second request first. */
    set_invoke_timeout(10);
    release = create_release_event(TEST_BLOCK_INIT, 1);
    register_handler(TEST_BLOCK_INIT);
    register_handler(TEST_GOOD_SYNC);
    DeleteFileA(log_path);

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) goto done;
    handler_clsid(TEST_BLOCK_INIT, &clsid);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, 1, (BYTE *)"A");
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    ok(wait_for_calls(TEST_BLOCK_INIT, "Blocking", 1), "the first request did not start.\n");
    /* The manager is the process of the handler's thread (Windows XP has
     * no GetProcessIdOfThread: the test then cannot wait for it). */
    pGetProcessIdOfThread = (void *)GetProcAddress(GetModuleHandleA("kernel32.dll"), "GetProcessIdOfThread");
    if (!pGetProcessIdOfThread) win_skip("GetProcessIdOfThread is not available.\n");
    else if ((thread = OpenThread(THREAD_QUERY_INFORMATION, FALSE, call_tid(TEST_BLOCK_INIT, "Blocking", 0))))
    {
        first = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, pGetProcessIdOfThread(thread));
        CloseHandle(thread);
        ok(first != NULL, "no manager process.\n");
    }
    if (!first) goto done;

    handler_clsid(TEST_GOOD_SYNC, &clsid);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, sizeof(cookie), cookie);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    ISyncMgrSynchronizeInvoke_Release(invoke);
    invoke = NULL;
    if ((held = hold_request()) == INVALID_HANDLE_VALUE)
    {
        skip("the manager took the second request before the test could hold it.\n");
        goto done;
    }
    /* Given up on after 10 s, the first manager cannot take the request
     * held open, sees it in the queue, starts another manager and ends. */
    ok(!WaitForSingleObject(first, 30000), "the first manager did not end.\n");
    GetExitCodeProcess(first, &code);
    ok(!code, "the first manager's exit code %#lx.\n", code);
    ok(!count_calls(TEST_GOOD_SYNC, "Initialize"), "the held request ran already.\n");
    CloseHandle(held);
    /* Written to the end: its writer wakes the manager, as the DLL does. */
    if ((event = OpenEventW(EVENT_MODIFY_STATE, FALSE, MOBSYNC_QUEUE_EVENT)))
    {
        SetEvent(event);
        CloseHandle(event);
    }
    ok(wait_for_calls(TEST_GOOD_SYNC, expected, 1), "the request left to the new manager did not run.\n");
    ok(count_calls(TEST_GOOD_SYNC, "Initialize") == 1, "it ran %u times.\n",
       count_calls(TEST_GOOD_SYNC, "Initialize"));

done:
    if (invoke) ISyncMgrSynchronizeInvoke_Release(invoke);
    if (first) CloseHandle(first);
    SetEvent(release);
    wait_for_no_manager();
    CloseHandle(release);
    unregister_handler(TEST_BLOCK_INIT);
    unregister_handler(TEST_GOOD_SYNC);
    set_invoke_timeout(0);
}

/* The number of output lines that start with prefix. */
static unsigned int count_lines(const char *prefix)
{
    const char *p = output;
    unsigned int count = 0;

    while (p && *p)
    {
        if (!strncmp(p, prefix, strlen(prefix))) count++;
        if ((p = strchr(p, '\n'))) p++;
    }
    return count;
}

/* A handler whose thread crashed is failed once: when its Synchronize
 * returns an error afterwards, that is neither printed nor counted again. */
static void test_late_return_after_crash(void)
{
    char args[256], prefix[64];

    register_handler_ex(TEST_GOOD_ASYNC, TEST_DLL2, "Apartment", 0);
    register_handler(TEST_CRASH_LATE);
    sprintf(args, "/sync /timeout:20 /handler:%s /handler:%s", handler_str(TEST_CRASH_LATE),
            handler_str(TEST_GOOD_ASYNC));
    if (run_mobsync(args))
    {
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        ok(count_calls(TEST_CRASH_LATE, "LateReturn") == 1, "Synchronize did not return.\n");
        sprintf(prefix, "error\t%s\t", handler_str(TEST_CRASH_LATE));
        ok(count_lines(prefix) == 1, "%u error lines:\n%s", count_lines(prefix), output);
        sprintf(line, "error\t%s\t-\tcrashed with exception 0xc0000005", handler_str(TEST_CRASH_LATE));
        ok(find_line(line) != NULL, "no crash line:\n%s", output);
        ok(has_line(result_line("failed", TEST_CRASH_LATE, 1)), "item 1:\n%s", output);
        ok(has_line(result_line("succeeded", TEST_GOOD_ASYNC, 1)), "the other handler:\n%s", output);
        ok(!strcmp(last_line(), "1 succeeded, 3 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    unregister_handler(TEST_CRASH_LATE);
    unregister_handler(TEST_GOOD_ASYNC);
}

/* A handler enumerating a million items while its time limit of one second
 * runs out: the manager gives up on it while it still adds items, and
 * neither may touch a table the other is changing. A race: each run has
 * the handler hand over the items that make the manager's table move at
 * another moment around the time limit (MOBSYNC_STRESS_RUNS runs more, to
 * measure how often it used to crash). */
static void test_time_limit_while_enumerating(void)
{
    unsigned int runs = 3, run, crashes = 0, bad = 0;
    char args[128], count[16];

    if (GetEnvironmentVariableA("MOBSYNC_STRESS_RUNS", count, sizeof(count)))
        runs = max(1, atoi(count));
    register_handler(TEST_MANY_ITEMS);
    sprintf(args, "/sync /timeout:1 /handler:%s", handler_str(TEST_MANY_ITEMS));
    for (run = 0; run < runs; run++)
    {
        sprintf(count, "%u", 850 + run * 37 % 300);
        SetEnvironmentVariableA(TEST_PACE_VARIABLE, count);
        if (!run_mobsync(args)) break;
        if (exit_code > 1) crashes++;
        else if (strcmp(last_line(), "0 succeeded, 0 failed, 0 skipped")) bad++;
    }
    SetEnvironmentVariableA(TEST_PACE_VARIABLE, NULL);
    ok(!crashes, "the manager crashed in %u of %u runs.\n", crashes, run);
    ok(!bad, "%u of %u runs ended without their summary; the last:\n%s", bad, run, output);
    if (runs > 3) trace("%u crashes in %u runs.\n", crashes, run);
    unregister_handler(TEST_MANY_ITEMS);
}

/* A handler that keeps reporting an item whose ID another of its threads
 * makes unreadable and readable again: each call gets S_OK or
 * E_INVALIDARG, the manager never faults on it, and the session still
 * answers /stop. */
static void test_unreadable_progress(void)
{
    static const char * const expected[] =
    {
        SYNC_LOADING_CALLS,
        "PrepareForSync items=01,02",
        "PrepareForSyncCompleted hr=00000000",
        "Synchronize",
    };
    struct mobsync_run run;
    struct call_log log;
    char args[256];
    unsigned int i;

    register_handler(TEST_FLIP);
    register_handler(TEST_CANCEL);
    DeleteFileA(log_path);
    sprintf(args, "/sync /timeout:60 /handler:%s /handler:%s", handler_str(TEST_FLIP),
            handler_str(TEST_CANCEL));
    if (start_mobsync(args, &run))
    {
        ok(wait_for_calls(TEST_FLIP, "FlipsDone", 1), "the handler did not finish flipping.\n");
        ok(wait_for_calls(TEST_CANCEL, "Synchronize", 1), "the other handler did not start.\n");
        /* What the other handler needs to end before its 60 s are over. */
        ok(run_mobsync_keep_log("/stop") && exit_code == 0, "/stop exit code %lu: %s", exit_code, output);
        finish_mobsync(&run);
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        read_calls(TEST_FLIP, &log);
        for (i = 0; i < ARRAY_SIZE(expected) && i < log.count; i++)
            ok(!strcmp(log.calls[i], expected[i]), "call %u: got \"%s\".\n", i, log.calls[i]);
        ok(count_calls(TEST_FLIP, "Flipped other=0") == 1, "Synchronize did not survive its calls:\n%s",
           output);
        ok(has_line(result_line("succeeded", TEST_FLIP, 1)), "item 1:\n%s", output);
        ok(has_line(result_line("stopped", TEST_CANCEL, 1)), "the other handler:\n%s", output);
        ok(!strcmp(last_line(), "2 succeeded, 2 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    unregister_handler(TEST_FLIP);
    unregister_handler(TEST_CANCEL);
}

START_TEST(lifetime)
{
    CoInitialize(NULL);
    init_test();
    /* The engine of the /invoke server, without the windows of a program's
     * requests (progress.c tests those). */
    set_headless(1);

    test_given_up_keeps_its_cookie();
    test_hand_over();
    test_late_return_after_crash();
    test_time_limit_while_enumerating();
    test_unreadable_progress();

    set_headless(~0u);
    CoUninitialize();
}
