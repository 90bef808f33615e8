/*
 * Tests of mobsync.exe: the documented call sequence, item choice, results
 * and the hand-off from ISyncMgrSynchronizeInvoke
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

static void test_good_sync(void)
{
    static const char * const expected[] =
    {
        SYNC_LOADING_CALLS,
        "PrepareForSync items=01,02",
        "PrepareForSyncCompleted hr=00000000",
        "Synchronize",
        "SynchronizeCompleted hr=00000000",
        "SetProgressCallback NULL",
        "Destroyed",
    };
    struct call_log log;
    char args[128];
    unsigned int i;

    register_handler(TEST_GOOD_SYNC);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_GOOD_SYNC));
    if (!run_mobsync(args)) return;

    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok_calls(TEST_GOOD_SYNC, expected);
    read_calls(TEST_GOOD_SYNC, &log);
    for (i = 1; i < log.count; i++)
        ok(log.tids[i] == log.tids[0], "call %u on thread %04lx, not %04lx.\n", i, log.tids[i], log.tids[0]);

    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "no result for item 1:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 2)), "no result for item 2:\n%s", output);
    ok(!find_line(result_line("succeeded", TEST_GOOD_SYNC, 3)), "unchecked item 3 synchronized.\n");
    sprintf(line, "info\t%s\t%s\t3 files copied", handler_str(TEST_GOOD_SYNC), item_str(TEST_GOOD_SYNC, 1));
    ok(has_line(line), "no info line:\n%s", output);
    ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());

    /* Exactly the items named, checked or not. */
    sprintf(args, "/sync /handler:%s /item:%s", handler_str(TEST_GOOD_SYNC), item_str(TEST_GOOD_SYNC, 3));
    if (run_mobsync(args))
    {
        read_calls(TEST_GOOD_SYNC, &log);
        ok(log.count > 6 && !strcmp(log.calls[6], "PrepareForSync items=03"), "got %s.\n", log.calls[6]);
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 3)), "no result for item 3:\n%s", output);
        ok(!strcmp(last_line(), "1 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    unregister_handler(TEST_GOOD_SYNC);
}

static void test_async(void)
{
    static const char * const expected[] =
    {
        SYNC_LOADING_CALLS,
        "PrepareForSync items=01,02",
        "PrepareForSyncCompleted",
        "Synchronize",
        "SynchronizeCompleted",
        "SetProgressCallback NULL",
        "Destroyed",
    };
    struct call_log log;
    char args[128];

    register_handler(TEST_GOOD_ASYNC);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_GOOD_ASYNC));
    if (!run_mobsync(args)) return;

    ok(exit_code == 1, "exit code %lu.\n", exit_code);
    ok_calls(TEST_GOOD_ASYNC, expected);
    read_calls(TEST_GOOD_ASYNC, &log);
    /* Completions come from the handler's own threads, unmarshalled. */
    ok(log.tids[7] != log.tids[0], "PrepareForSyncCompleted on the handler's thread.\n");
    ok(log.tids[9] != log.tids[0], "SynchronizeCompleted on the handler's thread.\n");
    ok(log.tids[10] == log.tids[0], "SetProgressCallback(NULL) on thread %04lx.\n", log.tids[10]);
    ok(has_line(result_line("succeeded", TEST_GOOD_ASYNC, 1)), "item 1:\n%s", output);
    ok(has_line(result_line("failed", TEST_GOOD_ASYNC, 2)), "item 2:\n%s", output);
    sprintf(line, "error\t%s\t%s\tcould not copy", handler_str(TEST_GOOD_ASYNC), item_str(TEST_GOOD_ASYNC, 2));
    ok(has_line(line), "no error line:\n%s", output);
    ok(!strcmp(last_line(), "1 succeeded, 1 failed, 0 skipped"), "last line %s.\n", last_line());
    unregister_handler(TEST_GOOD_ASYNC);
}

