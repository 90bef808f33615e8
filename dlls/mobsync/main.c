/*
 * mobsync.dll entry points
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

#include <wchar.h>

#include "mobsync_private.h"
#include "winreg.h"
#include "shlwapi.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

HINSTANCE mobsync_instance;
LONG mobsync_module_refs;

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    TRACE("%p, %lu, %p.\n", instance, reason, reserved);

    if (reason == DLL_PROCESS_ATTACH)
    {
        mobsync_instance = instance;
        DisableThreadLibraryCalls(instance);
        guard_copy_install();
    }
    /* Unloaded by FreeLibrary, the handler must not stay behind. */
    else if (reason == DLL_PROCESS_DETACH && !reserved) guard_copy_uninstall();
    return TRUE;
}

/***********************************************************************
 *              DllGetClassObject (MOBSYNC.@)
 */
HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **obj)
{
    HRESULT hr;

    TRACE("%s, %s, %p.\n", debugstr_guid(clsid), debugstr_guid(riid), obj);

    if (!clsid || !riid || !obj) return E_INVALIDARG;
    *obj = NULL;

    if ((hr = class_factory_get(clsid, riid, obj)) != CLASS_E_CLASSNOTAVAILABLE) return hr;
    if (SUCCEEDED(hr = proxy_get_class_object(clsid, riid, obj))) return hr;

    WARN("%s not available.\n", debugstr_guid(clsid));
    *obj = NULL;
    return CLASS_E_CLASSNOTAVAILABLE;
}

/***********************************************************************
 *              DllCanUnloadNow (MOBSYNC.@)
 */
HRESULT WINAPI DllCanUnloadNow(void)
{
    LONG refs = mobsync_module_refs;

    TRACE("%ld objects or locks.\n", refs);

    if (refs) return S_FALSE;
    return proxy_can_unload_now();
}

#define SYNCMGR_CLSID_KEY L"Software\\Classes\\CLSID\\{6295DF27-35EE-11D1-8707-00C04FD93327}"

static LSTATUS set_string(HKEY key, const WCHAR *name, const WCHAR *value)
{
    return RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value,
            (wcslen(value) + 1) * sizeof(WCHAR));
}

static HRESULT register_class(void)
{
    WCHAR path[MAX_PATH];
    HKEY key, inproc;
    LSTATUS ret;
    DWORD len;

    len = GetModuleFileNameW(mobsync_instance, path, ARRAYSIZE(path));
    if (!len || len >= ARRAYSIZE(path)) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);

    if ((ret = RegCreateKeyExW(HKEY_LOCAL_MACHINE, SYNCMGR_CLSID_KEY, 0, NULL, 0, KEY_ALL_ACCESS,
            NULL, &key, NULL)))
        return HRESULT_FROM_WIN32(ret);
    if (!(ret = set_string(key, NULL, L"Synchronization Manager"))
            && !(ret = RegCreateKeyExW(key, L"InprocServer32", 0, NULL, 0, KEY_ALL_ACCESS, NULL,
            &inproc, NULL)))
    {
        if (!(ret = set_string(inproc, NULL, path)))
            ret = set_string(inproc, L"ThreadingModel", L"Both");
        RegCloseKey(inproc);
    }
    RegCloseKey(key);
    return HRESULT_FROM_WIN32(ret);
}

/***********************************************************************
 *              DllRegisterServer (MOBSYNC.@)
 */
HRESULT WINAPI DllRegisterServer(void)
{
    HRESULT hr;

    TRACE("\n");

    if (FAILED(hr = register_class()) || FAILED(hr = proxy_register()))
    {
        WARN("Registration failed, hr %#lx.\n", hr);
        return hr;
    }
    return S_OK;
}

/***********************************************************************
 *              DllUnregisterServer (MOBSYNC.@)
 */
HRESULT WINAPI DllUnregisterServer(void)
{
    HRESULT hr;
    LSTATUS ret;

    TRACE("\n");

    hr = proxy_unregister();
    ret = SHDeleteKeyW(HKEY_LOCAL_MACHINE, SYNCMGR_CLSID_KEY);
    if (ret && ret != ERROR_FILE_NOT_FOUND && SUCCEEDED(hr)) hr = HRESULT_FROM_WIN32(ret);
    return hr;
}

