/*
 * Fuzz test of the /invoke queue (docs/handoff.md): any program of the
 * prefix can put a file in the queue folder, so the manager must take
 * whatever it finds there without crashing, hanging or leaving it behind.
 *
 * Each seed makes one file from a valid request: left as it is, or with
 * bits flipped, cut short (in the header too), grown with junk, a header
 * field at an edge (a cookie size that lies among them), another handler,
 * or an odd name. A batch of seeds goes into the queue at once, then one
 * "mobsync.exe /invoke" takes them all and ends once it has been idle.
 * What the test knows of each file says what must come of it: the valid
 * ones reach the handler they name once each, their cookie byte for byte;
 * every other one named "*.req" is refused (never run); all of them leave
 * the queue; a file with any other name stays as it is. The manager says
 * why it refused each file in a WARN line, which Wine writes to the Unix
 * stderr this test inherited, not to the manager's stderr handle: run the
 * test with WINEDEBUG=warn+mobsync to see them in its output.
 *
 * Named cases before the seeds: files that are not requests beside ones
 * that are, and files their writers hold open while the manager runs.
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
#include <wchar.h>

#include "mobsync_test.h"
#include "shlobj.h"
#include "fuzz.h"

/* The handler the requests name; one never registered. */
#define TARGET TEST_GOOD_SYNC
#define ABSENT TEST_HANG

/* Seeds per server run: a few hundred files in the queue at once. */
#define BATCH 250

/* Seeds of make check: about 10 to 14 s with the named cases (8 s of
 * it). Each batch takes about 4 s more than its seeds, which take 20 to
 * 50 ms each, as busy as the machine is: make fuzz SEEDS=10000 takes 4 to
 * 9 minutes. */
#define DEFAULT_SEEDS 50

static WCHAR queue_folder[MAX_PATH];

/* --- the manager, "mobsync.exe /invoke" ------------------------------------------------ */

/* A manager the test started, with its stdout and stderr in one growing
 * buffer. */
struct server
{
    HANDLE process;
    struct fuzz_output out;
    DWORD start, exit_code, elapsed;
};

static BOOL start_server(struct server *server)
{
    memset(server, 0, sizeof(*server));
    server->start = GetTickCount();
    if (!spawn_mobsync("/invoke", &server->out.pipe, &server->process)) return FALSE;
    /* Far more than any batch gives: the rest is dropped. */
    fuzz_output_start(&server->out, 64 * 1024 * 1024);
    return TRUE;
}

/* Waits up to limit ms for the manager to end by itself (it does once it
 * has been idle), then ends it. FALSE when it had to be ended. */
static BOOL finish_server(struct server *server, DWORD limit)
{
    BOOL ended = !WaitForSingleObject(server->process, limit);

    if (!ended)
    {
        TerminateProcess(server->process, 255);
        WaitForSingleObject(server->process, 10000);
    }
    server->elapsed = GetTickCount() - server->start;
    fuzz_output_finish(&server->out);
    GetExitCodeProcess(server->process, &server->exit_code);
    CloseHandle(server->process);
    /* What it said last, to tell why. */
    if (!ended || server->exit_code)
        trace("the manager's last output:\n%s\n", server->out.data + server->out.len - min(server->out.len, 2000));
    return ended;
}

/* --- the queue folder ------------------------------------------------------------------- */

static void queue_path(WCHAR *path, const WCHAR *name)
{
    swprintf(path, 2 * MAX_PATH, L"%ls\\%ls", queue_folder, name);
}

/* Everything in the queue folder gone, one level of folders with it. */
static void clear_queue(void)
{
    WCHAR pattern[2 * MAX_PATH], path[2 * MAX_PATH], inner[3 * MAX_PATH];
    WIN32_FIND_DATAW data, data2;
    HANDLE find, find2;

    queue_path(pattern, L"*");
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return;
    do
    {
        if (!wcscmp(data.cFileName, L".") || !wcscmp(data.cFileName, L"..")) continue;
        queue_path(path, data.cFileName);
        if (!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        {
            SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL);
            DeleteFileW(path);
            continue;
        }
        swprintf(inner, ARRAYSIZE(inner), L"%ls\\*", path);
        if ((find2 = FindFirstFileW(inner, &data2)) != INVALID_HANDLE_VALUE)
        {
            do
            {
                swprintf(inner, ARRAYSIZE(inner), L"%ls\\%ls", path, data2.cFileName);
                DeleteFileW(inner);
            } while (FindNextFileW(find2, &data2));
            FindClose(find2);
        }
        RemoveDirectoryW(path);
    } while (FindNextFileW(find, &data));
    FindClose(find);
}

