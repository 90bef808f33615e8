/*
 * SyncMgrResolveConflictW/A: the file conflict dialog
 *
 * Declared by the SDK's mobsync.h but documented nowhere; the behaviour below
 * is our decision (docs/conflict-dialog.md): every string or icon that is not
 * NULL is shown, RFCF_APPLY_ALL in dwFlags offers "do this for all
 * conflicts", the View buttons appear when there is a callback and send it
 * RFCCM_VIEWLOCAL / RFCCM_VIEWNETWORK with lCallerData. The result is one of
 * RFC_CANCEL, RFC_KEEPBOTH, RFC_KEEPLOCAL, RFC_KEEPNETWORK, with
 * RFC_APPLY_TO_ALL added when that box was ticked.
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

#include "mobsync_private.h"
#include "winuser.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Longest string shown from the caller's structure. */
#define MAX_FIELD 1024

static const WCHAR *readable(const WCHAR *str)
{
    return str && !IsBadStringPtrW(str, MAX_FIELD) ? str : NULL;
}

static void set_formatted(HWND dialog, int id, UINT format_id, const WCHAR *arg1, const WCHAR *arg2)
{
    const WCHAR *args[2] = { arg1, arg2 };
    WCHAR format[256], *text = NULL;

    LoadStringW(mobsync_instance, format_id, format, ARRAYSIZE(format));
    if (FormatMessageW(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ALLOCATE_BUFFER
            | FORMAT_MESSAGE_ARGUMENT_ARRAY, format, 0, 0, (WCHAR *)&text, 0, (va_list *)args))
    {
        SetDlgItemTextW(dialog, id, text);
        LocalFree(text);
    }
}

static void set_modified(HWND dialog, int id, const WCHAR *by, const WCHAR *on)
{
    if (by && on) set_formatted(dialog, id, IDS_MODIFIED_BY_ON, by, on);
    else if (by) set_formatted(dialog, id, IDS_MODIFIED_BY, by, NULL);
    else if (on) set_formatted(dialog, id, IDS_MODIFIED_ON, on, NULL);
}

static void set_icon(HWND dialog, int id, HICON icon)
{
    if (icon) SendDlgItemMessageW(dialog, id, STM_SETICON, (WPARAM)icon, 0);
    else ShowWindow(GetDlgItem(dialog, id), SW_HIDE);
}

static void init_dialog(HWND dialog, const RFCDLGPARAMW *param)
{
    const WCHAR *str;

    SetWindowLongPtrW(dialog, DWLP_USER, (LONG_PTR)param);
    if ((str = readable(param->pszFilename))) SetDlgItemTextW(dialog, IDC_NAME, str);
    if ((str = readable(param->pszLocation))) SetDlgItemTextW(dialog, IDC_LOCATION, str);
    set_modified(dialog, IDC_NETWORK_MODIFIED, readable(param->pszNetworkModifiedBy),
                 readable(param->pszNetworkModifiedOn));
    set_modified(dialog, IDC_LOCAL_MODIFIED, readable(param->pszLocalModifiedBy),
                 readable(param->pszLocalModifiedOn));
    if ((str = readable(param->pszNewName)))
        set_formatted(dialog, IDC_NEW_NAME, IDS_NEW_NAME, str, NULL);
    set_icon(dialog, IDC_KEEP_BOTH_ICON, param->hIKeepBoth);
    set_icon(dialog, IDC_KEEP_LOCAL_ICON, param->hIKeepLocal);
    set_icon(dialog, IDC_KEEP_NETWORK_ICON, param->hIKeepNetwork);
    if (!(param->dwFlags & RFCF_APPLY_ALL)) ShowWindow(GetDlgItem(dialog, IDC_APPLY_ALL), SW_HIDE);
    if (!param->pfnCallBack)
    {
        ShowWindow(GetDlgItem(dialog, IDC_VIEW_LOCAL), SW_HIDE);
        ShowWindow(GetDlgItem(dialog, IDC_VIEW_NETWORK), SW_HIDE);
    }
}

