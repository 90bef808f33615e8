/*
 * mobsync.exe: what a handler says about itself
 *
 * Its SYNCMGRHANDLERINFO and its items, read on the handler's thread and
 * trusted in nothing: the information is copied with guard_copy, the items
 * are checked and read into a table of the thread's own, which the record
 * gets complete (handler_set_items).
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

/* Items asked for per ISyncMgrEnumItems::Next call. */
#define ENUM_BATCH 64

/* GetHandlerInfo: the handler's name into its record. */
BOOL loader_get_info(struct handler *handler, ISyncMgrSynchronize *sync)
{
    SYNCMGRHANDLERINFO *info = NULL, copy;
    WCHAR message[256];
    HRESULT hr;

    hr = ISyncMgrSynchronize_GetHandlerInfo(sync, &info);
    /* Its memory is read into ours first, and trusted no further. */
    if (FAILED(hr) || !info || !guard_copy(&copy.cbSize, &info->cbSize, sizeof(copy.cbSize))
            || copy.cbSize != sizeof(copy) || !guard_copy(&copy, info, sizeof(copy)))
    {
        /* Not freed: memory this broken may not be the handler's CoTaskMemAlloc. */
        format_message(message, ARRAYSIZE(message), IDS_BAD_HANDLER_INFO, hr);
        handler_fail(handler, FAILED(hr) ? hr : E_UNEXPECTED, message);
        return FALSE;
    }
    CoTaskMemFree(info);
    handler_set_name(handler, copy.wszHandlerName);
    handler_set_flags(handler, copy.SyncMgrHandlerFlags);
    /* The icon stays the handler's: the record keeps a copy, or a worker
     * sends its pixels to the session. */
    if (!copy.hIcon) ;
    else if (relay_active()) relay_icon(handler_clsid(handler), copy.hIcon);
    else handler_set_icon(handler, CopyIcon(copy.hIcon));
    return TRUE;
}

/* The distinct icons of a handler's items, copied as they come: handlers
 * mostly give all their items the same one or two. */
struct icon_table
{
    HICON sources[MAX_ITEM_ICONS];
    HICON copies[MAX_ITEM_ICONS];
    unsigned int count;
    BOOL wanted;           /* only the choice dialog shows them */
};

static int add_icon(struct icon_table *table, HICON icon)
{
    unsigned int i;

    if (!icon || !table->wanted) return -1;
    for (i = 0; i < table->count; i++) if (table->sources[i] == icon) return i;
    if (table->count == MAX_ITEM_ICONS) return -1;
    /* An icon that is none is refused here, in the manager's own call. */
    if (!(table->copies[table->count] = CopyIcon(icon))) return -1;
    table->sources[table->count] = icon;
    return table->count++;
}

/* The copies, for the record to keep. */
static void hand_over_icons(struct handler *handler, struct icon_table *table)
{
    HICON *icons = NULL;
    unsigned int i;

    if (!table->wanted) return;
    if (table->count && !(icons = malloc(table->count * sizeof(*icons))))
    {
        for (i = 0; i < table->count; i++) DestroyIcon(table->copies[i]);
        table->count = 0;
    }
    else if (table->count) memcpy(icons, table->copies, table->count * sizeof(*icons));
    handler_set_item_icons(handler, icons, table->count);
    table->count = 0;
}

static void free_icon_table(struct icon_table *table)
{
    unsigned int i;

    for (i = 0; i < table->count; i++) DestroyIcon(table->copies[i]);
    table->count = 0;
}

static BOOL add_item(struct handler *handler, struct item **items, unsigned int *count,
        unsigned int *size, const SYNCMGRITEM *src, struct icon_table *icons)
{
    WCHAR message[256], id_str[39];
    struct item *item;

    if (src->cbSize != sizeof(*src))
    {
        guid_to_string(&src->ItemID, id_str);
        format_message(message, ARRAYSIZE(message), IDS_BAD_ITEM_SIZE, id_str, src->cbSize,
                       (DWORD)sizeof(*src));
        handler_warn(handler, message);
    }
    if (*count == *size)
    {
        unsigned int new_size = max(16, *size * 2);
        struct item *new_items = realloc(*items, new_size * sizeof(*new_items));

        if (!new_items) return FALSE;
        *items = new_items;
        *size = new_size;
    }
    item = &(*items)[(*count)++];
    memset(item, 0, sizeof(*item));
    item->id = src->ItemID;
    item->checked = src->dwItemState == SYNCMGRITEMSTATE_CHECKED;
    item->status = SYNCMGRSTATUS_PENDING;
    copy_name(item->name, src->wszItemName, ARRAYSIZE(item->name));
    item->flags = src->dwFlags;
    if (src->dwFlags & SYNCMGRITEM_LASTUPDATETIME) item->last_update = src->ftLastUpdate;
    item->icon = add_icon(icons, src->hIcon);
    return TRUE;
}

