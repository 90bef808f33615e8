/*
 * mobsync_fakeworker.exe: a worker that lies, for fuzz_worker.c
 *
 * Started by mobsync.exe as its worker ("/worker:IN,OUT", MOBSYNC_WORKER
 * naming this program), it speaks the channel of wire.h as relay.c does:
 * reads WIRE_SESSION, then sends a plausible session for the fake handlers
 * it was given (fakeworker.h) and WIRE_DONE. What its seed plans changes
 * that: messages the session must ignore, messages that may change what
 * it makes of a handler, and ways of stopping (ending, hanging, breaking
 * the stream). Every mutation it makes is appended to the log the test
 * reads ("kind NAME"), after a first line with its process ID ("pid %x"),
 * so that the test can tell that every kind was made and that no worker
 * is left.
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

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "tlhelp32.h"

#include "mobsync.h"
#include "../../programs/mobsync/wire.h"
#include "../handlers/testhandler.h"
#include "fakeworker.h"

/* handler.h's: the most items a session takes from one handler. */
#define SESSION_MAX_ITEMS 1000000

static HANDLE in_pipe, out_pipe;
static char log_path[MAX_PATH];
/* Held for each message written: the drain thread answers requests. */
static CRITICAL_SECTION write_cs;
static struct fuzz_random random;

static void log_line(const char *format, ...)
{
    char text[256];
    DWORD written;
    va_list args;
    HANDLE file;
    int len;

    if (!log_path[0]) return;
    va_start(args, format);
    len = vsnprintf(text, sizeof(text) - 1, format, args);
    va_end(args);
    if (len < 0 || len > (int)sizeof(text) - 2) len = sizeof(text) - 2;
    text[len++] = '\n';
    file = CreateFileA(log_path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
                       0, NULL);
    if (file == INVALID_HANDLE_VALUE) return;
    WriteFile(file, text, len, &written, NULL);
    CloseHandle(file);
}

static void log_kind(enum fake_kind kind)
{
    log_line("kind %s", fake_kind_name(kind));
}

static void quit(DWORD code)
{
    TerminateProcess(GetCurrentProcess(), code);
}

static void write_all(const void *data, DWORD size)
{
    DWORD written;

    /* The session is gone: nothing left to lie to. */
    if (size && (!WriteFile(out_pipe, data, size, &written, NULL) || written != size)) quit(1);
}

static BOOL read_all(HANDLE pipe, void *data, DWORD size)
{
    DWORD got;

    while (size)
    {
        if (!ReadFile(pipe, data, size, &got, NULL) || !got) return FALSE;
        data = (BYTE *)data + got;
        size -= got;
    }
    return TRUE;
}

/* The answer to the WIRE_MODELESS a measurement waits for. */
static HANDLE answer_event;
static LONG answer_serial;

/* The request the worker is to lie about (control_lies), once it came. */
static BOOL control_wanted;
static HANDLE control_event;
static DWORD control_serial;

static void write_answer(DWORD serial, DWORD count)
{
    struct wire_header header = { WIRE_ANSWER, sizeof(struct wire_answer) };
    struct wire_answer answer = { serial, count };

    EnterCriticalSection(&write_cs);
    write_all(&header, sizeof(header));
    write_all(&answer, sizeof(answer));
    LeaveCriticalSection(&write_cs);
}

/* What the session sends meanwhile is read as relay.c's control thread
 * reads it: its answers to WIRE_MODELESS are taken, its requests answered
 * that none took them, but the one control_lies waits for. */
static DWORD WINAPI drain_thread(void *arg)
{
    struct wire_modeless_answer answer;
    struct wire_control control;
    struct wire_header header;
    BYTE buffer[4096];
    DWORD size;

    while (read_all(in_pipe, &header, sizeof(header)))
    {
        if (header.type == WIRE_CONTROL && header.size == sizeof(control))
        {
            if (!read_all(in_pipe, &control, sizeof(control))) break;
            if (control_wanted)
            {
                control_wanted = FALSE;
                control_serial = control.serial;
                SetEvent(control_event);
            }
            else write_answer(control.serial, 0);
            continue;
        }
        if (header.type == WIRE_MODELESS_ANSWER && header.size == sizeof(answer))
        {
            if (!read_all(in_pipe, &answer, sizeof(answer))) break;
            if (answer.serial == (DWORD)InterlockedCompareExchange(&answer_serial, 0, 0))
                SetEvent(answer_event);
            continue;
        }
        for (; header.size; header.size -= size)
        {
            size = min(header.size, sizeof(buffer));
            if (!read_all(in_pipe, buffer, size)) break;
        }
    }
    quit(1);
    return 0;
}

/* The private memory the session that started this worker has committed:
 * a table it allocates counts whether it touched it or not. */
static SIZE_T session_memory(void)
{
    PROCESSENTRY32 entry = { sizeof(entry) };
    MEMORY_BASIC_INFORMATION info;
    DWORD parent = 0;
    HANDLE snapshot, process;
    SIZE_T total = 0;
    BYTE *address = NULL;

    snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE) return 0;
    if (Process32First(snapshot, &entry))
        do if (entry.th32ProcessID == GetCurrentProcessId()) parent = entry.th32ParentProcessID;
        while (!parent && Process32Next(snapshot, &entry));
    CloseHandle(snapshot);
    if (!(process = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, parent))) return 0;
    while (VirtualQueryEx(process, address, &info, sizeof(info)) == sizeof(info))
    {
        if (info.State == MEM_COMMIT && info.Type == MEM_PRIVATE) total += info.RegionSize;
        if ((BYTE *)info.BaseAddress + info.RegionSize <= address) break;
        address = (BYTE *)info.BaseAddress + info.RegionSize;
    }
    CloseHandle(process);
    return total;
}

/* A message, as it will be sent. */
struct message
{
    struct wire_header header; /* its size may lie */
    BYTE *data;
    DWORD size;
    int owner;                 /* the fake handler it is about; -1 */
    BOOL end;                  /* the owner's end */
    int kind;                  /* the mutation it is, logged as it is sent; -1 */
    int measure;               /* a WIRE_MODELESS that asks: once it is answered, the session's
                                  memory is measured (1), and how much it grew since is logged (2) */
    BOOL control;              /* nothing is sent: the test is told to send a request, and the
                                  worker lies in its answer */
    BOOL stop;                 /* nothing is sent: the worker ends (stop_after_choice) */
};

struct messages
{
    struct message *items;
    unsigned int count, capacity;
};

static struct message *add_message(struct messages *list, DWORD type, const GUID *handler,
        const void *data, DWORD size, int owner, int kind)
{
    struct message *message;

    if (list->count == list->capacity)
    {
        list->capacity = max(16, list->capacity * 2);
        if (!(list->items = realloc(list->items, list->capacity * sizeof(*list->items)))) quit(3);
    }
    message = &list->items[list->count++];
    memset(message, 0, sizeof(*message));
    message->header.type = type;
    message->header.size = size;
    message->header.handler = handler ? *handler : GUID_NULL;
    if (!(message->data = malloc(max(size, 1)))) quit(3);
    if (size) memcpy(message->data, data, size);
    message->size = size;
    message->owner = owner;
    message->kind = kind;
    return message;
}