/* Writes a file into the queue whole; FALSE when it could not. */
static BOOL write_file(const WCHAR *name, const void *data, DWORD size)
{
    WCHAR path[2 * MAX_PATH];
    DWORD written;
    HANDLE file;
    BOOL ret;

    queue_path(path, name);
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ret = !size || (WriteFile(file, data, size, &written, NULL) && written == size);
    CloseHandle(file);
    return ret;
}

static BOOL queue_has(const WCHAR *name)
{
    WCHAR path[2 * MAX_PATH];

    queue_path(path, name);
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* What is in the queue folder that keep(name) does not expect there: the
 * names, one per line, in left (empty when nothing). */
static void queue_leftovers(char *left, size_t size, BOOL (*keep)(const WCHAR *name, const void *ctx),
        const void *ctx)
{
    WCHAR pattern[2 * MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;
    size_t len = 0;

    left[0] = 0;
    queue_path(pattern, L"*");
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return;
    do
    {
        if (!wcscmp(data.cFileName, L".") || !wcscmp(data.cFileName, L"..")) continue;
        if (keep && keep(data.cFileName, ctx)) continue;
        if (len + 80 < size)
            len += snprintf(left + len, size - len, "%.70s\n", wine_dbgstr_w(data.cFileName));
    } while (FindNextFileW(find, &data));
    FindClose(find);
}

/* --- what the handler recorded ---------------------------------------------------------- */

/* The Initialize lines TARGET recorded ("Initialize reserved=0 flags=... cookie=N:HASH"),
 * each to be matched once. */
struct initialized
{
    char (*lines)[96];
    BOOL *matched;
    unsigned int count;
};

static void read_initialized(struct initialized *init)
{
    char prefix[16], *text, *line, *next, *tid;
    unsigned int capacity = 0;
    DWORD size, read;
    HANDLE file;

    memset(init, 0, sizeof(*init));
    file = CreateFileA(log_path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                       0, NULL);
    if (file == INVALID_HANDLE_VALUE) return;
    size = GetFileSize(file, NULL);
    text = malloc(size + 1);
    if (!ReadFile(file, text, size, &read, NULL)) read = 0;
    text[read] = 0;
    CloseHandle(file);

    sprintf(prefix, "%02x Initialize ", TARGET);
    for (line = text; line && *line; line = next)
    {
        if ((next = strchr(line, '\n'))) *next++ = 0;
        if (strncmp(line, prefix, strlen(prefix))) continue;
        line[strcspn(line, "\r")] = 0;
        if ((tid = strstr(line, " tid="))) *tid = 0;
        if (init->count == capacity)
        {
            capacity = max(capacity * 2, 64);
            init->lines = realloc(init->lines, capacity * sizeof(*init->lines));
            init->matched = realloc(init->matched, capacity * sizeof(*init->matched));
        }
        lstrcpynA(init->lines[init->count], line + 3, sizeof(init->lines[0]));
        init->matched[init->count++] = FALSE;
    }
    free(text);
}

/* How many of the lines not matched yet are this one; they are matched. */
static unsigned int take_initialized(struct initialized *init, const char *line)
{
    unsigned int i, count = 0;

    for (i = 0; i < init->count; i++)
    {
        if (init->matched[i] || strcmp(init->lines[i], line)) continue;
        init->matched[i] = TRUE;
        count++;
    }
    return count;
}

/* Takes one line only. */
static BOOL take_one_initialized(struct initialized *init, const char *line)
{
    unsigned int i;

    for (i = 0; i < init->count; i++)
    {
        if (init->matched[i] || strcmp(init->lines[i], line)) continue;
        init->matched[i] = TRUE;
        return TRUE;
    }
    return FALSE;
}

static void free_initialized(struct initialized *init)
{
    free(init->lines);
    free(init->matched);
}

/* The line TARGET records for a cookie. */
static void initialize_line(char *line, const BYTE *cookie, DWORD size)
{
    sprintf(line, "Initialize reserved=0 flags=%08x cookie=%lu:%08lx",
            SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER, size, hash_bytes(cookie, size));
}

/* Waits for TARGET to record line while the manager runs; FALSE when it
 * did not within 30 s or the manager ended without. */
static BOOL wait_for_initialized(struct server *server, const char *line)
{
    DWORD start = GetTickCount();
    struct initialized init;
    BOOL found, ended = FALSE;

    for (;;)
    {
        read_initialized(&init);
        found = take_initialized(&init, line) != 0;
        free_initialized(&init);
        if (found || ended || GetTickCount() - start > 30000) return found;
        /* The manager's end, or the time to look again. */
        ended = !WaitForSingleObject(server->process, 50);
    }
}

/* --- valid requests, and the rules of docs/handoff.md ---------------------------------- */

/* A valid request of kind for TARGET (UpdateItems) in a new buffer. */
static BYTE *make_request(DWORD kind, DWORD flags, const BYTE *cookie, DWORD cookie_size, DWORD *size)
{
    struct mobsync_request header = { 0 };
    BYTE *data;

    header.magic = MOBSYNC_REQUEST_MAGIC;
    header.version = MOBSYNC_REQUEST_VERSION;
    header.header_size = sizeof(header);
    header.kind = kind;
    header.invoke_flags = flags;
    header.sender_pid = GetCurrentProcessId();
    if (kind == MOBSYNC_REQUEST_UPDATE_ITEMS) handler_clsid(TARGET, &header.clsid);
    header.cookie_size = cookie_size;
    *size = sizeof(header) + cookie_size;
    data = malloc(*size);
    memcpy(data, &header, sizeof(header));
    if (cookie_size) memcpy(data + sizeof(header), cookie, cookie_size);
    return data;
}

/* Whether the manager runs a file of these bytes named "*.req": what
 * UpdateItems and UpdateAll write, nothing else (docs/handoff.md). */
static BOOL request_valid(const BYTE *data, DWORD size, struct mobsync_request *header)
{
    if (size < sizeof(*header)) return FALSE;
    memcpy(header, data, sizeof(*header));
    if (header->magic != MOBSYNC_REQUEST_MAGIC || header->version != MOBSYNC_REQUEST_VERSION
            || header->header_size != sizeof(*header) || header->cookie_size > MOBSYNC_MAX_COOKIE
            || size != sizeof(*header) + header->cookie_size)
        return FALSE;
    if (header->kind == MOBSYNC_REQUEST_UPDATE_ITEMS)
        return !(header->invoke_flags & ~(SYNCMGRINVOKE_STARTSYNC | SYNCMGRINVOKE_MINIMIZED))
                && !IsEqualGUID(&header->clsid, &GUID_NULL);
    if (header->kind == MOBSYNC_REQUEST_UPDATE_ALL)
        return !header->invoke_flags && IsEqualGUID(&header->clsid, &GUID_NULL) && !header->cookie_size;
    return FALSE;
}

/* Whether the manager takes a file of this name: "*.req" in full. */
static BOOL request_name(const WCHAR *name)
{
    size_t len = wcslen(name);

    return len >= 4 && !wcsicmp(name + len - 4, L".req");
}

/* A name as the DLL makes them, the serial in place of the time. */
static void make_name(WCHAR *name, DWORD serial)
{
    swprintf(name, MAX_PATH, L"%016I64x-%08lx-%08lx.req", 0x01d0000000000000ull + serial,
             GetCurrentProcessId(), serial);
}

/* --- named cases ------------------------------------------------------------------------ */

/* The names a named case leaves in the queue on purpose. */
struct kept
{
    const WCHAR * const *names;
    unsigned int count;
};

static BOOL is_kept(const WCHAR *name, const void *ctx)
{
    const struct kept *kept = ctx;
    unsigned int i;

    for (i = 0; i < kept->count; i++) if (!wcscmp(name, kept->names[i])) return TRUE;
    return FALSE;
}

/* The queue folder's "*.req" also finds other names by their short
 * names ("x.request" is X~1.REQ), and folders: none of them is a request,
 * and the manager leaves them as they are. A name that is longer than
 * MAX_PATH with the folder is a request like any other. Regressions: the
 * manager ran the valid requests in "*.reqx" and "*.request" files and
 * renamed the folders; it spun for ever on the long name, whose path it
 * cut at MAX_PATH and then could not rename, and then left it for good:
 * NAME.PID is longer than a file name can be. */
static void test_names(void)
{
    /* The files first, then the folders. */
    static const WCHAR * const left_alone[] =
    {
        L"0000000000000001-00000000-00000001.reqx",
        L"0000000000000001-00000000-00000002.request",
        L"0000000000000001-00000000-00000003.req.tmp",
        L"0000000000000001-00000000-00000004.re",
        L"0000000000000001-00000000-00000005.req~",
        L"00000000000000010000000000000006.req.00000abc",
        L"0000000000000000-folder.req",
        L"0000000000000002-full.req",
    };
    static const struct kept kept = { left_alone, ARRAY_SIZE(left_alone) };
    const unsigned int files = ARRAY_SIZE(left_alone) - 2;
    WCHAR name[MAX_PATH], path[2 * MAX_PATH];
    char line[96], cookie[64], left[1024];
    struct initialized init;
    struct server server;
    unsigned int i;
    DWORD size, attributes;
    BOOL ended;
    BYTE *data;

    wait_for_no_manager();
    clear_queue();
    DeleteFileA(log_path);

    for (i = 0; i < files; i++)
    {
        sprintf(cookie, "not a request %u", i);
        data = make_request(MOBSYNC_REQUEST_UPDATE_ITEMS, 0, (BYTE *)cookie, strlen(cookie), &size);
        ok(write_file(left_alone[i], data, size), "cannot write %s.\n", wine_dbgstr_w(left_alone[i]));
        free(data);
    }
    for (i = files; i < ARRAY_SIZE(left_alone); i++)
    {
        queue_path(path, left_alone[i]);
        ok(CreateDirectoryW(path, NULL), "cannot create %s.\n", wine_dbgstr_w(left_alone[i]));
    }
    /* The last folder with a file in it, which a manager could not delete. */
    wcscat(path, L"\\inside");
    CloseHandle(CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL));

    /* The longest name a file can have (255), past MAX_PATH with the folder. */
    for (i = 0; i < 255 - 4; i++) name[i] = 'a' + i % 26;
    wcscpy(name + i, L".req");
    data = make_request(MOBSYNC_REQUEST_UPDATE_ITEMS, 0, (BYTE *)"long name", 9, &size);
    ok(write_file(name, data, size), "cannot write the long name.\n");
    free(data);

    /* A request beside them, by a name as the DLL makes them. */
    data = make_request(MOBSYNC_REQUEST_UPDATE_ITEMS, SYNCMGRINVOKE_STARTSYNC, (BYTE *)"beside", 6, &size);
    make_name(name, 1);
    ok(write_file(name, data, size), "cannot write the request.\n");
    free(data);

    if (!start_server(&server)) return;
    ended = finish_server(&server, 30000);
    ok(ended, "the manager did not end in %lu ms.\n", server.elapsed);
    ok(!server.exit_code, "exit code %#lx.\n", server.exit_code);

    read_initialized(&init);
    initialize_line(line, (BYTE *)"beside", 6);
    ok(take_initialized(&init, line) == 1, "the request beside them did not run once.\n");
    initialize_line(line, (BYTE *)"long name", 9);
    ok(take_initialized(&init, line) == 1, "the request with a long name did not run once.\n");
    for (i = 0; i < files; i++)
    {
        sprintf(cookie, "not a request %u", i);
        initialize_line(line, (BYTE *)cookie, strlen(cookie));
        ok(!take_initialized(&init, line), "%s was run.\n", wine_dbgstr_w(left_alone[i]));
        ok(queue_has(left_alone[i]), "%s is gone.\n", wine_dbgstr_w(left_alone[i]));
    }
    for (i = 0; i < init.count; i++) ok(init.matched[i], "unexpected %s.\n", init.lines[i]);
    free_initialized(&init);
    for (i = files; i < ARRAY_SIZE(left_alone); i++)
    {
        queue_path(path, left_alone[i]);
        attributes = GetFileAttributesW(path);
        ok(attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY),
           "the folder %s is gone.\n", wine_dbgstr_w(left_alone[i]));
    }
    /* Everything else was taken. */
    queue_leftovers(left, sizeof(left), is_kept, &kept);
    ok(!left[0], "left in the queue:\n%s", left);
    free(server.out.data);
    clear_queue();
}

