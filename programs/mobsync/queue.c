/*
 * mobsync.exe /invoke: takes the requests that ISyncMgrSynchronizeInvoke
 * queued (include/mobsync_request.h, docs/handoff.md) and runs them
 *
 * One manager runs per session of the user: it holds MOBSYNC_MANAGER_MUTEX
 * and is woken through MOBSYNC_QUEUE_EVENT. Requests run one after the other
 * in the order they were made; one that arrives during a session follows it.
 * A request is claimed by renaming it, so that two managers (one starting
 * while the other stops) never run the same request.
 *
 * A request runs headlessly in the /invoke server, or with its windows in a
 * mobsync.exe of its own (/window:), which the server starts so that the
 * queue goes on while a person reads a window, unless an open progress
 * dialog takes it (request.c).
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
#include "resource.h"
#include "shlobj.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Whether the request shows a window when it runs: a choice dialog, or
 * the progress dialog of a synchronization a program asked for. */
static BOOL request_shows_window(const struct request *request)
{
    return choice_wanted();
}

/* Runs the request in a session of its own, which its handlers' threads
 * keep alive as long as they run; with windows when windows is set (a
 * process of its own, /window:). TRUE when a handler was given up on: its
 * thread may still be running in this process. *ret, when given, is the
 * exit code. */
static BOOL request_run(struct request *request, BOOL windows, int *ret)
{
    struct session_options options;
    struct session *session;
    BOOL gave_up, shown;
    int code;

    if (!request_options(request, &options)) return FALSE;
    TRACE("Request from process %#lx: kind %lu, %s, flags %#lx, %lu bytes of cookie.\n",
          request->header.sender_pid, request->header.kind, debugstr_guid(&request->header.clsid),
          request->header.invoke_flags, request->header.cookie_size);
    if (!ret) ret = &code;
    /* Without STARTSYNC the person chooses first (UpdateAll always). */
    if (windows && !request_starts_sync(request))
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
    session->options.keep_handlers = windows;
    if (windows && session_start(session)) *ret = run_progress(session, &shown);
    else if (windows) *ret = 1;
    if (windows && !shown && session->handlers) *ret = session_finish(session);
    if (!windows) *ret = run_session(session);
    gave_up = session->gave_up;
    session_release(session);
    return gave_up;
}

/* Starts "mobsync.exe /window:PATH", which runs the request saved there. */
static BOOL request_start_window(const WCHAR *path)
{
    WCHAR args[MAX_PATH + 16];

    swprintf(args, ARRAYSIZE(args), L"/window:\"%ls\"", path);
    return spawn_mobsync(args, NULL, NULL);
}

/* mobsync /window:PATH: a program's request with its windows, which the
 * /invoke server handed over; the file is read and deleted. */
int run_window_request(const WCHAR *path)
{
    struct request request;
    int ret = 2;

    /* An open dialog the request was offered to may have taken it. */
    if (!request_claim(path, &request))
    {
        print_error(IDS_NOT_A_REQUEST, path);
        return 2;
    }
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    request_run(&request, TRUE, &ret);
    free(request.cookie);
    CoUninitialize();
    /* Handlers given up on may still hold threads of ours. */
    write_coverage();
    ExitProcess(ret);
}

WINE_DECLARE_DEBUG_CHANNEL(mobsync_usage);

/* How long an idle manager waits for more requests before it exits, in ms. */
#define IDLE_TIME 3000

static WCHAR queue_folder[MAX_PATH];

/* Whether a file that "*.req" found is a request: a file named so in full.
 * The pattern also finds other names by their short names ("x.request" is
 * X~1.REQ), and folders. */
static BOOL is_request(const WIN32_FIND_DATAW *data)
{
    size_t len = wcslen(data->cFileName);

    return !(data->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) && len >= 4
            && !wcsicmp(data->cFileName + len - 4, L".req");
}

/* Claims the oldest request by renaming it; FALSE when there is none. One
 * that cannot be renamed is passed over, and tried again on the next call:
 * another manager took it, or a program that writes it in place still
 * holds it open without FILE_SHARE_DELETE, for as long as it likes. */