/* Copies the items out of the handler's enumerator, trusting none of it,
 * into a table of this thread's own: the handler's record gets it when it
 * is complete, so that nobody else ever sees it change. */
static HRESULT read_items(struct handler *handler, ISyncMgrEnumItems *enumerator)
{
    struct icon_table icons = { .wanted = handler_session(handler)->mode == MODE_CHOOSE };
    struct item *items = NULL;
    unsigned int count = 0, size = 0, i;
    SYNCMGRITEM *batch;
    WCHAR message[256];
    ULONG fetched;
    HRESULT hr;

    if (!(batch = malloc(ENUM_BATCH * sizeof(*batch)))) return E_OUTOFMEMORY;
    for (;;)
    {
        fetched = 0;
        memset(batch, 0, ENUM_BATCH * sizeof(*batch));
        hr = ISyncMgrEnumItems_Next(enumerator, ENUM_BATCH, batch, &fetched);
        if (FAILED(hr)) break;
        if (fetched > ENUM_BATCH)
        {
            format_message(message, ARRAYSIZE(message), IDS_FETCHED_TOO_MANY, fetched, ENUM_BATCH);
            hr = E_UNEXPECTED;
            goto failed;
        }
        for (i = 0; i < fetched; i++)
        {
            if (count >= MAX_ITEMS)
            {
                format_message(message, ARRAYSIZE(message), IDS_TOO_MANY_ITEMS, MAX_ITEMS);
                handler_warn(handler, message);
                hr = S_FALSE;
                break;
            }
            if (!add_item(handler, &items, &count, &size, &batch[i], &icons))
            {
                hr = E_OUTOFMEMORY;
                load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message));
                goto failed;
            }
        }
        /* Given up on meanwhile: no more calls into it. */
        if (handler_finished(handler))
        {
            free(batch);
            free(items);
            free_icon_table(&icons);
            return E_ABORT;
        }
        if (hr != S_OK || !fetched || count >= MAX_ITEMS) break;
    }
    if (FAILED(hr))
    {
        format_message(message, ARRAYSIZE(message), IDS_ENUM_FAILED, hr);
        goto failed;
    }
    free(batch);
    TRACE("%s: %u items, %u item icons.\n", debugstr_w(handler_clsid_str(handler)), count,
          icons.count);
    hand_over_icons(handler, &icons);
    /* E_ABORT: finished meanwhile, nothing to say. */
    if ((hr = handler_set_items(handler, items, count)) == E_OUTOFMEMORY)
        handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
    return hr;

failed:
    free(batch);
    free(items);
    free_icon_table(&icons);
    handler_fail(handler, hr, message);
    return hr;
}

static BOOL keep_item(const GUID *item, void *handler)
{
    return handler_has_item(handler, item);
}

/* EnumSyncMgrItems, the items into the record, and the settings of items
 * gone dropped: TRUE when that worked. */
BOOL loader_enumerate(struct handler *handler, ISyncMgrSynchronize *sync)
{
    ISyncMgrEnumItems *items = NULL;
    WCHAR message[256];
    HRESULT hr;

    hr = ISyncMgrSynchronize_EnumSyncMgrItems(sync, &items);
    if (FAILED(hr) || !items)
    {
        format_message(message, ARRAYSIZE(message), IDS_ENUM_FAILED, FAILED(hr) ? hr : E_POINTER);
        handler_fail(handler, FAILED(hr) ? hr : E_POINTER, message);
        return FALSE;
    }
    /* S_SYNCMGR_ITEMDELETED and S_SYNCMGR_ENUMITEMS are accepted as S_OK. */
    if (FAILED(read_items(handler, items)))
    {
        ISyncMgrEnumItems_Release(items);
        return FALSE;
    }
    if (hr != S_SYNCMGR_MISSINGITEMS) prune_item_settings(handler_clsid(handler), keep_item, handler);
    ISyncMgrEnumItems_Release(items);
    return TRUE;
}

