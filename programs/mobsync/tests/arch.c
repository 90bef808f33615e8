/*
 * Tests of mobsync.exe: handlers of both architectures in one session
 *
 * A handler registered only in the other architecture's registry view (as
 * that architecture's regsvr32 would) is run by the other mobsync.exe as a
 * worker, and reported by the one that was started exactly as its own.
 * Which of the two this program is does not matter: it runs in both, so
 * each direction is tested. MOBSYNC_TEST_BOTH_ARCHES (tools/runtests) says
 * whether the other architecture can run here; where it cannot, its
 * handlers must get an error line and the others still synchronize.
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
#include "tlhelp32.h"

static const unsigned int own_bits = sizeof(void *) * 8;
static const unsigned int other_bits = sizeof(void *) == 8 ? 32 : 64;

/* The same, without the parent. */
static BOOL handler_process(int n, unsigned int *bits, DWORD *pid)
{
    DWORD parent;

    return handler_process_ex(n, bits, pid, &parent);
}

/* Compares handler n's calls after "Created" with the expected ones. */
static void check_calls_after_created(int n, const char * const *expected, unsigned int count)
{
    struct call_log log;
    unsigned int i;

    read_calls(n, &log);
    for (i = 0; i < count && i + 1 < log.count; i++)
        ok(!strcmp(log.calls[i + 1], expected[i]), "handler %02x call %u: got \"%s\", expected \"%s\".\n",
           n, i + 1, log.calls[i + 1], expected[i]);
    ok(log.count == count + 1, "handler %02x: %u calls, expected %u.\n", n, log.count, count + 1);
}

static const char * const good_sync_calls[] =
{
    "Initialize reserved=0 flags=00000003 cookie=0:811c9dc5",
    "GetHandlerInfo",
    "EnumSyncMgrItems",
    "EnumDestroyed",
    "SetProgressCallback callback",
    "PrepareForSync items=01,02",
    "PrepareForSyncCompleted hr=00000000",
    "Synchronize",
    "SynchronizeCompleted hr=00000000",
    "SetProgressCallback NULL",
    "Destroyed",
};

/* A handler of this architecture, synchronized and listed by the other
 * architecture's mobsync.exe: it runs in a worker of this architecture,
 * with the calls and output it gets from its own. */
static void test_other_manager(void)
{
    static char own_list[65536];
    struct mobsync_run run;
    unsigned int bits = 0;
    char args[128];
    DWORD pid = 0;

    if (!both_arches())
    {
        skip("the %u-bit mobsync.exe cannot run here.\n", other_bits);
        return;
    }
    register_handler(TEST_GOOD_SYNC);
    sprintf(args, "/list /handler:%s", handler_str(TEST_GOOD_SYNC));
    run_mobsync(args);
    ok(exit_code == 0, "own /list: exit code %lu.\n", exit_code);
    strcpy(own_list, output);

    other_mobsync(mobsync_exe);
    run_mobsync(args);
    ok(exit_code == 0, "other /list: exit code %lu.\n", exit_code);
    /* The headless contract: the same bytes whichever manager lists. */
    ok(!strcmp(output, own_list), "the %u-bit manager listed\n%s\nthe %u-bit one\n%s\n", other_bits,
       output, own_bits, own_list);
    sprintf(args, "/list /arch /handler:%s", handler_str(TEST_GOOD_SYNC));
    run_mobsync(args);
    sprintf(line, "%s\t%s\tchecked\tTest handler %02x\tItem 1\t%u-bit", handler_str(TEST_GOOD_SYNC),
            item_str(TEST_GOOD_SYNC, 1), TEST_GOOD_SYNC, own_bits);
    ok(has_line(line), "no line %s in\n%s\n", line, output);

    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, "1");
    DeleteFileA(log_path);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_GOOD_SYNC));
    if (start_mobsync(args, &run))
    {
        DWORD manager = GetProcessId(run.process);

        finish_mobsync(&run);
        ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
        ok(handler_process(TEST_GOOD_SYNC, &bits, &pid), "no Created line.\n");
        ok(bits == own_bits, "the handler ran in a %u-bit process.\n", bits);
        ok(pid != manager && pid != GetCurrentProcessId(), "the handler ran in process %04lx.\n", pid);
        check_calls_after_created(TEST_GOOD_SYNC, good_sync_calls, ARRAY_SIZE(good_sync_calls));
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "item 1:\n%s", output);
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 2)), "item 2:\n%s", output);
        sprintf(line, "info\t%s\t%s\t3 files copied", handler_str(TEST_GOOD_SYNC), item_str(TEST_GOOD_SYNC, 1));
        ok(has_line(line), "no info line:\n%s", output);
        ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, NULL);
    mobsync_exe[0] = 0;
    unregister_handler(TEST_GOOD_SYNC);
}

