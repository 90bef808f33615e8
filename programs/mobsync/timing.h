/*
 * mobsync.exe: where a session's time goes (timing.c), for make bench
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

#ifndef __MOBSYNC_TIMING_H
#define __MOBSYNC_TIMING_H

/* The phases of a session, in the order of the timing line. */
enum timing_phase
{
    TIMING_LOAD,        /* records, threads, apartments, CoCreateInstance, Initialize, GetHandlerInfo */
    TIMING_ENUMERATE,   /* EnumSyncMgrItems, the items read and chosen */
    TIMING_PREPARE,     /* the callback, SetProgressCallback, PrepareForSync and its completion */
    TIMING_SYNCHRONIZE, /* Synchronize, its Progress calls and its completion */
    TIMING_OUTPUT,      /* the results made and written, the summary or /list's lines */
    TIMING_RELEASE,     /* SetProgressCallback(NULL), Release, the threads and records ended */
    TIMING_PHASES
};

extern void timing_begin(struct session *session);
extern LONGLONG timing_now(const struct session *session);
extern LONGLONG timing_next(struct session *session, enum timing_phase phase, LONGLONG since);
extern void timing_count(struct session *session, unsigned int handlers, unsigned int items);
extern void timing_end(struct session *session);

#endif /* __MOBSYNC_TIMING_H */
