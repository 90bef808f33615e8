/*
 * mobsync.exe: the stored schedules, and when each is due
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

#ifndef __MOBSYNC_SCHEDULES_H
#define __MOBSYNC_SCHEDULES_H

/* A stored schedule. */
enum schedule_recurrence
{
    SCHEDULE_ONCE, SCHEDULE_DAILY, SCHEDULE_WEEKDAYS, SCHEDULE_EVERY_DAYS
};

struct schedule
{
    WCHAR name[MOBSYNC_MAX_SCHEDULE_NAME + 1];
    FILETIME start;        /* UTC */
    DWORD recurrence;      /* enum schedule_recurrence */
    DWORD days;            /* SCHEDULE_EVERY_DAYS: 1 to 365 */
    BOOL has_start;        /* Start is stored (otherwise start is now) */
    ULONGLONG last_run;    /* FILETIME, UTC: the time due of its last run, or when
                              it was saved; times due before it are done */
};

/* schedules.c */
extern void schedule_key(const WCHAR *name, WCHAR *key, unsigned int size);
extern BOOL schedule_read(const WCHAR *name, struct schedule *schedule);
extern struct schedule *schedule_read_all(unsigned int *count);
extern BOOL schedule_write(const struct schedule *schedule);
extern BOOL schedule_write_start(const struct schedule *schedule);
extern BOOL schedule_delete(const WCHAR *name);
extern BOOL schedule_mark_run(const WCHAR *name, ULONGLONG due);
extern BOOL schedule_due(const struct schedule *schedule, ULONGLONG now, ULONGLONG *due);
extern BOOL schedule_next(const struct schedule *schedule, ULONGLONG now, ULONGLONG *next);
extern ULONGLONG current_time(void);

#endif /* __MOBSYNC_SCHEDULES_H */
