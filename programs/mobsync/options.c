/*
 * mobsync.exe: a session's memory, from its options to its last reference
 *
 * A session is made from what its command line, request or worker's
 * session message asks (struct session_options), copied once with what
 * they point to. Every handler record holds a reference, so the session
 * lives as long as the last handler thread that may use it: one given up
 * on keeps its own cookie, never another's.
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

/* A session made from the options, copied once with what they point to
 * (the cookie, the handlers and items asked for) in one block of its own;
 * one reference for the caller. */
struct session *session_create(const struct session_options *options)
{
    size_t cookie_size = options->cookie_size;
    size_t handlers_size = options->only_handler_count * sizeof(CLSID);
    size_t items_size = options->only_item_count * sizeof(GUID);
    struct session *session;
    BYTE *copies = NULL;

    if (!(session = calloc(1, sizeof(*session)))) return NULL;
    session->refcount = 1;
    session->options = *options;
    session->sink = console_sink;
    if (!(session->finished_event = CreateEventW(NULL, FALSE, FALSE, NULL))) goto failed;
    if (cookie_size + handlers_size + items_size)
    {
        if (!(copies = malloc(cookie_size + handlers_size + items_size))) goto failed;
        session->copies = copies;
    }
    if (options->only_item_count
            && !(session->found_items = calloc(options->only_item_count, sizeof(LONG))))
        goto failed;
    /* The GUIDs first, aligned as malloc aligns; the cookie's bytes last. */
    session->options.only_handlers = handlers_size
            ? memcpy(copies, options->only_handlers, handlers_size) : NULL;
    session->options.only_items = items_size
            ? memcpy(copies + handlers_size, options->only_items, items_size) : NULL;
    session->options.cookie = cookie_size
            ? memcpy(copies + handlers_size + items_size, options->cookie, cookie_size) : NULL;
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
    free(session->copies);
    free(session->found_items);
    free(session->timing);
    free(session);
}
