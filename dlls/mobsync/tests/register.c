/*
 * Tests of CLSID_SyncMgr: class factory, identity and ISyncMgrRegister
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "winreg.h"
#include "objbase.h"
#include "mobsync.h"
#include "mobsync_registry.h"

#include "wine/test.h"

#define HANDLERS_KEY MOBSYNC_HANDLERS_KEY_A

static BOOL is_wine;

static ISyncMgrRegister *create_register(void)
{
    ISyncMgrRegister *reg = NULL;
    HRESULT hr;

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
                          (void **)&reg);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    return reg;
}

static void handler_key(const GUID *clsid, char *name)
{
    sprintf(name, HANDLERS_KEY "\\%s", wine_dbgstr_guid(clsid));
}

static BOOL key_exists(HKEY root, const GUID *clsid)
{
    char name[200];
    HKEY key;

    handler_key(clsid, name);
    if (RegOpenKeyExA(root, name, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

static void new_clsid(GUID *clsid)
{
    HRESULT hr = CoCreateGuid(clsid);
    ok(hr == S_OK, "CoCreateGuid got %#lx.\n", hr);
}

static void test_class_factory(void)
{
    IClassFactory *factory;
    IUnknown *unk;
    HRESULT hr;

    hr = CoGetClassObject(&CLSID_SyncMgr, CLSCTX_INPROC_SERVER, NULL, &IID_IClassFactory,
                          (void **)&factory);
    ok(hr == S_OK, "CoGetClassObject got %#lx.\n", hr);
    if (FAILED(hr)) return;

    /* The factory is a class factory, nothing more. */
    unk = (IUnknown *)0xdeadbeef;
    hr = IClassFactory_QueryInterface(factory, &IID_IStream, (void **)&unk);
    ok(hr == E_NOINTERFACE, "IStream got %#lx.\n", hr);
    ok(!unk, "got object %p.\n", unk);
    hr = IClassFactory_QueryInterface(factory, &IID_IUnknown, (void **)&unk);
    ok(hr == S_OK && unk == (IUnknown *)factory, "IUnknown got %#lx, %p.\n", hr, unk);
    if (SUCCEEDED(hr)) IUnknown_Release(unk);

    unk = (IUnknown *)0xdeadbeef;
    hr = IClassFactory_CreateInstance(factory, (IUnknown *)factory, &IID_IUnknown, (void **)&unk);
    ok(hr == CLASS_E_NOAGGREGATION, "aggregation got %#lx.\n", hr);
    ok(!unk, "got object %p.\n", unk);

    unk = (IUnknown *)0xdeadbeef;
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IClassFactory, (void **)&unk);
    ok(hr == E_NOINTERFACE, "IClassFactory got %#lx.\n", hr);
    ok(!unk, "got object %p.\n", unk);

    hr = IClassFactory_CreateInstance(factory, NULL, &IID_ISyncMgrSynchronizeInvoke, (void **)&unk);
    ok(hr == S_OK, "ISyncMgrSynchronizeInvoke got %#lx.\n", hr);
    if (SUCCEEDED(hr)) IUnknown_Release(unk);

    hr = IClassFactory_LockServer(factory, TRUE);
    ok(hr == S_OK, "LockServer got %#lx.\n", hr);
    hr = IClassFactory_LockServer(factory, FALSE);
    ok(hr == S_OK, "LockServer got %#lx.\n", hr);

    IClassFactory_Release(factory);
}

