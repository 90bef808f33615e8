/*
 * Folder synchronizer: a complete SyncMgr handler, and a template
 *
 * Each item is a pair of folders the user configured (foldersync.h): one on
 * this computer, one "on the network". Synchronize copies new and changed
 * files both ways. A file changed on both sides since the last
 * synchronization is a conflict: when a person can be asked, the conflict
 * dialog (SyncMgrResolveConflictW) decides; otherwise both versions are kept
 * and a warning is logged.
 *
 * Copy this file to start a handler of your own. The comments marked
 * "SyncMgr:" are the rules of the protocol that are easy to get wrong.
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

#define COBJMACROS
#define CONST_VTABLE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "winreg.h"
#include "objbase.h"
#include "olectl.h"
#include "mobsync.h"
#include "foldersync.h"

#define MAX_PAIRS 64

static const CLSID CLSID_FolderSync = FOLDERSYNC_CLSID;
static HINSTANCE instance;
static LONG module_refs;

struct pair
{
    SYNCMGRITEMID id;
    WCHAR name[MAX_SYNCMGRITEMNAME];
    WCHAR local[MAX_PATH];
    WCHAR network[MAX_PATH];
    FILETIME last_sync;
};

struct folder_sync
{
    ISyncMgrSynchronize ISyncMgrSynchronize_iface;
    LONG refcount;
    DWORD flags;                          /* from Initialize */
    ISyncMgrSynchronizeCallback *callback;
    struct pair pairs[MAX_PAIRS];
    unsigned int pair_count;
    SYNCMGRITEMID chosen[MAX_PAIRS];
    ULONG chosen_count;
    HANDLE worker;
};

static inline struct folder_sync *impl_from_ISyncMgrSynchronize(ISyncMgrSynchronize *iface)
{
    return CONTAINING_RECORD(iface, struct folder_sync, ISyncMgrSynchronize_iface);
}

/* --- configuration ---------------------------------------------------------- */

static BOOL read_string(HKEY key, const WCHAR *name, WCHAR *buffer, DWORD count)
{
    DWORD type, size = (count - 1) * sizeof(WCHAR);

    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)buffer, &size) || type != REG_SZ)
        return FALSE;
    buffer[size / sizeof(WCHAR)] = 0;
    return buffer[0] != 0;
}

static void load_pairs(struct folder_sync *sync)
{
    WCHAR name[64];
    HKEY root, key;
    DWORD i, len, size, type;

    sync->pair_count = 0;
    if (RegOpenKeyExA(HKEY_CURRENT_USER, FOLDERSYNC_PAIRS_KEY, 0, KEY_READ, &root)) return;
    for (i = 0; sync->pair_count < MAX_PAIRS; i++)
    {
        struct pair *pair = &sync->pairs[sync->pair_count];

        len = ARRAYSIZE(name);
        if (RegEnumKeyExW(root, i, name, &len, NULL, NULL, NULL, NULL)) break;
        if (FAILED(IIDFromString(name, &pair->id))) continue;
        if (RegOpenKeyExW(root, name, 0, KEY_READ, &key)) continue;
        if (read_string(key, L"Local", pair->local, MAX_PATH)
                && read_string(key, L"Network", pair->network, MAX_PATH))
        {
            if (!read_string(key, L"Name", pair->name, MAX_SYNCMGRITEMNAME))
                lstrcpynW(pair->name, pair->local, MAX_SYNCMGRITEMNAME);
            size = sizeof(pair->last_sync);
            if (RegQueryValueExW(key, L"LastSync", NULL, &type, (BYTE *)&pair->last_sync, &size)
                    || type != REG_BINARY || size != sizeof(pair->last_sync))
                memset(&pair->last_sync, 0, sizeof(pair->last_sync));
            sync->pair_count++;
        }
        RegCloseKey(key);
    }
    RegCloseKey(root);
}

static struct pair *find_pair(struct folder_sync *sync, const GUID *id)
{
    unsigned int i;

    for (i = 0; i < sync->pair_count; i++)
        if (IsEqualGUID(&sync->pairs[i].id, id)) return &sync->pairs[i];
    return NULL;
}

