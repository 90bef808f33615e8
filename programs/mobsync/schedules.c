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
#include "schedules.h"
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
    WCHAR key_name[MAX_PATH];
    ULONGLONG start;
    HKEY key;

    memset(schedule, 0, sizeof(*schedule));
    if (!schedule_name_valid(name)) return FALSE;
    schedule_key(name, key_name, ARRAYSIZE(key_name));
    if (RegOpenKeyExW(HKEY_CURRENT_USER, key_name, 0, KEY_QUERY_VALUE, &key)) return FALSE;
    wcscpy(schedule->name, name);
    if ((schedule->has_start = registry_read_fixed(key, L"Start", REG_QWORD, &start, sizeof(start))))
    {
        schedule->start.dwLowDateTime = start;
        schedule->start.dwHighDateTime = start >> 32;
    }
    else GetSystemTimeAsFileTime(&schedule->start);
    if (!registry_read_fixed(key, L"LastRun", REG_QWORD, &schedule->last_run, sizeof(schedule->last_run)))
        schedule->last_run = 0;
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
    LSTATUS ret;
    HKEY key;

    *count = 0;
    if (RegOpenKeyExW(HKEY_CURRENT_USER, MOBSYNC_SCHEDULES_KEY, 0, KEY_READ, &key)) return NULL;
    for (i = 0;; i++)
    {
        len = ARRAYSIZE(name);
        ret = RegEnumKeyExW(key, i, name, &len, NULL, NULL, NULL, NULL);
        /* A name too long for a schedule's: no schedule, and name holds
         * nothing of it. */
        if (ret == ERROR_MORE_DATA) continue;
        if (ret) break;
        if (!(new_list = realloc(list, (*count + 1) * sizeof(*list)))) break;
        list = new_list;
        if (schedule_read(name, &list[*count])) ++*count;
    }
    RegCloseKey(key);
    return list;
}

/* Its Start, and now as its LastRun: a time due before then is not a run
 * missed. All the agent writes of a schedule written without a Start:
 * its other values stay as whoever wrote them left them. */
BOOL schedule_write_start(const struct schedule *schedule)
{
    ULONGLONG now = current_time();
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
    if (!ret) ret = RegSetValueExW(key, L"LastRun", 0, REG_QWORD, (const BYTE *)&now, sizeof(now));
    RegCloseKey(key);
    return !ret;
}

/* The schedule's own values, as Synchronization Settings saves them; its
 * items are written by who chose them. */