/* Writes the first size bytes of data to a new file of the queue, which
 * stays open with share; the handle. */
static HANDLE start_writing(const WCHAR *name, const BYTE *data, DWORD size, DWORD share)
{
    WCHAR path[2 * MAX_PATH];
    DWORD written;
    HANDLE file;

    queue_path(path, name);
    file = CreateFileW(path, GENERIC_WRITE, share, NULL, CREATE_NEW, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "cannot create %s: error %lu.\n", wine_dbgstr_w(name), GetLastError());
    if (file != INVALID_HANDLE_VALUE) WriteFile(file, data, size, &written, NULL);
    return file;
}

/* Writes the rest and closes the file. */
static void finish_writing(HANDLE file, const BYTE *data, DWORD size)
{
    DWORD written;

    if (file == INVALID_HANDLE_VALUE) return;
    ok(WriteFile(file, data, size, &written, NULL) && written == size, "cannot write: error %lu.\n",
       GetLastError());
    CloseHandle(file);
}

/* A program that writes its request in place, not under another name as
 * the DLL does: the manager may come while the file is half written. One
 * whose writer holds it without FILE_SHARE_DELETE cannot be claimed: the
 * manager passes over it, and takes it whole once the writer closed it
 * and woke the manager. One whose writer lets others delete it is taken
 * half written, and refused. A file another program holds open all the
 * time the manager runs stays where it is. Regression: the manager tried
 * to claim the oldest request again and again, at full speed, for as long
 * as it was held open, and took no other. */
