/*
 * mobsync.exe: a handler's record while a person chooses
 *
 * In Items to Synchronize each handler's thread, once the handler is
 * loaded, waits for what the person does: Properties, Synchronize, Close.
 * The dialog leaves a command in the record and wakes the thread; it never
 * calls the handler itself. What the dialog shows it copies out of the
 * record under the lock (handler_view), when the record's generation says
 * something changed; the session's observer tells it so.
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

/* Called with the lock held: the observer only posts a message. */
void handler_changed_locked(struct handler *handler)
{
    struct session *session = handler->session;

    handler->generation++;
    if (session->observer) session->observer(session->observer_context);
}

/* A state the choice dialog shows: a worker tells its session. */
void handler_state_changed_locked(struct handler *handler)
{
    if (relay_active() && (handler->state == HANDLER_WAITING
            || handler->state == HANDLER_SHOWING_PROPERTIES || handler->state == HANDLER_DONE))
        relay_state(&handler->clsid, handler->state);
    handler_changed_locked(handler);
}

/* The handler whose own window EnableModeless let it show: the process's
 * dialogs are disabled meanwhile. One for the process, not per session:
 * the sessions that joined a progress dialog share it. */
static struct handler *modeless_owner;

/* Whether a handler shows its own window now (the dialogs are disabled). */
BOOL handler_modeless_shown(void)
{
    return InterlockedCompareExchangePointer((void **)&modeless_owner, NULL, NULL) != NULL;
}

/* A handler that ends with its window up gives the dialogs back. */
void handler_modeless_end(struct handler *handler)
{
    InterlockedCompareExchangePointer((void **)&modeless_owner, NULL, handler);
}

/* EnableModeless: TRUE, the handler is about to show a window of its own,
 * and the dialogs are disabled until it says FALSE; one handler at a time,
 * the others are answered S_FALSE meanwhile, as is any where no person can
 * be asked. A worker's handler asks its own process, then the session it
 * works for, whose dialogs decide for both architectures. */
HRESULT handler_enable_modeless(struct handler *handler, BOOL enable)
{
    struct session *session = handler->session;
    struct handler *owner;

    if (!enable)
    {
        owner = InterlockedCompareExchangePointer((void **)&modeless_owner, NULL, handler);
        if (owner != handler) return S_OK;
    }
    else
    {
        if (!(session->flags & SYNCMGRFLAG_MAYBOTHERUSER)) return S_FALSE;
        /* Under the lock its end takes too: one that ended holds nothing. */
        lock(handler);
        owner = handler->finished ? NULL
                : InterlockedCompareExchangePointer((void **)&modeless_owner, handler, NULL);
        if (handler->finished || (owner && owner != handler))
        {
            TRACE("%s: ended, or another handler shows its window; S_FALSE.\n",
                  debugstr_w(handler->clsid_str));
            unlock(handler);
            return S_FALSE;
        }
        unlock(handler);
        /* In a worker, the session's dialogs have the say too. */
        if (relay_active() && relay_ask_modeless(&handler->clsid) != S_OK)
        {
            InterlockedCompareExchangePointer((void **)&modeless_owner, NULL, handler);
            TRACE("%s: the session said no; S_FALSE.\n", debugstr_w(handler->clsid_str));
            return S_FALSE;
        }
    }
    TRACE("%s: EnableModeless(%d).\n", debugstr_w(handler->clsid_str), enable);
    if (relay_active() && !enable) relay_modeless(&handler->clsid, FALSE);
    lock(handler);
    handler_changed_locked(handler);
    unlock(handler);
    return S_OK;
}

/* SYNCMGRHANDLER_* from GetHandlerInfo, or from the worker. */
void handler_set_flags(struct handler *handler, DWORD flags)
{
    lock(handler);
    if (!handler->finished)
    {
        handler->flags = flags;
        if (relay_active()) relay_flags(&handler->clsid, flags);
        handler_changed_locked(handler);
    }
    unlock(handler);
}

static void free_icons(HICON *icons, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++) if (icons[i]) DestroyIcon(icons[i]);
    free(icons);
}

/* The distinct icons of the items, copies the record takes; the items that
 * come with the next table index them. */
void handler_set_item_icons(struct handler *handler, HICON *icons, unsigned int count)
{
    unsigned int i;

    lock(handler);
    if (handler->finished)
    {
        unlock(handler);
        free_icons(icons, count);
        return;
    }
    free_icons(handler->item_icons, handler->item_icon_count);
    handler->item_icons = icons;
    handler->item_icon_count = count;
    if (relay_active())
        for (i = 0; i < count; i++) relay_item_icon(&handler->clsid, i, icons[i]);
    unlock(handler);
}

