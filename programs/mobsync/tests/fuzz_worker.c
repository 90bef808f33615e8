/*
 * mobsync.exe against a worker that lies (tests/fakeworker): the border
 * between a session and the other architecture's mobsync.exe, fuzzed.
 *
 * Three fake handlers are registered in the other architecture's view
 * only, so a session hands them to its worker, and MOBSYNC_WORKER makes
 * that worker the fake one, which sends what its seed plans
 * (fakeworker.h). Beside them a good handler runs in process. For every
 * seed the session must end within its time limit and margin, exit 1 (the
 * good handler fails an item) and never crash, keep the good handler's
 * results, give each fake handler either the results it was sent or, when
 * the worker stopped before its end, an error line, print one result line
 * per item it counts and nothing the worker must not make it print, and
 * leave no worker behind. Across the seeds, every kind of mutation must
 * have been made.
 *
 * Sessions run SLOTS at a time: most of their time is spent waiting.
 * make fuzz SEEDS=N runs N seeds (fuzz.h).
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
#include "fuzz.h"
#include "../../../tests/fakeworker/fakeworker.h"

#define WITNESS TEST_GOOD_ASYNC

/* Sessions at once. */
#define SLOTS 8

/* How long past its time limit a session may take: the margin it gives a
 * worker that stops answering (handler.h's WORKER_MARGIN), and process
 * starts and ends on a loaded machine. */
#define WORKER_MARGIN_MS 10000
#define SLACK_MS 8000

/* How long a session waits for its worker's answer to a request
 * (worker.c's ANSWER_TIMEOUT). */
#define ANSWER_TIMEOUT_MS 5000

/* Sessions whose worker Wine could not start. */
static unsigned int not_started;

/* Requests sent, and those that came after their session had ended. */
static unsigned int requests_sent, requests_late;

/* A session under test. */
struct run
{
    BOOL active;
    char spec[64];         /* its seed, or a named case (fakeworker.h) */
    const char *name;      /* the named case's */
    struct fake_plan plan;
    char log[MAX_PATH];    /* the fake worker's */
    DWORD limit;           /* in ms from its start */
    BOOL measured;         /* the worker measured what a claim cost the session: */
    LONGLONG grew;         /* that many bytes */
    HANDLE process, reader, pipe;
    char output[65536];
    DWORD len, start;
    HANDLE ready, control;  /* plan.control: the worker's event, and the thread that sends */
    BOOL control_sent, control_answered;
    BOOL control_late;     /* the session ended as it was sent */
    DWORD control_elapsed;
    DWORD control_error;   /* of an unanswered request: the send's error, */
    BOOL control_window;   /* whether the window was still there, */
    DWORD control_wait;    /* and the wait for the process's end, */
    DWORD control_end;     /* which came that many ms after the send failed */
};

static DWORD WINAPI run_reader(void *arg)
{
    struct run *run = arg;
    char rest[4096];
    DWORD read;

    for (;;)
    {
        if (run->len < sizeof(run->output) - 1)
        {
            if (!ReadFile(run->pipe, run->output + run->len, sizeof(run->output) - 1 - run->len, &read,
                          NULL) || !read)
                break;
            run->len += read;
        }
        else if (!ReadFile(run->pipe, rest, sizeof(rest), &read, NULL) || !read)
            break;
    }
    return 0;
}

/* The command line of seed's session: the witness and the fake handlers;
 * in a big session the extra ones and FAKE_BIG_ITEMS /item: IDs too. */
static char *session_args(const struct fake_plan *plan)
{
    static char args[16384];
    int n, i;

    sprintf(args, "/sync /timeout:%u /handler:%s", plan->timeout, handler_str(WITNESS));
    for (n = FAKE_FIRST; n < FAKE_FIRST + FAKE_COUNT; n++)
        sprintf(args + strlen(args), " /handler:%s", handler_str(n));
    if (!plan->big_session) return args;
    for (n = FAKE_EXTRA_FIRST; n < FAKE_EXTRA_FIRST + FAKE_EXTRA; n++)
        sprintf(args + strlen(args), " /handler:%s", handler_str(n));
    sprintf(args + strlen(args), " /item:%s /item:%s", item_str(WITNESS, 1), item_str(WITNESS, 2));
    for (i = 0; i < FAKE_BIG_ITEMS; i++)
        sprintf(args + strlen(args), " /item:{6D6F6273-796E-6374-6573-7400FFFF%04X}", i);
    return args;
}

