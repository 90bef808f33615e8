/*
 * Helpers shared by the tests of mobsync.exe: registering the test handlers
 * (tests/handlers) as an application would, running mobsync.exe, and reading
 * back what the handlers recorded.
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
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "winreg.h"
#include "objbase.h"
#include "mobsync.h"
#include "mobsync_registry.h"
#include "mobsync_request.h"
#include "../../../tests/handlers/testhandler.h"

#include "wine/test.h"

#define TEST_DLL  "mobsync_testhandler.dll"
#define TEST_DLL2 "mobsync_testhandler2.dll" /* the same code as another module */

static char log_path[MAX_PATH];
/* When set, the mobsync.exe start_mobsync runs (another architecture's). */
static char mobsync_exe[MAX_PATH];
static char output[65536];
static DWORD exit_code, elapsed;

static inline void handler_clsid(int n, CLSID *clsid)
{
    static const CLSID base = TEST_HANDLER_CLSID(0);

    *clsid = base;
    clsid->Data4[7] = n;
}

static inline const char *handler_str(int n)
{
    static char buffers[4][39];
    static int next;
    char *buf = buffers[next++ % 4];

    sprintf(buf, "{6D6F6273-796E-6374-6573-74000000%04X}", n);
    return buf;
}

static inline const char *item_str(int n, int i)
{
    static char buffers[8][39];
    static int next;
    char *buf = buffers[next++ % 8];

    sprintf(buf, "{6D6F6273-796E-6374-6573-740000%02X%02X%02X}", 1, n, i);
    return buf;
}

/* Registers handler n from dll as an application would: its COM class, then
 * ISyncMgrRegister. threading NULL: no ThreadingModel value. */
static inline void register_handler_ex(int n, const char *dll, const char *threading, DWORD flags)
{
    char key_name[128], path[MAX_PATH];
    ISyncMgrRegister *reg;
    CLSID clsid;
    HRESULT hr;
    HKEY key;

    GetSystemDirectoryA(path, MAX_PATH);
    strcat(path, "\\");
    strcat(path, dll);
    sprintf(key_name, "Software\\Classes\\CLSID\\%s\\InprocServer32", handler_str(n));
    ok(!RegCreateKeyExA(HKEY_LOCAL_MACHINE, key_name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL),
       "cannot register the class.\n");
    RegSetValueExA(key, NULL, 0, REG_SZ, (BYTE *)path, strlen(path) + 1);
    if (threading) RegSetValueExA(key, "ThreadingModel", 0, REG_SZ, (BYTE *)threading,
                                  strlen(threading) + 1);
    else RegDeleteValueA(key, "ThreadingModel");
    RegCloseKey(key);

    handler_clsid(n, &clsid);
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister,
                          (void **)&reg);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) return;
    hr = ISyncMgrRegister_RegisterSyncMgrHandler(reg, &clsid, L"test handler", flags);
    ok(hr == S_OK, "RegisterSyncMgrHandler got %#lx.\n", hr);
    ISyncMgrRegister_Release(reg);
}

static inline void register_handler(int n)
{
    register_handler_ex(n, TEST_DLL, "Apartment", 0);
}

static inline void unregister_handler(int n)
{
    char key_name[128];
    ISyncMgrRegister *reg;
    CLSID clsid;

    handler_clsid(n, &clsid);
    if (SUCCEEDED(CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER,
            &IID_ISyncMgrRegister, (void **)&reg)))
    {
        ISyncMgrRegister_UnregisterSyncMgrHandler(reg, &clsid, 0);
        ISyncMgrRegister_Release(reg);
    }
    sprintf(key_name, "Software\\Classes\\CLSID\\%s\\InprocServer32", handler_str(n));
    RegDeleteKeyA(HKEY_LOCAL_MACHINE, key_name);
    sprintf(key_name, "Software\\Classes\\CLSID\\%s", handler_str(n));
    RegDeleteKeyA(HKEY_LOCAL_MACHINE, key_name);
}

