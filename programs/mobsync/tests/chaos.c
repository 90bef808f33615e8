/*
 * mobsync.exe against chaos handlers (tests/handlers/chaos.c): sixteen of
 * them per synchronization, each misbehaving as its seed says, beside a
 * well-behaved one. Every run must end within its time limit with a
 * summary, without the manager crashing, and with the good handler's
 * results intact; across all seeds every kind of misbehaviour must have
 * been shown.
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

static const char * const kinds[] =
{
#define X(name) #name,
    TEST_CHAOS_KINDS
#undef X
};

/* Marks the kinds handler n showed in this run. */
static void collect_kinds(int n, BOOL *seen)
{
    struct call_log log;
    unsigned int i, k;

    read_calls(n, &log);
    for (i = 0; i < log.count; i++)
    {
        if (strncmp(log.calls[i], "chaos ", 6)) continue;
        for (k = 0; k < ARRAY_SIZE(kinds); k++)
            if (!strcmp(log.calls[i] + 6, kinds[k])) seen[k] = TRUE;
    }
}

/* The result lines in the output: one per item the summary counts. */
static unsigned int count_results(void)
{
    static const char * const statuses[] = { "succeeded\t", "failed\t", "skipped\t", "stopped\t" };
    const char *p = output;
    unsigned int count = 0, i;

    while (p && *p)
    {
        for (i = 0; i < ARRAY_SIZE(statuses); i++)
            if (!strncmp(p, statuses[i], strlen(statuses[i]))) count++;
        if ((p = strchr(p, '\n'))) p++;
    }
    return count;
}

/* runs synchronizations of the sixteen chaos handlers, from seed run 0 on,
 * beside the good one; limit: what each may take, in ms. */
static void run_chaos(unsigned int first, unsigned int runs, DWORD limit, BOOL *seen)
{
    unsigned int run, succeeded, failed, skipped;
    char args[2048], text[16];
    int n;

    for (run = first; run < first + runs; run++)
    {
        winetest_push_context("seeds %u..%u", run * 16, run * 16 + 15);
        sprintf(text, "%u", run);
        SetEnvironmentVariableA(TEST_CHAOS_SEED_VARIABLE, text);
        /* Every other run also shows the errors, as /showerrors does. */
        sprintf(args, "/sync /timeout:2%s /handler:%s", run & 1 ? " /showerrors" : "",
                handler_str(TEST_GOOD_ASYNC));
        for (n = TEST_CHAOS_FIRST; n <= TEST_CHAOS_LAST; n++)
            sprintf(args + strlen(args), " /handler:%s", handler_str(n));
        if (run_mobsync(args))
        {
            ok(exit_code <= 1, "the manager crashed: exit code %#lx.\n%s", exit_code, output);
            ok(elapsed < limit, "took %lu ms.\n", elapsed);
            ok(sscanf(last_line(), "%u succeeded, %u failed, %u skipped", &succeeded, &failed,
                      &skipped) == 3, "no summary: last line %s.\n", last_line());
            ok(count_results() == succeeded + failed + skipped, "%u result lines for %s:\n%s",
               count_results(), last_line(), output);
            ok(has_line(result_line("succeeded", TEST_GOOD_ASYNC, 1)), "the good handler:\n%s", output);
            ok(has_line(result_line("failed", TEST_GOOD_ASYNC, 2)), "the good handler:\n%s", output);
            for (n = TEST_CHAOS_FIRST; n <= TEST_CHAOS_LAST; n++) collect_kinds(n, seen);
        }
        winetest_pop_context();
    }
    SetEnvironmentVariableA(TEST_CHAOS_SEED_VARIABLE, NULL);
}

START_TEST(chaos)
{
    BOOL seen[ARRAY_SIZE(kinds)] = { 0 }, seen_worker[ARRAY_SIZE(kinds)] = { 0 };
    unsigned int runs = 16, k;
    char text[16];
    int n;

    CoInitialize(NULL);
    init_test();

    if (GetEnvironmentVariableA("MOBSYNC_CHAOS_RUNS", text, sizeof(text))) runs = max(1, atoi(text));
    register_handler_ex(TEST_GOOD_ASYNC, TEST_DLL2, "Apartment", 0);
    for (n = TEST_CHAOS_FIRST; n <= TEST_CHAOS_LAST; n++) register_handler(n);

    /* The limit is 2 s; the process start and end come on top. */
    run_chaos(0, runs, 15000, seen);
    for (k = 0; k < ARRAY_SIZE(kinds); k++)
        ok(seen[k], "no seed of %u showed \"%s\".\n", runs * 16, kinds[k]);
    trace("%u seeds.\n", runs * 16);

    /* The same seeds, the chaos handlers registered for the other
     * architecture only: run by a worker, reported through it, the good
     * handler still in process. A worker that stops answering is waited
     * for 10 s past the limit. */
    for (n = TEST_CHAOS_FIRST; n <= TEST_CHAOS_LAST; n++) unregister_handler(n);
    if (both_arches())
    {
        for (n = TEST_CHAOS_FIRST; n <= TEST_CHAOS_LAST; n++) register_other_view(n);
        run_chaos(0, runs, 25000, seen_worker);
        for (k = 0; k < ARRAY_SIZE(kinds); k++)
            ok(seen_worker[k], "no seed of %u showed \"%s\" in the worker.\n", runs * 16, kinds[k]);
        for (n = TEST_CHAOS_FIRST; n <= TEST_CHAOS_LAST; n++) unregister_other_view(n);
    }
    else skip("the other architecture cannot run here.\n");

    unregister_handler(TEST_GOOD_ASYNC);
    CoUninitialize();
}