static void test_can_unload(void)
{
    HRESULT (WINAPI *pDllGetClassObject)(REFCLSID, REFIID, void **);
    HRESULT (WINAPI *pDllCanUnloadNow)(void);
    IClassFactory *factory;
    ISyncMgrRegister *reg;
    HMODULE module;
    HRESULT hr;

    module = LoadLibraryA("mobsync.dll");
    ok(module != NULL, "LoadLibrary failed, error %lu.\n", GetLastError());
    if (!module) return;
    pDllGetClassObject = (void *)GetProcAddress(module, "DllGetClassObject");
    pDllCanUnloadNow = (void *)GetProcAddress(module, "DllCanUnloadNow");
    ok(pDllGetClassObject && pDllCanUnloadNow, "entry points missing.\n");
    if (!pDllGetClassObject || !pDllCanUnloadNow) goto done;

    hr = pDllGetClassObject(&CLSID_SyncMgr, &IID_IClassFactory, (void **)&factory);
    ok(hr == S_OK, "DllGetClassObject got %#lx.\n", hr);
    hr = pDllGetClassObject(&IID_IUnknown, &IID_IClassFactory, (void **)&reg);
    ok(hr == CLASS_E_CLASSNOTAVAILABLE, "unknown class got %#lx.\n", hr);

    hr = IClassFactory_CreateInstance(factory, NULL, &IID_ISyncMgrRegister, (void **)&reg);
    ok(hr == S_OK, "CreateInstance got %#lx.\n", hr);
    hr = pDllCanUnloadNow();
    ok(hr == S_FALSE, "with an object alive got %#lx.\n", hr);
    ISyncMgrRegister_Release(reg);

    IClassFactory_LockServer(factory, TRUE);
    hr = pDllCanUnloadNow();
    ok(hr == S_FALSE, "with a lock got %#lx.\n", hr);
    IClassFactory_LockServer(factory, FALSE);
    IClassFactory_Release(factory);

    /* Other tests in this process may hold objects of their own; this one
     * holds none now. */
    hr = pDllCanUnloadNow();
    ok(hr == S_OK, "with nothing alive got %#lx.\n", hr);
done:
    FreeLibrary(module);
}

static void test_identity(void)
{
    ISyncMgrSynchronizeInvoke *invoke;
    IUnknown *unk1, *unk2, *unk;
    ISyncMgrRegister *reg;
    HRESULT hr;

    if (!(reg = create_register())) return;

    hr = ISyncMgrRegister_QueryInterface(reg, &IID_ISyncMgrSynchronizeInvoke, (void **)&invoke);
    ok(hr == S_OK, "QI for ISyncMgrSynchronizeInvoke got %#lx.\n", hr);
    hr = ISyncMgrRegister_QueryInterface(reg, &IID_IUnknown, (void **)&unk1);
    ok(hr == S_OK, "QI for IUnknown got %#lx.\n", hr);
    hr = ISyncMgrSynchronizeInvoke_QueryInterface(invoke, &IID_IUnknown, (void **)&unk2);
    ok(hr == S_OK, "QI for IUnknown got %#lx.\n", hr);
    ok(unk1 == unk2, "IUnknown differs: %p and %p.\n", unk1, unk2);
    hr = ISyncMgrSynchronizeInvoke_QueryInterface(invoke, &IID_ISyncMgrRegister, (void **)&unk);
    ok(hr == S_OK, "QI back for ISyncMgrRegister got %#lx.\n", hr);
    ok(unk == (IUnknown *)reg, "got %p, expected %p.\n", unk, reg);
    IUnknown_Release(unk);

    unk = (IUnknown *)0xdeadbeef;
    hr = ISyncMgrRegister_QueryInterface(reg, &IID_ISyncMgrSynchronize, (void **)&unk);
    ok(hr == E_NOINTERFACE, "QI for ISyncMgrSynchronize got %#lx.\n", hr);
    ok(!unk, "got %p.\n", unk);
    unk = (IUnknown *)0xdeadbeef;
    hr = ISyncMgrRegister_QueryInterface(reg, &IID_IClassFactory, (void **)&unk);
    ok(hr == E_NOINTERFACE, "QI for IClassFactory got %#lx.\n", hr);
    ok(!unk, "got %p.\n", unk);

    IUnknown_Release(unk1);
    IUnknown_Release(unk2);
    ISyncMgrSynchronizeInvoke_Release(invoke);
    ok(!ISyncMgrRegister_Release(reg), "object still referenced.\n");
}

