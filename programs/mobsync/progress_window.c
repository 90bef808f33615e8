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
#include "progress.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

static const struct
{
    int id;
    BYTE move_x, move_y, grow_x, grow_y;
}
anchors[] =
{
    { IDC_PROGRESS_TEXT,    0, 0, 1, 0 },
    { IDC_PROGRESS_BAR,     0, 0, 1, 0 },
    { IDC_PROGRESS_TABS,    0, 0, 1, 1 },
    { IDC_PROGRESS_ITEMS,   0, 0, 1, 1 },
    { IDC_PROGRESS_RESULTS, 0, 0, 1, 1 },
    { IDC_PROGRESS_SKIP,    0, 1, 0, 0 },
    { IDCANCEL,             1, 1, 0, 0 },
};

enum item_column { COLUMN_ITEM, COLUMN_HANDLER, COLUMN_STATUS, COLUMN_PROGRESS, COLUMN_DETAILS };

static const WCHAR *status_name(DWORD status, WCHAR *buffer, unsigned int size)
{
    if (status == SYNCMGRSTATUS_DELETED) status = 9;
    if (status > 9) status = SYNCMGRSTATUS_PENDING;
    return load_message(IDS_STATUS_FIRST + status, buffer, size);
}

/* Which item a row of the Progress list shows; FALSE for none. */
static BOOL find_row(const struct progress *progress, int row, struct progress_handler **ph,
        struct item_view **item)
{
    unsigned int i;

    if (row < 0) return FALSE;
    for (i = 0; i < progress->count; i++)
    {
        struct progress_handler *h = &progress->handlers[i];

        if ((unsigned int)row < h->first_row || (unsigned int)row >= h->first_row + h->row_count)
            continue;
        *ph = h;
        *item = &h->view.items[h->rows[row - h->first_row]];
        return TRUE;
    }
    return FALSE;
}

static void set_text(HWND list, int row, int column, const WCHAR *text)
{
    LVITEMW item;

    item.iSubItem = column;
    item.pszText = (WCHAR *)text;
    SendMessageW(list, LVM_SETITEMTEXTW, row, (LPARAM)&item);
}

static void show_item(struct progress *progress, int row, const struct progress_handler *ph,
        const struct item_view *item)
{
    WCHAR text[64];

    set_text(progress->items, row, COLUMN_STATUS, status_name(item->status, text, ARRAYSIZE(text)));
    format_message(text, ARRAYSIZE(text), IDS_PROGRESS_VALUE, item->progress, item->progress_max);
    set_text(progress->items, row, COLUMN_PROGRESS, item->progress_max > 0 ? text : L"");
    set_text(progress->items, row, COLUMN_DETAILS, item->text ? item->text : L"");
}

/* Every handler's chosen items, once the session chose them; again when a
 * handler's choice changed. */
static void rebuild_items(struct progress *progress)
{
    unsigned int i, j, row = 0;
    LVITEMW lv;

    SendMessageW(progress->items, WM_SETREDRAW, FALSE, 0);
    SendMessageW(progress->items, LVM_DELETEALLITEMS, 0, 0);
    for (i = 0; i < progress->count; i++)
    {
        struct progress_handler *ph = &progress->handlers[i];

        free(ph->rows);
        ph->rows = NULL;
        ph->first_row = row;
        ph->row_count = 0;
        if (ph->view.item_count && !(ph->rows = malloc(ph->view.item_count * sizeof(*ph->rows))))
            continue;
        for (j = 0; j < ph->view.item_count; j++)
        {
            if (!ph->view.items[j].chosen) continue;
            memset(&lv, 0, sizeof(lv));
            lv.mask = LVIF_TEXT;
            lv.iItem = row;
            lv.pszText = ph->view.items[j].name;
            SendMessageW(progress->items, LVM_INSERTITEMW, 0, (LPARAM)&lv);
            set_text(progress->items, row, COLUMN_HANDLER, ph->view.name);
            show_item(progress, row, ph, &ph->view.items[j]);
            ph->rows[ph->row_count++] = j;
            row++;
        }
    }
    SendMessageW(progress->items, WM_SETREDRAW, TRUE, 0);
}

