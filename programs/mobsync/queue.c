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
#include "mobsync_request.h"
#include "shlobj.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);
WINE_DECLARE_DEBUG_CHANNEL(mobsync_usage);

/* How long an idle manager waits for more requests before it exits, in ms. */
#define IDLE_TIME 3000

static WCHAR queue_folder[MAX_PATH];

struct request
{
    struct mobsync_request header;
    BYTE *cookie;
};

static BOOL read_request(const WCHAR *path, struct request *request)
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

/* Claims the oldest request by renaming it; FALSE when there is none. */
static BOOL take_request(struct request *request)
{
    WCHAR pattern[MAX_PATH], oldest[MAX_PATH] = L"", path[MAX_PATH], claimed[MAX_PATH];
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
            if (!oldest[0] || wcscmp(data.cFileName, oldest) < 0) wcscpy(oldest, data.cFileName);
        } while (FindNextFileW(find, &data));
        FindClose(find);
        if (!oldest[0]) return FALSE;

        swprintf(path, ARRAYSIZE(path), L"%ls\\%ls", queue_folder, oldest);
        swprintf(claimed, ARRAYSIZE(claimed), L"%ls.%08lx", path, GetCurrentProcessId());
        if (!MoveFileW(path, claimed)) continue; /* another manager took it */

        ret = read_request(claimed, request);
        DeleteFileW(claimed);
        if (ret) return TRUE;
    }
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

/* Runs the request in a session of its own, which its handlers' threads
 * keep alive as long as they run. TRUE when a handler was given up on: its
 * thread may still be running in this process. */
static BOOL run_request(struct request *request)
{
    struct session options = { 0 }, *session;
    BOOL gave_up;

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
    /* Without STARTSYNC the person chooses first (UpdateAll always). */
    if (!(request->header.kind == MOBSYNC_REQUEST_UPDATE_ITEMS
            && (request->header.invoke_flags & SYNCMGRINVOKE_STARTSYNC)) && choice_wanted())
    {
        BOOL shown;

        run_choice(&options, (request->header.invoke_flags & SYNCMGRINVOKE_MINIMIZED) != 0, &shown,
                   &gave_up);
        if (shown) return gave_up;
    }
    if (!(session = session_create(&options)))
    {
        ERR("Out of memory for a session.\n");
        return FALSE;
    }
    run_session(session);
    gave_up = session->gave_up;
    session_release(session);
    return gave_up;
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

    swprintf(pattern, ARRAYSIZE(pattern), L"%ls\\*.req", queue_folder);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return FALSE;
    FindClose(find);
    return TRUE;
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
