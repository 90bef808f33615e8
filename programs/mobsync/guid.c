/*
 * mobsync.exe: GUIDs as the registry and the command line spell them
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

#include <wchar.h>

#include "mobsync_private.h"

void guid_to_string(const GUID *guid, WCHAR *str)
{
    StringFromGUID2(guid, str, 39);
}

/* Only "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}"; CLSIDFromString would also
 * take a ProgID and look it up. */
BOOL string_to_guid(const WCHAR *str, GUID *guid)
{
    static const char pattern[] = "{........-....-....-....-............}";
    unsigned int i;

    if (wcslen(str) != 38) return FALSE;
    for (i = 0; i < 38; i++)
    {
        if (pattern[i] == '.' ? !iswxdigit(str[i]) : str[i] != pattern[i]) return FALSE;
    }
    return SUCCEEDED(IIDFromString(str, guid));
}
