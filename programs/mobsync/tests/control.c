/*
 * Tests of mobsync /skip and /stop: requests to a running synchronization,
 * passed on to its handlers as SetItemStatus(SKIPPED) and as the answers of
 * Progress
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
#include "winuser.h"
#include "../control.h"

static void test_skip_in_synchronize(void)
{
    static const char * const expected[] =
    {
        SYNC_LOADING_CALLS,
        "PrepareForSync items=01,02",
        "PrepareForSyncCompleted hr=00000000",
        "Synchronize",
        "SetItemStatus 01 1 window=synchronize",
        "Skipping 01 hr=00040203 told=1",
        "SynchronizeCompleted",
        "SetProgressCallback NULL",
        "Destroyed",
    };
    struct mobsync_run run;
    char args[256];
    DWORD ret;

    register_handler(TEST_SKIP);
    DeleteFileA(log_path);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_SKIP));
    if (!start_mobsync(args, &run)) return;
    ok(wait_for_call(TEST_SKIP, "Synchronize"), "Synchronize was not called.\n");

    /* Item 1 is being synchronized: only it, in this handler, is taken. */
    ret = control("/skip:%s", item_str(TEST_SKIP, 3));
    ok(ret == 1, "skipping an item not chosen: exit code %lu.\n", ret);
    ok(strstr(output, "left to skip") != NULL, "got %s\n", output);
    ret = control("/skip:%s /handler:%s", item_str(TEST_SKIP, 1), handler_str(TEST_GOOD_SYNC));
    ok(ret == 1, "skipping in another handler: exit code %lu.\n", ret);
    ret = control("/skip:%s /handler:%s", item_str(TEST_SKIP, 1), handler_str(TEST_SKIP));
    ok(ret == 0, "skipping item 1: exit code %lu, %s\n", ret, output);
    ok(!output[0], "output %s\n", output);
    ret = control("/skip:%s", item_str(TEST_SKIP, 1));
    ok(ret == 1, "skipping item 1 again: exit code %lu.\n", ret);

    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(has_line(result_line("skipped", TEST_SKIP, 1)), "item 1:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_SKIP, 2)), "item 2:\n%s", output);
    ok(!strcmp(last_line(), "1 succeeded, 0 failed, 1 skipped"), "last line %s.\n", last_line());
    ok_calls(TEST_SKIP, expected);
    unregister_handler(TEST_SKIP);
}

