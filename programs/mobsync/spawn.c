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
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* Starts this mobsync.exe with the arguments args, in the system folder and
 * with no console: what it would print goes nowhere, and it never holds
 * the console or the pipes of whoever started this one. The new process's
 * handle goes to *process when process is not NULL. */
BOOL spawn_mobsync(const WCHAR *args, HANDLE *process)
{
    WCHAR exe[MAX_PATH], dir[MAX_PATH], *line;
    PROCESS_INFORMATION pi;
    STARTUPINFOW si = { sizeof(si) };
    DWORD len;
    size_t size;
    BOOL ret;

    if (process) *process = NULL;
    len = GetModuleFileNameW(NULL, exe, ARRAYSIZE(exe));
    if (!len || len >= ARRAYSIZE(exe) || !GetSystemDirectoryW(dir, ARRAYSIZE(dir))) return FALSE;
    size = len + wcslen(args) + 4;
    if (!(line = malloc(size * sizeof(WCHAR)))) return FALSE;
    swprintf(line, size, L"\"%ls\" %ls", exe, args);
    TRACE("Starting %s.\n", debugstr_w(line));
    if ((ret = CreateProcessW(exe, line, NULL, NULL, FALSE, DETACHED_PROCESS, NULL, dir, &si, &pi)))
    {
        TRACE("Process %04lx.\n", pi.dwProcessId);
        CloseHandle(pi.hThread);
        if (process) *process = pi.hProcess;
        else CloseHandle(pi.hProcess);
    }
    else WARN("Cannot start %s: error %lu.\n", debugstr_w(line), GetLastError());
    free(line);
    return ret;
}
