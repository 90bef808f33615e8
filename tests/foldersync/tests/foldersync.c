/*
 * Tests of the sample folder synchronizer, driven by mobsync.exe as a user
 * or a script would drive it
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
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "winreg.h"
#include "winuser.h"
#include "objbase.h"
#include "shlwapi.h"
#include "mobsync.h"
#include "../foldersync.h"

#include "wine/test.h"

#define PAIR1 "{A1A1A1A1-0000-4000-8000-000000000001}"
#define PAIR2 "{A1A1A1A1-0000-4000-8000-000000000002}"
#define IDC_KEEP_LOCAL 1006

static const CLSID CLSID_FolderSync = FOLDERSYNC_CLSID;
static char base[MAX_PATH], output[16384];
static DWORD exit_code;

static void path_of(char *out, const char *relative)
{
    sprintf(out, "%s\\%s", base, relative);
}

static void write_file(const char *relative, const char *text, int age_seconds)
{
    char path[MAX_PATH];
    FILETIME ft;
    ULARGE_INTEGER t;
    HANDLE file;
    DWORD written;

    path_of(path, relative);
    file = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ok(file != INVALID_HANDLE_VALUE, "cannot write %s.\n", path);
    WriteFile(file, text, strlen(text), &written, NULL);
    /* Distinct times without sleeping: "age" seconds in the past. */
    GetSystemTimeAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    t.QuadPart -= (ULONGLONG)age_seconds * 10000000;
    ft.dwLowDateTime = t.LowPart;
    ft.dwHighDateTime = t.HighPart;
    SetFileTime(file, NULL, NULL, &ft);
    CloseHandle(file);
}

static const char *read_file(const char *relative)
{
    static char text[256];
    char path[MAX_PATH];
    HANDLE file;
    DWORD read = 0;

    path_of(path, relative);
    text[0] = 0;
    file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return "(missing)";
    ReadFile(file, text, sizeof(text) - 1, &read, NULL);
    text[read] = 0;
    CloseHandle(file);
    return text;
}

static void make_dir(const char *relative)
{
    char path[MAX_PATH];

    path_of(path, relative);
    CreateDirectoryA(path, NULL);
}

/* Removes a folder and everything in it. */
static void remove_tree(const char *dir)
{
    WIN32_FIND_DATAA data;
    char path[MAX_PATH];
    HANDLE find;

    sprintf(path, "%s\\*", dir);
    if ((find = FindFirstFileA(path, &data)) != INVALID_HANDLE_VALUE)
    {
        do
        {
            if (!strcmp(data.cFileName, ".") || !strcmp(data.cFileName, "..")) continue;
            sprintf(path, "%s\\%s", dir, data.cFileName);
            if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) remove_tree(path);
            else DeleteFileA(path);
        } while (FindNextFileA(find, &data));
        FindClose(find);
    }
    RemoveDirectoryA(dir);
}

static void set_pair(const char *id, const char *name, const char *local, const char *network)
{
    char key_name[128], path[MAX_PATH];
    HKEY key;

    sprintf(key_name, FOLDERSYNC_PAIRS_KEY "\\%s", id);
    RegCreateKeyExA(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);
    RegSetValueExA(key, "Name", 0, REG_SZ, (BYTE *)name, strlen(name) + 1);
    path_of(path, local);
    RegSetValueExA(key, "Local", 0, REG_SZ, (BYTE *)path, strlen(path) + 1);
    path_of(path, network);
    RegSetValueExA(key, "Network", 0, REG_SZ, (BYTE *)path, strlen(path) + 1);
    RegCloseKey(key);
}

