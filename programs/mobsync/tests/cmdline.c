/*
 * Tests of mobsync.exe's command line and of /list
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

static void test_bad_command_lines(void)
{
    static const char * const bad[] =
    {
        "/frobnicate", "sync", "/sync /list", "/timeout:0 /sync", "/timeout:abc /sync",
        "/handler:notaguid /sync", "/item /sync", "/schedule", "/sync:yes", "/invoke /sync",
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++)
    {
        if (!run_mobsync(bad[i])) continue;
        ok(exit_code == 2, "%s: exit code %lu.\n", bad[i], exit_code);
        ok(strstr(output, "Usage: mobsync") != NULL, "%s: no usage:\n%s", bad[i], output);
    }
    if (run_mobsync("/?"))
    {
        ok(exit_code == 0, "/?: exit code %lu.\n", exit_code);
        ok(strstr(output, "/schedule:NAME") != NULL, "/?: no usage:\n%s", output);
    }
}

static void test_events(void)
{
    static const struct
    {
        const char *args;
        DWORD flags;
        BOOL registered_only;
    }
    tests[] =
    {
        { "/sync", SYNCMGRFLAG_MANUAL, FALSE },
        { "-SYNC", SYNCMGRFLAG_MANUAL, FALSE },
        { "/logon", SYNCMGRFLAG_CONNECT, TRUE },
        { "/LogOff", SYNCMGRFLAG_PENDINGDISCONNECT, TRUE },
        { "/idle", SYNCMGRFLAG_IDLE, TRUE },
        { "/schedule:nightly", SYNCMGRFLAG_SCHEDULED, FALSE },
        { "-schedule=nightly", SYNCMGRFLAG_SCHEDULED, FALSE },
    };
    struct call_log log;
    char expected[128];
    unsigned int i;

    /* 01 asks for logon and logoff, 02 for nothing. */
    register_handler_ex(TEST_GOOD_SYNC, TEST_DLL, "Apartment",
                        SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    register_handler(TEST_NOT_TAKING_PART);
    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        if (!run_mobsync(tests[i].args)) continue;
        winetest_push_context("%s", tests[i].args);
        read_calls(TEST_GOOD_SYNC, &log);
        if (tests[i].flags == SYNCMGRFLAG_IDLE)
            ok(!log.count, "a handler not registered for idle was loaded.\n");
        else
        {
            sprintf(expected, "Initialize reserved=0 flags=%08lx cookie=0:811c9dc5", tests[i].flags);
            ok(log.count > 1 && !strcmp(log.calls[1], expected), "got \"%s\".\n", log.calls[1]);
            ok(exit_code == 0, "exit code %lu.\n", exit_code);
        }
        read_calls(TEST_NOT_TAKING_PART, &log);
        ok((log.count == 0) == tests[i].registered_only, "handler 03 loaded: %u calls.\n", log.count);
        winetest_pop_context();
    }
    unregister_handler(TEST_GOOD_SYNC);
    unregister_handler(TEST_NOT_TAKING_PART);
}

static void test_list(void)
{
    char args[256];
    const char *p;
    int count = 0;

    register_handler(TEST_GOOD_SYNC);
    register_handler(TEST_NOT_TAKING_PART);
    register_handler(TEST_NULL_INFO);
    sprintf(args, "/list /handler:%s /handler:%s /handler:%s", handler_str(TEST_GOOD_SYNC),
            handler_str(TEST_NOT_TAKING_PART), handler_str(TEST_NULL_INFO));
    if (run_mobsync(args))
    {
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        sprintf(line, "%s\t%s\tchecked\tTest handler 01\tItem 1", handler_str(TEST_GOOD_SYNC),
                item_str(TEST_GOOD_SYNC, 1));
        ok(has_line(line), "item 1 not listed:\n%s", output);
        sprintf(line, "%s\t%s\tunchecked\tTest handler 01\tItem 3", handler_str(TEST_GOOD_SYNC),
                item_str(TEST_GOOD_SYNC, 3));
        ok(has_line(line), "item 3 not listed:\n%s", output);
        sprintf(line, "%s\t-\terror\t0x8000FFFF\tGetHandlerInfo returned no valid SYNCMGRHANDLERINFO",
                handler_str(TEST_NULL_INFO));
        ok(find_line(line) != NULL, "no error line:\n%s", output);
        for (p = output; (p = strchr(p, '\n')); p++) count++;
        /* Three items and one error; the handler that does not take part is not listed. */
        ok(count == 4, "%d lines:\n%s", count, output);
    }

    /* Named, but not registered as a handler at all. */
    sprintf(args, "/list /handler:%s", handler_str(TEST_HANG));
    if (run_mobsync(args))
    {
        ok(exit_code == 1, "exit code %lu.\n", exit_code);
        sprintf(line, "%s\t-\terror\t0x80040154\tnot registered", handler_str(TEST_HANG));
        ok(find_line(line) != NULL, "no error line:\n%s", output);
    }
    unregister_handler(TEST_GOOD_SYNC);
    unregister_handler(TEST_NOT_TAKING_PART);
    unregister_handler(TEST_NULL_INFO);
}

START_TEST(cmdline)
{
    CoInitialize(NULL);
    init_test();

    test_bad_command_lines();
    test_events();
    test_list();

    CoUninitialize();
}