static void test_held_open(void)
{
    static const WCHAR held_name[] = L"0000000000000000-00000000-00000001.req";
    static const WCHAR shared_name[] = L"0000000000000000-00000000-00000002.req";
    static const WCHAR * const locked_name[] = { L"0000000000000000-00000000-00000003.req" };
    static const struct kept kept = { locked_name, 1 };
    static const char held_cookie[] = "written slowly", shared_cookie[] = "written in the open",
            locked_cookie[] = "locked", next_cookie[] = "the next one";
    BYTE *held, *shared, *locked, *next;
    DWORD held_size, shared_size, locked_size, next_size;
    HANDLE held_file, shared_file, locked_file, event;
    char line[96], left[1024];
    struct initialized init;
    struct server server, late;
    WCHAR name[MAX_PATH];
    BOOL late_started = FALSE, ended;
    unsigned int i;

    wait_for_no_manager();
    clear_queue();
    DeleteFileA(log_path);

    held = make_request(MOBSYNC_REQUEST_UPDATE_ITEMS, 0, (BYTE *)held_cookie, strlen(held_cookie), &held_size);
    shared = make_request(MOBSYNC_REQUEST_UPDATE_ITEMS, 0, (BYTE *)shared_cookie, strlen(shared_cookie),
                          &shared_size);
    locked = make_request(MOBSYNC_REQUEST_UPDATE_ITEMS, 0, (BYTE *)locked_cookie, strlen(locked_cookie),
                          &locked_size);
    next = make_request(MOBSYNC_REQUEST_UPDATE_ITEMS, 0, (BYTE *)next_cookie, strlen(next_cookie), &next_size);

    /* The oldest names, each cut inside its header or its cookie. */
    held_file = start_writing(held_name, held, 20, 0);
    shared_file = start_writing(shared_name, shared, sizeof(struct mobsync_request) + 3,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE);
    locked_file = start_writing(locked_name[0], locked, locked_size, 0);
    make_name(name, 1);
    ok(write_file(name, next, next_size), "cannot write the next request.\n");

    if (!start_server(&server)) goto done;
    /* The next one runs: the manager went past those held open. */
    initialize_line(line, (BYTE *)next_cookie, strlen(next_cookie));
    ok(wait_for_initialized(&server, line), "the request after those held open did not run.\n");
    /* Written to the end, then the manager woken, as a sender does. */
    finish_writing(held_file, held + 20, held_size - 20);
    held_file = INVALID_HANDLE_VALUE;
    if ((event = OpenEventW(EVENT_MODIFY_STATE, FALSE, MOBSYNC_QUEUE_EVENT)))
    {
        SetEvent(event);
        CloseHandle(event);
    }
    finish_writing(shared_file, shared + sizeof(struct mobsync_request) + 3,
                   shared_size - sizeof(struct mobsync_request) - 3);
    shared_file = INVALID_HANDLE_VALUE;
    ended = finish_server(&server, 30000);
    ok(ended, "the manager did not end in %lu ms.\n", server.elapsed);
    ok(!server.exit_code, "exit code %#lx.\n", server.exit_code);
    /* One that ended before it could be woken: the sender starts a new one. */
    if (queue_has(held_name) && (late_started = start_server(&late)))
        ok(finish_server(&late, 30000), "the second manager did not end.\n");

    read_initialized(&init);
    initialize_line(line, (BYTE *)next_cookie, strlen(next_cookie));
    ok(take_initialized(&init, line) == 1, "the next request did not run once.\n");
    initialize_line(line, (BYTE *)held_cookie, strlen(held_cookie));
    ok(take_initialized(&init, line) == 1, "the request written slowly did not run once, whole.\n");
    initialize_line(line, (BYTE *)shared_cookie, strlen(shared_cookie));
    ok(!take_initialized(&init, line), "the request taken half written was run.\n");
    initialize_line(line, (BYTE *)locked_cookie, strlen(locked_cookie));
    ok(!take_initialized(&init, line), "the locked request was run.\n");
    for (i = 0; i < init.count; i++) ok(init.matched[i], "unexpected %s.\n", init.lines[i]);
    free_initialized(&init);

    /* The locked one stays until a manager can take it. */
    CloseHandle(locked_file);
    locked_file = INVALID_HANDLE_VALUE;
    ok(queue_has(locked_name[0]), "the locked request is gone.\n");
    queue_leftovers(left, sizeof(left), is_kept, &kept);
    ok(!left[0], "left in the queue:\n%s", left);
    free(server.out.data);
    if (late_started) free(late.out.data);

done:
    if (held_file != INVALID_HANDLE_VALUE) CloseHandle(held_file);
    if (shared_file != INVALID_HANDLE_VALUE) CloseHandle(shared_file);
    if (locked_file != INVALID_HANDLE_VALUE) CloseHandle(locked_file);
    free(held);
    free(shared);
    free(locked);
    free(next);
    clear_queue();
}