/* One /sync with a handler of each architecture: one summary, one exit
 * code. Where the other architecture cannot run, its handler gets the error
 * line and this one's still synchronize. */
static void test_both_kinds(void)
{
    unsigned int bits;
    char args[256];
    DWORD pid;

    register_handler(TEST_GOOD_SYNC);
    register_other_view(TEST_GOOD_ASYNC);
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, "1");
    sprintf(args, "/sync /handler:%s /handler:%s", handler_str(TEST_GOOD_SYNC), handler_str(TEST_GOOD_ASYNC));
    run_mobsync(args);

    ok(exit_code == 1, "exit code %lu:\n%s", exit_code, output);
    bits = 0;
    ok(handler_process(TEST_GOOD_SYNC, &bits, &pid) && bits == own_bits, "own handler ran %u-bit.\n", bits);
    check_calls_after_created(TEST_GOOD_SYNC, good_sync_calls, ARRAY_SIZE(good_sync_calls));
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "item 1:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 2)), "item 2:\n%s", output);
    if (both_arches())
    {
        ok(handler_process(TEST_GOOD_ASYNC, &bits, &pid), "the other handler did not run.\n");
        ok(bits == other_bits, "the other handler ran %u-bit.\n", bits);
        ok(has_line(result_line("succeeded", TEST_GOOD_ASYNC, 1)), "other item 1:\n%s", output);
        ok(has_line(result_line("failed", TEST_GOOD_ASYNC, 2)), "other item 2:\n%s", output);
        sprintf(line, "error\t%s\t%s\tcould not copy", handler_str(TEST_GOOD_ASYNC), item_str(TEST_GOOD_ASYNC, 2));
        ok(has_line(line), "no error line:\n%s", output);
        ok(!strcmp(last_line(), "3 succeeded, 1 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    else
    {
        sprintf(line, "error\t%s\t-\tregistered for %u-bit only, and the %u-bit mobsync.exe (",
                handler_str(TEST_GOOD_ASYNC), other_bits, other_bits);
        ok(find_line(line) != NULL, "no error line %s in\n%s", line, output);
        ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
    }

    /* The architecture is shown only when asked for. */
    sprintf(args, "/list /handler:%s /handler:%s", handler_str(TEST_GOOD_SYNC), handler_str(TEST_GOOD_ASYNC));
    run_mobsync(args);
    if (both_arches())
    {
        ok(exit_code == 0, "/list: exit code %lu:\n%s", exit_code, output);
        sprintf(line, "%s\t%s\tchecked\tTest handler %02x\tItem 1", handler_str(TEST_GOOD_ASYNC),
                item_str(TEST_GOOD_ASYNC, 1), TEST_GOOD_ASYNC);
        ok(has_line(line), "no line %s in\n%s\n", line, output);
        sprintf(args, "/list /arch /handler:%s /handler:%s", handler_str(TEST_GOOD_SYNC),
                handler_str(TEST_GOOD_ASYNC));
        run_mobsync(args);
        strcat(line, other_bits == 64 ? "\t64-bit" : "\t32-bit");
        ok(has_line(line), "no line %s in\n%s\n", line, output);
        sprintf(line, "%s\t%s\tchecked\tTest handler %02x\tItem 1\t%u-bit", handler_str(TEST_GOOD_SYNC),
                item_str(TEST_GOOD_SYNC, 1), TEST_GOOD_SYNC, own_bits);
        ok(has_line(line), "no line %s in\n%s\n", line, output);
    }
    else
    {
        ok(exit_code == 1, "/list: exit code %lu:\n%s", exit_code, output);
        sprintf(line, "%s\t-\terror\t0x", handler_str(TEST_GOOD_ASYNC));
        ok(find_line(line) != NULL, "no error line in\n%s", output);
    }

    /* A worker that cannot be started, as where the other architecture is
     * missing (MOBSYNC_WORKER names the program to start). */
    SetEnvironmentVariableA("MOBSYNC_WORKER", "C:\\nonexistent\\mobsync.exe");
    sprintf(args, "/sync /handler:%s /handler:%s", handler_str(TEST_GOOD_SYNC), handler_str(TEST_GOOD_ASYNC));
    run_mobsync(args);
    SetEnvironmentVariableA("MOBSYNC_WORKER", NULL);
    ok(exit_code == 1, "exit code %lu:\n%s", exit_code, output);
    sprintf(line, "error\t%s\t-\tregistered for %u-bit only, and the %u-bit mobsync.exe "
            "(C:\\nonexistent\\mobsync.exe) cannot be started: ", handler_str(TEST_GOOD_ASYNC), other_bits,
            other_bits);
    ok(find_line(line) != NULL, "no error line %s in\n%s", line, output);
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 2)), "item 2:\n%s", output);
    ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());

    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, NULL);
    unregister_other_view(TEST_GOOD_ASYNC);
    unregister_handler(TEST_GOOD_SYNC);
}

