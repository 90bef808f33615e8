/*
 * Tests of mobsync /check, the conformance checker (docs/checker.md): each
 * handler of the gallery (tests/handlers/gallery.c) breaks one rule and is
 * caught by exactly that rule; the well-behaved ones come out clean; a
 * handler that crashes, hangs or shows a modal window does not stop a
 * check. The checker knows nothing of the gallery: it sees CLSIDs.
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
#include "shlwapi.h"
#include "../../../tests/foldersync/foldersync.h"

/* The paths a check runs (programs/mobsync/check.c). */
#define PATH_COUNT 9

/* What one check found: the rules of its error and warning lines, each
 * once, in the order first seen; how many lines of each severity. */
struct check_result
{
    char rules[512];
    unsigned int errors, warnings, infos, other;
    BOOL summary;
};

static void read_result(struct check_result *result)
{
    char copy[sizeof(output)], *line, *next, expected[64];

    memset(result, 0, sizeof(*result));
    strcpy(copy, output);
    for (line = copy; line && *line; line = next)
    {
        char severity[16], rule[64];

        if ((next = strchr(line, '\n'))) *next++ = 0;
        line[strcspn(line, "\r")] = 0;
        if (!*line) continue;
        if (sscanf(line, "%15[a-z]\t%63[A-Z-]\t", severity, rule) == 2)
        {
            if (!strcmp(severity, "info"))
            {
                result->infos++;
                continue;
            }
            if (!strcmp(severity, "error")) result->errors++;
            else if (!strcmp(severity, "warning")) result->warnings++;
            else result->other++;
            if (!strstr(result->rules, rule))
            {
                if (result->rules[0]) strcat(result->rules, " ");
                strcat(result->rules, rule);
            }
            continue;
        }
        sprintf(expected, "%u errors, %u warnings, %u paths run", result->errors, result->warnings, PATH_COUNT);
        if (!strcmp(line, expected)) result->summary = TRUE;
        else result->other++;
    }
}

/* Checks handler n; its error and warning lines name exactly the rules
 * given (space-separated, in the order they first appear). */
static void check_handler(int n, const char *timeout, const char *expected)
{
    struct check_result result;
    char args[128];

    sprintf(args, "/check:%s%s", handler_str(n), timeout);
    ok(run_mobsync(args), "cannot run mobsync %s.\n", args);
    read_result(&result);
    ok(!strcmp(result.rules, expected), "handler %02x: rules \"%s\", expected \"%s\":\n%s", n, result.rules,
       expected, output);
    ok(result.summary, "handler %02x: no summary line:\n%s", n, output);
    ok(!result.other, "handler %02x: %u lines of another form:\n%s", n, result.other, output);
    ok(exit_code == (result.errors ? 1u : 0u), "handler %02x: exit code %lu with %u errors.\n", n, exit_code,
       result.errors);
}

/* Item i of handler n as the checker spells it (item_str), both in hexadecimal. */
#define ITEM(n, i) "{6D6F6273-796E-6374-6573-74000001" #n #i "}"

/* TEST_GALLERY_FLOOD: past the first 100,000 calls of the sync path, its
 * Progress calls were counted, not kept: a few more than the 500 beyond
 * 100,000 it made, since the calls before them took places too. */
static void check_flood(void)
{
    const char *found = find_line("info\tTOO-MANY-CALLS\tsync\t-\t");
    char expected[256];
    unsigned int dropped = 0;

    ok(found && sscanf(found, "info\tTOO-MANY-CALLS\tsync\t-\t%u ", &dropped) == 1, "no count in\n%s", output);
    ok(dropped > 500 && dropped <= 600, "%u calls not judged.\n", dropped);
    sprintf(expected, "info\tTOO-MANY-CALLS\tsync\t-\t%u more Progress calls and items after the first 100000 "
            "calls were not judged", dropped);
    ok(has_line(expected), "no line \"%s\" in\n%s", expected, output);
}

/* TEST_GALLERY_LATE: its late call came once, when the third instance was
 * made (that of the path after sync), so after sync was judged. */