/* A copy of a message of another list, as another kind. */
static struct message *copy_message(struct messages *list, const struct message *from, int kind)
{
    struct message *message = add_message(list, from->header.type, &from->header.handler, from->data,
                                          from->size, from->owner, kind);
    BYTE *data = message->data;

    *message = *from;
    message->data = data;
    message->kind = kind;
    return message;
}

/* A payload, put together piece by piece. */
struct payload
{
    BYTE *data;
    DWORD size;
};

static void put(struct payload *payload, const void *data, DWORD size)
{
    if (!(payload->data = realloc(payload->data, payload->size + size + 1))) quit(3);
    if (size) memcpy(payload->data + payload->size, data, size);
    payload->size += size;
}

static void put_dword(struct payload *payload, DWORD value)
{
    put(payload, &value, sizeof(value));
}

static void put_string(struct payload *payload, const WCHAR *str)
{
    put(payload, str, (wcslen(str) + 1) * sizeof(WCHAR));
}

/* Text that fills its message, ending nowhere. */
static void put_unterminated(struct payload *payload, unsigned int chars)
{
    static const WCHAR marker[] = L"" FAKE_UNTERMINATED;
    unsigned int i;

    for (i = 0; i < chars; i++) put(payload, &marker[i % (ARRAYSIZE(marker) - 1)], sizeof(WCHAR));
}

static struct message *add_payload(struct messages *list, DWORD type, const GUID *handler,
        struct payload *payload, int owner, int kind)
{
    struct message *message = add_message(list, type, handler, payload->data, payload->size, owner, kind);

    free(payload->data);
    payload->data = NULL;
    payload->size = 0;
    return message;
}

static void item_id(unsigned int n, unsigned int i, GUID *id)
{
    const GUID base = FAKE_ITEM_ID(0, 0);

    *id = base;
    id->Data4[4] = n;
    id->Data4[5] = (BYTE)(i >> 16);
    id->Data4[6] = (BYTE)(i >> 8);
    id->Data4[7] = (BYTE)i;
}

/* A fake handler of the session. */
struct handler
{
    CLSID clsid;
    unsigned int n;            /* its test handler number */
    const struct fake_handler_plan *plan;
    struct messages stream;    /* what is sent about it, in order */
};

static struct fake_plan plan;
static struct handler handlers[FAKE_COUNT];

static BOOL concerns(enum fake_kind kind, unsigned int k)
{
    unsigned int target;

    return fake_has(&plan, kind, &target) && target == k;
}

/* An edge number at or past limit. */
static DWORD edge_from(DWORD limit)
{
    DWORD value = fuzz_edge_dword(&random);

    if (value < limit) value = limit + fuzz_below(&random, 3);
    return value < limit ? 0xffffffff : value;
}

static DWORD item_status(const struct fake_handler_plan *handler, unsigned int i)
{
    return i < FAKE_DETAILED ? handler->status[i] : SYNCMGRSTATUS_SUCCEEDED;
}

static void put_head(struct payload *payload, DWORD total, DWORD first, DWORD count)
{
    put_dword(payload, total);
    put_dword(payload, first);
    put_dword(payload, count);
}

/* Items first .. first + count - 1 (from 0) of fake handler n. */
static void put_item_range(struct payload *payload, unsigned int n, DWORD first, DWORD count,
        const WCHAR *name_format)
{
    struct wire_item item;
    DWORD i;

    for (i = first; i < first + count; i++)
    {
        memset(&item, 0, sizeof(item));
        item_id(n, i + 1, &item.id);
        swprintf(item.name, ARRAYSIZE(item.name), name_format, i + 1);
        item.icon = -1;
        item.checked = TRUE;
        put(payload, &item, sizeof(item));
    }
}

/* A part of a table of total, count items from first on. */
static void put_items(struct payload *payload, unsigned int n, DWORD total, DWORD first, DWORD count,
        const WCHAR *name_format)
{
    put_head(payload, total, first, count);
    put_item_range(payload, n, first, count, name_format);
}

/* A part of a table that the session must refuse, received items into a
 * table of total (at least 2). */
static void add_bad_part(struct handler *handler, int k, DWORD total, DWORD received)
{
    struct payload payload = { 0 };
    DWORD first;

    switch (fuzz_below(&random, 6))
    {
    case 0: /* more than any session takes */
        put_items(&payload, handler->n, edge_from(SESSION_MAX_ITEMS + 1), 0, 1, L"Bad %u");
        break;
    case 1: /* starting past its end */
        put_head(&payload, total, edge_from(total + 1), 0);
        break;
    case 2: /* running past its end */
        put_head(&payload, total, total - 1, fuzz_below(&random, 2) ? 2 : edge_from(2));
        put_item_range(&payload, handler->n, total - 1, 2, L"Bad %u");
        break;
    case 3: /* a size that is not its count's */
        put_items(&payload, handler->n, total, received, 1, L"Bad %u");
        payload.size -= 1 + fuzz_below(&random, sizeof(struct wire_item));
        break;
    case 4: /* neither the start nor the next part */
        do first = 1 + fuzz_below(&random, total); while (first == received);
        put_items(&payload, handler->n, total, first, min(1, total - first), L"Bad %u");
        break;
    default: /* too short for its counts */
        put_dword(&payload, total);
        payload.size = fuzz_below(&random, 12);
        break;
    }
    add_payload(&handler->stream, WIRE_ITEMS, &handler->clsid, &payload, k, FAKE_items_bad_part);
}

/* A measurement of the session's memory (send_message). */
static void add_measure(struct handler *handler, int k, int measure)
{
    struct wire_modeless modeless = { TRUE, 0x4d454153 + measure };

    add_message(&handler->stream, WIRE_MODELESS, &handler->clsid, &modeless, sizeof(modeless), k,
                -1)->measure = measure;
}

/* An icon of width x height pixels, for the handler (index < 0) or an item. */
static void add_icon(struct handler *handler, int k, int index, DWORD width, DWORD height,
        DWORD pixels, int kind)
{
    struct payload payload = { 0 };
    struct wire_icon size = { width, height };
    BYTE *bits;

    if (index >= 0) put_dword(&payload, index);
    put(&payload, &size, sizeof(size));
    if (!(bits = calloc(1, max(pixels * 4, 1)))) quit(3);
    memset(bits, 0x80, pixels * 4);
    put(&payload, bits, pixels * 4);
    free(bits);
    add_payload(&handler->stream, index >= 0 ? WIRE_ITEM_ICON : WIRE_ICON, &handler->clsid, &payload, k,
                kind);
}

