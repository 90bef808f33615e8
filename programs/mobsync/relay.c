/*
 * mobsync.exe as a worker: what its handlers' records go through, sent to
 * the session that started it instead of printed
 *
 * In a worker, the record code (handler.c, items.c) calls these where it
 * would print, count or change what the session shows; the session applies
 * each message to its own record of the handler (worker.c), which prints as
 * if the handler had run in its own process. One writer at a time; a
 * message is one WriteFile. When the session is gone there is nobody to
 * work for: the worker ends.
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this program; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Items per WIRE_ITEMS message: about a megabyte. */
#define ITEMS_PER_MESSAGE 4096

/* How long a handler's EnableModeless(TRUE) waits for the session, in ms. */
#define MODELESS_TIMEOUT 5000

static HANDLE channel;
static CRITICAL_SECTION channel_cs;

/* The EnableModeless(TRUE) waiting for the session's answer: one at a time. */
static CRITICAL_SECTION modeless_cs;
static HANDLE modeless_event;
static LONG modeless_serial;
static HRESULT modeless_hr;

void relay_init(HANDLE handle)
{
    InitializeCriticalSection(&channel_cs);
    InitializeCriticalSection(&modeless_cs);
    modeless_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    channel = handle;
}

BOOL relay_active(void)
{
    return channel != NULL;
}

struct part
{
    const void *data;
    DWORD size;
};

/* One message from up to three parts. */
static void send_parts(DWORD type, const CLSID *handler, const struct part *parts, unsigned int count)
{
    struct wire_header header;
    DWORD size = 0;
    unsigned int i;
    BYTE *buffer;
    BOOL ok;

    for (i = 0; i < count; i++) size += parts[i].size;
    if (!(buffer = malloc(sizeof(header) + size)))
    {
        ERR("Out of memory for a message of %lu bytes; the session will see the worker end.\n", size);
        TerminateProcess(GetCurrentProcess(), 1);
    }
    header.type = type;
    header.size = size;
    header.handler = handler ? *handler : GUID_NULL;
    memcpy(buffer, &header, sizeof(header));
    for (i = 0, size = sizeof(header); i < count; i++)
    {
        if (parts[i].size) memcpy(buffer + size, parts[i].data, parts[i].size);
        size += parts[i].size;
    }
    EnterCriticalSection(&channel_cs);
    ok = wire_write(channel, buffer, size);
    LeaveCriticalSection(&channel_cs);
    free(buffer);
    if (ok) return;
    /* The session ended: what the handlers do now reaches nobody. */
    WARN("The session is gone (error %lu); ending.\n", GetLastError());
    TerminateProcess(GetCurrentProcess(), 1);
}

static void send_one(DWORD type, const CLSID *handler, const void *data, DWORD size)
{
    struct part part = { data, size };

    send_parts(type, handler, &part, 1);
}

static DWORD string_size(const WCHAR *str)
{
    return (wcslen(str) + 1) * sizeof(WCHAR);
}

void relay_hello(void)
{
    DWORD pointer_size = sizeof(void *);

    send_one(WIRE_HELLO, NULL, &pointer_size, sizeof(pointer_size));
}

void relay_done(void)
{
    send_one(WIRE_DONE, NULL, NULL, 0);
}

void relay_answer(DWORD serial, unsigned int count)
{
    struct wire_answer answer = { serial, count };

    send_one(WIRE_ANSWER, NULL, &answer, sizeof(answer));
}

void relay_name(const CLSID *handler, const WCHAR *name)
{
    send_one(WIRE_NAME, handler, name, string_size(name));
}

/* A Wine HICON is a handle of this process only: its pixels cross. */
void relay_icon(const CLSID *handler, HICON icon)
{
    struct wire_icon size;
    struct part parts[2];
    BYTE *pixels;

    if (!icon || !(pixels = icon_to_pixels(icon, &size.width, &size.height))) return;
    TRACE("%s: icon of %lux%lu pixels, checksum %08lx.\n", debugstr_guid(handler), size.width,
          size.height, icon_checksum(pixels, size.width, size.height));
    parts[0].data = &size;
    parts[0].size = sizeof(size);
    parts[1].data = pixels;
    parts[1].size = size.width * size.height * 4;
    send_parts(WIRE_ICON, handler, parts, 2);
    free(pixels);
}