static BOOL take_request(struct request *request)
{
    /* The folder leaves 32 characters of MAX_PATH, a name has up to MAX_PATH - 1. */
    WCHAR pattern[MAX_PATH], oldest[MAX_PATH], passed[MAX_PATH] = L"", path[2 * MAX_PATH],
          claimed[MAX_PATH + 64 + 16];
    WIN32_FIND_DATAW data;
    HANDLE find;
    BOOL ret;

    for (;;)
    {
        swprintf(pattern, ARRAYSIZE(pattern), L"%ls\\*.req", queue_folder);
        if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return FALSE;
        oldest[0] = 0;
        do
        {
            if (!is_request(&data) || (passed[0] && wcscmp(data.cFileName, passed) <= 0)) continue;
            if (!oldest[0] || wcscmp(data.cFileName, oldest) < 0) wcscpy(oldest, data.cFileName);
        } while (FindNextFileW(find, &data));
        FindClose(find);
        if (!oldest[0]) return FALSE;
        wcscpy(passed, oldest);

        swprintf(path, ARRAYSIZE(path), L"%ls\\%ls", queue_folder, oldest);
        /* NAME.PID: a name of 255 characters has no room for more, so at
         * most the first 64 of it, enough for a trace to tell which it was. */
        swprintf(claimed, ARRAYSIZE(claimed), L"%ls\\%.64ls.%08lx", queue_folder, oldest,
                 GetCurrentProcessId());
        if (!MoveFileW(path, claimed))
        {
            DWORD error = GetLastError();

            if (error == ERROR_FILE_NOT_FOUND) TRACE("Another manager took %s.\n", debugstr_w(path));
            else WARN("Cannot take %s, error %lu: passing over it.\n", debugstr_w(path), error);
            continue;
        }

        ret = request_read(claimed, request);
        DeleteFileW(claimed);
        if (ret) return TRUE;
    }
}

/* Runs the request: headlessly here, in a session of its own which its
 * handlers' threads keep alive as long as they run; or, when it shows a
 * window, in a mobsync.exe of its own, so that the queue goes on while a
 * person reads the window. One that goes straight to the progress dialog
 * joins one that is open, as on Windows. TRUE when a handler was given up
 * on here: its thread may still be running in this process. */
static BOOL run_request(struct request *request)
{
    struct request saved;
    WCHAR path[MAX_PATH];

    if (!request_shows_window(request)) return request_run(request, FALSE, NULL);
    if (!request_save(request, queue_folder, path))
    {
        WARN("Cannot save the request for a window: error %lu; running it here.\n", GetLastError());
        return request_run(request, FALSE, NULL);
    }
    if (request_starts_sync(request) && request_offer(path)) return FALSE;
    if (request_start_window(path)) return FALSE;
    WARN("Cannot hand the request to a window of its own: error %lu; running it here.\n",
         GetLastError());
    /* Unless a dialog that answered the offer too late took it meanwhile. */
    if (!request_claim(path, &saved)) return FALSE;
    free(saved.cookie);
    return request_run(request, FALSE, NULL);
}

/* The handles the process has open. Wine's GetProcessHandleCount gives 0:
 * every value is tried, up to a long run of unused ones past the last. */
static DWORD count_handles(void)
{
    DWORD flags, count = 0;
    ULONG_PTR value, last = 0;

    for (value = 4; value - last < 0x4000; value += 4)
    {
        if (!GetHandleInformation((HANDLE)value, &flags)) continue;
        count++;
        last = value;
    }
    return count;
}

/* What the server holds after some requests, for the soak benchmark
 * (WINEDEBUG=+mobsync_usage): handles, and heap blocks and bytes in use in
 * all the process's heaps. */
static void trace_usage(unsigned int requests)
{
    PROCESS_HEAP_ENTRY entry;
    HANDLE heaps[64];
    SIZE_T bytes = 0;
    DWORD handles, count, i, blocks = 0;

    if (!TRACE_ON(mobsync_usage) || (requests > 10 && requests % 50)) return;
    handles = count_handles();
    count = GetProcessHeaps(ARRAYSIZE(heaps), heaps);
    for (i = 0; i < count && i < ARRAYSIZE(heaps); i++)
    {
        if (!HeapLock(heaps[i])) continue;
        entry.lpData = NULL;
        while (HeapWalk(heaps[i], &entry))
        {
            if (!(entry.wFlags & PROCESS_HEAP_ENTRY_BUSY)) continue;
            bytes += entry.cbData;
            blocks++;
        }
        HeapUnlock(heaps[i]);
    }
    TRACE_(mobsync_usage)("request %u: %lu handles, %lu heap blocks, %Iu heap bytes\n", requests,
                          handles, blocks, bytes);
}