/* /skip and /stop reach a handler in the worker. */
static void test_worker_skip_stop(void)
{
    struct mobsync_run run;
    char args[256];
    DWORD ret;

    if (!both_arches())
    {
        skip("the %u-bit mobsync.exe cannot run here.\n", other_bits);
        return;
    }
    register_other_view(TEST_SKIP);
    DeleteFileA(log_path);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_SKIP));
    if (!start_mobsync(args, &run)) return;
    ok(wait_for_call(TEST_SKIP, "Synchronize"), "Synchronize was not called.\n");
    ret = control("/skip:%s", item_str(TEST_SKIP, 3));
    ok(ret == 1, "skipping an item not chosen: exit code %lu.\n", ret);
    ret = control("/skip:%s /handler:%s", item_str(TEST_SKIP, 1), handler_str(TEST_SKIP));
    ok(ret == 0, "skipping item 1: exit code %lu, %s\n", ret, output);
    ret = control("/skip:%s", item_str(TEST_SKIP, 1));
    ok(ret == 1, "skipping item 1 again: exit code %lu.\n", ret);
    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(has_line(result_line("skipped", TEST_SKIP, 1)), "item 1:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_SKIP, 2)), "item 2:\n%s", output);
    ok(!strcmp(last_line(), "1 succeeded, 0 failed, 1 skipped"), "last line %s.\n", last_line());

    /* /stop: both of its items end stopped; this architecture's handler
     * beside it is not harmed. */
    register_handler(TEST_GOOD_SYNC);
    DeleteFileA(log_path);
    sprintf(args, "/sync /handler:%s /handler:%s", handler_str(TEST_SKIP), handler_str(TEST_GOOD_SYNC));
    if (start_mobsync(args, &run))
    {
        ok(wait_for_call(TEST_SKIP, "Synchronize"), "Synchronize was not called.\n");
        ok(wait_for_call(TEST_GOOD_SYNC, "Destroyed"), "the good handler did not finish.\n");
        ret = control("/stop");
        ok(ret == 0, "stop: exit code %lu, %s\n", ret, output);
        finish_mobsync(&run);
        ok(exit_code == 1, "exit code %lu:\n%s", exit_code, output);
        ok(has_line(result_line("stopped", TEST_SKIP, 1)), "item 1:\n%s", output);
        ok(has_line(result_line("stopped", TEST_SKIP, 2)), "item 2:\n%s", output);
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "good item 1:\n%s", output);
        ok(!strcmp(last_line(), "2 succeeded, 2 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    unregister_handler(TEST_GOOD_SYNC);
    unregister_other_view(TEST_SKIP);
}

static BOOL has_error(int n, const char *text)
{
    char prefix[512];

    snprintf(prefix, sizeof(prefix), "error\t%s\t-\t%s", handler_str(n), text);
    return find_line(prefix) != NULL;
}

/* Suspends every thread of process pid: it lives, and answers nothing. */
static BOOL suspend_process(DWORD pid)
{
    THREADENTRY32 entry = { sizeof(entry) };
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0), thread;
    unsigned int count = 0;

    if (snapshot == INVALID_HANDLE_VALUE) return FALSE;
    if (Thread32First(snapshot, &entry))
    {
        do
        {
            if (entry.th32OwnerProcessID != pid) continue;
            if (!(thread = OpenThread(THREAD_SUSPEND_RESUME, FALSE, entry.th32ThreadID))) continue;
            if (SuspendThread(thread) != (DWORD)-1) count++;
            CloseHandle(thread);
        } while (Thread32Next(snapshot, &entry));
    }
    CloseHandle(snapshot);
    return count != 0;
}

/* A handler in the worker that crashes or hangs, and a worker killed: each
 * reported like an in-process one, the other handlers' results intact. */
static void test_worker_failures(void)
{
    struct mobsync_run run;
    unsigned int bits = 0;
    char args[256], name[64];
    HANDLE process, release;
    DWORD pid = 0, parent = 0;

    if (!both_arches())
    {
        skip("the %u-bit mobsync.exe cannot run here.\n", other_bits);
        return;
    }
    register_handler(TEST_GOOD_SYNC);
    register_other_view(TEST_CRASH);
    register_other_view(TEST_HANG);
    sprintf(args, "/sync /timeout:3 /handler:%s /handler:%s /handler:%s", handler_str(TEST_CRASH),
            handler_str(TEST_HANG), handler_str(TEST_GOOD_SYNC));
    run_mobsync(args);
    ok(exit_code == 1, "exit code %lu:\n%s", exit_code, output);
    ok(has_error(TEST_CRASH, "crashed with exception 0xc0000005"), "no crash line:\n%s", output);
    ok(has_error(TEST_HANG, "did not finish within 3 seconds"), "no time-out line:\n%s", output);
    ok(has_line(result_line("failed", TEST_CRASH, 1)), "crash item 1:\n%s", output);
    ok(has_line(result_line("failed", TEST_HANG, 1)), "hang item 1:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "good item 1:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 2)), "good item 2:\n%s", output);
    ok(!strcmp(last_line(), "2 succeeded, 4 failed, 0 skipped"), "last line %s.\n", last_line());
    ok(elapsed < 30000, "took %lu ms.\n", elapsed);
    unregister_other_view(TEST_CRASH);
    unregister_other_view(TEST_HANG);

    /* The worker itself killed while its handler waits in Initialize (for
     * an event nobody sets). */
    sprintf(name, TEST_RELEASE_EVENT, TEST_BLOCK_INIT, 1);
    release = CreateEventA(NULL, TRUE, FALSE, name);
    register_other_view(TEST_BLOCK_INIT);
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, "1");
    DeleteFileA(log_path);
    sprintf(args, "/sync /handler:%s /handler:%s", handler_str(TEST_BLOCK_INIT), handler_str(TEST_GOOD_SYNC));
    if (start_mobsync(args, &run))
    {
        ok(wait_for_call(TEST_BLOCK_INIT, "Blocking"), "the handler did not start.\n");
        ok(handler_process(TEST_BLOCK_INIT, &bits, &pid) && bits == other_bits, "ran %u-bit.\n", bits);
        ok(handler_process_ex(TEST_BLOCK_INIT, &bits, &pid, &parent) && parent == GetProcessId(run.process),
           "the handler's process %04lx (parent %04lx) is not the manager's worker.\n", pid, parent);
        process = OpenProcess(PROCESS_TERMINATE, FALSE, pid);
        ok(process != NULL, "cannot open process %04lx: %lu.\n", pid, GetLastError());
        if (process)
        {
            TerminateProcess(process, 0xdead);
            CloseHandle(process);
        }
        finish_mobsync(&run);
        ok(exit_code == 1, "exit code %lu:\n%s", exit_code, output);
        sprintf(line, "the %u-bit mobsync.exe that ran it ended before it finished (exit code 0x0000dead)",
                other_bits);
        ok(has_error(TEST_BLOCK_INIT, line), "no error line:\n%s", output);
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "good item 1:\n%s", output);
        ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
        ok(elapsed < 30000, "took %lu ms.\n", elapsed);
    }

    /* The worker alive but answering nothing (every thread of it suspended
     * within the 3 s its own watchdog would take): given up on 10 s after the
     * time limit, and ended. */
    DeleteFileA(log_path);
    sprintf(args, "/sync /timeout:3 /handler:%s /handler:%s", handler_str(TEST_BLOCK_INIT),
            handler_str(TEST_GOOD_SYNC));
    if (start_mobsync(args, &run))
    {
        ok(wait_for_call(TEST_BLOCK_INIT, "Blocking"), "the handler did not start.\n");
        ok(handler_process(TEST_BLOCK_INIT, &bits, &pid) && bits == other_bits, "ran %u-bit.\n", bits);
        ok(suspend_process(pid), "cannot suspend process %04lx.\n", pid);
        process = OpenProcess(SYNCHRONIZE, FALSE, pid);
        finish_mobsync(&run);
        ok(exit_code == 1, "exit code %lu:\n%s", exit_code, output);
        ok(has_error(TEST_BLOCK_INIT, "did not finish within 3 seconds"), "no error line:\n%s", output);
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "good item 1:\n%s", output);
        ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
        /* The session's own clock, not the worker's, gave up on it. */
        ok(elapsed >= 13000 && elapsed < 40000, "took %lu ms.\n", elapsed);
        ok(process && !WaitForSingleObject(process, 0), "the worker still runs.\n");
        if (process) CloseHandle(process);
    }
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, NULL);
    CloseHandle(release);
    unregister_other_view(TEST_BLOCK_INIT);
    unregister_handler(TEST_GOOD_SYNC);
}

