/*
 * mobsync.exe: Synchronizing, the progress dialog
 *
 * A synchronization a person may be bothered about (Items to Synchronize's
 * Synchronize) shows "Synchronizing": an overall bar, and two tabs:
 * Progress, a row per chosen item (item, handler, status, a bar from
 * iProgValue and iMaxValue, the status text), and Results, a row per
 * LogError entry; Skip, and Stop. Everything is read from copies of the
 * records (handler_view) at the timer's pace or when the sink says
 * something changed, never once per Progress call. The dialog runs the
 * session's watchdog on its timer; when every handler has its results it
 * closes by itself unless something is worth reading, as KeepProgressLevel
 * says (docs/engine.md). Requests the /invoke server offers meanwhile join
 * it.
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
#include "dialog.h"
#include "request.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* A handler as the progress dialog shows it: one row per chosen item. */
struct progress_handler
{
    struct handler *handler;
    struct handler_view view;
    unsigned int first_row, row_count;
    unsigned int *rows;        /* the item (index into view.items) of each row */
};

struct progress
{
    struct session **sessions; /* the first, and those that joined it */
    unsigned int session_count;
    unsigned int shown_sessions; /* whose handlers have rows */
    HWND window, items, results;
    HWND join;                 /* takes requests that join (request.h) */
    HIMAGELIST images;
    struct progress_handler *handlers;
    unsigned int count;
    BOOL done;                 /* every handler has its results */
    BOOL closing;              /* the person clicked Close, or it closes by itself */
    DWORD keep;                /* KeepProgressLevel: which entries keep it open */
    struct result_row { unsigned int handler, entry; } *result_rows; /* Results' rows */
    struct layout layout;
};

/* What keeps the dialog open once everything is done (KeepProgressLevel). */
#define KEEP_ERRORS      1
#define KEEP_WARNINGS    2
#define KEEP_INFORMATION 4

