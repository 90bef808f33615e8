/*
 * ISyncMgrSynchronizeInvoke: hands synchronization requests to mobsync.exe
 *
 * UpdateItems and UpdateAll return at once; the synchronization itself runs
 * in the manager process. The request travels as a file in the user's queue
 * folder, and the manager is woken or started (include/mobsync_request.h).
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "mobsync_request.h"
#include "shlobj.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

static LONG request_sequence;

static HRESULT get_queue_folder(WCHAR *path)
{
    WCHAR base[MAX_PATH], *last;
    HRESULT hr;

    if (FAILED(hr = SHGetFolderPathW(NULL, CSIDL_LOCAL_APPDATA | CSIDL_FLAG_CREATE, NULL,
            SHGFP_TYPE_CURRENT, base)))
        return hr;
    if (!mobsync_queue_folder(base, path)) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    /* The folder and the one above it. */
    last = wcsrchr(path, '\\');
    *last = 0;
    CreateDirectoryW(path, NULL);
    *last = '\\';
    if (!CreateDirectoryW(path, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        return HRESULT_FROM_WIN32(GetLastError());
    return S_OK;
}

static HRESULT write_request(const WCHAR *path, const struct mobsync_request *request,
        const BYTE *cookie)
{
    DWORD written;
    HANDLE file;
    BOOL ret;

    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) return HRESULT_FROM_WIN32(GetLastError());
    ret = WriteFile(file, request, sizeof(*request), &written, NULL) && written == sizeof(*request);
    if (ret && request->cookie_size)
        ret = WriteFile(file, cookie, request->cookie_size, &written, NULL)
                && written == request->cookie_size;
    if (!ret)
    {
        DWORD error = GetLastError();
        CloseHandle(file);
        DeleteFileW(path);
        return HRESULT_FROM_WIN32(error ? error : ERROR_WRITE_FAULT);
    }
    CloseHandle(file);
    return S_OK;
}

static HRESULT start_manager(void)
{
    WCHAR dir[MAX_PATH], path[MAX_PATH];
    UINT len;

    len = GetSystemDirectoryW(dir, MAX_PATH - 12);
    if (!len || len >= MAX_PATH - 12) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    swprintf(path, ARRAYSIZE(path), L"%ls\\mobsync.exe", dir);
    if (!mobsync_start_manager(path))
    {
        DWORD error = GetLastError();
        WARN("Cannot start %s, error %lu.\n", debugstr_w(path), error);
        return HRESULT_FROM_WIN32(error);
    }
    TRACE("Started %s.\n", debugstr_w(path));
    return S_OK;
}

/* Wakes a running manager, or starts one. */
static HRESULT wake_manager(void)
{
    HANDLE mutex, event;

    if ((mutex = OpenMutexW(SYNCHRONIZE, FALSE, MOBSYNC_MANAGER_MUTEX)))
    {
        CloseHandle(mutex);
        if ((event = OpenEventW(EVENT_MODIFY_STATE, FALSE, MOBSYNC_QUEUE_EVENT)))
        {
            SetEvent(event);
            CloseHandle(event);
            TRACE("Woke the running manager.\n");
            return S_OK;
        }
        /* A manager that holds the mutex but has no event yet is starting up,
         * and reads the queue once it is ready. */
        TRACE("The manager is starting; it will find the request.\n");
        return S_OK;
    }
    return start_manager();
}