/* The session's window that takes /skip and /stop. */
static HWND session_window(DWORD pid)
{
    HWND window = NULL;
    DWORD owner;

    while ((window = FindWindowExW(HWND_MESSAGE, window, CONTROL_WINDOW_CLASS, NULL)))
        if (GetWindowThreadProcessId(window, &owner) && owner == pid) return window;
    return NULL;
}

/* plan.control: once the worker says it is time, /skip of the first item
 * or /stop of the plan's handler, straight to this session's window (mobsync
 * /skip would ask every session running). */
static DWORD WINAPI run_control(void *arg)
{
    struct run *run = arg;
    struct control_request request = { sizeof(request) };
    COPYDATASTRUCT data = { CONTROL_MAGIC, sizeof(request), &request };
    const GUID item = FAKE_ITEM_ID(FAKE_FIRST, 1);
    HANDLE handles[2] = { run->ready, run->process };
    DWORD_PTR result;
    HWND window;
    DWORD start;

    if (WaitForMultipleObjects(2, handles, FALSE, run->limit) != WAIT_OBJECT_0) return 0;
    if (!(window = session_window(GetProcessId(run->process)))) return 0;
    request.action = run->plan.control_stop ? CONTROL_STOP : CONTROL_SKIP;
    handler_clsid(FAKE_FIRST + run->plan.control_target, &request.handler);
    request.item = item;
    request.item.Data4[4] = FAKE_FIRST + run->plan.control_target;
    start = GetTickCount();
    run->control_sent = TRUE;
    run->control_answered = SendMessageTimeoutW(window, WM_COPYDATA, 0, (LPARAM)&data, SMTO_NORMAL,
                                                run->limit, &result) != 0;
    run->control_elapsed = GetTickCount() - start;
    if (run->control_answered) return 0;
    /* The worker says when, and the session may end meanwhile (its time
     * limit, or its handlers all done, on a loaded machine): its window
     * goes first, then it waits for its threads and its worker, which
     * under load takes seconds. A window gone with a process that then
     * ended within its limit was no request left waiting. */
    run->control_error = GetLastError();
    run->control_window = IsWindow(window);
    if (!run->control_window)
    {
        run->control_wait = WaitForSingleObject(run->process, run->limit);
        run->control_end = GetTickCount() - start - run->control_elapsed;
        run->control_late = run->control_wait == WAIT_OBJECT_0;
    }
    return 0;
}

/* Starts the session of a seed or a named case in slot. */
static BOOL start_run(struct run *run, unsigned int slot, const char *spec, const char *name)
{
    BOOL started;

    memset(run, 0, sizeof(*run));
    lstrcpynA(run->spec, spec, sizeof(run->spec));
    run->name = name;
    if (!fake_plan_from_text(spec, &run->plan))
    {
        ok(0, "bad case %s.\n", spec);
        return FALSE;
    }
    run->limit = run->plan.timeout * 1000 + WORKER_MARGIN_MS + SLACK_MS;
    GetTempPathA(MAX_PATH, run->log);
    sprintf(run->log + strlen(run->log), "mobsync_fakeworker_slot%u.log", slot);
    DeleteFileA(run->log);
    if (run->plan.control)
    {
        char name[MAX_PATH + 64];

        fake_ready_event(run->log, name, sizeof(name));
        run->ready = CreateEventA(NULL, TRUE, FALSE, name);
    }
    SetEnvironmentVariableA(FAKE_SEED_VARIABLE, spec);
    SetEnvironmentVariableA(FAKE_LOG_VARIABLE, run->log);

    run->start = GetTickCount();
    winetest_push_context("%s", spec);
    started = spawn_mobsync(session_args(&run->plan), &run->pipe, &run->process);
    winetest_pop_context();
    if (!started) return FALSE;
    run->reader = CreateThread(NULL, 0, run_reader, run, 0, NULL);
    if (run->ready) run->control = CreateThread(NULL, 0, run_control, run, 0, NULL);
    run->active = TRUE;
    return TRUE;
}

/* What the worker logged: its process ID, every kind it made, what a
 * claim cost the session. */
