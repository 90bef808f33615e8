/*
 * mobsync.exe: Synchronization Settings, the store /logon, /logoff, /idle
 * and /schedule:NAME read (docs/registry.md)
 *
 * Each event and each named schedule is a key under HKCU\Software\mobsync
 * with a subkey per handler and a REG_DWORD per item, 1 chosen. An event's
 * handler without a subkey was never configured: every item it has counts
 * as chosen (it registered for the event). A schedule chooses only what it
 * names.
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
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* The key of the event a SYNCMGRREGISTERFLAG_* stands for, in
 * session->choice_key; FALSE for none. */
BOOL settings_event(struct session *session, DWORD register_flag)
{
    const WCHAR *name;

    switch (register_flag)
    {
    case SYNCMGRREGISTERFLAG_CONNECT: name = L"Logon"; break;
    case SYNCMGRREGISTERFLAG_PENDINGDISCONNECT: name = L"Logoff"; break;
    case SYNCMGRREGISTERFLAG_IDLE: name = L"Idle"; break;
    default: return FALSE;
    }
    swprintf(session->choice_key, ARRAYSIZE(session->choice_key), L"%ls\\%ls", MOBSYNC_EVENTS_KEY, name);
    session->choice_default = TRUE;
    return TRUE;
}

/* Whether name can be a schedule's: 1 to 64 characters, no backslash. */
BOOL schedule_name_valid(const WCHAR *name)
{
    size_t len = wcslen(name);

    return len && len <= MOBSYNC_MAX_SCHEDULE_NAME && !wcschr(name, '\\');
}

/* The key of the schedule named name, in session->choice_key: FALSE when
 * the name cannot be one (empty, too long, a backslash) or no such
 * schedule is stored. */
BOOL settings_schedule(struct session *session, const WCHAR *name)
{
    HKEY key;

    if (!schedule_name_valid(name)) return FALSE;
    swprintf(session->choice_key, ARRAYSIZE(session->choice_key), L"%ls\\%ls", MOBSYNC_SCHEDULES_KEY, name);
    session->choice_default = FALSE;
    if (RegOpenKeyExW(HKEY_CURRENT_USER, session->choice_key, 0, KEY_QUERY_VALUE, &key))
    {
        session->choice_key[0] = 0;
        return FALSE;
    }
    RegCloseKey(key);
    return TRUE;
}

static DWORD read_dword(HKEY key, const WCHAR *name, DWORD default_value)
{
    DWORD type, value, size = sizeof(value);

    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)&value, &size) || type != REG_DWORD
            || size != sizeof(value))
        return default_value;
    return value;
}

/* Whether the session's event is turned on in Synchronization Settings
 * (its REG_DWORD Enabled, 1 when absent); a session for no event is. */
BOOL settings_event_on(const struct session *session)
{
    if (!session->event_filter || !session->choice_key[0]) return TRUE;
    return settings_read_value(session->choice_key, L"Enabled", 1) != 0;
}

/* "Ask me before synchronizing the items": the REG_DWORD Ask of the
 * session's event, 0 when absent. */
BOOL settings_ask(const struct session *session)
{
    if (!session->choice_key[0]) return FALSE;
    return settings_read_value(session->choice_key, L"Ask", 0) != 0;
}

/* The handler's subkey of a choice (an event's or a schedule's key under
 * HKCU), or NULL: not configured. */
HKEY settings_open_handler(const WCHAR *choice_key, const CLSID *handler)
{
    WCHAR name[MAX_PATH + 40];
    HKEY key;

    if (!choice_key[0]) return NULL;
    swprintf(name, ARRAYSIZE(name), L"%ls\\", choice_key);
    guid_to_string(handler, name + wcslen(name));
    if (RegOpenKeyExW(HKEY_CURRENT_USER, name, 0, KEY_QUERY_VALUE, &key)) return NULL;
    return key;
}

