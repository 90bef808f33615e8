/*
 * mobsync.exe: a handler's item table and error log
 *
 * The half of the handler record's code (handler.c) that deals with its
 * items: the table the handler's thread hands over complete, the choice,
 * what /skip does to it, and /list (reports.c has Progress and what a
 * worker says of it, errorlog.c LogError and the retry). Under the
 * record's lock, on the manager's own copies.
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

#include "handler_private.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Called with the lock held. */
struct item *handler_find_item_locked(struct handler *handler, const GUID *id)
{
    unsigned int lo = 0, hi = handler->item_count, mid;
    int cmp;

    if (handler->last_item < handler->item_count
            && IsEqualGUID(&handler->items[handler->last_item].id, id))
        return &handler->items[handler->last_item];
    if (!handler->sorted) return NULL;
    while (lo < hi)
    {
        mid = (lo + hi) / 2;
        cmp = memcmp(id, &handler->sorted[mid].id, sizeof(*id));
        if (!cmp)
        {
            handler->last_item = handler->sorted[mid].index;
            return &handler->items[handler->last_item];
        }
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

BOOL handler_has_item(struct handler *handler, const GUID *id)
{
    BOOL ret;

    lock(handler);
    ret = handler_find_item_locked(handler, id) != NULL;
    unlock(handler);
    return ret;
}

unsigned int handler_item_count(struct handler *handler)
{
    unsigned int count;

    lock(handler);
    count = handler->item_count;
    unlock(handler);
    return count;
}

/* Orders by ID, then by place in the enumeration: no shared state, since
 * every handler thread sorts its own items at the same time. */
static int __cdecl compare_keys(const void *a, const void *b)
{
    const struct item_key *ka = a, *kb = b;
    int cmp = memcmp(&ka->id, &kb->id, sizeof(ka->id));

    return cmp ? cmp : (ka->index > kb->index) - (ka->index < kb->index);
}

static void build_keys(struct item_key *keys, const struct item *items, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        keys[i].id = items[i].id;
        keys[i].index = i;
    }
    qsort(keys, count, sizeof(*keys), compare_keys);
}

/* Takes the items the handler's thread read, in a table nobody else has
 * seen: drops the items whose ID came before (the first of a duplicate
 * stands; sorting finds them in O(n log n)), builds the GUID-ordered index
 * Progress searches, and only then makes the table the handler's. E_ABORT
 * when the handler is finished meanwhile: the table is freed. */
HRESULT handler_set_items(struct handler *handler, struct item *items, unsigned int count)
{
    WCHAR message[256], id_str[39];
    struct item_key *sorted = NULL;
    unsigned int i, j;
    BOOL *drop;

    if (count)
    {
        if (!(sorted = malloc(count * sizeof(*sorted))) || !(drop = calloc(count, sizeof(*drop))))
        {
            free(sorted);
            free(items);
            return E_OUTOFMEMORY;
        }
        build_keys(sorted, items, count);
        for (i = 1; i < count; i++)
        {
            if (!IsEqualGUID(&sorted[i].id, &sorted[i - 1].id)) continue;
            drop[sorted[i].index] = TRUE;
            guid_to_string(&sorted[i].id, id_str);
            format_message(message, ARRAYSIZE(message), IDS_DUPLICATE_ITEM, id_str);
            handler_warn(handler, message);
        }
        for (i = j = 0; i < count; i++) if (!drop[i]) items[j++] = items[i];
        free(drop);
        if (j != count)
        {
            count = j;
            build_keys(sorted, items, count);
        }
    }

    lock(handler);
    if (handler->finished)
    {
        unlock(handler);
        free(items);
        free(sorted);
        return E_ABORT;
    }
    free_items(handler->items, handler->item_count);
    free(handler->sorted);
    handler->items = items;
    handler->sorted = sorted;
    handler->item_count = count;
    handler->last_item = 0;
    if (relay_active()) relay_items(&handler->clsid, items, count);
    handler_changed_locked(handler);
    unlock(handler);
    return S_OK;
}

/* Whether /item: named it; then the session knows a handler has it. */
static BOOL item_requested(struct session *session, const GUID *id)
{
    unsigned int i;

    for (i = 0; i < session->only_item_count; i++)
    {
        if (!IsEqualGUID(&session->only_items[i], id)) continue;
        InterlockedExchange(&session->found_items[i], TRUE);
        return TRUE;
    }
    return FALSE;
}

/* Reads each item's check state as the user left it (or as the handler
 * gave it), and, synchronizing, chooses the checked ones (or those the
 * command line named). Gives the chosen IDs in a new array, and their
 * number; 0 and NULL when none is chosen or memory ran out (*hr). */
unsigned int handler_choose_items(struct handler *handler, SYNCMGRITEMID **ids, HRESULT *hr)
{
    struct session *session = handler->session;
    HKEY settings = open_item_settings(&handler->clsid);
    HKEY choice = settings_open_choice(session, &handler->clsid);
    unsigned int i, count = 0;

    *ids = NULL;
    *hr = S_OK;
    lock(handler);
    for (i = 0; i < handler->item_count; i++)
    {
        struct item *item = &handler->items[i];

        read_item_state(settings, &item->id, &item->checked);
        /* An event or a schedule: what Synchronization Settings chose. */
        if (session->choice_key[0]) item->checked = settings_chosen(session, choice, &item->id);
        if (session->mode != MODE_SYNC) continue;
        if (session->only_item_count) item->chosen = item_requested(session, &item->id);
        else item->chosen = item->checked;
        if (item->chosen) count++;
    }
    if (count && !handler->finished)
    {
        if ((*ids = malloc(count * sizeof(**ids))))
        {
            for (i = count = 0; i < handler->item_count; i++)
                if (handler->items[i].chosen) (*ids)[count++] = handler->items[i].id;
        }
        else *hr = E_OUTOFMEMORY;
    }
    if (!*ids) count = 0;
    if (relay_active() && !handler->finished)
        relay_choice(&handler->clsid, handler->items, handler->item_count);
    handler_changed_locked(handler);
    unlock(handler);
    if (settings) RegCloseKey(settings);
    if (choice) RegCloseKey(choice);
    return count;
}

/* What a worker's handler_choose_items made of each item. */
void handler_set_choice(struct handler *handler, const BYTE *choice, unsigned int count)
{
    struct session *session = handler->session;
    unsigned int i;

    lock(handler);
    if (!handler->finished && count == handler->item_count)
    {
        for (i = 0; i < count; i++)
        {
            struct item *item = &handler->items[i];

            item->checked = (choice[i] & 1) != 0;
            item->chosen = (choice[i] & 2) != 0 && session->mode == MODE_SYNC;
            if (item->chosen && session->only_item_count) item_requested(session, &item->id);
        }
    }
    else WARN("%s: choice of %u items for %u; ignored.\n", debugstr_w(handler->clsid_str), count,
              handler->item_count);
    unlock(handler);
}

/* Skip requests the handler's thread is to pass on with SetItemStatus,
 * at most max at a time; only while PrepareForSync or Synchronize is
 * pending, as the documentation allows. */
unsigned int handler_take_skips(struct handler *handler, SYNCMGRITEMID *ids, unsigned int max)
{
    unsigned int i, count = 0;

    lock(handler);
    if (handler->skips_pending && !handler->finished
            && (handler->state == HANDLER_PREPARING || handler->state == HANDLER_SYNCHRONIZING))
    {
        for (i = 0; i < handler->item_count && count < max; i++)
        {
            struct item *item = &handler->items[i];

            if (!item->skip || item->skip_sent) continue;
            item->skip_sent = TRUE;
            ids[count++] = item->id;
            handler->skips_pending--;
        }
    }
    unlock(handler);
    return count;
}

/* mobsync /skip: taken for an item chosen for this session that has no
 * result yet, from the moment its handler is asked to prepare until it
 * completes Synchronize. */
BOOL handler_skip_item(struct handler *handler, const GUID *id)
{
    struct item *item;
    BOOL taken = FALSE;

    lock(handler);
    if (!handler->finished && (handler->state == HANDLER_PREPARING
            || handler->state == HANDLER_PREPARED || handler->state == HANDLER_SYNCHRONIZING)
            && (item = handler_find_item_locked(handler, id)) && item->chosen && !is_final(item->status)
            && !item->skip)
    {
        TRACE("%s: skipping %s.\n", debugstr_w(handler->clsid_str), debugstr_guid(id));
        item->skip = TRUE;
        item->cancel = TRUE;
        handler->skips_pending++;
        SetEvent(handler->control_event);
        taken = TRUE;
    }
    unlock(handler);
    return taken;
}

/* /list: the handler's lines, or its error line; with /arch, each says in
 * which architecture the handler runs. */
void handler_list(struct handler *handler, struct text *text)
{
    const WCHAR *arch = NULL;
    unsigned int i;

    if (handler->session->show_arch)
        arch = (sizeof(void *) == 8) != handler->remote ? L"64-bit" : L"32-bit";
    lock(handler);
    if (handler->failed)
        report_list_error(text, handler->clsid_str, handler->completion_hr, handler->error, arch);
    else if (!handler->skipped)
    {
        for (i = 0; i < handler->item_count; i++)
        {
            report_list_item(text, handler->clsid_str, &handler->items[i].id,
                             handler->items[i].checked, handler->name, handler->items[i].name, arch);
        }
    }
    unlock(handler);
}

