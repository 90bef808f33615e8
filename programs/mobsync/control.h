/*
 * mobsync.exe: the requests "mobsync /skip" and "mobsync /stop" send to
 * running synchronizations (session.c), and that the tests send too
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

#ifndef __MOBSYNC_CONTROL_H
#define __MOBSYNC_CONTROL_H

/* Each synchronizing session owns a message-only window of this class; a
 * request is a WM_COPYDATA message to it, whose answer is the number of
 * items or handlers that took the request. */
#define CONTROL_WINDOW_CLASS L"mobsync.session"
#define CONTROL_MAGIC 0x6d736374 /* COPYDATASTRUCT.dwData */

enum control_action
{
    CONTROL_SKIP = 1,      /* skip an item, like the progress dialog's Skip */
    CONTROL_STOP = 2,      /* cancel everything, like its Stop button */
};

struct control_request
{
    DWORD size;            /* sizeof(struct control_request) */
    DWORD action;          /* enum control_action */
    GUID handler;          /* GUID_NULL: any handler */
    GUID item;             /* CONTROL_SKIP only */
};

#endif /* __MOBSYNC_CONTROL_H */
