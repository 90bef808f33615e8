/*
 * mobsync.exe: Items to Synchronize, the choice dialog
 *
 * The window a person opens (plain mobsync, UpdateAll, UpdateItems without
 * SYNCMGRINVOKE_STARTSYNC). It runs a session in MODE_CHOOSE: each handler
 * is loaded on its own thread and then waits there (choosing.c). The
 * dialog never calls a handler: it leaves commands for the handlers'
 * threads (session_command), and it learns of changes through the
 * session's observer, which only posts a message to this thread; then it
 * copies what it shows out of the records (handler_view). Check states go
 * to the store /list and /sync read, as the person clicks.
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
#include <wchar.h>

#include "mobsync_private.h"
#include "handler.h"
#include "choice.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Whether this run may show windows at all: not when the environment
 * variable MOBSYNC_HEADLESS is set to anything but 0 (set to 0, windows are
 * shown whatever the registry says), nor when the per-user value
 * HKCU\Software\mobsync\Headless is a nonzero REG_DWORD (docs/engine.md). */
BOOL choice_wanted(void)
{
    DWORD value = 0, size = sizeof(value), type;
    WCHAR env[16];
    HKEY key;

    if (GetEnvironmentVariableW(L"MOBSYNC_HEADLESS", env, ARRAYSIZE(env)))
    {
        TRACE("MOBSYNC_HEADLESS=%s.\n", debugstr_w(env));
        return !wcscmp(env, L"0");
    }
    if (!RegOpenKeyExW(HKEY_CURRENT_USER, SETTINGS_KEY, 0, KEY_QUERY_VALUE, &key))
    {
        if (RegQueryValueExW(key, L"Headless", NULL, &type, (BYTE *)&value, &size)
                || type != REG_DWORD || size != sizeof(value))
            value = 0;
        RegCloseKey(key);
    }
    if (value) TRACE("Headless is set: no windows.\n");
    return !value;
}

/* A window station whose windows nobody can see (a service's). */
static BOOL display_usable(void)
{
    USEROBJECTFLAGS flags;
    HWINSTA station = GetProcessWindowStation();

    if (station && GetUserObjectInformationW(station, UOI_FLAGS, &flags, sizeof(flags), NULL)
            && !(flags.dwFlags & WSF_VISIBLE))
        return FALSE;
    return TRUE;
}

/* Runs Items to Synchronize for a session made from options (its mode is
 * set here), until the person synchronizes or closes it; gives the exit
 * code, and whether a handler was given up on. *shown is FALSE when no
 * window could be shown: then nothing was run, and the caller synchronizes
 * without windows. */
int run_choice(const struct session_options *options, BOOL minimized, BOOL *shown, BOOL *gave_up)
{
    struct session_options choose = *options;
    BOOL shown_progress;
    struct choice choice;
    WCHAR message[256];
    MSG msg;
    int ret;

    *shown = *gave_up = FALSE;
    memset(&choice, 0, sizeof(choice));
    choose.mode = MODE_CHOOSE;
    if (!display_usable() || !(choice.session = session_create(&choose)))
        goto no_display;
    choice.session->observer = dialog_observer;
    if (!choice_create_window(&choice))
    {
        session_release(choice.session);
        goto no_display;
    }
    *shown = TRUE;
    dialog_observe(choice.window);
    if (!session_start(choice.session))
    {
        choice.result = IDCANCEL;
        dialog_observe(NULL);
        DestroyWindow(choice.window);
        session_release(choice.session);
        return 1;
    }
    SetTimer(choice.window, WATCH_TIMER, 100, NULL);
    PostMessageW(choice.window, WM_DIALOG_REFRESH, 0, 0);
    ShowWindow(choice.window, minimized ? SW_SHOWMINNOACTIVE : SW_SHOWNORMAL);
    if (!minimized) SetForegroundWindow(choice.window);

    while (!choice.result && GetMessageW(&msg, NULL, 0, 0) > 0)
    {
        if (IsDialogMessageW(choice.window, &msg)) continue;
        TranslateMessage(&msg);
        DispatchMessageW(&msg);
    }
    TRACE("The person chose %s.\n", choice.result == IDC_CHOICE_SYNC ? "to synchronize" : "to close");

    /* The handlers are told before the window goes: a handler still
     * loading takes the command when it is ready. */
    {
        struct handler_command command = { 0 };

        command.kind = choice.result == IDC_CHOICE_SYNC ? COMMAND_SYNC : COMMAND_RELEASE;
        /* Synchronizing keeps each handler, once done, for ShowError. */
        if (command.kind == COMMAND_SYNC) choice.session->options.keep_handlers = TRUE;
        session_command(choice.session, NULL, &command);
    }
    dialog_observe(NULL);
    KillTimer(choice.window, WATCH_TIMER);
    DestroyWindow(choice.window);
    choice_free(&choice);
    /* Synchronizing, the person sees how it goes; without a window for it,
     * the results are written out as /sync writes them. */
    ret = 0;
    shown_progress = FALSE;
    if (choice.result == IDC_CHOICE_SYNC) ret = run_progress(choice.session, &shown_progress);
    if (!shown_progress) ret = session_finish(choice.session);
    *gave_up = choice.session->gave_up;
    session_release(choice.session);
    return ret;

no_display:
    output_write(GetStdHandle(STD_ERROR_HANDLE),
                 load_message(IDS_CHOICE_NO_DISPLAY, message, ARRAYSIZE(message)));
    return 0;
}