/* --- the seeds -------------------------------------------------------------------------- */

/* One seed's file, and what must come of it. */
struct planned
{
    WCHAR name[MAX_PATH];
    BOOL is_request;        /* named "*.req": taken */
    BOOL valid;             /* a request the manager runs */
    char line[96];          /* what TARGET records at Initialize, "" for nothing */
    char what[128];         /* the mutations, for the failure message */
};

enum mutation
{
    MUTATE_FLIP,      /* bits flipped */
    MUTATE_TRUNCATE,  /* cut short, often inside the header */
    MUTATE_EXTEND,    /* junk after the end */
    MUTATE_FIELD,     /* a header field at an edge */
    MUTATE_COOKIE_SIZE, /* a cookie size that lies */
    MUTATE_CLSID,     /* GUID_NULL, a handler not registered, another */
    MUTATE_KIND,      /* the other kind, nothing else changed */
    MUTATE_NAME,      /* an odd name */
    MUTATE_READONLY,  /* the read-only attribute */
    MUTATE_COUNT
};

static const char * const mutation_names[] =
{
    "flip", "truncate", "extend", "field", "cookie-size", "clsid", "kind", "name", "read-only",
};

/* An odd name: still a request's, "*.req" (long, not hex, in capital
 * letters, not ASCII), or one that only looks like it. */