static DWORD read_worker_log(struct run *run, BOOL *kinds)
{
    char line[256];
    DWORD pid = 0;
    FILE *file;
    int k;

    if (!(file = fopen(run->log, "r"))) return 0;
    while (fgets(line, sizeof(line), file))
    {
        line[strcspn(line, "\r\n")] = 0;
        if (!strncmp(line, "pid ", 4)) pid = strtoul(line + 4, NULL, 16);
        else if (!strncmp(line, "grew ", 5))
        {
            run->grew = _strtoi64(line + 5, NULL, 10);
            run->measured = TRUE;
        }
        else if (!strncmp(line, "kind ", 5))
            for (k = 0; k < FAKE_KIND_COUNT; k++)
                if (!strcmp(line + 5, fake_kind_name(k))) kinds[k] = TRUE;
    }
    fclose(file);
    return pid;
}

/* Whether the worker of the run still runs; ended if so. */
static BOOL worker_left(const struct run *run, DWORD pid)
{
    char name[MAX_PATH + 32];
    HANDLE mutex, process;
    DWORD ret;

    fake_alive_mutex(run->log, name, sizeof(name));
    if (!(mutex = OpenMutexA(SYNCHRONIZE, FALSE, name))) return FALSE;
    ret = WaitForSingleObject(mutex, 0);
    if (ret == WAIT_OBJECT_0 || ret == WAIT_ABANDONED) ReleaseMutex(mutex);
    CloseHandle(mutex);
    if (ret != WAIT_TIMEOUT) return FALSE;
    if ((process = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pid)))
    {
        TerminateProcess(process, 255);
        WaitForSingleObject(process, 5000);
        CloseHandle(process);
    }
    return TRUE;
}

static const char *status_name(DWORD status)
{
    switch (status)
    {
    case SYNCMGRSTATUS_SUCCEEDED: return "succeeded";
    case SYNCMGRSTATUS_SKIPPED: return "skipped";
    case SYNCMGRSTATUS_STOPPED: return "stopped";
    default: return "failed";
    }
}

static BOOL is_final(DWORD status)
{
    return status == SYNCMGRSTATUS_SUCCEEDED || status == SYNCMGRSTATUS_FAILED
            || status == SYNCMGRSTATUS_SKIPPED || status == SYNCMGRSTATUS_STOPPED;
}

/* The result fake handler k's item i (from 1) must have: its end's status
 * for it when final, otherwise the status the end gives the others. */
static const char *expected_status(const struct fake_handler_plan *handler, unsigned int i)
{
    DWORD status = handler->status[i - 1];

    if (is_final(status)) return status_name(status);
    switch (handler->end)
    {
    case FAKE_END_FAIL: return "failed";
    case FAKE_END_SKIP: return "skipped";
    default: return status_name(handler->default_status);
    }
}

static const char *fake_item_str(int n, unsigned int i)
{
    static char buffers[2][39];
    static unsigned int next;
    char *buf = buffers[next++ % 2];

    sprintf(buf, "{6D6F6273-796E-6374-6661-6B65%02X%06X}", n, i);
    return buf;
}

/* Splits a line into at most four tab-separated fields. */
static unsigned int split_line(char *line, char **fields)
{
    unsigned int count = 0;

    fields[count++] = line;
    while (count < 4 && (line = strchr(line, '\t')))
    {
        *line++ = 0;
        fields[count++] = line;
    }
    return count;
}

static int fake_index(const char *handler)
{
    int k;

    for (k = 0; k < FAKE_COUNT; k++) if (!strcmp(handler, handler_str(FAKE_FIRST + k))) return k;
    return -1;
}

static BOOL is_result(const char *status)
{
    return !strcmp(status, "succeeded") || !strcmp(status, "failed") || !strcmp(status, "skipped")
            || !strcmp(status, "stopped");
}

/* What a fake handler's lines came to. */
struct fake_lines
{
    unsigned int results, errors, warnings, infos;
    char error[512];
    char items[64][39];    /* the items it had a result line for */
};

/* The checks of one finished session, whose worker logged the kinds seen
 * and was left running or not. */