static void test_round_trip(void)
{
    static const WCHAR desc[] = L"Test handler";
    ISyncMgrRegister *reg;
    char name[200], buffer[100];
    DWORD flags, size, type;
    GUID clsid;
    HRESULT hr;
    HKEY key;

    if (!(reg = create_register())) return;
    new_clsid(&clsid);

    flags = 0xdeadbeef;
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_FALSE, "unregistered handler got %#lx.\n", hr);
    ok(!flags, "got flags %#lx.\n", flags);

    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, desc,
            SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_IDLE);
    ok(hr == S_OK, "RegisterSyncMgrHandler got %#lx.\n", hr);
    ok(key_exists(HKEY_LOCAL_MACHINE, &clsid), "no key under HKLM.\n");
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK, "GetHandlerRegistrationInfo got %#lx.\n", hr);
    ok(flags == (SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_IDLE), "got flags %#lx.\n", flags);

    /* The values under the key are mobsync's own choice (docs/registry.md). */
    handler_key(&clsid, name);
    if (is_wine && !RegOpenKeyExA(HKEY_LOCAL_MACHINE, name, 0, KEY_READ, &key))
    {
        size = sizeof(buffer);
        ok(!RegQueryValueExA(key, NULL, NULL, &type, (BYTE *)buffer, &size), "no description.\n");
        ok(type == REG_SZ && !strcmp(buffer, "Test handler"), "got type %lu, %s.\n", type, buffer);
        RegCloseKey(key);
    }

    /* Registering again updates in place; a NULL description keeps the old one. */
    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, NULL, SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    ok(hr == S_OK, "RegisterSyncMgrHandler again got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK, "GetHandlerRegistrationInfo got %#lx.\n", hr);
    ok(flags == SYNCMGRREGISTERFLAG_PENDINGDISCONNECT, "got flags %#lx.\n", flags);
    if (is_wine && !RegOpenKeyExA(HKEY_LOCAL_MACHINE, name, 0, KEY_READ, &key))
    {
        size = sizeof(buffer);
        ok(!RegQueryValueExA(key, NULL, NULL, &type, (BYTE *)buffer, &size), "no description.\n");
        ok(!strcmp(buffer, "Test handler"), "got %s.\n", buffer);
        RegCloseKey(key);
    }

    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, L"", 0);
    ok(hr == S_OK, "RegisterSyncMgrHandler with flags 0 got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK && !flags, "got %#lx, flags %#lx.\n", hr, flags);

    hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
    ok(hr == S_OK, "UnregisterSyncMgrHandler got %#lx.\n", hr);
    ok(!key_exists(HKEY_LOCAL_MACHINE, &clsid), "key left under HKLM.\n");
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_FALSE, "after unregistering got %#lx.\n", hr);

    /* Unregistering what is not registered is harmless (docs/registry.md). */
    hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
    ok(hr == S_OK || broken(FAILED(hr)) /* not verified on Windows */, "again got %#lx.\n", hr);

    ISyncMgrRegister_Release(reg);
}

/* The documented alternative to the API: the application writes the key itself. */
static void test_direct_registry(void)
{
    char name[200], *huge;
    ISyncMgrRegister *reg;
    DWORD flags, size;
    GUID clsid;
    HRESULT hr;
    HKEY key;

    if (!(reg = create_register())) return;
    new_clsid(&clsid);
    handler_key(&clsid, name);

    ok(!RegCreateKeyExA(HKEY_LOCAL_MACHINE, name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL),
       "cannot create the key.\n");
    flags = 0xdeadbeef;
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK, "bare key got %#lx.\n", hr);
    ok(!flags, "bare key got flags %#lx.\n", flags);

    /* Values that are not ours to trust: read without harm, never "repaired". */
    if (is_wine)
    {
        size = 1024 * 1024;
        huge = malloc(size);
        memset(huge, 'x', size - 1);
        huge[size - 1] = 0;
        RegSetValueExA(key, NULL, 0, REG_SZ, (BYTE *)huge, size);
        RegSetValueExA(key, "RegisterFlags", 0, REG_SZ, (BYTE *)"7", 2);
        hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
        ok(hr == S_OK && !flags, "string flags got %#lx, flags %#lx.\n", hr, flags);
        size = 0;
        ok(!RegQueryValueExA(key, "RegisterFlags", NULL, NULL, NULL, &size) && size == 2,
           "the value was changed (%lu bytes).\n", size);

        RegSetValueExA(key, "RegisterFlags", 0, REG_BINARY, (BYTE *)"\x01", 1);
        hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
        ok(hr == S_OK && !flags, "short binary flags got %#lx, flags %#lx.\n", hr, flags);

        flags = 0xffffffff;
        RegSetValueExA(key, "RegisterFlags", 0, REG_DWORD, (BYTE *)&flags, sizeof(flags));
        hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
        ok(hr == S_OK && flags == SYNCMGRREGISTERFLAGS_MASK, "got %#lx, flags %#lx.\n", hr, flags);
        free(huge);
    }
    RegCloseKey(key);

    /* Subkeys that are not GUIDs sit beside real handlers without harm. */
    ok(!RegCreateKeyExA(HKEY_LOCAL_MACHINE, HANDLERS_KEY "\\not a guid", 0, NULL, 0, KEY_ALL_ACCESS,
       NULL, &key, NULL), "cannot create the key.\n");
    RegCloseKey(key);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK, "got %#lx.\n", hr);
    RegDeleteKeyA(HKEY_LOCAL_MACHINE, HANDLERS_KEY "\\not a guid");

    hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
    ok(hr == S_OK, "UnregisterSyncMgrHandler got %#lx.\n", hr);
    ok(!key_exists(HKEY_LOCAL_MACHINE, &clsid), "key left under HKLM.\n");

    ISyncMgrRegister_Release(reg);
}