/* An item icon, at its index in the handler's table of them. */
void relay_item_icon(const CLSID *handler, unsigned int index, HICON icon)
{
    struct wire_icon size;
    struct part parts[3];
    DWORD head = index;
    BYTE *pixels;

    if (!icon || !(pixels = icon_to_pixels(icon, &size.width, &size.height))) return;
    parts[0].data = &head;
    parts[0].size = sizeof(head);
    parts[1].data = &size;
    parts[1].size = sizeof(size);
    parts[2].data = pixels;
    parts[2].size = size.width * size.height * 4;
    send_parts(WIRE_ITEM_ICON, handler, parts, 3);
    free(pixels);
}

/* An item's status text, when it changed, at the pace of its progress. */
void relay_text(const CLSID *handler, unsigned int index, const WCHAR *text)
{
    struct part parts[2];
    DWORD head = index;

    parts[0].data = &head;
    parts[0].size = sizeof(head);
    parts[1].data = text;
    parts[1].size = string_size(text);
    send_parts(WIRE_TEXT, handler, parts, 2);
}

/* EnableModeless(FALSE): the handler's window is gone. */
void relay_modeless(const CLSID *handler, BOOL enable)
{
    struct wire_modeless modeless = { enable };

    send_one(WIRE_MODELESS, handler, &modeless, sizeof(modeless));
}

/* EnableModeless(TRUE): the session decides, so that one handler of
 * either architecture at a time shows its window; S_FALSE when it said no
 * or did not answer in time. */
HRESULT relay_ask_modeless(const CLSID *handler)
{
    struct wire_modeless modeless = { TRUE };
    HRESULT hr = S_FALSE;

    if (!modeless_event) return S_FALSE;
    EnterCriticalSection(&modeless_cs);
    ResetEvent(modeless_event);
    modeless_hr = S_FALSE;
    modeless.serial = InterlockedIncrement(&modeless_serial);
    send_one(WIRE_MODELESS, handler, &modeless, sizeof(modeless));
    if (!WaitForSingleObject(modeless_event, MODELESS_TIMEOUT)) hr = modeless_hr;
    else
    {
        /* Whatever it decides later is given back at once. */
        WARN("The session did not answer EnableModeless in time.\n");
        relay_modeless(handler, FALSE);
    }
    LeaveCriticalSection(&modeless_cs);
    return hr;
}

/* The session's answer, from the thread that reads what it sends; one
 * for a request that stopped waiting counts for nobody. */
void relay_modeless_answer(DWORD serial, HRESULT hr)
{
    if (serial != (DWORD)InterlockedCompareExchange(&modeless_serial, 0, 0)) return;
    modeless_hr = hr;
    SetEvent(modeless_event);
}

void relay_flags(const CLSID *handler, DWORD flags)
{
    send_one(WIRE_FLAGS, handler, &flags, sizeof(flags));
}

void relay_state(const CLSID *handler, DWORD state)
{
    send_one(WIRE_STATE, handler, &state, sizeof(state));
}

void relay_warning(const CLSID *handler, const WCHAR *text)
{
    send_one(WIRE_WARNING, handler, text, string_size(text));
}

/* The item table, in parts of ITEMS_PER_MESSAGE; the session takes it when
 * the last part is in. */
void relay_items(const CLSID *handler, const struct item *items, unsigned int count)
{
    unsigned int first = 0, i, n;
    struct wire_item *batch;
    struct part parts[2];
    DWORD head[3];

    if (!(batch = calloc(min(max(count, 1), ITEMS_PER_MESSAGE), sizeof(*batch))))
    {
        ERR("Out of memory for the item table.\n");
        TerminateProcess(GetCurrentProcess(), 1);
    }
    do
    {
        n = min(count - first, ITEMS_PER_MESSAGE);
        for (i = 0; i < n; i++)
        {
            batch[i].id = items[first + i].id;
            lstrcpynW(batch[i].name, items[first + i].name, ARRAYSIZE(batch[i].name));
            batch[i].flags = items[first + i].flags;
            batch[i].last_update = items[first + i].last_update;
            batch[i].icon = items[first + i].icon;
            batch[i].checked = items[first + i].checked;
        }
        head[0] = count;
        head[1] = first;
        head[2] = n;
        parts[0].data = head;
        parts[0].size = sizeof(head);
        parts[1].data = batch;
        parts[1].size = n * sizeof(*batch);
        send_parts(WIRE_ITEMS, handler, parts, 2);
        first += n;
    } while (first < count);
    free(batch);
}

