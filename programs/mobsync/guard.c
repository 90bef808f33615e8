/*
 * mobsync.exe: containing handlers that crash, and reading their memory
 *
 * A handler runs on a thread of ours or on threads of its own. When an
 * exception nobody handles happens on a handler's thread, or at an address
 * inside the handler's DLL, the unhandled exception filter marks that
 * handler as crashed and ends the thread (never while it holds a handler's
 * lock); the session and the other handlers go on. docs/engine.md says why
 * this is done in process.
 *
 * Whatever a handler hands over (an item ID, a status, a text) is copied
 * with guard_copy (libs/guard, installed by guard_init) into the manager's
 * own memory before any lock is taken: a fault during the copy makes it
 * fail instead of crashing the manager.
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
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

static DWORD guard_tls = TLS_OUT_OF_INDEXES; /* the handler a thread of ours works for */

/* Fails the handlers whose DLL holds the address, if any. */
static BOOL fail_by_address(void *address, const WCHAR *message)
{
    HMODULE module;

    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
            | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, address, &module))
        return FALSE;
    return handler_fail_by_module(module, HRESULT_FROM_WIN32(ERROR_UNHANDLED_EXCEPTION), message);
}

static LONG WINAPI crash_filter(EXCEPTION_POINTERS *info)
{
    EXCEPTION_RECORD *rec = info->ExceptionRecord;
    struct handler *handler = TlsGetValue(guard_tls);
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), IDS_CRASHED, rec->ExceptionCode);
    if (handler)
        handler_fail(handler, HRESULT_FROM_WIN32(ERROR_UNHANDLED_EXCEPTION), message);
    else if (!fail_by_address(rec->ExceptionAddress, message))
    {
        ERR("Unhandled exception %#lx at %p outside any handler.\n", rec->ExceptionCode,
            rec->ExceptionAddress);
        return EXCEPTION_CONTINUE_SEARCH;
    }

    ERR("Exception %#lx at %p in a handler; its thread ends here.\n", rec->ExceptionCode,
        rec->ExceptionAddress);
    /* A thread never ends holding its handler's lock: whoever waits for it
     * next (the watchdog, /stop, the callback) would wait for ever. */
    if (handler) handler_drop_lock(handler);
    /* The thread cannot go on from here; the handler's objects are left as
     * they are, since nothing it owns can be trusted any more. */
    ExitThread(rec->ExceptionCode);
}

void guard_init(void)
{
    guard_tls = TlsAlloc();
    guard_copy_install();
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    SetUnhandledExceptionFilter(crash_filter);
}

void guard_enter(struct handler *handler)
{
    TlsSetValue(guard_tls, handler);
}

void guard_leave(void)
{
    TlsSetValue(guard_tls, NULL);
}
