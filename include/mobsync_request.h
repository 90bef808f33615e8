/*
 * The hand-off from ISyncMgrSynchronizeInvoke (mobsync.dll) to the manager
 * (mobsync.exe). Private to mobsync; not part of the public API.
 *
 * Each request is one file in the per-user queue folder
 * (CSIDL_LOCAL_APPDATA\mobsync\queue). The sender writes it under a ".tmp"
 * name and renames it to "<16 hex digits: FILETIME>-<8: pid>-<8: sequence>.req",
 * so the manager never sees a half-written request and can take requests in
 * the order they were made. Then the sender wakes the manager: when the
 * mutex MOBSYNC_MANAGER_MUTEX exists a manager runs and MOBSYNC_QUEUE_EVENT
 * is set; otherwise "mobsync.exe /invoke" is started from the system folder.
 * The manager drains the whole folder each time it wakes, so requests that
 * arrive together are all taken, and none is lost while it starts.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_REQUEST_H
#define __MOBSYNC_REQUEST_H

#include <wchar.h>

#define MOBSYNC_MANAGER_MUTEX L"Local\\mobsync.manager"
#define MOBSYNC_QUEUE_EVENT   L"Local\\mobsync.queue"
#define MOBSYNC_QUEUE_FOLDER  L"mobsync\\queue"

#define MOBSYNC_REQUEST_MAGIC   0x5152534d /* "MSRQ" */
#define MOBSYNC_REQUEST_VERSION 1

/* The queue folder, in path (MAX_PATH characters), below the user's local
 * application data folder: FALSE when that would leave no room for the
 * names of requests. */
static inline BOOL mobsync_queue_folder(const WCHAR *local_appdata, WCHAR *path)
{
    if (wcslen(local_appdata) + 1 + wcslen(MOBSYNC_QUEUE_FOLDER) >= MAX_PATH - 32) return FALSE;
    wcscpy(path, local_appdata);
    wcscat(path, L"\\" MOBSYNC_QUEUE_FOLDER);
    return TRUE;
}

/* Starts "PATH /invoke", the manager: neither the starter's console nor its
 * current folder (the system folder instead), since the manager outlives
 * whoever starts it. FALSE, with GetLastError, when it cannot start. */
static inline BOOL mobsync_start_manager(const WCHAR *path)
{
    WCHAR dir[MAX_PATH], cmdline[MAX_PATH + 16];
    PROCESS_INFORMATION pi;
    STARTUPINFOW si = { sizeof(si) };

    if (!GetSystemDirectoryW(dir, MAX_PATH) || wcslen(path) >= MAX_PATH) return FALSE;
    swprintf(cmdline, MAX_PATH + 16, L"\"%ls\" /invoke", path);
    if (!CreateProcessW(path, cmdline, NULL, NULL, FALSE, DETACHED_PROCESS, NULL, dir, &si, &pi))
        return FALSE;
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return TRUE;
}

/* The largest cookie UpdateItems accepts. */
#define MOBSYNC_MAX_COOKIE (16 * 1024 * 1024)

enum mobsync_request_kind
{
    MOBSYNC_REQUEST_UPDATE_ITEMS = 1, /* ISyncMgrSynchronizeInvoke::UpdateItems */
    MOBSYNC_REQUEST_UPDATE_ALL   = 2, /* ISyncMgrSynchronizeInvoke::UpdateAll */
};

/* File layout: this header, then cbCookie bytes of cookie. Little-endian,
 * the same for 32- and 64-bit senders. */
struct mobsync_request
{
    DWORD magic;        /* MOBSYNC_REQUEST_MAGIC */
    DWORD version;      /* MOBSYNC_REQUEST_VERSION */
    DWORD header_size;  /* sizeof(struct mobsync_request) */
    DWORD kind;         /* enum mobsync_request_kind */
    DWORD invoke_flags; /* SYNCMGRINVOKE_* of UpdateItems, 0 for UpdateAll */
    DWORD sender_pid;   /* for traces */
    CLSID clsid;        /* the handler UpdateItems named, GUID_NULL for UpdateAll */
    DWORD cookie_size;  /* bytes of cookie that follow */
};

#endif /* __MOBSYNC_REQUEST_H */
