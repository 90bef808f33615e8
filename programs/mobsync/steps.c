/*
 * mobsync.exe: the steps of a handler's synchronization
 *
 * PrepareForSync and Synchronize, each a begin call that completes through
 * the callback, with the wait for its completion (the apartment served
 * meanwhile, skip requests passed on), and ShowError with a retry when
 * asked. Run on the handler's own thread (runner.c, choosing.c).
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
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Tells the handler of the items someone asked to skip, with
 * SetItemStatus(SKIPPED). The documentation allows it only while PrepareForSync
 * or Synchronize has returned and its completion has not come: requests
 * made at other times wait for the next such window. */
static void pass_on_skips(struct handler *handler, ISyncMgrSynchronize *sync)
{
    SYNCMGRITEMID ids[16];
    unsigned int i, count;
    HRESULT hr;

    do
    {
        count = handler_take_skips(handler, ids, ARRAYSIZE(ids));
        for (i = 0; i < count; i++)
        {
            TRACE("%s: SetItemStatus(%s, SKIPPED).\n", debugstr_w(handler_clsid_str(handler)),
                  debugstr_guid(&ids[i]));
            hr = ISyncMgrSynchronize_SetItemStatus(sync, &ids[i], SYNCMGRSTATUS_SKIPPED);
            if (hr != S_OK) WARN("SetItemStatus returned %#lx.\n", hr);
        }
    } while (count == ARRAYSIZE(ids));
}

/* Waits, serving the apartment, until the pending call completes, passing
 * on skip requests meanwhile. FALSE when the handler is finished meanwhile
 * (given up on, crashed): then nothing more is asked of it. */