static INT_PTR CALLBACK resolve_dialog_proc(HWND dialog, UINT msg, WPARAM wparam, LPARAM lparam)
{
    const RFCDLGPARAMW *param = (const RFCDLGPARAMW *)GetWindowLongPtrW(dialog, DWLP_USER);
    int result;

    switch (msg)
    {
    case WM_INITDIALOG:
        init_dialog(dialog, (const RFCDLGPARAMW *)lparam);
        return TRUE;

    case WM_COMMAND:
        switch (LOWORD(wparam))
        {
        case IDC_KEEP_BOTH:    result = RFC_KEEPBOTH; break;
        case IDC_KEEP_LOCAL:   result = RFC_KEEPLOCAL; break;
        case IDC_KEEP_NETWORK: result = RFC_KEEPNETWORK; break;
        case IDCANCEL:
            EndDialog(dialog, RFC_CANCEL);
            return TRUE;
        case IDC_VIEW_LOCAL:
        case IDC_VIEW_NETWORK:
            if (param->pfnCallBack)
                param->pfnCallBack(dialog, LOWORD(wparam) == IDC_VIEW_LOCAL ? RFCCM_VIEWLOCAL
                                   : RFCCM_VIEWNETWORK, 0, param->lCallerData);
            return TRUE;
        default:
            return FALSE;
        }
        if ((param->dwFlags & RFCF_APPLY_ALL) && IsDlgButtonChecked(dialog, IDC_APPLY_ALL))
            result |= RFC_APPLY_TO_ALL;
        EndDialog(dialog, result);
        return TRUE;
    }
    return FALSE;
}

/***********************************************************************
 *              SyncMgrResolveConflictW (MOBSYNC.@)
 */
int WINAPI SyncMgrResolveConflictW(HWND parent, RFCDLGPARAMW *param)
{
    INT_PTR ret;

    TRACE("%p, %p.\n", parent, param);

    if (!param || IsBadReadPtr(param, sizeof(*param)))
    {
        WARN("Invalid parameter block %p.\n", param);
        SetLastError(ERROR_INVALID_PARAMETER);
        return RFC_CANCEL;
    }
    TRACE("flags %#lx, file %s.\n", param->dwFlags, debugstr_w(readable(param->pszFilename)));
    if (param->dwFlags & ~RFCF_APPLY_ALL) WARN("Ignoring unknown flags %#lx.\n", param->dwFlags);

    ret = DialogBoxParamW(mobsync_instance, MAKEINTRESOURCEW(IDD_RESOLVE_CONFLICT), parent,
                          resolve_dialog_proc, (LPARAM)param);
    if (ret == -1)
    {
        WARN("Cannot show the dialog, error %lu.\n", GetLastError());
        return RFC_CANCEL;
    }
    TRACE("returning %#Ix.\n", ret);
    return ret;
}

static WCHAR *strdup_AtoW(const char *str)
{
    WCHAR *ret;
    int len;

    if (!str || IsBadStringPtrA(str, MAX_FIELD)) return NULL;
    len = MultiByteToWideChar(CP_ACP, 0, str, -1, NULL, 0);
    if ((ret = malloc(len * sizeof(WCHAR)))) MultiByteToWideChar(CP_ACP, 0, str, -1, ret, len);
    return ret;
}

/***********************************************************************
 *              SyncMgrResolveConflictA (MOBSYNC.@)
 */
int WINAPI SyncMgrResolveConflictA(HWND parent, RFCDLGPARAMA *param)
{
    RFCDLGPARAMW paramW;
    int ret;

    TRACE("%p, %p.\n", parent, param);

    if (!param || IsBadReadPtr(param, sizeof(*param)))
    {
        WARN("Invalid parameter block %p.\n", param);
        SetLastError(ERROR_INVALID_PARAMETER);
        return RFC_CANCEL;
    }

    paramW.dwFlags = param->dwFlags;
    paramW.pszFilename = strdup_AtoW(param->pszFilename);
    paramW.pszLocation = strdup_AtoW(param->pszLocation);
    paramW.pszNewName = strdup_AtoW(param->pszNewName);
    paramW.pszNetworkModifiedBy = strdup_AtoW(param->pszNetworkModifiedBy);
    paramW.pszLocalModifiedBy = strdup_AtoW(param->pszLocalModifiedBy);
    paramW.pszNetworkModifiedOn = strdup_AtoW(param->pszNetworkModifiedOn);
    paramW.pszLocalModifiedOn = strdup_AtoW(param->pszLocalModifiedOn);
    paramW.hIKeepBoth = param->hIKeepBoth;
    paramW.hIKeepLocal = param->hIKeepLocal;
    paramW.hIKeepNetwork = param->hIKeepNetwork;
    paramW.pfnCallBack = param->pfnCallBack;
    paramW.lCallerData = param->lCallerData;

    ret = SyncMgrResolveConflictW(parent, &paramW);

    free((WCHAR *)paramW.pszFilename);
    free((WCHAR *)paramW.pszLocation);
    free((WCHAR *)paramW.pszNewName);
    free((WCHAR *)paramW.pszNetworkModifiedBy);
    free((WCHAR *)paramW.pszLocalModifiedBy);
    free((WCHAR *)paramW.pszNetworkModifiedOn);
    free((WCHAR *)paramW.pszLocalModifiedOn);
    return ret;
}