static void check_run(struct run *run, DWORD elapsed, DWORD exit_code, DWORD pid, BOOL left,
        const BOOL *seen)
{
    static struct fake_lines lines[FAKE_COUNT];
    static char text[65536];
    unsigned int succeeded = 0, failed = 0, skipped = 0, i, j, count, witness = 0;
    unsigned int sum_succeeded, sum_failed, sum_skipped;
    char *line, *next, *fields[4], last[256] = "";
    char expected[512];
    int k;

    memset(lines, 0, sizeof(lines));
    ok(exit_code == 1, "exit code %#lx.\n%s", exit_code, run->output);
    ok(elapsed < run->limit, "took %lu ms, the limit is %lu ms.\n", elapsed, run->limit);

    /* Wine fails a process start now and then under load (error 0x54f,
     * about once in a thousand): the session says so for each of the
     * worker's handlers, and the seed shows nothing else. */
    if (!pid && strstr(run->output, "cannot be started: "))
    {
        trace("the worker could not be started.\n");
        not_started++;
        for (k = 0; k < FAKE_COUNT; k++)
        {
            run->plan.handlers[k].cut = TRUE;
            run->plan.handlers[k].disrupted = FALSE;
        }
    }
    else
    {
        ok(pid != 0, "the fake worker did not start.\n%s", run->output);
        ok(!left, "the worker %04lx is left running.\n", pid);
        if (run->plan.terminal != -1)
            ok(seen[run->plan.terminal], "the worker did not make its %s.\n",
               fake_kind_name(run->plan.terminal));
    }

    /* Whatever the worker does, the session answers within its time. */
    if (run->control_sent) requests_sent++;
    if (run->control_late)
    {
        trace("the session ended as its request was sent (its process %lu ms later).\n", run->control_end);
        requests_late++;
    }
    else if (run->control_sent)
        ok(run->control_answered && run->control_elapsed < ANSWER_TIMEOUT_MS + SLACK_MS,
           "a request was answered %d after %lu ms (error %lu, window %s, process wait %#lx).\n",
           run->control_answered, run->control_elapsed, run->control_error,
           run->control_window ? "there" : "gone", run->control_wait);
    if (run->measured)
        ok(run->grew < 64 << 20, "a claim of a large table cost the session %I64d bytes.\n", run->grew);
    ok(!strstr(run->output, FAKE_UNTERMINATED), "a string without its end was taken:\n%s", run->output);
    strcpy(text, run->output);
    for (line = text; line && *line; line = next)
    {
        if ((next = strchr(line, '\n'))) *next++ = 0;
        line[strcspn(line, "\r")] = 0;
        if (!*line) continue;
        lstrcpynA(last, line, sizeof(last));
        ok(strncmp(line, FAKE_MARKER, strlen(FAKE_MARKER)), "a line the worker made: %s\n", line);
        /* Every line that starts as a result line counts. */
        count = split_line(line, fields);
        if (count > 1 && is_result(fields[0]))
        {
            if (!strcmp(fields[0], "succeeded")) succeeded++;
            else if (!strcmp(fields[0], "skipped")) skipped++;
            else failed++;
        }
        if (count < 4) continue;
        k = fake_index(fields[1]);
        if (is_result(fields[0]))
        {
            if (!strcmp(fields[1], handler_str(WITNESS)))
            {
                witness++;
                continue;
            }
            if (k == -1)
            {
                ok(0, "a result for %s, which the worker has not: %s\t%s\t%s\n", fields[1], fields[0],
                   fields[2], fields[3]);
                continue;
            }
            for (j = 0; j < lines[k].results && j < ARRAY_SIZE(lines[k].items); j++)
                ok(strcmp(lines[k].items[j], fields[2]), "handler %02x: item %s twice.\n",
                   FAKE_FIRST + k, fields[2]);
            if (lines[k].results < ARRAY_SIZE(lines[k].items))
                lstrcpynA(lines[k].items[lines[k].results], fields[2], 39);
            lines[k].results++;
            if (run->plan.handlers[k].disrupted) continue;
            /* Undisrupted: an item it chose, under its name. */
            for (i = 1; i <= min(run->plan.handlers[k].item_count, FAKE_DETAILED); i++)
                if (!strcmp(fields[2], fake_item_str(FAKE_FIRST + k, i))) break;
            ok(i <= min(run->plan.handlers[k].item_count, FAKE_DETAILED) && run->plan.handlers[k].chosen[i - 1],
               "handler %02x: a result for item %s, not one it chose.\n", FAKE_FIRST + k, fields[2]);
            sprintf(expected, "Item %u", i);
            ok(!strcmp(fields[3], expected), "handler %02x: item %u is named \"%s\".\n", FAKE_FIRST + k, i,
               fields[3]);
            if (fake_exact(&run->plan, k) && i <= FAKE_DETAILED)
                ok(!strcmp(fields[0], expected_status(&run->plan.handlers[k], i)),
                   "handler %02x: item %u %s, expected %s.\n", FAKE_FIRST + k, i, fields[0],
                   expected_status(&run->plan.handlers[k], i));
            /* Stopped before its end, the worker gave no item a result. */
            if (run->plan.handlers[k].cut)
                ok(!strcmp(fields[0], "failed"), "handler %02x: item %u %s, expected failed.\n",
                   FAKE_FIRST + k, i, fields[0]);
        }
        else if (k != -1 && !strcmp(fields[2], "-") && !strcmp(fields[0], "error"))
        {
            lines[k].errors++;
            lstrcpynA(lines[k].error, fields[3], sizeof(lines[k].error));
        }
        else if (k != -1 && !strcmp(fields[0], "warning")) lines[k].warnings++;
        else if (k != -1 && !strcmp(fields[0], "info")) lines[k].infos++;
        else if (!strcmp(fields[1], handler_str(WITNESS)) && !strcmp(fields[0], "error"))
            ok(strcmp(fields[2], "-"), "the witness failed: %s\n", fields[3]);
    }

    ok(sscanf(last, "%u succeeded, %u failed, %u skipped", &sum_succeeded, &sum_failed, &sum_skipped) == 3,
       "no summary: last line %s.\n%s", last, run->output);
    ok(sum_succeeded == succeeded && sum_failed == failed && sum_skipped == skipped,
       "%u succeeded, %u failed, %u skipped lines for \"%s\":\n%s", succeeded, failed, skipped, last,
       run->output);
    ok(witness == 2, "%u results of the witness:\n%s", witness, run->output);
    sprintf(expected, "succeeded\t%s\t%s\tItem 1", handler_str(WITNESS), item_str(WITNESS, 1));
    ok(strstr(run->output, expected) != NULL, "the witness's item 1 is lost:\n%s", run->output);
    sprintf(expected, "failed\t%s\t%s\tItem 2", handler_str(WITNESS), item_str(WITNESS, 2));
    ok(strstr(run->output, expected) != NULL, "the witness's item 2 is lost:\n%s", run->output);

    for (k = 0; k < FAKE_COUNT; k++)
    {
        const struct fake_handler_plan *handler = &run->plan.handlers[k];
        unsigned int expected_results = 0, breaks, huge, target;

        winetest_push_context("handler %02x", FAKE_FIRST + k);
        if (fake_exact(&run->plan, k))
        {
            for (i = 1; i <= min(handler->item_count, FAKE_DETAILED); i++)
                if (handler->chosen[i - 1]) expected_results++;
            ok(lines[k].results == expected_results, "%u results, expected %u:\n%s", lines[k].results,
               expected_results, run->output);
            if (handler->end == FAKE_END_FAIL)
            {
                sprintf(expected, "fake failure %02x", FAKE_FIRST + k);
                if (handler->show_code) sprintf(expected + strlen(expected), " (0x%08lX)", handler->hr);
                ok(lines[k].errors == 1 && !strcmp(lines[k].error, expected), "%u error lines, \"%s\":\n%s",
                   lines[k].errors, lines[k].error, run->output);
            }
            else ok(!lines[k].errors, "failed: %s\n%s", lines[k].error, run->output);
            breaks = fake_has(&run->plan, FAKE_line_breaks, &target) && target == (unsigned int)k;
            huge = fake_has(&run->plan, FAKE_huge_text, &target) && target == (unsigned int)k;
            ok(lines[k].warnings == handler->warning + breaks + huge, "%u warning lines:\n%s",
               lines[k].warnings, run->output);
            ok(lines[k].infos == handler->log + breaks, "%u info lines:\n%s", lines[k].infos, run->output);
        }
        else if (handler->cut && !handler->disrupted)
            ok(lines[k].errors >= 1 && (strstr(lines[k].error, "did not finish within")
               || strstr(lines[k].error, "mobsync.exe that ran it ended before it finished")
               || strstr(lines[k].error, "cannot be started: ")),
               "stopped before its end, %u error lines, \"%s\":\n%s", lines[k].errors, lines[k].error,
               run->output);
        winetest_pop_context();
    }
}