static void test_not_taking_part(void)
{
    static const char * const expected[] =
    {
        "Created",
        "Initialize reserved=0 flags=00000003 cookie=0:811c9dc5",
        "Destroyed",
    };
    char args[128];

    register_handler(TEST_NOT_TAKING_PART);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_NOT_TAKING_PART));
    if (run_mobsync(args))
    {
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok_calls(TEST_NOT_TAKING_PART, expected);
        ok(!strcmp(output, "0 succeeded, 0 failed, 0 skipped\n"), "got output %s.\n", output);
    }
    unregister_handler(TEST_NOT_TAKING_PART);
}

static BOOL has_item_setting(int n, int i)
{
    char key_name[128];
    DWORD size = 0;
    HKEY key;
    BOOL ret;

    sprintf(key_name, MOBSYNC_ITEMS_KEY_A "\\%s", handler_str(n));
    if (RegOpenKeyExA(HKEY_CURRENT_USER, key_name, 0, KEY_READ, &key)) return FALSE;
    ret = !RegQueryValueExA(key, item_str(n, i), NULL, NULL, NULL, &size);
    RegCloseKey(key);
    return ret;
}

static void test_item_settings(void)
{
    static const char * const nothing_chosen[] =
    {
        "Created",
        "Initialize reserved=0 flags=00000003 cookie=0:811c9dc5",
        "GetHandlerInfo",
        "EnumSyncMgrItems",
        "EnumDestroyed",
        "Destroyed",
    };
    char args[128];

    /* With every item unchecked the handler is simply released. */
    register_handler(TEST_GOOD_SYNC);
    set_item_setting(TEST_GOOD_SYNC, 1, 0);
    set_item_setting(TEST_GOOD_SYNC, 2, 0);
    set_item_setting(TEST_GOOD_SYNC, 9, 1); /* an item the handler no longer has */
    sprintf(args, "/sync /handler:%s", handler_str(TEST_GOOD_SYNC));
    if (run_mobsync(args))
    {
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok_calls(TEST_GOOD_SYNC, nothing_chosen);
        ok(!strcmp(output, "0 succeeded, 0 failed, 0 skipped\n"), "got output %s.\n", output);
    }
    /* A complete enumeration drops the settings of items that are gone. */
    ok(has_item_setting(TEST_GOOD_SYNC, 1), "the setting of item 1 was dropped.\n");
    ok(!has_item_setting(TEST_GOOD_SYNC, 9), "the setting of a vanished item was kept.\n");

    sprintf(args, "/list /handler:%s", handler_str(TEST_GOOD_SYNC));
    if (run_mobsync(args))
    {
        sprintf(line, "%s\t%s\tunchecked\tTest handler 01\tItem 1", handler_str(TEST_GOOD_SYNC),
                item_str(TEST_GOOD_SYNC, 1));
        ok(has_line(line), "stored setting not listed:\n%s", output);
    }
    delete_item_settings(TEST_GOOD_SYNC);
    unregister_handler(TEST_GOOD_SYNC);

    /* S_SYNCMGR_MISSINGITEMS: the settings of items not enumerated stay. */
    register_handler(TEST_MISSING_ITEMS);
    set_item_setting(TEST_MISSING_ITEMS, 7, 1);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_MISSING_ITEMS));
    if (run_mobsync(args))
    {
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok(has_line(result_line("succeeded", TEST_MISSING_ITEMS, 1)), "item 1:\n%s", output);
    }
    ok(has_item_setting(TEST_MISSING_ITEMS, 7), "the setting of an item not enumerated was dropped.\n");
    delete_item_settings(TEST_MISSING_ITEMS);
    unregister_handler(TEST_MISSING_ITEMS);
}

/* An /item: that no handler of the session enumerated is said, with a
 * warning line of the session's own (no handler in the second field), and
 * makes the exit code 1; the items that are there are synchronized. */
