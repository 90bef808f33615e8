/*
 * The worker's side of the worker channel (programs/mobsync/wire.h,
 * relay.c), spoken to by this test as a session would: mobsync.exe
 * /worker:IN,OUT is started on two pipes of the test's, given sessions of
 * this architecture's test handlers, and what it sends back is checked
 * message by message; then it is given sessions and requests that are
 * mutations of valid ones, seeded (fuzz.h), and must refuse them or run
 * what makes sense of them, and always end, without crashing, once the
 * session is gone.
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

#include <stddef.h>

#include "mobsync_test.h"
#include "fuzz.h"
#include "../wire.h"

/* As programs/mobsync/mobsync_private.h, control.h and handler.h number them. */
enum { MODE_LIST, MODE_SYNC, MODE_CHOOSE };
enum { CONTROL_SKIP = 1, CONTROL_STOP = 2 };
enum { COMMAND_NONE, COMMAND_PROPERTIES, COMMAND_SYNC, COMMAND_RELEASE, COMMAND_SHOW_ERROR };

/* A message the worker sent. */
struct message
{
    struct wire_header header;
    BYTE *data;
};

/* A worker started by start_worker, and what it has sent so far. */
struct worker
{
    HANDLE process, to_worker, from_worker, reader;
    CRITICAL_SECTION cs;
    HANDLE arrived;         /* auto-reset: a message came, or the end */
    struct message *messages;
    unsigned int count, size;
    BOOL ended;             /* the pipe closed (the worker ended) */
    BOOL torn;              /* it ended in the middle of a message */
};

static DWORD WINAPI worker_reader(void *arg)
{
    struct worker *worker = arg;
    struct message message;
    DWORD read;

    for (;;)
    {
        if (!ReadFile(worker->from_worker, &message.header, sizeof(message.header), &read, NULL)
                || read != sizeof(message.header))
        {
            worker->torn = read != 0;
            break;
        }
        /* The worker's own messages are bounded as the session bounds them. */
        if (message.header.size > WIRE_MAX_MESSAGE)
        {
            worker->torn = TRUE;
            break;
        }
        message.data = malloc(max(message.header.size, 1));
        if (message.header.size && (!ReadFile(worker->from_worker, message.data, message.header.size,
                                              &read, NULL) || read != message.header.size))
        {
            free(message.data);
            worker->torn = TRUE;
            break;
        }
        EnterCriticalSection(&worker->cs);
        if (worker->count == worker->size)
        {
            worker->size = max(64, worker->size * 2);
            worker->messages = realloc(worker->messages, worker->size * sizeof(*worker->messages));
        }
        worker->messages[worker->count++] = message;
        LeaveCriticalSection(&worker->cs);
        SetEvent(worker->arrived);
    }
    EnterCriticalSection(&worker->cs);
    worker->ended = TRUE;
    LeaveCriticalSection(&worker->cs);
    SetEvent(worker->arrived);
    return 0;
}