/* The state of the last synchronization: for each relative path, the two
 * modification times the files had when they were last made equal. */
static HKEY open_pair_key(const struct pair *pair, const WCHAR *subkey)
{
    WCHAR name[256];
    HKEY key;

    swprintf(name, ARRAYSIZE(name), L"%hs\\", FOLDERSYNC_PAIRS_KEY);
    StringFromGUID2(&pair->id, name + wcslen(name), 39);
    if (subkey) swprintf(name + wcslen(name), ARRAYSIZE(name) - wcslen(name), L"\\%ls", subkey);
    if (RegCreateKeyExW(HKEY_CURRENT_USER, name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL))
        return NULL;
    return key;
}

static HKEY open_state(const struct pair *pair)
{
    return open_pair_key(pair, L"State");
}

static void set_last_sync(struct pair *pair)
{
    HKEY key;

    GetSystemTimeAsFileTime(&pair->last_sync);
    if (!(key = open_pair_key(pair, NULL))) return;
    RegSetValueExW(key, L"LastSync", 0, REG_BINARY, (const BYTE *)&pair->last_sync,
                   sizeof(pair->last_sync));
    RegCloseKey(key);
}

static BOOL get_state(HKEY state, const WCHAR *path, FILETIME times[2])
{
    DWORD type, size = 2 * sizeof(FILETIME);

    return state && !RegQueryValueExW(state, path, NULL, &type, (BYTE *)times, &size)
            && type == REG_BINARY && size == 2 * sizeof(FILETIME);
}

static void set_state(HKEY state, const WCHAR *path, const FILETIME *local, const FILETIME *network)
{
    FILETIME times[2] = { *local, *network };

    if (state) RegSetValueExW(state, path, 0, REG_BINARY, (const BYTE *)times, sizeof(times));
}

/* --- synchronizing one folder pair ---------------------------------------- */

struct file_list
{
    WCHAR (*paths)[MAX_PATH];
    unsigned int count, size;
};

static void add_files(struct file_list *list, const WCHAR *root, const WCHAR *relative)
{
    WCHAR pattern[MAX_PATH], child[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;
    unsigned int i;

    swprintf(pattern, MAX_PATH, L"%ls%ls%ls\\*", root, *relative ? L"\\" : L"", relative);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return;
    do
    {
        if (!wcscmp(data.cFileName, L".") || !wcscmp(data.cFileName, L"..")) continue;
        swprintf(child, MAX_PATH, L"%ls%ls%ls", relative, *relative ? L"\\" : L"", data.cFileName);
        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
        {
            add_files(list, root, child);
            continue;
        }
        for (i = 0; i < list->count; i++) if (!wcsicmp(list->paths[i], child)) break;
        if (i < list->count) continue;
        if (list->count == list->size)
        {
            list->size = list->size ? list->size * 2 : 64;
            list->paths = realloc(list->paths, list->size * sizeof(*list->paths));
        }
        wcscpy(list->paths[list->count++], child);
    } while (FindNextFileW(find, &data));
    FindClose(find);
}

static BOOL file_time(const WCHAR *path, FILETIME *time)
{
    WIN32_FILE_ATTRIBUTE_DATA data;

    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &data)) return FALSE;
    *time = data.ftLastWriteTime;
    return TRUE;
}

static void make_parent(const WCHAR *path)
{
    WCHAR dir[MAX_PATH], *p;

    wcscpy(dir, path);
    for (p = dir + 3; (p = wcschr(p, '\\')); p++)
    {
        *p = 0;
        CreateDirectoryW(dir, NULL);
        *p = '\\';
    }
}

static BOOL copy_file(const WCHAR *from, const WCHAR *to)
{
    make_parent(to);
    return CopyFileW(from, to, FALSE);
}

/* "report.txt" -> "report (network copy).txt" */
static void network_copy_name(const WCHAR *path, WCHAR *out)
{
    const WCHAR *dot = wcsrchr(path, '.'), *slash = wcsrchr(path, '\\');

    if (!dot || (slash && dot < slash)) dot = path + wcslen(path);
    swprintf(out, MAX_PATH, L"%.*ls (network copy)%ls", (int)(dot - path), path, dot);
}

