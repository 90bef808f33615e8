/*
 * mobsync.exe: a session's handlers of the other architecture, run by a
 * worker (worker.c)
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

#ifndef __MOBSYNC_WORKER_H
#define __MOBSYNC_WORKER_H

extern struct worker *worker_start(struct session *session, struct handler **handlers,
        unsigned int count, DWORD deadline);
extern unsigned int worker_control(struct worker *worker, enum control_action action,
        const GUID *handler, const GUID *item);
extern void worker_finish(struct worker *worker);
extern BOOL other_mobsync_path(WCHAR *path, unsigned int size);
extern void worker_command(struct worker *worker, const CLSID *handler,
        const struct handler_command *command);

#endif /* __MOBSYNC_WORKER_H */
