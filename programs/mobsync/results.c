/*
 * mobsync.exe: how a handler ends: its results, or its error and results
 *
 * The part of the handler record's code (handler.c) that finishes a
 * handler: every chosen item gets its final status, and its result line is
 * printed and counted, after the error line when the handler failed. In a
 * worker all of it goes to the session instead (relay.c), which ends its
 * own record of the handler the same way.
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

#include "handler_private.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Gives every chosen item without a result its final status: default_status
 * for those the handler left without one. An item someone skipped is
 * skipped, unless the handler said otherwise: it may have finished it
 * first. */
static void settle_locked(struct handler *handler, DWORD default_status)
{
    unsigned int i;

    for (i = 0; i < handler->item_count; i++)
    {
        struct item *item = &handler->items[i];

        if (!item->chosen || item->reported || is_final(item->status)) continue;
        item->status = item->skip ? SYNCMGRSTATUS_SKIPPED : default_status;
    }
}

/* Marks the handler finished and prints the result of every chosen item not
 * printed yet, after the error line when it failed (message). A worker
 * sends it all to its session instead. */
static void end_locked(struct handler *handler, DWORD default_status, HRESULT hr,
        const WCHAR *message, BOOL show_code)
{
    struct session *session = handler->session;
    struct text text = { 0 };
    unsigned int i;
    DWORD status;

    handler->finished = TRUE;
    /* One that ends with its window up gives the dialogs back. */
    handler_modeless_end(handler);
    TRACE("%s: %s (%#lx).\n", debugstr_w(handler->clsid_str), message ? "failed" : "finished",
          message ? (DWORD)hr : default_status);
    if (session->mode == MODE_SYNC) settle_locked(handler, default_status);
    if (relay_active())
    {
        relay_progress(&handler->clsid, handler->items, handler->item_count);
        relay_end(&handler->clsid, hr, message, show_code, default_status, handler->skipped,
                  handler->items, handler->item_count);
    }
    else if (message && (session->mode == MODE_LIST || session->mode == MODE_CHOOSE))
        lstrcpynW(handler->error, message, ARRAYSIZE(handler->error));
    else if (message)
        report_error(handler->clsid_str, message, hr, show_code);
    if (session->mode == MODE_SYNC && !relay_active())
    {
        for (i = 0; i < handler->item_count; i++)
        {
            struct item *item = &handler->items[i];

            if (!item->chosen || item->reported) continue;
            item->reported = TRUE;
            status = item->status;
            if (status == SYNCMGRSTATUS_SUCCEEDED) InterlockedIncrement(&session->succeeded);
            else if (status == SYNCMGRSTATUS_SKIPPED) InterlockedIncrement(&session->skipped);
            else InterlockedIncrement(&session->failed);
            report_result(&text, status, handler->clsid_str, &item->id, item->name);
        }
        /* One write for the handler's lines: a write per line costs a
         * round trip to the server under Wine, thousands of them per run. */
        output_text(&text);
    }
    handler_changed_locked(handler);
    SetEvent(session->finished_event);
}

static void finish_locked(struct handler *handler, DWORD default_status)
{
    if (!handler->finished) end_locked(handler, default_status, S_OK, NULL, FALSE);
}

void handler_finish(struct handler *handler, DWORD default_status)
{
    lock(handler);
    finish_locked(handler, default_status);
    unlock(handler);
}

/* The progress dialog keeps the handler: its items' results are in and
 * shown, and it waits for ShowError or the dialog's closing; its lines are
 * written and counted when it is released (handler_finish). */
void handler_done(struct handler *handler, DWORD default_status)
{
    lock(handler);
    if (!handler->finished)
    {
        settle_locked(handler, default_status);
        handler->default_status = default_status;
        handler->dirty = TRUE;
        handler->timed = FALSE;
        handler->state = HANDLER_DONE;
        handler_state_changed_locked(handler);
    }
    unlock(handler);
}

DWORD handler_default_status(struct handler *handler)
{
    DWORD status;

    lock(handler);
    status = handler->default_status ? handler->default_status : SYNCMGRSTATUS_SUCCEEDED;
    unlock(handler);
    return status;
}

/* Initialize returned S_FALSE: the handler does not take part. */
void handler_skip(struct handler *handler)
{
    lock(handler);
    if (!handler->finished) handler->skipped = TRUE;
    finish_locked(handler, SYNCMGRSTATUS_SKIPPED);
    unlock(handler);
}

/* The error line (or, listing, the error kept for its place in CLSID
 * order), one count, and the unfinished items fail. */
void handler_fail_locked(struct handler *handler, HRESULT hr, const WCHAR *message, BOOL show_code)
{
    if (handler->finished) return;
    handler->failed = TRUE;
    handler->cancel_all = TRUE;
    handler->completion_hr = hr;
    InterlockedIncrement(&handler->session->errors);
    end_locked(handler, SYNCMGRSTATUS_FAILED, hr, message, show_code);
}

/* The handler could not be used, crashed, broke the rules or ran out of
 * time: an error line with the code, and its unfinished items fail. */
void handler_fail(struct handler *handler, HRESULT hr, const WCHAR *message)
{
    lock(handler);
    handler_fail_locked(handler, hr, message, TRUE);
    unlock(handler);
}

/* A failure its worker reported, as the worker's own record said it. */
void handler_fail_relayed(struct handler *handler, HRESULT hr, const WCHAR *message, BOOL show_code)
{
    lock(handler);
    handler_fail_locked(handler, hr, message, show_code);
    unlock(handler);
}

/* A call that makes the handler's chosen items fail; the message names the
 * call and its code. */
void handler_fail_call(struct handler *handler, UINT message_id, HRESULT hr)
{
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), message_id, hr);
    lock(handler);
    handler_fail_locked(handler, hr, message, FALSE);
    unlock(handler);
}