/* What the user's settings (or /item:) made of each item. */
void relay_choice(const CLSID *handler, const struct item *items, unsigned int count)
{
    struct part parts[2];
    DWORD head = count;
    unsigned int i;
    BYTE *bits;

    if (!(bits = malloc(max(count, 1))))
    {
        ERR("Out of memory for the choice.\n");
        TerminateProcess(GetCurrentProcess(), 1);
    }
    for (i = 0; i < count; i++) bits[i] = (items[i].checked ? 1 : 0) | (items[i].chosen ? 2 : 0);
    parts[0].data = &head;
    parts[0].size = sizeof(head);
    parts[1].data = bits;
    parts[1].size = count;
    send_parts(WIRE_CHOICE, handler, parts, 2);
    free(bits);
}

/* The items whose status or progress changed since last time, in one
 * message however many Progress calls made them: a handler reporting
 * a hundred thousand times costs a few messages. */
void relay_progress(const CLSID *handler, struct item *items, unsigned int count)
{
    struct wire_progress batch[256];
    struct part parts[2];
    unsigned int i, n = 0;
    DWORD head;

    for (i = 0; i <= count; i++)
    {
        if (n == ARRAYSIZE(batch) || (i == count && n))
        {
            head = n;
            parts[0].data = &head;
            parts[0].size = sizeof(head);
            parts[1].data = batch;
            parts[1].size = n * sizeof(*batch);
            send_parts(WIRE_PROGRESS, handler, parts, 2);
            n = 0;
        }
        if (i == count || !items[i].dirty) continue;
        items[i].dirty = FALSE;
        batch[n].index = i;
        batch[n].status = items[i].status;
        batch[n].value = items[i].progress;
        batch[n].max = items[i].progress_max;
        n++;
    }
}

void relay_log(const CLSID *handler, DWORD level, const WCHAR *text, const struct log_entry *entry)
{
    struct wire_log log;
    struct part parts[2];

    log.level = level;
    log.flags = entry->flags;
    log.has_item = entry->has_item;
    log.id = entry->id;
    log.item = entry->item;
    parts[0].data = &log;
    parts[0].size = sizeof(log);
    parts[1].data = text;
    parts[1].size = string_size(text);
    send_parts(WIRE_LOG, handler, parts, 2);
}

void relay_delete_log(const CLSID *handler, const GUID *id)
{
    send_one(WIRE_DELETE_LOG, handler, id, sizeof(*id));
}

/* The handler is finished (message NULL) or failed: with every item's
 * status as the worker settled it, so that the session prints the same
 * results (an item skipped meanwhile, say). */
void relay_end(const CLSID *handler, HRESULT hr, const WCHAR *message, BOOL show_code,
        DWORD default_status, BOOL skipped, const struct item *items, unsigned int count)
{
    struct part parts[3];
    struct wire_end end;
    unsigned int i;
    DWORD *statuses;

    if (!(statuses = malloc(max(count, 1) * sizeof(*statuses))))
    {
        ERR("Out of memory for the results.\n");
        TerminateProcess(GetCurrentProcess(), 1);
    }
    for (i = 0; i < count; i++) statuses[i] = items[i].status;
    end.hr = hr;
    end.show_code = show_code;
    end.default_status = default_status;
    end.skipped = skipped;
    end.count = count;
    parts[0].data = &end;
    parts[0].size = sizeof(end);
    parts[1].data = statuses;
    parts[1].size = count * sizeof(*statuses);
    parts[2].data = message;
    parts[2].size = message ? string_size(message) : 0;
    send_parts(message ? WIRE_FAIL : WIRE_FINISH, handler, parts, 3);
    free(statuses);
}
