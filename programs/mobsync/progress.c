/*
 * mobsync.exe: the progress dialog's run, and the observer both dialogs use
 *
 * A synchronization a person may be bothered about (Items to Synchronize's
 * Synchronize) shows "Synchronizing": every chosen item with its status,
 * status text and progress, the Results of every LogError, Skip and Stop.
 * The dialog runs the session's watchdog on its timer; when every handler
 * has its results it closes by itself unless something is worth reading,
 * as KeepProgressLevel says (docs/engine.md).
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
#include "handler.h"
#include "progress.h"
#include "request.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* The open dialog, for the observer: a handler's thread given up on by an
 * earlier session may still call it; all it can do is make this dialog
 * look at its own session's records again. */
static HWND dialog_window;
LONG dialog_refresh_pending;

void dialog_observer(void *context)
{
    HWND window = InterlockedCompareExchangePointer((void **)&dialog_window, NULL, NULL);

    if (window && !InterlockedExchange(&dialog_refresh_pending, 1))
        PostMessageW(window, WM_DIALOG_REFRESH, 0, 0);
}

/* The dialog the observer posts to from now on (NULL: none). */
void dialog_observe(HWND window)
{
    InterlockedExchangePointer((void **)&dialog_window, window);
    InterlockedExchange(&dialog_refresh_pending, 0);
}

/* HKLM\Software\Microsoft\Windows\CurrentVersion\Syncmgr\KeepProgressLevel,
 * in the 64-bit view for both architectures (Microsoft KB 320139): what
 * keeps the dialog open once everything is done. */
static DWORD keep_progress_level(void)
{
    static const DWORD levels[] =
    {
        0,
        KEEP_ERRORS,
        KEEP_WARNINGS,
        KEEP_ERRORS | KEEP_WARNINGS,
        KEEP_ERRORS | KEEP_WARNINGS | KEEP_INFORMATION,
    };
    DWORD value = 3, size = sizeof(value), type;
    HKEY key;

    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr", 0,
                       KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key))
    {
        if (RegQueryValueExW(key, L"KeepProgressLevel", NULL, &type, (BYTE *)&value, &size)
                || type != REG_DWORD || size != sizeof(value))
            value = 3;
        RegCloseKey(key);
    }
    if (!value || value >= ARRAYSIZE(levels))
    {
        WARN("KeepProgressLevel %lu is not 1 to 4; taking 3.\n", value);
        value = 3;
    }
    TRACE("KeepProgressLevel %lu.\n", value);
    return levels[value];
}

/* A request offered by the /invoke server (request_file.c): joined to
 * the dialog's synchronization in a session of its own, its items
 * appended, unless everything is done already. TRUE when it was taken. */
static BOOL join_request(struct progress *progress, const COPYDATASTRUCT *data)
{
    struct session_options options;
    struct session *session, **sessions;
    struct request request;
    const WCHAR *path;

    if (!data || data->dwData != PROGRESS_JOIN_MAGIC || !data->lpData || data->cbData < 2 * sizeof(WCHAR)
            || data->cbData > MAX_PATH * sizeof(WCHAR) || data->cbData % sizeof(WCHAR))
    {
        WARN("Ignoring a WM_COPYDATA that is not a request.\n");
        return FALSE;
    }
    path = data->lpData;
    if (path[data->cbData / sizeof(WCHAR) - 1])
    {
        WARN("Ignoring a path that is not terminated.\n");
        return FALSE;
    }
    if (progress->done || progress->closing)
    {
        TRACE("Finished: %s goes to a dialog of its own.\n", debugstr_w(path));
        return FALSE;
    }
    if (!(sessions = realloc(progress->sessions, (progress->session_count + 1) * sizeof(*sessions))))
        return FALSE;
    progress->sessions = sessions;
    if (!request_claim(path, &request)) return FALSE;
    session = request_options(&request, &options) ? session_create(&options) : NULL;
    free(request.cookie);
    if (!session)
    {
        ERR("Cannot run the request %s.\n", debugstr_w(path));
        return TRUE;
    }
    TRACE("Request from process %#lx joins: %s, %lu bytes of cookie.\n", request.header.sender_pid,
          debugstr_guid(&request.header.clsid), request.header.cookie_size);
    session->options.keep_handlers = TRUE;
    session->observer = dialog_observer;
    if (!session_start(session))
    {
        ERR("Cannot start the handlers of %s.\n", debugstr_w(path));
        session_release(session);
        return TRUE;
    }
    progress->sessions[progress->session_count++] = session;
    dialog_observer(NULL);
    return TRUE;
}

static LRESULT CALLBACK join_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct progress *progress = (struct progress *)GetWindowLongPtrW(window, GWLP_USERDATA);

    if (msg != WM_COPYDATA) return DefWindowProcW(window, msg, wparam, lparam);
    return progress && join_request(progress, (const COPYDATASTRUCT *)lparam);
}

/* Runs a started session, which synchronizes, to its end with the progress
 * dialog, with the sessions of the requests that join it meanwhile (each
 * handler, kept_handlers set before it started, waits for the dialog once
 * done, for ShowError); gives the exit code, the worst of the sessions'.
 * *shown is FALSE when the dialog could not be made: then nothing was
 * done, and the caller finishes the session without windows. */
int run_progress(struct session *session, BOOL *shown)
{
    struct handler_command release = { COMMAND_RELEASE };
    struct progress progress;
    unsigned int i;
    MSG msg;
    int ret = 0;

    memset(&progress, 0, sizeof(progress));
    if (!(progress.sessions = malloc(sizeof(*progress.sessions))))
    {
        *shown = FALSE;
        session_command(session, NULL, &release);
        return 0;
    }
    progress.sessions[progress.session_count++] = session;
    progress.keep = keep_progress_level();
    if (!(*shown = progress_create_window(&progress)))
    {
        /* Kept for the dialog, the handlers are released now. */
        free(progress.sessions);
        session_command(session, NULL, &release);
        return 0;
    }
    session->observer = dialog_observer;
    dialog_observe(progress.window);
    /* None if it cannot be made: each request then gets a dialog of its own. */
    progress.join = message_window_create(PROGRESS_JOIN_CLASS, join_proc, &progress);
    SetTimer(progress.window, PROGRESS_TIMER, 100, NULL);
    PostMessageW(progress.window, WM_DIALOG_REFRESH, 0, 0);
    ShowWindow(progress.window, SW_SHOWNORMAL);
    SetForegroundWindow(progress.window);

    while (!progress.closing && GetMessageW(&msg, NULL, 0, 0) > 0)
    {
        if (IsDialogMessageW(progress.window, &msg)) continue;
        TranslateMessage(&msg);
        DispatchMessageW(&msg);
    }
    /* No request joins from now on: the server gives the next its own. */
    if (progress.join) DestroyWindow(progress.join);
    dialog_observe(NULL);
    KillTimer(progress.window, PROGRESS_TIMER);
    DestroyWindow(progress.window);
    progress_free(&progress);
    /* Released, each handler writes its results; it has the time limit. */
    for (i = 0; i < progress.session_count; i++) session_command(progress.sessions[i], NULL, &release);
    for (i = 0; i < progress.session_count; i++)
    {
        ret = max(ret, session_finish(progress.sessions[i]));
        if (i) session_release(progress.sessions[i]);
    }
    free(progress.sessions);
    return ret;
}
