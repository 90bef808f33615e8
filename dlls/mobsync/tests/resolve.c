/*
 * Tests of SyncMgrResolveConflictW/A, the conflict dialog
 *
 * The dialog's behaviour is mobsync's decision (docs/conflict-dialog.md):
 * Windows documents none of it, so these tests run on Wine only.
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
#include <wchar.h>

#include "windef.h"
#include "winbase.h"
#include "winuser.h"
#include "objbase.h"
#include "mobsync.h"

#include "wine/test.h"

/* Control identifiers of our dialog (dlls/mobsync/resource.h). */
#define IDC_NAME          1001
#define IDC_NEW_NAME      1011
#define IDC_KEEP_BOTH     1005
#define IDC_KEEP_LOCAL    1006
#define IDC_KEEP_NETWORK  1007
#define IDC_APPLY_ALL     1012
#define IDC_VIEW_LOCAL    1013

static int (WINAPI *pSyncMgrResolveConflictW)(HWND, RFCDLGPARAMW *);
static int (WINAPI *pSyncMgrResolveConflictA)(HWND, RFCDLGPARAMA *);

struct script
{
    int press;          /* button to press last */
    BOOL tick_apply_all;
    BOOL view_local;    /* press View (local) first */
    WCHAR name[MAX_PATH];
    WCHAR new_name[MAX_PATH];
    BOOL apply_all_visible;
    BOOL found;
};

static int view_calls;
static LPARAM view_data;
static UINT view_msg;

static BOOL CALLBACK view_callback(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    view_calls++;
    view_msg = msg;
    view_data = lparam;
    return TRUE;
}

static HWND find_dialog(void)
{
    HWND hwnd;
    int i;

    for (i = 0; i < 500; i++)
    {
        hwnd = FindWindowW(NULL, L"Resolve File Conflict");
        if (hwnd && IsWindowVisible(hwnd)) return hwnd;
        Sleep(20);
    }
    return NULL;
}

static DWORD WINAPI press_thread(void *arg)
{
    struct script *script = arg;
    HWND dialog;

    if (!(dialog = find_dialog())) return 1;
    script->found = TRUE;
    GetDlgItemTextW(dialog, IDC_NAME, script->name, ARRAYSIZE(script->name));
    GetDlgItemTextW(dialog, IDC_NEW_NAME, script->new_name, ARRAYSIZE(script->new_name));
    script->apply_all_visible = IsWindowVisible(GetDlgItem(dialog, IDC_APPLY_ALL));
    if (script->view_local) SendMessageW(GetDlgItem(dialog, IDC_VIEW_LOCAL), BM_CLICK, 0, 0);
    if (script->tick_apply_all)
        SendMessageW(GetDlgItem(dialog, IDC_APPLY_ALL), BM_SETCHECK, BST_CHECKED, 0);
    PostMessageW(dialog, WM_COMMAND, MAKEWPARAM(script->press, BN_CLICKED),
                 (LPARAM)GetDlgItem(dialog, script->press));
    return 0;
}

static int run_dialog(RFCDLGPARAMW *param, struct script *script)
{
    HANDLE thread = CreateThread(NULL, 0, press_thread, script, 0, NULL);
    int ret = pSyncMgrResolveConflictW(NULL, param);

    ok(!WaitForSingleObject(thread, 20000), "the script did not finish.\n");
    CloseHandle(thread);
    return ret;
}