/* Starts "mobsync.exe /worker:IN,OUT" on two pipes of ours. */
static BOOL start_worker(struct worker *worker)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE child_in, child_out;
    PROCESS_INFORMATION pi;
    STARTUPINFOA si = { sizeof(si) };
    char cmdline[MAX_PATH + 64], path[MAX_PATH];
    BOOL ret;

    memset(worker, 0, sizeof(*worker));
    InitializeCriticalSection(&worker->cs);
    worker->arrived = CreateEventA(NULL, FALSE, FALSE, NULL);
    if (!CreatePipe(&child_in, &worker->to_worker, &sa, 0)) return FALSE;
    if (!CreatePipe(&worker->from_worker, &child_out, &sa, 0)) return FALSE;
    SetHandleInformation(worker->to_worker, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(worker->from_worker, HANDLE_FLAG_INHERIT, 0);
    GetSystemDirectoryA(path, MAX_PATH);
    strcat(path, "\\mobsync.exe");
    /* Handle values fit in 32 bits in either architecture. */
    sprintf(cmdline, "\"%s\" /worker:%lx,%lx", path, (ULONG)(ULONG_PTR)child_in, (ULONG)(ULONG_PTR)child_out);
    ret = CreateProcessA(path, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    ok(ret, "cannot start %s: error %lu.\n", cmdline, GetLastError());
    CloseHandle(child_in);
    CloseHandle(child_out);
    if (!ret)
    {
        CloseHandle(worker->to_worker);
        CloseHandle(worker->from_worker);
        return FALSE;
    }
    CloseHandle(pi.hThread);
    worker->process = pi.hProcess;
    worker->reader = CreateThread(NULL, 0, worker_reader, worker, 0, NULL);
    return TRUE;
}

/* Sends one message: header, then size bytes of data, in one write. */
static BOOL send_message(struct worker *worker, DWORD type, const GUID *handler, const void *data,
        DWORD size)
{
    struct wire_header header = { type, size };
    BYTE *buffer = malloc(sizeof(header) + size);
    DWORD written;
    BOOL ret;

    if (handler) header.handler = *handler;
    memcpy(buffer, &header, sizeof(header));
    if (size) memcpy(buffer + sizeof(header), data, size);
    ret = WriteFile(worker->to_worker, buffer, sizeof(header) + size, &written, NULL);
    free(buffer);
    return ret;
}

/* The first message of type from index *next on (which moves past it),
 * waiting for it up to timeout ms; NULL when the worker ended without it. */
static const struct message *wait_message(struct worker *worker, DWORD type, unsigned int *next,
        DWORD timeout)
{
    const struct message *found = NULL;
    DWORD start = GetTickCount();
    BOOL ended;

    for (;;)
    {
        EnterCriticalSection(&worker->cs);
        for (; *next < worker->count && !found; (*next)++)
            if (worker->messages[*next].header.type == type) found = &worker->messages[*next];
        ended = worker->ended;
        LeaveCriticalSection(&worker->cs);
        if (found || ended) return found;
        if (GetTickCount() - start >= timeout) return NULL;
        WaitForSingleObject(worker->arrived, timeout - (GetTickCount() - start));
    }
}

/* Waits for the worker to end (limit ms) and its last message to be read;
 * its exit code. A worker that said done ends by itself, with 0; one that
 * did not is told the session is gone: our end is closed. Not the other
 * way round: a worker that sees the session gone ends at once, with 1,
 * and that can come before its own end. */
static DWORD finish_worker(struct worker *worker, DWORD limit)
{
    DWORD code = ~0u;
    unsigned int next = 0;

    if (!wait_message(worker, WIRE_DONE, &next, 0) && worker->to_worker)
    {
        CloseHandle(worker->to_worker);
        worker->to_worker = NULL;
    }
    if (WaitForSingleObject(worker->process, limit))
    {
        ok(0, "the worker did not end within %lu ms.\n", limit);
        TerminateProcess(worker->process, 255);
        WaitForSingleObject(worker->process, 5000);
    }
    WaitForSingleObject(worker->reader, 5000);
    GetExitCodeProcess(worker->process, &code);
    /* 0: the session ran to its end; 1: it was gone first; 2: not a session. */
    ok(code <= 2, "the worker crashed: exit code %#lx.\n", code);
    return code;
}

/* The same, for a worker whose session ran to its end. */
static void end_worker(struct worker *worker)
{
    DWORD code = finish_worker(worker, 20000);

    ok(code == 0, "the worker ended with exit code %lu.\n", code);
}

static void free_worker(struct worker *worker)
{
    unsigned int i;

    if (worker->to_worker) CloseHandle(worker->to_worker);
    CloseHandle(worker->reader);
    CloseHandle(worker->process);
    CloseHandle(worker->from_worker);
    CloseHandle(worker->arrived);
    for (i = 0; i < worker->count; i++) free(worker->messages[i].data);
    free(worker->messages);
    DeleteCriticalSection(&worker->cs);
}

/* A session for the given handlers, as worker.c sends it. */
struct session_message
{
    BYTE *data;
    DWORD size;
};

static void make_session(struct session_message *message, DWORD mode, DWORD flags, DWORD timeout,
        const BYTE *cookie, DWORD cookie_size, const GUID *items, DWORD item_count,
        const int *handlers, DWORD handler_count)
{
    struct wire_session session = { 0 };
    BYTE *p;
    DWORD i;

    session.mode = mode;
    session.flags = flags;
    session.timeout = timeout;
    session.cookie_size = cookie_size;
    session.item_count = item_count;
    session.handler_count = handler_count;
    message->size = sizeof(session) + cookie_size + item_count * sizeof(GUID) + handler_count * sizeof(CLSID);
    p = message->data = calloc(1, message->size);
    memcpy(p, &session, sizeof(session));
    p += sizeof(session);
    if (cookie_size) memcpy(p, cookie, cookie_size);
    p += cookie_size;
    if (item_count) memcpy(p, items, item_count * sizeof(GUID));
    p += item_count * sizeof(GUID);
    for (i = 0; i < handler_count; i++, p += sizeof(CLSID)) handler_clsid(handlers[i], (CLSID *)p);
}

static BOOL is_handler(const struct message *message, int n)
{
    CLSID clsid;

    handler_clsid(n, &clsid);
    return IsEqualCLSID(&message->header.handler, &clsid);
}

/* The end (WIRE_FINISH or WIRE_FAIL) of handler n, from *next on. */
static const struct message *wait_end(struct worker *worker, int n, DWORD timeout)
{
    const struct message *message;
    unsigned int next = 0;
    DWORD i;

    for (i = 0; i < 2; i++)
    {
        next = 0;
        while ((message = wait_message(worker, i ? WIRE_FAIL : WIRE_FINISH, &next, i ? 0 : timeout)))
            if (is_handler(message, n)) return message;
    }
    return NULL;
}

/* The item statuses of a WIRE_FINISH: count of them, or ~0u when it is malformed. */
static DWORD end_statuses(const struct message *message, const DWORD **statuses)
{
    struct wire_end end;

    if (message->header.size < sizeof(end)) return ~0u;
    memcpy(&end, message->data, sizeof(end));
    if (message->header.size < sizeof(end) + end.count * sizeof(DWORD)) return ~0u;
    *statuses = (const DWORD *)(message->data + sizeof(end));
    return end.count;
}

/* A session of two good handlers with a cookie: hello, names, items, the
 * results as the handlers settle them, done; the cookie reaches them. */
static void test_session(void)
{
    static const int handlers[] = { TEST_GOOD_SYNC, TEST_GOOD_ASYNC };
    const struct message *message;
    struct session_message session;
    struct worker worker;
    struct call_log log;
    const DWORD *statuses;
    BYTE cookie[40];
    char expected[128];
    unsigned int next, i;
    DWORD head[3], count, pointer_size;
    struct wire_item item;
    GUID id;

    for (i = 0; i < sizeof(cookie); i++) cookie[i] = i * 7 + 1;
    make_session(&session, MODE_SYNC, SYNCMGRFLAG_INVOKE, 30, cookie, sizeof(cookie), NULL, 0,
                 handlers, ARRAY_SIZE(handlers));
    DeleteFileA(log_path);
    if (!start_worker(&worker)) return;
    ok(send_message(&worker, WIRE_SESSION, NULL, session.data, session.size), "cannot send the session.\n");

    next = 0;
    message = wait_message(&worker, WIRE_HELLO, &next, 20000);
    ok(message && next == 1, "hello is not the first message (%u).\n", next);
    if (message)
    {
        memcpy(&pointer_size, message->data, min(message->header.size, sizeof(pointer_size)));
        ok(message->header.size == sizeof(DWORD) && pointer_size == sizeof(void *),
           "hello: %lu bytes, pointer size %lu.\n", message->header.size, pointer_size);
    }
    for (i = 0; i < ARRAY_SIZE(handlers); i++)
    {
        winetest_push_context("handler %02x", handlers[i]);
        next = 0;
        while ((message = wait_message(&worker, WIRE_NAME, &next, 20000)) && !is_handler(message, handlers[i]))
            ;
        ok(message && message->header.size >= sizeof(WCHAR) && !(message->header.size % sizeof(WCHAR))
           && !((WCHAR *)message->data)[message->header.size / sizeof(WCHAR) - 1],
           "no terminated name.\n");
        next = 0;
        while ((message = wait_message(&worker, WIRE_ITEMS, &next, 20000)) && !is_handler(message, handlers[i]))
            ;
        ok(message != NULL, "no items.\n");
        if (message)
        {
            memcpy(head, message->data, sizeof(head));
            /* Item 3 is there, unchecked. */
            ok(head[0] == 3 && head[1] == 0 && head[2] == 3, "items: total %lu, first %lu, count %lu.\n",
               head[0], head[1], head[2]);
            ok(message->header.size == sizeof(head) + head[2] * sizeof(item), "items: %lu bytes.\n",
               message->header.size);
            if (message->header.size == sizeof(head) + 3 * sizeof(item))
            {
                memcpy(&item, message->data + sizeof(head) + sizeof(item), sizeof(item));
                id = (GUID)TEST_ITEM_ID(handlers[i], 2);
                ok(IsEqualGUID(&item.id, &id) && !wcscmp(item.name, L"Item 2"), "item 2: %s %s.\n",
                   wine_dbgstr_guid(&item.id), wine_dbgstr_w(item.name));
            }
        }
        message = wait_end(&worker, handlers[i], 20000);
        ok(message && message->header.type == WIRE_FINISH, "no finish.\n");
        if (message && (count = end_statuses(message, &statuses)) != ~0u)
        {
            ok(count == 3, "%lu statuses.\n", count);
            /* TEST_GOOD_ASYNC fails its item 2. */
            if (count == 3)
                ok(statuses[0] == SYNCMGRSTATUS_SUCCEEDED && statuses[1] == (handlers[i] == TEST_GOOD_ASYNC
                   ? SYNCMGRSTATUS_FAILED : SYNCMGRSTATUS_SUCCEEDED), "statuses %lu, %lu.\n", statuses[0], statuses[1]);
        }
        winetest_pop_context();
    }
    next = 0;
    ok(wait_message(&worker, WIRE_DONE, &next, 20000) != NULL, "no done.\n");
    ok(next == worker.count, "%u messages after done.\n", worker.count - next);
    end_worker(&worker);
    ok(!worker.torn, "a message was cut short.\n");

    /* What the handler got, byte for byte. */
    read_calls(TEST_GOOD_SYNC, &log);
    sprintf(expected, "Initialize reserved=0 flags=%08x cookie=%u:%08lx", SYNCMGRFLAG_INVOKE,
            (unsigned int)sizeof(cookie), hash_bytes(cookie, sizeof(cookie)));
    ok(log.count >= 2 && !strcmp(log.calls[1], expected), "got \"%s\", expected \"%s\".\n",
       log.count >= 2 ? log.calls[1] : "", expected);
    free_worker(&worker);
    free(session.data);
}

/* /skip and /stop down the channel: each is answered with how many took it,
 * under its serial, and the results say so. */
static void test_control(void)
{
    static const int handlers[] = { TEST_SKIP, TEST_CANCEL };
    struct wire_control control = { 0 };
    const struct message *message;
    struct session_message session;
    struct wire_answer answer;
    struct worker worker;
    const DWORD *statuses;
    unsigned int next;
    DWORD count;

    make_session(&session, MODE_SYNC, SYNCMGRFLAG_MANUAL, 30, NULL, 0, NULL, 0, handlers, ARRAY_SIZE(handlers));
    DeleteFileA(log_path);
    if (!start_worker(&worker)) return;
    send_message(&worker, WIRE_SESSION, NULL, session.data, session.size);
    /* Both at work. */
    ok(wait_for_call(TEST_SKIP, "Synchronize"), "TEST_SKIP never synchronized.\n");
    ok(wait_for_call(TEST_CANCEL, "Synchronize"), "TEST_CANCEL never synchronized.\n");

    control.serial = 0x1234;
    control.action = CONTROL_SKIP;
    control.any_handler = TRUE;
    control.item = (GUID)TEST_ITEM_ID(TEST_SKIP, 1);
    send_message(&worker, WIRE_CONTROL, NULL, &control, sizeof(control));
    next = 0;
    message = wait_message(&worker, WIRE_ANSWER, &next, 20000);
    ok(message && message->header.size == sizeof(answer), "no answer to the skip.\n");
    if (message && message->header.size == sizeof(answer))
    {
        memcpy(&answer, message->data, sizeof(answer));
        ok(answer.serial == 0x1234 && answer.count == 1, "skip: serial %#lx, count %lu.\n", answer.serial,
           answer.count);
    }
    message = wait_end(&worker, TEST_SKIP, 20000);
    ok(message != NULL, "TEST_SKIP did not end.\n");
    if (message && (count = end_statuses(message, &statuses)) != ~0u && count)
        ok(statuses[0] == SYNCMGRSTATUS_SKIPPED, "item 1 of TEST_SKIP: status %lu.\n", statuses[0]);

    control.serial = 0x5678;
    control.action = CONTROL_STOP;
    control.item = GUID_NULL;
    send_message(&worker, WIRE_CONTROL, NULL, &control, sizeof(control));
    message = wait_message(&worker, WIRE_ANSWER, &next, 20000);
    ok(message && message->header.size == sizeof(answer), "no answer to the stop.\n");
    if (message && message->header.size == sizeof(answer))
    {
        memcpy(&answer, message->data, sizeof(answer));
        ok(answer.serial == 0x5678 && answer.count >= 1, "stop: serial %#lx, count %lu.\n", answer.serial,
           answer.count);
    }
    ok(wait_end(&worker, TEST_CANCEL, 20000) != NULL, "TEST_CANCEL did not end.\n");
    next = 0;
    ok(wait_message(&worker, WIRE_DONE, &next, 20000) != NULL, "no done.\n");
    end_worker(&worker);
    free_worker(&worker);
    free(session.data);
}

/* EnableModeless(TRUE) asks the session, which answers under the serial;
 * the handler gives it back with EnableModeless(FALSE). */
static void test_modeless(HRESULT hr)
{
    static const int handlers[] = { TEST_MODELESS };
    const struct message *message;
    struct session_message session;
    struct wire_modeless modeless;
    struct wire_modeless_answer answer;
    struct worker worker;
    unsigned int next = 0;

    winetest_push_context("answer %#lx", hr);
    make_session(&session, MODE_SYNC, SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER, 30, NULL, 0, NULL, 0,
                 handlers, ARRAY_SIZE(handlers));
    DeleteFileA(log_path);
    if (!start_worker(&worker)) goto done;
    send_message(&worker, WIRE_SESSION, NULL, session.data, session.size);
    message = wait_message(&worker, WIRE_MODELESS, &next, 20000);
    ok(message && message->header.size == sizeof(modeless), "no EnableModeless(TRUE).\n");
    if (message && message->header.size == sizeof(modeless))
    {
        memcpy(&modeless, message->data, sizeof(modeless));
        ok(modeless.enable && is_handler(message, TEST_MODELESS), "enable %lu.\n", modeless.enable);
        /* An answer under another serial counts for nobody. */
        answer.serial = modeless.serial + 1;
        answer.hr = S_OK;
        send_message(&worker, WIRE_MODELESS_ANSWER, NULL, &answer, sizeof(answer));
        answer.serial = modeless.serial;
        answer.hr = hr;
        send_message(&worker, WIRE_MODELESS_ANSWER, NULL, &answer, sizeof(answer));
    }
    if (hr == S_OK)
    {
        message = wait_message(&worker, WIRE_MODELESS, &next, 20000);
        ok(message && message->header.size == sizeof(modeless), "no EnableModeless(FALSE).\n");
        if (message && message->header.size == sizeof(modeless))
        {
            memcpy(&modeless, message->data, sizeof(modeless));
            ok(!modeless.enable, "enable %lu.\n", modeless.enable);
        }
    }
    ok(wait_end(&worker, TEST_MODELESS, 20000) != NULL, "no end.\n");
    ok(has_call(TEST_MODELESS, hr == S_OK ? "EnableModeless TRUE hr=00000000" : "EnableModeless TRUE hr=00000001"),
       "the handler was not told %#lx.\n", hr);
    next = 0;
    ok(wait_message(&worker, WIRE_DONE, &next, 20000) != NULL, "no done.\n");
    end_worker(&worker);
    free_worker(&worker);
done:
    free(session.data);
    winetest_pop_context();
}

/* Items to Synchronize in a worker: its handlers load and wait; the
 * dialog's commands (down the channel) synchronize and release them. With
 * icons and properties: the icons' pixels cross. */
static void test_choose(void)
{
    static const int handlers[] = { TEST_PROPERTIES };
    struct wire_command command = { 0 };
    const struct message *message;
    struct session_message session;
    struct worker worker;
    struct wire_icon icon;
    unsigned int next = 0;

    make_session(&session, MODE_CHOOSE, SYNCMGRFLAG_MANUAL | SYNCMGRFLAG_MAYBOTHERUSER, 30, NULL, 0, NULL, 0,
                 handlers, ARRAY_SIZE(handlers));
    DeleteFileA(log_path);
    if (!start_worker(&worker)) goto done;
    send_message(&worker, WIRE_SESSION, NULL, session.data, session.size);
    ok(wait_message(&worker, WIRE_ITEMS, &next, 20000) != NULL, "no items.\n");
    next = 0;
    message = wait_message(&worker, WIRE_ITEM_ICON, &next, 20000);
    ok(message != NULL, "no item icon.\n");
    if (message && message->header.size >= sizeof(DWORD) + sizeof(icon))
    {
        memcpy(&icon, message->data + sizeof(DWORD), sizeof(icon));
        ok(icon.width && icon.height && icon.width <= 256 && icon.height <= 256
           && message->header.size == sizeof(DWORD) + sizeof(icon) + icon.width * icon.height * 4,
           "item icon: %lux%lu in %lu bytes.\n", icon.width, icon.height, message->header.size);
    }
    /* A command for a handler the worker does not have reaches nobody. */
    command.kind = COMMAND_SYNC;
    send_message(&worker, WIRE_COMMAND, &GUID_NULL, &command, sizeof(command));
    command.any_handler = TRUE;
    send_message(&worker, WIRE_COMMAND, NULL, &command, sizeof(command));
    ok(wait_end(&worker, TEST_PROPERTIES, 20000) != NULL, "no end after the sync command.\n");
    command.kind = COMMAND_RELEASE;
    send_message(&worker, WIRE_COMMAND, NULL, &command, sizeof(command));
    next = 0;
    ok(wait_message(&worker, WIRE_DONE, &next, 20000) != NULL, "no done after the release command.\n");
    end_worker(&worker);
    free_worker(&worker);
done:
    free(session.data);
}

/* How a seed spoils what the worker is sent. */
enum spoil
{
    SPOIL_BITS,         /* bits of the session message flipped */
    SPOIL_FIELD,        /* one field of wire_session at an edge */
    SPOIL_SIZE,         /* the header's size not what follows */
    SPOIL_TYPE,         /* the first message is not a session */
    SPOIL_TRUNCATED,    /* the session cut short, then the pipe closed */
    SPOIL_KEY,          /* choice_key without its terminator */
    SPOIL_REQUESTS,     /* a good session, then requests that make no sense */
    SPOIL_COUNT
};

static const char * const spoil_names[SPOIL_COUNT] =
{
    "bits", "field", "size", "type", "truncated", "key", "requests"
};

/* Random requests during a good session: unknown types, wrong sizes,
 * controls and commands of every value, answers nobody asked for. */
static void send_nonsense(struct worker *worker, struct fuzz_random *random)
{
    BYTE data[128];
    struct wire_control control;
    struct wire_command command;
    struct wire_modeless_answer answer;
    unsigned int count = 1 + fuzz_below(random, 8), i;
    GUID handler;
    DWORD size;

    for (i = 0; i < count; i++)
    {
        handler_clsid(fuzz_one_in(random, 2) ? TEST_GOOD_ASYNC : fuzz_below(random, 0x70), &handler);
        switch (fuzz_below(random, 5))
        {
        case 0:
            fuzz_bytes(random, &control, sizeof(control));
            if (fuzz_one_in(random, 2)) control.action = 1 + fuzz_below(random, 2);
            if (fuzz_one_in(random, 2)) control.item = (GUID)TEST_ITEM_ID(TEST_GOOD_ASYNC, 1 + fuzz_below(random, 2));
            send_message(worker, WIRE_CONTROL, &handler, &control, sizeof(control));
            break;
        case 1:
            fuzz_bytes(random, &command, sizeof(command));
            command.kind = fuzz_one_in(random, 2) ? fuzz_below(random, 6) : fuzz_edge_dword(random);
            /* Never a window of ours: a property sheet would wait for a person. */
            command.window = 0;
            if (command.kind == COMMAND_PROPERTIES || command.kind == COMMAND_SHOW_ERROR)
                command.kind = COMMAND_NONE;
            send_message(worker, WIRE_COMMAND, &handler, &command, sizeof(command));
            break;
        case 2:
            fuzz_bytes(random, &answer, sizeof(answer));
            send_message(worker, WIRE_MODELESS_ANSWER, &handler, &answer, sizeof(answer));
            break;
        case 3:
            /* A known type with a wrong size, or an unknown one. */
            size = fuzz_below(random, sizeof(data));
            fuzz_bytes(random, data, size);
            send_message(worker, fuzz_one_in(random, 2) ? WIRE_SESSION + fuzz_below(random, 4)
                         : fuzz_edge_dword(random), &handler, data, size);
            break;
        default:
            /* Another session: the worker runs one. */
            size = sizeof(struct wire_session);
            fuzz_bytes(random, data, min(size, sizeof(data)));
            send_message(worker, WIRE_SESSION, NULL, data, min(size, sizeof(data)));
            break;
        }
    }
}

/* One seed: a session of a good handler spoiled as the seed says. The
 * worker refuses what is not a session, runs what is, ignores requests
 * that make no sense, and ends once its session is gone. */
static void run_seed(unsigned int seed, BOOL *seen)
{
    static const int handlers[] = { TEST_GOOD_ASYNC };
    struct session_message session;
    struct wire_header header = { WIRE_SESSION };
    struct fuzz_random random;
    struct worker worker;
    struct wire_session *head;
    enum spoil spoil;
    unsigned int next = 0, cut;
    DWORD written, code, field;
    BOOL close_early = FALSE;

    fuzz_random_init(&random, seed, FUZZ_WORKER + 0x100);
    spoil = fuzz_below(&random, SPOIL_COUNT);
    seen[spoil] = TRUE;
    winetest_push_context("seed %u (%s)", seed, spoil_names[spoil]);
    make_session(&session, MODE_SYNC, SYNCMGRFLAG_MANUAL, 10, NULL, 0, NULL, 0, handlers, ARRAY_SIZE(handlers));
    head = (struct wire_session *)session.data;
    header.size = session.size;
    switch (spoil)
    {
    case SPOIL_BITS:
        fuzz_flip_bits(&random, session.data, session.size, 1 + fuzz_below(&random, 8));
        break;
    case SPOIL_FIELD:
        field = fuzz_below(&random, offsetof(struct wire_session, choice_key) / sizeof(DWORD));
        ((DWORD *)head)[field] = fuzz_edge_dword(&random);
        break;
    case SPOIL_SIZE:
        header.size = fuzz_one_in(&random, 2) ? fuzz_edge_dword(&random) : session.size + fuzz_below(&random, 64) - 32;
        close_early = TRUE;
        break;
    case SPOIL_TYPE:
        header.type = fuzz_one_in(&random, 2) ? WIRE_SESSION + 1 + fuzz_below(&random, 0x120) : fuzz_edge_dword(&random);
        if (header.type == WIRE_SESSION) header.type = WIRE_DONE;
        break;
    case SPOIL_TRUNCATED:
        close_early = TRUE;
        break;
    case SPOIL_KEY:
        memset(head->choice_key, 'k', sizeof(head->choice_key));
        break;
    default:
        break;
    }
    DeleteFileA(log_path);
    if (!start_worker(&worker)) goto done;
    cut = sizeof(header) + session.size;
    if (spoil == SPOIL_TRUNCATED) cut = fuzz_below(&random, cut);
    {
        BYTE *buffer = malloc(sizeof(header) + session.size);

        memcpy(buffer, &header, sizeof(header));
        memcpy(buffer + sizeof(header), session.data, session.size);
        WriteFile(worker.to_worker, buffer, cut, &written, NULL);
        free(buffer);
    }
    if (spoil == SPOIL_REQUESTS)
    {
        /* The session runs: requests while it does. */
        wait_message(&worker, WIRE_HELLO, &next, 20000);
        send_nonsense(&worker, &random);
        ok(wait_end(&worker, TEST_GOOD_ASYNC, 20000) != NULL, "the handler did not end.\n");
        next = 0;
        ok(wait_message(&worker, WIRE_DONE, &next, 20000) != NULL, "no done.\n");
    }
    else if (!close_early)
    {
        /* What it made of it: refused, or ran to its end. */
        wait_message(&worker, WIRE_DONE, &next, 20000);
    }
    code = finish_worker(&worker, 20000);
    if (spoil == SPOIL_REQUESTS) ok(code == 0, "exit code %lu.\n", code);
    if (spoil == SPOIL_TYPE || spoil == SPOIL_KEY || spoil == SPOIL_TRUNCATED)
        ok(code == 2 || code == 1, "exit code %lu for no session.\n", code);
    /* A worker that says hello ran a session: it ends it with done. */
    next = 0;
    if (wait_message(&worker, WIRE_HELLO, &next, 0) && !close_early && code == 0)
    {
        next = 0;
        ok(wait_message(&worker, WIRE_DONE, &next, 0) != NULL, "hello, then no done.\n");
    }
    ok(!worker.torn, "a message was cut short.\n");
    free_worker(&worker);
done:
    free(session.data);
    winetest_pop_context();
}

START_TEST(fuzz_relay)
{
    static const int handlers[] = { TEST_GOOD_SYNC, TEST_GOOD_ASYNC, TEST_SKIP, TEST_CANCEL,
                                    TEST_MODELESS, TEST_PROPERTIES };
    struct fuzz_seeds seeds = fuzz_seeds(32);
    BOOL seen[SPOIL_COUNT] = { 0 };
    unsigned int i;
    DWORD start;

    CoInitialize(NULL);
    init_test();
    for (i = 0; i < ARRAY_SIZE(handlers); i++) register_handler(handlers[i]);

    test_session();
    test_control();
    test_modeless(S_OK);
    test_modeless(S_FALSE);
    test_choose();

    start = GetTickCount();
    for (i = seeds.first; i < seeds.first + seeds.count; i++) run_seed(i, seen);
    if (seeds.count >= 32)
        for (i = 0; i < SPOIL_COUNT; i++) ok(seen[i], "no seed spoiled \"%s\".\n", spoil_names[i]);
    trace("%u seeds from %u in %lu ms.\n", seeds.count, seeds.first, GetTickCount() - start);

    for (i = 0; i < ARRAY_SIZE(handlers); i++) unregister_handler(handlers[i]);
    CoUninitialize();
}
