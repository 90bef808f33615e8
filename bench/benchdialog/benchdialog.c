/*
 * benchdialog RUNS ITEMS: opens Items to Synchronize (plain mobsync) for
 * the no-op benchmark handler with ITEMS items, RUNS times, and prints for
 * each run the milliseconds from starting mobsync.exe to the dialog showing
 * every item with every handler answered; each dialog is then closed.
 *
 * benchdialog progress: the same for the Progress benchmark handler, whose
 * one item is then synchronized with Synchronize, so that its 100,000
 * Progress calls are made with the progress dialog shown; the handler
 * writes its figures where BENCH_RESULT says.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <stdio.h>
#include <stdlib.h>
#include <windows.h>
#include <commctrl.h>

#include "../bench.h"

/* programs/mobsync/resource.h */
#define IDC_CHOICE_LIST   202
#define IDC_CHOICE_STATUS 203
#define IDC_CHOICE_SYNC   206

struct find
{
    DWORD pid;
    HWND found;
};

static BOOL CALLBACK find_proc(HWND window, LPARAM lparam)
{
    struct find *find = (struct find *)lparam;
    WCHAR title[64];
    DWORD pid;

    GetWindowThreadProcessId(window, &pid);
    if (pid != find->pid || !GetWindowTextW(window, title, ARRAYSIZE(title))
            || wcscmp(title, L"Items to Synchronize"))
        return TRUE;
    find->found = window;
    return FALSE;
}

/* One run: the time until the list is complete, 0 when it never was;
 * then Synchronize when asked, else Close. */
static DWORD open_once(const WCHAR *cmdline, unsigned int rows, BOOL synchronize)
{
    PROCESS_INFORMATION pi;
    STARTUPINFOW si = { sizeof(si) };
    WCHAR line[512];
    struct find find;
    DWORD start, ms = 0;
    HWND dialog = NULL;

    lstrcpynW(line, cmdline, ARRAYSIZE(line));
    start = GetTickCount();
    if (!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return 0;
    find.pid = pi.dwProcessId;
    while (GetTickCount() - start < 60000)
    {
        find.found = NULL;
        if (!dialog)
        {
            EnumWindows(find_proc, (LPARAM)&find);
            dialog = find.found;
        }
        if (dialog && !IsWindowVisible(GetDlgItem(dialog, IDC_CHOICE_STATUS))
                && SendMessageW(GetDlgItem(dialog, IDC_CHOICE_LIST), LVM_GETITEMCOUNT, 0, 0) == (LRESULT)rows)
        {
            ms = GetTickCount() - start;
            break;
        }
        if (!WaitForSingleObject(pi.hProcess, 2)) break;
    }
    if (dialog) PostMessageW(dialog, WM_COMMAND, synchronize ? IDC_CHOICE_SYNC : IDCANCEL, 0);
    if (WaitForSingleObject(pi.hProcess, 60000)) TerminateProcess(pi.hProcess, 1);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return ms;
}

int __cdecl wmain(int argc, WCHAR *argv[])
{
    unsigned int runs, items, i;
    WCHAR cmdline[512], value[16];

    /* The dialogs, whatever the prefix's Headless value says. */
    SetEnvironmentVariableW(L"MOBSYNC_HEADLESS", L"0");
    if (argc == 2 && !wcscmp(argv[1], L"progress"))
    {
        swprintf(cmdline, ARRAYSIZE(cmdline), L"mobsync.exe /handler:{B3C4B3C4-0000-4000-8000-0000000000%02X}",
                 BENCH_PROGRESS);
        return open_once(cmdline, 2, TRUE) ? 0 : 1;
    }
    if (argc < 3) return 2;
    runs = _wtoi(argv[1]);
    items = _wtoi(argv[2]);
    swprintf(value, ARRAYSIZE(value), L"%u", items);
    SetEnvironmentVariableW(L"BENCH_ITEMS", value);
    swprintf(cmdline, ARRAYSIZE(cmdline), L"mobsync.exe /handler:{B3C4B3C4-0000-4000-8000-0000000000%02X}", BENCH_NOOP_FIRST);
    for (i = 0; i < runs; i++) printf("%lu\n", open_once(cmdline, items + 1, FALSE));
    return 0;
}