static void log_message(ISyncMgrSynchronizeCallback *callback, DWORD level, const GUID *item,
        const WCHAR *format, ...)
{
    SYNCMGRLOGERRORINFO info = { sizeof(info) };
    WCHAR text[1024];
    va_list args;

    va_start(args, format);
    _vsnwprintf(text, ARRAYSIZE(text) - 1, format, args);
    text[ARRAYSIZE(text) - 1] = 0;
    va_end(args);
    info.mask = SYNCMGRLOGERROR_ITEMID;
    info.ItemID = *item;
    ISyncMgrSynchronizeCallback_LogError(callback, level, text, &info);
}

/* SyncMgr: report progress before each piece of work, and look at what
 * Progress answers: that is how a cancel from the user reaches you. */
static HRESULT progress(ISyncMgrSynchronizeCallback *callback, const GUID *item, DWORD status,
        const WCHAR *text, int value, int max)
{
    SYNCMGRPROGRESSITEM progress = { sizeof(progress) };

    progress.mask = SYNCMGRPROGRESSITEM_STATUSTYPE | SYNCMGRPROGRESSITEM_PROGVALUE
                    | SYNCMGRPROGRESSITEM_MAXVALUE | (text ? SYNCMGRPROGRESSITEM_STATUSTEXT : 0);
    progress.lpcStatusText = text;
    progress.dwStatusType = status;
    progress.iProgValue = value;
    progress.iMaxValue = max;
    return ISyncMgrSynchronizeCallback_Progress(callback, item, &progress);
}

/* KEEP_BOTH_UNASKED: nobody could be asked, so nothing is lost. */
enum resolution { KEEP_BOTH, KEEP_BOTH_UNASKED, KEEP_LOCAL, KEEP_NETWORK, LEAVE };

/* A file changed on both sides: ask, if a person may be asked. */
static enum resolution resolve(struct folder_sync *sync, const struct pair *pair,
        const WCHAR *relative, const WCHAR *local, const WCHAR *network)
{
    int (WINAPI *pSyncMgrResolveConflictW)(HWND, RFCDLGPARAMW *) = NULL;
    WCHAR new_name[MAX_PATH], local_on[64], network_on[64];
    RFCDLGPARAMW param = { 0 };
    SYSTEMTIME st;
    FILETIME ft, lt;
    HMODULE mobsync;
    int ret;

    /* SyncMgr: without SYNCMGRFLAG_MAYBOTHERUSER a handler shows no UI of its
     * own; and around any dialog it asks EnableModeless(TRUE) first, and
     * may show it only when that says S_OK. */
    if (!(sync->flags & SYNCMGRFLAG_MAYBOTHERUSER)) return KEEP_BOTH_UNASKED;
    if (!(mobsync = LoadLibraryW(L"mobsync.dll"))) return KEEP_BOTH_UNASKED;
    pSyncMgrResolveConflictW = (void *)GetProcAddress(mobsync, "SyncMgrResolveConflictW");
    if (!pSyncMgrResolveConflictW
            || ISyncMgrSynchronizeCallback_EnableModeless(sync->callback, TRUE) != S_OK)
    {
        FreeLibrary(mobsync);
        return KEEP_BOTH_UNASKED;
    }

    network_copy_name(relative, new_name);
    file_time(local, &ft);
    FileTimeToLocalFileTime(&ft, &lt);
    FileTimeToSystemTime(&lt, &st);
    swprintf(local_on, ARRAYSIZE(local_on), L"%04u-%02u-%02u %02u:%02u", st.wYear, st.wMonth,
             st.wDay, st.wHour, st.wMinute);
    file_time(network, &ft);
    FileTimeToLocalFileTime(&ft, &lt);
    FileTimeToSystemTime(&lt, &st);
    swprintf(network_on, ARRAYSIZE(network_on), L"%04u-%02u-%02u %02u:%02u", st.wYear, st.wMonth,
             st.wDay, st.wHour, st.wMinute);

    param.dwFlags = 0;
    param.pszFilename = relative;
    param.pszLocation = pair->network;
    param.pszNewName = new_name;
    param.pszLocalModifiedOn = local_on;
    param.pszNetworkModifiedOn = network_on;
    ret = pSyncMgrResolveConflictW(NULL, &param);
    ISyncMgrSynchronizeCallback_EnableModeless(sync->callback, FALSE);
    FreeLibrary(mobsync);

    switch (ret & ~RFC_APPLY_TO_ALL)
    {
    case RFC_KEEPLOCAL: return KEEP_LOCAL;
    case RFC_KEEPNETWORK: return KEEP_NETWORK;
    case RFC_KEEPBOTH: return KEEP_BOTH;
    default: return LEAVE;
    }
}