/* An end: FINISH, SKIP or FAIL with message, statuses as given. */
static struct message *add_end(struct messages *list, struct handler *handler, int k, enum fake_end end,
        HRESULT hr, BOOL show_code, DWORD default_status, const DWORD *statuses, DWORD count,
        const WCHAR *message, int kind)
{
    struct payload payload = { 0 };
    struct wire_end wire = { 0 };

    wire.hr = end == FAKE_END_FAIL ? hr : S_OK;
    wire.show_code = show_code;
    wire.default_status = end == FAKE_END_FAIL ? SYNCMGRSTATUS_FAILED : default_status;
    wire.skipped = end == FAKE_END_SKIP;
    wire.count = count;
    put(&payload, &wire, sizeof(wire));
    put(&payload, statuses, count * sizeof(DWORD));
    if (end == FAKE_END_FAIL) put_string(&payload, message);
    return add_payload(list, end == FAKE_END_FAIL ? WIRE_FAIL : WIRE_FINISH, &handler->clsid, &payload,
                       k, kind);
}

/* Messages with the sizes of none of their kind. */
static void add_wrong_sizes(struct handler *handler, int k)
{
    static const DWORD types[] = { WIRE_FLAGS, WIRE_STATE, WIRE_DELETE_LOG, WIRE_MODELESS, WIRE_ICON,
                                   WIRE_ITEM_ICON, WIRE_CHOICE, WIRE_PROGRESS, WIRE_TEXT, WIRE_LOG };
    static const DWORD right[] = { 4, 4, sizeof(GUID), sizeof(struct wire_modeless), 0, 0, 0, 0, 0, 0 };
    unsigned int i, count = 1 + fuzz_below(&random, 4), t;
    struct payload payload = { 0 };
    BYTE junk[64];
    DWORD size;

    for (i = 0; i < count; i++)
    {
        t = fuzz_below(&random, ARRAYSIZE(types));
        /* Fixed sizes: any other; the others: shorter than their head. */
        do size = fuzz_below(&random, right[t] ? sizeof(junk) : 4); while (right[t] && size == right[t]);
        fuzz_bytes(&random, junk, sizeof(junk));
        if (types[t] == WIRE_MODELESS && size >= 4) junk[0] = 1;
        put(&payload, junk, size);
        add_payload(&handler->stream, types[t], &handler->clsid, &payload, k, FAKE_wrong_size);
    }
}

/* Everything about fake handler k, in the order relay.c would send it,
 * with the mutations that concern it. */