/* A program's UpdateItems reaches the running manager of the other
 * architecture, whose worker runs the handler with the cookie byte for
 * byte, also when it arrives while a session runs. */
static void test_invoke_other_manager(void)
{
    static BYTE cookie_a[3000], cookie_b[5000];
    ISyncMgrSynchronizeInvoke *invoke;
    char expected[128], name[64];
    struct mobsync_run run;
    HANDLE mutex = NULL, release;
    DWORD start, manager, pid, parent;
    unsigned int bits, i;
    CLSID clsid;
    HRESULT hr;

    if (!both_arches())
    {
        skip("the %u-bit mobsync.exe cannot run here.\n", other_bits);
        return;
    }
    for (i = 0; i < sizeof(cookie_a); i++) cookie_a[i] = i * 7;
    for (i = 0; i < sizeof(cookie_b); i++) cookie_b[i] = 255 - i;
    register_handler(TEST_BLOCK_INIT);
    register_handler(TEST_GOOD_SYNC);
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, "1");
    sprintf(name, TEST_RELEASE_EVENT, TEST_BLOCK_INIT, 1);
    release = CreateEventA(NULL, TRUE, FALSE, name);
    DeleteFileA(log_path);

    /* No manager runs: the other architecture's becomes it. */
    mutex = OpenMutexW(SYNCHRONIZE, FALSE, MOBSYNC_MANAGER_MUTEX);
    ok(!mutex, "a manager runs already.\n");
    if (mutex) CloseHandle(mutex);
    other_mobsync(mobsync_exe);
    if (!start_mobsync("/invoke", &run))
    {
        mobsync_exe[0] = 0;
        return;
    }
    mobsync_exe[0] = 0;
    manager = GetProcessId(run.process);
    for (start = GetTickCount(); !(mutex = OpenMutexW(SYNCHRONIZE, FALSE, MOBSYNC_MANAGER_MUTEX))
            && GetTickCount() - start < 10000; Sleep(10)) ;
    ok(mutex != NULL, "the %u-bit manager did not start.\n", other_bits);
    if (mutex) CloseHandle(mutex);

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (SUCCEEDED(hr))
    {
        handler_clsid(TEST_BLOCK_INIT, &clsid);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid,
                                                   sizeof(cookie_a), cookie_a);
        ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
        ok(wait_for_call(TEST_BLOCK_INIT, "Blocking"), "the first request did not start.\n");
        /* While that session runs. */
        handler_clsid(TEST_GOOD_SYNC, &clsid);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid,
                                                   sizeof(cookie_b), cookie_b);
        ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
        SetEvent(release);
        ok(wait_for_call(TEST_GOOD_SYNC, "Destroyed"), "the second request did not run.\n");
        ISyncMgrSynchronizeInvoke_Release(invoke);

        sprintf(expected, "Initialize reserved=0 flags=%08x cookie=%u:%08lx",
                SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER, (UINT)sizeof(cookie_a),
                hash_bytes(cookie_a, sizeof(cookie_a)));
        ok(!strcmp(initialize_call(TEST_BLOCK_INIT), expected), "got \"%s\", expected \"%s\".\n",
           initialize_call(TEST_BLOCK_INIT), expected);
        sprintf(expected, "Initialize reserved=0 flags=%08x cookie=%u:%08lx",
                SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER, (UINT)sizeof(cookie_b),
                hash_bytes(cookie_b, sizeof(cookie_b)));
        ok(!strcmp(initialize_call(TEST_GOOD_SYNC), expected), "got \"%s\", expected \"%s\".\n",
           initialize_call(TEST_GOOD_SYNC), expected);
        /* Both ran in a worker of the manager this test started. */
        bits = 0;
        pid = 0;
        ok(handler_process_ex(TEST_GOOD_SYNC, &bits, &pid, &parent) && bits == own_bits, "ran %u-bit.\n", bits);
        ok(parent == manager && pid != manager, "process %04lx (parent %04lx) is not the %u-bit "
           "manager's (%04lx) worker.\n", pid, parent, other_bits, manager);
        bits = 0;
        pid = 0;
        ok(handler_process_ex(TEST_BLOCK_INIT, &bits, &pid, &parent) && bits == own_bits, "ran %u-bit.\n", bits);
        ok(parent == manager && pid != manager, "process %04lx (parent %04lx) is not the %u-bit "
           "manager's (%04lx) worker.\n", pid, parent, other_bits, manager);
    }
    SetEvent(release);
    finish_mobsync(&run);
    ok(exit_code == 0, "the manager exited with %lu.\n", exit_code);
    CloseHandle(release);
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, NULL);
    unregister_handler(TEST_GOOD_SYNC);
    unregister_handler(TEST_BLOCK_INIT);
}

