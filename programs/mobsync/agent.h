/*
 * mobsync.exe: the resident agent's parts (agent.c, agent_runs.c)
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

#ifndef __MOBSYNC_AGENT_H
#define __MOBSYNC_AGENT_H

#define AGENT_NEEDS_LOGOFF    0x1
#define AGENT_NEEDS_IDLE      0x2
#define AGENT_NEEDS_SCHEDULES 0x4

/* The agent looks again at least once a minute: the clock may have been
 * changed, the machine may have slept. */
#define AGENT_MAX_WAIT 60000

/* Test hooks (docs/events.md): the idle threshold in seconds instead of
 * the setting's minutes, and a power status that says "on battery". */
#define AGENT_IDLE_SECONDS_VARIABLE L"MOBSYNC_TEST_IDLE_SECONDS"
#define AGENT_ON_BATTERY_VARIABLE   L"MOBSYNC_TEST_ON_BATTERY"

/* The idle runs: one at a time, the first after WaitMinutes without input,
 * then every RepeatMinutes while there is still none. */
struct agent_idle
{
    DWORD seen;            /* the time of the last input GetLastInputInfo gave */
    DWORD input;           /* when the idle time counted began: that input, or
                              when the agent started if none came since */
    unsigned int runs;     /* runs started since then */
    DWORD last_start;      /* tick count of the last one */
    HANDLE process;        /* the /idle run, while it runs */
};

/* agent_runs.c */
extern BOOL agent_spawn_run(const WCHAR *args, const WCHAR *kind, HANDLE *process);
extern BOOL agent_event_chosen(DWORD register_flag);
extern BOOL agent_schedule_chosen(const WCHAR *name);
extern BOOL agent_idle_wanted(void);
extern void agent_idle_init(struct agent_idle *idle);
extern DWORD agent_idle_check(struct agent_idle *idle);
extern void agent_idle_end(struct agent_idle *idle);
extern BOOL agent_schedules_wanted(void);
extern DWORD agent_schedules_check(void);

#endif /* __MOBSYNC_AGENT_H */
