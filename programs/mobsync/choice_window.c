/*
 * mobsync.exe: the Items to Synchronize window
 *
 * A report-style list view with check boxes: each handler a row with its
 * icon and name, its items indented beneath it with theirs and the time
 * they were last updated; a handler that failed shows its error beneath
 * it instead. Everything here runs on the dialog's own thread, from
 * copies of the records (handler_view).
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

/* The controls that move when the window is resized, and how. */
static const struct anchor anchors[] =
{
    { IDC_CHOICE_TEXT,       0, 0, 1, 0 },
    { IDC_CHOICE_LIST,       0, 0, 1, 1 },
    { IDC_CHOICE_STATUS,     0, 1, 1, 0 },
    { IDC_CHOICE_PROPERTIES, 0, 1, 0, 0 },
    { IDC_CHOICE_SETUP,      0, 1, 0, 0 },
    { IDC_CHOICE_SYNC,       1, 1, 0, 0 },
    { IDCANCEL,              1, 1, 0, 0 },
};


static void show_properties(struct choice *choice)
{
    struct handler_command command = { COMMAND_PROPERTIES };
    unsigned int index;

    if (!choice_properties_target(choice, &index, &command.item)) return;
    command.window = choice->window;
    TRACE("Properties of %s, item %s.\n", debugstr_w(handler_clsid_str(choice->handlers[index].handler)),
          debugstr_guid(&command.item));
    session_command(choice->session, choice->handlers[index].handler, &command);
    /* The handler shows them on its own thread: disabled until it says it
     * is done (its view is busy until then). */
    choice->disabled = TRUE;
    EnableWindow(choice->window, FALSE);
}

/* Setup: Synchronization Settings in a process of its own (it loads the
 * handlers again, for settings), for the handlers this dialog shows. */
static void open_setup(struct choice *choice)
{
    const struct session *session = choice->session;
    WCHAR *line, *end;
    unsigned int i;
    size_t size;

    size = 16 + session->options.only_handler_count * 50;
    if (!(line = malloc(size * sizeof(WCHAR)))) return;
    end = line + swprintf(line, size, L"/setup");
    for (i = 0; i < session->options.only_handler_count; i++)
    {
        wcscpy(end, L" /handler:");
        guid_to_string(&session->options.only_handlers[i], end + wcslen(end));
        end += wcslen(end);
    }
    spawn_mobsync(line, NULL, NULL);
    free(line);
}

static void layout(struct choice *choice, int width, int height)
{
    RECT rect;

    layout_apply(&choice->layout, choice->window, width, height);
    /* The name takes what the time leaves. */
    GetClientRect(choice->list, &rect);
    SendMessageW(choice->list, LVM_SETCOLUMNWIDTH, 0,
                 max(rect.right - SendMessageW(choice->list, LVM_GETCOLUMNWIDTH, 1, 0), 40));
}

static void init_list(struct choice *choice)
{
    WCHAR name[64], updated[64];
    LVCOLUMNW column;
    RECT units = { 0, 0, 90, 0 };
    int cx = GetSystemMetrics(SM_CXSMICON), cy = GetSystemMetrics(SM_CYSMICON);

    choice->list = GetDlgItem(choice->window, IDC_CHOICE_LIST);
    SendMessageW(choice->list, LVM_SETEXTENDEDLISTVIEWSTYLE, 0,
                 LVS_EX_CHECKBOXES | LVS_EX_FULLROWSELECT);
    choice->images = ImageList_Create(cx, cy, ILC_COLOR32 | ILC_MASK, 8, 8);
    choice->default_icon = ImageList_ReplaceIcon(choice->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
    choice->error_icon = ImageList_ReplaceIcon(choice->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_ERROR));
    SendMessageW(choice->list, LVM_SETIMAGELIST, LVSIL_SMALL, (LPARAM)choice->images);

    MapDialogRect(choice->window, &units);
    memset(&column, 0, sizeof(column));
    column.mask = LVCF_TEXT | LVCF_WIDTH;
    column.pszText = (WCHAR *)load_message(IDS_CHOICE_NAME, name, ARRAYSIZE(name));
    column.cx = 100;
    SendMessageW(choice->list, LVM_INSERTCOLUMNW, 0, (LPARAM)&column);
    column.pszText = (WCHAR *)load_message(IDS_CHOICE_LAST_UPDATED, updated, ARRAYSIZE(updated));
    column.cx = units.right;
    SendMessageW(choice->list, LVM_INSERTCOLUMNW, 1, (LPARAM)&column);
}

