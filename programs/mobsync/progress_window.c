/*
 * mobsync.exe: the Synchronizing window
 *
 * An overall bar, and two tabs: Progress, a row per chosen item (item,
 * handler, status, a bar from iProgValue and iMaxValue, the status text),
 * and Results, a row per LogError entry. Everything is read from copies of
 * the records (handler_view) at the timer's pace or when the observer
 * says something changed, never once per Progress call.
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
#include "progress.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* The controls that move when the window is resized, and how. */
static const struct anchor anchors[] =
{
    { IDC_PROGRESS_TEXT,    0, 0, 1, 0 },
    { IDC_PROGRESS_BAR,     0, 0, 1, 0 },
    { IDC_PROGRESS_TABS,    0, 0, 1, 1 },
    { IDC_PROGRESS_ITEMS,   0, 0, 1, 1 },
    { IDC_PROGRESS_RESULTS, 0, 0, 1, 1 },
    { IDC_PROGRESS_SKIP,    0, 1, 0, 0 },
    { IDCANCEL,             1, 1, 0, 0 },
};


static void add_columns(HWND list, const UINT *names, const int *units, unsigned int count, HWND dialog)
{
    LVCOLUMNW column;
    WCHAR text[64];
    unsigned int i;
    RECT rect;

    SendMessageW(list, LVM_SETEXTENDEDLISTVIEWSTYLE, 0, LVS_EX_FULLROWSELECT);
    for (i = 0; i < count; i++)
    {
        SetRect(&rect, 0, 0, units[i], 0);
        MapDialogRect(dialog, &rect);
        memset(&column, 0, sizeof(column));
        column.mask = LVCF_TEXT | LVCF_WIDTH;
        column.pszText = (WCHAR *)load_message(names[i], text, ARRAYSIZE(text));
        column.cx = rect.right;
        SendMessageW(list, LVM_INSERTCOLUMNW, i, (LPARAM)&column);
    }
}

static void init_dialog(struct progress *progress, HWND window)
{
    static const UINT item_names[] = { IDS_PROGRESS_ITEM, IDS_PROGRESS_HANDLER, IDS_PROGRESS_STATUS,
                                       IDS_PROGRESS_PROGRESS, IDS_PROGRESS_DETAILS };
    static const int item_units[] = { 70, 60, 45, 50, 85 };
    static const UINT result_names[] = { IDS_PROGRESS_HANDLER, IDS_PROGRESS_ITEM, IDS_PROGRESS_DESCRIPTION };
    static const int result_units[] = { 70, 60, 180 };
    HWND tabs = GetDlgItem(window, IDC_PROGRESS_TABS);
    WCHAR text[64];
    TCITEMW tab;
    RECT rect;

    progress->window = window;
    SetWindowLongPtrW(window, DWLP_USER, (LONG_PTR)progress);
    progress->items = GetDlgItem(window, IDC_PROGRESS_ITEMS);
    progress->results = GetDlgItem(window, IDC_PROGRESS_RESULTS);
    add_columns(progress->items, item_names, item_units, ARRAYSIZE(item_names), window);
    add_columns(progress->results, result_names, result_units, ARRAYSIZE(result_names), window);
    progress->images = ImageList_Create(GetSystemMetrics(SM_CXSMICON), GetSystemMetrics(SM_CYSMICON),
                                        ILC_COLOR32 | ILC_MASK, 3, 0);
    ImageList_ReplaceIcon(progress->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_INFORMATION));
    ImageList_ReplaceIcon(progress->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_WARNING));
    ImageList_ReplaceIcon(progress->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_ERROR));
    SendMessageW(progress->results, LVM_SETIMAGELIST, LVSIL_SMALL, (LPARAM)progress->images);
    SendDlgItemMessageW(window, IDC_PROGRESS_BAR, PBM_SETRANGE32, 0, 1000);

    memset(&tab, 0, sizeof(tab));
    tab.mask = TCIF_TEXT;
    tab.pszText = (WCHAR *)load_message(IDS_PROGRESS_TAB_PROGRESS, text, ARRAYSIZE(text));
    SendMessageW(tabs, TCM_INSERTITEMW, 0, (LPARAM)&tab);
    tab.pszText = (WCHAR *)load_message(IDS_PROGRESS_TAB_RESULTS, text, ARRAYSIZE(text));
    SendMessageW(tabs, TCM_INSERTITEMW, 1, (LPARAM)&tab);
    /* The lists fill the tabs' display area. */
    GetWindowRect(tabs, &rect);
    MapWindowPoints(NULL, window, (POINT *)&rect, 2);
    SendMessageW(tabs, TCM_ADJUSTRECT, FALSE, (LPARAM)&rect);
    SetWindowPos(progress->items, HWND_TOP, rect.left, rect.top, rect.right - rect.left,
                 rect.bottom - rect.top, 0);
    SetWindowPos(progress->results, HWND_TOP, rect.left, rect.top, rect.right - rect.left,
                 rect.bottom - rect.top, 0);

    layout_init(&progress->layout, window, anchors, ARRAYSIZE(anchors));
    EnableWindow(GetDlgItem(window, IDC_PROGRESS_SKIP), FALSE);
    SendMessageW(window, WM_SETICON, ICON_BIG, (LPARAM)LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
}

