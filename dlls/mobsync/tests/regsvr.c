/*
 * Tests of DllRegisterServer / DllUnregisterServer through regsvr32
 *
 * Unregistering removes exactly what registering added: the registry after
 * register + unregister is the registry before, key for key and value for
 * value. Only run where the mobsync.dll under test is ours (Wine); on Windows
 * it would unregister the system's own.
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

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "winreg.h"
#include "objbase.h"
#include "mobsync.h"

#include "wine/test.h"

struct snapshot
{
    char *data;
    size_t len, size;
};

static void append(struct snapshot *s, const void *data, size_t len)
{
    if (s->len + len > s->size)
    {
        s->size = max(s->size * 2, s->len + len + 65536);
        s->data = realloc(s->data, s->size);
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
}

/* Every key, value name, type and value below key, in enumeration order. */
static void add_key(struct snapshot *s, HKEY key, const char *path)
{
    char name[512], child_path[2048];
    DWORD i, name_len, type, size;
    BYTE *data = malloc(1 << 16);
    HKEY child;

    append(s, path, strlen(path) + 1);
    for (i = 0;; i++)
    {
        name_len = sizeof(name);
        size = 1 << 16;
        if (RegEnumValueA(key, i, name, &name_len, NULL, &type, data, &size)) break;
        append(s, name, name_len + 1);
        append(s, &type, sizeof(type));
        append(s, data, size);
    }
    free(data);
    for (i = 0;; i++)
    {
        name_len = sizeof(name);
        if (RegEnumKeyExA(key, i, name, &name_len, NULL, NULL, NULL, NULL)) break;
        if (RegOpenKeyExA(key, name, 0, KEY_READ, &child)) continue;
        snprintf(child_path, sizeof(child_path), "%s\\%s", path, name);
        add_key(s, child, child_path);
        RegCloseKey(child);
    }
}

static struct snapshot take_snapshot(void)
{
    static const char * const roots[] = { "Software\\Classes\\CLSID", "Software\\Classes\\Interface" };
    struct snapshot s = { 0 };
    unsigned int i;
    HKEY key;

    for (i = 0; i < ARRAY_SIZE(roots); i++)
    {
        if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, roots[i], 0, KEY_READ, &key)) continue;
        add_key(&s, key, roots[i]);
        RegCloseKey(key);
    }
    return s;
}

static BOOL same(const struct snapshot *a, const struct snapshot *b)
{
    return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

static DWORD run_regsvr32(const char *args)
{
    PROCESS_INFORMATION pi;
    STARTUPINFOA si = { sizeof(si) };
    char cmdline[MAX_PATH + 64];
    DWORD code = ~0u;

    snprintf(cmdline, sizeof(cmdline), "regsvr32.exe %s mobsync.dll", args);
    if (!CreateProcessA(NULL, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return ~0u;
    if (!WaitForSingleObject(pi.hProcess, 60000)) GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

static BOOL key_exists(const char *name)
{
    HKEY key;

    if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, name, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

#define CLSID_KEY "Software\\Classes\\CLSID\\{6295DF27-35EE-11D1-8707-00C04FD93327}"
#define IID_KEY(n) "Software\\Classes\\Interface\\{6295DF" n "-35EE-11D1-8707-00C04FD93327}"

static void test_round_trip(void)
{
    struct snapshot registered, unregistered, again, unregistered_again;
    char value[MAX_PATH];
    DWORD code, size;
    LSTATUS ret;
    HKEY key;

    registered = take_snapshot();
    ok(key_exists(CLSID_KEY "\\InprocServer32"), "CLSID_SyncMgr is not registered.\n");
    size = sizeof(value);
    value[0] = 0;
    ret = RegOpenKeyExA(HKEY_LOCAL_MACHINE, CLSID_KEY "\\InprocServer32", 0, KEY_READ, &key);
    if (!ret)
    {
        ret = RegQueryValueExA(key, "ThreadingModel", NULL, NULL, (BYTE *)value, &size);
        RegCloseKey(key);
    }
    ok(!ret && !strcmp(value, "Both"), "got %ld, threading model %s.\n", ret, value);
    ok(key_exists(IID_KEY("40") "\\ProxyStubClsid32"), "ISyncMgrSynchronize has no proxy.\n");
    ok(key_exists(IID_KEY("41") "\\ProxyStubClsid32"), "ISyncMgrSynchronizeCallback has no proxy.\n");
    ok(key_exists(IID_KEY("2A") "\\ProxyStubClsid32"), "ISyncMgrEnumItems has no proxy.\n");
    ok(key_exists(IID_KEY("2C") "\\ProxyStubClsid32"), "ISyncMgrSynchronizeInvoke has no proxy.\n");
    ok(key_exists(IID_KEY("42") "\\ProxyStubClsid32"), "ISyncMgrRegister has no proxy.\n");

    code = run_regsvr32("/s /u");
    ok(!code, "regsvr32 /u exited with %#lx.\n", code);
    unregistered = take_snapshot();
    ok(!key_exists(CLSID_KEY), "CLSID_SyncMgr is still registered.\n");
    ok(!key_exists(IID_KEY("40")) && !key_exists(IID_KEY("41")) && !key_exists(IID_KEY("2A"))
       && !key_exists(IID_KEY("2C")) && !key_exists(IID_KEY("42")), "interfaces left registered.\n");
    ok(!same(&registered, &unregistered), "unregistering changed nothing.\n");

    code = run_regsvr32("/s");
    ok(!code, "regsvr32 exited with %#lx.\n", code);
    again = take_snapshot();
    ok(same(&again, &registered), "registering again gave another registry (%Iu bytes, not %Iu).\n",
       again.len, registered.len);

    code = run_regsvr32("/s /u");
    ok(!code, "regsvr32 /u exited with %#lx.\n", code);
    unregistered_again = take_snapshot();
    ok(same(&unregistered_again, &unregistered),
       "register + unregister did not give back the registry before (%Iu bytes, not %Iu).\n",
       unregistered_again.len, unregistered.len);

    /* Leave it registered for the other tests. */
    code = run_regsvr32("/s");
    ok(!code, "regsvr32 exited with %#lx.\n", code);

    free(registered.data);
    free(unregistered.data);
    free(again.data);
    free(unregistered_again.data);
}

START_TEST(regsvr)
{
    if (strcmp(winetest_platform, "wine"))
    {
        skip("would unregister the system's own mobsync.dll.\n");
        return;
    }
    test_round_trip();
}
