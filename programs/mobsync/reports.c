/*
 * mobsync.exe: what a handler reports of its items
 *
 * Progress (status, value, maximum, status text), and the same as a
 * worker sends it at its pace: under the record's lock, on the manager's
 * own copies (handler.c, items.c).
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

/* The statuses and progress of the items a worker's handler reported, at
 * most a few times a second however often it called Progress. */
void handler_set_progress(struct handler *handler, const struct wire_progress *progress,
        unsigned int count)
{
    unsigned int i;

    lock(handler);
    for (i = 0; i < count && !handler->finished; i++)
    {
        struct item *item;

        if (progress[i].index >= handler->item_count) continue;
        item = &handler->items[progress[i].index];
        item->status = progress[i].status;
        item->progress = progress[i].value;
        item->progress_max = progress[i].max;
        TRACE("%s: item %s: status %lu, progress %d of %d.\n", debugstr_w(handler->clsid_str),
              debugstr_guid(&item->id), item->status, item->progress, item->progress_max);
    }
    /* The progress dialog looks at its pace. */
    handler->generation++;
    unlock(handler);
}

/* Every item's status as the worker settled it when its handler ended. */
void handler_set_statuses(struct handler *handler, const DWORD *statuses, unsigned int count)
{
    unsigned int i;

    lock(handler);
    if (!handler->finished && count == handler->item_count)
        for (i = 0; i < count; i++) handler->items[i].status = statuses[i];
    unlock(handler);
}

/* In a worker: sends what changed since last time (the watchdog's pace). */
void handler_send_progress(struct handler *handler)
{
    unsigned int i;

    lock(handler);
    if (handler->dirty && !handler->finished)
    {
        for (i = 0; i < handler->item_count; i++)
        {
            if (!handler->items[i].text_dirty) continue;
            relay_text(&handler->clsid, i, handler->items[i].text ? handler->items[i].text : L"");
            handler->items[i].text_dirty = FALSE;
        }
        relay_progress(&handler->clsid, handler->items, handler->item_count);
    }
    handler->dirty = FALSE;
    unlock(handler);
}

/* The item's status text, when it changed: the progress dialog shows it. */
static void set_text_locked(struct handler *handler, struct item *item, const WCHAR *text)
{
    WCHAR *copy;

    if (item->text ? !wcscmp(item->text, text) : !text[0]) return;
    if (!text[0]) copy = NULL;
    else if (!(copy = malloc((wcslen(text) + 1) * sizeof(WCHAR)))) return;
    else wcscpy(copy, text);
    free(item->text);
    item->text = copy;
    item->text_dirty = item->dirty = handler->dirty = TRUE;
}

/* What a worker's handler reported as an item's status text. */
void handler_set_text(struct handler *handler, unsigned int index, const WCHAR *text)
{
    lock(handler);
    if (!handler->finished && index < handler->item_count)
    {
        set_text_locked(handler, &handler->items[index], text);
        handler->generation++;
    }
    unlock(handler);
}

/* Progress, with the manager's copies of the ID, the report and its text
 * (NULL when it has none). */
HRESULT handler_progress(struct handler *handler, const GUID *id, const SYNCMGRPROGRESSITEM *progress,
        const WCHAR *text)
{
    DWORD mask = progress->mask;
    struct item *item;
    HRESULT ret;

    lock(handler);
    if (handler->finished || handler->state == HANDLER_RELEASED)
        ret = E_UNEXPECTED;
    else if (!(item = handler_find_item_locked(handler, id)))
    {
        WARN("%s: Progress for unknown item %s.\n", debugstr_w(handler->clsid_str),
             debugstr_guid(id));
        ret = E_INVALIDARG;
    }
    else
    {
        /* A final status sticks: later reports cannot undo a result. */
        if ((mask & SYNCMGRPROGRESSITEM_STATUSTYPE) && item->chosen && !is_final(item->status)
                && item->status != progress->dwStatusType)
        {
            item->status = progress->dwStatusType;
            item->dirty = handler->dirty = TRUE;
        }
        if ((mask & SYNCMGRPROGRESSITEM_PROGVALUE) && item->progress != progress->iProgValue)
        {
            item->progress = progress->iProgValue;
            item->dirty = handler->dirty = TRUE;
        }
        if ((mask & SYNCMGRPROGRESSITEM_MAXVALUE) && item->progress_max != progress->iMaxValue)
        {
            item->progress_max = progress->iMaxValue;
            item->dirty = handler->dirty = TRUE;
        }
        if (text) set_text_locked(handler, item, text);
        /* The progress dialog looks at its pace, not at every call. */
        handler->generation++;
        if (handler->cancel_all) ret = S_SYNCMGR_CANCELALL;
        else if (item->cancel) ret = S_SYNCMGR_CANCELITEM;
        else ret = S_OK;
    }
    unlock(handler);
    return ret;
}
