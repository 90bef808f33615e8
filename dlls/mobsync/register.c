/*
 * ISyncMgrRegister: the handler registration store
 *
 * Handlers live under HKLM\Software\Microsoft\Windows\CurrentVersion\Syncmgr\
 * Handlers\{CLSID}, the key Microsoft documents (SQL Server and others write
 * it directly). The default value holds the description and the REG_DWORD
 * "RegisterFlags" the SYNCMGRREGISTERFLAGS; a bare key counts as registered
 * with flags 0. A user who cannot write HKLM gets the same key under HKCU.
 * See docs/registry.md.
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

#include <stdlib.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "mobsync_registry.h"
#include "winreg.h"
#include "shlwapi.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

#define HANDLERS_KEY MOBSYNC_HANDLERS_KEY
#define FLAGS_VALUE  L"RegisterFlags"

/* "Handlers\{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" */
static void handler_key_name(REFCLSID clsid, WCHAR *name, DWORD size)
{
    C_ASSERT(ARRAYSIZE(HANDLERS_KEY) + 39 <= 128);

    wcscpy(name, HANDLERS_KEY L"\\");
    StringFromGUID2(clsid, name + wcslen(name), size - wcslen(name));
}

static const char *root_name(HKEY root)
{
    return root == HKEY_LOCAL_MACHINE ? "HKLM" : "HKCU";
}

static HRESULT write_registration(HKEY root, const WCHAR *name, const WCHAR *description,
        DWORD flags)
{
    DWORD disposition;
    LSTATUS ret;
    HKEY key;

    if ((ret = RegCreateKeyExW(root, name, 0, NULL, 0, KEY_SET_VALUE | DELETE, NULL, &key,
            &disposition)))
        return HRESULT_FROM_WIN32(ret);

    if (description)
        ret = RegSetValueExW(key, NULL, 0, REG_SZ, (const BYTE *)description,
                (wcslen(description) + 1) * sizeof(WCHAR));
    if (!ret)
        ret = RegSetValueExW(key, FLAGS_VALUE, 0, REG_DWORD, (const BYTE *)&flags, sizeof(flags));
    RegCloseKey(key);

    if (ret && disposition == REG_CREATED_NEW_KEY) RegDeleteKeyW(root, name);
    return HRESULT_FROM_WIN32(ret);
}

/* A handler registered for logon, logoff or idle has something for a prefix
 * start to run: the values that start mobsync /logon then (docs/events.md)
 * are added where missing. mobsync.exe takes them out again once nothing is
 * set up (Synchronization Settings, mobsync /autorun); a failure here does
 * not fail the registration. */
static void arm_automatic_runs(void)
{
    static const WCHAR *keys[] = { MOBSYNC_RUNSERVICES_KEY, MOBSYNC_RUN_KEY };
    static const WCHAR *commands[] = { MOBSYNC_RUNSERVICES_COMMAND, MOBSYNC_RUN_COMMAND };
    unsigned int i;
    LSTATUS ret;
    HKEY key;

    for (i = 0; i < ARRAYSIZE(keys); i++)
    {
        if ((ret = RegCreateKeyExW(HKEY_LOCAL_MACHINE, keys[i], 0, NULL, 0,
                KEY_QUERY_VALUE | KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL)))
        {
            WARN("Cannot open %s: error %ld.\n", debugstr_w(keys[i]), ret);
            continue;
        }
        if (RegQueryValueExW(key, MOBSYNC_RUN_VALUE, NULL, NULL, NULL, NULL) == ERROR_FILE_NOT_FOUND)
        {
            TRACE("Adding %s to %s.\n", debugstr_w(commands[i]), debugstr_w(keys[i]));
            if ((ret = RegSetValueExW(key, MOBSYNC_RUN_VALUE, 0, REG_SZ, (const BYTE *)commands[i],
                    (wcslen(commands[i]) + 1) * sizeof(WCHAR))))
                WARN("Cannot write %s: error %ld.\n", debugstr_w(keys[i]), ret);
        }
        RegCloseKey(key);
    }
}

static HRESULT WINAPI sync_manager_register_QueryInterface(ISyncMgrRegister *iface, REFIID riid,
        void **obj)
{
    return sync_manager_QueryInterface(impl_from_ISyncMgrRegister(iface), riid, obj);
}

static ULONG WINAPI sync_manager_register_AddRef(ISyncMgrRegister *iface)
{
    return sync_manager_AddRef(impl_from_ISyncMgrRegister(iface));
}

static ULONG WINAPI sync_manager_register_Release(ISyncMgrRegister *iface)
{
    return sync_manager_Release(impl_from_ISyncMgrRegister(iface));
}

