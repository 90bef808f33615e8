/*
 * mobsync.exe: reading and writing the channel between a session and its
 * worker (wire.h), the same on both ends
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
#include "wire.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

BOOL wire_write(HANDLE pipe, const void *data, DWORD size)
{
    DWORD written;

    return !size || (WriteFile(pipe, data, size, &written, NULL) && written == size);
}

static BOOL read_all(HANDLE pipe, void *data, DWORD size)
{
    DWORD got;

    while (size)
    {
        if (!ReadFile(pipe, data, size, &got, NULL) || !got) return FALSE;
        data = (BYTE *)data + got;
        size -= got;
    }
    return TRUE;
}

/* The next message: its header, and its data in a new buffer. NULL at the
 * end of the channel, and for a message larger than any the other end
 * sends: then the channel is no use any more. */
BYTE *wire_read(HANDLE pipe, struct wire_header *header)
{
    BYTE *data;

    if (!read_all(pipe, header, sizeof(*header))) return NULL;
    if (header->size > WIRE_MAX_MESSAGE || !(data = malloc(max(header->size, 1))))
    {
        ERR("Cannot take a message of %lu bytes.\n", header->size);
        return NULL;
    }
    if (read_all(pipe, data, header->size)) return data;
    free(data);
    return NULL;
}