static void build_handler(unsigned int k)
{
    struct handler *handler = &handlers[k];
    const struct fake_handler_plan *hp = handler->plan;
    struct payload payload = { 0 };
    struct wire_progress progress;
    struct wire_log log;
    DWORD *statuses, i, count = hp->item_count, first, part, parts, received;
    WCHAR text[256];
    GUID id;
    BYTE *choice;

    swprintf(text, ARRAYSIZE(text), L"Fake handler %02x", handler->n);
    if (concerns(FAKE_unterminated, k))
    {
        put_unterminated(&payload, 1 + fuzz_below(&random, 300));
        add_payload(&handler->stream, WIRE_NAME, &handler->clsid, &payload, k, FAKE_unterminated);
    }
    put_string(&payload, text);
    add_payload(&handler->stream, WIRE_NAME, &handler->clsid, &payload, k, -1);
    if (fuzz_one_in(&random, 2)) add_icon(handler, k, -1, 16, 16, 16 * 16, -1);
    if (concerns(FAKE_icon_huge, k))
    {
        static const DWORD edges[] = { 0, 257, 0x8000, 0x10000, 0x40000000, 0x80000000, 0xffffffff };

        for (i = 0; i < 3; i++)
        {
            DWORD width = edges[fuzz_below(&random, ARRAYSIZE(edges))];
            DWORD height = fuzz_below(&random, 2) ? edges[fuzz_below(&random, ARRAYSIZE(edges))] : 16;

            /* The pixels the product says, as far as it wraps to something sent. */
            add_icon(handler, k, fuzz_below(&random, 2) ? -1 : (int)fuzz_below(&random, 4), width, height,
                     min(width * height, 1024), FAKE_icon_huge);
        }
        /* A good icon at a place past the table's. */
        add_icon(handler, k, edge_from(64), 16, 16, 16 * 16, FAKE_icon_huge);
    }
    put_dword(&payload, 0);
    add_payload(&handler->stream, WIRE_FLAGS, &handler->clsid, &payload, k, -1);

    if (concerns(FAKE_items_huge, k))
    {
        /* A claim, and nothing after it: the table that follows starts afresh. */
        put_dword(&payload, fuzz_below(&random, 2) ? SESSION_MAX_ITEMS : edge_from(SESSION_MAX_ITEMS / 2));
        put_dword(&payload, 0);
        put_dword(&payload, 0);
        add_payload(&handler->stream, WIRE_ITEMS, &handler->clsid, &payload, k, FAKE_items_huge);
    }
    if (concerns(FAKE_items_twice, k))
    {
        /* A whole table first, of other names; the second one stands. */
        DWORD stale = 1 + fuzz_below(&random, count);

        put_items(&payload, handler->n, stale, 0, stale, L"Stale %u");
        add_payload(&handler->stream, WIRE_ITEMS, &handler->clsid, &payload, k, FAKE_items_twice);
    }
    /* The table, in parts of at least an item each. */
    parts = max(1, min(hp->parts, count));
    for (first = received = 0, part = 0; part < parts; part++)
    {
        DWORD n = part + 1 == parts ? count - first
                : 1 + fuzz_below(&random, count - first - (parts - part - 1));

        put_items(&payload, handler->n, count, first, n, L"Item %u");
        if (concerns(FAKE_items_duplicate, k) && part + 1 == parts && count > 1)
        {
            /* The last item's ID is another's. */
            struct wire_item *last = (struct wire_item *)(payload.data + payload.size) - 1;

            item_id(handler->n, 1 + fuzz_below(&random, count - 1), &last->id);
        }
        add_payload(&handler->stream, WIRE_ITEMS, &handler->clsid, &payload, k,
                    concerns(FAKE_items_duplicate, k) && part + 1 == parts ? FAKE_items_duplicate
                    : !part && count > 4096 ? FAKE_table_big : parts > 1 ? FAKE_table_parts : -1);
        first += n;
        received = first;
        if (part) continue;
        if (concerns(FAKE_items_bad_part, k))
            for (i = 1 + fuzz_below(&random, 3); i; i--) add_bad_part(handler, k, count, received);
        if (concerns(FAKE_items_restart, k))
        {
            /* The start of another table: what came is dropped. */
            DWORD total = 2 + fuzz_below(&random, 8);

            put_items(&payload, handler->n, total, 0, 1 + fuzz_below(&random, total - 1), L"Restart %u");
            add_payload(&handler->stream, WIRE_ITEMS, &handler->clsid, &payload, k, FAKE_items_restart);
        }
    }
    if (concerns(FAKE_items_huge, k))
    {
        /* Once the table is in: a claim the session keeps to the end; the
         * memory it costs the session is measured. */
        add_measure(handler, k, 1);
        put_head(&payload, SESSION_MAX_ITEMS, 0, 0);
        add_payload(&handler->stream, WIRE_ITEMS, &handler->clsid, &payload, k, FAKE_items_huge);
        add_measure(handler, k, 2);
    }
    if (count && fuzz_one_in(&random, 3)) add_icon(handler, k, 0, 16, 16, 16 * 16, -1);

    /* The choice: bit 0 checked, bit 1 chosen. */
    if (!(choice = calloc(1, max(count, 1)))) quit(3);
    for (i = 0; i < min(count, FAKE_DETAILED); i++) choice[i] = 1 | (hp->chosen[i] ? 2 : 0);
    if (concerns(FAKE_choice_bad, k) && fuzz_below(&random, 2))
    {
        put_dword(&payload, count + 1);
        put(&payload, choice, count);
        put(&payload, "\3", 1);
        add_payload(&handler->stream, WIRE_CHOICE, &handler->clsid, &payload, k, FAKE_choice_bad);
    }
    put_dword(&payload, count);
    put(&payload, choice, count);
    add_payload(&handler->stream, WIRE_CHOICE, &handler->clsid, &payload, k, -1);
    if (concerns(FAKE_choice_bad, k))
    {
        /* Another count than the table's, or a size that is not its count's. */
        if (fuzz_below(&random, 2)) put_dword(&payload, count ? count - 1 : edge_from(1));
        else put_dword(&payload, edge_from(count + 1));
        put(&payload, choice, min(count, 8));
        if (fuzz_below(&random, 2))
        {
            payload.size = 0;
            put_dword(&payload, count);
            put(&payload, choice, count);
            put(&payload, "\0", 1);
        }
        add_payload(&handler->stream, WIRE_CHOICE, &handler->clsid, &payload, k, FAKE_choice_bad);
    }
    free(choice);
    if (concerns(FAKE_stop_after_choice, k))
        add_message(&handler->stream, 0, NULL, NULL, 0, k, -1)->stop = TRUE;
    if (concerns(FAKE_items_late, k))
    {
        /* The table again, once chosen from: what was chosen goes with the old one. */
        put_items(&payload, handler->n, count, 0, count, L"Item %u");
        add_payload(&handler->stream, WIRE_ITEMS, &handler->clsid, &payload, k, FAKE_items_late);
    }
    if (concerns(FAKE_control_lies, k))
        add_message(&handler->stream, 0, NULL, NULL, 0, k, FAKE_control_lies)->control = TRUE;

    if (concerns(FAKE_state, k))
    {
        /* Done (in a choosing session's progress dialog), and none at all. */
        static const DWORD states[] = { 9 /* done */, 0, 3, 10, 0xffffffff };

        for (i = 1 + fuzz_below(&random, 2); i; i--)
        {
            put_dword(&payload, states[fuzz_below(&random, ARRAYSIZE(states))]);
            add_payload(&handler->stream, WIRE_STATE, &handler->clsid, &payload, k, FAKE_state);
        }
    }
    if (concerns(FAKE_state_untimed, k))
    {
        /* Waiting for the person, showing properties: a synchronizing
         * session has no person to wait for. */
        put_dword(&payload, fuzz_below(&random, 2) ? 7 /* waiting */ : 8 /* showing properties */);
        add_payload(&handler->stream, WIRE_STATE, &handler->clsid, &payload, k, FAKE_state_untimed);
    }
    if (concerns(FAKE_modeless_keep, k))
    {
        struct wire_modeless modeless = { TRUE };

        for (i = 1 + fuzz_below(&random, 3); i; i--)
        {
            modeless.serial = fuzz_next(&random);
            add_message(&handler->stream, WIRE_MODELESS, &handler->clsid, &modeless, sizeof(modeless), k,
                        FAKE_modeless_keep);
        }
    }

    /* Progress on the way. */
    put_dword(&payload, min(count, 16));
    for (i = 0; i < min(count, 16); i++)
    {
        progress.index = i;
        progress.status = SYNCMGRSTATUS_UPDATING;
        progress.value = fuzz_below(&random, 10);
        progress.max = 10;
        put(&payload, &progress, sizeof(progress));
    }
    add_payload(&handler->stream, WIRE_PROGRESS, &handler->clsid, &payload, k, -1);
    if (concerns(FAKE_progress_past, k))
    {
        DWORD n = 1 + fuzz_below(&random, 4);

        put_dword(&payload, n);
        for (i = 0; i < n; i++)
        {
            progress.index = edge_from(count);
            progress.status = fuzz_edge_dword(&random);
            progress.value = fuzz_edge_dword(&random);
            progress.max = fuzz_edge_dword(&random);
            put(&payload, &progress, sizeof(progress));
        }
        add_payload(&handler->stream, WIRE_PROGRESS, &handler->clsid, &payload, k, FAKE_progress_past);
        /* A count that says more than there is, and one that wraps. */
        put_dword(&payload, fuzz_below(&random, 2) ? 0x10000000 : edge_from(2));
        put(&payload, &progress, sizeof(progress));
        add_payload(&handler->stream, WIRE_PROGRESS, &handler->clsid, &payload, k, FAKE_progress_past);
    }
    if (count)
    {
        put_dword(&payload, 0);
        put_string(&payload, L"working");
        add_payload(&handler->stream, WIRE_TEXT, &handler->clsid, &payload, k, -1);
    }
    if (concerns(FAKE_text_past, k))
    {
        put_dword(&payload, edge_from(count));
        put_string(&payload, L"past the table");
        add_payload(&handler->stream, WIRE_TEXT, &handler->clsid, &payload, k, FAKE_text_past);
        put_dword(&payload, 0);
        add_payload(&handler->stream, WIRE_TEXT, &handler->clsid, &payload, k, FAKE_text_past);
    }
    if (concerns(FAKE_unterminated, k))
    {
        static const DWORD types[] = { WIRE_WARNING, WIRE_LOG, WIRE_TEXT, WIRE_FAIL };
        DWORD type = types[fuzz_below(&random, ARRAYSIZE(types))];

        memset(&log, 0, sizeof(log));
        log.level = SYNCMGRLOGLEVEL_ERROR;
        if (type == WIRE_LOG) put(&payload, &log, sizeof(log));
        if (type == WIRE_TEXT) put_dword(&payload, 0);
        if (type == WIRE_FAIL)
        {
            struct wire_end end = { E_FAIL, TRUE, SYNCMGRSTATUS_FAILED, 0, 0 };

            put(&payload, &end, sizeof(end));
        }
        put_unterminated(&payload, fuzz_below(&random, 300));
        add_payload(&handler->stream, type, &handler->clsid, &payload, k, FAKE_unterminated);
    }
    if (hp->warning)
    {
        swprintf(text, ARRAYSIZE(text), L"fake warning %02x", handler->n);
        put_string(&payload, text);
        add_payload(&handler->stream, WIRE_WARNING, &handler->clsid, &payload, k, -1);
    }
    if (concerns(FAKE_line_breaks, k))
    {
        /* A text that would make lines of its own, one of them a result. */
        item_id(handler->n, 1, &id);
        swprintf(text, ARRAYSIZE(text), L"fake break\n" FAKE_MARKER "\r\nsucceeded\t{%08lX-%04X-%04X-"
                 "%02X%02X-%02X%02X%02X%02X%02X%02X}\t" FAKE_MARKER, id.Data1, id.Data2, id.Data3,
                 id.Data4[0], id.Data4[1], id.Data4[2], id.Data4[3], id.Data4[4], id.Data4[5], id.Data4[6],
                 id.Data4[7]);
        put_string(&payload, text);
        add_payload(&handler->stream, WIRE_WARNING, &handler->clsid, &payload, k, FAKE_line_breaks);
        memset(&log, 0, sizeof(log));
        log.level = SYNCMGRLOGLEVEL_INFORMATION;
        put(&payload, &log, sizeof(log));
        put_string(&payload, text);
        add_payload(&handler->stream, WIRE_LOG, &handler->clsid, &payload, k, FAKE_line_breaks);
    }
    if (concerns(FAKE_huge_text, k))
    {
        /* A warning as long as a message may be, ending at the very end. */
        WCHAR *huge;
        DWORD len = (WIRE_MAX_MESSAGE - fuzz_below(&random, WIRE_MAX_MESSAGE / 2)) / sizeof(WCHAR);

        if (!(huge = malloc(len * sizeof(WCHAR)))) quit(3);
        for (i = 0; i < len - 1; i++) huge[i] = 'a' + i % 26;
        huge[len - 1] = 0;
        add_message(&handler->stream, WIRE_WARNING, &handler->clsid, huge, len * sizeof(WCHAR), k,
                    FAKE_huge_text);
        free(huge);
    }
    if (hp->log)
    {
        memset(&log, 0, sizeof(log));
        log.level = SYNCMGRLOGLEVEL_INFORMATION;
        if (count)
        {
            log.has_item = TRUE;
            item_id(handler->n, 1, &log.item);
        }
        put(&payload, &log, sizeof(log));
        swprintf(text, ARRAYSIZE(text), L"fake log %02x", handler->n);
        put_string(&payload, text);
        add_payload(&handler->stream, WIRE_LOG, &handler->clsid, &payload, k, -1);
    }
    if (concerns(FAKE_wrong_size, k)) add_wrong_sizes(handler, k);
    if (concerns(FAKE_noise, k))
    {
        for (i = 1 + fuzz_below(&random, 4); i; i--)
        {
            switch (fuzz_below(&random, 3))
            {
            case 0:
                put_dword(&payload, fuzz_edge_dword(&random));
                add_payload(&handler->stream, WIRE_FLAGS, &handler->clsid, &payload, k, FAKE_noise);
                break;
            case 1:
                if (fuzz_below(&random, 2)) fuzz_bytes(&random, &id, sizeof(id));
                else id = GUID_NULL;
                add_message(&handler->stream, WIRE_DELETE_LOG, &handler->clsid, &id, sizeof(id), k,
                            FAKE_noise);
                break;
            default:
            {
                /* An answer to a request never made. */
                struct wire_answer answer = { fuzz_edge_dword(&random), fuzz_edge_dword(&random) };

                add_message(&handler->stream, WIRE_ANSWER, NULL, &answer, sizeof(answer), k, FAKE_noise);
                break;
            }
            }
        }
    }

    /* The end, with every item's status. */
    if (!(statuses = malloc(max(count, 1) * sizeof(*statuses)))) quit(3);
    for (i = 0; i < count; i++) statuses[i] = item_status(hp, i);
    if (concerns(FAKE_end_bad, k))
    {
        struct wire_end end = { E_FAIL, TRUE, SYNCMGRSTATUS_FAILED, 0, count };
        DWORD type = fuzz_below(&random, 2) ? WIRE_FINISH : WIRE_FAIL;

        switch (fuzz_below(&random, 4))
        {
        case 0: /* shorter than its head */
            put(&payload, &end, 1 + fuzz_below(&random, sizeof(end) - 1));
            break;
        case 1: /* more statuses than any table */
            end.count = edge_from(SESSION_MAX_ITEMS + 1);
            put(&payload, &end, sizeof(end));
            put(&payload, statuses, count * sizeof(DWORD));
            break;
        case 2: /* fewer statuses than it says */
            end.count = count + 1 + fuzz_below(&random, 4);
            put(&payload, &end, sizeof(end));
            put(&payload, statuses, count * sizeof(DWORD));
            break;
        default: /* a failure without its message, or with half a character of it */
            type = WIRE_FAIL;
            put(&payload, &end, sizeof(end));
            put(&payload, statuses, count * sizeof(DWORD));
            put(&payload, L"no end", fuzz_below(&random, 2));
            break;
        }
        add_payload(&handler->stream, type, &handler->clsid, &payload, k, FAKE_end_bad);
    }
    swprintf(text, ARRAYSIZE(text), L"fake failure %02x", handler->n);
    add_end(&handler->stream, handler, k, hp->end, hp->hr, hp->show_code, hp->default_status, statuses,
            concerns(FAKE_statuses_mismatch, k) ? (count ? count - 1 : 1) : count, text,
            concerns(FAKE_statuses_mismatch, k) ? FAKE_statuses_mismatch
            : hp->end == FAKE_END_FAIL ? FAKE_ends_fail : hp->end == FAKE_END_SKIP ? FAKE_ends_skip : -1)->end
            = TRUE;
    if (concerns(FAKE_finish_twice, k))
    {
        /* Another end, and news after it: all too late. */
        for (i = 0; i < count; i++) statuses[i] = fuzz_below(&random, 2) ? SYNCMGRSTATUS_FAILED
                : SYNCMGRSTATUS_SKIPPED;
        add_end(&handler->stream, handler, k, hp->end == FAKE_END_FAIL ? FAKE_END_FINISH : FAKE_END_FAIL,
                E_ABORT, TRUE, SYNCMGRSTATUS_FAILED, statuses, count, L"fake second end " FAKE_MARKER,
                FAKE_finish_twice);
        swprintf(text, ARRAYSIZE(text), L"" FAKE_MARKER " late warning");
        put_string(&payload, text);
        add_payload(&handler->stream, WIRE_WARNING, &handler->clsid, &payload, k, FAKE_finish_twice);
        put_dword(&payload, 1);
        progress.index = 0;
        progress.status = SYNCMGRSTATUS_FAILED;
        progress.value = progress.max = 1;
        put(&payload, &progress, sizeof(progress));
        add_payload(&handler->stream, WIRE_PROGRESS, &handler->clsid, &payload, k, FAKE_finish_twice);
    }
    free(statuses);

    if (concerns(FAKE_bit_flips, k))
    {
        for (i = 1 + fuzz_below(&random, 3); i; i--)
        {
            struct message *message = &handler->stream.items[fuzz_below(&random, handler->stream.count)];

            if (!message->size) continue;
            fuzz_flip_bits(&random, message->data, message->size, 1 + fuzz_below(&random, 4));
            message->kind = FAKE_bit_flips;
        }
    }
}