static void test_skip_in_prepare(void)
{
    static const char * const expected[] =
    {
        SYNC_LOADING_CALLS,
        "PrepareForSync items=01,03",
        "SetItemStatus 01 1 window=prepare",
        "PrepareForSyncCompleted",
        "Synchronize",
        "Skipping 01 hr=00040203 told=1",
        "SynchronizeCompleted",
        "SetProgressCallback NULL",
        "Destroyed",
    };
    struct mobsync_run run;
    char args[256];
    DWORD ret;

    /* With item 3 chosen, the handler completes PrepareForSync only when it
     * is told to skip something: the request reaches it in that window, and
     * is not repeated in the next one. */
    register_handler(TEST_SKIP);
    DeleteFileA(log_path);
    sprintf(args, "/sync /handler:%s /item:%s /item:%s", handler_str(TEST_SKIP),
            item_str(TEST_SKIP, 1), item_str(TEST_SKIP, 3));
    if (!start_mobsync(args, &run)) return;
    ok(wait_for_call(TEST_SKIP, "PrepareForSync"), "PrepareForSync was not called.\n");
    ret = control("-SKIP=%s", item_str(TEST_SKIP, 1));
    ok(ret == 0, "skipping item 1: exit code %lu, %s\n", ret, output);

    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(has_line(result_line("skipped", TEST_SKIP, 1)), "item 1:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_SKIP, 3)), "item 3:\n%s", output);
    ok(!strcmp(last_line(), "1 succeeded, 0 failed, 1 skipped"), "last line %s.\n", last_line());
    ok_calls(TEST_SKIP, expected);
    unregister_handler(TEST_SKIP);
}

static void test_stop(void)
{
    struct mobsync_run run;
    struct call_log log;
    char args[256];
    unsigned int i;
    DWORD ret;

    /* Every handler at work is answered S_SYNCMGR_CANCELALL; nobody is
     * sent SetItemStatus, and the good handler beside it is not harmed. */
    register_handler(TEST_SKIP);
    register_handler(TEST_GOOD_SYNC);
    DeleteFileA(log_path);
    sprintf(args, "/sync /handler:%s /handler:%s", handler_str(TEST_SKIP), handler_str(TEST_GOOD_SYNC));
    if (!start_mobsync(args, &run)) return;
    ok(wait_for_call(TEST_SKIP, "Synchronize"), "Synchronize was not called.\n");
    ok(wait_for_call(TEST_GOOD_SYNC, "Destroyed"), "the good handler did not finish.\n");
    /* A session runs, but the handler named has finished: nothing is stopped. */
    ret = control("/stop /handler:%s", handler_str(TEST_GOOD_SYNC));
    ok(ret == 1, "stop 01: exit code %lu, %s\n", ret, output);
    ok(strstr(output, "mobsync: no running synchronization has a handler left to stop") != NULL,
       "stop 01: got \"%s\".\n", output);
    ret = control("/stop");
    ok(ret == 0, "stop: exit code %lu, %s\n", ret, output);

    finish_mobsync(&run);
    ok(exit_code == 1, "exit code %lu:\n%s", exit_code, output);
    ok(has_line(result_line("stopped", TEST_SKIP, 1)), "item 1:\n%s", output);
    ok(has_line(result_line("stopped", TEST_SKIP, 2)), "item 2:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_GOOD_SYNC, 1)), "good item 1:\n%s", output);
    ok(!strcmp(last_line(), "2 succeeded, 2 failed, 0 skipped"), "last line %s.\n", last_line());
    read_calls(TEST_SKIP, &log);
    for (i = 0; i < log.count; i++)
        ok(strncmp(log.calls[i], "SetItemStatus", 13), "call %u: %s\n", i, log.calls[i]);
    ok(wait_for_call(TEST_SKIP, "Skipping 01 hr=00040204 told=0"), "not stopped through Progress.\n");
    ok(log.count && !strcmp(log.calls[log.count - 1], "Destroyed"), "not released: %s\n",
       log.count ? log.calls[log.count - 1] : "");
    unregister_handler(TEST_GOOD_SYNC);
    unregister_handler(TEST_SKIP);
}

/* Sends a WM_COPYDATA to a session's window; its answer, or ~0 if none. */
static LRESULT send_copydata(HWND window, ULONG_PTR magic, const void *data, DWORD size)
{
    COPYDATASTRUCT copy = { magic, size, (void *)data };
    DWORD_PTR result;

    if (!SendMessageTimeoutW(window, WM_COPYDATA, 0, (LPARAM)&copy, SMTO_ABORTIFHUNG, 10000, &result))
        return ~(LRESULT)0;
    return result;
}

static void test_bad_requests(void)
{
    static const GUID item1 = TEST_ITEM_ID(TEST_SKIP, 1);
    struct control_request request = { sizeof(request), CONTROL_SKIP }, bad;
    struct { struct control_request request; DWORD more; } longer;
    struct mobsync_run run;
    struct call_log log;
    unsigned int i, set_item_status = 0;
    char args[256];
    HWND window;
    GUID unknown;
    LRESULT ret;

    /* Anything may arrive at a session's window: only a request of exactly
     * the right form is taken, and the rest harms nothing. */
    register_handler(TEST_SKIP);
    DeleteFileA(log_path);
    sprintf(args, "/sync /handler:%s", handler_str(TEST_SKIP));
    if (!start_mobsync(args, &run)) return;
    ok(wait_for_call(TEST_SKIP, "Synchronize"), "Synchronize was not called.\n");
    window = FindWindowExW(HWND_MESSAGE, NULL, CONTROL_WINDOW_CLASS, NULL);
    ok(window != NULL, "no session window.\n");

    handler_clsid(TEST_SKIP, &request.handler);
    request.item = item1;

    ok(send_copydata(window, 0, &request, sizeof(request)) == 0, "wrong dwData taken.\n");
    ok(send_copydata(window, CONTROL_MAGIC, &request, sizeof(request) - 1) == 0, "short data taken.\n");
    longer.request = request;
    longer.more = 0;
    ok(send_copydata(window, CONTROL_MAGIC, &longer, sizeof(longer)) == 0, "long data taken.\n");
    ok(send_copydata(window, CONTROL_MAGIC, NULL, 0) == 0, "no data taken.\n");
    bad = request;
    bad.size = 0;
    ok(send_copydata(window, CONTROL_MAGIC, &bad, sizeof(bad)) == 0, "size 0 taken.\n");
    bad = request;
    bad.action = 99;
    ok(send_copydata(window, CONTROL_MAGIC, &bad, sizeof(bad)) == 0, "action 99 taken.\n");
    bad = request;
    handler_clsid(TEST_GOOD_SYNC, &bad.handler);
    ok(send_copydata(window, CONTROL_MAGIC, &bad, sizeof(bad)) == 0, "another handler's skip taken.\n");
    bad = request;
    CoCreateGuid(&unknown);
    bad.item = unknown;
    ok(send_copydata(window, CONTROL_MAGIC, &bad, sizeof(bad)) == 0, "an unknown item taken.\n");
    ok(SendMessageW(window, WM_USER + 1, 1, 2) == 0, "WM_USER answered.\n");

    ret = send_copydata(window, CONTROL_MAGIC, &request, sizeof(request));
    ok(ret == 1, "the request got %Id.\n", ret);
    ret = send_copydata(window, CONTROL_MAGIC, &request, sizeof(request));
    ok(ret == 0, "the request again got %Id.\n", ret);

    finish_mobsync(&run);
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(has_line(result_line("skipped", TEST_SKIP, 1)), "item 1:\n%s", output);
    ok(has_line(result_line("succeeded", TEST_SKIP, 2)), "item 2:\n%s", output);
    read_calls(TEST_SKIP, &log);
    for (i = 0; i < log.count; i++)
        if (!strncmp(log.calls[i], "SetItemStatus", 13)) set_item_status++;
    ok(set_item_status == 1, "SetItemStatus called %u times.\n", set_item_status);
    ok(log.count && !strcmp(log.calls[log.count - 1], "Destroyed"), "not released.\n");
    unregister_handler(TEST_SKIP);
}

static void test_nothing_running(void)
{
    static const char * const bad[] =
    {
        "/skip",
        "/skip:",
        "/skip:{not-a-guid}",
        "/skip:{6D6F6273-796E-6374-6573-740000010701} /sync",
        "/stop /skip:{6D6F6273-796E-6374-6573-740000010701}",
        "/skip:{6D6F6273-796E-6374-6573-740000010701} /item:{6D6F6273-796E-6374-6573-740000010701}",
        "/stop /timeout:5",
        "/stop /showerrors",
        "/stop /invoke",
        "/stop:now",
    };
    unsigned int i;
    DWORD ret;

    ret = control("/skip:%s", item_str(TEST_SKIP, 1));
    ok(ret == 1, "exit code %lu.\n", ret);
    ok(!strcmp(output, "mobsync: no synchronization is running\n")
       || !strcmp(output, "mobsync: no synchronization is running\r\n"), "got \"%s\".\n", output);
    ret = control("/stop");
    ok(ret == 1, "exit code %lu.\n", ret);
    ok(strstr(output, "no synchronization is running") != NULL, "got \"%s\".\n", output);

    for (i = 0; i < ARRAY_SIZE(bad); i++)
    {
        ret = control("%s", bad[i]);
        ok(ret == 2, "%s: exit code %lu.\n", bad[i], ret);
        ok(strstr(output, "Usage:") != NULL, "%s: no usage:\n%s", bad[i], output);
    }
}

START_TEST(control)
{
    CoInitialize(NULL);
    init_test();

    test_nothing_running();
    test_skip_in_synchronize();
    test_skip_in_prepare();
    test_bad_requests();
    test_stop();

    CoUninitialize();
}
