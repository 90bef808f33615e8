/*
 * mobsync.exe: a session's records of the handlers its worker runs, and
 * what the worker's messages do to them
 *
 * Each message of a worker (relay.c) about a handler is applied to the
 * session's record of it through the same calls the handler's own thread
 * would make, so that it prints, counts and keeps its check states as any
 * other. Nothing is trusted: sizes, counts, indexes and strings are checked
 * against the message before use.
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

#include "mobsync_private.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* An item table on its way, in parts. */
struct incoming
{
    struct item *items;
    DWORD total, received;
};

struct mirror
{
    struct handler **handlers; /* a reference each */
    struct incoming *incoming; /* per handler */
    unsigned int count;
    BOOL modeless_pending;     /* the answer to a WIRE_MODELESS that asked */
    struct wire_modeless_answer modeless;
};

/* The records of the handlers, each given up on at deadline when the
 * worker has not reported it by then; NULL when memory ran out. */
struct mirror *mirror_create(struct handler **handlers, unsigned int count, DWORD deadline)
{
    struct mirror *mirror;
    unsigned int i;

    if (!(mirror = calloc(1, sizeof(*mirror)))) return NULL;
    if (!(mirror->handlers = malloc(max(count, 1) * sizeof(*mirror->handlers)))
            || !(mirror->incoming = calloc(max(count, 1), sizeof(*mirror->incoming))))
    {
        free(mirror->handlers);
        free(mirror);
        return NULL;
    }
    for (i = 0; i < count; i++)
    {
        handler_addref(handlers[i]);
        handler_set_thread(handlers[i], NULL, deadline);
        mirror->handlers[mirror->count++] = handlers[i];
    }
    return mirror;
}

void mirror_free(struct mirror *mirror)
{
    unsigned int i;

    for (i = 0; i < mirror->count; i++)
    {
        free(mirror->incoming[i].items);
        handler_release(mirror->handlers[i]);
    }
    free(mirror->handlers);
    free(mirror->incoming);
    free(mirror);
}

/* The worker is gone, or never came: what it had left fails, saying why. */
void mirror_fail_all(struct mirror *mirror, HRESULT hr, const WCHAR *message)
{
    unsigned int i;

    for (i = 0; i < mirror->count; i++) handler_fail(mirror->handlers[i], hr, message);
}

static int find_handler(struct mirror *mirror, const CLSID *clsid)
{
    unsigned int i;

    for (i = 0; i < mirror->count; i++)
        if (IsEqualCLSID(handler_clsid(mirror->handlers[i]), clsid)) return i;
    return -1;
}

/* A string that ends within the message, or NULL. */
static const WCHAR *get_string(const BYTE *data, DWORD size)
{
    const WCHAR *str = (const WCHAR *)data;
    DWORD i, len = size / sizeof(WCHAR);

    for (i = 0; i < len; i++) if (!str[i]) return str;
    return NULL;
}

