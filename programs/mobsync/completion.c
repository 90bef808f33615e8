/*
 * mobsync.exe: the calls a handler completes through the callback
 *
 * PrepareForSync, Synchronize and ShowError return at once and are
 * completed later, from any thread: the handler's record (handler.c) says
 * which of them is outstanding, and a completion is taken only for that
 * one, once, before the handler is finished.
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

#include "handler_private.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* A call to the handler starts (or ends) that is completed through the
 * callback. */
void handler_set_state(struct handler *handler, enum handler_state state)
{
    lock(handler);
    handler->state = state;
    ResetEvent(handler->completion_event);
    handler_state_changed_locked(handler);
    unlock(handler);
}

HRESULT handler_completion_hr(struct handler *handler)
{
    HRESULT hr;

    lock(handler);
    hr = handler->completion_hr;
    unlock(handler);
    return hr;
}

/* Ends a begin/complete pair: only when that call is outstanding. */
HRESULT handler_complete(struct handler *handler, enum handler_state pending,
        enum handler_state next, HRESULT hr, const char *what)
{
    HRESULT ret = S_OK;

    lock(handler);
    if (handler->state != pending || handler->finished)
    {
        WARN("%s: %s(%#lx) out of turn (state %u); ignored.\n", debugstr_w(handler->clsid_str),
             what, hr, handler->state);
        ret = E_UNEXPECTED;
    }
    else
    {
        handler->state = next;
        handler->completion_hr = hr;
        SetEvent(handler->completion_event);
        handler_state_changed_locked(handler);
    }
    unlock(handler);
    return ret;
}

/* ShowErrorCompleted: takes the manager's copy of the items to retry. */
HRESULT handler_complete_show_error(struct handler *handler, HRESULT hr, SYNCMGRITEMID *ids,
        ULONG count)
{
    HRESULT ret = S_OK;

    lock(handler);
    if (handler->state != HANDLER_SHOWING_ERROR || handler->finished)
    {
        WARN("%s: ShowErrorCompleted out of turn; ignored.\n", debugstr_w(handler->clsid_str));
        ret = E_UNEXPECTED;
    }
    else
    {
        free(handler->retry_items);
        handler->retry_items = ids;
        handler->retry_count = ids ? count : 0;
        ids = NULL;
        handler->state = HANDLER_SYNCHRONIZED;
        handler->completion_hr = hr;
        SetEvent(handler->completion_event);
    }
    unlock(handler);
    free(ids);
    return ret;
}
