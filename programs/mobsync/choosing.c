/*
 * mobsync.exe: a handler's thread while a person chooses
 *
 * In Items to Synchronize the handler, loaded and given its callback,
 * waits on its own thread for what the person asks through the dialog
 * (command.c): its properties (ShowProperties, and the items again when
 * they changed), Synchronize, or Close. The dialog never calls it.
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

/* The check states as the user left them, read again. */
static void read_check_states(struct handler *handler)
{
    SYNCMGRITEMID *ids;
    HRESULT hr;

    handler_choose_items(handler, &ids, &hr);
    free(ids);
}

/* ShowProperties for an item, or for the handler (GUID_NULL); a handler
 * whose items changed meanwhile is asked for them again. FALSE when the
 * handler was finished meanwhile. */
static BOOL show_properties(struct handler *handler, ISyncMgrSynchronize *sync,
        const struct handler_command *command)
{
    HRESULT hr;

    handler_set_state(handler, HANDLER_SHOWING_PROPERTIES);
    hr = ISyncMgrSynchronize_ShowProperties(sync, command->window, &command->item);
    TRACE("%s: ShowProperties(%p, %s) returned %#lx.\n", debugstr_w(handler_clsid_str(handler)),
          command->window, debugstr_guid(&command->item), hr);
    if (hr != S_OK)
    {
        /* No completion comes for a call that did not start. */
        handler_set_state(handler, HANDLER_WAITING);
        return TRUE;
    }
    if (!step_wait_completion(handler, sync)) return FALSE;
    hr = handler_completion_hr(handler);
    if (hr == S_SYNCMGR_ITEMDELETED || hr == S_SYNCMGR_ENUMITEMS)
    {
        TRACE("%s: its items changed (%#lx); enumerating them again.\n",
              debugstr_w(handler_clsid_str(handler)), hr);
        if (!loader_enumerate(handler, sync)) return !handler_finished(handler);
        read_check_states(handler);
    }
    return TRUE;
}

/* Items to Synchronize: the handler waits for the person, who may look at
 * its properties, and then either synchronizes or closes the dialog. */
BOOL choosing_serve(struct handler *handler, ISyncMgrSynchronize *sync)
{
    struct handler_command command;
    SYNCMGRITEMID *ids;
    WCHAR message[256];
    unsigned int count;
    HRESULT hr;

    read_check_states(handler);
    for (;;)
    {
        if (!step_wait_command(handler, &command)) return FALSE;
        switch (command.kind)
        {
        case COMMAND_PROPERTIES:
            if (!show_properties(handler, sync, &command)) return FALSE;
            if (handler_finished(handler)) return TRUE;
            break;
        case COMMAND_SYNC:
            /* The session is synchronizing now: the checked items are chosen. */
            count = handler_choose_items(handler, &ids, &hr);
            if (FAILED(hr))
                handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
            else if (!count)
                handler_finish(handler, SYNCMGRSTATUS_SUCCEEDED);
            else if (!step_synchronize(handler, sync, ids, count))
            {
                free(ids);
                return FALSE;
            }
            free(ids);
            return step_serve_results(handler, sync);
        default:
            handler_finish(handler, SYNCMGRSTATUS_SUCCEEDED);
            return TRUE;
        }
    }
}