static int log_image(DWORD level)
{
    if (level == SYNCMGRLOGLEVEL_ERROR) return 2;
    if (level == SYNCMGRLOGLEVEL_WARNING) return 1;
    return 0;
}

/* Every LogError entry not deleted, handler by handler. */
static void rebuild_results(struct progress *progress)
{
    unsigned int i, j, k, row = 0;
    WCHAR id_str[39];
    LVITEMW lv;

    SendMessageW(progress->results, WM_SETREDRAW, FALSE, 0);
    SendMessageW(progress->results, LVM_DELETEALLITEMS, 0, 0);
    for (i = 0; i < progress->count; i++)
    {
        const struct handler_view *view = &progress->handlers[i].view;

        for (j = 0; j < view->log_count; j++)
        {
            const struct log_view *entry = &view->log[j];
            const WCHAR *item = L"";

            memset(&lv, 0, sizeof(lv));
            lv.mask = LVIF_TEXT | LVIF_IMAGE;
            lv.iItem = row;
            lv.iImage = log_image(entry->level);
            lv.pszText = (WCHAR *)view->name;
            SendMessageW(progress->results, LVM_INSERTITEMW, 0, (LPARAM)&lv);
            if (entry->has_item)
            {
                guid_to_string(&entry->item, id_str);
                item = id_str;
                for (k = 0; k < view->item_count; k++)
                    if (IsEqualGUID(&view->items[k].id, &entry->item)) item = view->items[k].name;
            }
            set_text(progress->results, row, 1, item);
            set_text(progress->results, row, 2, entry->text);
            row++;
        }
    }
    SendMessageW(progress->results, WM_SETREDRAW, TRUE, 0);
}

/* The overall bar, in thousandths, and the line above it. */
static void update_summary(struct progress *progress)
{
    unsigned int i, j, total = 0, finished = 0, succeeded = 0, failed = 0, skipped = 0;
    double sum = 0;
    WCHAR text[256];

    for (i = 0; i < progress->count; i++)
    {
        const struct handler_view *view = &progress->handlers[i].view;

        for (j = 0; j < view->item_count; j++)
        {
            const struct item_view *item = &view->items[j];

            if (!item->chosen) continue;
            total++;
            if (is_final(item->status))
            {
                finished++;
                sum += 1;
                if (item->status == SYNCMGRSTATUS_SUCCEEDED) succeeded++;
                else if (item->status == SYNCMGRSTATUS_SKIPPED) skipped++;
                else failed++;
            }
            else if (item->progress_max > 0)
                sum += (double)max(0, min(item->progress, item->progress_max)) / item->progress_max;
        }
    }
    SendDlgItemMessageW(progress->window, IDC_PROGRESS_BAR, PBM_SETPOS,
                        total ? (int)(sum * 1000 / total) : (progress->done ? 1000 : 0), 0);
    if (progress->done)
        format_message(text, ARRAYSIZE(text), IDS_PROGRESS_FINISHED, succeeded, failed, skipped);
    else format_message(text, ARRAYSIZE(text), IDS_PROGRESS_RUNNING, finished, total);
    SetDlgItemTextW(progress->window, IDC_PROGRESS_TEXT, text);
}

static void update_skip(struct progress *progress)
{
    struct progress_handler *ph;
    struct item_view *item;
    int row = SendMessageW(progress->items, LVM_GETNEXTITEM, -1, LVNI_SELECTED);

    EnableWindow(GetDlgItem(progress->window, IDC_PROGRESS_SKIP), !progress->done
                 && find_row(progress, row, &ph, &item) && !is_final(item->status));
}