static inline void init_test(void)
{
    char src[MAX_PATH], dst[MAX_PATH];

    GetTempPathA(MAX_PATH, log_path);
    strcat(log_path, "mobsync_handlers.log");
    SetEnvironmentVariableA(TEST_LOG_VARIABLE, log_path);

    GetSystemDirectoryA(src, MAX_PATH);
    strcpy(dst, src);
    strcat(src, "\\" TEST_DLL);
    strcat(dst, "\\" TEST_DLL2);
    CopyFileA(src, dst, FALSE);
}

/* A mobsync.exe started by start_mobsync, and what it has written so far. */
struct mobsync_run
{
    char args[512];
    HANDLE process, reader, pipe;
    char output[65536];
    DWORD len, start;
};

/* Reads to the end, keeping what fits: a child that writes more must not
 * block on a full pipe. */
static inline DWORD WINAPI mobsync_reader(void *arg)
{
    struct mobsync_run *run = arg;
    char rest[4096];
    DWORD read;

    for (;;)
    {
        if (run->len < sizeof(run->output) - 1)
        {
            if (!ReadFile(run->pipe, run->output + run->len, sizeof(run->output) - 1 - run->len,
                          &read, NULL) || !read)
                break;
            run->len += read;
        }
        else if (!ReadFile(run->pipe, rest, sizeof(rest), &read, NULL) || !read)
            break;
    }
    return 0;
}

/* Starts "mobsync.exe args" (mobsync_exe if set) with its stdout and stderr
 * into a pipe whose reading end is *pipe. Wine fails a process start now and
 * then under load (ERROR_INTERNAL_ERROR): tried three times. */
