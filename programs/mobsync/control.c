/*
 * mobsync.exe: requests to running synchronizations (mobsync /skip, /stop)
 *
 * Each synchronizing session owns a message-only window of the class
 * CONTROL_WINDOW_CLASS. "mobsync /skip:{ITEM}" and "mobsync /stop" find every
 * such window on the desktop and send it a struct control_request in a
 * WM_COPYDATA message; the window answers how many items or handlers took
 * the request. This is the headless counterpart of the progress dialog's
 * Skip and Stop buttons, so that a script (or a person in another terminal)
 * can skip an item that takes too long without stopping the rest.
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
#include "winuser.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* How long a sender waits for a session that does not answer, in ms. */
#define SEND_TIMEOUT 10000

/* What a window passes its requests on to. */
struct control
{
    const struct control_ops *ops;
    void *context;
};

/* Runs on the session's main thread, which serves the window while it waits
 * for the handlers. Anything may be sent here: only a request of exactly
 * the right form is taken. */
static LRESULT CALLBACK control_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    const struct control *control;
    const COPYDATASTRUCT *data;
    struct control_request request;
    const GUID *clsid;

    if (msg != WM_COPYDATA) return DefWindowProcW(window, msg, wparam, lparam);

    control = (const struct control *)GetWindowLongPtrW(window, GWLP_USERDATA);
    data = (const COPYDATASTRUCT *)lparam;
    if (!control || !data || data->dwData != CONTROL_MAGIC || data->cbData != sizeof(request)
            || !data->lpData)
    {
        WARN("Ignoring a WM_COPYDATA that is not a request.\n");
        return 0;
    }
    memcpy(&request, data->lpData, sizeof(request));
    if (request.size != sizeof(request))
    {
        WARN("Ignoring a request of size %lu.\n", request.size);
        return 0;
    }
    clsid = IsEqualGUID(&request.handler, &GUID_NULL) ? NULL : &request.handler;
    TRACE("action %lu, handler %s, item %s.\n", request.action, debugstr_guid(clsid),
          debugstr_guid(&request.item));
    switch (request.action)
    {
    case CONTROL_SKIP: return control->ops->skip(control->context, clsid, &request.item);
    case CONTROL_STOP: return control->ops->stop(control->context, clsid);
    }
    WARN("Unknown action %lu.\n", request.action);
    return 0;
}

/* A message-only window of its own class (registered at the first call),
 * data in its GWLP_USERDATA; NULL, said on the mobsync channel, when it
 * cannot be made. The control windows and the progress dialog's join
 * window are such. */
HWND message_window_create(const WCHAR *class_name, WNDPROC proc, void *data)
{
    WNDCLASSW wc = { 0 };
    HWND window;

    wc.lpfnWndProc = proc;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = class_name;
    if (!RegisterClassW(&wc) && GetLastError() != ERROR_CLASS_ALREADY_EXISTS)
    {
        WARN("Cannot register %s: error %lu.\n", debugstr_w(class_name), GetLastError());
        return NULL;
    }
    if (!(window = CreateWindowExW(0, class_name, NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL,
                                   GetModuleHandleW(NULL), NULL)))
    {
        WARN("Cannot create a %s window: error %lu.\n", debugstr_w(class_name), GetLastError());
        return NULL;
    }
    SetWindowLongPtrW(window, GWLP_USERDATA, (LONG_PTR)data);
    return window;
}

/* A session's control window; requests go to ops, with context. */
HWND control_create(const struct control_ops *ops, void *context)
{
    struct control *control;
    HWND window;

    if (!(control = malloc(sizeof(*control)))) return NULL;
    control->ops = ops;
    control->context = context;
    if (!(window = message_window_create(CONTROL_WINDOW_CLASS, control_proc, control)))
    {
        WARN("/skip and /stop will not reach this session.\n");
        free(control);
        return NULL;
    }
    return window;
}

void control_destroy(HWND window)
{
    struct control *control;

    if (!window) return;
    /* Requests from now on find no window, or one that takes nothing. */
    control = (struct control *)SetWindowLongPtrW(window, GWLP_USERDATA, 0);
    DestroyWindow(window);
    free(control);
}

/* Sends the request to every running session, once per handler named (or
 * once for all handlers). Gives how many items or handlers took it, and in
 * *sessions how many sessions were found. */
unsigned int control_send(enum control_action action, const GUID *handlers,
        unsigned int handler_count, const GUID *item, unsigned int *sessions)
{
    struct control_request request = { sizeof(request), action };
    COPYDATASTRUCT data = { CONTROL_MAGIC, sizeof(request), &request };
    unsigned int taken = 0, i;
    DWORD_PTR result;
    HWND window = NULL;

    if (item) request.item = *item;
    *sessions = 0;
    while ((window = FindWindowExW(HWND_MESSAGE, window, CONTROL_WINDOW_CLASS, NULL)))
    {
        ++*sessions;
        for (i = 0; i < max(handler_count, 1); i++)
        {
            request.handler = handler_count ? handlers[i] : GUID_NULL;
            if (SendMessageTimeoutW(window, WM_COPYDATA, 0, (LPARAM)&data, SMTO_ABORTIFHUNG,
                                    SEND_TIMEOUT, &result))
                taken += result;
            else
                WARN("Session window %p did not answer: error %lu.\n", window, GetLastError());
        }
    }
    TRACE("%u sessions, %u taken.\n", *sessions, taken);
    return taken;
}