static void check_late(void)
{
    char text[256], created[16], late[64];
    unsigned int instances = 0, calls = 0, after = 0;
    FILE *file;

    sprintf(created, "%02x Created ", TEST_GALLERY_LATE);
    sprintf(late, "%02x Late SynchronizeCompleted answered ", TEST_GALLERY_LATE);
    if (!(file = fopen(log_path, "r")))
    {
        ok(0, "no log.\n");
        return;
    }
    while (fgets(text, sizeof(text), file))
    {
        if (!strncmp(text, created, strlen(created))) instances++;
        if (strncmp(text, late, strlen(late))) continue;
        calls++;
        after = instances;
    }
    fclose(file);
    ok(calls == 1, "%u late calls.\n", calls);
    ok(after == 3, "the late call came after instance %u.\n", after);
}

static void test_gallery(void)
{
    static const struct
    {
        int n;
        const char *timeout;
        const char *rules;
        /* The start of a line the check prints, its detail's evidence left
         * out, with up to two sizes for %u. */
        const char *line;
        unsigned int size, size2;
    }
    tests[] =
    {
        /* Well behaved: nothing. */
        { TEST_GALLERY_GOOD, "", "" },
        { TEST_GOOD_SYNC, "", "" },
        { TEST_GOOD_ASYNC, "", "" },
        { TEST_RETRY, "", "" },
        { TEST_WARNING, "", "" },
        /* Judged on the first 100,000 calls of a path only: said, as information. */
        { TEST_GALLERY_FLOOD, "", "", "info\tTOO-MANY-CALLS\tsync\t-\t" },
        /* One rule each. */
        { TEST_GALLERY_COMPLETE_TWICE, "", "COMPLETE-ONCE" },
        { TEST_GALLERY_NO_FINAL_STATUS, "", "ITEM-FINAL" },
        { TEST_GALLERY_FOREIGN_ITEM, "", "PROGRESS-ITEM" },
        { TEST_GALLERY_IGNORES_CANCEL, "", "CANCEL-HONOURED" },
        { TEST_GALLERY_BAD_ITEM_SIZE, "", "STRUCT-SIZE" },
        { TEST_GALLERY_UNTERMINATED, "", "STRUCT-STRING" },
        { TEST_GALLERY_BAD_FLAGS, "", "STRUCT-FLAGS" },
        { TEST_GALLERY_BAD_TIME, "", "STRUCT-TIME" },
        { TEST_GALLERY_SHORT_READ_S_OK, "", "ENUM-NEXT" },
        { TEST_GALLERY_SKIP_BROKEN, "", "ENUM-SKIP" },
        { TEST_GALLERY_CLONE_SHARED, "", "ENUM-CLONE" },
        { TEST_GALLERY_KEEPS_CALLBACK, "", "REF-CALLBACK" },
        { TEST_GALLERY_EXTRA_REF, "", "REF-HANDLER" },
        { TEST_GALLERY_SLOW_INIT, "", "BUDGET" },
        { TEST_GALLERY_WINDOW_UNASKED, "", "WINDOW-UNASKED" },
        { TEST_GALLERY_NO_MODELESS, "", "WINDOW-MODELESS" },
        { TEST_GALLERY_CRASH, "", "HANDLER-CRASH" },
        { TEST_GALLERY_HANG, " /timeout:3", "HANDLER-HANG" },
        { TEST_GALLERY_COMPLETE_AFTER_RELEASE, "", "COMPLETE-ORDER" },
        { TEST_BAD_INFO_SIZE, "", "STRUCT-SIZE",
          "error\tSTRUCT-SIZE\tlist\tGetHandlerInfo\tSYNCMGRHANDLERINFO has cbSize 12345, expected %u",
          sizeof(SYNCMGRHANDLERINFO) },
        { TEST_GALLERY_INFO_UNTERMINATED, "", "STRUCT-STRING",
          "error\tSTRUCT-STRING\tlist\tGetHandlerInfo\twszHandlerName: its name does not end within its 32 "
          "characters" },
        { TEST_GALLERY_INFO_FLAGS, "", "STRUCT-FLAGS",
          "error\tSTRUCT-FLAGS\tlist\tGetHandlerInfo\tSyncMgrHandlerFlags 0x80000001 has bits outside 0xf" },
        { TEST_GALLERY_ITEM_STATE, "", "STRUCT-FLAGS",
          "error\tSTRUCT-FLAGS\tlist\tISyncMgrEnumItems::Next\tdwItemState 2 is not a documented value" },
        { TEST_GALLERY_PROGRESS_SIZE, "", "STRUCT-SIZE",
          "error\tSTRUCT-SIZE\tsync\tProgress\tSYNCMGRPROGRESSITEM has cbSize %u, expected %u",
          sizeof(SYNCMGRPROGRESSITEM) - 4, sizeof(SYNCMGRPROGRESSITEM) },
        { TEST_GALLERY_PROGRESS_MASK, "", "STRUCT-FLAGS",
          "error\tSTRUCT-FLAGS\tsync\tProgress\tSYNCMGRPROGRESSITEM mask 0x10e has bits outside 0xf" },
        { TEST_GALLERY_PROGRESS_STATUS, "", "STRUCT-FLAGS",
          "error\tSTRUCT-FLAGS\tsync\tProgress\tdwStatusType 9 is not a documented value" },
        { TEST_GALLERY_LOG_LEVEL, "", "STRUCT-FLAGS",
          "error\tSTRUCT-FLAGS\tsync\tLogError\tdwErrorLevel 0 is not a documented value" },
        { TEST_GALLERY_LOG_INFO_SIZE, "", "STRUCT-SIZE",
          "error\tSTRUCT-SIZE\tsync\tLogError\tSYNCMGRLOGERRORINFO has cbSize %u, expected %u",
          sizeof(SYNCMGRLOGERRORINFO) - 4, sizeof(SYNCMGRLOGERRORINFO) },
        { TEST_GALLERY_LOG_INFO_MASK, "", "STRUCT-FLAGS",
          "error\tSTRUCT-FLAGS\tsync\tLogError\tSYNCMGRLOGERRORINFO mask 0x105 has bits outside 0x7" },
        { TEST_GALLERY_LOG_ERROR_FLAGS, "", "STRUCT-FLAGS",
          "error\tSTRUCT-FLAGS\tsync\tLogError\tdwSyncMgrErrorFlags 0x3 has bits outside 0x1" },
        /* Reset found at the first Reset, then at the second (after the
         * Skip); what was to start where a Reset went back is not judged. */
        { TEST_GALLERY_RESET_IGNORED, "", "ENUM-SKIP",
          "error\tENUM-SKIP\tlist\tISyncMgrEnumItems::Next\tafter Reset, Next(1) gave -, expected " ITEM(71, 01) },
        { TEST_GALLERY_SKIP_MOVES_START, "", "ENUM-SKIP",
          "error\tENUM-SKIP\tlist\tISyncMgrEnumItems::Next\tafter Reset, Next(1) gave " ITEM(72, 02)
          ", expected " ITEM(72, 01) },
        { TEST_GALLERY_CLONE_FAILS, "", "ENUM-CLONE",
          "error\tENUM-CLONE\tlist\tISyncMgrEnumItems::Clone\tClone returned 0x80004005, neither S_OK nor "
          "E_NOTIMPL" },
        { TEST_GALLERY_COMPLETE_UNASKED, "", "COMPLETE-ORDER",
          "error\tCOMPLETE-ORDER\tsync\tShowErrorCompleted\tShowErrorCompleted came with no call of its own "
          "pending" },
        /* Its late call is not judged: the finding is the reference it kept for it. */
        { TEST_GALLERY_LATE, "", "REF-CALLBACK",
          "error\tREF-CALLBACK\tsync\tISyncMgrSynchronizeCallback::Release\tthe handler still held 1 "
          "references on the callback after SetProgressCallback(NULL)" },
    };
    char expected[256];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        winetest_push_context("%02x", tests[i].n);
        register_handler(tests[i].n);
        check_handler(tests[i].n, tests[i].timeout, tests[i].rules);
        if (tests[i].line)
        {
            sprintf(expected, tests[i].line, tests[i].size, tests[i].size2);
            ok(find_line(expected) != NULL, "no line starting \"%s\" in\n%s", expected, output);
        }
        if (tests[i].n == TEST_GALLERY_FLOOD) check_flood();
        if (tests[i].n == TEST_GALLERY_LATE) check_late();
        if (tests[i].n == TEST_GALLERY_WINDOW_UNASKED)
        {
            /* Dismissed, and the paths after it ran; with MAYBOTHERUSER it
             * asked EnableModeless first, which is allowed. */
            ok(strstr(output, "info\tWINDOW-DISMISSED\tsync\t-\twindow \"Gallery 5f\" dismissed after ") != NULL,
               "no dismissal in\n%s", output);
            ok(!strstr(output, "error\tWINDOW-UNASKED\tsync-maybotheruser"), "found in\n%s", output);
            ok(strstr(output, "error\tWINDOW-UNASKED\tcancel-all") != NULL, "the paths after it did not run:\n%s",
               output);
        }
        unregister_handler(tests[i].n);
        winetest_pop_context();
    }
}

