/*
 * mobsync.exe: what Synchronizing shows
 *
 * The Progress rows (a row per chosen item) and the Results rows (a row
 * per LogError entry), the bars and the line above them, read from copies
 * of the records (handler_view); Skip, and the end of the run: whether it
 * closes by itself (KeepProgressLevel).
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

static void show_item(struct progress *progress, int row, const struct item_view *item)
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

void progress_update_skip(struct progress *progress)
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

void progress_refresh(struct progress *progress)
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
void progress_tick(struct progress *progress)
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
    SetDlgItemTextW(progress->window, IDCANCEL, load_message(IDS_PROGRESS_CLOSE, text, ARRAYSIZE(text)));
}

void progress_skip_selected(struct progress *progress)
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
void progress_show_error(struct progress *progress)
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
    if (!(entry->flags & SYNCMGRERRORFLAG_ENABLEJUMPTEXT) || IsEqualGUID(&entry->id, &GUID_NULL)) return;
    command.window = progress->window;
    command.item = entry->id;
    TRACE("ShowError %s.\n", debugstr_guid(&entry->id));
    session_command(handler_session(progress->handlers[result->handler].handler),
                    progress->handlers[result->handler].handler, &command);
}

/* The Progress column: a bar for iProgValue of iMaxValue, and the numbers. */
LRESULT progress_custom_draw(struct progress *progress, NMLVCUSTOMDRAW *draw)
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