/* Any message of fake handler k, as another handler's or none's. */
static void add_misaddressed(struct messages *list, unsigned int k, const GUID *handler, int kind)
{
    const struct messages *stream = &handlers[k].stream;
    struct message *message;

    message = copy_message(list, &stream->items[fuzz_below(&random, stream->count)], kind);
    message->header.handler = *handler;
    message->owner = -1;
    message->end = FALSE;
    message->measure = 0;
    message->control = FALSE;
    message->stop = FALSE;
}

static void add_unknown(struct messages *list)
{
    static const DWORD types[] = { 0, WIRE_SESSION, WIRE_CONTROL, WIRE_COMMAND, WIRE_MODELESS_ANSWER, 5,
                                   0xff, WIRE_DONE + 1, WIRE_DONE + 2, 0x200, 0x7fffffff, 0x80000000,
                                   0xffffffff };
    BYTE junk[64];
    GUID handler;
    DWORD type;

    type = fuzz_below(&random, 4) ? types[fuzz_below(&random, ARRAYSIZE(types))] : (DWORD)fuzz_next(&random);
    if (type >= WIRE_HELLO && type <= WIRE_DONE) type = 0x12345678;
    fuzz_bytes(&random, junk, sizeof(junk));
    handler = fuzz_below(&random, 2) ? handlers[fuzz_below(&random, FAKE_COUNT)].clsid : GUID_NULL;
    add_message(list, type, &handler, junk, fuzz_below(&random, sizeof(junk)), -1, FAKE_unknown_type);
}