/* A finding's line: its five fields, the evidence at the end of the detail. */
static void test_lines(void)
{
    char args[128], expected[256];
    const char *found;

    register_handler(TEST_GALLERY_COMPLETE_TWICE);
    sprintf(args, "/check:%s", handler_str(TEST_GALLERY_COMPLETE_TWICE));
    run_mobsync(args);
    ok(exit_code == 1, "exit code %lu.\n", exit_code);
    strcpy(expected, "error\tCOMPLETE-ONCE\tsync\tSynchronizeCompleted\tSynchronizeCompleted came 2 times for one call (thread ");
    found = strstr(output, expected);
    ok(found != NULL, "no line starting %s in\n%s", expected, output);
    ok(found && strstr(found, " ms into the path)") != NULL, "no time into the path in\n%s", output);
    ok(strstr(output, "\n6 errors, 0 warnings, 9 paths run") != NULL, "summary:\n%s", output);

    /* TAP: a plan, one test per rule and path, the findings as diagnostics. */
    sprintf(args, "/check:%s /format:tap", handler_str(TEST_GALLERY_COMPLETE_TWICE));
    run_mobsync(args);
    ok(exit_code == 1, "exit code %lu.\n", exit_code);
    ok(!strncmp(output, "1..207\r\n", 8) || !strncmp(output, "1..207\n", 7), "plan: %.20s\n", output);
    ok(strstr(output, "not ok 24 - sync COMPLETE-ONCE") != NULL, "no failed test 24 in\n%s", output);
    ok(strstr(output, "\nok 25 - sync COMPLETE-ORDER") != NULL, "no test 25 in\n%s", output);
    ok(strstr(output, "# error: SynchronizeCompleted: SynchronizeCompleted came 2 times") != NULL,
       "no diagnostic in\n%s", output);
    ok(strstr(output, "# 6 errors, 0 warnings, 9 paths run") != NULL, "summary:\n%s", output);
    unregister_handler(TEST_GALLERY_COMPLETE_TWICE);

    register_handler(TEST_GALLERY_GOOD);
    sprintf(args, "/check:%s /format:tap", handler_str(TEST_GALLERY_GOOD));
    run_mobsync(args);
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(!strstr(output, "not ok"), "a failed test in\n%s", output);
    unregister_handler(TEST_GALLERY_GOOD);
}