static inline BOOL spawn_mobsync(const char *args, HANDLE *pipe, HANDLE *process)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    STARTUPINFOA si = { sizeof(si) };
    size_t size = MAX_PATH + strlen(args) + 4;
    PROCESS_INFORMATION pi;
    unsigned int attempt;
    char path[MAX_PATH];
    HANDLE write_pipe;
    char *cmdline;
    DWORD error;
    BOOL ret;

    GetSystemDirectoryA(path, MAX_PATH);
    strcat(path, "\\mobsync.exe");
    if (mobsync_exe[0]) strcpy(path, mobsync_exe);
    if (!(cmdline = malloc(size))) return FALSE;
    snprintf(cmdline, size, "\"%s\" %s", path, args);

    if (!CreatePipe(pipe, &write_pipe, &sa, 0))
    {
        free(cmdline);
        return FALSE;
    }
    SetHandleInformation(*pipe, HANDLE_FLAG_INHERIT, 0);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = write_pipe;
    si.hStdError = write_pipe;
    for (attempt = 0; !(ret = CreateProcessA(path, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
                      && GetLastError() == ERROR_INTERNAL_ERROR && attempt < 2; attempt++) {}
    error = GetLastError();
    free(cmdline);
    CloseHandle(write_pipe);
    if (!ret)
    {
        ok(0, "cannot start %s %.200s: error %lu.\n", path, args, error);
        CloseHandle(*pipe);
        return FALSE;
    }
    CloseHandle(pi.hThread);
    *process = pi.hProcess;
    return TRUE;
}

/* Starts "mobsync.exe args" with its stdout and stderr read into run. */
static inline BOOL start_mobsync(const char *args, struct mobsync_run *run)
{
    memset(run, 0, sizeof(*run));
    lstrcpynA(run->args, args, sizeof(run->args));
    run->start = GetTickCount();
    if (!spawn_mobsync(args, &run->pipe, &run->process)) return FALSE;
    run->reader = CreateThread(NULL, 0, mobsync_reader, run, 0, NULL);
    return TRUE;
}

/* Waits for it to end: its output in `output`, its exit code in exit_code. */
static inline void finish_mobsync(struct mobsync_run *run)
{
    if (WaitForSingleObject(run->process, 60000))
    {
        ok(0, "mobsync %s did not end.\n", run->args);
        TerminateProcess(run->process, 255);
    }
    elapsed = GetTickCount() - run->start;
    WaitForSingleObject(run->reader, 10000);
    CloseHandle(run->reader);
    CloseHandle(run->pipe);
    run->output[run->len] = 0;
    strcpy(output, run->output);
    GetExitCodeProcess(run->process, &exit_code);
    CloseHandle(run->process);
    if (winetest_debug > 1) trace("mobsync %s -> %lu:\n%s", run->args, exit_code, output);
}

/* Runs "mobsync.exe args" with its output in `output`, keeping the handlers'
 * log; FALSE if it could not be started. */
static inline BOOL run_mobsync_keep_log(const char *args)
{
    static struct mobsync_run run;

    output[0] = 0;
    exit_code = ~0u;
    if (!start_mobsync(args, &run)) return FALSE;
    finish_mobsync(&run);
    return TRUE;
}

/* The same, with a fresh log. */
static inline BOOL run_mobsync(const char *args)
{
    DeleteFileA(log_path);
    return run_mobsync_keep_log(args);
}

/* A line of output to look for, made by the tests. */
static char line[512];

/* The result line of item i of test handler n ("Item i"). */
static inline const char *result_line(const char *status, int n, int i)
{
    sprintf(line, "%s\t%s\t%s\tItem %d", status, handler_str(n), item_str(n, i), i);
    return line;
}

/* Synchronization Settings' store (docs/registry.md), written as a packager
 * would: under HKCU\Software\mobsync\KEY (such as "Events\\Logon" or
 * "Schedules\\nightly"), item i of handler n chosen or not; i == 0 only
 * makes the handler's subkey (configured, nothing chosen). */
static inline void set_choice(const char *key, int n, int i, DWORD chosen)
{
    char name[MAX_PATH];
    HKEY hkey;

    sprintf(name, "Software\\mobsync\\%s\\%s", key, handler_str(n));
    if (RegCreateKeyExA(HKEY_CURRENT_USER, name, 0, NULL, 0, KEY_SET_VALUE, NULL, &hkey, NULL)) return;
    if (i) RegSetValueExA(hkey, item_str(n, i), 0, REG_DWORD, (BYTE *)&chosen, sizeof(chosen));
    RegCloseKey(hkey);
}

/* A REG_DWORD of HKCU\Software\mobsync\KEY, such as Ask. */
static inline void set_setting(const char *key, const char *value_name, DWORD value)
{
    char name[MAX_PATH];
    HKEY hkey;

    sprintf(name, "Software\\mobsync\\%s", key);
    if (RegCreateKeyExA(HKEY_CURRENT_USER, name, 0, NULL, 0, KEY_SET_VALUE, NULL, &hkey, NULL)) return;
    RegSetValueExA(hkey, value_name, 0, REG_DWORD, (BYTE *)&value, sizeof(value));
    RegCloseKey(hkey);
}

/* A key of HKCU and everything under it (RegDeleteTree is Vista's). */
static inline void delete_key_tree(const char *path)
{
    char name[MAX_PATH], sub[2 * MAX_PATH];
    DWORD len = sizeof(name);
    HKEY key, left;

    if (RegOpenKeyExA(HKEY_CURRENT_USER, path, 0, KEY_READ, &key)) return;
    while (!RegEnumKeyExA(key, 0, name, &len, NULL, NULL, NULL, NULL))
    {
        sprintf(sub, "%s\\%s", path, name);
        delete_key_tree(sub);
        len = sizeof(name);
        /* One that cannot be deleted would come back for ever. */
        if (RegOpenKeyExA(HKEY_CURRENT_USER, sub, 0, KEY_READ, &left)) continue;
        RegCloseKey(left);
        break;
    }
    RegCloseKey(key);
    RegDeleteKeyA(HKEY_CURRENT_USER, path);
}

/* Every event's and schedule's settings gone: never configured. */
static inline void delete_settings_store(void)
{
    delete_key_tree("Software\\mobsync\\Events");
    delete_key_tree("Software\\mobsync\\Schedules");
}

/* Whether the output is this one line (ended by "\n" or "\r\n"). */
static inline BOOL output_is_line(const char *text)
{
    size_t len = strlen(text);

    return !strncmp(output, text, len) && (!strcmp(output + len, "\n") || !strcmp(output + len, "\r\n"));
}

/* The output line that starts with prefix, or NULL. */
static inline const char *find_line(const char *prefix)
{
    const char *p = output;
    size_t len = strlen(prefix);

    while (p && *p)
    {
        if (!strncmp(p, prefix, len)) return p;
        if ((p = strchr(p, '\n'))) p++;
    }
    return NULL;
}

static inline BOOL has_line(const char *line)
{
    const char *p = find_line(line);
    size_t len = strlen(line);

    return p && (p[len] == '\n' || p[len] == '\r' || !p[len]);
}

static inline const char *last_line(void)
{
    static char last[256];
    const char *end = output + strlen(output), *start;

    while (end > output && (end[-1] == '\n' || end[-1] == '\r')) end--;
    for (start = end; start > output && start[-1] != '\n'; start--) ;
    lstrcpynA(last, start, min(sizeof(last), (size_t)(end - start) + 1));
    return last;
}

/* What a handler records of "mobsync /sync" up to PrepareForSync: created,
 * initialized for a manual synchronization without a cookie, asked for its
 * name and items, given the callback. */
#define SYNC_LOADING_CALLS \
    "Created", \
    "Initialize reserved=0 flags=00000003 cookie=0:811c9dc5", \
    "GetHandlerInfo", \
    "EnumSyncMgrItems", \
    "EnumDestroyed", \
    "SetProgressCallback callback"

struct call_log
{
    char calls[64][128];  /* "Method details", without handler and thread */
    DWORD tids[64];
    unsigned int count;
};

/* What handler n recorded, in order. */
static inline void read_calls(int n, struct call_log *log)
{
    char prefix[8], line[256], *tid;
    FILE *file;

    memset(log, 0, sizeof(*log));
    if (!(file = fopen(log_path, "r"))) return;
    sprintf(prefix, "%02x ", n);
    while (fgets(line, sizeof(line), file) && log->count < ARRAY_SIZE(log->calls))
    {
        if (strncmp(line, prefix, 3)) continue;
        line[strcspn(line, "\r\n")] = 0;
        if ((tid = strstr(line, " tid=")))
        {
            log->tids[log->count] = strtoul(tid + 5, NULL, 16);
            *tid = 0;
        }
        strcpy(log->calls[log->count++], line + 3);
    }
    fclose(file);
}

/* Compares the recorded calls with the expected ones, one by one. */
#define ok_calls(n, expected) ok_calls_(__FILE__, __LINE__, n, expected, ARRAY_SIZE(expected))
static inline void ok_calls_(const char *file, int line, int n, const char * const *expected,
        unsigned int count)
{
    struct call_log log;
    unsigned int i;

    read_calls(n, &log);
    for (i = 0; i < count && i < log.count; i++)
        ok_(file, line)(!strcmp(log.calls[i], expected[i]), "handler %02x call %u: got \"%s\", expected \"%s\".\n",
                        n, i, log.calls[i], expected[i]);
    ok_(file, line)(log.count == count, "handler %02x: %u calls, expected %u.\n", n, log.count, count);
}

/* The process that ran handler n ("Created bits=B pid=P parent=Q", with
 * TEST_LOG_BITS_VARIABLE set): its bits, ID and parent; FALSE when it did
 * not record them. */
static inline BOOL handler_process_ex(int n, unsigned int *bits, DWORD *pid, DWORD *parent)
{
    struct call_log log;

    read_calls(n, &log);
    return log.count && sscanf(log.calls[0], "Created bits=%u pid=%lx parent=%lx", bits, pid, parent) == 3;
}

/* The Initialize line handler n recorded, or "". */
static inline const char *initialize_call(int n)
{
    static struct call_log log;
    unsigned int i;

    read_calls(n, &log);
    for (i = 0; i < log.count; i++) if (!strncmp(log.calls[i], "Initialize", 10)) return log.calls[i];
    return "";
}

/* Whether handler n recorded a call that starts with prefix. */
static inline BOOL has_call(int n, const char *prefix)
{
    struct call_log log;
    unsigned int i;

    read_calls(n, &log);
    for (i = 0; i < log.count; i++)
        if (!strncmp(log.calls[i], prefix, strlen(prefix))) return TRUE;
    return FALSE;
}

/* Waits for handler n to record a call that starts with prefix. */
static inline BOOL wait_for_call(int n, const char *prefix)
{
    DWORD start = GetTickCount();

    do
    {
        if (has_call(n, prefix)) return TRUE;
        Sleep(20);
    } while (GetTickCount() - start < 20000);
    return FALSE;
}

/* Runs "mobsync args" beside the running one, and gives its exit code. */
static inline DWORD control(const char *format, ...)
{
    char args[512];
    va_list va;

    va_start(va, format);
    vsnprintf(args, sizeof(args), format, va);
    va_end(va);
    if (!run_mobsync_keep_log(args)) return ~0u;
    return exit_code;
}

/* Waits until no /invoke manager runs: one an earlier test started owns
 * the manager mutex until it exits. */
static inline void wait_for_no_manager(void)
{
    HANDLE mutex = OpenMutexW(SYNCHRONIZE, FALSE, MOBSYNC_MANAGER_MUTEX);
    DWORD ret;

    if (!mutex) return;
    ret = WaitForSingleObject(mutex, 60000);
    ok(ret == WAIT_OBJECT_0 || ret == WAIT_ABANDONED, "the manager did not exit: %lu.\n", ret);
    if (ret == WAIT_OBJECT_0 || ret == WAIT_ABANDONED) ReleaseMutex(mutex);
    CloseHandle(mutex);
}

/* FNV-1a, as the test handler hashes the cookie it gets. */
static inline DWORD hash_bytes(const BYTE *data, DWORD size)
{
    DWORD hash = 2166136261u, i;

    for (i = 0; i < size; i++) hash = (hash ^ data[i]) * 16777619u;
    return hash;
}

/* The per-user Headless value (docs/engine.md): 1 makes plain mobsync and a
 * program's UpdateAll run without windows; ~0u deletes it. */
static inline void set_headless(DWORD value)
{
    HKEY key;

    if (RegCreateKeyExA(HKEY_CURRENT_USER, MOBSYNC_SETTINGS_KEY_A, 0, NULL, 0, KEY_ALL_ACCESS, NULL,
                        &key, NULL))
        return;
    if (value == ~0u) RegDeleteValueA(key, "Headless");
    else RegSetValueExA(key, "Headless", 0, REG_DWORD, (BYTE *)&value, sizeof(value));
    RegCloseKey(key);
}

/* The check state of item i of handler n as the user left it (docs/registry.md). */
static inline void set_item_setting(int n, int i, DWORD checked)
{
    char key_name[128];
    HKEY key;

    sprintf(key_name, MOBSYNC_ITEMS_KEY_A "\\%s", handler_str(n));
    RegCreateKeyExA(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);
    RegSetValueExA(key, item_str(n, i), 0, REG_DWORD, (BYTE *)&checked, sizeof(checked));
    RegCloseKey(key);
}

static inline void delete_item_settings(int n)
{
    char key_name[128];

    sprintf(key_name, MOBSYNC_ITEMS_KEY_A "\\%s", handler_str(n));
    RegDeleteKeyA(HKEY_CURRENT_USER, key_name);
}

/* The other architecture's registry view. */
#define OTHER_VIEW (sizeof(void *) == 8 ? KEY_WOW64_32KEY : KEY_WOW64_64KEY)

/* Whether the other architecture's mobsync.exe runs here (tools/runtests). */
static inline BOOL both_arches(void)
{
    char value[8];

    /* A 32-bit test runs only where a 64-bit prefix runs it (WoW64). */
    if (sizeof(void *) == 4) return TRUE;
    return GetEnvironmentVariableA("MOBSYNC_TEST_BOTH_ARCHES", value, sizeof(value)) && value[0] == '1';
}

/* The other architecture's mobsync.exe. */
static inline void other_mobsync(char *path)
{
    if (sizeof(void *) == 8) GetSystemWow64DirectoryA(path, MAX_PATH);
    else
    {
        GetWindowsDirectoryA(path, MAX_PATH);
        strcat(path, "\\sysnative");
    }
    strcat(path, "\\mobsync.exe");
}

/* Registers handler n in the other architecture's view only, as that
 * architecture's own installer would: the same DLL name, in its system32. */
static inline void register_other_view(int n)
{
    char key_name[256], path[MAX_PATH];
    HKEY key;

    GetSystemDirectoryA(path, MAX_PATH);
    strcat(path, "\\" TEST_DLL);
    sprintf(key_name, "Software\\Classes\\CLSID\\%s\\InprocServer32", handler_str(n));
    ok(!RegCreateKeyExA(HKEY_LOCAL_MACHINE, key_name, 0, NULL, 0, KEY_ALL_ACCESS | OTHER_VIEW, NULL,
                        &key, NULL), "cannot register the class.\n");
    RegSetValueExA(key, NULL, 0, REG_SZ, (BYTE *)path, strlen(path) + 1);
    RegSetValueExA(key, "ThreadingModel", 0, REG_SZ, (BYTE *)"Apartment", 10);
    RegCloseKey(key);
    sprintf(key_name, "%s\\%s", MOBSYNC_HANDLERS_KEY_A, handler_str(n));
    ok(!RegCreateKeyExA(HKEY_LOCAL_MACHINE, key_name, 0, NULL, 0, KEY_ALL_ACCESS | OTHER_VIEW, NULL,
                        &key, NULL), "cannot register the handler.\n");
    RegCloseKey(key);
}

static inline void delete_other_view_key(const char *parent, const char *name)
{
    HKEY key;

    if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, parent, 0, KEY_ALL_ACCESS | OTHER_VIEW, &key)) return;
    RegDeleteKeyA(key, name);
    RegCloseKey(key);
}