/* Returns the item's final status. */
static DWORD synchronize_pair(struct folder_sync *sync, struct pair *pair)
{
    ISyncMgrSynchronizeCallback *callback = sync->callback;
    WCHAR local[MAX_PATH], network[MAX_PATH], text[MAX_PATH + 32], other[MAX_PATH];
    struct file_list list = { 0 };
    FILETIME lt, nt, old[2];
    BOOL has_local, has_network, ok;
    unsigned int i, errors = 0;
    HRESULT hr;
    HKEY state;

    if (GetFileAttributesW(pair->network) == INVALID_FILE_ATTRIBUTES)
    {
        log_message(callback, SYNCMGRLOGLEVEL_ERROR, &pair->id, L"%ls cannot be reached.",
                    pair->network);
        return SYNCMGRSTATUS_FAILED;
    }
    CreateDirectoryW(pair->local, NULL);
    add_files(&list, pair->local, L"");
    add_files(&list, pair->network, L"");
    state = open_state(pair);

    for (i = 0; i < list.count; i++)
    {
        const WCHAR *relative = list.paths[i];

        swprintf(text, ARRAYSIZE(text), L"%ls", relative);
        hr = progress(callback, &pair->id, SYNCMGRSTATUS_UPDATING, text, i, list.count);
        if (hr == S_SYNCMGR_CANCELITEM || hr == S_SYNCMGR_CANCELALL)
        {
            if (state) RegCloseKey(state);
            free(list.paths);
            return SYNCMGRSTATUS_STOPPED;
        }

        swprintf(local, MAX_PATH, L"%ls\\%ls", pair->local, relative);
        swprintf(network, MAX_PATH, L"%ls\\%ls", pair->network, relative);
        has_local = file_time(local, &lt);
        has_network = file_time(network, &nt);
        ok = TRUE;

        if (has_local && !has_network) ok = copy_file(local, network);
        else if (has_network && !has_local) ok = copy_file(network, local);
        else if (!get_state(state, relative, old))
        {
            /* Never synchronized: the newer one wins. */
            LONG cmp = CompareFileTime(&lt, &nt);
            if (cmp > 0) ok = copy_file(local, network);
            else if (cmp < 0) ok = copy_file(network, local);
        }
        else
        {
            BOOL local_changed = CompareFileTime(&lt, &old[0]) != 0;
            BOOL network_changed = CompareFileTime(&nt, &old[1]) != 0;

            if (local_changed && network_changed)
            {
                enum resolution resolution = resolve(sync, pair, relative, local, network);

                switch (resolution)
                {
                case KEEP_LOCAL:
                    ok = copy_file(local, network);
                    break;
                case KEEP_NETWORK:
                    ok = copy_file(network, local);
                    break;
                case KEEP_BOTH:
                case KEEP_BOTH_UNASKED:
                    /* The network version lives on as "name (network copy)",
                     * on both sides; the local one keeps the name. */
                    network_copy_name(relative, other);
                    swprintf(text, ARRAYSIZE(text), L"%ls\\%ls", pair->local, other);
                    ok = copy_file(network, text);
                    swprintf(text, ARRAYSIZE(text), L"%ls\\%ls", pair->network, other);
                    ok = ok && copy_file(network, text) && copy_file(local, network);
                    if (resolution == KEEP_BOTH_UNASKED)
                        log_message(callback, SYNCMGRLOGLEVEL_WARNING, &pair->id,
                                    L"%ls changed on both sides; both versions kept, the network one as %ls.",
                                    relative, other);
                    if (ok)
                    {
                        /* The copy is new on both sides: start its history. */
                        file_time(text, &nt);
                        set_state(state, other, &nt, &nt);
                    }
                    break;
                case LEAVE:
                    log_message(callback, SYNCMGRLOGLEVEL_WARNING, &pair->id,
                                L"%ls changed on both sides; left as it is.", relative);
                    continue;
                }
            }
            else if (local_changed) ok = copy_file(local, network);
            else if (network_changed) ok = copy_file(network, local);
        }

        if (!ok)
        {
            log_message(callback, SYNCMGRLOGLEVEL_ERROR, &pair->id, L"Could not copy %ls (error %lu).",
                        relative, GetLastError());
            errors++;
            continue;
        }
        if (file_time(local, &lt) && file_time(network, &nt)) set_state(state, relative, &lt, &nt);
    }

    if (state) RegCloseKey(state);
    free(list.paths);
    if (!errors) set_last_sync(pair);
    return errors ? SYNCMGRSTATUS_FAILED : SYNCMGRSTATUS_SUCCEEDED;
}