static void test_bad_command_lines(void)
{
    static const char * const bad[] =
    {
        "/check", "/check:", "/check:notaguid", "/check:{6D6F6273-796E-6374-6573-740000000050} /format:xml",
        "/check:{6D6F6273-796E-6374-6573-740000000050} /handler:{6D6F6273-796E-6374-6573-740000000050}",
        "/check:{6D6F6273-796E-6374-6573-740000000050} /showerrors", "/sync /format:tap", "/format:tap",
        "/check:{6D6F6273-796E-6374-6573-740000000050} /sync",
    };
    char args[128];
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++)
    {
        ok(run_mobsync(bad[i]), "cannot run mobsync %s.\n", bad[i]);
        ok(exit_code == 2, "%s: exit code %lu.\n", bad[i], exit_code);
    }

    /* A class nobody registered cannot be checked: said on stderr, exit 2. */
    unregister_handler(TEST_GALLERY_GOOD);
    sprintf(args, "/check:%s", handler_str(TEST_GALLERY_GOOD));
    run_mobsync(args);
    ok(exit_code == 2, "exit code %lu.\n", exit_code);
    sprintf(line, "mobsync: cannot check %s: 0x80040154 not registered as a synchronization handler",
            handler_str(TEST_GALLERY_GOOD));
    ok(output_is_line(line), "said %s", output);
}