/* A manager that gave up on a handler stops taking requests once the queue
 * is empty: the next request starts a fresh one, so that threads stuck in
 * handlers never pile up in one process. */

/* Whether a request waits in the queue. */
static BOOL queue_pending(void)
{
    WCHAR pattern[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;
    BOOL ret = FALSE;

    swprintf(pattern, ARRAYSIZE(pattern), L"%ls\\*.req", queue_folder);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return FALSE;
    do ret = is_request(&data); while (!ret && FindNextFileW(find, &data));
    FindClose(find);
    return ret;
}

/* Starts a new manager for the requests this one leaves: the sender of one
 * that came in after the last look saw this manager and started none. */
static void start_manager(void)
{
    WCHAR path[MAX_PATH];
    DWORD len;

    len = GetModuleFileNameW(NULL, path, ARRAYSIZE(path));
    if (!len || len >= ARRAYSIZE(path) || !mobsync_start_manager(path))
        WARN("Cannot start a new manager: error %lu.\n", GetLastError());
}

/* One request run, its memory freed, and what the server holds traced.
 * TRUE when a handler was given up on. */
static BOOL serve(struct request *request, unsigned int *requests)
{
    BOOL gave_up = run_request(request);

    free(request->cookie);
    trace_usage(++*requests);
    return gave_up;
}

/* A manager that gave up on a handler takes no more requests: a new one
 * gets those that came in after its last look. */
static int hand_over(void)
{
    TRACE("A handler was given up on: leaving the next requests to a new manager.\n");
    if (queue_pending()) start_manager();
    return 0;
}

static BOOL become_manager(HANDLE *mutex, HANDLE *event)
{
    *mutex = CreateMutexW(NULL, TRUE, MOBSYNC_MANAGER_MUTEX);
    if (*mutex && GetLastError() != ERROR_ALREADY_EXISTS)
    {
        *event = CreateEventW(NULL, FALSE, FALSE, MOBSYNC_QUEUE_EVENT);
        return TRUE;
    }
    /* Another manager runs: make sure it looks at the queue. */
    if (*mutex) CloseHandle(*mutex);
    if ((*event = OpenEventW(EVENT_MODIFY_STATE, FALSE, MOBSYNC_QUEUE_EVENT)))
    {
        SetEvent(*event);
        CloseHandle(*event);
    }
    TRACE("Another manager runs.\n");
    return FALSE;
}

int run_invoke_server(void)
{
    struct request request;
    HANDLE mutex, event;
    unsigned int requests = 0;
    BOOL gave_up = FALSE;

    HRESULT (WINAPI *pSHGetFolderPathW)(HWND, int, HANDLE, DWORD, WCHAR *);
    WCHAR local_appdata[MAX_PATH];
    HMODULE shell32;

    /* shell32 is big and only this mode needs it: not a static import. */
    if (!(shell32 = LoadLibraryW(L"shell32.dll"))
            || !(pSHGetFolderPathW = (void *)GetProcAddress(shell32, "SHGetFolderPathW"))
            || FAILED(pSHGetFolderPathW(NULL, CSIDL_LOCAL_APPDATA, NULL, SHGFP_TYPE_CURRENT, local_appdata))
            || !mobsync_queue_folder(local_appdata, queue_folder))
        return 1;

    if (!become_manager(&mutex, &event)) return 0;
    for (;;)
    {
        while (take_request(&request))
            if (serve(&request, &requests)) gave_up = TRUE;
        if (!gave_up && WaitForSingleObject(event, IDLE_TIME) == WAIT_OBJECT_0) continue;

        /* Stop being the manager first, then look once more: a request that
         * came in between is taken here or by the manager its sender starts. */
        CloseHandle(event);
        ReleaseMutex(mutex);
        CloseHandle(mutex);
        if (gave_up) return hand_over();
        if (!take_request(&request)) return 0;
        if (serve(&request, &requests)) return hand_over();
        if (!become_manager(&mutex, &event)) return 0;
    }
}