/* SyncMgr: Synchronize returns at once and the work happens here. The
 * callback may be called from any thread, without marshalling. */
static DWORD WINAPI synchronize_thread(void *arg)
{
    struct folder_sync *sync = arg;
    ULONG i;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED); /* for the conflict dialog */
    for (i = 0; i < sync->chosen_count; i++)
    {
        struct pair *pair = find_pair(sync, &sync->chosen[i]);
        DWORD status = pair ? synchronize_pair(sync, pair) : SYNCMGRSTATUS_FAILED;

        /* SyncMgr: every item ends with a final status through Progress. */
        progress(sync->callback, &sync->chosen[i], status, NULL, 1, 1);
    }
    ISyncMgrSynchronizeCallback_SynchronizeCompleted(sync->callback, S_OK);
    CoUninitialize();
    ISyncMgrSynchronize_Release(&sync->ISyncMgrSynchronize_iface);
    return 0;
}

/* --- ISyncMgrEnumItems ------------------------------------------------------ */

struct enum_items
{
    ISyncMgrEnumItems ISyncMgrEnumItems_iface;
    LONG refcount;
    struct folder_sync *sync;
    ULONG pos;
};

static inline struct enum_items *impl_from_ISyncMgrEnumItems(ISyncMgrEnumItems *iface)
{
    return CONTAINING_RECORD(iface, struct enum_items, ISyncMgrEnumItems_iface);
}