static void odd_name(struct fuzz_random *r, unsigned int serial, struct planned *p)
{
    static const WCHAR * const not_request_ends[] =
    {
        L".req.tmp", L".reqx", L".request", L".re", L".req~", L".rq", L".req.1", L"req", L".req_",
    };
    WCHAR base[MAX_PATH];
    unsigned int len, i;

    make_name(base, serial);
    base[wcslen(base) - 4] = 0;
    switch (fuzz_below(r, 6))
    {
    case 0: /* long, up to the 255 characters a name can have */
        len = 40 + fuzz_below(r, 255 - 40 + 1);
        wcscpy(p->name, base);
        for (i = wcslen(base); i < len - 4; i++) p->name[i] = L"0123456789abcdefxyz_ "[fuzz_below(r, 21)];
        /* A name does not end with a space. */
        p->name[len - 5] = 'z';
        wcscpy(p->name + len - 4, L".req");
        break;
    case 1: /* not hex */
        swprintf(p->name, MAX_PATH, L"%ls-seed %u, not hex.req", base, serial);
        break;
    case 2: /* capital letters */
        swprintf(p->name, MAX_PATH, L"%ls.REQ", base);
        for (i = 0; p->name[i]; i++) p->name[i] = towupper(p->name[i]);
        break;
    case 3: /* not ASCII */
        swprintf(p->name, MAX_PATH, L"%ls-\x03b1\x03af\x03c4\x03b7\x03bc\x03b1-\x8bf7\x6c42.req", base);
        break;
    default: /* not a request */
        swprintf(p->name, MAX_PATH, L"%ls%ls", base,
                 not_request_ends[fuzz_below(r, ARRAY_SIZE(not_request_ends))]);
        break;
    }
}