/* A handler of the other architecture only: its own mobsync.exe checks it. */
static void test_other_arch(void)
{
    char args[128];

    if (!both_arches())
    {
        skip("the other architecture's mobsync.exe cannot run here.\n");
        return;
    }
    register_other_view(TEST_GALLERY_COMPLETE_TWICE);
    sprintf(args, "/check:%s", handler_str(TEST_GALLERY_COMPLETE_TWICE));
    run_mobsync(args);
    ok(exit_code == 1, "exit code %lu.\n", exit_code);
    ok(strstr(output, "error\tCOMPLETE-ONCE\tsync\tSynchronizeCompleted\t") != NULL, "output:\n%s", output);
    ok(strstr(output, "6 errors, 0 warnings, 9 paths run") != NULL, "output:\n%s", output);
    unregister_other_view(TEST_GALLERY_COMPLETE_TWICE);
}

/* The Folder Synchronizer, the sample handler, with two folder pairs: clean. */
static void test_folder_synchronizer(void)
{
    static const char * const names[] = { "Documents", "Reports" };
    HRESULT (WINAPI *register_server)(void);
    char key_name[MAX_PATH], folder[MAX_PATH], base[MAX_PATH];
    struct check_result result;
    HMODULE module;
    unsigned int i;
    HKEY key;

    if (!(module = LoadLibraryA("foldersync.dll")))
    {
        skip("no foldersync.dll: error %lu.\n", GetLastError());
        return;
    }
    register_server = (void *)GetProcAddress(module, "DllRegisterServer");
    ok(register_server() == S_OK, "cannot register the Folder Synchronizer.\n");
    GetTempPathA(MAX_PATH, base);
    strcat(base, "mobsync_check");
    CreateDirectoryA(base, NULL);
    for (i = 0; i < ARRAY_SIZE(names); i++)
    {
        sprintf(key_name, FOLDERSYNC_PAIRS_KEY "\\{D0C0D0C0-0000-4000-8000-00000000000%u}", i + 1);
        ok(!RegCreateKeyExA(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL),
           "cannot write %s.\n", key_name);
        RegSetValueExA(key, "Name", 0, REG_SZ, (const BYTE *)names[i], strlen(names[i]) + 1);
        sprintf(folder, "%s\\%s.local", base, names[i]);
        CreateDirectoryA(folder, NULL);
        RegSetValueExA(key, "Local", 0, REG_SZ, (const BYTE *)folder, strlen(folder) + 1);
        sprintf(folder, "%s\\%s.network", base, names[i]);
        CreateDirectoryA(folder, NULL);
        RegSetValueExA(key, "Network", 0, REG_SZ, (const BYTE *)folder, strlen(folder) + 1);
        RegCloseKey(key);
    }

    run_mobsync("/check:" FOLDERSYNC_CLSID_STR);
    read_result(&result);
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(!result.rules[0], "rules \"%s\":\n%s", result.rules, output);
    ok(result.summary, "no summary line:\n%s", output);

    register_server = (void *)GetProcAddress(module, "DllUnregisterServer");
    register_server();
    FreeLibrary(module);
    SHDeleteKeyA(HKEY_CURRENT_USER, FOLDERSYNC_PAIRS_KEY);
    for (i = 0; i < ARRAY_SIZE(names); i++)
    {
        sprintf(folder, "%s\\%s.local", base, names[i]);
        RemoveDirectoryA(folder);
        sprintf(folder, "%s\\%s.network", base, names[i]);
        RemoveDirectoryA(folder);
    }
    RemoveDirectoryA(base);
}

START_TEST(check)
{
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    init_test();
    test_bad_command_lines();
    test_lines();
    test_other_arch();
    test_folder_synchronizer();
    test_gallery();
    CoUninitialize();
}
