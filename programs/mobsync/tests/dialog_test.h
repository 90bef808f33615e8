/*
 * What the dialog tests share: finding another process's windows, reading
 * and changing its list views in its memory, keys, screenshots
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_DIALOG_TEST_H
#define __MOBSYNC_DIALOG_TEST_H

#include "commctrl.h"
#include "screenshot.h"

/* The dialogs' controls, as mobsync.exe numbers them. */
#include "../resource.h"

/* "/handler:{CLSID}" for each handler given: other tests' handlers may be
 * registered still, and the dialog lists what is asked for. */
static inline const char *only(int count, ...)
{
    static char args[512];
    va_list va;
    int i;

    args[0] = 0;
    va_start(va, count);
    for (i = 0; i < count; i++) sprintf(args + strlen(args), " /handler:%s", handler_str(va_arg(va, int)));
    va_end(va);
    return args;
}

struct find_dialog
{
    DWORD pid;
    const WCHAR *title;
    HWND found;
};

static BOOL CALLBACK find_dialog_proc(HWND window, LPARAM lparam)
{
    struct find_dialog *find = (struct find_dialog *)lparam;
    WCHAR title[64];
    DWORD pid;

    GetWindowThreadProcessId(window, &pid);
    if (find->pid && pid != find->pid) return TRUE;
    if (!GetWindowTextW(window, title, ARRAY_SIZE(title)) || wcscmp(title, find->title)) return TRUE;
    find->found = window;
    return FALSE;
}

/* The top-level window of process pid (any, when 0) with this title, if
 * there is one now. */
static inline HWND window_of(DWORD pid, const WCHAR *title)
{
    struct find_dialog find = { pid, title, NULL };

    EnumWindows(find_dialog_proc, (LPARAM)&find);
    return find.found;
}

static inline void pump(DWORD ms)
{
    MSG msg;

    MsgWaitForMultipleObjects(0, NULL, FALSE, ms, QS_ALLINPUT);
    while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
}

/* A screenshot, named for the architecture too: both runs keep theirs. */
#define save_dialog(dialog, name) \
    save_window_png(dialog, sizeof(void *) == 8 ? name "-64" : name "-32")

/* Waits, at most 20 s, for process pid's window (any process's, when 0)
 * with this title, shown, and, when status names one, with that control
 * hidden (the choice dialog hides its line once every handler answered). */
static inline HWND wait_for_window(DWORD pid, const WCHAR *title, int status)
{
    DWORD start = GetTickCount();
    HWND window;

    do
    {
        if ((window = window_of(pid, title)) && IsWindowVisible(window)
                && (!status || !IsWindowVisible(GetDlgItem(window, status))))
            return window;
        pump(20);
    } while (GetTickCount() - start < 20000);
    return NULL;
}

/* --- list views of another process, read and written in its memory ------- */

struct remote
{
    HANDLE process;
    BYTE *memory;      /* an LVITEMW, then room for text */
};

static inline BOOL remote_open(HWND window, struct remote *remote)
{
    DWORD pid;

    GetWindowThreadProcessId(window, &pid);
    remote->process = OpenProcess(PROCESS_VM_OPERATION | PROCESS_VM_READ | PROCESS_VM_WRITE,
                                  FALSE, pid);
    remote->memory = remote->process ? VirtualAllocEx(remote->process, NULL, 4096, MEM_COMMIT,
                                                      PAGE_READWRITE) : NULL;
    ok(remote->memory != NULL, "cannot reach the dialog's memory: error %lu.\n", GetLastError());
    return remote->memory != NULL;
}

static inline void remote_close(struct remote *remote)
{
    VirtualFreeEx(remote->process, remote->memory, 0, MEM_RELEASE);
    CloseHandle(remote->process);
}

static inline BOOL get_text(HWND list, struct remote *remote, int row, int column, char *text,
        unsigned int size)
{
    WCHAR buffer[300];
    LVITEMW item;

    memset(&item, 0, sizeof(item));
    item.iSubItem = column;
    item.pszText = (WCHAR *)(remote->memory + 512);
    item.cchTextMax = ARRAY_SIZE(buffer);
    if (!WriteProcessMemory(remote->process, remote->memory, &item, sizeof(item), NULL)) return FALSE;
    SendMessageW(list, LVM_GETITEMTEXTW, row, (LPARAM)remote->memory);
    if (!ReadProcessMemory(remote->process, remote->memory + 512, buffer, sizeof(buffer), NULL))
        return FALSE;
    buffer[ARRAY_SIZE(buffer) - 1] = 0;
    WideCharToMultiByte(CP_UTF8, 0, buffer, -1, text, size, NULL, NULL);
    return TRUE;
}

/* A control's place in its dialog's client area. */
static inline void client_rect_of(HWND dialog, int id, RECT *rect)
{
    GetWindowRect(GetDlgItem(dialog, id), rect);
    MapWindowPoints(NULL, dialog, (POINT *)rect, 2);
}

static inline void press(WORD key)
{
    INPUT input[2];

    memset(input, 0, sizeof(input));
    input[0].type = input[1].type = INPUT_KEYBOARD;
    input[0].ki.wVk = input[1].ki.wVk = key;
    input[1].ki.dwFlags = KEYEVENTF_KEYUP;
    SendInput(2, input, sizeof(INPUT));
}

/* LVM_SETITEMSTATE on a list view of another process. */
static inline void list_set_state(HWND list, int row, UINT state, UINT mask)
{
    struct remote remote;
    LVITEMW item;

    if (!remote_open(list, &remote)) return;
    memset(&item, 0, sizeof(item));
    item.state = state;
    item.stateMask = mask;
    WriteProcessMemory(remote.process, remote.memory, &item, sizeof(item), NULL);
    SendMessageW(list, LVM_SETITEMSTATE, row, (LPARAM)remote.memory);
    remote_close(&remote);
}

/* A message that fills a RECT, sent to a control of another process. */
static inline BOOL remote_rect(HWND control, UINT msg, WPARAM wparam, LONG left, RECT *rect)
{
    struct remote remote;
    BOOL ret;

    if (!remote_open(control, &remote)) return FALSE;
    SetRect(rect, left, 0, 0, 0);
    WriteProcessMemory(remote.process, remote.memory, rect, sizeof(*rect), NULL);
    ret = SendMessageW(control, msg, wparam, (LPARAM)remote.memory)
            && ReadProcessMemory(remote.process, remote.memory, rect, sizeof(*rect), NULL);
    remote_close(&remote);
    return ret;
}

/* A click (or a double click) in the middle of a rectangle of a control,
 * as the mouse would make it. */
static inline void click_at(HWND control, const RECT *rect, BOOL twice)
{
    LPARAM point = MAKELPARAM((rect->left + rect->right) / 2, (rect->top + rect->bottom) / 2);

    PostMessageW(control, WM_LBUTTONDOWN, MK_LBUTTON, point);
    PostMessageW(control, WM_LBUTTONUP, 0, point);
    if (!twice) return;
    PostMessageW(control, WM_LBUTTONDBLCLK, MK_LBUTTON, point);
    PostMessageW(control, WM_LBUTTONUP, 0, point);
}

/* The text of a row's column in a list view of another process. */
static inline void list_text(HWND list, int row, int column, char *text, unsigned int size)
{
    struct remote remote;

    text[0] = 0;
    if (!remote_open(list, &remote)) return;
    get_text(list, &remote, row, column, text, size);
    remote_close(&remote);
}

#endif /* __MOBSYNC_DIALOG_TEST_H */