static BOOL run_mobsync(const char *args)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    PROCESS_INFORMATION pi;
    STARTUPINFOA si = { sizeof(si) };
    char cmdline[512], path[MAX_PATH];
    HANDLE read_pipe, write_pipe;
    DWORD len = 0, read;

    GetSystemDirectoryA(path, MAX_PATH);
    strcat(path, "\\mobsync.exe");
    sprintf(cmdline, "\"%s\" %s /handler:" FOLDERSYNC_CLSID_STR, path, args);
    CreatePipe(&read_pipe, &write_pipe, &sa, 0);
    SetHandleInformation(read_pipe, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = write_pipe;
    if (!CreateProcessA(path, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        ok(0, "cannot start mobsync: %lu.\n", GetLastError());
        return FALSE;
    }
    CloseHandle(write_pipe);
    while (len < sizeof(output) - 1 && ReadFile(read_pipe, output + len, sizeof(output) - 1 - len,
           &read, NULL) && read)
        len += read;
    output[len] = 0;
    CloseHandle(read_pipe);
    ok(!WaitForSingleObject(pi.hProcess, 60000), "mobsync did not end.\n");
    GetExitCodeProcess(pi.hProcess, &exit_code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return TRUE;
}

static void test_registration(void)
{
    HRESULT (WINAPI *pDllRegisterServer)(void), (WINAPI *pDllUnregisterServer)(void);
    ISyncMgrRegister *reg;
    HMODULE module;
    DWORD flags;
    HRESULT hr;

    module = LoadLibraryA("foldersync.dll");
    ok(module != NULL, "cannot load foldersync.dll: %lu.\n", GetLastError());
    if (!module) return;
    pDllRegisterServer = (void *)GetProcAddress(module, "DllRegisterServer");
    pDllUnregisterServer = (void *)GetProcAddress(module, "DllUnregisterServer");

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
                          (void **)&reg);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) return;

    hr = pDllUnregisterServer();
    ok(hr == S_OK, "DllUnregisterServer got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &CLSID_FolderSync, &flags);
    ok(hr == S_FALSE, "after DllUnregisterServer got %#lx.\n", hr);

    /* Like a real application, it registers itself with SyncMgr. */
    hr = pDllRegisterServer();
    ok(hr == S_OK, "DllRegisterServer got %#lx.\n", hr);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &CLSID_FolderSync, &flags);
    ok(hr == S_OK, "after DllRegisterServer got %#lx.\n", hr);
    ISyncMgrRegister_Release(reg);
}

static void test_sync(void)
{
    char line[256];

    make_dir("local1");
    make_dir("net1");
    make_dir("net1\\sub");
    make_dir("local2");
    make_dir("net2");
    write_file("local1\\only-local.txt", "from this computer", 100);
    write_file("net1\\sub\\only-network.txt", "from the server", 100);
    write_file("local2\\report.txt", "first draft", 300);
    set_pair(PAIR1, "Documents", "local1", "net1");
    set_pair(PAIR2, "Reports", "local2", "net2");

    /* New files go both ways, subfolders too. */
    if (!run_mobsync("/sync")) return;
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(!strcmp(read_file("net1\\only-local.txt"), "from this computer"), "got %s.\n", read_file("net1\\only-local.txt"));
    ok(!strcmp(read_file("local1\\sub\\only-network.txt"), "from the server"), "got %s.\n",
       read_file("local1\\sub\\only-network.txt"));
    ok(!strcmp(read_file("net2\\report.txt"), "first draft"), "got %s.\n", read_file("net2\\report.txt"));
    sprintf(line, "succeeded\t%s\t%s\tDocuments\n", FOLDERSYNC_CLSID_STR, PAIR1);
    ok(strstr(output, line) != NULL, "no result line for Documents:\n%s", output);
    sprintf(line, "succeeded\t%s\t%s\tReports\n", FOLDERSYNC_CLSID_STR, PAIR2);
    ok(strstr(output, line) != NULL, "no result line for Reports:\n%s", output);

    /* A change on one side goes to the other. */
    write_file("net2\\report.txt", "second draft", 200);
    if (!run_mobsync("/sync")) return;
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(!strcmp(read_file("local2\\report.txt"), "second draft"), "got %s.\n", read_file("local2\\report.txt"));

    /* Changed on both sides, nobody to ask: both versions kept, a warning. */
    write_file("local2\\report.txt", "local edit", 100);
    write_file("net2\\report.txt", "network edit", 50);
    if (!run_mobsync("/sync")) return;
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(!strcmp(read_file("local2\\report.txt"), "local edit"), "got %s.\n", read_file("local2\\report.txt"));
    ok(!strcmp(read_file("net2\\report.txt"), "local edit"), "got %s.\n", read_file("net2\\report.txt"));
    ok(!strcmp(read_file("local2\\report (network copy).txt"), "network edit"), "got %s.\n",
       read_file("local2\\report (network copy).txt"));
    ok(!strcmp(read_file("net2\\report (network copy).txt"), "network edit"), "got %s.\n",
       read_file("net2\\report (network copy).txt"));
    sprintf(line, "warning\t%s\t%s\treport.txt changed on both sides", FOLDERSYNC_CLSID_STR, PAIR2);
    ok(strstr(output, line) != NULL, "no warning:\n%s", output);

    /* Nothing changed: nothing happens, no conflict either. */
    if (!run_mobsync("/sync")) return;
    ok(exit_code == 0, "exit code %lu.\n", exit_code);
    ok(!strstr(output, "warning"), "unexpected warning:\n%s", output);
}

