/*
 * mobsync.exe: the stored schedules, HKCU\Software\mobsync\Schedules\<NAME>
 * (docs/registry.md): when each starts, how it recurs, and, under it, the
 * items it synchronizes
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
#include "winreg.h"
#include "shlwapi.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

void schedule_key(const WCHAR *name, WCHAR *key, unsigned int size)
{
    swprintf(key, size, L"%ls\\%ls", MOBSYNC_SCHEDULES_KEY, name);
}

/* The schedule named name; FALSE when there is none. Values that are not
 * there or not valid read as their defaults: now, once, every day. */
BOOL schedule_read(const WCHAR *name, struct schedule *schedule)
{
    DWORD type, size = sizeof(schedule->start);
    WCHAR key_name[MAX_PATH];
    HKEY key;

    memset(schedule, 0, sizeof(*schedule));
    if (!schedule_name_valid(name)) return FALSE;
    schedule_key(name, key_name, ARRAYSIZE(key_name));
    if (RegOpenKeyExW(HKEY_CURRENT_USER, key_name, 0, KEY_QUERY_VALUE, &key)) return FALSE;
    wcscpy(schedule->name, name);
    if (RegQueryValueExW(key, L"Start", NULL, &type, (BYTE *)&schedule->start, &size) || type != REG_QWORD
            || size != sizeof(schedule->start))
        GetSystemTimeAsFileTime(&schedule->start);
    RegCloseKey(key);
    schedule->recurrence = settings_read_value(key_name, L"Recurrence", SCHEDULE_ONCE);
    if (schedule->recurrence > SCHEDULE_EVERY_DAYS) schedule->recurrence = SCHEDULE_ONCE;
    schedule->days = settings_read_value(key_name, L"Days", 1);
    if (!schedule->days || schedule->days > 365) schedule->days = 1;
    return TRUE;
}

/* Every stored schedule, in the registry's order; *count 0 for none. */
struct schedule *schedule_read_all(unsigned int *count)
{
    struct schedule *list = NULL, *new_list;
    WCHAR name[MOBSYNC_MAX_SCHEDULE_NAME + 2];
    DWORD i, len;
    HKEY key;

    *count = 0;
    if (RegOpenKeyExW(HKEY_CURRENT_USER, MOBSYNC_SCHEDULES_KEY, 0, KEY_READ, &key)) return NULL;
    for (i = 0;; i++)
    {
        len = ARRAYSIZE(name);
        if (RegEnumKeyExW(key, i, name, &len, NULL, NULL, NULL, NULL) == ERROR_NO_MORE_ITEMS) break;
        if (!(new_list = realloc(list, (*count + 1) * sizeof(*list)))) break;
        list = new_list;
        if (schedule_read(name, &list[*count])) ++*count;
    }
    RegCloseKey(key);
    return list;
}

/* The schedule's own values; its items are written by who chose them. */
BOOL schedule_write(const struct schedule *schedule)
{
    WCHAR key_name[MAX_PATH];
    LSTATUS ret;
    HKEY key;

    if (!schedule_name_valid(schedule->name)) return FALSE;
    schedule_key(schedule->name, key_name, ARRAYSIZE(key_name));
    if ((ret = RegCreateKeyExW(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL)))
    {
        WARN("Cannot create %s: error %ld.\n", debugstr_w(key_name), ret);
        return FALSE;
    }
    ret = RegSetValueExW(key, L"Start", 0, REG_QWORD, (const BYTE *)&schedule->start, sizeof(schedule->start));
    RegCloseKey(key);
    return !ret && settings_write_value(key_name, L"Recurrence", schedule->recurrence)
            && settings_write_value(key_name, L"Days", schedule->days);
}

BOOL schedule_delete(const WCHAR *name)
{
    WCHAR key_name[MAX_PATH];

    if (!schedule_name_valid(name)) return FALSE;
    schedule_key(name, key_name, ARRAYSIZE(key_name));
    TRACE("Removing %s.\n", debugstr_w(key_name));
    return !SHDeleteKeyW(HKEY_CURRENT_USER, key_name);
}