static inline void unregister_other_view(int n)
{
    char parent[128];

    sprintf(parent, "Software\\Classes\\CLSID\\%s", handler_str(n));
    delete_other_view_key(parent, "InprocServer32");
    delete_other_view_key("Software\\Classes\\CLSID", handler_str(n));
    delete_other_view_key(MOBSYNC_HANDLERS_KEY_A, handler_str(n));
}

/* The values that make a prefix start run mobsync /logon, in the 64-bit
 * view that the prefix's wineboot reads (docs/events.md). */
#define RUNSERVICES_KEY "Software\\Microsoft\\Windows\\CurrentVersion\\RunServices"
#define RUN_KEY         "Software\\Microsoft\\Windows\\CurrentVersion\\Run"
#define RUN_VALUE       "Synchronization Manager"

/* The value under key_name, "" when there is none. */
static inline const char *autorun_value(const char *key_name)
{
    static char data[2][MAX_PATH];
    static unsigned int next;
    char *buffer = data[next++ % 2];
    DWORD size = MAX_PATH - 1;
    HKEY key;

    buffer[0] = 0;
    if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, key_name, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key))
        return buffer;
    if (RegQueryValueExA(key, RUN_VALUE, NULL, NULL, (BYTE *)buffer, &size)) buffer[0] = 0;
    buffer[size] = 0;
    RegCloseKey(key);
    return buffer;
}

static inline void set_autorun_value(const char *key_name, const char *data)
{
    HKEY key;

    ok(!RegCreateKeyExA(HKEY_LOCAL_MACHINE, key_name, 0, NULL, 0, KEY_SET_VALUE | KEY_WOW64_64KEY,
            NULL, &key, NULL), "cannot open %s.\n", key_name);
    if (data[0]) RegSetValueExA(key, RUN_VALUE, 0, REG_SZ, (const BYTE *)data, strlen(data) + 1);
    else RegDeleteValueA(key, RUN_VALUE);
    RegCloseKey(key);
}
