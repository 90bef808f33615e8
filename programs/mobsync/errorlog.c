/*
 * mobsync.exe: a handler's error log, and the retry ShowError may ask for
 *
 * The part of the handler record's code (handler.c, items.c) for LogError,
 * DeleteLogError, /showerrors and ShowErrorCompleted's items. Under the
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
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Most entries a handler's log keeps for the progress dialog; the lines of
 * those beyond are still written. */
#define MAX_LOG_ENTRIES 10000

/* LogError, with the manager's copies: its line, and the entry kept, with
 * its text, for the progress dialog's Results and for ShowError. */
HRESULT handler_log_error(struct handler *handler, DWORD level, const WCHAR *text,
        const struct log_entry *entry)
{
    struct log_entry *log;
    unsigned int size;

    lock(handler);
    if (handler->finished || handler->state == HANDLER_RELEASED)
    {
        unlock(handler);
        return E_UNEXPECTED;
    }
    if (handler->log_count == handler->log_size && handler->log_size < MAX_LOG_ENTRIES)
    {
        size = min(MAX_LOG_ENTRIES, max(16, handler->log_size * 2));
        if ((log = realloc(handler->log, size * sizeof(*log))))
        {
            handler->log = log;
            handler->log_size = size;
        }
    }
    if (handler->log_count < handler->log_size)
    {
        log = &handler->log[handler->log_count];
        *log = *entry;
        log->level = level;
        if ((log->text = malloc((wcslen(text) + 1) * sizeof(WCHAR))))
        {
            wcscpy(log->text, text);
            handler->log_count++;
            handler->log_serial++;
        }
    }
    if (relay_active()) relay_log(&handler->clsid, level, text, entry);
    else report_log(level, handler->clsid_str, entry->has_item ? &entry->item : NULL, text);
    handler_changed_locked(handler);
    unlock(handler);
    return S_OK;
}

/* DeleteLogError; GUID_NULL deletes all of this handler's entries. */
void handler_delete_log_error(struct handler *handler, const GUID *id)
{
    unsigned int i, j;

    lock(handler);
    if (!handler->finished)
    {
        for (i = j = 0; i < handler->log_count; i++)
        {
            if (IsEqualGUID(id, &GUID_NULL) || IsEqualGUID(id, &handler->log[i].id))
            {
                free(handler->log[i].text);
                continue;
            }
            handler->log[j++] = handler->log[i];
        }
        handler->log_count = j;
        handler->log_serial++;
        if (relay_active()) relay_delete_log(&handler->clsid, id);
        handler_changed_locked(handler);
    }
    unlock(handler);
}

/* Takes out of the log the next error that has details to show
 * (/showerrors); FALSE when there is none. */
BOOL handler_next_error(struct handler *handler, SYNCMGRERRORID *id)
{
    unsigned int i;
    BOOL found = FALSE;

    lock(handler);
    for (i = 0; i < handler->log_count; i++)
        if ((handler->log[i].flags & SYNCMGRERRORFLAG_ENABLEJUMPTEXT)
                && !IsEqualGUID(&handler->log[i].id, &GUID_NULL))
            break;
    if (i < handler->log_count && !handler->finished)
    {
        *id = handler->log[i].id;
        free(handler->log[i].text);
        memmove(&handler->log[i], &handler->log[i + 1], (handler->log_count - i - 1)
                * sizeof(*handler->log));
        handler->log_count--;
        found = TRUE;
    }
    unlock(handler);
    return found;
}

/* Whether the handler asked for a retry and has items to retry. */
BOOL handler_wants_retry(struct handler *handler)
{
    BOOL ret;

    lock(handler);
    ret = handler->completion_hr == S_SYNCMGR_RETRYSYNC && handler->retry_count;
    unlock(handler);
    return ret;
}

/* The items to synchronize again: exactly those the handler named that it
 * has, chosen and not skipped, each once, never more than capacity. */
ULONG handler_take_retry(struct handler *handler, SYNCMGRITEMID *ids, ULONG capacity)
{
    ULONG i, j, count = 0;
    struct item *item;

    lock(handler);
    for (i = 0; i < handler->retry_count && count < capacity && !handler->finished; i++)
    {
        if (!(item = handler_find_item_locked(handler, &handler->retry_items[i])) || !item->chosen || item->skip)
            continue;
        for (j = 0; j < count; j++) if (IsEqualGUID(&ids[j], &item->id)) break;
        if (j < count) continue;
        TRACE("%s: retrying %s.\n", debugstr_w(handler->clsid_str), debugstr_guid(&item->id));
        item->status = SYNCMGRSTATUS_PENDING;
        item->dirty = handler->dirty = TRUE;
        ids[count++] = item->id;
    }
    unlock(handler);
    return count;
}
