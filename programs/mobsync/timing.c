/*
 * mobsync.exe: where a session's time goes, on the mobsync_timing channel
 *
 * WINEDEBUG=trace+mobsync_timing (make bench, docs/engine.md) makes every
 * session but a worker's write one line as it ends: its handlers and
 * items; its wall time from the first handler loaded to the summary
 * written and the records freed (QueryPerformanceCounter); the process's
 * CPU time meanwhile (GetProcessTimes, in the kernel's ticks of 10 ms under
 * Wine on Linux); each phase's time, summed over the threads that worked
 * in it (the handlers' run at once, so a phase may add up to more than
 * the wall time); the process's start-up, from its creation to the
 * session's start; and its peak working set.
 *
 *   timing: 8 handlers, 2000 items; wall 12.345 ms; cpu 10.000 ms; load 1.000 ms;
 *   enumerate 2.000 ms; prepare ... ms; synchronize ... ms; output ... ms;
 *   release ... ms; start-up 80.000 ms; peak 60000 KiB
 *
 * Off, a session has no timing record, and each point that would measure
 * is a test of that pointer.
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

#include "mobsync_private.h"
#include "psapi.h"
#include "timing.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync_timing);

struct session_timing
{
    LARGE_INTEGER frequency, start;
    ULONGLONG cpu_start;   /* 100 ns */
    double startup_ms;
    LONG64 phases[TIMING_PHASES]; /* performance counter ticks */
    LONG handlers, items;
};

static ULONGLONG filetime_value(const FILETIME *time)
{
    return (ULONGLONG)time->dwHighDateTime << 32 | time->dwLowDateTime;
}

/* User and kernel time of the process, in 100 ns; the process's creation
 * time in *created. */
static ULONGLONG process_cpu(ULONGLONG *created)
{
    FILETIME creation, exit, kernel, user;

    if (!GetProcessTimes(GetCurrentProcess(), &creation, &exit, &kernel, &user)) return 0;
    if (created) *created = filetime_value(&creation);
    return filetime_value(&kernel) + filetime_value(&user);
}

/* A session's timing record, when the channel is on. */
void timing_begin(struct session *session)
{
    struct session_timing *timing;
    ULONGLONG created = 0;
    FILETIME now;

    if (session->timing || session->options.worker || !TRACE_ON(mobsync_timing)) return;
    if (!(timing = calloc(1, sizeof(*timing)))) return;
    QueryPerformanceFrequency(&timing->frequency);
    timing->cpu_start = process_cpu(&created);
    GetSystemTimeAsFileTime(&now);
    if (created && filetime_value(&now) > created)
        timing->startup_ms = (filetime_value(&now) - created) / 10000.0;
    QueryPerformanceCounter(&timing->start);
    session->timing = timing;
}

/* The performance counter now; 0 when the session is not timed. */
LONGLONG timing_now(const struct session *session)
{
    LARGE_INTEGER now;

    if (!session->timing) return 0;
    QueryPerformanceCounter(&now);
    return now.QuadPart;
}

/* Adds the time since a timing_now() to a phase; gives the counter now, for
 * the next phase. */
LONGLONG timing_next(struct session *session, enum timing_phase phase, LONGLONG since)
{
    LONGLONG now;

    if (!session->timing || !since) return 0;
    now = timing_now(session);
    InterlockedExchangeAdd64(&session->timing->phases[phase], now - since);
    return now;
}

/* Handlers and items the session had: the bench checks them. */
void timing_count(struct session *session, unsigned int handlers, unsigned int items)
{
    if (!session->timing) return;
    InterlockedExchangeAdd(&session->timing->handlers, handlers);
    InterlockedExchangeAdd(&session->timing->items, items);
}

/* The process's peak working set, in KiB: K32GetProcessMemoryInfo where
 * kernel32 has it (Windows 7 on, Wine), else psapi's, loaded for it. */
static unsigned long peak_kib(void)
{
    BOOL (WINAPI *get_info)(HANDLE, PROCESS_MEMORY_COUNTERS *, DWORD);
    PROCESS_MEMORY_COUNTERS counters = { sizeof(counters) };
    HMODULE module = GetModuleHandleW(L"kernel32.dll");

    if (!(get_info = (void *)GetProcAddress(module, "K32GetProcessMemoryInfo"))
            && (module = LoadLibraryW(L"psapi.dll")))
        get_info = (void *)GetProcAddress(module, "GetProcessMemoryInfo");
    if (!get_info || !get_info(GetCurrentProcess(), &counters, sizeof(counters))) return 0;
    return counters.PeakWorkingSetSize / 1024;
}

static double ms(const struct session_timing *timing, LONGLONG ticks)
{
    return ticks * 1000.0 / timing->frequency.QuadPart;
}

/* The session's line. The record stays with the session: a thread given up
 * on may still add to it. */
void timing_end(struct session *session)
{
    struct session_timing *timing = session->timing;
    LARGE_INTEGER now;
    ULONGLONG cpu;

    if (!timing) return;
    QueryPerformanceCounter(&now);
    cpu = process_cpu(NULL) - timing->cpu_start;
    TRACE("timing: %ld handlers, %ld items; wall %.3f ms; cpu %.3f ms; load %.3f ms; "
          "enumerate %.3f ms; prepare %.3f ms; synchronize %.3f ms; output %.3f ms; "
          "release %.3f ms; start-up %.3f ms; peak %lu KiB\n", timing->handlers, timing->items,
          ms(timing, now.QuadPart - timing->start.QuadPart), cpu / 10000.0,
          ms(timing, timing->phases[TIMING_LOAD]), ms(timing, timing->phases[TIMING_ENUMERATE]),
          ms(timing, timing->phases[TIMING_PREPARE]), ms(timing, timing->phases[TIMING_SYNCHRONIZE]),
          ms(timing, timing->phases[TIMING_OUTPUT]), ms(timing, timing->phases[TIMING_RELEASE]),
          timing->startup_ms, peak_kib());
}