/* The handler's subkey of the session's choice, or NULL: not configured. */
HKEY settings_open_choice(const struct session *session, const CLSID *handler)
{
    return settings_open_handler(session->choice_key, handler);
}

/* Whether an item is chosen in a handler's subkey; for a handler never
 * configured (key NULL), default_chosen. */
BOOL settings_item_chosen(HKEY key, const GUID *item, BOOL default_chosen)
{
    WCHAR name[39];

    if (!key) return default_chosen;
    guid_to_string(item, name);
    return read_dword(key, name, 0) != 0;
}

/* Whether the item is chosen: by its value in the handler's subkey, or, for
 * a handler never configured (key NULL), by the session's default. */
BOOL settings_chosen(const struct session *session, HKEY key, const GUID *item)
{
    return settings_item_chosen(key, item, session->choice_default);
}

/* Whether the session may choose any item of the handler: loading one it
 * chooses nothing of would only bother it. */
BOOL settings_may_choose(const struct session *session, const CLSID *handler)
{
    WCHAR name[64];
    DWORD i, len, type, value, size;
    BOOL ret = FALSE;
    HKEY key;

    if (!session->choice_key[0]) return TRUE;
    if (!(key = settings_open_choice(session, handler))) return session->choice_default;
    for (i = 0; !ret; i++)
    {
        len = ARRAYSIZE(name);
        size = sizeof(value);
        if (RegEnumValueW(key, i, name, &len, NULL, &type, (BYTE *)&value, &size) == ERROR_NO_MORE_ITEMS)
            break;
        if (type == REG_DWORD && size == sizeof(value) && value) ret = TRUE;
    }
    RegCloseKey(key);
    TRACE("%s: %s.\n", debugstr_guid(handler), ret ? "items chosen" : "nothing chosen");
    return ret;
}

/* An item's value in a handler's subkey of a choice, the subkey made when
 * it is not there: from then on the handler is configured. */
BOOL settings_write_item(const WCHAR *choice_key, const CLSID *handler, const GUID *item, BOOL chosen)
{
    WCHAR key_name[MAX_PATH + 40], name[39];
    DWORD value = chosen ? 1 : 0;
    LSTATUS ret;
    HKEY key;

    swprintf(key_name, ARRAYSIZE(key_name), L"%ls\\", choice_key);
    guid_to_string(handler, key_name + wcslen(key_name));
    if ((ret = RegCreateKeyExW(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL)))
    {
        WARN("Cannot create %s: error %ld.\n", debugstr_w(key_name), ret);
        return FALSE;
    }
    guid_to_string(item, name);
    ret = RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&value, sizeof(value));
    RegCloseKey(key);
    return !ret;
}

/* What the person checked in the choice dialog of a run that asked first,
 * kept as the event's choice. */
BOOL settings_write_choice(const struct session *session, const CLSID *handler, const GUID *item,
        BOOL chosen)
{
    return settings_write_item(session->choice_key, handler, item, chosen);
}

/* A REG_DWORD of a key under HKCU, default_value when absent or not one. */
DWORD settings_read_value(const WCHAR *key_name, const WCHAR *name, DWORD default_value)
{
    DWORD value = default_value;
    HKEY key;

    if (RegOpenKeyExW(HKEY_CURRENT_USER, key_name, 0, KEY_QUERY_VALUE, &key)) return default_value;
    value = read_dword(key, name, default_value);
    RegCloseKey(key);
    return value;
}

BOOL settings_write_value(const WCHAR *key_name, const WCHAR *name, DWORD value)
{
    LSTATUS ret;
    HKEY key;

    if ((ret = RegCreateKeyExW(HKEY_CURRENT_USER, key_name, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL)))
    {
        WARN("Cannot create %s: error %ld.\n", debugstr_w(key_name), ret);
        return FALSE;
    }
    ret = RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&value, sizeof(value));
    RegCloseKey(key);
    return !ret;
}