static void test_bad_input(void)
{
    ISyncMgrRegister *reg;
    WCHAR *page, *long_desc;
    DWORD flags, old;
    SYSTEM_INFO si;
    GUID clsid;
    HRESULT hr;

    if (!(reg = create_register())) return;
    new_clsid(&clsid);

    /* Unknown flags: rejected, nothing written. */
    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, L"bad", 0x8);
    ok(hr == E_INVALIDARG || broken(hr == S_OK) /* not verified on Windows */, "flag 0x8 got %#lx.\n", hr);
    if (hr == S_OK) ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
    ok(!key_exists(HKEY_LOCAL_MACHINE, &clsid), "key written for a bad call.\n");
    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, L"bad", 0x80000000);
    ok(hr == E_INVALIDARG || broken(hr == S_OK), "flag 0x80000000 got %#lx.\n", hr);
    if (hr == S_OK) ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);

    /* Windows' behaviour with NULL pointers is unknown; they may crash it. */
    if (is_wine)
    {
        hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, NULL, L"bad", 0);
        ok(hr == E_INVALIDARG, "NULL CLSID got %#lx.\n", hr);
        hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, NULL, 0);
        ok(hr == E_INVALIDARG, "NULL CLSID got %#lx.\n", hr);
        hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, NULL, &flags);
        ok(hr == E_INVALIDARG, "NULL CLSID got %#lx.\n", hr);
        hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, NULL);
        ok(hr == E_INVALIDARG, "NULL flags got %#lx.\n", hr);
        hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 1);
        ok(hr == E_INVALIDARG, "reserved 1 got %#lx.\n", hr);

        /* A description that runs into unreadable memory without a terminator. */
        GetSystemInfo(&si);
        page = VirtualAlloc(NULL, 2 * si.dwPageSize, MEM_COMMIT, PAGE_READWRITE);
        ok(page != NULL, "VirtualAlloc failed.\n");
        if (page)
        {
            wmemset(page, 'a', si.dwPageSize / sizeof(WCHAR));
            VirtualProtect((char *)page + si.dwPageSize, si.dwPageSize, PAGE_NOACCESS, &old);
            hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid,
                    page + si.dwPageSize / sizeof(WCHAR) - 16, 0);
            ok(hr == E_INVALIDARG, "unterminated description got %#lx.\n", hr);
            ok(!key_exists(HKEY_LOCAL_MACHINE, &clsid), "key written for a bad call.\n");
            VirtualFree(page, 0, MEM_RELEASE);
        }

        long_desc = malloc(5000 * sizeof(WCHAR));
        wmemset(long_desc, 'b', 4999);
        long_desc[4999] = 0;
        hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, long_desc, 0);
        ok(hr == E_INVALIDARG, "4999-character description got %#lx.\n", hr);
        ok(!key_exists(HKEY_LOCAL_MACHINE, &clsid), "key written for a bad call.\n");
        free(long_desc);
    }

    /* A bad call leaves an existing registration as it was. */
    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, L"good", SYNCMGRREGISTERFLAG_IDLE);
    ok(hr == S_OK, "got %#lx.\n", hr);
    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, L"bad", 0x10);
    ok(hr == E_INVALIDARG || broken(hr == S_OK), "got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK, "got %#lx.\n", hr);
    ok(flags == SYNCMGRREGISTERFLAG_IDLE || broken(flags == 0x10), "got flags %#lx.\n", flags);
    ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);

    ISyncMgrRegister_Release(reg);
}

/* A user who cannot write HKLM gets the same key under HKCU. Wine does not
 * enforce registry access rights, so HKLM cannot be made read-only here: this
 * checks that such a registration is found and removed like any other. */