static HRESULT WINAPI sync_manager_RegisterSyncMgrHandler(ISyncMgrRegister *iface,
        REFCLSID clsid, LPCWSTR description, DWORD flags)
{
    WCHAR name[128], *copy = NULL;
    HRESULT hr;

    TRACE("%p, %s, %p, %#lx.\n", iface, debugstr_guid(clsid), description, flags);

    if (!clsid)
    {
        WARN("NULL CLSID.\n");
        return E_INVALIDARG;
    }
    if (flags & ~SYNCMGRREGISTERFLAGS_MASK)
    {
        WARN("Unknown flags %#lx.\n", flags & ~SYNCMGRREGISTERFLAGS_MASK);
        return E_INVALIDARG;
    }
    /* The description may come from anywhere: it is copied, never read past
     * what the caller can show us, and one too long to be a description is
     * refused. One character more than allowed is copied to tell. */
    if (description)
    {
        if (!(copy = malloc((MAX_HANDLER_DESCRIPTION + 2) * sizeof(WCHAR)))) return E_OUTOFMEMORY;
        if (!guard_copy_string(copy, description, MAX_HANDLER_DESCRIPTION + 2)
                || wcslen(copy) > MAX_HANDLER_DESCRIPTION)
        {
            WARN("Description unreadable or longer than %u characters.\n", MAX_HANDLER_DESCRIPTION);
            free(copy);
            return E_INVALIDARG;
        }
        TRACE("description %s.\n", debugstr_w(copy));
    }

    handler_key_name(clsid, name, ARRAYSIZE(name));
    hr = write_registration(HKEY_LOCAL_MACHINE, name, copy, flags);
    if (hr == HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED))
    {
        TRACE("HKLM is not writable; registering %s for this user only.\n", debugstr_guid(clsid));
        hr = write_registration(HKEY_CURRENT_USER, name, copy, flags);
    }
    if (FAILED(hr)) WARN("Failed to register %s, hr %#lx.\n", debugstr_guid(clsid), hr);
    else if (flags & (SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT
            | SYNCMGRREGISTERFLAG_IDLE))
        arm_automatic_runs();
    free(copy);
    return hr;
}

static HRESULT WINAPI sync_manager_UnregisterSyncMgrHandler(ISyncMgrRegister *iface,
        REFCLSID clsid, DWORD reserved)
{
    static const HKEY roots[] = { HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER };
    HRESULT hr = S_OK;
    WCHAR name[128];
    unsigned int i;
    LSTATUS ret;

    TRACE("%p, %s, %#lx.\n", iface, debugstr_guid(clsid), reserved);

    if (!clsid || reserved)
    {
        WARN("Invalid CLSID %p or reserved value %#lx.\n", clsid, reserved);
        return E_INVALIDARG;
    }

    handler_key_name(clsid, name, ARRAYSIZE(name));
    for (i = 0; i < ARRAYSIZE(roots); i++)
    {
        /* Most keys have no subkeys: one call. Those that do lose them too. */
        ret = RegDeleteKeyW(roots[i], name);
        if (ret && ret != ERROR_FILE_NOT_FOUND) ret = SHDeleteKeyW(roots[i], name);
        if (ret == ERROR_FILE_NOT_FOUND) continue;
        TRACE("Removing %s from %s: %ld.\n", debugstr_w(name), root_name(roots[i]), ret);
        if (ret && SUCCEEDED(hr)) hr = HRESULT_FROM_WIN32(ret);
    }
    return hr;
}

static HRESULT WINAPI sync_manager_GetHandlerRegistrationInfo(ISyncMgrRegister *iface,
        REFCLSID clsid, DWORD *flags)
{
    static const HKEY roots[] = { HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER };
    DWORD type, value, size;
    WCHAR name[128];
    unsigned int i;
    HKEY key;

    TRACE("%p, %s, %p.\n", iface, debugstr_guid(clsid), flags);

    if (!clsid || !flags)
    {
        WARN("Invalid CLSID %p or flags pointer %p.\n", clsid, flags);
        return E_INVALIDARG;
    }
    *flags = 0;

    handler_key_name(clsid, name, ARRAYSIZE(name));
    for (i = 0; i < ARRAYSIZE(roots); i++)
    {
        if (RegOpenKeyExW(roots[i], name, 0, KEY_QUERY_VALUE, &key)) continue;

        size = sizeof(value);
        if (!RegQueryValueExW(key, FLAGS_VALUE, NULL, &type, (BYTE *)&value, &size)
                && type == REG_DWORD && size == sizeof(value))
        {
            if (value & ~SYNCMGRREGISTERFLAGS_MASK)
                WARN("Ignoring unknown stored flags %#lx.\n", value & ~SYNCMGRREGISTERFLAGS_MASK);
            *flags = value & SYNCMGRREGISTERFLAGS_MASK;
        }
        else if (!RegQueryValueExW(key, FLAGS_VALUE, NULL, &type, NULL, &size))
            WARN("Stored flags of %s are not a REG_DWORD (type %lu, %lu bytes); using 0.\n",
                 debugstr_guid(clsid), type, size);
        RegCloseKey(key);

        TRACE("%s is registered in %s with flags %#lx.\n", debugstr_guid(clsid),
              root_name(roots[i]), *flags);
        return S_OK;
    }

    TRACE("%s is not registered.\n", debugstr_guid(clsid));
    return S_FALSE;
}

const ISyncMgrRegisterVtbl sync_manager_register_vtbl =
{
    sync_manager_register_QueryInterface,
    sync_manager_register_AddRef,
    sync_manager_register_Release,
    sync_manager_RegisterSyncMgrHandler,
    sync_manager_UnregisterSyncMgrHandler,
    sync_manager_GetHandlerRegistrationInfo,
};
