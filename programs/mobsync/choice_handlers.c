/*
 * mobsync.exe: the copies of the session's handlers a dialog shows
 *
 * Items to Synchronize and Synchronization Settings each keep, per handler,
 * the last view they copied out of its record (handler_view) and its icons
 * in their image list; only the dialog's own thread touches them.
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

#include "mobsync_private.h"
#include "handler.h"
#include "choice.h"

/* One copy per handler of the session, made the first time it has them;
 * FALSE when they could not be made. */
BOOL choice_handlers_make(const struct session *session, struct choice_handler **handlers,
        unsigned int *count)
{
    unsigned int i;

    if (*handlers || !session->handler_count) return TRUE;
    if (!(*handlers = calloc(session->handler_count, sizeof(**handlers)))) return FALSE;
    *count = session->handler_count;
    for (i = 0; i < *count; i++)
    {
        (*handlers)[i].handler = session->handlers[i];
        (*handlers)[i].view.generation = -1;
        (*handlers)[i].icon = -1;
    }
    return TRUE;
}

/* The view's icons into the image list, over the handler's earlier ones. */
static void take_icons(HIMAGELIST images, struct choice_handler *ch)
{
    unsigned int i;
    int *icons;

    if (ch->view.icon) ch->icon = ImageList_ReplaceIcon(images, ch->icon, ch->view.icon);
    if (ch->view.item_icon_count > ch->item_icon_count)
    {
        if (!(icons = realloc(ch->item_icons, ch->view.item_icon_count * sizeof(*icons)))) return;
        for (i = ch->item_icon_count; i < ch->view.item_icon_count; i++) icons[i] = -1;
        ch->item_icons = icons;
        ch->item_icon_count = ch->view.item_icon_count;
    }
    for (i = 0; i < ch->view.item_icon_count; i++)
        if (ch->view.item_icons[i])
            ch->item_icons[i] = ImageList_ReplaceIcon(images, ch->item_icons[i],
                                                      ch->view.item_icons[i]);
}

/* The handler's view copied again if it changed, its icons with it: TRUE
 * when it did. */
BOOL choice_handler_update(struct choice_handler *ch, HIMAGELIST images)
{
    struct handler_view view;

    if (!handler_view(ch->handler, ch->view.generation, &view)) return FALSE;
    handler_view_free(&ch->view);
    ch->view = view;
    take_icons(images, ch);
    return TRUE;
}

/* How many of them have not answered yet. */
unsigned int choice_handlers_loading(const struct choice_handler *handlers, unsigned int count)
{
    unsigned int i, loading = 0;

    for (i = 0; i < count; i++) if (handlers[i].view.state == VIEW_LOADING) loading++;
    return loading;
}

void choice_handlers_free(struct choice_handler *handlers, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        handler_view_free(&handlers[i].view);
        free(handlers[i].item_icons);
    }
    free(handlers);
}
