/*
 * mobsync.exe: a session's handlers started, each on a thread of its own,
 * and those of the other architecture in its worker
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
#include "resource.h"

/* The handlers of the other architecture go to its worker, started before
 * any handler of this session runs here: none of them can start a process
 * that inherits the worker's channel while it is being made. */
static void start_worker(struct session *session, DWORD timeout_ms)
{
    struct handler **remote;
    unsigned int i, count = 0;
    WCHAR message[256];

    if (!session->handler_count) return;
    if (!(remote = malloc(session->handler_count * sizeof(*remote))))
    {
        load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message));
        for (i = 0; i < session->handler_count; i++)
            if (handler_remote(session->handlers[i]))
                handler_fail(session->handlers[i], E_OUTOFMEMORY, message);
        return;
    }
    for (i = 0; i < session->handler_count; i++)
        if (handler_remote(session->handlers[i]) && !handler_finished(session->handlers[i]))
            remote[count++] = session->handlers[i];
    /* The worker has its own clock from the same limit; this one is for a
     * worker that stops answering altogether. */
    if (count)
        session->other = worker_start(session, remote, count, GetTickCount() + timeout_ms + WORKER_MARGIN);
    free(remote);
}

/* A thread for every handler of this architecture not failed already, each
 * with its deadline; the worker first. */
void launch_handlers(struct session *session, DWORD timeout_ms)
{
    WCHAR message[256];
    unsigned int i;
    HANDLE thread;

    start_worker(session, timeout_ms);
    /* Before any handler's apartment exists, so that it is the first. */
    for (i = 0; i < session->handler_count; i++)
    {
        if (handler_remote(session->handlers[i]) || !handler_single_threaded(session->handlers[i]))
            continue;
        runner_start_main_apartment();
        break;
    }
    for (i = 0; i < session->handler_count; i++)
    {
        struct handler *handler = session->handlers[i];

        if (handler_finished(handler) || handler_remote(handler)) continue;
        handler_addref(handler);
        if (!(thread = CreateThread(NULL, 0, runner_thread, handler, CREATE_SUSPENDED, NULL)))
        {
            handler_release(handler);
            handler_fail(handler, HRESULT_FROM_WIN32(GetLastError()),
                         load_message(IDS_NO_THREAD, message, ARRAYSIZE(message)));
            continue;
        }
        handler_set_thread(handler, thread, GetTickCount() + timeout_ms);
        ResumeThread(thread);
    }
}