/* Plans seed's file into p and writes it; FALSE when it could not be written. */
static BOOL plan_seed(unsigned int seed, unsigned int serial, struct planned *p)
{
    struct mobsync_request header;
    struct fuzz_random r;
    DWORD kind, cookie_size, size, offset, value, i, attributes = 0;
    WCHAR path[2 * MAX_PATH];
    unsigned int count, m;
    char *what = p->what;
    BYTE *cookie, *data;
    BOOL ret, named = FALSE;
    CLSID clsid;

    memset(p, 0, sizeof(*p));
    fuzz_random_init(&r, seed, FUZZ_REQUEST);

    /* The valid request it starts from. */
    kind = fuzz_one_in(&r, 8) ? MOBSYNC_REQUEST_UPDATE_ALL : MOBSYNC_REQUEST_UPDATE_ITEMS;
    cookie_size = 0;
    if (kind == MOBSYNC_REQUEST_UPDATE_ITEMS)
    {
        switch (fuzz_below(&r, 64))
        {
        case 0: case 1: case 2: case 3: cookie_size = 0; break;
        case 4: cookie_size = 1 + fuzz_below(&r, 7); break;
        case 5: case 6: cookie_size = 4096 + fuzz_below(&r, 60 * 1024); break;
        case 7: cookie_size = fuzz_one_in(&r, 8) ? MOBSYNC_MAX_COOKIE : 65536 + fuzz_below(&r, 1 << 20); break;
        default: cookie_size = 8 + fuzz_below(&r, 120); break;
        }
    }
    cookie = malloc(max(cookie_size, 8));
    fuzz_bytes(&r, cookie, cookie_size);
    /* Its seed in it, so that no other seed's cookie is the same. */
    if (cookie_size >= 8)
    {
        memcpy(cookie, "SEED", 4);
        memcpy(cookie + 4, &seed, 4);
    }
    data = make_request(kind, kind == MOBSYNC_REQUEST_UPDATE_ITEMS ? fuzz_below(&r, 4) << 1 : 0,
                        cookie, cookie_size, &size);
    free(cookie);
    memcpy(&header, data, sizeof(header));
    header.sender_pid = (DWORD)fuzz_next(&r);
    memcpy(data, &header, sizeof(header));
    make_name(p->name, serial);

    /* One file in four stays valid; the others get up to three mutations. */
    count = fuzz_one_in(&r, 4) ? 0 : 1 + fuzz_below(&r, 3);
    while (count--)
    {
        m = fuzz_below(&r, MUTATE_COUNT);
        if (strlen(what) < 100) sprintf(what + strlen(what), "%s%s", what[0] ? "," : "", mutation_names[m]);
        switch (m)
        {
        case MUTATE_FLIP:
            if (!size) break;
            fuzz_flip_bits(&r, data, fuzz_one_in(&r, 2) ? min(size, sizeof(header)) : size,
                           1 + fuzz_below(&r, 8));
            break;
        case MUTATE_TRUNCATE:
            if (!size) break;
            size = fuzz_below(&r, fuzz_one_in(&r, 2) ? min(size, sizeof(header) + 1) : size);
            break;
        case MUTATE_EXTEND:
            value = fuzz_one_in(&r, 8) ? 1 + fuzz_below(&r, 4096) : 1 + fuzz_below(&r, 64);
            data = realloc(data, size + value);
            fuzz_bytes(&r, data + size, value);
            size += value;
            break;
        case MUTATE_FIELD:
            /* magic, version, header_size, kind, invoke_flags, sender_pid, cookie_size */
            i = fuzz_below(&r, 7);
            offset = i < 6 ? i * 4 : offsetof(struct mobsync_request, cookie_size);
            if (offset + 4 > size) break;
            value = fuzz_edge_dword(&r);
            memcpy(data + offset, &value, 4);
            break;
        case MUTATE_COOKIE_SIZE:
            offset = offsetof(struct mobsync_request, cookie_size);
            if (offset + 4 > size) break;
            memcpy(&value, data + offset, 4);
            switch (fuzz_below(&r, 7))
            {
            case 0: value += 1 + fuzz_below(&r, 3); break;
            case 1: value -= 1 + fuzz_below(&r, 3); break;
            case 2: value = MOBSYNC_MAX_COOKIE; break;
            case 3: value = MOBSYNC_MAX_COOKIE + 1; break;
            case 4: value = 0xffffffff; break;
            case 5: value = 0; break;
            default: value = value * 2 + 1; break;
            }
            memcpy(data + offset, &value, 4);
            break;
        case MUTATE_CLSID:
            offset = offsetof(struct mobsync_request, clsid);
            if (offset + sizeof(clsid) > size) break;
            switch (fuzz_below(&r, 4))
            {
            case 0: clsid = GUID_NULL; break;
            case 1: handler_clsid(ABSENT, &clsid); break;
            case 2: fuzz_bytes(&r, &clsid, sizeof(clsid)); break;
            default:
                handler_clsid(TARGET, &clsid);
                fuzz_flip_bits(&r, &clsid, sizeof(clsid), 1);
                break;
            }
            memcpy(data + offset, &clsid, sizeof(clsid));
            break;
        case MUTATE_KIND:
            offset = offsetof(struct mobsync_request, kind);
            if (offset + 4 > size) break;
            value = kind == MOBSYNC_REQUEST_UPDATE_ALL ? MOBSYNC_REQUEST_UPDATE_ITEMS : MOBSYNC_REQUEST_UPDATE_ALL;
            memcpy(data + offset, &value, 4);
            break;
        case MUTATE_NAME:
            if (named) break;
            named = TRUE;
            odd_name(&r, serial, p);
            break;
        case MUTATE_READONLY:
            attributes = FILE_ATTRIBUTE_READONLY;
            break;
        }
    }

    p->is_request = request_name(p->name);
    p->valid = p->is_request && request_valid(data, size, &header);
    if (p->valid && header.kind == MOBSYNC_REQUEST_UPDATE_ALL)
        initialize_line(p->line, NULL, 0);
    else if (p->valid)
    {
        handler_clsid(TARGET, &clsid);
        if (IsEqualGUID(&header.clsid, &clsid))
            initialize_line(p->line, data + sizeof(header), header.cookie_size);
    }
    /* What a run with WINEDEBUG=warn+mobsync shows the WARN lines of. */
    if (winetest_debug > 1)
        trace("%s: %s (%s).\n", wine_dbgstr_w(p->name),
              !p->is_request ? "not a request" : p->valid ? "valid" : "refused", what);

    ret = write_file(p->name, data, size);
    if (ret && attributes)
    {
        queue_path(path, p->name);
        ret = SetFileAttributesW(path, attributes);
    }
    free(data);
    return ret;
}

