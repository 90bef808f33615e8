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
        "/autorun:yes", "/autorun /sync", "/autorun /timeout:5", "/autorun /invoke",
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

/* Each event switch gives Initialize its flag; /logon, /logoff and /idle
 * load only the handlers registered for the event, /schedule:NAME only
 * those the schedule names. */
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
        { "/schedule:nightly", SYNCMGRFLAG_SCHEDULED, TRUE },
        { "-schedule=nightly", SYNCMGRFLAG_SCHEDULED, TRUE },
    };
    struct call_log log;
    char expected[128];
    unsigned int i;

    /* 01 asks for logon and logoff, 03 for nothing; the schedule names 01. */
    register_handler_ex(TEST_GOOD_SYNC, TEST_DLL, "Apartment",
                        SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    register_handler(TEST_NOT_TAKING_PART);
    delete_settings_store();
    set_choice("Schedules\\nightly", TEST_GOOD_SYNC, 2, 1);
    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        if (!run_mobsync(tests[i].args)) continue;
        winetest_push_context("%s", tests[i].args);
        read_calls(TEST_GOOD_SYNC, &log);
        if (tests[i].flags == SYNCMGRFLAG_IDLE)
        {
            /* Nobody registered for idle: nothing is chosen, nothing loaded. */
            ok(!log.count, "a handler not registered for idle was loaded.\n");
            ok(exit_code == 0, "exit code %lu.\n", exit_code);
            ok(output_is_line("mobsync: nothing is chosen to synchronize for /idle"), "output:\n%s", output);
        }
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
    delete_settings_store();
    unregister_handler(TEST_GOOD_SYNC);
    unregister_handler(TEST_NOT_TAKING_PART);
}

/* What Synchronization Settings chose (docs/registry.md) is exactly what an
 * event or a schedule synchronizes; a handler never configured for an
 * event it registered for has every item chosen, checked or not. */
static void test_event_choice(void)
{
    register_handler_ex(TEST_GOOD_SYNC, TEST_DLL, "Apartment",
                        SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    register_handler_ex(TEST_GOOD_ASYNC, TEST_DLL, "Both", SYNCMGRREGISTERFLAG_CONNECT);
    delete_item_settings(TEST_GOOD_SYNC);
    delete_settings_store();

    /* Never configured: all three items, item 3 unchecked as it is. */
    if (run_mobsync("/logoff"))
    {
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 3)), "item 3 not synchronized:\n%s", output);
        ok(!strcmp(last_line(), "3 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
    }

    /* Configured: item 1 only; 02 configured with nothing chosen is not loaded. */
    set_choice("Events\\Logon", TEST_GOOD_SYNC, 1, 1);
    set_choice("Events\\Logon", TEST_GOOD_SYNC, 2, 0);
    set_choice("Events\\Logon", TEST_GOOD_ASYNC, 1, 0);
    if (run_mobsync("/logon"))
    {
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "item 1 not synchronized:\n%s", output);
        ok(!strcmp(last_line(), "1 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok(!has_call(TEST_GOOD_ASYNC, "Created"), "handler 02 was loaded.\n");
    }

    /* Turned off in Synchronization Settings: one line, exit 0, nothing loaded. */
    set_setting("Events\\Logon", "Enabled", 0);
    if (run_mobsync("/logon"))
    {
        ok(output_is_line("mobsync: synchronizing for /logon is turned off in Synchronization Settings"),
           "output:\n%s", output);
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok(!has_call(TEST_GOOD_SYNC, "Created"), "handler 01 was loaded.\n");
    }
    set_setting("Events\\Logon", "Enabled", 1);

    /* Nothing chosen at all: one line, exit 0, nothing loaded. */
    set_choice("Events\\Logon", TEST_GOOD_SYNC, 1, 0);
    if (run_mobsync("/logon"))
    {
        ok(output_is_line("mobsync: nothing is chosen to synchronize for /logon"), "output:\n%s", output);
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
        ok(!has_call(TEST_GOOD_SYNC, "Created"), "handler 01 was loaded.\n");
    }

    /* A schedule: the items it names, of any handler. */
    set_choice("Schedules\\Every night", TEST_GOOD_SYNC, 2, 1);
    set_choice("Schedules\\Every night", TEST_GOOD_SYNC, 3, 1);
    set_choice("Schedules\\Every night", TEST_GOOD_ASYNC, 1, 1);
    if (run_mobsync("\"/schedule:Every night\""))
    {
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 2)), "item 2 not synchronized:\n%s", output);
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 3)), "item 3 not synchronized:\n%s", output);
        ok(has_line(result_line("succeeded", TEST_GOOD_ASYNC, 1)), "02's item 1 not synchronized:\n%s", output);
        ok(!strcmp(last_line(), "3 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
    }
    /* One that names nothing. */
    set_choice("Schedules\\empty", TEST_GOOD_SYNC, 0, 0);
    if (run_mobsync("/schedule:empty"))
    {
        ok(output_is_line("mobsync: nothing is chosen to synchronize for /schedule:empty"),
           "output:\n%s", output);
        ok(exit_code == 0, "exit code %lu.\n", exit_code);
    }
    /* Unknown, or no name a schedule can have. */
    if (run_mobsync("/schedule:weekly"))
    {
        ok(output_is_line("mobsync: there is no schedule named weekly"), "output:\n%s", output);
        ok(exit_code == 2, "exit code %lu.\n", exit_code);
        ok(!has_call(TEST_GOOD_SYNC, "Created"), "handler 01 was loaded.\n");
    }
    if (run_mobsync("/schedule:Schedules\\empty"))
        ok(exit_code == 2, "a backslash: exit code %lu.\n", exit_code);
    if (run_mobsync("/schedule:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
        ok(exit_code == 2, "65 characters: exit code %lu.\n", exit_code);
    unregister_handler(TEST_GOOD_SYNC);

    /* The other architecture's handler: its worker reads the same store. */
    if (both_arches())
    {
        register_other_view(TEST_GOOD_SYNC);
        set_choice("Schedules\\other", TEST_GOOD_SYNC, 3, 1);
        if (run_mobsync("/schedule:other"))
        {
            ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 3)), "item 3 not synchronized:\n%s", output);
            ok(!strcmp(last_line(), "1 succeeded, 0 failed, 0 skipped"), "last line \"%s\".\n", last_line());
        }
        unregister_other_view(TEST_GOOD_SYNC);
    }
    else skip("the other architecture cannot run here.\n");

    delete_settings_store();
    unregister_handler(TEST_GOOD_ASYNC);
}