void progress_refresh(struct progress *progress)
{
    struct session *session = progress->session;
    BOOL rebuild = FALSE, results = FALSE;
    unsigned int i, j, chosen;

    if (!progress->handlers && session->handler_count)
    {
        if (!(progress->handlers = calloc(session->handler_count, sizeof(*progress->handlers)))) return;
        progress->count = session->handler_count;
        for (i = 0; i < progress->count; i++)
        {
            progress->handlers[i].handler = session->handlers[i];
            progress->handlers[i].view.generation = -1;
        }
    }
    for (i = 0; i < progress->count; i++)
    {
        struct progress_handler *ph = &progress->handlers[i];
        struct handler_view view;

        if (!handler_view(ph->handler, ph->view.generation, &view)) continue;
        for (j = chosen = 0; j < view.item_count; j++) if (view.items[j].chosen) chosen++;
        if (chosen != ph->row_count) rebuild = TRUE;
        if (view.log_serial != ph->log_serial || view.log_count != ph->view.log_count) results = TRUE;
        handler_view_free(&ph->view);
        ph->view = view;
        ph->log_serial = view.log_serial;
        if (rebuild) continue;
        for (j = 0; j < ph->row_count; j++)
            show_item(progress, ph->first_row + j, ph, &ph->view.items[ph->rows[j]]);
    }
    if (rebuild) rebuild_items(progress);
    if (results) rebuild_results(progress);
    update_summary(progress);
    update_skip(progress);
}

/* What is worth reading once everything is done. */
static DWORD worth_reading(const struct progress *progress)
{
    DWORD found = 0;
    unsigned int i, j;

    if (progress->session->failed || progress->session->errors) found |= KEEP_ERRORS;
    for (i = 0; i < progress->count; i++)
    {
        const struct handler_view *view = &progress->handlers[i].view;

        if (view->state == VIEW_FAILED) found |= KEEP_ERRORS;
        for (j = 0; j < view->log_count; j++)
        {
            if (view->log[j].level == SYNCMGRLOGLEVEL_ERROR) found |= KEEP_ERRORS;
            else if (view->log[j].level == SYNCMGRLOGLEVEL_WARNING) found |= KEEP_WARNINGS;
            else found |= KEEP_INFORMATION;
        }
    }
    return found;
}

/* The timer: the watchdog, and the end of the run. */
void progress_tick(struct progress *progress)
{
    WCHAR text[64];

    if (session_watch(progress->session) || progress->done) return;
    progress->done = TRUE;
    progress_refresh(progress);
    if (!(worth_reading(progress) & progress->keep))
    {
        TRACE("Nothing to read: closing.\n");
        progress->closing = TRUE;
        return;
    }
    TRACE("Kept open: %#lx is worth reading.\n", worth_reading(progress) & progress->keep);
    SetDlgItemTextW(progress->window, IDCANCEL, load_message(IDS_PROGRESS_CLOSE, text, ARRAYSIZE(text)));
}

static void skip_selected(struct progress *progress)
{
    int row = SendMessageW(progress->items, LVM_GETNEXTITEM, -1, LVNI_SELECTED);
    struct progress_handler *ph;
    struct item_view *item;

    if (progress->done || !find_row(progress, row, &ph, &item)) return;
    TRACE("Skip %s.\n", debugstr_guid(&item->id));
    session_request(CONTROL_SKIP, handler_clsid(ph->handler), &item->id);
}

