/*
 * mobsync.exe: the registered handlers and their stored item settings
 *
 * Handlers come from Software\Microsoft\Windows\CurrentVersion\Syncmgr\
 * Handlers under HKLM (this process's registry view) and HKCU, registered
 * through ISyncMgrRegister or written directly (docs/registry.md). Per-item
 * choices live under HKCU\Software\mobsync\Items\{HANDLER}, one REG_DWORD
 * per item named by its ID: 1 checked, 0 unchecked.
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
#include "winreg.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

#define HANDLERS_KEY L"Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr\\Handlers"
#define ITEMS_KEY    SETTINGS_KEY L"\\Items"

void guid_to_string(const GUID *guid, WCHAR *str)
{
    swprintf(str, 39, L"{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", guid->Data1,
             guid->Data2, guid->Data3, guid->Data4[0], guid->Data4[1], guid->Data4[2],
             guid->Data4[3], guid->Data4[4], guid->Data4[5], guid->Data4[6], guid->Data4[7]);
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

static DWORD read_register_flags(HKEY key)
{
    DWORD type, value, size = sizeof(value);

    if (RegQueryValueExW(key, L"RegisterFlags", NULL, &type, (BYTE *)&value, &size)
            || type != REG_DWORD || size != sizeof(value))
        return 0;
    return value & SYNCMGRREGISTERFLAGS_MASK;
}

static BOOL selected(const struct session *session, const CLSID *clsid, DWORD flags)
{
    unsigned int i;

    if (session->event_filter && !(flags & session->event_register_flag)) return FALSE;
    if (!session->only_handler_count) return TRUE;
    for (i = 0; i < session->only_handler_count; i++)
        if (IsEqualCLSID(&session->only_handlers[i], clsid)) return TRUE;
    return FALSE;
}

static HRESULT add_handler(struct session *session, const CLSID *clsid, DWORD flags)
{
    struct handler **handlers, *handler;
    unsigned int i;

    for (i = 0; i < session->handler_count; i++)
    {
        if (!IsEqualCLSID(handler_clsid(session->handlers[i]), clsid)) continue;
        handler_add_register_flags(session->handlers[i], flags);
        return S_OK;
    }
    if (!(handlers = realloc(session->handlers, (session->handler_count + 1) * sizeof(*handlers))))
        return E_OUTOFMEMORY;
    session->handlers = handlers;
    if (!(handler = handler_create(session, clsid, flags))) return E_OUTOFMEMORY;
    session->handlers[session->handler_count++] = handler;
    return S_OK;
}

static void read_handlers(struct session *session, HKEY root, REGSAM view)
{
    WCHAR name[MAX_PATH];
    HKEY key, handler_key;
    DWORD i, len, flags;
    CLSID clsid;

    if (RegOpenKeyExW(root, HANDLERS_KEY, 0, KEY_READ | view, &key)) return;
    for (i = 0;; i++)
    {
        len = ARRAYSIZE(name);
        if (RegEnumKeyExW(key, i, name, &len, NULL, NULL, NULL, NULL)) break;
        if (!string_to_guid(name, &clsid))
        {
            WARN("Ignoring %s: not a CLSID.\n", debugstr_w(name));
            continue;
        }
        if (RegOpenKeyExW(key, name, 0, KEY_QUERY_VALUE | view, &handler_key)) continue;
        flags = read_register_flags(handler_key);
        RegCloseKey(handler_key);
        if (selected(session, &clsid, flags)) add_handler(session, &clsid, flags);
    }
    RegCloseKey(key);
}

/* Fills session->handlers with the registered handlers the session wants, and
 * adds those named on the command line that are not registered, so that they
 * are reported. */
HRESULT load_registrations(struct session *session)
{
    WCHAR message[256];
    unsigned int i, j;
    BOOL found;

    /* Only this process's own registry view: a 32-bit handler can only be
     * loaded by the 32-bit manager, which reads the 32-bit view. */
    read_handlers(session, HKEY_LOCAL_MACHINE, 0);
    read_handlers(session, HKEY_CURRENT_USER, 0);

    for (i = 0; i < session->only_handler_count; i++)
    {
        for (j = 0, found = FALSE; j < session->handler_count && !found; j++)
            found = IsEqualCLSID(handler_clsid(session->handlers[j]), &session->only_handlers[i]);
        if (found) continue;
        if (FAILED(add_handler(session, &session->only_handlers[i], 0))) return E_OUTOFMEMORY;
        handler_fail(session->handlers[session->handler_count - 1], REGDB_E_CLASSNOTREG,
                     load_message(IDS_NOT_REGISTERED, message, ARRAYSIZE(message)));
    }
    TRACE("%u handlers.\n", session->handler_count);
    return S_OK;
}

static HKEY open_items_key(const CLSID *handler, REGSAM access)
{
    WCHAR name[ARRAYSIZE(ITEMS_KEY) + 40];
    HKEY key;

    wcscpy(name, ITEMS_KEY L"\\");
    guid_to_string(handler, name + wcslen(name));
    if (RegOpenKeyExW(HKEY_CURRENT_USER, name, 0, access, &key)) return NULL;
    return key;
}

HKEY open_item_settings(const CLSID *handler)
{
    return open_items_key(handler, KEY_QUERY_VALUE);
}

/* Leaves *checked alone when nothing (valid) is stored for the item. */
void read_item_state(HKEY settings, const GUID *item, BOOL *checked)
{
    DWORD type, value, size = sizeof(value);
    WCHAR name[39];

    if (!settings) return;
    guid_to_string(item, name);
    if (!RegQueryValueExW(settings, name, NULL, &type, (BYTE *)&value, &size)
            && type == REG_DWORD && size == sizeof(value))
        *checked = value != 0;
}

/* After a complete enumeration (not S_SYNCMGR_MISSINGITEMS), the settings of
 * items the handler no longer has are dropped. */
void prune_item_settings(struct handler *handler)
{
    WCHAR name[64];
    DWORD index, len;
    GUID id;
    HKEY key;

    if (!(key = open_items_key(handler_clsid(handler), KEY_QUERY_VALUE | KEY_SET_VALUE))) return;
    for (index = 0;;)
    {
        len = ARRAYSIZE(name);
        if (RegEnumValueW(key, index, name, &len, NULL, NULL, NULL, NULL)) break;
        if (!string_to_guid(name, &id) || handler_has_item(handler, &id))
        {
            index++;
            continue;
        }
        TRACE("Dropping the settings of %s.\n", debugstr_w(name));
        RegDeleteValueW(key, name);
    }
    RegCloseKey(key);
}
