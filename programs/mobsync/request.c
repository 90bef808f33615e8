/*
 * mobsync.exe: a program's request, as a session
 *
 * The request ISyncMgrSynchronizeInvoke queued (include/mobsync_request.h)
 * read and run: headlessly in the /invoke server (queue.c), or with its
 * windows in a mobsync.exe of its own (/window:), which the server starts
 * so that the queue goes on while a person reads a window.
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
#include <wchar.h>

#include "mobsync_private.h"
#include "request.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* A request file, checked: FALSE when it is not one. */
BOOL request_read(const WCHAR *path, struct request *request)
{
    DWORD size, read;
    HANDLE file;
    BOOL ret = FALSE;

    request->cookie = NULL;
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    size = GetFileSize(file, NULL);
    if (!ReadFile(file, &request->header, sizeof(request->header), &read, NULL)
            || read != sizeof(request->header))
        goto done;
    if (request->header.magic != MOBSYNC_REQUEST_MAGIC
            || request->header.version != MOBSYNC_REQUEST_VERSION
            || request->header.header_size != sizeof(request->header)
            || request->header.cookie_size > MOBSYNC_MAX_COOKIE
            || size != sizeof(request->header) + request->header.cookie_size)
    {
        WARN("%s is not a valid request.\n", debugstr_w(path));
        goto done;
    }
    if (request->header.cookie_size)
    {
        if (!(request->cookie = malloc(request->header.cookie_size))) goto done;
        if (!ReadFile(file, request->cookie, request->header.cookie_size, &read, NULL)
                || read != request->header.cookie_size)
        {
            free(request->cookie);
            request->cookie = NULL;
            goto done;
        }
    }
    ret = TRUE;
done:
    CloseHandle(file);
    return ret;
}

/* The time limit of a synchronization a program asked for: the command line
 * the DLL starts the manager with is fixed, so it is the per-user REG_DWORD
 * HKCU\Software\mobsync\InvokeTimeout, in seconds (docs/engine.md). */
static DWORD invoke_timeout(void)
{
    DWORD seconds, size = sizeof(seconds), type;
    HKEY key;
    LSTATUS ret;

    if (RegOpenKeyExW(HKEY_CURRENT_USER, SETTINGS_KEY, 0, KEY_QUERY_VALUE, &key))
        return DEFAULT_TIMEOUT;
    ret = RegQueryValueExW(key, L"InvokeTimeout", NULL, &type, (BYTE *)&seconds, &size);
    RegCloseKey(key);
    if (ret == ERROR_FILE_NOT_FOUND) return DEFAULT_TIMEOUT;
    if (ret || type != REG_DWORD || size != sizeof(seconds) || !seconds || seconds > MAX_TIMEOUT)
    {
        WARN("InvokeTimeout is not a number of seconds from 1 to %u; taking %u.\n",
             MAX_TIMEOUT, DEFAULT_TIMEOUT);
        return DEFAULT_TIMEOUT;
    }
    TRACE("InvokeTimeout %lu s.\n", seconds);
    return seconds;
}

/* Whether the request shows a window when it runs: a choice dialog, or
 * the progress dialog of a synchronization a program asked for. */
BOOL request_shows_window(const struct request *request)
{
    return choice_wanted();
}

/* Runs the request in a session of its own, which its handlers' threads
 * keep alive as long as they run; with windows when windows is set (a
 * process of its own, /window:). TRUE when a handler was given up on: its
 * thread may still be running in this process. *ret, when given, is the
 * exit code. */