/* One icon a worker sent, at its place in the table. */
void handler_set_item_icon(struct handler *handler, unsigned int index, HICON icon)
{
    HICON *icons;

    lock(handler);
    if (index >= MAX_ITEM_ICONS || handler->finished) goto done;
    if (index >= handler->item_icon_count)
    {
        if (!(icons = realloc(handler->item_icons, (index + 1) * sizeof(*icons)))) goto done;
        memset(icons + handler->item_icon_count, 0,
               (index + 1 - handler->item_icon_count) * sizeof(*icons));
        handler->item_icons = icons;
        handler->item_icon_count = index + 1;
    }
    if (handler->item_icons[index]) DestroyIcon(handler->item_icons[index]);
    handler->item_icons[index] = icon;
    icon = NULL;
    handler_changed_locked(handler);
done:
    unlock(handler);
    if (icon) DestroyIcon(icon);
}

void handler_free_item_icons(struct handler *handler)
{
    free_icons(handler->item_icons, handler->item_icon_count);
    handler->item_icons = NULL;
    handler->item_icon_count = 0;
}

/* What a worker says its handler's thread is doing, for the dialog. */
void handler_set_remote_state(struct handler *handler, enum handler_state state)
{
    if (state != HANDLER_WAITING && state != HANDLER_SHOWING_PROPERTIES && state != HANDLER_DONE)
        return;
    lock(handler);
    if (!handler->finished)
    {
        handler->state = state;
        /* Done, the worker's handler waits for the dialog, untimed. */
        if (state == HANDLER_DONE) handler->timed = FALSE;
        handler_changed_locked(handler);
    }
    unlock(handler);
}

/* Leaves a command for the handler's thread. Properties only while it waits
 * for one; Synchronize and Close replace what it has not taken yet, and
 * Synchronize starts its time limit. FALSE when the handler takes none. */
BOOL handler_post_command(struct handler *handler, const struct handler_command *command)
{
    struct session *session = handler->session;
    BOOL ret = FALSE;

    lock(handler);
    if (handler->finished) ;
    else if (command->kind == COMMAND_PROPERTIES
            && (handler->state != HANDLER_WAITING || handler->command.kind != COMMAND_NONE))
        WARN("%s: busy (state %u); Properties not asked.\n", debugstr_w(handler->clsid_str),
             handler->state);
    else if (command->kind == COMMAND_SHOW_ERROR
            && (handler->state != HANDLER_DONE || handler->command.kind != COMMAND_NONE))
        WARN("%s: busy (state %u); ShowError not asked.\n", debugstr_w(handler->clsid_str),
             handler->state);
    else if (command->kind == COMMAND_SYNC && handler->state == HANDLER_DONE) ;
    else
    {
        TRACE("%s: command %u.\n", debugstr_w(handler->clsid_str), command->kind);
        /* A worker's handler: the session sends the command on, and this
         * record waits as long as the worker's own clock, and a little more. */
        if (!handler->remote) handler->command = *command;
        if (command->kind == COMMAND_SYNC || command->kind == COMMAND_RELEASE
                || command->kind == COMMAND_SHOW_ERROR)
        {
            handler->deadline = GetTickCount() + session->timeout_ms
                    + (handler->remote ? WORKER_MARGIN : 0);
            handler->timed = TRUE;
        }
        if (command->kind == COMMAND_PROPERTIES)
        {
            /* Busy from now on for the dialog, until the completion. */
            handler->state = HANDLER_SHOWING_PROPERTIES;
            handler_changed_locked(handler);
        }
        if (command->kind == COMMAND_SHOW_ERROR)
        {
            /* At work again, with the time limit, until it is done again. */
            handler->state = HANDLER_SHOWING_ERROR;
            handler_changed_locked(handler);
        }
        SetEvent(handler->control_event);
        ret = TRUE;
    }
    unlock(handler);
    return ret;
}

/* The handler's thread: the next command, if one is left. Otherwise the
 * handler is waiting from now on (and the dialog is told, once). */