/* A program's UpdateItems for a handler registered only for the other
 * architecture: the manager it starts (its own, detached) runs it in its
 * worker, with the cookie byte for byte. */
static void test_invoke_starts_worker(void)
{
    static BYTE cookie[777];
    ISyncMgrSynchronizeInvoke *invoke;
    char expected[128];
    unsigned int bits = 0, i;
    DWORD pid = 0;
    CLSID clsid;
    HRESULT hr;

    if (!both_arches())
    {
        skip("the %u-bit mobsync.exe cannot run here.\n", other_bits);
        return;
    }
    for (i = 0; i < sizeof(cookie); i++) cookie[i] = i * 13 + 1;
    register_other_view(TEST_GOOD_SYNC);
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, "1");
    DeleteFileA(log_path);
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (SUCCEEDED(hr))
    {
        handler_clsid(TEST_GOOD_SYNC, &clsid);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid,
                                                   sizeof(cookie), cookie);
        ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
        ok(wait_for_call(TEST_GOOD_SYNC, "Destroyed"), "the handler did not run.\n");
        ISyncMgrSynchronizeInvoke_Release(invoke);
        sprintf(expected, "Initialize reserved=0 flags=%08x cookie=%u:%08lx",
                SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER, (UINT)sizeof(cookie),
                hash_bytes(cookie, sizeof(cookie)));
        ok(!strcmp(initialize_call(TEST_GOOD_SYNC), expected), "got \"%s\", expected \"%s\".\n",
           initialize_call(TEST_GOOD_SYNC), expected);
        ok(handler_process(TEST_GOOD_SYNC, &bits, &pid) && bits == other_bits, "ran %u-bit.\n", bits);
    }
    /* Let that manager go before the next test. */
    wait_for_no_manager();
    SetEnvironmentVariableA(TEST_LOG_BITS_VARIABLE, NULL);
    unregister_other_view(TEST_GOOD_SYNC);
}