BOOL request_run(struct request *request, BOOL windows, int *ret)
{
    struct session options = { 0 }, *session;
    BOOL gave_up, shown;
    int code;

    options.mode = MODE_SYNC;
    options.timeout = invoke_timeout();
    /* The program that asked is one a person uses. */
    options.flags = SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER;
    if (request->header.kind == MOBSYNC_REQUEST_UPDATE_ITEMS)
    {
        options.only_handlers = &request->header.clsid;
        options.only_handler_count = 1;
        options.cookie = request->cookie;
        options.cookie_size = request->header.cookie_size;
    }
    else if (request->header.kind != MOBSYNC_REQUEST_UPDATE_ALL)
    {
        WARN("Unknown request kind %lu.\n", request->header.kind);
        return FALSE;
    }
    TRACE("Request from process %#lx: kind %lu, %s, flags %#lx, %lu bytes of cookie.\n",
          request->header.sender_pid, request->header.kind, debugstr_guid(&request->header.clsid),
          request->header.invoke_flags, request->header.cookie_size);
    if (!ret) ret = &code;
    /* Without STARTSYNC the person chooses first (UpdateAll always). */
    if (windows && !(request->header.kind == MOBSYNC_REQUEST_UPDATE_ITEMS
            && (request->header.invoke_flags & SYNCMGRINVOKE_STARTSYNC)))
    {
        *ret = run_choice(&options, (request->header.invoke_flags & SYNCMGRINVOKE_MINIMIZED) != 0,
                          &shown, &gave_up);
        if (shown) return gave_up;
    }
    if (!(session = session_create(&options)))
    {
        ERR("Out of memory for a session.\n");
        *ret = 1;
        return FALSE;
    }
    shown = FALSE;
    /* STARTSYNC: the person sees how it goes. */
    session->keep_handlers = windows;
    if (windows && session_start(session)) *ret = run_progress(session, &shown);
    else if (windows) *ret = 1;
    if (windows && !shown && session->handlers) *ret = session_finish(session);
    if (!windows) *ret = run_session(session);
    gave_up = session->gave_up;
    session_release(session);
    return gave_up;
}

/* Writes the request where a mobsync.exe of its own reads it: the queue
 * folder, under a name the queue does not take ("*.win"). */
BOOL request_save(const struct request *request, const WCHAR *folder, WCHAR *path)
{
    static LONG serial;
    DWORD written;
    HANDLE file;
    BOOL ret;

    swprintf(path, MAX_PATH, L"%ls\\%08lx-%08lx.win", folder, GetCurrentProcessId(),
             InterlockedIncrement(&serial));
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ret = WriteFile(file, &request->header, sizeof(request->header), &written, NULL)
            && written == sizeof(request->header)
            && (!request->header.cookie_size
                || (WriteFile(file, request->cookie, request->header.cookie_size, &written, NULL)
                    && written == request->header.cookie_size));
    CloseHandle(file);
    if (!ret) DeleteFileW(path);
    return ret;
}

/* Starts "mobsync.exe /window:PATH", which runs the request saved there. */
BOOL request_start_window(const WCHAR *path)
{
    WCHAR exe[MAX_PATH], cmdline[2 * MAX_PATH + 32], dir[MAX_PATH];
    PROCESS_INFORMATION pi;
    STARTUPINFOW si = { sizeof(si) };
    DWORD len;

    len = GetModuleFileNameW(NULL, exe, ARRAYSIZE(exe));
    if (!len || len >= ARRAYSIZE(exe) || !GetSystemDirectoryW(dir, ARRAYSIZE(dir))) return FALSE;
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" /window:\"%ls\"", exe, path);
    if (!CreateProcessW(exe, cmdline, NULL, NULL, FALSE, DETACHED_PROCESS, NULL, dir, &si, &pi))
        return FALSE;
    TRACE("Request %s handed to process %04lx.\n", debugstr_w(path), pi.dwProcessId);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return TRUE;
}

/* mobsync /window:PATH: a program's request with its windows, which the
 * /invoke server handed over; the file is read and deleted. */
int run_window_request(const WCHAR *path)
{
    struct request request;
    int ret = 2;

    if (!request_read(path, &request))
    {
        ERR("%s is not a request.\n", debugstr_w(path));
        DeleteFileW(path);
        return 2;
    }
    DeleteFileW(path);
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    request_run(&request, TRUE, &ret);
    free(request.cookie);
    CoUninitialize();
    /* Handlers given up on may still hold threads of ours. */
    ExitProcess(ret);
}