static void finish_run(struct run *run, BOOL *kinds)
{
    BOOL seen[FAKE_KIND_COUNT] = { 0 }, left;
    DWORD elapsed, exit_code = ~0u, pid;
    unsigned int k;

    if (run->name) winetest_push_context("%s (%s)", run->name, run->spec);
    else winetest_push_context("seed %s", run->spec);
    elapsed = GetTickCount() - run->start;
    if (WaitForSingleObject(run->process, 0))
    {
        ok(0, "the session did not end in %lu ms.\n", elapsed);
        TerminateProcess(run->process, 255);
        WaitForSingleObject(run->process, 5000);
    }
    GetExitCodeProcess(run->process, &exit_code);
    pid = read_worker_log(run, seen);
    for (k = 0; k < FAKE_KIND_COUNT; k++) if (seen[k]) kinds[k] = TRUE;
    /* One left behind holds the output open: it is ended first. */
    left = worker_left(run, pid);
    WaitForSingleObject(run->reader, 10000);
    CloseHandle(run->reader);
    if (run->control)
    {
        /* It sends no longer than the session's limit. */
        WaitForSingleObject(run->control, INFINITE);
        CloseHandle(run->control);
    }
    if (run->ready) CloseHandle(run->ready);
    CloseHandle(run->pipe);
    CloseHandle(run->process);
    run->output[run->len] = 0;
    if (winetest_debug > 1) trace("%lu ms, exit code %lu:\n%s", elapsed, exit_code, run->output);
    check_run(run, elapsed, exit_code, pid, left, seen);
    DeleteFileA(run->log);
    run->active = FALSE;
    winetest_pop_context();
}