static void test_list(void)
{
    char args[256];
    const char *p, *end;
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

    /* With /arch, each line ends with where the handler runs: here, in the
     * architecture of the mobsync.exe of this test's system folder. */
    sprintf(args, "/list /arch /handler:%s /handler:%s", handler_str(TEST_GOOD_SYNC), handler_str(TEST_NULL_INFO));
    if (run_mobsync(args))
    {
        const char *arch = sizeof(void *) == 8 ? "64-bit" : "32-bit";

        ok(exit_code == 1, "/arch: exit code %lu.\n", exit_code);
        sprintf(line, "%s\t%s\tchecked\tTest handler 01\tItem 1\t%s", handler_str(TEST_GOOD_SYNC),
                item_str(TEST_GOOD_SYNC, 1), arch);
        ok(has_line(line), "/arch: item 1 not listed:\n%s", output);
        sprintf(line, "%s\t-\terror\t0x8000FFFF\tGetHandlerInfo returned no valid SYNCMGRHANDLERINFO",
                handler_str(TEST_NULL_INFO));
        /* The error text goes on with the HRESULT; the line ends with the architecture. */
        p = find_line(line);
        end = p ? strchr(p, '\n') : NULL;
        sprintf(line, "\t%s", arch);
        ok(end && end - p > 7 && !strncmp(end - 7, line, 7), "/arch: no error line ending with %s:\n%s",
           arch, output);
    }
    /* Only /list says where handlers run. */
    if (run_mobsync("/sync /arch"))
    {
        ok(exit_code == 2, "/sync /arch: exit code %lu.\n", exit_code);
        ok(strstr(output, "/arch") && strstr(output, "Usage: mobsync"), "/sync /arch: output:\n%s", output);
        ok(!has_call(TEST_GOOD_SYNC, "Created"), "/sync /arch: handler 01 was loaded.\n");
    }
    if (run_mobsync("/list /arch /invoke"))
        ok(exit_code == 2, "/list /arch /invoke: exit code %lu.\n", exit_code);

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

/* A handler registered both for the machine and for the user (another
 * program's reg add, say) is one handler, registered for the events either
 * asks for. */
static void test_registered_twice(void)
{
    char key_name[160], args[160];
    DWORD flags = SYNCMGRREGISTERFLAG_PENDINGDISCONNECT;
    const char *p;
    int count = 0;
    HKEY key;

    register_handler_ex(TEST_GOOD_SYNC, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_CONNECT);
    sprintf(key_name, "Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr\\Handlers\\%s",
            handler_str(TEST_GOOD_SYNC));
    ok(!RegCreateKeyExA(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL),
       "cannot write HKCU's registration.\n");
    RegSetValueExA(key, "RegisterFlags", 0, REG_DWORD, (BYTE *)&flags, sizeof(flags));
    RegCloseKey(key);
    delete_item_settings(TEST_GOOD_SYNC);
    delete_settings_store();

    sprintf(args, "/list /handler:%s", handler_str(TEST_GOOD_SYNC));
    if (run_mobsync(args))
    {
        for (p = output; (p = strchr(p, '\n')); p++) count++;
        ok(count == 3, "%d lines:\n%s", count, output);
        ok(exit_code == 0, "/list: exit code %lu.\n", exit_code);
    }
    /* Logon from the machine's registration, logoff from the user's. */
    if (run_mobsync("/logon"))
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "/logon:\n%s", output);
    if (run_mobsync("/logoff"))
        ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "/logoff:\n%s", output);
    if (run_mobsync("/idle"))
        ok(output_is_line("mobsync: nothing is chosen to synchronize for /idle"), "/idle:\n%s", output);

    RegDeleteKeyA(HKEY_CURRENT_USER, key_name);
    unregister_handler(TEST_GOOD_SYNC);
}

START_TEST(cmdline)
{
    CoInitialize(NULL);
    init_test();

    test_bad_command_lines();
    test_events();
    test_event_choice();
    test_list();
    test_registered_twice();

    CoUninitialize();
}