static void test_per_user(void)
{
    ISyncMgrRegister *reg;
    char name[200];
    DWORD flags;
    GUID clsid;
    HRESULT hr;
    HKEY key;

    if (!(reg = create_register())) return;
    new_clsid(&clsid);
    handler_key(&clsid, name);

    ok(!RegCreateKeyExA(HKEY_CURRENT_USER, name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL),
       "cannot create the key.\n");
    flags = SYNCMGRREGISTERFLAG_CONNECT;
    RegSetValueExA(key, "RegisterFlags", 0, REG_DWORD, (BYTE *)&flags, sizeof(flags));
    RegCloseKey(key);

    flags = 0xdeadbeef;
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK, "per-user registration got %#lx.\n", hr);
    ok(flags == SYNCMGRREGISTERFLAG_CONNECT || broken(!flags) /* other values on Windows */,
       "got flags %#lx.\n", flags);

    hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
    ok(hr == S_OK, "UnregisterSyncMgrHandler got %#lx.\n", hr);
    ok(!key_exists(HKEY_CURRENT_USER, &clsid), "key left under HKCU.\n");
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_FALSE, "after unregistering got %#lx.\n", hr);
    ISyncMgrRegister_Release(reg);
}

#define THREADS 8
#define PER_THREAD 200

struct thread_data
{
    GUID clsids[PER_THREAD];
    LONG failures;
};

static DWORD WINAPI register_thread(void *arg)
{
    struct thread_data *data = arg;
    ISyncMgrRegister *reg;
    DWORD flags;
    HRESULT hr;
    int i;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
                          (void **)&reg);
    if (FAILED(hr))
    {
        data->failures = PER_THREAD;
        CoUninitialize();
        return 0;
    }
    for (i = 0; i < PER_THREAD; i++)
    {
        CoCreateGuid(&data->clsids[i]);
        hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &data->clsids[i], L"thread",
                i % (SYNCMGRREGISTERFLAGS_MASK + 1));
        if (hr != S_OK) data->failures++;
    }
    for (i = 0; i < PER_THREAD; i++)
    {
        hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &data->clsids[i], &flags);
        if (hr != S_OK || flags != (DWORD)(i % (SYNCMGRREGISTERFLAGS_MASK + 1))) data->failures++;
    }
    for (i = 0; i < PER_THREAD; i++)
    {
        hr = ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &data->clsids[i], 0);
        if (hr != S_OK) data->failures++;
    }
    ISyncMgrRegister_Release(reg);
    CoUninitialize();
    return 0;
}

static DWORD count_handlers(void)
{
    DWORD count = 0;
    HKEY key;

    if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, HANDLERS_KEY, 0, KEY_READ, &key)) return 0;
    RegQueryInfoKeyA(key, NULL, NULL, NULL, &count, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    RegCloseKey(key);
    return count;
}

static void test_threads(void)
{
    static struct thread_data data[THREADS];
    HANDLE threads[THREADS];
    DWORD before, after, ret;
    int i, j, left = 0;

    before = count_handlers();
    for (i = 0; i < THREADS; i++)
        threads[i] = CreateThread(NULL, 0, register_thread, &data[i], 0, NULL);
    ret = WaitForMultipleObjects(THREADS, threads, TRUE, 120000);
    ok(ret == WAIT_OBJECT_0, "threads did not finish: %lu.\n", ret);
    for (i = 0; i < THREADS; i++)
    {
        CloseHandle(threads[i]);
        ok(!data[i].failures, "thread %d: %ld of %d calls failed.\n", i, data[i].failures,
           3 * PER_THREAD);
        for (j = 0; j < PER_THREAD; j++) left += key_exists(HKEY_LOCAL_MACHINE, &data[i].clsids[j]);
    }
    after = count_handlers();
    ok(!left, "%d registrations left behind.\n", left);
    ok(after == before, "%lu handlers before, %lu after.\n", before, after);
}

START_TEST(register)
{
    ISyncMgrRegister *reg;
    HRESULT hr;

    is_wine = !strcmp(winetest_platform, "wine");
    CoInitialize(NULL);

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
                          (void **)&reg);
    if (hr == REGDB_E_CLASSNOTREG)
    {
        win_skip("CLSID_SyncMgr is not registered.\n");
        CoUninitialize();
        return;
    }
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (SUCCEEDED(hr)) ISyncMgrRegister_Release(reg);

    test_class_factory();
    test_identity();
    test_can_unload();
    test_round_trip();
    test_direct_registry();
    test_bad_input();
    test_per_user();
    test_threads();

    CoUninitialize();
}