/* Inserts the message at the end of list at a random place. */
static void scatter_last(struct messages *list, unsigned int from)
{
    struct message message = list->items[list->count - 1];
    unsigned int at = from + fuzz_below(&random, list->count - from);

    memmove(&list->items[at + 1], &list->items[at], (list->count - 1 - at) * sizeof(message));
    list->items[at] = message;
}

/* The whole session: HELLO, the handlers' streams interleaved, their ends
 * in the plan's order, the extra handlers ended, DONE; *cut is where a
 * terminal kind stops it. */
static void build_session(struct messages *list, const CLSID *extra, unsigned int extra_count,
        unsigned int *cut)
{
    unsigned int next[FAKE_COUNT] = { 0 }, ends = 0, left = 0, i, k, pick, cut_from, cut_to;
    DWORD pointer_size = sizeof(void *);
    struct wire_end end = { 0 };
    unsigned int target;
    GUID guid;

    add_message(list, WIRE_HELLO, NULL, &pointer_size, sizeof(pointer_size), -1, -1);
    for (i = 0; i < extra_count; i++)
    {
        struct message *message = add_message(list, WIRE_FINISH, &extra[i], &end, sizeof(end), -1, -1);

        message->header.handler = extra[i];
    }
    for (k = 0; k < FAKE_COUNT; k++) left += handlers[k].stream.count;
    while (left)
    {
        unsigned int candidates[FAKE_COUNT], count = 0;

        for (k = 0; k < FAKE_COUNT; k++)
        {
            const struct messages *stream = &handlers[k].stream;

            if (next[k] == stream->count) continue;
            if (stream->items[next[k]].end && plan.order[ends] != k) continue;
            candidates[count++] = k;
        }
        k = candidates[fuzz_below(&random, count)];
        pick = next[k]++;
        left--;
        if (handlers[k].stream.items[pick].end) ends++;
        copy_message(list, &handlers[k].stream.items[pick], handlers[k].stream.items[pick].kind);
    }

    if (fake_has(&plan, FAKE_out_of_order, &target))
    {
        /* HELLO after some of the handlers' news, and maybe twice. */
        struct message hello = list->items[0];

        memmove(&list->items[0], &list->items[1], (list->count - 1) * sizeof(*list->items));
        list->count--;
        copy_message(list, &hello, FAKE_out_of_order);
        scatter_last(list, 1);
        if (fuzz_below(&random, 2))
        {
            copy_message(list, &hello, FAKE_out_of_order);
            scatter_last(list, 0);
        }
    }
    if (fake_has(&plan, FAKE_unknown_type, NULL))
        for (i = 1 + fuzz_below(&random, 4); i; i--)
        {
            add_unknown(list);
            scatter_last(list, 0);
        }
    if (fake_has(&plan, FAKE_foreign_handler, &target))
        for (i = 1 + fuzz_below(&random, 4); i; i--)
        {
            static const CLSID others[] = { TEST_HANDLER_CLSID(0x02), TEST_HANDLER_CLSID(0x7f),
                                            TEST_HANDLER_CLSID(FAKE_FIRST + FAKE_COUNT) };

            if (fuzz_below(&random, 4)) guid = others[fuzz_below(&random, ARRAYSIZE(others))];
            else fuzz_bytes(&random, &guid, sizeof(guid));
            add_misaddressed(list, target, &guid, FAKE_foreign_handler);
            scatter_last(list, 0);
        }
    if (fake_has(&plan, FAKE_null_handler, &target))
        for (i = 1 + fuzz_below(&random, 4); i; i--)
        {
            add_misaddressed(list, target, &GUID_NULL, FAKE_null_handler);
            scatter_last(list, 0);
        }
    /* What was scattered moved the ends: the cut is found again. */
    for (i = 0, ends = 0, cut_from = plan.cut_rank ? ~0u : 0, cut_to = list->count; i < list->count; i++)
    {
        if (!list->items[i].end) continue;
        if (ends == plan.cut_rank) cut_to = min(cut_to, i);
        if (++ends == plan.cut_rank) cut_from = i + 1;
    }
    *cut = plan.forced ? cut_to : cut_from + fuzz_below(&random, cut_to - cut_from + 1);
    /* That one stops where its target's choice is. */
    if (plan.terminal == FAKE_stop_after_choice) *cut = ~0u;

    add_message(list, WIRE_DONE, NULL, NULL, 0, -1, -1);
    if (fake_has(&plan, FAKE_after_done, NULL))
    {
        struct payload payload = { 0 };

        /* The handlers' ends again, and their news: nobody listens. */
        for (k = 0; k < FAKE_COUNT; k++)
        {
            const struct messages *stream = &handlers[k].stream;

            for (i = 0; i < stream->count; i++)
            {
                struct message *message;

                if (!stream->items[i].end && !fuzz_one_in(&random, 4)) continue;
                message = copy_message(list, &stream->items[i], FAKE_after_done);
                message->owner = -1;
                message->end = FALSE;
                message->measure = 0;
                message->control = FALSE;
                message->stop = FALSE;
            }
        }
        /* And a failure none of them had. */
        end.hr = E_FAIL;
        end.show_code = TRUE;
        put(&payload, &end, sizeof(end));
        put_string(&payload, L"" FAKE_MARKER " after done");
        add_payload(list, WIRE_FAIL, &handlers[fuzz_below(&random, FAKE_COUNT)].clsid, &payload, -1,
                    FAKE_after_done);
    }
}