static void test_dialog(void)
{
    RFCDLGPARAMW param = { 0 };
    struct script script;
    int ret;

    param.pszFilename = L"budget.xls";
    param.pszLocation = L"\\\\server\\share\\finance";
    param.pszNewName = L"budget (network copy).xls";
    param.pszNetworkModifiedBy = L"alice";
    param.pszNetworkModifiedOn = L"2026-11-20 10:00";
    param.pszLocalModifiedBy = L"bob";
    param.pszLocalModifiedOn = L"2026-11-21 09:30";

    memset(&script, 0, sizeof(script));
    script.press = IDC_KEEP_LOCAL;
    ret = run_dialog(&param, &script);
    ok(script.found, "the dialog was not shown.\n");
    ok(ret == RFC_KEEPLOCAL, "got %#x.\n", ret);
    ok(!wcscmp(script.name, L"budget.xls"), "shows file name %s.\n", wine_dbgstr_w(script.name));
    ok(wcsstr(script.new_name, L"budget (network copy).xls") != NULL, "shows new name %s.\n",
       wine_dbgstr_w(script.new_name));
    ok(!script.apply_all_visible, "\"apply to all\" shown without RFCF_APPLY_ALL.\n");

    memset(&script, 0, sizeof(script));
    script.press = IDC_KEEP_NETWORK;
    ok(run_dialog(&param, &script) == RFC_KEEPNETWORK, "keep network: wrong result.\n");
    memset(&script, 0, sizeof(script));
    script.press = IDC_KEEP_BOTH;
    ok(run_dialog(&param, &script) == RFC_KEEPBOTH, "keep both: wrong result.\n");
    memset(&script, 0, sizeof(script));
    script.press = IDCANCEL;
    ok(run_dialog(&param, &script) == RFC_CANCEL, "cancel: wrong result.\n");

    /* "Do this for all conflicts", and the callback for View. */
    param.dwFlags = RFCF_APPLY_ALL;
    param.pfnCallBack = view_callback;
    param.lCallerData = 0x1234;
    memset(&script, 0, sizeof(script));
    script.press = IDC_KEEP_BOTH;
    script.tick_apply_all = TRUE;
    script.view_local = TRUE;
    ret = run_dialog(&param, &script);
    ok(ret == (RFC_KEEPBOTH | RFC_APPLY_TO_ALL), "got %#x.\n", ret);
    ok(script.apply_all_visible, "\"apply to all\" hidden with RFCF_APPLY_ALL.\n");
    ok(view_calls == 1, "callback called %d times.\n", view_calls);
    ok(view_msg == RFCCM_VIEWLOCAL, "got message %u.\n", view_msg);
    ok(view_data == 0x1234, "got caller data %#Ix.\n", view_data);

    /* Nothing but the structure: every field may be missing. */
    memset(&param, 0, sizeof(param));
    memset(&script, 0, sizeof(script));
    script.press = IDC_KEEP_LOCAL;
    ok(run_dialog(&param, &script) == RFC_KEEPLOCAL, "empty parameters: wrong result.\n");
}

static void test_ansi(void)
{
    RFCDLGPARAMA param = { 0 };
    struct script script = { 0 };
    HANDLE thread;
    int ret;

    param.pszFilename = "notes.txt";
    script.press = IDC_KEEP_NETWORK;
    thread = CreateThread(NULL, 0, press_thread, &script, 0, NULL);
    ret = pSyncMgrResolveConflictA(NULL, &param);
    ok(!WaitForSingleObject(thread, 20000), "the script did not finish.\n");
    CloseHandle(thread);
    ok(ret == RFC_KEEPNETWORK, "got %#x.\n", ret);
    ok(!wcscmp(script.name, L"notes.txt"), "shows file name %s.\n", wine_dbgstr_w(script.name));
}

static void test_bad_input(void)
{
    int ret;

    ret = pSyncMgrResolveConflictW(NULL, NULL);
    ok(ret == RFC_CANCEL, "NULL parameters got %#x.\n", ret);
    ret = pSyncMgrResolveConflictA(NULL, NULL);
    ok(ret == RFC_CANCEL, "NULL parameters got %#x.\n", ret);
    ret = pSyncMgrResolveConflictW(NULL, (RFCDLGPARAMW *)0xdeadbeef);
    ok(ret == RFC_CANCEL, "unreadable parameters got %#x.\n", ret);
}

START_TEST(resolve)
{
    HMODULE module;

    if (strcmp(winetest_platform, "wine"))
    {
        skip("the conflict dialog's behaviour is mobsync's own.\n");
        return;
    }
    module = LoadLibraryA("mobsync.dll");
    pSyncMgrResolveConflictW = (void *)GetProcAddress(module, "SyncMgrResolveConflictW");
    pSyncMgrResolveConflictA = (void *)GetProcAddress(module, "SyncMgrResolveConflictA");
    if (!pSyncMgrResolveConflictW || !pSyncMgrResolveConflictA)
    {
        win_skip("SyncMgrResolveConflict is not exported.\n");
        return;
    }
    test_bad_input();
    test_dialog();
    test_ansi();
    FreeLibrary(module);
}