static HRESULT WINAPI enum_items_QueryInterface(ISyncMgrEnumItems *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrEnumItems))
    {
        *obj = iface;
        ISyncMgrEnumItems_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI enum_items_AddRef(ISyncMgrEnumItems *iface)
{
    return InterlockedIncrement(&impl_from_ISyncMgrEnumItems(iface)->refcount);
}

static ULONG WINAPI enum_items_Release(ISyncMgrEnumItems *iface)
{
    struct enum_items *items = impl_from_ISyncMgrEnumItems(iface);
    ULONG refcount = InterlockedDecrement(&items->refcount);

    if (!refcount)
    {
        ISyncMgrSynchronize_Release(&items->sync->ISyncMgrSynchronize_iface);
        free(items);
    }
    return refcount;
}

static HRESULT WINAPI enum_items_Next(ISyncMgrEnumItems *iface, ULONG count, SYNCMGRITEM *out,
        ULONG *fetched)
{
    struct enum_items *items = impl_from_ISyncMgrEnumItems(iface);
    ULONG i;

    for (i = 0; i < count && items->pos < items->sync->pair_count; i++, items->pos++)
    {
        const struct pair *pair = &items->sync->pairs[items->pos];

        memset(&out[i], 0, sizeof(out[i]));
        out[i].cbSize = sizeof(out[i]);
        out[i].ItemID = pair->id;
        out[i].dwItemState = SYNCMGRITEMSTATE_CHECKED;
        lstrcpynW(out[i].wszItemName, pair->name, MAX_SYNCMGRITEMNAME);
        if (pair->last_sync.dwLowDateTime || pair->last_sync.dwHighDateTime)
        {
            out[i].dwFlags |= SYNCMGRITEM_LASTUPDATETIME;
            out[i].ftLastUpdate = pair->last_sync;
        }
    }
    /* SyncMgr: a short Next is S_FALSE, and *fetched may be NULL for celt 1. */
    if (fetched) *fetched = i;
    return i == count ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_items_Skip(ISyncMgrEnumItems *iface, ULONG count)
{
    struct enum_items *items = impl_from_ISyncMgrEnumItems(iface);

    ULONG skipped = min(count, items->sync->pair_count - items->pos);

    /* S_FALSE only when fewer were left than asked for, as Next. */
    items->pos += skipped;
    return skipped == count ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_items_Reset(ISyncMgrEnumItems *iface)
{
    impl_from_ISyncMgrEnumItems(iface)->pos = 0;
    return S_OK;
}

static HRESULT create_enum_items(struct folder_sync *sync, ULONG pos, ISyncMgrEnumItems **out);

static HRESULT WINAPI enum_items_Clone(ISyncMgrEnumItems *iface, ISyncMgrEnumItems **out)
{
    struct enum_items *items = impl_from_ISyncMgrEnumItems(iface);
    return create_enum_items(items->sync, items->pos, out);
}

static const ISyncMgrEnumItemsVtbl enum_items_vtbl =
{
    enum_items_QueryInterface,
    enum_items_AddRef,
    enum_items_Release,
    enum_items_Next,
    enum_items_Skip,
    enum_items_Reset,
    enum_items_Clone,
};

static HRESULT create_enum_items(struct folder_sync *sync, ULONG pos, ISyncMgrEnumItems **out)
{
    struct enum_items *items;

    if (!(items = calloc(1, sizeof(*items)))) return E_OUTOFMEMORY;
    items->ISyncMgrEnumItems_iface.lpVtbl = &enum_items_vtbl;
    items->refcount = 1;
    items->sync = sync;
    items->pos = pos;
    ISyncMgrSynchronize_AddRef(&sync->ISyncMgrSynchronize_iface);
    *out = &items->ISyncMgrEnumItems_iface;
    return S_OK;
}

/* --- ISyncMgrSynchronize ---------------------------------------------------- */

static HRESULT WINAPI folder_sync_QueryInterface(ISyncMgrSynchronize *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrSynchronize))
    {
        *obj = iface;
        ISyncMgrSynchronize_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI folder_sync_AddRef(ISyncMgrSynchronize *iface)
{
    return InterlockedIncrement(&impl_from_ISyncMgrSynchronize(iface)->refcount);
}

static ULONG WINAPI folder_sync_Release(ISyncMgrSynchronize *iface)
{
    struct folder_sync *sync = impl_from_ISyncMgrSynchronize(iface);
    ULONG refcount = InterlockedDecrement(&sync->refcount);

    if (!refcount)
    {
        if (sync->callback) ISyncMgrSynchronizeCallback_Release(sync->callback);
        free(sync);
        InterlockedDecrement(&module_refs);
    }
    return refcount;
}

static HRESULT WINAPI folder_sync_Initialize(ISyncMgrSynchronize *iface, DWORD reserved, DWORD flags,
        DWORD cookie_size, const BYTE *cookie)
{
    struct folder_sync *sync = impl_from_ISyncMgrSynchronize(iface);

    /* SyncMgr: the flags hold for the whole life of this object. An unknown
     * event is to be treated as a manual synchronization. */
    sync->flags = flags;
    load_pairs(sync);
    /* S_FALSE: nothing to do for this event, leave us out. */
    return sync->pair_count ? S_OK : S_FALSE;
}

static HRESULT WINAPI folder_sync_GetHandlerInfo(ISyncMgrSynchronize *iface, SYNCMGRHANDLERINFO **info)
{
    /* SyncMgr: allocated with CoTaskMemAlloc; the manager frees it. */
    if (!info) return E_INVALIDARG;
    if (!(*info = CoTaskMemAlloc(sizeof(**info)))) return E_OUTOFMEMORY;
    memset(*info, 0, sizeof(**info));
    (*info)->cbSize = sizeof(**info);
    wcscpy((*info)->wszHandlerName, L"Folder Synchronizer");
    return S_OK;
}

static HRESULT WINAPI folder_sync_EnumSyncMgrItems(ISyncMgrSynchronize *iface, ISyncMgrEnumItems **items)
{
    if (!items) return E_INVALIDARG;
    return create_enum_items(impl_from_ISyncMgrSynchronize(iface), 0, items);
}

static HRESULT WINAPI folder_sync_GetItemObject(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        REFIID riid, void **obj)
{
    /* SyncMgr: no item interfaces are defined; this must say E_NOTIMPL. */
    if (obj) *obj = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI folder_sync_ShowProperties(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRITEMID item)
{
    /* No item has SYNCMGRITEM_HASPROPERTIES, so this is never asked for. A
     * failure here means no ShowPropertiesCompleted may follow. */
    return E_NOTIMPL;
}

static HRESULT WINAPI folder_sync_SetProgressCallback(ISyncMgrSynchronize *iface,
        ISyncMgrSynchronizeCallback *callback)
{
    struct folder_sync *sync = impl_from_ISyncMgrSynchronize(iface);

    /* SyncMgr: keep a reference to the new callback, release the old one;
     * NULL comes before the manager releases us. */
    if (callback) ISyncMgrSynchronizeCallback_AddRef(callback);
    if (sync->callback) ISyncMgrSynchronizeCallback_Release(sync->callback);
    sync->callback = callback;
    if (!callback && sync->worker)
    {
        WaitForSingleObject(sync->worker, INFINITE);
        CloseHandle(sync->worker);
        sync->worker = NULL;
    }
    return S_OK;
}

static HRESULT WINAPI folder_sync_PrepareForSync(ISyncMgrSynchronize *iface, ULONG count,
        SYNCMGRITEMID *ids, HWND parent, DWORD reserved)
{
    struct folder_sync *sync = impl_from_ISyncMgrSynchronize(iface);

    if (!sync->callback || (count && !ids)) return E_INVALIDARG;
    /* SyncMgr: the same list applies to the Synchronize that follows. */
    sync->chosen_count = min(count, MAX_PAIRS);
    memcpy(sync->chosen, ids, sync->chosen_count * sizeof(*ids));
    /* SyncMgr: the completion may come before PrepareForSync returns. */
    ISyncMgrSynchronizeCallback_PrepareForSyncCompleted(sync->callback, S_OK);
    return S_OK;
}

static HRESULT WINAPI folder_sync_Synchronize(ISyncMgrSynchronize *iface, HWND parent)
{
    struct folder_sync *sync = impl_from_ISyncMgrSynchronize(iface);

    if (!sync->callback) return E_UNEXPECTED;
    ISyncMgrSynchronize_AddRef(iface);
    if (!(sync->worker = CreateThread(NULL, 0, synchronize_thread, sync, 0, NULL)))
    {
        ISyncMgrSynchronize_Release(iface);
        /* SyncMgr: a failure here means no SynchronizeCompleted. */
        return E_FAIL;
    }
    return S_OK;
}

static HRESULT WINAPI folder_sync_SetItemStatus(ISyncMgrSynchronize *iface, REFSYNCMGRITEMID item,
        DWORD status)
{
    /* SYNCMGRSTATUS_SKIPPED, from the Skip button: the pairs are quick, so
     * a skip simply lets the current one finish. */
    return S_OK;
}

static HRESULT WINAPI folder_sync_ShowError(ISyncMgrSynchronize *iface, HWND parent,
        REFSYNCMGRERRORID id)
{
    /* None of our log entries carries SYNCMGRERRORFLAG_ENABLEJUMPTEXT. */
    return E_NOTIMPL;
}

static const ISyncMgrSynchronizeVtbl folder_sync_vtbl =
{
    folder_sync_QueryInterface,
    folder_sync_AddRef,
    folder_sync_Release,
    folder_sync_Initialize,
    folder_sync_GetHandlerInfo,
    folder_sync_EnumSyncMgrItems,
    folder_sync_GetItemObject,
    folder_sync_ShowProperties,
    folder_sync_SetProgressCallback,
    folder_sync_PrepareForSync,
    folder_sync_Synchronize,
    folder_sync_SetItemStatus,
    folder_sync_ShowError,
};

/* --- class factory and registration ------------------------------------------ */

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory))
    {
        *obj = iface;
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI factory_AddRef(IClassFactory *iface)
{
    return 2;
}

static ULONG WINAPI factory_Release(IClassFactory *iface)
{
    return 1;
}

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
        void **obj)
{
    struct folder_sync *sync;
    HRESULT hr;

    *obj = NULL;
    if (outer) return CLASS_E_NOAGGREGATION;
    if (!(sync = calloc(1, sizeof(*sync)))) return E_OUTOFMEMORY;
    sync->ISyncMgrSynchronize_iface.lpVtbl = &folder_sync_vtbl;
    sync->refcount = 1;
    InterlockedIncrement(&module_refs);
    hr = ISyncMgrSynchronize_QueryInterface(&sync->ISyncMgrSynchronize_iface, riid, obj);
    ISyncMgrSynchronize_Release(&sync->ISyncMgrSynchronize_iface);
    return hr;
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock)
{
    if (lock) InterlockedIncrement(&module_refs);
    else InterlockedDecrement(&module_refs);
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl =
{
    factory_QueryInterface,
    factory_AddRef,
    factory_Release,
    factory_CreateInstance,
    factory_LockServer,
};

static IClassFactory factory = { &factory_vtbl };

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **obj)
{
    if (!IsEqualCLSID(clsid, &CLSID_FolderSync))
    {
        *obj = NULL;
        return CLASS_E_CLASSNOTAVAILABLE;
    }
    return IClassFactory_QueryInterface(&factory, riid, obj);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return module_refs ? S_FALSE : S_OK;
}

#define CLASS_KEY "Software\\Classes\\CLSID\\" FOLDERSYNC_CLSID_STR

/* Registers the COM class, then tells SyncMgr about the handler, as any
 * application would. */
HRESULT WINAPI DllRegisterServer(void)
{
    ISyncMgrRegister *reg;
    WCHAR path[MAX_PATH];
    HRESULT hr, init;
    HKEY key;

    GetModuleFileNameW(instance, path, MAX_PATH);
    if (RegCreateKeyExA(HKEY_LOCAL_MACHINE, CLASS_KEY "\\InprocServer32", 0, NULL, 0,
            KEY_ALL_ACCESS, NULL, &key, NULL))
        return SELFREG_E_CLASS;
    RegSetValueExW(key, NULL, 0, REG_SZ, (const BYTE *)path, (wcslen(path) + 1) * sizeof(WCHAR));
    RegSetValueExA(key, "ThreadingModel", 0, REG_SZ, (const BYTE *)"Apartment", 10);
    RegCloseKey(key);

    /* A caller in the multithreaded apartment gets RPC_E_CHANGED_MODE: its
     * apartment is not this function's to end. */
    init = CoInitialize(NULL);
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
                          (void **)&reg);
    if (SUCCEEDED(hr))
    {
        hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &CLSID_FolderSync, L"Folder Synchronizer", 0);
        ISyncMgrRegister_Release(reg);
    }
    if (SUCCEEDED(init)) CoUninitialize();
    return hr;
}

HRESULT WINAPI DllUnregisterServer(void)
{
    ISyncMgrRegister *reg;
    HRESULT init;

    init = CoInitialize(NULL);
    if (SUCCEEDED(CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER,
            &IID_ISyncMgrRegister, (void **)&reg)))
    {
        ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &CLSID_FolderSync, 0);
        ISyncMgrRegister_Release(reg);
    }
    if (SUCCEEDED(init)) CoUninitialize();
    RegDeleteKeyA(HKEY_LOCAL_MACHINE, CLASS_KEY "\\InprocServer32");
    RegDeleteKeyA(HKEY_LOCAL_MACHINE, CLASS_KEY);
    return S_OK;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH)
    {
        instance = inst;
        DisableThreadLibraryCalls(inst);
    }
    return TRUE;
}
