/*
 * mobsync.exe: another mobsync.exe of the same build, started detached
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this program; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <stdlib.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "shlobj.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Where the agent's runs write what they print: <Local AppData>\mobsync\
 * KIND.txt, made anew by each run. FALSE when there is no such folder. */
BOOL spawn_output_path(const WCHAR *kind, WCHAR *path, unsigned int size)
{
    HRESULT (WINAPI *get_folder)(HWND, int, HANDLE, DWORD, WCHAR *);
    WCHAR dir[MAX_PATH];
    HMODULE shell32;

    /* Loaded here, by the agent only: every other mobsync.exe would pay for
     * loading shell32 at its start. */
    if (!(shell32 = LoadLibraryW(L"shell32.dll"))) return FALSE;
    get_folder = (void *)GetProcAddress(shell32, "SHGetFolderPathW");
    if (!get_folder || FAILED(get_folder(NULL, CSIDL_LOCAL_APPDATA | CSIDL_FLAG_CREATE, NULL, 0, dir)))
    {
        FreeLibrary(shell32);
        return FALSE;
    }
    FreeLibrary(shell32);
    if (wcslen(dir) + wcslen(kind) + 16 > size) return FALSE;
    swprintf(path, size, L"%ls\\mobsync", dir);
    CreateDirectoryW(path, NULL);
    swprintf(path + wcslen(path), size - wcslen(path), L"\\%ls.txt", kind);
    return TRUE;
}

/* Starts this mobsync.exe with the arguments args, in the system folder and
 * with no console: it never holds the console or the pipes of whoever
 * started this one. What it prints goes to the file output (made anew),
 * or nowhere for NULL. The new process's handle goes to *process when
 * process is not NULL. */
BOOL spawn_mobsync(const WCHAR *args, const WCHAR *output, HANDLE *process)
{
    SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
    WCHAR exe[MAX_PATH], dir[MAX_PATH], *line;
    STARTUPINFOW si = { sizeof(si) };
    HANDLE file = INVALID_HANDLE_VALUE;
    PROCESS_INFORMATION pi;
    DWORD len;
    size_t size;
    BOOL ret;

    if (process) *process = NULL;
    len = GetModuleFileNameW(NULL, exe, ARRAYSIZE(exe));
    if (!len || len >= ARRAYSIZE(exe) || !GetSystemDirectoryW(dir, ARRAYSIZE(dir))) return FALSE;
    if (output && (file = CreateFileW(output, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                      &inherit, CREATE_ALWAYS, 0, NULL)) == INVALID_HANDLE_VALUE)
        WARN("Cannot write %s: error %lu.\n", debugstr_w(output), GetLastError());
    if (file != INVALID_HANDLE_VALUE)
    {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdOutput = si.hStdError = file;
    }
    size = len + wcslen(args) + 4;
    if (!(line = malloc(size * sizeof(WCHAR))))
    {
        if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
        return FALSE;
    }
    swprintf(line, size, L"\"%ls\" %ls", exe, args);
    TRACE("Starting %s, output to %s.\n", debugstr_w(line), debugstr_w(output));
    if ((ret = CreateProcessW(exe, line, NULL, NULL, file != INVALID_HANDLE_VALUE, DETACHED_PROCESS, NULL, dir,
                              &si, &pi)))
    {
        TRACE("Process %04lx.\n", pi.dwProcessId);
        CloseHandle(pi.hThread);
        if (process) *process = pi.hProcess;
        else CloseHandle(pi.hProcess);
    }
    else WARN("Cannot start %s: error %lu.\n", debugstr_w(line), GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    free(line);
    return ret;
}
