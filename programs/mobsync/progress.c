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
#include "progress.h"
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

/* Runs a started session, which synchronizes, to its end with the progress
 * dialog (its handlers, kept_handlers set before it started, each wait for
 * the dialog once done, for ShowError); gives the exit code. *shown is FALSE when the dialog could not
 * be made: then nothing was done, and the caller finishes the session
 * without windows. */
int run_progress(struct session *session, BOOL *shown)
{
    struct progress progress;
    MSG msg;
    int ret;

    struct handler_command release = { COMMAND_RELEASE };

    memset(&progress, 0, sizeof(progress));
    progress.session = session;
    progress.keep = keep_progress_level();
    if (!(*shown = progress_create_window(&progress)))
    {
        /* Kept for the dialog, the handlers are released now. */
        session_command(session, NULL, &release);
        return 0;
    }
    session->observer = dialog_observer;
    dialog_observe(progress.window);
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
    dialog_observe(NULL);
    KillTimer(progress.window, PROGRESS_TIMER);
    DestroyWindow(progress.window);
    progress_free(&progress);
    /* Released, each handler writes its results; it has the time limit. */
    session_command(session, NULL, &release);
    ret = session_finish(session);
    return ret;
}
