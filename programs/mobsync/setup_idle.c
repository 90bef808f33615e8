/*
 * mobsync.exe: Advanced, the idle values of Synchronization Settings
 *
 * How long the computer is idle before it synchronizes, how often again
 * while it stays idle, and not on battery power; kept in the setup until
 * its settings are saved.
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
#include "handler.h"
#include "setup.h"
#include "resource.h"

static INT_PTR CALLBACK idle_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct setup *setup = (struct setup *)GetWindowLongPtrW(window, DWLP_USER);
    BOOL wait_ok, repeat_ok;
    UINT wait, repeat;
    WCHAR text[128];

    switch (msg)
    {
    case WM_INITDIALOG:
        setup = (struct setup *)lparam;
        SetWindowLongPtrW(window, DWLP_USER, lparam);
        SendDlgItemMessageW(window, IDC_IDLE_WAIT, EM_LIMITTEXT, 3, 0);
        SendDlgItemMessageW(window, IDC_IDLE_REPEAT_MINUTES, EM_LIMITTEXT, 3, 0);
        SetDlgItemInt(window, IDC_IDLE_WAIT, setup->wait_minutes, FALSE);
        SetDlgItemInt(window, IDC_IDLE_REPEAT_MINUTES, setup->repeat_minutes ? setup->repeat_minutes : 60, FALSE);
        check(window, IDC_IDLE_REPEAT, setup->repeat_minutes != 0);
        EnableWindow(GetDlgItem(window, IDC_IDLE_REPEAT_MINUTES), setup->repeat_minutes != 0);
        check(window, IDC_IDLE_BATTERY, setup->prevent_on_battery);
        return TRUE;
    case WM_COMMAND:
        switch (LOWORD(wparam))
        {
        case IDC_IDLE_REPEAT:
            EnableWindow(GetDlgItem(window, IDC_IDLE_REPEAT_MINUTES), checked(window, IDC_IDLE_REPEAT));
            return TRUE;
        case IDOK:
            wait = GetDlgItemInt(window, IDC_IDLE_WAIT, &wait_ok, FALSE);
            repeat = GetDlgItemInt(window, IDC_IDLE_REPEAT_MINUTES, &repeat_ok, FALSE);
            if (!wait_ok || !wait || (checked(window, IDC_IDLE_REPEAT) && (!repeat_ok || !repeat)))
            {
                SetDlgItemTextW(window, IDC_IDLE_ERROR, load_message(IDS_IDLE_BAD_MINUTES, text, ARRAYSIZE(text)));
                return TRUE;
            }
            setup->wait_minutes = wait;
            setup->repeat_minutes = checked(window, IDC_IDLE_REPEAT) ? repeat : 0;
            setup->prevent_on_battery = checked(window, IDC_IDLE_BATTERY);
            setup->idle_changed = TRUE;
            /* fall through */
        case IDCANCEL:
            EndDialog(window, LOWORD(wparam));
            return TRUE;
        }
        break;
    }
    return FALSE;
}

void setup_advanced(struct setup *setup)
{
    DialogBoxParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_IDLE), setup->window, idle_proc,
                    (LPARAM)setup);
}
