/*
 * mobsync.exe: a session's memory, from its options to its last reference
 *
 * A session is made from the options of its command or request, with its
 * own copies of what they point to. Every handler record holds a
 * reference, so the session lives as long as the last handler thread
 * that may use it: one given up on keeps its own cookie, never another's.
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
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* A session made from the options: its own copies of the cookie and of the
 * handlers and items asked for, one reference for the caller. */
struct session *session_create(const struct session *options)
{
    struct session *session;

    if (!(session = calloc(1, sizeof(*session)))) return NULL;
    *session = *options;
    session->refcount = 1;
    session->cookie = NULL;
    session->only_handlers = NULL;
    session->only_items = NULL;
    session->found_items = NULL;
    session->handlers = NULL;
    session->handler_count = 0;
    if (!session->sink.ops)
    {
        session->sink = console_sink;
        session->sink.context = session;
    }
    if (!(session->finished_event = CreateEventW(NULL, FALSE, FALSE, NULL))) goto failed;
    if (options->cookie_size)
    {
        if (!(session->cookie = malloc(options->cookie_size))) goto failed;
        memcpy((BYTE *)session->cookie, options->cookie, options->cookie_size);
    }
    if (options->only_handler_count)
    {
        if (!(session->only_handlers = malloc(options->only_handler_count * sizeof(CLSID)))) goto failed;
        memcpy((CLSID *)session->only_handlers, options->only_handlers,
               options->only_handler_count * sizeof(CLSID));
    }
    if (options->only_item_count)
    {
        if (!(session->only_items = malloc(options->only_item_count * sizeof(GUID)))
                || !(session->found_items = calloc(options->only_item_count, sizeof(LONG))))
            goto failed;
        memcpy((GUID *)session->only_items, options->only_items, options->only_item_count * sizeof(GUID));
    }
    return session;

failed:
    session_release(session);
    return NULL;
}

void session_addref(struct session *session)
{
    InterlockedIncrement(&session->refcount);
}

/* The last reference goes with the last handler record of the session,
 * which may be long after the session ended: a handler given up on. */
void session_release(struct session *session)
{
    if (InterlockedDecrement(&session->refcount)) return;
    /* Each handler record holds a reference: none is left. */
    TRACE("session %p destroyed.\n", session);
    free(session->handlers);
    if (session->finished_event) CloseHandle(session->finished_event);
    free((BYTE *)session->cookie);
    free((CLSID *)session->only_handlers);
    free((GUID *)session->only_items);
    free(session->found_items);
    free(session);
}
