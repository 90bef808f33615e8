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

/* A copy of one of the caller's strings, MAX_FIELD characters at most;
 * NULL when there is none or it cannot be read. */
static WCHAR *copy_field(const WCHAR *str)
{
    WCHAR *copy;

    if (!str || !(copy = malloc((MAX_FIELD + 1) * sizeof(WCHAR)))) return NULL;
    if (guard_copy_string(copy, str, MAX_FIELD + 1)) return copy;
    free(copy);
    return NULL;
}

/* The same for an ANSI string, converted. */
static WCHAR *copy_fieldA(const char *str)
{
    char copy[MAX_FIELD + 1];
    unsigned int len;
    WCHAR *ret;
    int size;

    if (!str) return NULL;
    for (len = 0; len < MAX_FIELD; len++)
    {
        if (!guard_copy(&copy[len], &str[len], 1)) return NULL;
        if (!copy[len]) break;
    }
    copy[len] = 0;
    size = MultiByteToWideChar(CP_ACP, 0, copy, -1, NULL, 0);
    if ((ret = malloc(size * sizeof(WCHAR)))) MultiByteToWideChar(CP_ACP, 0, copy, -1, ret, size);
    return ret;
}

static void free_fields(RFCDLGPARAMW *param)
{
    free((WCHAR *)param->pszFilename);
    free((WCHAR *)param->pszLocation);
    free((WCHAR *)param->pszNewName);
    free((WCHAR *)param->pszNetworkModifiedBy);
    free((WCHAR *)param->pszLocalModifiedBy);
    free((WCHAR *)param->pszNetworkModifiedOn);
    free((WCHAR *)param->pszLocalModifiedOn);
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
    /* The strings are the copies SyncMgrResolveConflictW made. */
    if ((str = param->pszFilename)) SetDlgItemTextW(dialog, IDC_NAME, str);
    if ((str = param->pszLocation)) SetDlgItemTextW(dialog, IDC_LOCATION, str);
    set_modified(dialog, IDC_NETWORK_MODIFIED, param->pszNetworkModifiedBy,
                 param->pszNetworkModifiedOn);
    set_modified(dialog, IDC_LOCAL_MODIFIED, param->pszLocalModifiedBy, param->pszLocalModifiedOn);
    if ((str = param->pszNewName)) set_formatted(dialog, IDC_NEW_NAME, IDS_NEW_NAME, str, NULL);
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

/* Shows the dialog for a parameter block whose strings are the module's. */
static int resolve_conflict(HWND parent, const RFCDLGPARAMW *param)
{
    INT_PTR ret;

    TRACE("flags %#lx, file %s.\n", param->dwFlags, debugstr_w(param->pszFilename));
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

/***********************************************************************
 *              SyncMgrResolveConflictW (MOBSYNC.@)
 */
int WINAPI SyncMgrResolveConflictW(HWND parent, RFCDLGPARAMW *param)
{
    RFCDLGPARAMW copy;
    int ret;

    TRACE("%p, %p.\n", parent, param);

    /* The block and its strings are copied: the caller's memory is read
     * once, and what cannot be read is not shown. */
    if (!param || !guard_copy(&copy, param, sizeof(copy)))
    {
        WARN("Invalid parameter block %p.\n", param);
        SetLastError(ERROR_INVALID_PARAMETER);
        return RFC_CANCEL;
    }
    copy.pszFilename = copy_field(copy.pszFilename);
    copy.pszLocation = copy_field(copy.pszLocation);
    copy.pszNewName = copy_field(copy.pszNewName);
    copy.pszNetworkModifiedBy = copy_field(copy.pszNetworkModifiedBy);
    copy.pszLocalModifiedBy = copy_field(copy.pszLocalModifiedBy);
    copy.pszNetworkModifiedOn = copy_field(copy.pszNetworkModifiedOn);
    copy.pszLocalModifiedOn = copy_field(copy.pszLocalModifiedOn);
    ret = resolve_conflict(parent, &copy);
    free_fields(&copy);
    return ret;
}

/***********************************************************************
 *              SyncMgrResolveConflictA (MOBSYNC.@)
 */
int WINAPI SyncMgrResolveConflictA(HWND parent, RFCDLGPARAMA *param)
{
    RFCDLGPARAMW paramW;
    RFCDLGPARAMA copy;
    int ret;

    TRACE("%p, %p.\n", parent, param);

    if (!param || !guard_copy(&copy, param, sizeof(copy)))
    {
        WARN("Invalid parameter block %p.\n", param);
        SetLastError(ERROR_INVALID_PARAMETER);
        return RFC_CANCEL;
    }

    paramW.dwFlags = copy.dwFlags;
    paramW.pszFilename = copy_fieldA(copy.pszFilename);
    paramW.pszLocation = copy_fieldA(copy.pszLocation);
    paramW.pszNewName = copy_fieldA(copy.pszNewName);
    paramW.pszNetworkModifiedBy = copy_fieldA(copy.pszNetworkModifiedBy);
    paramW.pszLocalModifiedBy = copy_fieldA(copy.pszLocalModifiedBy);
    paramW.pszNetworkModifiedOn = copy_fieldA(copy.pszNetworkModifiedOn);
    paramW.pszLocalModifiedOn = copy_fieldA(copy.pszLocalModifiedOn);
    paramW.hIKeepBoth = copy.hIKeepBoth;
    paramW.hIKeepLocal = copy.hIKeepLocal;
    paramW.hIKeepNetwork = copy.hIKeepNetwork;
    paramW.pfnCallBack = copy.pfnCallBack;
    paramW.lCallerData = copy.lCallerData;

    ret = resolve_conflict(parent, &paramW);
    free_fields(&paramW);
    return ret;
}