static void show_tab(struct progress *progress)
{
    BOOL results = SendDlgItemMessageW(progress->window, IDC_PROGRESS_TABS, TCM_GETCURSEL, 0, 0) == 1;

    ShowWindow(progress->items, results ? SW_HIDE : SW_SHOW);
    ShowWindow(progress->results, results ? SW_SHOW : SW_HIDE);
}

/* Stop while handlers work (what mobsync /stop does); Close once done. */
static void stop_or_close(struct progress *progress)
{
    if (progress->done)
    {
        progress->closing = TRUE;
        return;
    }
    TRACE("Stop.\n");
    session_request(CONTROL_STOP, NULL, NULL);
}

static INT_PTR CALLBACK dialog_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct progress *progress = (struct progress *)GetWindowLongPtrW(window, DWLP_USER);
    NMHDR *nm = (NMHDR *)lparam;

    switch (msg)
    {
    case WM_INITDIALOG:
        init_dialog((struct progress *)lparam, window);
        return TRUE;
    case WM_DIALOG_REFRESH:
        InterlockedExchange(&dialog_refresh_pending, 0);
        progress_refresh(progress);
        return TRUE;
    case WM_TIMER:
        if (wparam != PROGRESS_TIMER) break;
        /* Progress bumps the records without a message: looked at here. */
        progress_refresh(progress);
        progress_tick(progress);
        return TRUE;
    case WM_SIZE:
        if (progress && wparam != SIZE_MINIMIZED)
            layout_apply(&progress->layout, window, LOWORD(lparam), HIWORD(lparam));
        return TRUE;
    case WM_GETMINMAXINFO:
        if (progress) layout_min_track(&progress->layout, (MINMAXINFO *)lparam);
        return TRUE;
    case WM_NOTIFY:
        if (!progress) break;
        if (nm->idFrom == IDC_PROGRESS_TABS && nm->code == TCN_SELCHANGE) show_tab(progress);
        if (nm->idFrom == IDC_PROGRESS_ITEMS && nm->code == LVN_ITEMCHANGED) progress_update_skip(progress);
        if (nm->idFrom == IDC_PROGRESS_RESULTS && (nm->code == NM_DBLCLK || nm->code == NM_RETURN))
            progress_show_error(progress);
        if (nm->idFrom == IDC_PROGRESS_ITEMS && nm->code == NM_CUSTOMDRAW)
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT, progress_custom_draw(progress, (NMLVCUSTOMDRAW *)lparam));
            return TRUE;
        }
        break;
    case WM_COMMAND:
        if (LOWORD(wparam) == IDC_PROGRESS_SKIP) progress_skip_selected(progress);
        else if (LOWORD(wparam) == IDCANCEL) stop_or_close(progress);
        else break;
        return TRUE;
    case WM_CLOSE:
        stop_or_close(progress);
        return TRUE;
    }
    return FALSE;
}

BOOL progress_create_window(struct progress *progress)
{
    INITCOMMONCONTROLSEX controls = { sizeof(controls), ICC_LISTVIEW_CLASSES | ICC_PROGRESS_CLASS | ICC_TAB_CLASSES };

    InitCommonControlsEx(&controls);
    if (!CreateDialogParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_PROGRESS), NULL, dialog_proc,
                            (LPARAM)progress))
    {
        WARN("Cannot create the progress dialog: error %lu.\n", GetLastError());
        return FALSE;
    }
    return TRUE;
}

void progress_free(struct progress *progress)
{
    unsigned int i;

    for (i = 0; i < progress->count; i++)
    {
        handler_view_free(&progress->handlers[i].view);
        free(progress->handlers[i].rows);
    }
    free(progress->handlers);
    progress->handlers = NULL;
    progress->count = 0;
    free(progress->result_rows);
    progress->result_rows = NULL;
    if (progress->images) ImageList_Destroy(progress->images);
    progress->images = NULL;
}