static void stop(enum fake_kind kind, const struct message *message);

/* Tells the test that the request may come (fake_ready_event). */
static void set_ready(void)
{
    char name[MAX_PATH + 64];
    HANDLE event;

    fake_ready_event(log_path, name, sizeof(name));
    if (!(event = OpenEventA(EVENT_MODIFY_STATE, FALSE, name))) return;
    SetEvent(event);
    CloseHandle(event);
}

/* A true answer given too late, before WIRE_DONE: when the request
 * came, and its serial. */
static DWORD late_start, late_serial;
static BOOL late_pending;

/* control_lies: the test sends a request, and its answer is a lie. */
static void lie_about_control(void)
{
    DWORD serial;

    control_wanted = TRUE;
    set_ready();
    if (WaitForSingleObject(control_event, 15000)) return;
    serial = control_serial;
    switch (fuzz_below(&random, 5))
    {
    case 0: /* none at all */
        break;
    case 1: /* for another request */
        write_answer(serial + 1 + fuzz_below(&random, 1000), fuzz_below(&random, 3));
        break;
    case 2: /* more than there are */
        write_answer(serial, fuzz_below(&random, 2) ? 0xffffffff : fuzz_edge_dword(&random));
        break;
    case 3: /* twice */
        write_answer(serial, 1);
        write_answer(serial, 1);
        break;
    default: /* after the session stopped waiting for it, once every handler ended */
        late_start = GetTickCount();
        late_serial = serial;
        late_pending = TRUE;
        break;
    }
}

/* The late answer, 6 s after the request: the session waited 5 s. */
static void answer_late(void)
{
    DWORD waited = GetTickCount() - late_start;

    if (!late_pending) return;
    if (waited < 6000) Sleep(6000 - waited);
    write_answer(late_serial, 1);
}

static void send_message(const struct message *message)
{
    static SIZE_T before;
    SIZE_T now;

    if (message->kind >= 0) log_kind(message->kind);
    if (message->stop) stop(FAKE_stop_after_choice, NULL);
    if (message->control)
    {
        lie_about_control();
        return;
    }
    if (message->header.type == WIRE_DONE) answer_late();
    if (message->measure)
    {
        ResetEvent(answer_event);
        InterlockedExchange(&answer_serial, ((const struct wire_modeless *)message->data)->serial);
    }
    EnterCriticalSection(&write_cs);
    write_all(&message->header, sizeof(message->header));
    write_all(message->data, message->size);
    LeaveCriticalSection(&write_cs);
    if (!message->measure) return;
    /* Everything before it is taken once it is answered. */
    if (WaitForSingleObject(answer_event, 5000)) return;
    now = session_memory();
    if (message->measure == 1) before = now;
    else if (before && now) log_line("grew %Id", (SSIZE_T)(now - before));
}

static DWORD WINAPI flood_thread(void *arg)
{
    struct wire_header header = { WIRE_MODELESS, sizeof(struct wire_modeless) };
    struct wire_modeless modeless = { TRUE };
    unsigned int i;

    for (i = 0; i < 400; i++)
    {
        header.handler = handlers[i % FAKE_COUNT].clsid;
        modeless.serial = i;
        write_all(&header, sizeof(header));
        write_all(&modeless, sizeof(modeless));
    }
    return 0;
}

/* The worker stops as the terminal kind says, before message (NULL: at
 * the end). */
static void stop(enum fake_kind kind, const struct message *message)
{
    static const DWORD codes[] = { 0, 1, 3, 0xc0000005, 0xc0000409 };
    struct wire_header header = { WIRE_WARNING, 0 };
    BYTE junk[256];
    DWORD size;

    log_kind(kind);
    /* Whatever comes now is not a whole message: nothing else is written. */
    EnterCriticalSection(&write_cs);
    switch (kind)
    {
    case FAKE_size_lies:
        if (message) header = message->header;
        size = message ? message->size : 0;
        header.size = size + 1 + fuzz_below(&random, 4096);
        write_all(&header, sizeof(header));
        if (message) write_all(message->data, size);
        quit(0);
        break;
    case FAKE_half_message:
        if (message)
        {
            size = sizeof(header) + message->size;
            size = 1 + fuzz_below(&random, size - 1);
            write_all(&message->header, min(size, sizeof(header)));
            if (size > sizeof(header)) write_all(message->data, size - sizeof(header));
        }
        else write_all(&header, 1 + fuzz_below(&random, sizeof(header) - 1));
        quit(0);
        break;
    case FAKE_no_done:
    case FAKE_stop_after_choice:
        quit(fuzz_below(&random, 2) ? codes[fuzz_below(&random, ARRAYSIZE(codes))] : fuzz_edge_dword(&random));
        break;
    case FAKE_oversize:
        if (message) header = message->header;
        header.size = WIRE_MAX_MESSAGE + 1 + fuzz_below(&random, ~(DWORD)WIRE_MAX_MESSAGE);
        write_all(&header, sizeof(header));
        fuzz_bytes(&random, junk, sizeof(junk));
        write_all(junk, fuzz_below(&random, sizeof(junk)));
        quit(0);
        break;
    case FAKE_header_garbage:
        fuzz_bytes(&random, junk, sizeof(junk));
        write_all(junk, sizeof(header) + fuzz_below(&random, sizeof(junk) - sizeof(header)));
        quit(0);
        break;
    case FAKE_modeless_flood:
    {
        /* Asks, more than both pipes hold, without reading the answers:
         * once the session cannot write them any more, the test sends a
         * request, which must not wait for the worker for ever. */
        DWORD available = 0, start = GetTickCount();

        if (!CreateThread(NULL, 0, flood_thread, NULL, 0, NULL)) quit(3);
        while (PeekNamedPipe(in_pipe, NULL, 0, NULL, &available, NULL)
               && available < 4096 - sizeof(struct wire_header) - sizeof(struct wire_modeless_answer)
               && GetTickCount() - start < 10000)
            Sleep(20);
        set_ready();
        Sleep(INFINITE);
        break;
    }
    default: /* hang: it neither reads nor writes any more */
        Sleep(INFINITE);
        break;
    }
}