enum item_column { COLUMN_ITEM, COLUMN_HANDLER, COLUMN_STATUS, COLUMN_PROGRESS, COLUMN_DETAILS };

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
C_ASSERT(ARRAYSIZE(anchors) <= MAX_ANCHORS);

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
    DWORD value = 3;
    HKEY key;

    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr",
                       0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key))
    {
        if (!registry_read_dword(key, L"KeepProgressLevel", &value)) value = 3;
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

static void show_item(struct progress *progress, int row, const struct item_view *item)
{
    WCHAR text[64];

    list_set_text(progress->items, row, COLUMN_STATUS,
                  status_name(item->status, text, ARRAYSIZE(text)));
    format_message(text, ARRAYSIZE(text), IDS_PROGRESS_VALUE, item->progress, item->progress_max);
    list_set_text(progress->items, row, COLUMN_PROGRESS, item->progress_max > 0 ? text : L"");
    list_set_text(progress->items, row, COLUMN_DETAILS, item->text ? item->text : L"");
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
            list_set_text(progress->items, row, COLUMN_HANDLER, ph->view.name);
            show_item(progress, row, &ph->view.items[j]);
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

    for (i = j = 0; i < progress->count; i++) j += progress->handlers[i].view.log_count;
    free(progress->result_rows);
    if (!(progress->result_rows = calloc(max(j, 1), sizeof(*progress->result_rows)))) return;
    SendMessageW(progress->results, WM_SETREDRAW, FALSE, 0);
    SendMessageW(progress->results, LVM_DELETEALLITEMS, 0, 0);
    for (i = 0; i < progress->count; i++)
    {
        const struct handler_view *view = &progress->handlers[i].view;

        for (j = 0; j < view->log_count; j++)
        {
            const struct log_view *entry = &view->log[j];
            const WCHAR *item = L"";

            progress->result_rows[row].handler = i;
            progress->result_rows[row].entry = j;
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
            list_set_text(progress->results, row, 1, item);
            list_set_text(progress->results, row, 2, entry->text);
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

static void progress_update_skip(struct progress *progress)
{
    struct progress_handler *ph;
    struct item_view *item;
    int row = SendMessageW(progress->items, LVM_GETNEXTITEM, -1, LVNI_SELECTED);

    EnableWindow(GetDlgItem(progress->window, IDC_PROGRESS_SKIP), !progress->done
                 && find_row(progress, row, &ph, &item) && !is_final(item->status));
}

/* The handlers of sessions that started since the last look, after the
 * others: a request that joined the dialog appends its items. */
static void add_sessions(struct progress *progress)
{
    struct progress_handler *handlers;
    unsigned int i, count = progress->count;

    for (i = progress->shown_sessions; i < progress->session_count; i++)
        count += progress->sessions[i]->handler_count;
    if (count == progress->count)
    {
        progress->shown_sessions = progress->session_count;
        return;
    }
    if (!(handlers = realloc(progress->handlers, count * sizeof(*handlers)))) return;
    progress->handlers = handlers;
    for (; progress->shown_sessions < progress->session_count; progress->shown_sessions++)
    {
        struct session *session = progress->sessions[progress->shown_sessions];

        for (i = 0; i < session->handler_count; i++)
        {
            memset(&handlers[progress->count], 0, sizeof(*handlers));
            handlers[progress->count].handler = session->handlers[i];
            handlers[progress->count++].view.generation = -1;
        }
    }
}

static void progress_refresh(struct progress *progress)
{
    BOOL rebuild = FALSE, results = FALSE;
    unsigned int i, j, chosen;

    add_sessions(progress);
    for (i = 0; i < progress->count; i++)
    {
        struct progress_handler *ph = &progress->handlers[i];
        struct handler_view view;

        if (!handler_view(ph->handler, ph->view.generation, &view)) continue;
        for (j = chosen = 0; j < view.item_count; j++) if (view.items[j].chosen) chosen++;
        if (chosen != ph->row_count) rebuild = TRUE;
        /* The serial changes with every entry logged or deleted. */
        if (view.log_serial != ph->view.log_serial) results = TRUE;
        handler_view_free(&ph->view);
        ph->view = view;
        if (rebuild) continue;
        for (j = 0; j < ph->row_count; j++)
            show_item(progress, ph->first_row + j, &ph->view.items[ph->rows[j]]);
    }
    if (rebuild) rebuild_items(progress);
    if (results) rebuild_results(progress);
    update_summary(progress);
    progress_update_skip(progress);
    /* A handler showing a window of its own (EnableModeless) has the
     * person's attention: disabled until it is done. */
    EnableWindow(progress->window, !handler_modeless_shown());
}

/* What is worth reading once everything is done. */
static DWORD worth_reading(const struct progress *progress)
{
    DWORD found = 0;
    unsigned int i, j;

    for (i = 0; i < progress->session_count; i++)
        if (progress->sessions[i]->failed || progress->sessions[i]->errors) found |= KEEP_ERRORS;
    for (i = 0; i < progress->count; i++)
    {
        const struct handler_view *view = &progress->handlers[i].view;

        if (view->state == VIEW_FAILED) found |= KEEP_ERRORS;
        for (j = 0; j < view->item_count; j++)
            if (view->items[j].chosen && (view->items[j].status == SYNCMGRSTATUS_FAILED
                    || view->items[j].status == SYNCMGRSTATUS_STOPPED))
                found |= KEEP_ERRORS;
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
static void progress_tick(struct progress *progress)
{
    unsigned int i, running = 0;
    WCHAR text[64];

    for (i = 0; i < progress->session_count; i++) running += session_watch(progress->sessions[i]);
    if (running || progress->done) return;
    progress->done = TRUE;
    progress_refresh(progress);
    if (!(worth_reading(progress) & progress->keep))
    {
        TRACE("Nothing to read: closing.\n");
        progress->closing = TRUE;
        return;
    }
    TRACE("Kept open: %#lx is worth reading.\n", worth_reading(progress) & progress->keep);
    SetDlgItemTextW(progress->window, IDCANCEL,
                    load_message(IDS_PROGRESS_CLOSE, text, ARRAYSIZE(text)));
}

static void progress_skip_selected(struct progress *progress)
{
    int row = SendMessageW(progress->items, LVM_GETNEXTITEM, -1, LVNI_SELECTED);
    struct progress_handler *ph;
    struct item_view *item;

    if (progress->done || !find_row(progress, row, &ph, &item)) return;
    TRACE("Skip %s.\n", debugstr_guid(&item->id));
    session_skip(handler_session(ph->handler), handler_clsid(ph->handler), &item->id);
}

/* A Result double-clicked: its handler shows the details of an entry
 * logged with SYNCMGRERRORFLAG_ENABLEJUMPTEXT, on its own thread; the
 * handler may then synchronize items again (S_SYNCMGR_RETRYSYNC). */
static void progress_show_error(struct progress *progress)
{
    struct handler_command command = { COMMAND_SHOW_ERROR };
    int row = SendMessageW(progress->results, LVM_GETNEXTITEM, -1, LVNI_SELECTED);
    const struct result_row *result;
    const struct log_view *entry;

    if (row < 0 || !progress->result_rows || row >= ListView_GetItemCount(progress->results))
        return;
    result = &progress->result_rows[row];
    if (result->handler >= progress->count
            || result->entry >= progress->handlers[result->handler].view.log_count)
        return;
    entry = &progress->handlers[result->handler].view.log[result->entry];
    if (!(entry->flags & SYNCMGRERRORFLAG_ENABLEJUMPTEXT) || IsEqualGUID(&entry->id, &GUID_NULL))
        return;
    command.window = progress->window;
    command.item = entry->id;
    TRACE("ShowError %s.\n", debugstr_guid(&entry->id));
    session_command(handler_session(progress->handlers[result->handler].handler),
                    progress->handlers[result->handler].handler, &command);
}

/* The Progress column: a bar for iProgValue of iMaxValue, and the numbers. */
static LRESULT progress_custom_draw(struct progress *progress, NMLVCUSTOMDRAW *draw)
{
    struct progress_handler *ph;
    struct item_view *item;
    WCHAR text[64];
    RECT rect, bar;

    if (draw->nmcd.dwDrawStage == CDDS_PREPAINT) return CDRF_NOTIFYITEMDRAW;
    if (draw->nmcd.dwDrawStage == CDDS_ITEMPREPAINT) return CDRF_NOTIFYSUBITEMDRAW;
    if (draw->nmcd.dwDrawStage != (CDDS_ITEMPREPAINT | CDDS_SUBITEM)
            || draw->iSubItem != COLUMN_PROGRESS
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
    bar.right = bar.left + MulDiv(bar.right - bar.left,
                                  max(0, min(item->progress, item->progress_max)),
                                  item->progress_max);
    FillRect(draw->nmcd.hdc, &bar, GetSysColorBrush(COLOR_HIGHLIGHT));
    format_message(text, ARRAYSIZE(text), IDS_PROGRESS_VALUE, item->progress, item->progress_max);
    SetBkMode(draw->nmcd.hdc, TRANSPARENT);
    DrawTextW(draw->nmcd.hdc, text, -1, &rect, DT_CENTER | DT_VCENTER | DT_SINGLELINE);
    return CDRF_SKIPDEFAULT;
}

static void init_dialog(struct progress *progress, HWND window)
{
    static const UINT item_names[] = { IDS_PROGRESS_ITEM, IDS_PROGRESS_HANDLER, IDS_PROGRESS_STATUS,
                                       IDS_PROGRESS_PROGRESS, IDS_PROGRESS_DETAILS };
    static const int item_units[] = { 70, 60, 45, 50, 85 };
    static const UINT result_names[] = { IDS_PROGRESS_HANDLER, IDS_PROGRESS_ITEM,
                                         IDS_PROGRESS_DESCRIPTION };
    static const int result_units[] = { 70, 60, 180 };
    HWND tabs = GetDlgItem(window, IDC_PROGRESS_TABS);
    WCHAR text[64];
    TCITEMW tab;
    RECT rect;

    progress->window = window;
    SetWindowLongPtrW(window, DWLP_USER, (LONG_PTR)progress);
    progress->items = GetDlgItem(window, IDC_PROGRESS_ITEMS);
    progress->results = GetDlgItem(window, IDC_PROGRESS_RESULTS);
    list_add_columns(progress->items, window, item_names, item_units, ARRAYSIZE(item_names));
    list_add_columns(progress->results, window, result_names, result_units,
                     ARRAYSIZE(result_names));
    progress->images = ImageList_Create(GetSystemMetrics(SM_CXSMICON),
                                        GetSystemMetrics(SM_CYSMICON),
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
    SendMessageW(window, WM_SETICON, ICON_BIG,
                 (LPARAM)LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
}

static void show_tab(struct progress *progress)
{
    BOOL results = SendDlgItemMessageW(progress->window, IDC_PROGRESS_TABS, TCM_GETCURSEL,
                                       0, 0) == 1;

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
        if (wparam != WATCH_TIMER) break;
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
        if (nm->idFrom == IDC_PROGRESS_ITEMS && nm->code == LVN_ITEMCHANGED)
            progress_update_skip(progress);
        if (nm->idFrom == IDC_PROGRESS_RESULTS && (nm->code == NM_DBLCLK || nm->code == NM_RETURN))
            progress_show_error(progress);
        if (nm->idFrom == IDC_PROGRESS_ITEMS && nm->code == NM_CUSTOMDRAW)
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT,
                              progress_custom_draw(progress, (NMLVCUSTOMDRAW *)lparam));
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

static BOOL progress_create_window(struct progress *progress)
{
    INITCOMMONCONTROLSEX controls = { sizeof(controls),
                                      ICC_LISTVIEW_CLASSES | ICC_PROGRESS_CLASS | ICC_TAB_CLASSES };

    InitCommonControlsEx(&controls);
    if (!CreateDialogParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_PROGRESS), NULL,
                            dialog_proc, (LPARAM)progress))
    {
        WARN("Cannot create the progress dialog: error %lu.\n", GetLastError());
        return FALSE;
    }
    return TRUE;
}

static void progress_free(struct progress *progress)
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

/* A request offered by the /invoke server (request.c): joined to
 * the dialog's synchronization in a session of its own, its items
 * appended, unless everything is done already. TRUE when it was taken. */
static BOOL join_request(struct progress *progress, const COPYDATASTRUCT *data)
{
    struct session_options options;
    struct session *session, **sessions;
    struct request request;
    const WCHAR *path;

    if (!data || data->dwData != PROGRESS_JOIN_MAGIC || !data->lpData
            || data->cbData < 2 * sizeof(WCHAR) || data->cbData > MAX_PATH * sizeof(WCHAR)
            || data->cbData % sizeof(WCHAR))
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
    sessions = realloc(progress->sessions, (progress->session_count + 1) * sizeof(*sessions));
    if (!sessions) return FALSE;
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
    dialog_sink(session);
    if (!session_start(session))
    {
        ERR("Cannot start the handlers of %s.\n", debugstr_w(path));
        session_release(session);
        return TRUE;
    }
    progress->sessions[progress->session_count++] = session;
    dialog_refresh();
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
    dialog_sink(session);
    dialog_observe(progress.window);
    /* None if it cannot be made: each request then gets a dialog of its own. */
    progress.join = message_window_create(PROGRESS_JOIN_CLASS, join_proc, &progress);
    SetTimer(progress.window, WATCH_TIMER, 100, NULL);
    PostMessageW(progress.window, WM_DIALOG_REFRESH, 0, 0);
    ShowWindow(progress.window, SW_SHOWNORMAL);
    SetForegroundWindow(progress.window);

    dialog_loop(progress.window, &progress.closing);
    /* No request joins from now on: the server gives the next its own. */
    if (progress.join) DestroyWindow(progress.join);
    dialog_observe(NULL);
    KillTimer(progress.window, WATCH_TIMER);
    DestroyWindow(progress.window);
    progress_free(&progress);
    /* Released, each handler writes its results; it has the time limit. */
    for (i = 0; i < progress.session_count; i++)
        session_command(progress.sessions[i], NULL, &release);
    for (i = 0; i < progress.session_count; i++)
    {
        ret = max(ret, session_finish(progress.sessions[i]));
        if (i) session_release(progress.sessions[i]);
    }
    free(progress.sessions);
    return ret;
}