/* Named cases: each a lie that once got past the session. */
static const struct
{
    const char *name;
    const char *spec;      /* SEED:KIND[+KIND...]:TARGET:CUT_RANK (fakeworker.h) */
}
cases[] =
{
    /* A worker that never reads: a session larger than a pipe holds (131
     * handlers, 122 /item:) was written from the session's own thread,
     * which then never watched the time limit again. */
    { "no_read", "1:no_read:0:0" },
    /* Line breaks in a warning's and a log's text made lines of their own,
     * a result line among them: the summary no longer matched. */
    { "line_breaks", "2:line_breaks:1:0" },
    /* A handler the worker said waits for the person, as in Items to
     * Synchronize, had no time limit any more: the worker silent, the
     * session never ended. */
    { "state_untimed", "3:state_untimed+hang:1:0" },
    /* A table of a million items, claimed and never sent, cost the
     * session 340 MB. */
    { "items_huge", "4:items_huge:2:0" },
    /* A worker that asks more than the session can answer without reading
     * the answers: the session's thread, told /stop or /skip, waited to
     * write to it for ever, and the session never ended. */
    { "control_flood", "5:modeless_flood:0:0" },
    /* A worker that ended once it had sent a table and what was chosen
     * of it: the items it left, none reported yet, ended "stopped", the
     * status a new record's items had, as if someone had stopped them. */
    { "stop_after_choice", "6:stop_after_choice:1:0" },
};

/* Whether a plan keeps its session to its time limit and margin. */
static BOOL is_slow(const char *spec)
{
    struct fake_plan plan;
    unsigned int i;

    if (!fake_plan_from_text(spec, &plan)) return FALSE;
    for (i = 0; i < plan.mutation_count; i++) if (fake_kind_slow(plan.mutations[i].kind)) return TRUE;
    return FALSE;
}

/* The named cases (with the seeds from 0 only: make fuzz SEEDS=1
 * FIRST=1234 runs that seed alone) and count seeds from first, SLOTS at a
 * time: those that wait for their time limit first, all at once, the
 * others meanwhile. */