static HRESULT queue_request(DWORD kind, DWORD flags, REFCLSID clsid, DWORD cookie_size,
        const BYTE *cookie)
{
    struct mobsync_request request = { 0 };
    WCHAR folder[MAX_PATH], tmp[MAX_PATH], path[MAX_PATH];
    FILETIME now;
    HRESULT hr;

    request.magic = MOBSYNC_REQUEST_MAGIC;
    request.version = MOBSYNC_REQUEST_VERSION;
    request.header_size = sizeof(request);
    request.kind = kind;
    request.invoke_flags = flags;
    request.sender_pid = GetCurrentProcessId();
    request.clsid = clsid ? *clsid : GUID_NULL;
    request.cookie_size = cookie_size;

    if (FAILED(hr = get_queue_folder(folder)))
    {
        WARN("No queue folder, hr %#lx.\n", hr);
        return hr;
    }
    GetSystemTimeAsFileTime(&now);
    swprintf(path, ARRAYSIZE(path), L"%ls\\%08lx%08lx-%08lx-%08lx.req", folder, now.dwHighDateTime,
             now.dwLowDateTime, GetCurrentProcessId(), (DWORD)InterlockedIncrement(&request_sequence));
    swprintf(tmp, ARRAYSIZE(tmp), L"%ls.tmp", path);

    /* Written under another name first, so that the manager never reads half a request. */
    if (FAILED(hr = write_request(tmp, &request, cookie))) return hr;
    if (!MoveFileW(tmp, path))
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        DeleteFileW(tmp);
        return hr;
    }
    TRACE("Queued %s.\n", debugstr_w(path));

    if (FAILED(hr = wake_manager()))
    {
        /* Nobody will run it: do not leave it to surprise a later session. */
        DeleteFileW(path);
    }
    return hr;
}

static HRESULT WINAPI sync_manager_invoke_QueryInterface(ISyncMgrSynchronizeInvoke *iface,
        REFIID riid, void **obj)
{
    return sync_manager_QueryInterface(impl_from_ISyncMgrSynchronizeInvoke(iface), riid, obj);
}

static ULONG WINAPI sync_manager_invoke_AddRef(ISyncMgrSynchronizeInvoke *iface)
{
    return sync_manager_AddRef(impl_from_ISyncMgrSynchronizeInvoke(iface));
}

static ULONG WINAPI sync_manager_invoke_Release(ISyncMgrSynchronizeInvoke *iface)
{
    return sync_manager_Release(impl_from_ISyncMgrSynchronizeInvoke(iface));
}

static HRESULT WINAPI sync_manager_UpdateItems(ISyncMgrSynchronizeInvoke *iface, DWORD flags,
        REFCLSID clsid, DWORD cookie_size, const BYTE *cookie)
{
    BYTE *copy = NULL;
    HRESULT hr;

    TRACE("%p, %#lx, %s, %lu, %p.\n", iface, flags, debugstr_guid(clsid), cookie_size, cookie);

    if (flags & ~(SYNCMGRINVOKE_STARTSYNC | SYNCMGRINVOKE_MINIMIZED))
    {
        WARN("Unknown flags %#lx.\n", flags & ~(SYNCMGRINVOKE_STARTSYNC | SYNCMGRINVOKE_MINIMIZED));
        return E_INVALIDARG;
    }
    if (!clsid || IsEqualCLSID(clsid, &GUID_NULL))
    {
        WARN("No handler CLSID.\n");
        return E_INVALIDARG;
    }
    if (cookie_size > MOBSYNC_MAX_COOKIE || (cookie_size && !cookie))
    {
        WARN("Cookie of %lu bytes at %p is too large or missing.\n", cookie_size, cookie);
        return E_INVALIDARG;
    }
    /* Copied first: what is queued is what could be read, all of it. */
    if (cookie_size)
    {
        if (!(copy = malloc(cookie_size))) return E_OUTOFMEMORY;
        if (!guard_copy(copy, cookie, cookie_size))
        {
            WARN("Cookie of %lu bytes at %p is unreadable.\n", cookie_size, cookie);
            free(copy);
            return E_INVALIDARG;
        }
    }
    hr = queue_request(MOBSYNC_REQUEST_UPDATE_ITEMS, flags, clsid, cookie_size, copy);
    free(copy);
    return hr;
}

static HRESULT WINAPI sync_manager_UpdateAll(ISyncMgrSynchronizeInvoke *iface)
{
    TRACE("%p.\n", iface);

    return queue_request(MOBSYNC_REQUEST_UPDATE_ALL, 0, NULL, 0, NULL);
}

const ISyncMgrSynchronizeInvokeVtbl sync_manager_invoke_vtbl =
{
    sync_manager_invoke_QueryInterface,
    sync_manager_invoke_AddRef,
    sync_manager_invoke_Release,
    sync_manager_UpdateItems,
    sync_manager_UpdateAll,
};