/* A process of its own that holds the channel after the worker ended, and
 * tells the session later that each fake handler failed. */
static void start_late_child(void)
{
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    WCHAR path[MAX_PATH], cmdline[MAX_PATH + 64];
    HANDLE pipe;

    /* It gets the channel, and neither the session's output nor its input. */
    SetHandleInformation(GetStdHandle(STD_OUTPUT_HANDLE), HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(GetStdHandle(STD_ERROR_HANDLE), HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(GetStdHandle(STD_INPUT_HANDLE), HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(in_pipe, HANDLE_FLAG_INHERIT, 0);
    if (!DuplicateHandle(GetCurrentProcess(), out_pipe, GetCurrentProcess(), &pipe, 0, TRUE,
                         DUPLICATE_SAME_ACCESS))
        return;
    GetModuleFileNameW(NULL, path, ARRAYSIZE(path));
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" /late:%Ix", path, (ULONG_PTR)pipe);
    if (!CreateProcessW(path, cmdline, NULL, NULL, TRUE, DETACHED_PROCESS, NULL, NULL, &si, &pi)) return;
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
}

/* The late child: a moment after the worker ended, a failure for each fake
 * handler; then news nobody wants, until the session is gone. */
static int run_late_child(const WCHAR *arg)
{
    struct payload payload = { 0 };
    struct wire_header header;
    struct wire_end end = { E_FAIL, TRUE, SYNCMGRSTATUS_FAILED, 0, 0 };
    DWORD start = GetTickCount();
    unsigned int k;

    out_pipe = (HANDLE)(ULONG_PTR)wcstoull(arg, NULL, 16);
    Sleep(300);
    for (k = 0; k < FAKE_COUNT; k++)
    {
        const CLSID clsid = TEST_HANDLER_CLSID(FAKE_FIRST + k);

        put(&payload, &end, sizeof(end));
        put_string(&payload, L"" FAKE_MARKER " late");
        header.type = WIRE_FAIL;
        header.size = payload.size;
        header.handler = clsid;
        write_all(&header, sizeof(header));
        write_all(payload.data, payload.size);
        payload.size = 0;
    }
    header.type = 0x4c415445;
    header.size = 0;
    header.handler = GUID_NULL;
    while (GetTickCount() - start < 60000)
    {
        write_all(&header, sizeof(header));
        Sleep(100);
    }
    return 0;
}

/* channel: "IN,OUT", the two inherited handles in hex, as relay.c reads it. */
static BOOL open_channel(const WCHAR *channel)
{
    WCHAR *end;

    if (!channel || wcsnicmp(channel, L"/worker:", 8)) return FALSE;
    in_pipe = (HANDLE)(ULONG_PTR)wcstoull(channel + 8, &end, 16);
    if (*end != ',') return FALSE;
    out_pipe = (HANDLE)(ULONG_PTR)wcstoull(end + 1, &end, 16);
    return !*end;
}

int wmain(int argc, WCHAR *argv[])
{
    struct wire_header header;
    struct wire_session *session;
    struct messages list = { 0 };
    CLSID *clsids, *extra;
    unsigned int seed, i, k, extra_count = 0, cut;
    char text[128];
    BYTE *data;
    HANDLE thread = NULL;

    if (argc == 2 && !wcsnicmp(argv[1], L"/late:", 6)) return run_late_child(argv[1] + 6);
    if (argc != 2 || !open_channel(argv[1])) return 2;
    if (!GetEnvironmentVariableA(FAKE_SEED_VARIABLE, text, sizeof(text))
            || !fake_plan_from_text(text, &plan))
        return 2;
    seed = strtoul(text, NULL, 10);
    if (!GetEnvironmentVariableA(FAKE_LOG_VARIABLE, log_path, sizeof(log_path))) log_path[0] = 0;
    fake_alive_mutex(log_path, text, sizeof(text));
    CreateMutexA(NULL, TRUE, text);
    log_line("pid %lx", GetCurrentProcessId());
    fake_details_init(&random, seed);
    if (plan.terminal == FAKE_no_read) stop(FAKE_no_read, NULL);

    /* The session, as relay.c checks it. */
    if (!read_all(in_pipe, &header, sizeof(header)) || header.type != WIRE_SESSION
            || header.size < sizeof(*session) || header.size > WIRE_MAX_MESSAGE
            || !(data = malloc(header.size)) || !read_all(in_pipe, data, header.size))
        return 2;
    session = (struct wire_session *)data;
    if (header.size != sizeof(*session) + session->cookie_size + session->item_count * sizeof(GUID)
            + session->handler_count * sizeof(CLSID))
        return 2;
    clsids = (CLSID *)(data + sizeof(*session) + session->cookie_size + session->item_count * sizeof(GUID));
    if (!(extra = malloc(max(session->handler_count, 1) * sizeof(*extra)))) return 3;
    for (i = 0; i < session->handler_count; i++)
    {
        const CLSID base = TEST_HANDLER_CLSID(0);

        k = clsids[i].Data4[7] - FAKE_FIRST;
        clsids[i].Data4[7] = 0;
        if (!IsEqualCLSID(&clsids[i], &base) || k >= FAKE_COUNT || handlers[k].plan)
        {
            clsids[i].Data4[7] = k + FAKE_FIRST;
            extra[extra_count++] = clsids[i];
            continue;
        }
        clsids[i].Data4[7] = k + FAKE_FIRST;
        handlers[k].clsid = clsids[i];
        handlers[k].n = k + FAKE_FIRST;
        handlers[k].plan = &plan.handlers[k];
    }
    for (k = 0; k < FAKE_COUNT; k++) if (!handlers[k].plan) return 2;

    /* The hanging one reads nothing either. */
    InitializeCriticalSection(&write_cs);
    if (!(answer_event = CreateEventW(NULL, TRUE, FALSE, NULL))
            || !(control_event = CreateEventW(NULL, FALSE, FALSE, NULL)))
        return 3;
    if (plan.terminal != FAKE_hang && plan.terminal != FAKE_modeless_flood
            && !(thread = CreateThread(NULL, 0, drain_thread, NULL, 0, NULL)))
        return 3;
    for (k = 0; k < FAKE_COUNT; k++) build_handler(k);
    build_session(&list, extra, extra_count, &cut);

    for (i = 0; i < list.count; i++)
    {
        if (plan.terminal != -1 && i == cut) stop(plan.terminal, &list.items[i]);
        send_message(&list.items[i]);
    }
    if (plan.terminal != -1 && cut != ~0u && cut >= list.count) stop(plan.terminal, NULL);
    if (fake_has(&plan, FAKE_late_child, NULL))
    {
        log_kind(FAKE_late_child);
        start_late_child();
    }
    quit(0);
    return 0;
}