/* The Progress column: a bar for iProgValue of iMaxValue, and the numbers. */
static LRESULT custom_draw(struct progress *progress, NMLVCUSTOMDRAW *draw)
{
    struct progress_handler *ph;
    struct item_view *item;
    WCHAR text[64];
    RECT rect, bar;

    if (draw->nmcd.dwDrawStage == CDDS_PREPAINT) return CDRF_NOTIFYITEMDRAW;
    if (draw->nmcd.dwDrawStage == CDDS_ITEMPREPAINT) return CDRF_NOTIFYSUBITEMDRAW;
    if (draw->nmcd.dwDrawStage != (CDDS_ITEMPREPAINT | CDDS_SUBITEM) || draw->iSubItem != COLUMN_PROGRESS
            || !find_row(progress, draw->nmcd.dwItemSpec, &ph, &item) || item->progress_max <= 0)
        return CDRF_DODEFAULT;
    rect.top = COLUMN_PROGRESS;
    rect.left = LVIR_BOUNDS;
    SendMessageW(progress->items, LVM_GETSUBITEMRECT, draw->nmcd.dwItemSpec, (LPARAM)&rect);
    InflateRect(&rect, -2, -2);
    FillRect(draw->nmcd.hdc, &rect, GetSysColorBrush(COLOR_WINDOW));
    FrameRect(draw->nmcd.hdc, &rect, GetSysColorBrush(COLOR_BTNSHADOW));
    bar = rect;
    InflateRect(&bar, -1, -1);
    bar.right = bar.left + MulDiv(bar.right - bar.left, max(0, min(item->progress, item->progress_max)),
                                  item->progress_max);
    FillRect(draw->nmcd.hdc, &bar, GetSysColorBrush(COLOR_HIGHLIGHT));
    format_message(text, ARRAYSIZE(text), IDS_PROGRESS_VALUE, item->progress, item->progress_max);
    SetBkMode(draw->nmcd.hdc, TRANSPARENT);
    DrawTextW(draw->nmcd.hdc, text, -1, &rect, DT_CENTER | DT_VCENTER | DT_SINGLELINE);
    return CDRF_SKIPDEFAULT;
}

static void layout(struct progress *progress, int width, int height)
{
    int dx = max(0, width - progress->initial.cx), dy = max(0, height - progress->initial.cy);
    unsigned int i;
    RECT rect;

    for (i = 0; i < ARRAYSIZE(anchors); i++)
    {
        rect = progress->layout[i];
        OffsetRect(&rect, anchors[i].move_x * dx, anchors[i].move_y * dy);
        rect.right += anchors[i].grow_x * dx;
        rect.bottom += anchors[i].grow_y * dy;
        SetWindowPos(GetDlgItem(progress->window, anchors[i].id), NULL, rect.left, rect.top,
                     rect.right - rect.left, rect.bottom - rect.top, SWP_NOZORDER | SWP_NOACTIVATE);
    }
}

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
    unsigned int i;
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

    GetClientRect(window, &rect);
    progress->initial.cx = rect.right;
    progress->initial.cy = rect.bottom;
    GetWindowRect(window, &rect);
    progress->min_track.cx = rect.right - rect.left;
    progress->min_track.cy = rect.bottom - rect.top;
    for (i = 0; i < ARRAYSIZE(anchors); i++)
    {
        GetWindowRect(GetDlgItem(window, anchors[i].id), &progress->layout[i]);
        MapWindowPoints(NULL, window, (POINT *)&progress->layout[i], 2);
    }
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
        if (progress && wparam != SIZE_MINIMIZED) layout(progress, LOWORD(lparam), HIWORD(lparam));
        return TRUE;
    case WM_GETMINMAXINFO:
        if (progress) ((MINMAXINFO *)lparam)->ptMinTrackSize = *(POINT *)&progress->min_track;
        return TRUE;
    case WM_NOTIFY:
        if (!progress) break;
        if (nm->idFrom == IDC_PROGRESS_TABS && nm->code == TCN_SELCHANGE) show_tab(progress);
        if (nm->idFrom == IDC_PROGRESS_ITEMS && nm->code == LVN_ITEMCHANGED) update_skip(progress);
        if (nm->idFrom == IDC_PROGRESS_ITEMS && nm->code == NM_CUSTOMDRAW)
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT, custom_draw(progress, (NMLVCUSTOMDRAW *)lparam));
            return TRUE;
        }
        break;
    case WM_COMMAND:
        if (LOWORD(wparam) == IDC_PROGRESS_SKIP) skip_selected(progress);
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
    if (progress->images) ImageList_Destroy(progress->images);
    progress->images = NULL;
}