static void init_dialog(struct choice *choice, HWND window)
{
    choice->window = window;
    SetWindowLongPtrW(window, DWLP_USER, (LONG_PTR)choice);
    init_list(choice);
    layout_init(&choice->layout, window, anchors, ARRAYSIZE(anchors));
    layout(choice, choice->layout.initial.cx, choice->layout.initial.cy);
    SendMessageW(window, WM_SETICON, ICON_BIG, (LPARAM)LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
}

static INT_PTR CALLBACK dialog_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct choice *choice = (struct choice *)GetWindowLongPtrW(window, DWLP_USER);
    NMHDR *nm = (NMHDR *)lparam;

    switch (msg)
    {
    case WM_INITDIALOG:
        init_dialog((struct choice *)lparam, window);
        return TRUE;
    case WM_DIALOG_REFRESH:
        InterlockedExchange(&dialog_refresh_pending, 0);
        choice_refresh(choice);
        return TRUE;
    case WM_TIMER:
        if (wparam == WATCH_TIMER) session_watch(choice->session);
        return TRUE;
    case WM_SIZE:
        if (choice && wparam != SIZE_MINIMIZED) layout(choice, LOWORD(lparam), HIWORD(lparam));
        return TRUE;
    case WM_GETMINMAXINFO:
        if (choice) layout_min_track(&choice->layout, (MINMAXINFO *)lparam);
        return TRUE;
    case WM_NOTIFY:
        if (!choice || nm->idFrom != IDC_CHOICE_LIST) break;
        if (nm->code == LVN_ITEMCHANGING)
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT, !choice_allowed_change(choice, (NMLISTVIEW *)lparam));
            return TRUE;
        }
        if (nm->code == LVN_ITEMCHANGED) choice_item_changed(choice, (NMLISTVIEW *)lparam);
        if (nm->code == NM_DBLCLK && IsWindowEnabled(GetDlgItem(window, IDC_CHOICE_PROPERTIES)))
            show_properties(choice);
        break;
    case WM_COMMAND:
        switch (LOWORD(wparam))
        {
        case IDC_CHOICE_SYNC:
        case IDCANCEL:
            if (!choice->disabled) choice->result = LOWORD(wparam);
            return TRUE;
        case IDC_CHOICE_PROPERTIES:
            show_properties(choice);
            return TRUE;
        case IDC_CHOICE_SETUP:
            open_setup(choice);
            return TRUE;
        }
        break;
    case WM_CLOSE:
        choice->result = IDCANCEL;
        return TRUE;
    }
    return FALSE;
}

BOOL choice_create_window(struct choice *choice)
{
    INITCOMMONCONTROLSEX controls = { sizeof(controls), ICC_LISTVIEW_CLASSES };

    InitCommonControlsEx(&controls);
    if (!CreateDialogParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_CHOICE), NULL, dialog_proc,
                            (LPARAM)choice))
    {
        WARN("Cannot create the dialog: error %lu.\n", GetLastError());
        return FALSE;
    }
    return TRUE;
}

void choice_free(struct choice *choice)
{
    choice_handlers_free(choice->handlers, choice->count);
    choice->handlers = NULL;
    choice->count = 0;
    if (choice->images) ImageList_Destroy(choice->images);
    choice->images = NULL;
}
