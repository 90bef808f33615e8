/*
 * mobsync.exe: the private channel between a session and its worker, the
 * other architecture's mobsync.exe (worker.c, relay.c, wire.c)
 *
 * Two anonymous pipes, one each way, inherited by the worker and named on
 * its command line ("/worker:IN,OUT", handle values in hex). Each message
 * is a struct wire_header followed by size bytes; strings are
 * NUL-terminated WCHARs. Both ends are the same version of mobsync.exe, so
 * nothing is negotiated, but neither trusts what it reads: sizes are
 * bounded and every field is checked before use.
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

#ifndef __MOBSYNC_WIRE_H
#define __MOBSYNC_WIRE_H

/* The largest message: an item table of MAX_ITEMS names would be more, but
 * such a table is sent in parts. */
#define WIRE_MAX_MESSAGE (16 * 1024 * 1024)

enum wire_type
{
    /* session -> worker */
    WIRE_SESSION = 1,      /* struct wire_session, cookie, item GUIDs, handler CLSIDs */
    WIRE_CONTROL,          /* struct wire_control: /skip or /stop; answered WIRE_ANSWER */
    WIRE_COMMAND,          /* struct wire_command: what the choice dialog asks */
    WIRE_MODELESS_ANSWER,  /* struct wire_modeless_answer: to a WIRE_MODELESS that asked */

    /* worker -> session; header.handler says whose */
    WIRE_HELLO = 0x100,    /* DWORD pointer size: the worker is ready */
    WIRE_NAME,             /* the handler's name */
    WIRE_ICON,             /* struct wire_icon, then width * height 32-bpp BGRA pixels */
    WIRE_WARNING,          /* a warning line's text */
    WIRE_ITEMS,            /* DWORD total, first, count, then count struct wire_item */
    WIRE_CHOICE,           /* DWORD count, then count BYTEs: bit 0 checked, bit 1 chosen */
    WIRE_PROGRESS,         /* DWORD count, then count struct wire_progress */
    WIRE_LOG,              /* struct wire_log, then its text */
    WIRE_DELETE_LOG,       /* the GUID of the entry, GUID_NULL for all */
    WIRE_FLAGS,            /* DWORD SYNCMGRHANDLER_* */
    WIRE_STATE,            /* DWORD enum handler_state: waiting, showing properties */
    WIRE_ITEM_ICON,        /* DWORD index, struct wire_icon, then its pixels */
    WIRE_TEXT,             /* DWORD index, then the item's status text */
    WIRE_MODELESS,         /* struct wire_modeless: EnableModeless(TRUE) asks the session,
                              which has the say, and is answered; (FALSE) gives it back */
    WIRE_FAIL,             /* struct wire_end, statuses, then the message */
    WIRE_FINISH,           /* struct wire_end, statuses */
    WIRE_ANSWER,           /* struct wire_answer: how many took a WIRE_CONTROL */
    WIRE_DONE,             /* the session is over: nothing follows */
};

struct wire_header
{
    DWORD type;
    DWORD size;            /* of what follows */
    CLSID handler;         /* GUID_NULL when about no handler */
};

struct wire_session
{
    DWORD mode;            /* enum session_mode */
    DWORD flags;           /* SYNCMGRFLAG_* */
    DWORD timeout;         /* seconds */
    DWORD show_errors;
    DWORD keep_handlers;   /* the session's progress dialog keeps them when done */
    DWORD cookie_size;
    DWORD item_count;      /* /item: GUIDs */
    DWORD handler_count;   /* CLSIDs to run */
    DWORD choice_default;  /* session.choice_default */
    WCHAR choice_key[MAX_PATH]; /* session.choice_key, terminated */
};

struct wire_control
{
    DWORD serial;          /* given back in its WIRE_ANSWER */
    DWORD action;          /* enum control_action */
    DWORD any_handler;
    GUID handler;
    GUID item;
};

struct wire_command
{
    DWORD kind;            /* enum command_kind */
    DWORD any_handler;     /* all of the worker's handlers */
    DWORD keep_handlers;   /* COMMAND_SYNC: kept when done, for the progress dialog */
    ULONGLONG window;      /* the dialog: a window handle is valid in every process */
    GUID item;
};

struct wire_modeless
{
    DWORD enable;
    DWORD serial;          /* with enable: given back in its WIRE_MODELESS_ANSWER */
};

struct wire_modeless_answer
{
    DWORD serial;
    HRESULT hr;            /* what the session's EnableModeless said */
};

struct wire_answer
{
    DWORD serial;
    DWORD count;
};

struct wire_icon
{
    DWORD width, height;
};

struct wire_item
{
    GUID id;
    WCHAR name[MAX_SYNCMGRITEMNAME];
    DWORD flags;
    FILETIME last_update;
    INT icon;
    DWORD checked;         /* its dwItemState; WIRE_CHOICE says what was chosen */
};

struct wire_progress
{
    DWORD index;           /* into the item table */
    DWORD status;
    INT value, max;
};

struct wire_log
{
    DWORD level;
    DWORD flags;
    DWORD has_item;
    GUID id;
    GUID item;
};

struct wire_end
{
    HRESULT hr;            /* WIRE_FAIL: the code, and whether the line shows it */
    DWORD show_code;
    DWORD default_status;  /* WIRE_FINISH */
    DWORD skipped;         /* WIRE_FINISH: Initialize returned S_FALSE */
    DWORD count;           /* statuses that follow, one DWORD per item */
};

/* wire.c */
extern BOOL wire_write(HANDLE pipe, const void *data, DWORD size);
extern BYTE *wire_read(HANDLE pipe, struct wire_header *header);

#endif /* __MOBSYNC_WIRE_H */
