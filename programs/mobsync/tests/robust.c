/*
 * Tests of mobsync.exe with handlers that hang, crash, return garbage or
 * break the rules: their items fail with a clear message, the others'
 * results stand, and the session ends within its time limit.
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

static BOOL has_result(const char *status, int n, int i, const char *name)
{
    sprintf(line, "%s\t%s\t%s\t%s", status, handler_str(n), item_str(n, i), name);
    return has_line(line);
}

static BOOL has_error(int n, const char *text)
{
    sprintf(line, "error\t%s\t-\t%s", handler_str(n), text);
    return find_line(line) != NULL;
}

/* A well-behaved handler from another DLL, beside each bad one. */
static void register_witness(void)
{
    register_handler_ex(TEST_GOOD_ASYNC, TEST_DLL2, "Apartment", 0);
}

static void check_witness(void)
{
    ok(has_result("succeeded", TEST_GOOD_ASYNC, 1, "Item 1"), "the other handler's result is lost:\n%s",
       output);
    ok(has_result("failed", TEST_GOOD_ASYNC, 2, "Item 2"), "the other handler's result is lost:\n%s",
       output);
}

static void test_hang(void)
{
    char args[256];

    register_witness();
    register_handler(TEST_HANG);
    sprintf(args, "/sync /timeout:3 /handler:%s /handler:%s", handler_str(TEST_HANG),
            handler_str(TEST_GOOD_ASYNC));
    if (run_mobsync(args))
    {
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        /* Generous: the limit is 3 seconds, the process start comes on top. */
        ok(elapsed < 10000, "took %lu ms.\n", elapsed);
        ok(has_error(TEST_HANG, "did not finish within 3 seconds"), "no error line:\n%s", output);
        ok(has_result("failed", TEST_HANG, 1, "Item 1"), "item 1:\n%s", output);
        ok(has_result("failed", TEST_HANG, 2, "Item 2"), "item 2:\n%s", output);
        check_witness();
        ok(!strcmp(last_line(), "1 succeeded, 3 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    unregister_handler(TEST_HANG);
    unregister_handler(TEST_GOOD_ASYNC);
}

static void test_crash(int behaviour)
{
    char args[256];

    winetest_push_context("handler %02x", behaviour);
    register_witness();
    register_handler(behaviour);
    sprintf(args, "/sync /timeout:20 /handler:%s /handler:%s", handler_str(behaviour),
            handler_str(TEST_GOOD_ASYNC));
    if (run_mobsync(args))
    {
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        ok(elapsed < 15000, "took %lu ms.\n", elapsed);
        ok(has_error(behaviour, "crashed with exception 0xc0000005"), "no error line:\n%s", output);
        ok(has_result("failed", behaviour, 1, "Item 1"), "item 1:\n%s", output);
        ok(has_result("failed", behaviour, 2, "Item 2"), "item 2:\n%s", output);
        check_witness();
        ok(!strcmp(last_line(), "1 succeeded, 3 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    unregister_handler(behaviour);
    unregister_handler(TEST_GOOD_ASYNC);
    winetest_pop_context();
}

static void test_garbage(void)
{
    static const struct
    {
        int behaviour;
        const char *error;
    }
    tests[] =
    {
        { TEST_NULL_INFO, "GetHandlerInfo returned no valid SYNCMGRHANDLERINFO" },
        { TEST_BAD_INFO_SIZE, "GetHandlerInfo returned no valid SYNCMGRHANDLERINFO" },
        { TEST_FETCHED_TOO_MANY, "ISyncMgrEnumItems::Next claimed 69 items where 64 were asked for" },
    };
    struct call_log log;
    char args[256];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        winetest_push_context("handler %02x", tests[i].behaviour);
        register_witness();
        register_handler(tests[i].behaviour);
        sprintf(args, "/sync /handler:%s /handler:%s", handler_str(tests[i].behaviour),
                handler_str(TEST_GOOD_ASYNC));
        if (run_mobsync(args))
        {
            ok(exit_code == 1, "exit code %lu.\n", exit_code);
            ok(has_error(tests[i].behaviour, tests[i].error), "no error line:\n%s", output);
            check_witness();
            read_calls(tests[i].behaviour, &log);
            ok(log.count && !strcmp(log.calls[log.count - 1], "Destroyed"), "not released: %s.\n",
               log.count ? log.calls[log.count - 1] : "");
        }
        unregister_handler(tests[i].behaviour);
        unregister_handler(TEST_GOOD_ASYNC);
        winetest_pop_context();
    }
}

static void test_rule_breaker(void)
{
    static const char * const expected[] =
    {
        SYNC_LOADING_CALLS,
        "PrepareForSync items=01,02,04",
        "PrepareForSyncCompleted hr=00000000",
        "PrepareForSyncCompleted hr=8000ffff",   /* a second completion is refused */
        "Synchronize",
        "UnknownProgress hr=80070057",           /* Progress for an item never enumerated */
        "ShowErrorCompleted hr=8000ffff",        /* a completion of nothing */
        "SynchronizeCompleted hr=00000000",
        "SynchronizeCompleted hr=8000ffff",
        "SetProgressCallback NULL",
        "LateProgress hr=8000ffff",              /* after the callback was taken back */
        "LateLogError hr=8000ffff",
        "Destroyed",                             /* the manager's Release is the last */
    };
    char args[128], name[200];

    register_handler(TEST_RULE_BREAKER);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_RULE_BREAKER));
    if (run_mobsync(args))
    {
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok_calls(TEST_RULE_BREAKER, expected);
        /* An unterminated name ends at the array's last character. */
        memset(name, 'X', MAX_SYNCMGRITEMNAME - 1);
        name[MAX_SYNCMGRITEMNAME - 1] = 0;
        ok(has_result("succeeded", TEST_RULE_BREAKER, 1, name), "item 1:\n%s", output);
        /* Tabs and line breaks would break the format. */
        ok(has_result("succeeded", TEST_RULE_BREAKER, 2, "Tab here newline"), "item 2:\n%s", output);
        ok(has_result("succeeded", TEST_RULE_BREAKER, 4, "Item 4"), "item 4:\n%s", output);
        sprintf(line, "warning\t%s\t-\titem %s enumerated twice", handler_str(TEST_RULE_BREAKER),
                item_str(TEST_RULE_BREAKER, 1));
        ok(find_line(line) != NULL, "no warning for the duplicate:\n%s", output);
        ok(!find_line("too late"), "a late LogError was printed.\n");
        ok(!strcmp(last_line(), "3 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
    }
    unregister_handler(TEST_RULE_BREAKER);
}

/* Registered without a ThreadingModel, a handler lives in the process's
 * main apartment and is reached through the proxies mobsync.dll registers. */
static void test_single_threaded(void)
{
    struct call_log log;
    char args[128];

    register_handler_ex(TEST_GOOD_SYNC, TEST_DLL, NULL, 0);
    register_handler(TEST_NOT_TAKING_PART);
    sprintf(args, "/sync /handler:%s /handler:%s", handler_str(TEST_GOOD_SYNC),
            handler_str(TEST_NOT_TAKING_PART));
    if (run_mobsync(args))
    {
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok(has_result("succeeded", TEST_GOOD_SYNC, 1, "Item 1"), "item 1:\n%s", output);
        ok(has_result("succeeded", TEST_GOOD_SYNC, 2, "Item 2"), "item 2:\n%s", output);
        /* COM's own QueryInterface calls come on top of the sequence. */
        read_calls(TEST_GOOD_SYNC, &log);
        ok(log.count && !strcmp(log.calls[log.count - 1], "Destroyed"), "not released: %s.\n",
           log.count ? log.calls[log.count - 1] : "");
    }
    unregister_handler(TEST_GOOD_SYNC);
    unregister_handler(TEST_NOT_TAKING_PART);
}

static void test_concurrency(void)
{
    char args[1024];
    struct call_log log;
    DWORD tids[8];
    int n, i, distinct = 0;

    strcpy(args, "/sync");
    for (n = TEST_SLOW_FIRST; n <= TEST_SLOW_LAST; n++)
    {
        register_handler(n);
        sprintf(args + strlen(args), " /handler:%s", handler_str(n));
    }
    if (run_mobsync(args))
    {
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        /* Eight handlers of one second each, at once: well under three. */
        ok(elapsed < 3000, "took %lu ms.\n", elapsed);
        ok(!strcmp(last_line(), "8 succeeded, 0 failed, 0 skipped"), "last line %s.\n", last_line());
        for (n = TEST_SLOW_FIRST; n <= TEST_SLOW_LAST; n++)
        {
            read_calls(n, &log);
            tids[n - TEST_SLOW_FIRST] = log.tids[0];
        }
        /* Each on a thread of its own. */
        for (n = 0; n < 8; n++)
        {
            for (i = 0; i < n; i++) if (tids[i] == tids[n]) break;
            if (i == n) distinct++;
        }
        ok(distinct == 8, "%d threads for 8 handlers.\n", distinct);
    }
    for (n = TEST_SLOW_FIRST; n <= TEST_SLOW_LAST; n++) unregister_handler(n);
}

START_TEST(robust)
{
    CoInitialize(NULL);
    init_test();

    test_hang();
    test_crash(TEST_CRASH);
    test_crash(TEST_CRASH_WORKER);
    test_garbage();
    test_rule_breaker();
    test_single_threaded();
    test_concurrency();

    CoUninitialize();
}