/* The check states are one store: the worker reads what this architecture
 * wrote, and both managers list and synchronize the same items. */
static void test_one_store(void)
{
    static char own_list[65536];
    char args[128];

    if (!both_arches())
    {
        skip("the %u-bit mobsync.exe cannot run here.\n", other_bits);
        return;
    }
    register_other_view(TEST_GOOD_SYNC);
    set_item_setting(TEST_GOOD_SYNC, 1, 0);
    set_item_setting(TEST_GOOD_SYNC, 3, 1);
    sprintf(args, "/list /handler:%s", handler_str(TEST_GOOD_SYNC));
    run_mobsync(args);
    sprintf(line, "%s\t%s\tunchecked\tTest handler %02x\tItem 1", handler_str(TEST_GOOD_SYNC),
            item_str(TEST_GOOD_SYNC, 1), TEST_GOOD_SYNC);
    ok(has_line(line), "no line %s in\n%s\n", line, output);
    sprintf(line, "%s\t%s\tchecked\tTest handler %02x\tItem 3", handler_str(TEST_GOOD_SYNC),
            item_str(TEST_GOOD_SYNC, 3), TEST_GOOD_SYNC);
    ok(has_line(line), "no line %s in\n%s\n", line, output);
    strcpy(own_list, output);
    other_mobsync(mobsync_exe);
    run_mobsync(args);
    mobsync_exe[0] = 0;
    ok(!strcmp(output, own_list), "the %u-bit manager listed\n%s\nthe %u-bit one\n%s\n", other_bits,
       output, own_bits, own_list);

    sprintf(args, "/sync /handler:%s", handler_str(TEST_GOOD_SYNC));
    run_mobsync(args);
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(!find_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "unchecked item 1 synchronized:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 2)), "item 2:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 3)), "item 3:\n%s", output);
    ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
    delete_item_settings(TEST_GOOD_SYNC);
    unregister_other_view(TEST_GOOD_SYNC);
}

START_TEST(arch)
{
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    init_test();
    test_other_manager();
    test_both_kinds();
    test_one_store();
    test_worker_skip_stop();
    test_worker_failures();
    /* The /invoke server's engine, without the windows of a program's
     * requests (progress.c tests those). */
    set_headless(1);
    test_invoke_other_manager();
    test_invoke_starts_worker();
    set_headless(~0u);
    DeleteFileA(log_path);
    CoUninitialize();
}
