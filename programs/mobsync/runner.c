/*
 * mobsync.exe: a handler's thread
 *
 * Each handler runs on a single-threaded apartment of its own, all of them at
 * once, and is driven through the documented sequence: Initialize,
 * GetHandlerInfo, EnumSyncMgrItems, SetProgressCallback, PrepareForSync and
 * its completion, Synchronize and its completion (ShowError and a retry
 * when asked), SetProgressCallback(NULL), Release. What the handler hands
 * over is copied (guard_copy) and given to its record (handler.c); the
 * thread holds a reference on the record, and through it on the session.
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


static DWORD WINAPI main_apartment_thread(void *ready)
{
    MSG msg;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    SetEvent(ready);
    while (GetMessageW(&msg, NULL, 0, 0) > 0)
    {
        TranslateMessage(&msg);
        DispatchMessageW(&msg);
    }
    return 0;
}

/* The first single-threaded apartment of a process is its main apartment,
 * where objects registered without a ThreadingModel are created. It gets a
 * thread of its own, so that such a handler that hangs blocks nobody but
 * itself (and others like it), never the session's clock. */
void runner_start_main_apartment(void)
{
    static BOOL started;

    HANDLE ready, thread;

    if (started) return;
    started = TRUE;
    ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    if ((thread = CreateThread(NULL, 0, main_apartment_thread, ready, 0, NULL)))
    {
        WaitForSingleObject(ready, INFINITE);
        CloseHandle(thread);
    }
    CloseHandle(ready);
}

/* Its DLL, so that a crash on a thread of its own is recognized as its. */
static HMODULE handler_module(const struct handler *handler)
{
    const WCHAR *path = handler_server(handler);

    return path[0] ? GetModuleHandleW(path) : NULL;
}

/* Initialize and GetHandlerInfo: TRUE when the handler takes part. Each
 * call may have outlived the time limit: then nothing more is asked. */
static BOOL initialize(struct handler *handler, ISyncMgrSynchronize *sync)
{
    struct session *session = handler_session(handler);
    WCHAR message[256];
    HRESULT hr;

    if (handler_finished(handler)) return FALSE;
    hr = ISyncMgrSynchronize_Initialize(sync, 0, session->flags, session->cookie_size, session->cookie);
    if (hr == S_FALSE)
    {
        TRACE("%s does not take part.\n", debugstr_w(handler_clsid_str(handler)));
        handler_skip(handler);
        return FALSE;
    }
    if (FAILED(hr))
    {
        format_message(message, ARRAYSIZE(message), IDS_INITIALIZE_FAILED, hr);
        handler_fail(handler, hr, message);
        return FALSE;
    }
    return !handler_finished(handler) && loader_get_info(handler, sync) && !handler_finished(handler);
}

/* The callback set, the synchronization of the chosen items (or the
 * choice dialog's commands), and the callback taken back. FALSE when the
 * handler was given up on meanwhile. */
static BOOL run_with_callback(struct handler *handler, ISyncMgrSynchronize *sync,
        SYNCMGRITEMID *ids, ULONG count)
{
    ISyncMgrSynchronizeCallback *callback;
    WCHAR message[256];
    HRESULT hr;
    BOOL ret;

    if (FAILED(hr = callback_create(handler, &callback)))
    {
        handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
        return TRUE;
    }
    ISyncMgrSynchronize_SetProgressCallback(sync, callback);
    if (handler_session(handler)->mode == MODE_CHOOSE) ret = choosing_serve(handler, sync);
    else ret = step_synchronize(handler, sync, ids, count) && step_serve_results(handler, sync);
    if (!ret)
    {
        ISyncMgrSynchronizeCallback_Release(callback);
        return FALSE;
    }
    handler_set_state(handler, HANDLER_RELEASED);
    ISyncMgrSynchronize_SetProgressCallback(sync, NULL);
    ISyncMgrSynchronizeCallback_Release(callback);
    return TRUE;
}

static void run_handler(struct handler *handler)
{
    ISyncMgrSynchronize *sync;
    SYNCMGRITEMID *ids = NULL;
    WCHAR message[256];
    unsigned int count;
    HRESULT hr;

    hr = CoCreateInstance(handler_clsid(handler), NULL, CLSCTX_INPROC_SERVER,
                          &IID_ISyncMgrSynchronize, (void **)&sync);
    if (FAILED(hr))
    {
        handler_fail(handler, hr, load_message(IDS_CANNOT_LOAD, message, ARRAYSIZE(message)));
        return;
    }
    handler_set_module(handler, handler_module(handler));
    if (!initialize(handler, sync) || !loader_enumerate(handler, sync)) goto done;

    if (handler_session(handler)->mode == MODE_CHOOSE)
    {
        if (!run_with_callback(handler, sync, NULL, 0)) return; /* given up on */
        goto done;
    }
    /* Listing, this reads the check states; no chosen item: the handler is
     * simply released. */
    count = handler_choose_items(handler, &ids, &hr);
    if (FAILED(hr))
        handler_fail(handler, hr, load_message(IDS_OUT_OF_MEMORY, message, ARRAYSIZE(message)));
    else if (!count)
        handler_finish(handler, SYNCMGRSTATUS_SUCCEEDED);
    else if (!run_with_callback(handler, sync, ids, count))
    {
        /* Given up on: no more calls into it. */
        free(ids);
        return;
    }

done:
    free(ids);
    ISyncMgrSynchronize_Release(sync);
}

/* Holds a reference on the handler's record, and through it on the
 * session: a thread given up on keeps what it uses. */
DWORD WINAPI runner_thread(void *arg)
{
    struct handler *handler = arg;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    guard_enter(handler);
    run_handler(handler);
    guard_leave();
    handler_finish(handler, SYNCMGRSTATUS_FAILED);
    handler_release(handler);
    /* An apartment whose handler was given up on is not torn down: the
     * handler may still be running in it. */
    CoUninitialize();
    return 0;
}