/***********************************************************************
 *              MobsyncGetClassObject (MOBSYNC.@)
 *
 * Used by Windows' own mobsync.exe; no public contract (docs/exports.md).
 */
HRESULT WINAPI MobsyncGetClassObject(ULONG kind, void **obj)
{
    FIXME("%lu, %p: internal export with no public contract.\n", kind, obj);
    return CLASS_E_CLASSNOTAVAILABLE;
}

/***********************************************************************
 *              RunDllRegister (MOBSYNC.@)
 */
void WINAPI RunDllRegister(HWND hwnd, HINSTANCE instance, LPSTR cmdline, int show)
{
    FIXME("%p, %p, %s, %d: internal export with no public contract.\n", hwnd, instance,
          debugstr_a(cmdline), show);
}

/***********************************************************************
 *              RunLogonW (MOBSYNC.@)
 *
 * rundll32 mobsync.dll,RunLogon: what a Wine prefix start runs (the
 * RunServices value setup_mobsync.sh writes, docs/events.md). It starts
 * mobsync.exe /logon of this DLL's architecture with no console: started
 * directly by wineboot, the console program would make one, and Wine's
 * console writes its defaults to the user's registry. Not an export of
 * Windows' mobsync.dll.
 */
void WINAPI RunLogonW(HWND hwnd, HINSTANCE instance, WCHAR *cmdline, int show)
{
    WCHAR dir[MAX_PATH], exe[MAX_PATH + 16], line[MAX_PATH + 32];
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;

    TRACE("%p, %p, %s, %d\n", hwnd, instance, debugstr_w(cmdline), show);
    if (!GetSystemDirectoryW(dir, ARRAYSIZE(dir))) return;
    swprintf(exe, ARRAYSIZE(exe), L"%ls\\mobsync.exe", dir);
    swprintf(line, ARRAYSIZE(line), L"\"%ls\" /logon", exe);
    if (!CreateProcessW(exe, line, NULL, NULL, FALSE, DETACHED_PROCESS, NULL, dir, &si, &pi))
    {
        WARN("Cannot start %s: error %lu.\n", debugstr_w(line), GetLastError());
        return;
    }
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
}

/* The remaining internal exports have no public prototype either: they are
 * cdecl (the caller cleans the stack, whatever it pushed), trace, and fail. */
#define INTERNAL_EXPORT(name, result) \
    DWORD WINAPIV name(void) \
    { \
        FIXME("internal export with no public contract.\n"); \
        SetLastError(ERROR_CALL_NOT_IMPLEMENTED); \
        return result; \
    }

INTERNAL_EXPORT(DisplayOptions, E_NOTIMPL)
INTERNAL_EXPORT(RegGetHandlerRegistrationInfo, FALSE)
INTERNAL_EXPORT(RegGetHandlerTopLevelKey, FALSE)
INTERNAL_EXPORT(RegGetProgressDetailsState, FALSE)
INTERNAL_EXPORT(RegGetSchedConnectionName, FALSE)
INTERNAL_EXPORT(RegGetSchedSyncSettings, FALSE)
INTERNAL_EXPORT(RegGetSyncItemSettings, FALSE)
INTERNAL_EXPORT(RegGetSyncSettings, FALSE)
INTERNAL_EXPORT(RegQueryLoadHandlerOnEvent, FALSE)
INTERNAL_EXPORT(RegRemoveManualSyncSettings, FALSE)
INTERNAL_EXPORT(RegSchedHandlerItemsChecked, FALSE)
INTERNAL_EXPORT(RegSetProgressDetailsState, FALSE)
INTERNAL_EXPORT(RegSetSyncItemSettings, FALSE)
INTERNAL_EXPORT(RegSetUserDefaults, FALSE)
INTERNAL_EXPORT(SyncMgrRasProc, ERROR_CALL_NOT_IMPLEMENTED)