BOOL handler_take_command(struct handler *handler, struct handler_command *command)
{
    BOOL ret = FALSE;

    lock(handler);
    if (handler->command.kind != COMMAND_NONE)
    {
        *command = handler->command;
        handler->command.kind = COMMAND_NONE;
        ret = TRUE;
    }
    else if (handler->state != HANDLER_WAITING && handler->state != HANDLER_DONE && !handler->finished)
    {
        handler->state = HANDLER_WAITING;
        handler_state_changed_locked(handler);
    }
    unlock(handler);
    return ret;
}

static enum view_state view_state_locked(const struct handler *handler)
{
    if (handler->failed) return VIEW_FAILED;
    if (handler->finished) return VIEW_ABSENT;
    if (handler->state == HANDLER_WAITING) return VIEW_READY;
    if (handler->state == HANDLER_SHOWING_PROPERTIES) return VIEW_BUSY;
    if (handler->state == HANDLER_DONE) return VIEW_DONE;
    return VIEW_LOADING;
}

static HICON copy_icon(HICON icon)
{
    return icon ? CopyIcon(icon) : NULL;
}

static WCHAR *copy_string(const WCHAR *str)
{
    WCHAR *copy;

    if (!str || !(copy = malloc((wcslen(str) + 1) * sizeof(WCHAR)))) return NULL;
    return wcscpy(copy, str);
}

static void copy_item(struct item_view *dst, const struct item *item, unsigned int icon_count)
{
    dst->id = item->id;
    memcpy(dst->name, item->name, sizeof(dst->name));
    dst->checked = item->checked;
    dst->chosen = item->chosen;
    dst->flags = item->flags;
    dst->last_update = item->last_update;
    dst->icon = item->icon < (int)icon_count ? item->icon : -1;
    dst->status = item->status;
    dst->progress = item->progress;
    dst->progress_max = item->progress_max;
    dst->text = copy_string(item->text);
}

/* The log entries, with copies of their texts. */
static BOOL copy_log_locked(const struct handler *handler, struct handler_view *view)
{
    unsigned int i;

    if (!handler->log_count) return TRUE;
    if (!(view->log = calloc(handler->log_count, sizeof(*view->log)))) return FALSE;
    for (i = 0; i < handler->log_count; i++)
    {
        const struct log_entry *entry = &handler->log[i];
        struct log_view *dst = &view->log[view->log_count];

        if (!(dst->text = copy_string(entry->text))) return FALSE;
        dst->level = entry->level;
        dst->flags = entry->flags;
        dst->has_item = entry->has_item;
        dst->id = entry->id;
        dst->item = entry->item;
        view->log_count++;
    }
    return TRUE;
}

/* A copy of what the dialogs show, when it changed since generation; FALSE
 * when it did not (or memory ran out: the dialog tries again next time). */
BOOL handler_view(struct handler *handler, LONG generation, struct handler_view *view)
{
    unsigned int i;

    memset(view, 0, sizeof(*view));
    lock(handler);
    if (handler->generation == generation) goto unchanged;
    view->state = view_state_locked(handler);
    if (handler->item_count && !(view->items = malloc(handler->item_count * sizeof(*view->items))))
        goto unchanged;
    if (handler->item_icon_count
            && !(view->item_icons = calloc(handler->item_icon_count, sizeof(HICON))))
        goto unchanged;
    if (!copy_log_locked(handler, view)) goto unchanged;
    for (i = 0; i < handler->item_count; i++)
        copy_item(&view->items[i], &handler->items[i], handler->item_icon_count);
    view->item_count = handler->item_count;
    for (i = 0; i < handler->item_icon_count; i++)
        view->item_icons[i] = copy_icon(handler->item_icons[i]);
    view->item_icon_count = handler->item_icon_count;
    view->generation = handler->generation;
    lstrcpynW(view->name, handler->name[0] ? handler->name : handler->clsid_str, ARRAYSIZE(view->name));
    memcpy(view->error, handler->error, sizeof(view->error));
    view->hr = handler->completion_hr;
    view->flags = handler->flags;
    view->done = handler->finished;
    view->log_serial = handler->log_serial;
    view->icon = copy_icon(handler->icon);
    unlock(handler);
    return TRUE;

unchanged:
    unlock(handler);
    handler_view_free(view);
    return FALSE;
}

void handler_view_free(struct handler_view *view)
{
    unsigned int i;

    if (view->icon) DestroyIcon(view->icon);
    free_icons(view->item_icons, view->item_icon_count);
    for (i = 0; i < view->item_count; i++) free(view->items[i].text);
    free(view->items);
    for (i = 0; i < view->log_count; i++) free(view->log[i].text);
    free(view->log);
    memset(view, 0, sizeof(*view));
}
