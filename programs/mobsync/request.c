/*
 * mobsync.exe: a program's request, as a session
 *
 * The request ISyncMgrSynchronizeInvoke queued (include/mobsync_request.h)
 * run: headlessly in the /invoke server (queue.c), or with its windows in
 * a mobsync.exe of its own (/window:), which the server starts so that the
 * queue goes on while a person reads a window, unless an open progress
 * dialog takes it (request_file.c).
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
#include <wchar.h>

#include "mobsync_private.h"
#include "request.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Whether the request shows a window when it runs: a choice dialog, or
 * the progress dialog of a synchronization a program asked for. */
BOOL request_shows_window(const struct request *request)
{
    return choice_wanted();
}

/* Runs the request in a session of its own, which its handlers' threads
 * keep alive as long as they run; with windows when windows is set (a
 * process of its own, /window:). TRUE when a handler was given up on: its
 * thread may still be running in this process. *ret, when given, is the
 * exit code. */
BOOL request_run(struct request *request, BOOL windows, int *ret)
{
    struct session options, *session;
    BOOL gave_up, shown;
    int code;

    if (!request_options(request, &options)) return FALSE;
    TRACE("Request from process %#lx: kind %lu, %s, flags %#lx, %lu bytes of cookie.\n",
          request->header.sender_pid, request->header.kind, debugstr_guid(&request->header.clsid),
          request->header.invoke_flags, request->header.cookie_size);
    if (!ret) ret = &code;
    /* Without STARTSYNC the person chooses first (UpdateAll always). */
    if (windows && !request_starts_sync(request))
    {
        *ret = run_choice(&options, (request->header.invoke_flags & SYNCMGRINVOKE_MINIMIZED) != 0,
                          &shown, &gave_up);
        if (shown) return gave_up;
    }
    if (!(session = session_create(&options)))
    {
        ERR("Out of memory for a session.\n");
        *ret = 1;
        return FALSE;
    }
    shown = FALSE;
    /* STARTSYNC: the person sees how it goes. */
    session->keep_handlers = windows;
    if (windows && session_start(session)) *ret = run_progress(session, &shown);
    else if (windows) *ret = 1;
    if (windows && !shown && session->handlers) *ret = session_finish(session);
    if (!windows) *ret = run_session(session);
    gave_up = session->gave_up;
    session_release(session);
    return gave_up;
}

/* Starts "mobsync.exe /window:PATH", which runs the request saved there. */
BOOL request_start_window(const WCHAR *path)
{
    WCHAR args[MAX_PATH + 16];

    swprintf(args, ARRAYSIZE(args), L"/window:\"%ls\"", path);
    return spawn_mobsync(args, NULL, NULL);
}

/* mobsync /window:PATH: a program's request with its windows, which the
 * /invoke server handed over; the file is read and deleted. */
int run_window_request(const WCHAR *path)
{
    struct request request;
    int ret = 2;

    /* An open dialog the request was offered to may have taken it. */
    if (!request_claim(path, &request))
    {
        ERR("%s is not a request, or was taken.\n", debugstr_w(path));
        return 2;
    }
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    request_run(&request, TRUE, &ret);
    free(request.cookie);
    CoUninitialize();
    /* Handlers given up on may still hold threads of ours. */
    ExitProcess(ret);
}
