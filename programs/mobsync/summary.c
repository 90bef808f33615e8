/*
 * mobsync.exe: what a session says at its end
 *
 * /list's lines, in CLSID order, or a synchronization's lines of its own
 * (items asked for that nobody had) and its summary; and the exit code.
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

#include "mobsync_private.h"

static void print_list(struct session *session)
{
    struct text text = { 0 };
    unsigned int i;

    for (i = 0; i < session->handler_count; i++)
    {
        handler_list(session->handlers[i], &text);
        output_text(&text);
    }
}

/* Once every handler is done: gives the exit code. A worker's session and
 * a choice dialog closed without synchronizing say nothing. */
int session_report(struct session *session)
{
    unsigned int i;

    if (session->worker || session->mode == MODE_CHOOSE) return 0;
    if (session->mode == MODE_LIST)
    {
        print_list(session);
        return session->errors ? 1 : 0;
    }
    for (i = 0; i < session->only_item_count; i++)
    {
        if (session->found_items[i]) continue;
        report_missing_item(&session->only_items[i]);
        session->errors++;
    }
    report_summary(session->succeeded, session->failed, session->skipped);
    return session->failed || session->errors ? 1 : 0;
}