static void test_item_not_enumerated(void)
{
    static const char missing[] = "{6D6F6273-796E-6374-6573-7400000101FF}";
    char args[256];

    register_handler(TEST_GOOD_SYNC);
    sprintf(args, "/sync /handler:%s /item:%s /item:%s", handler_str(TEST_GOOD_SYNC),
            item_str(TEST_GOOD_SYNC, 1), missing);
    if (run_mobsync(args))
    {
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "item 1:\n%s", output);
        sprintf(line, "warning\t-\t%s\titem %s was asked for but no handler enumerated it",
                missing, missing);
        ok(has_line(line), "no warning for the missing item:\n%s", output);
        ok(!strcmp(last_line(), "1 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    /* Every item there: nothing said. */
    sprintf(args, "/sync /handler:%s /item:%s", handler_str(TEST_GOOD_SYNC), item_str(TEST_GOOD_SYNC, 2));
    if (run_mobsync(args))
    {
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok(!find_line("warning"), "a warning:\n%s", output);
    }
    unregister_handler(TEST_GOOD_SYNC);
}

static void test_retry(void)
{
    static const char * const expected[] =
    {
        SYNC_LOADING_CALLS,
        "PrepareForSync items=01,02",
        "PrepareForSyncCompleted hr=00000000",
        "Synchronize",
        "SynchronizeCompleted hr=00000000",
        "ShowError",
        "ShowErrorCompleted hr=00000000",
        "PrepareForSync items=01",
        "PrepareForSyncCompleted hr=00000000",
        "Synchronize",
        "SynchronizeCompleted hr=00000000",
        "SetProgressCallback NULL",
        "Destroyed",
    };
    char args[128];

    register_handler(TEST_RETRY);
    sprintf(args, "/sync /handler:%s /showerrors", handler_str(TEST_RETRY));
    if (run_mobsync(args))
    {
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok_calls(TEST_RETRY, expected);
        ok(has_line(result_line("succeeded", TEST_RETRY, 1)), "item 1 not retried:\n%s", output);
        ok(!strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    /* Without /showerrors nobody asks for the details: the failure stands. */
    sprintf(args, "/sync /handler:%s", handler_str(TEST_RETRY));
    if (run_mobsync(args))
    {
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        ok(has_line(result_line("failed", TEST_RETRY, 1)), "item 1:\n%s", output);
        sprintf(line, "error\t%s\t%s\tconflict: details available", handler_str(TEST_RETRY),
                item_str(TEST_RETRY, 1));
        ok(has_line(line), "no error line:\n%s", output);
    }
    unregister_handler(TEST_RETRY);
}

static void test_cancel(void)
{
    struct call_log log;
    char args[128];

    /* Before its time is up, the handler is told through Progress to stop. */
    register_handler(TEST_CANCEL);
    sprintf(args, "/sync /handler:%s /timeout:2", handler_str(TEST_CANCEL));
    if (run_mobsync(args))
    {
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        read_calls(TEST_CANCEL, &log);
        ok(log.count > 9 && !strcmp(log.calls[9], "Cancelled hr=00040204"), "got %s.\n", log.calls[9]);
        ok(has_line(result_line("stopped", TEST_CANCEL, 1)), "item 1:\n%s", output);
        ok(has_line(result_line("stopped", TEST_CANCEL, 2)), "item 2:\n%s", output);
        ok(!strcmp(last_line(), "0 succeeded, 2 failed, 0 skipped"), "last line %s.\n", last_line());
        ok(!strcmp(log.calls[log.count - 1], "Destroyed"), "handler not released: %s.\n",
           log.calls[log.count - 1]);
    }
    unregister_handler(TEST_CANCEL);
}

static void test_invoke(void)
{
    ISyncMgrSynchronizeInvoke *invoke;
    struct call_log log;
    BYTE cookie[5000];
    DWORD hash = 2166136261u, i, start;
    char expected[128];
    CLSID clsid;
    HRESULT hr;

    register_handler(TEST_GOOD_SYNC);
    DeleteFileA(log_path);
    for (i = 0; i < sizeof(cookie); i++)
    {
        cookie[i] = (i * 31) ^ (i >> 7);
        hash = (hash ^ cookie[i]) * 16777619u;
    }

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) return;
    handler_clsid(TEST_GOOD_SYNC, &clsid);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid,
                                               sizeof(cookie), cookie);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);

    /* The manager runs in its own process: wait for the handler to be done. */
    for (start = GetTickCount(); GetTickCount() - start < 30000; Sleep(100))
    {
        read_calls(TEST_GOOD_SYNC, &log);
        if (log.count && !strcmp(log.calls[log.count - 1], "Destroyed")) break;
    }
    sprintf(expected, "Initialize reserved=0 flags=%08x cookie=%u:%08lx",
            SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER, (UINT)sizeof(cookie), hash);
    ok(log.count > 1 && !strcmp(log.calls[1], expected), "got \"%s\", expected \"%s\".\n",
       log.calls[1], expected);
    ok(log.count == 12, "%u calls.\n", log.count);

    /* UpdateAll: every handler, no cookie. */
    DeleteFileA(log_path);
    hr = ISyncMgrSynchronizeInvoke_UpdateAll(invoke);
    ok(hr == S_OK, "UpdateAll got %#lx.\n", hr);
    for (start = GetTickCount(); GetTickCount() - start < 30000; Sleep(100))
    {
        read_calls(TEST_GOOD_SYNC, &log);
        if (log.count && !strcmp(log.calls[log.count - 1], "Destroyed")) break;
    }
    sprintf(expected, "Initialize reserved=0 flags=%08x cookie=0:811c9dc5",
            SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER);
    ok(log.count > 1 && !strcmp(log.calls[1], expected), "got \"%s\".\n", log.calls[1]);
    ok(log.count == 12, "UpdateAll: %u calls.\n", log.count);

    ISyncMgrSynchronizeInvoke_Release(invoke);
    unregister_handler(TEST_GOOD_SYNC);
}

/* A synchronization a program asks for has the time limit of the per-user
 * value InvokeTimeout, in seconds (the /invoke command line is fixed). */
static void test_invoke_timeout(void)
{
    ISyncMgrSynchronizeInvoke *invoke;
    struct call_log log;
    DWORD seconds = 2, start;
    CLSID clsid;
    HRESULT hr;
    HKEY key;

    ok(!RegCreateKeyExA(HKEY_CURRENT_USER, MOBSYNC_SETTINGS_KEY_A, 0, NULL, 0, KEY_ALL_ACCESS, NULL,
                        &key, NULL), "cannot create the settings key.\n");
    RegSetValueExA(key, "InvokeTimeout", 0, REG_DWORD, (BYTE *)&seconds, sizeof(seconds));
    register_handler(TEST_CANCEL);
    DeleteFileA(log_path);

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (SUCCEEDED(hr))
    {
        handler_clsid(TEST_CANCEL, &clsid);
        hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, 0, NULL);
        ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
        /* The handler works until Progress tells it to stop: with the default
         * limit of 300 s that would be after 295 s. */
        for (start = GetTickCount(); GetTickCount() - start < 30000; Sleep(100))
        {
            read_calls(TEST_CANCEL, &log);
            if (log.count && !strcmp(log.calls[log.count - 1], "Destroyed")) break;
        }
        ok(log.count > 9 && !strcmp(log.calls[9], "Cancelled hr=00040204"), "got %u calls, %s.\n",
           log.count, log.count > 9 ? log.calls[9] : "");
        ok(log.count && !strcmp(log.calls[log.count - 1], "Destroyed"), "handler not released.\n");
        ISyncMgrSynchronizeInvoke_Release(invoke);
    }
    unregister_handler(TEST_CANCEL);
    RegDeleteValueA(key, "InvokeTimeout");
    RegCloseKey(key);
}

START_TEST(sync)
{
    CoInitialize(NULL);
    init_test();

    test_good_sync();
    test_async();
    test_not_taking_part();
    test_item_settings();
    test_item_not_enumerated();
    test_retry();
    test_cancel();
    /* A program's requests are run headlessly here: with windows, UpdateAll
     * opens Items to Synchronize and UpdateItems(STARTSYNC) Synchronizing
     * (choice.c and progress.c test those). */
    set_headless(1);
    test_invoke();
    test_invoke_timeout();
    set_headless(~0u);

    CoUninitialize();
}