static void take_items(struct mirror *mirror, unsigned int index, const BYTE *data, DWORD size)
{
    struct incoming *in = &mirror->incoming[index];
    const struct wire_item *src;
    DWORD head[3], i;

    if (size < sizeof(head)) return;
    memcpy(head, data, sizeof(head));
    if (head[0] > MAX_ITEMS || head[1] > head[0] || head[2] > head[0] - head[1]
            || size != sizeof(head) + head[2] * sizeof(*src))
        return;
    if (!head[1])
    {
        free(in->items);
        in->received = 0;
        in->total = head[0];
        if (!(in->items = calloc(max(head[0], 1), sizeof(*in->items))))
        {
            WCHAR message[256];

            handler_fail(mirror->handlers[index], E_OUTOFMEMORY,
                         load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
            return;
        }
    }
    if (!in->items || head[0] != in->total || head[1] != in->received) return;
    src = (const struct wire_item *)(data + sizeof(head));
    for (i = 0; i < head[2]; i++)
    {
        struct item *item = &in->items[head[1] + i];

        item->id = src[i].id;
        copy_name(item->name, src[i].name, ARRAYSIZE(src[i].name));
        item->flags = src[i].flags;
        item->last_update = src[i].last_update;
        item->icon = src[i].icon >= 0 && src[i].icon < MAX_ITEM_ICONS ? src[i].icon : -1;
        item->checked = src[i].checked != 0;
    }
    in->received += head[2];
    if (in->received < in->total) return;
    handler_set_items(mirror->handlers[index], in->items, in->total);
    in->items = NULL;
}

/* WIRE_FAIL and WIRE_FINISH: the statuses first, then the end. */
static void take_end(struct handler *handler, DWORD type, const BYTE *data, DWORD size)
{
    const WCHAR *message = NULL;
    struct wire_end end;
    DWORD statuses;

    if (size < sizeof(end)) return;
    memcpy(&end, data, sizeof(end));
    if (end.count > MAX_ITEMS) return;
    statuses = end.count * sizeof(DWORD);
    if (size < sizeof(end) + statuses) return;
    if (type == WIRE_FAIL && !(message = get_string(data + sizeof(end) + statuses,
                                                    size - sizeof(end) - statuses)))
        return;
    handler_set_statuses(handler, (const DWORD *)(data + sizeof(end)), end.count);
    if (message) handler_fail_relayed(handler, end.hr, message, end.show_code);
    else if (end.skipped) handler_skip(handler);
    else handler_finish(handler, end.default_status);
}

/* The icon the worker sent, as an icon of this process; what the trace
 * shows of it is read back from that icon. */
/* The wire's progress, as the record takes it. */
static void set_progress(struct handler *handler, const struct wire_progress *wire, unsigned int count)
{
    struct item_progress *progress;
    unsigned int i;

    if (!(progress = malloc(max(count, 1) * sizeof(*progress)))) return;
    for (i = 0; i < count; i++)
    {
        progress[i].index = wire[i].index;
        progress[i].status = wire[i].status;
        progress[i].value = wire[i].value;
        progress[i].max = wire[i].max;
    }
    handler_set_progress(handler, progress, count);
    free(progress);
}

static void take_icon(struct handler *handler, const BYTE *pixels, DWORD width, DWORD height)
{
    HICON icon = icon_from_pixels(pixels, width, height);
    BYTE *copy;

    if (icon && TRACE_ON(mobsync) && (copy = icon_to_pixels(icon, &width, &height)))
    {
        TRACE("%s: icon of %lux%lu pixels, checksum %08lx, from the worker.\n",
              debugstr_w(handler_clsid_str(handler)), width, height, icon_checksum(copy, width, height));
        free(copy);
    }
    handler_set_icon(handler, icon);
}

/* WIRE_ITEM_ICON: its index, its size, its pixels. */
static void take_item_icon(struct handler *handler, const BYTE *data, DWORD size)
{
    struct wire_icon icon_size;
    DWORD index;
    HICON icon;

    if (size < sizeof(index) + sizeof(icon_size)) return;
    memcpy(&index, data, sizeof(index));
    memcpy(&icon_size, data + sizeof(index), sizeof(icon_size));
    if (index >= MAX_ITEM_ICONS || icon_size.width > 256 || icon_size.height > 256
            || size != sizeof(index) + sizeof(icon_size) + icon_size.width * icon_size.height * 4)
        return;
    if ((icon = icon_from_pixels(data + sizeof(index) + sizeof(icon_size), icon_size.width,
                                 icon_size.height)))
        handler_set_item_icon(handler, index, icon);
}

/* The answer mirror_apply made to a handler's EnableModeless(TRUE), for
 * the worker: FALSE when there is none. */
BOOL mirror_take_modeless_answer(struct mirror *mirror, struct wire_modeless_answer *answer)
{
    if (!mirror->modeless_pending) return FALSE;
    mirror->modeless_pending = FALSE;
    *answer = mirror->modeless;
    return TRUE;
}

/* Applies a message about one of the handlers to its record; FALSE when it
 * is about none. */
BOOL mirror_apply(struct mirror *mirror, const struct wire_header *header, const BYTE *data)
{
    struct handler *handler;
    const WCHAR *str;
    struct log_entry entry = { { 0 } };
    struct wire_log log;
    DWORD count;
    int index;

    if (header->type < WIRE_NAME || header->type > WIRE_FINISH) return FALSE;
    if ((index = find_handler(mirror, &header->handler)) < 0)
    {
        WARN("Message %#lx for handler %s, not the worker's.\n", header->type,
             debugstr_guid(&header->handler));
        return TRUE;
    }
    handler = mirror->handlers[index];
    switch (header->type)
    {
    case WIRE_NAME:
        if ((str = get_string(data, header->size))) handler_set_name(handler, str);
        break;
    case WIRE_ICON:
    {
        struct wire_icon size;

        if (header->size < sizeof(size)) break;
        memcpy(&size, data, sizeof(size));
        if (size.width > 256 || size.height > 256
                || header->size != sizeof(size) + size.width * size.height * 4)
            break;
        take_icon(handler, data + sizeof(size), size.width, size.height);
        break;
    }
    case WIRE_WARNING:
        if ((str = get_string(data, header->size))) handler_warn(handler, str);
        break;
    case WIRE_ITEMS:
        take_items(mirror, index, data, header->size);
        break;
    case WIRE_CHOICE:
        if (header->size < sizeof(count)) break;
        memcpy(&count, data, sizeof(count));
        if (header->size == sizeof(count) + count) handler_set_choice(handler, data + sizeof(count), count);
        break;
    case WIRE_PROGRESS:
        if (header->size < sizeof(count)) break;
        memcpy(&count, data, sizeof(count));
        if (count <= (header->size - sizeof(count)) / sizeof(struct wire_progress)
                && header->size == sizeof(count) + count * sizeof(struct wire_progress))
            set_progress(handler, (const struct wire_progress *)(data + sizeof(count)), count);
        break;
    case WIRE_LOG:
        if (header->size < sizeof(log)) break;
        memcpy(&log, data, sizeof(log));
        if (!(str = get_string(data + sizeof(log), header->size - sizeof(log)))) break;
        entry.id = log.id;
        entry.item = log.item;
        entry.flags = log.flags;
        entry.has_item = log.has_item != 0;
        handler_log_error(handler, log.level, str, &entry);
        break;
    case WIRE_DELETE_LOG:
        if (header->size == sizeof(GUID)) handler_delete_log_error(handler, (const GUID *)data);
        break;
    case WIRE_FLAGS:
        if (header->size == sizeof(count)) handler_set_flags(handler, *(const DWORD *)data);
        break;
    case WIRE_STATE:
        if (header->size == sizeof(count)) handler_set_remote_state(handler, *(const DWORD *)data);
        break;
    case WIRE_ITEM_ICON:
        take_item_icon(handler, data, header->size);
        break;
    case WIRE_MODELESS:
        /* This process's dialogs decide, for handlers of both architectures. */
        if (header->size != sizeof(struct wire_modeless)) break;
        if (!((const struct wire_modeless *)data)->enable)
        {
            handler_enable_modeless(handler, FALSE);
            break;
        }
        mirror->modeless.serial = ((const struct wire_modeless *)data)->serial;
        mirror->modeless.hr = handler_enable_modeless(handler, TRUE);
        mirror->modeless_pending = TRUE;
        break;
    case WIRE_TEXT:
        if (header->size < sizeof(count)) break;
        memcpy(&count, data, sizeof(count));
        if ((str = get_string(data + sizeof(count), header->size - sizeof(count))))
            handler_set_text(handler, count, str);
        break;
    case WIRE_FAIL:
    case WIRE_FINISH:
        take_end(handler, header->type, data, header->size);
        break;
    }
    return TRUE;
}