BOOL step_wait_completion(struct handler *handler, ISyncMgrSynchronize *sync)
{
    HANDLE events[2] = { handler_completion_event(handler), handler_control_event(handler) };
    MSG msg;

    for (;;)
    {
        DWORD ret;

        pass_on_skips(handler, sync);
        ret = MsgWaitForMultipleObjects(2, events, FALSE, 100, QS_ALLINPUT);
        if (ret == WAIT_OBJECT_0) return !handler_finished(handler);
        if (handler_finished(handler)) return FALSE;
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
        {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

/* What a step of the synchronization left to do. */
enum step
{
    STEP_GO_ON,
    STEP_DONE,     /* the handler is failed; it is released as usual */
    STEP_GIVEN_UP, /* finished meanwhile (given up on, crashed): no more calls into it */
};

/* A begin call that completes through the callback: PrepareForSync or
 * Synchronize, and the wait for its completion. */
static enum step call_and_wait(struct handler *handler, ISyncMgrSynchronize *sync, BOOL prepare,
        SYNCMGRITEMID *ids, ULONG count, HRESULT *completion)
{
    UINT failure = prepare ? IDS_PREPARE_FAILED : IDS_SYNCHRONIZE_FAILED;
    HRESULT hr;

    handler_set_state(handler, prepare ? HANDLER_PREPARING : HANDLER_SYNCHRONIZING);
    if (prepare) hr = ISyncMgrSynchronize_PrepareForSync(sync, count, ids, NULL, 0);
    else hr = ISyncMgrSynchronize_Synchronize(sync, NULL);
    if (hr != S_OK)
    {
        /* The handler must not complete a call that did not start. */
        handler_set_state(handler, prepare ? HANDLER_PREPARED : HANDLER_SYNCHRONIZED);
        handler_fail_call(handler, failure, hr);
        return STEP_DONE;
    }
    if (!step_wait_completion(handler, sync)) return STEP_GIVEN_UP;
    /* A failed preparation fails the items; a failed synchronization is
     * their default result (handler_finish). */
    *completion = handler_completion_hr(handler);
    if (prepare && *completion != S_OK)
    {
        handler_fail_call(handler, failure, *completion);
        return STEP_DONE;
    }
    return STEP_GO_ON;
}

/* As if each error with details were double-clicked (/showerrors): TRUE in
 * *retry when the handler asked for some of its items again. */
static enum step show_errors(struct handler *handler, ISyncMgrSynchronize *sync, BOOL *retry)
{
    SYNCMGRERRORID error_id;

    *retry = FALSE;
    while (!*retry && handler_next_error(handler, &error_id))
    {
        handler_set_state(handler, HANDLER_SHOWING_ERROR);
        if (ISyncMgrSynchronize_ShowError(sync, NULL, &error_id) != S_OK)
        {
            handler_set_state(handler, HANDLER_SYNCHRONIZED);
            continue;
        }
        if (!step_wait_completion(handler, sync)) return STEP_GIVEN_UP;
        *retry = handler_wants_retry(handler);
    }
    return STEP_GO_ON;
}

/* PrepareForSync and Synchronize for the given items, with ShowError and a
 * retry when asked. FALSE when the handler was finished meanwhile (given
 * up on, crashed): no more calls into it. */
BOOL step_synchronize(struct handler *handler, ISyncMgrSynchronize *sync,
        SYNCMGRITEMID *ids, ULONG count)
{
    struct session *session = handler_session(handler);
    const ULONG capacity = count;
    unsigned int attempt;
    HRESULT hr = S_OK;
    enum step step;
    BOOL retry;

    for (attempt = 0;; attempt++)
    {
        if ((step = call_and_wait(handler, sync, TRUE, ids, count, &hr)) != STEP_GO_ON
                || (step = call_and_wait(handler, sync, FALSE, ids, count, &hr)) != STEP_GO_ON)
            return step != STEP_GIVEN_UP;
        retry = FALSE;
        if (session->show_errors && attempt < MAX_RETRIES
                && show_errors(handler, sync, &retry) == STEP_GIVEN_UP)
            return FALSE;
        if (!retry) break;

        /* Synchronize again exactly the items the handler named that it has,
         * each once: never more than were chosen, whatever the list says. */
        count = handler_take_retry(handler, ids, capacity);
        TRACE("%s: retrying %lu items.\n", debugstr_w(handler_clsid_str(handler)), count);
        if (!count) break;
    }
    /* The progress dialog keeps it for ShowError until it closes. */
    if (session->keep_handlers) handler_done(handler, hr == S_OK ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED);
    else handler_finish(handler, hr == S_OK ? SYNCMGRSTATUS_SUCCEEDED : SYNCMGRSTATUS_FAILED);
    return TRUE;
}

/* Waits, serving the apartment, for what the person in the choice dialog
 * asks (Items to Synchronize, Synchronizing). FALSE when the handler is finished meanwhile. */
BOOL step_wait_command(struct handler *handler, struct handler_command *command)
{
    HANDLE event = handler_control_event(handler);
    MSG msg;

    while (!handler_take_command(handler, command))
    {
        if (handler_finished(handler)) return FALSE;
        if (MsgWaitForMultipleObjects(1, &event, FALSE, INFINITE, QS_ALLINPUT) == WAIT_OBJECT_0)
            continue;
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
        {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
    return TRUE;
}

/* A Result double-clicked: ShowError on this thread; S_SYNCMGR_RETRYSYNC
 * synchronizes the items it names again. FALSE when the handler was
 * finished meanwhile. */
static BOOL show_error(struct handler *handler, ISyncMgrSynchronize *sync,
        const struct handler_command *command)
{
    DWORD default_status = handler_default_status(handler);
    SYNCMGRITEMID *ids;
    ULONG count, capacity;
    BOOL ret;

    handler_set_state(handler, HANDLER_SHOWING_ERROR);
    TRACE("%s: ShowError(%p, %s).\n", debugstr_w(handler_clsid_str(handler)), command->window,
          debugstr_guid(&command->item));
    if (ISyncMgrSynchronize_ShowError(sync, command->window, &command->item) != S_OK)
    {
        handler_done(handler, default_status);
        return TRUE;
    }
    if (!step_wait_completion(handler, sync)) return FALSE;
    if (!handler_wants_retry(handler) || !(capacity = handler_item_count(handler))
            || !(ids = malloc(capacity * sizeof(*ids))))
    {
        handler_done(handler, default_status);
        return TRUE;
    }
    count = handler_take_retry(handler, ids, capacity);
    TRACE("%s: retrying %lu items.\n", debugstr_w(handler_clsid_str(handler)), count);
    ret = count ? step_synchronize(handler, sync, ids, count) : TRUE;
    if (!count) handler_done(handler, default_status);
    free(ids);
    return ret;
}

/* Done, the handler waits for Synchronizing to close, showing its errors
 * when asked; released, its results are written. FALSE when the handler
 * was finished meanwhile: no more calls into it. */
BOOL step_serve_results(struct handler *handler, ISyncMgrSynchronize *sync)
{
    struct handler_command command;

    /* Failed, it is released as usual. */
    if (!handler_session(handler)->keep_handlers || handler_finished(handler)) return TRUE;
    for (;;)
    {
        if (!step_wait_command(handler, &command)) return FALSE;
        if (command.kind != COMMAND_SHOW_ERROR) break;
        if (!show_error(handler, sync, &command)) return FALSE;
    }
    handler_finish(handler, handler_default_status(handler));
    return TRUE;
}