BOOL schedule_write(const struct schedule *schedule)
{
    WCHAR key_name[MAX_PATH];

    if (!schedule_write_start(schedule)) return FALSE;
    schedule_key(schedule->name, key_name, ARRAYSIZE(key_name));
    return settings_write_value(key_name, L"Recurrence", schedule->recurrence)
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

/* The agent started a run of the schedule for its time due: from now on
 * that time is done, even should the run fail or the prefix stop. */
BOOL schedule_mark_run(const WCHAR *name, ULONGLONG due)
{
    WCHAR key_name[MAX_PATH];
    LSTATUS ret;
    HKEY key;

    if (!schedule_name_valid(name)) return FALSE;
    schedule_key(name, key_name, ARRAYSIZE(key_name));
    if ((ret = RegOpenKeyExW(HKEY_CURRENT_USER, key_name, 0, KEY_SET_VALUE, &key)))
    {
        WARN("Cannot open %s: error %ld.\n", debugstr_w(key_name), ret);
        return FALSE;
    }
    ret = RegSetValueExW(key, L"LastRun", 0, REG_QWORD, (const BYTE *)&due, sizeof(due));
    RegCloseKey(key);
    if (ret) WARN("Cannot write LastRun of %s: error %ld.\n", debugstr_w(name), ret);
    return !ret;
}

/* Times are FILETIME counts (100 ns since 1601, UTC); a schedule repeats
 * in local time, so that "daily at 9:00" stays at 9:00. */
#define TICKS_PER_DAY ((ULONGLONG)24 * 60 * 60 * 10000000)

/* Test hook (docs/events.md): the schedules' clock this many seconds ahead
 * (behind, when negative), so that a test can have a weekend, or a time
 * days from the first, come now. */
#define CLOCK_SECONDS_VARIABLE L"MOBSYNC_TEST_CLOCK_SECONDS"

ULONGLONG current_time(void)
{
    ULARGE_INTEGER now;
    FILETIME time;
    WCHAR text[24];
    DWORD len;

    GetSystemTimeAsFileTime(&time);
    now.u.LowPart = time.dwLowDateTime;
    now.u.HighPart = time.dwHighDateTime;
    if ((len = GetEnvironmentVariableW(CLOCK_SECONDS_VARIABLE, text, ARRAYSIZE(text)))
            && len < ARRAYSIZE(text))
        now.QuadPart += _wtoi64(text) * 10000000;
    return now.QuadPart;
}

/* A time through FileTimeToLocalFileTime or LocalFileTimeToFileTime; as it
 * was when that fails. */
static ULONGLONG convert(ULONGLONG time, BOOL (WINAPI *function)(const FILETIME *, FILETIME *))
{
    ULARGE_INTEGER in = { .QuadPart = time }, out;
    FILETIME from = { in.u.LowPart, in.u.HighPart }, to;

    if (!function(&from, &to)) return time;
    out.u.LowPart = to.dwLowDateTime;
    out.u.HighPart = to.dwHighDateTime;
    return out.QuadPart;
}

static ULONGLONG to_local(ULONGLONG utc)
{
    return convert(utc, FileTimeToLocalFileTime);
}

static ULONGLONG to_utc(ULONGLONG local)
{
    return convert(local, LocalFileTimeToFileTime);
}

/* 1 January 1601 was a Monday. */
static BOOL weekend(ULONGLONG local)
{
    unsigned int day = (local / TICKS_PER_DAY) % 7;

    return day == 5 || day == 6;
}

static ULONGLONG start_of(const struct schedule *schedule)
{
    ULARGE_INTEGER start;

    start.u.LowPart = schedule->start.dwLowDateTime;
    start.u.HighPart = schedule->start.dwHighDateTime;
    return to_local(start.QuadPart);
}

/* The time between two runs: 0 for a schedule that runs once. */
static ULONGLONG period_of(const struct schedule *schedule)
{
    switch (schedule->recurrence)
    {
    case SCHEDULE_DAILY:
    case SCHEDULE_WEEKDAYS: return TICKS_PER_DAY;
    case SCHEDULE_EVERY_DAYS: return schedule->days * TICKS_PER_DAY;
    default: return 0;
    }
}

/* The last time the schedule was due at or before now, if that time is to
 * run now: later than its LastRun and, for a schedule that runs once, less
 * than a day ago. A schedule that repeats makes up only its latest time
 * missed (while no agent ran), once; a run once is let go after a day. */
BOOL schedule_due(const struct schedule *schedule, ULONGLONG now, ULONGLONG *due)
{
    ULONGLONG start = start_of(schedule), local = to_local(now), period = period_of(schedule), k = 0;

    if (local < start) return FALSE;
    if (period) k = (local - start) / period;
    if (schedule->recurrence == SCHEDULE_WEEKDAYS)
    {
        while (weekend(start + k * period))
        {
            if (!k) return FALSE;
            k--;
        }
    }
    *due = to_utc(start + k * period);
    if (*due <= schedule->last_run || *due > now) return FALSE;
    return period || now - *due < TICKS_PER_DAY;
}

/* The first time the schedule is due after now; FALSE for none. */
BOOL schedule_next(const struct schedule *schedule, ULONGLONG now, ULONGLONG *next)
{
    ULONGLONG start = start_of(schedule), local = to_local(now), period = period_of(schedule), k = 0;

    if (local >= start)
    {
        if (!period) return FALSE;
        k = (local - start) / period + 1;
    }
    if (schedule->recurrence == SCHEDULE_WEEKDAYS)
        while (weekend(start + k * period)) k++;
    *next = to_utc(start + k * period);
    return TRUE;
}