static void run_all(unsigned int first, unsigned int count, BOOL *kinds)
{
    static struct run runs[SLOTS];
    unsigned int named = first ? 0 : ARRAY_SIZE(cases), total = named + count, next = 0, active = 0;
    unsigned int pass, i, j, n;
    char (*specs)[64] = malloc(total * sizeof(*specs));
    const char **names = calloc(total, sizeof(*names));
    HANDLE handles[SLOTS];
    DWORD now, wait;
    LONG left;

    for (pass = n = 0; pass < 2; pass++)
    {
        for (i = 0; i < total; i++)
        {
            char spec[64];

            if (i < named) strcpy(spec, cases[i].spec);
            else sprintf(spec, "%u", first + i - named);
            if (is_slow(spec) != !pass) continue;
            strcpy(specs[n], spec);
            names[n++] = i < named ? cases[i].name : NULL;
        }
    }
    while (next < total || active)
    {
        for (i = 0; i < SLOTS && next < total; i++)
        {
            if (runs[i].active) continue;
            active += start_run(&runs[i], i, specs[next], names[next]);
            next++;
        }
        if (!active) continue;
        now = GetTickCount();
        wait = INFINITE;
        for (i = j = 0; i < SLOTS; i++)
        {
            if (!runs[i].active) continue;
            handles[j++] = runs[i].process;
            left = (LONG)(runs[i].start + runs[i].limit - now);
            wait = min(wait, left > 0 ? (DWORD)left : 0);
        }
        WaitForMultipleObjects(j, handles, FALSE, wait);
        now = GetTickCount();
        for (i = 0; i < SLOTS; i++)
        {
            if (!runs[i].active) continue;
            if (WaitForSingleObject(runs[i].process, 0) && (LONG)(now - runs[i].start - runs[i].limit) < 0)
                continue;
            finish_run(&runs[i], kinds);
            active--;
        }
    }
    free(specs);
    free(names);
}

START_TEST(fuzz_worker)
{
    struct fuzz_seeds seeds = fuzz_seeds(FAKE_ROUND);
    BOOL kinds[FAKE_KIND_COUNT] = { 0 }, scheduled[FAKE_KIND_COUNT] = { 0 };
    char path[MAX_PATH];
    DWORD start = GetTickCount();
    unsigned int i;
    int n;

    CoInitialize(NULL);
    init_test();
    /* The witness's calls are not looked at. */
    SetEnvironmentVariableA(TEST_LOG_VARIABLE, NULL);
    GetSystemDirectoryA(path, MAX_PATH);
    strcat(path, "\\mobsync_fakeworker.exe");
    if (GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES)
    {
        skip("%s is not installed.\n", path);
        return;
    }
    SetEnvironmentVariableA("MOBSYNC_WORKER", path);

    register_handler_ex(WITNESS, TEST_DLL2, "Apartment", 0);
    for (n = FAKE_FIRST; n < FAKE_FIRST + FAKE_COUNT; n++) register_other_view(n);
    for (n = FAKE_EXTRA_FIRST; n < FAKE_EXTRA_FIRST + FAKE_EXTRA; n++) register_other_view(n);

    run_all(seeds.first, seeds.count, kinds);
    trace("%u seeds from %u in %lu ms.\n", seeds.count, seeds.first, GetTickCount() - start);
    ok(not_started <= 1 + (seeds.count + ARRAY_SIZE(cases)) / 100, "%u workers could not be started.\n",
       not_started);
    /* Most requests find their session. */
    ok(requests_late <= 1 + requests_sent / 10, "%u of %u requests came after their session ended.\n",
       requests_late, requests_sent);
    /* Every kind the seeds were about was made. */
    for (i = seeds.first; i < seeds.first + seeds.count; i++)
    {
        enum fake_kind kinds_of_seed[2];
        unsigned int count = fake_scheduled_kinds(i, kinds_of_seed);

        while (count--) scheduled[kinds_of_seed[count]] = TRUE;
    }
    for (n = 0; n < FAKE_KIND_COUNT; n++)
        ok(kinds[n] || !scheduled[n], "no seed made \"%s\".\n", fake_kind_name(n));

    for (n = FAKE_EXTRA_FIRST; n < FAKE_EXTRA_FIRST + FAKE_EXTRA; n++) unregister_other_view(n);
    for (n = FAKE_FIRST; n < FAKE_FIRST + FAKE_COUNT; n++) unregister_other_view(n);
    unregister_handler(WITNESS);
    SetEnvironmentVariableA("MOBSYNC_WORKER", NULL);
    SetEnvironmentVariableA(FAKE_SEED_VARIABLE, NULL);
    SetEnvironmentVariableA(FAKE_LOG_VARIABLE, NULL);
    CoUninitialize();
}
