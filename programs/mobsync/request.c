/*
 * mobsync.exe: a program's request as a file, and handing it on
 *
 * The request ISyncMgrSynchronizeInvoke queued (include/mobsync_request.h)
 * read and checked, the session options it asks for, and, for one that
 * shows its windows, the "*.win" file a mobsync.exe of its own or an open
 * progress dialog runs: whoever renames that file first runs it, so that
 * a request offered to a dialog that answered too late never runs twice.
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
#include "request.h"
#include "winuser.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* How long the queue waits for an open dialog to take a request, in ms:
 * one that does not answer in time gets none, and the request a window of
 * its own. */
#define OFFER_TIMEOUT 5000

/* Whether the header is one UpdateItems or UpdateAll writes: the DLL
 * refuses other flags and GUID_NULL with E_INVALIDARG, and a file that has
 * them comes from some other program (docs/handoff.md). */
static BOOL request_from_dll(const struct mobsync_request *header)
{
    if (header->kind == MOBSYNC_REQUEST_UPDATE_ITEMS)
        return !(header->invoke_flags & ~(SYNCMGRINVOKE_STARTSYNC | SYNCMGRINVOKE_MINIMIZED))
                && !IsEqualCLSID(&header->clsid, &GUID_NULL);
    return header->kind == MOBSYNC_REQUEST_UPDATE_ALL && !header->invoke_flags
            && IsEqualCLSID(&header->clsid, &GUID_NULL) && !header->cookie_size;
}

/* A request file, checked: FALSE, with a WARN, when it is not one. */
BOOL request_read(const WCHAR *path, struct request *request)
{
    const struct mobsync_request *header = &request->header;
    DWORD size, read;
    HANDLE file;
    BOOL ret = FALSE;

    request->cookie = NULL;
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
    {
        WARN("Cannot read %s: error %lu.\n", debugstr_w(path), GetLastError());
        return FALSE;
    }
    size = GetFileSize(file, NULL);
    if (!ReadFile(file, &request->header, sizeof(request->header), &read, NULL)
            || read != sizeof(request->header))
    {
        WARN("%s has %lu bytes, not a request's header.\n", debugstr_w(path), size);
        goto done;
    }
    if (header->magic != MOBSYNC_REQUEST_MAGIC
            || header->version != MOBSYNC_REQUEST_VERSION
            || header->header_size != sizeof(request->header)
            || header->cookie_size > MOBSYNC_MAX_COOKIE
            || size != sizeof(request->header) + header->cookie_size)
    {
        WARN("%s is not a valid request: magic %#lx, version %lu, header %lu, cookie %lu of %lu bytes.\n",
             debugstr_w(path), header->magic, header->version, header->header_size, header->cookie_size,
             size);
        goto done;
    }
    if (!request_from_dll(header))
    {
        WARN("%s is not a request UpdateItems or UpdateAll makes: kind %lu, flags %#lx, %s, "
             "cookie %lu bytes.\n", debugstr_w(path), header->kind, header->invoke_flags,
             debugstr_guid(&header->clsid), header->cookie_size);
        goto done;
    }
    if (request->header.cookie_size)
    {
        if (!(request->cookie = malloc(request->header.cookie_size)))
        {
            WARN("No memory for the %lu bytes of cookie of %s.\n", header->cookie_size, debugstr_w(path));
            goto done;
        }
        if (!ReadFile(file, request->cookie, request->header.cookie_size, &read, NULL)
                || read != request->header.cookie_size)
        {
            WARN("Cannot read the cookie of %s: error %lu.\n", debugstr_w(path), GetLastError());
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

/* The session a request asks for, in options (whose cookie points into the
 * request); FALSE for a kind this manager does not know. */
BOOL request_options(const struct request *request, struct session_options *options)
{
    memset(options, 0, sizeof(*options));
    options->mode = MODE_SYNC;
    options->timeout = invoke_timeout();
    /* The program that asked is one a person uses. */
    options->flags = SYNCMGRFLAG_INVOKE | SYNCMGRFLAG_MAYBOTHERUSER;
    if (request->header.kind == MOBSYNC_REQUEST_UPDATE_ITEMS)
    {
        options->only_handlers = &request->header.clsid;
        options->only_handler_count = 1;
        options->cookie = request->cookie;
        options->cookie_size = request->header.cookie_size;
        return TRUE;
    }
    if (request->header.kind == MOBSYNC_REQUEST_UPDATE_ALL) return TRUE;
    WARN("Unknown request kind %lu.\n", request->header.kind);
    return FALSE;
}

/* Whether the request goes straight to the progress dialog (UpdateItems
 * with STARTSYNC); the others let the person choose first. */
BOOL request_starts_sync(const struct request *request)
{
    return request->header.kind == MOBSYNC_REQUEST_UPDATE_ITEMS
            && (request->header.invoke_flags & SYNCMGRINVOKE_STARTSYNC);
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

/* Takes a "*.win" file for this process by renaming it, then reads and
 * deletes it: FALSE when another took it first, or when it is not a
 * request (then it is left as it was). */
BOOL request_claim(const WCHAR *path, struct request *request)
{
    WCHAR claimed[MAX_PATH + 16];
    BOOL ret;

    request->cookie = NULL;
    if (wcslen(path) >= MAX_PATH) return FALSE;
    swprintf(claimed, ARRAYSIZE(claimed), L"%ls.%08lx", path, GetCurrentProcessId());
    if (!MoveFileW(path, claimed))
    {
        WARN("%s was taken already: error %lu.\n", debugstr_w(path), GetLastError());
        return FALSE;
    }
    if ((ret = request_read(claimed, request))) DeleteFileW(claimed);
    else MoveFileW(claimed, path);
    return ret;
}

/* Offers the request saved at path to each open progress dialog until one
 * joins it to its synchronization; FALSE when none did (none is open, or
 * each is finishing or did not answer in time). */
BOOL request_offer(const WCHAR *path)
{
    COPYDATASTRUCT data = { PROGRESS_JOIN_MAGIC, (wcslen(path) + 1) * sizeof(WCHAR), (void *)path };
    HWND window = NULL;
    DWORD_PTR taken;

    while ((window = FindWindowExW(HWND_MESSAGE, window, PROGRESS_JOIN_CLASS, NULL)))
    {
        if (SendMessageTimeoutW(window, WM_COPYDATA, 0, (LPARAM)&data, SMTO_ABORTIFHUNG,
                                OFFER_TIMEOUT, &taken) && taken)
        {
            TRACE("%s joined the dialog of %p.\n", debugstr_w(path), window);
            return TRUE;
        }
        WARN("The dialog of %p did not take %s: error %lu.\n", window, debugstr_w(path),
             GetLastError());
    }
    return FALSE;
}