static DWORD WINAPI keep_local_thread(void *arg)
{
    HWND dialog = NULL;
    int i;

    for (i = 0; i < 1000 && !dialog; i++)
    {
        if ((dialog = FindWindowA(NULL, "Resolve File Conflict")) && IsWindowVisible(dialog)) break;
        dialog = NULL;
        Sleep(20);
    }
    if (!dialog) return 1;
    PostMessageA(dialog, WM_COMMAND, MAKEWPARAM(IDC_KEEP_LOCAL, BN_CLICKED),
                 (LPARAM)GetDlgItem(dialog, IDC_KEEP_LOCAL));
    return 0;
}

/* When a person can be asked (mobsync run without a command), the conflict
 * dialog decides. Made headless, plain mobsync skips Items to Synchronize
 * and synchronizes the checked items at once, but keeps MAYBOTHERUSER: the
 * handler's own dialog is still shown. */
static void test_conflict_dialog(void)
{
    HANDLE thread;
    DWORD code = 1;

    write_file("local1\\plan.txt", "base", 400);
    if (!run_mobsync("/sync")) return;
    write_file("local1\\plan.txt", "local plan", 100);
    write_file("net1\\plan.txt", "network plan", 50);

    thread = CreateThread(NULL, 0, keep_local_thread, NULL, 0, NULL);
    SetEnvironmentVariableA("MOBSYNC_HEADLESS", "1");
    if (!run_mobsync(""))
    {
        SetEnvironmentVariableA("MOBSYNC_HEADLESS", NULL);
        return;
    }
    SetEnvironmentVariableA("MOBSYNC_HEADLESS", NULL);
    ok(!WaitForSingleObject(thread, 30000), "the helper did not end.\n");
    GetExitCodeThread(thread, &code);
    CloseHandle(thread);
    ok(!code, "the conflict dialog was not shown.\n");
    ok(exit_code == 0, "exit code %lu:\n%s", exit_code, output);
    ok(!strcmp(read_file("net1\\plan.txt"), "local plan"), "got %s.\n", read_file("net1\\plan.txt"));
    ok(!strcmp(read_file("local1\\plan (network copy).txt"), "(missing)"), "a copy was kept.\n");
}

static void test_unreachable(void)
{
    char line[256];

    set_pair(PAIR2, "Reports", "local2", "gone");
    if (!run_mobsync("/sync")) return;
    ok(exit_code == 1, "exit code %lu.\n", exit_code);
    sprintf(line, "failed\t%s\t%s\tReports\n", FOLDERSYNC_CLSID_STR, PAIR2);
    ok(strstr(output, line) != NULL, "no failure:\n%s", output);
    sprintf(line, "succeeded\t%s\t%s\tDocuments\n", FOLDERSYNC_CLSID_STR, PAIR1);
    ok(strstr(output, line) != NULL, "the other pair's result is lost:\n%s", output);
}

START_TEST(foldersync)
{
    if (!LoadLibraryA("foldersync.dll"))
    {
        skip("foldersync.dll is not installed.\n");
        return;
    }
    CoInitialize(NULL);
    GetTempPathA(MAX_PATH, base);
    strcat(base, "foldersync-test");
    /* Another run in the same prefix (the other architecture's) must not
     * find this one's folders and synchronization state. */
    remove_tree(base);
    SHDeleteKeyA(HKEY_CURRENT_USER, FOLDERSYNC_PAIRS_KEY);
    ok(CreateDirectoryA(base, NULL), "cannot create %s: %lu.\n", base, GetLastError());

    test_registration();
    test_sync();
    test_conflict_dialog();
    test_unreachable();

    SHDeleteKeyA(HKEY_CURRENT_USER, FOLDERSYNC_PAIRS_KEY);
    remove_tree(base);
    CoUninitialize();
}