/* What is left of a batch in the queue: what was not taken. */
static BOOL batch_kept(const WCHAR *name, const void *ctx)
{
    return !request_name(name);
}

static void run_batch(unsigned int first, unsigned int count)
{
    struct planned *planned = calloc(count, sizeof(*planned));
    unsigned int i, valid = 0, found;
    struct initialized init;
    struct server server;
    char left[4096];
    BOOL ended;

    wait_for_no_manager();
    clear_queue();
    DeleteFileA(log_path);
    for (i = 0; i < count; i++)
    {
        winetest_push_context("seed %u", first + i);
        ok(plan_seed(first + i, first + i + 1, &planned[i]), "cannot write %s.\n", wine_dbgstr_w(planned[i].name));
        if (planned[i].valid) valid++;
        winetest_pop_context();
    }

    winetest_push_context("seeds %u-%u", first, first + count - 1);
    if (!start_server(&server))
    {
        winetest_pop_context();
        free(planned);
        return;
    }
    ended = finish_server(&server, 60000 + 1000 * valid);
    ok(ended, "the manager did not end in %lu ms.\n", server.elapsed);
    ok(!server.exit_code, "exit code %#lx.\n", server.exit_code);
    winetest_pop_context();

    read_initialized(&init);
    for (i = 0; i < count; i++)
    {
        struct planned *p = &planned[i];

        winetest_push_context("seed %u", first + i);
        if (p->line[0])
        {
            found = take_one_initialized(&init, p->line);
            ok(found, "%s (%s): TARGET did not get \"%s\".\n", wine_dbgstr_w(p->name), p->what, p->line);
        }
        if (ended && p->is_request)
            ok(!queue_has(p->name), "%s (%s) is still in the queue.\n", wine_dbgstr_w(p->name), p->what);
        if (!p->is_request)
            ok(queue_has(p->name), "%s (%s), not a request, is gone.\n", wine_dbgstr_w(p->name), p->what);
        winetest_pop_context();
    }
    winetest_push_context("seeds %u-%u", first, first + count - 1);
    for (i = 0; i < init.count; i++)
        ok(init.matched[i], "no request asked for %s.\n", init.lines[i]);
    queue_leftovers(left, sizeof(left), batch_kept, NULL);
    ok(!left[0], "left in the queue:\n%s", left);
    if (winetest_debug > 1)
        trace("%u files, %u valid: %lu ms.\n", count, valid, server.elapsed);
    winetest_pop_context();

    free_initialized(&init);
    free(server.out.data);
    free(planned);
    clear_queue();
}

static void test_seeds(void)
{
    struct fuzz_seeds seeds = fuzz_seeds(DEFAULT_SEEDS);
    unsigned int done, count;
    DWORD start = GetTickCount();

    for (done = 0; done < seeds.count; done += count)
    {
        count = min(BATCH, seeds.count - done);
        run_batch(seeds.first + done, count);
    }
    trace("%u seeds from %u: %lu ms.\n", seeds.count, seeds.first, GetTickCount() - start);
}

START_TEST(fuzz_request)
{
    WCHAR local_appdata[MAX_PATH], *last;

    CoInitialize(NULL);
    init_test();
    /* The manager's engine, without the windows a program's requests show. */
    set_headless(1);
    SHGetFolderPathW(NULL, CSIDL_LOCAL_APPDATA | CSIDL_FLAG_CREATE, NULL, SHGFP_TYPE_CURRENT, local_appdata);
    ok(mobsync_queue_folder(local_appdata, queue_folder), "no room for the queue folder.\n");
    last = wcsrchr(queue_folder, '\\');
    *last = 0;
    CreateDirectoryW(queue_folder, NULL);
    *last = '\\';
    CreateDirectoryW(queue_folder, NULL);
    register_handler(TARGET);
    unregister_handler(ABSENT);

    test_names();
    test_held_open();
    test_seeds();

    unregister_handler(TARGET);
    DeleteFileA(log_path);
    set_headless(~0u);
    CoUninitialize();
}
