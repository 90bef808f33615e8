/*
 * mobsync.exe: the registry and the settings store: the registered handlers,
 * their InprocServer32, the item check states, and what each event and
 * schedule chose
 *
 * Plain data in, plain data out: nothing here makes or fails a handler.
 *
 * Handlers come from Software\Microsoft\Windows\CurrentVersion\Syncmgr\
 * Handlers under HKLM, in both registry views, and HKCU, registered through
 * ISyncMgrRegister or written directly (docs/registry.md); a handler runs in
 * the architecture of its InprocServer32: this process's own view if it is
 * registered there, else the other one's (a worker runs it). Per-item
 * choices live under HKCU\Software\mobsync\Items\{HANDLER}, one REG_DWORD
 * per item named by its ID: 1 checked, 0 unchecked.
 *
 * Synchronization Settings' store, which /logon, /logoff, /idle and
 * /schedule:NAME read: each event and each named schedule is a key under
 * HKCU\Software\mobsync with a subkey per handler and a REG_DWORD per item,
 * 1 chosen. An event's handler without a subkey was never configured: every
 * item it has counts as chosen (it registered for the event). A schedule
 * chooses only what it names.
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
#include <string.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "winreg.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

static BOOL read_inproc_server(const CLSID *clsid, BOOL other_view, WCHAR *path,
        BOOL *single_threaded);
static BOOL settings_may_choose(const struct session_options *options, const CLSID *handler);

#define HANDLERS_KEY MOBSYNC_HANDLERS_KEY
#define ITEMS_KEY    MOBSYNC_ITEMS_KEY

/* A value of the given type and exactly size bytes (at most 8: a REG_DWORD
 * or a REG_QWORD) into *value; FALSE when there is none. Another program
 * may have written anything: a value of another type or size is taken as
 * none, with a warning (docs/registry.md), and *value is left alone. */
BOOL registry_read_fixed(HKEY key, const WCHAR *name, DWORD type, void *value, DWORD size)
{
    DWORD stored_type = REG_NONE, stored_size = sizeof(ULONGLONG);
    ULONGLONG data;
    LSTATUS ret;

    ret = RegQueryValueExW(key, name, NULL, &stored_type, (BYTE *)&data, &stored_size);
    if (ret == ERROR_FILE_NOT_FOUND) return FALSE;
    if (ret || stored_type != type || stored_size != size)
    {
        WARN("Ignoring %s: type %lu, %lu bytes, error %ld; not %lu bytes of type %lu.\n", debugstr_w(name),
             stored_type, stored_size, ret, size, type);
        return FALSE;
    }
    memcpy(value, &data, size);
    return TRUE;
}

BOOL registry_read_dword(HKEY key, const WCHAR *name, DWORD *value)
{
    return registry_read_fixed(key, name, REG_DWORD, value, sizeof(*value));
}

static DWORD read_register_flags(HKEY key)
{
    DWORD value;

    if (!registry_read_dword(key, L"RegisterFlags", &value)) return 0;
    return value & SYNCMGRREGISTERFLAGS_MASK;
}

/* Whether the session names it (/handler:, a program's request), or names
 * none. */
static BOOL named(const struct session_options *options, const CLSID *clsid)
{
    unsigned int i;

    if (!options->only_handler_count) return TRUE;
    for (i = 0; i < options->only_handler_count; i++)
        if (IsEqualCLSID(&options->only_handlers[i], clsid)) return TRUE;
    return FALSE;
}

static BOOL selected(const struct session_options *options, const CLSID *clsid, DWORD flags)
{
    if (options->event_filter && !(flags & options->event_register_flag)) return FALSE;
    if (!settings_may_choose(options, clsid)) return FALSE;
    return named(options, clsid);
}

static HRESULT add_registration(struct registration **list, unsigned int *count, const CLSID *clsid,
        DWORD flags)
{
    struct registration *new_list;
    unsigned int i;

    for (i = 0; i < *count; i++)
    {
        if (!IsEqualCLSID(&(*list)[i].clsid, clsid)) continue;
        /* Registered in more than one view: for what any of them says. */
        (*list)[i].register_flags |= flags;
        return S_OK;
    }
    if (!(new_list = realloc(*list, (*count + 1) * sizeof(*new_list)))) return E_OUTOFMEMORY;
    *list = new_list;
    memset(&new_list[*count], 0, sizeof(new_list[*count]));
    new_list[*count].clsid = *clsid;
    new_list[*count].registered = TRUE;
    new_list[*count].register_flags = flags;
    ++*count;
    return S_OK;
}

/* The registry view that is not this process's own: on a 32-bit system
 * there is none, and the flag is ignored. */
#ifdef _WIN64
#define OTHER_VIEW KEY_WOW64_32KEY
#define OWN_VIEW   KEY_WOW64_64KEY
#else
#define OTHER_VIEW KEY_WOW64_64KEY
#define OWN_VIEW   KEY_WOW64_32KEY
#endif

static HRESULT read_handlers(const struct session_options *options, HKEY root, REGSAM view,
        struct registration **list, unsigned int *count)
{
    WCHAR name[MAX_PATH];
    HKEY key, handler_key;
    DWORD i, len, flags;
    HRESULT hr = S_OK;
    CLSID clsid;

    if (RegOpenKeyExW(root, HANDLERS_KEY, 0, KEY_READ | view, &key)) return S_OK;
    for (i = 0; SUCCEEDED(hr); i++)
    {
        len = ARRAYSIZE(name);
        if (RegEnumKeyExW(key, i, name, &len, NULL, NULL, NULL, NULL)) break;
        if (!string_to_guid(name, &clsid))
        {
            WARN("Ignoring %s: not a CLSID.\n", debugstr_w(name));
            continue;
        }
        /* One the session does not name is not opened: three round trips
         * to the server each, before the first handler can start. */
        if (!named(options, &clsid)) continue;
        if (RegOpenKeyExW(key, name, 0, KEY_QUERY_VALUE, &handler_key)) continue;
        flags = read_register_flags(handler_key);
        RegCloseKey(handler_key);
        if (selected(options, &clsid, flags)) hr = add_registration(list, count, &clsid, flags);
    }
    RegCloseKey(key);
    return hr;
}

/* The handlers registered that the session wants (its event, the handlers
 * it names), each CLSID once, then those it names that are not registered
 * (registered FALSE), so that they are reported. */
HRESULT read_registrations(const struct session_options *options, struct registration **list,
        unsigned int *count)
{
    unsigned int i, j, registered;
    HRESULT hr;

    *list = NULL;
    *count = 0;
    /* A worker runs the handlers its session names, as registered in its own
     * view: the manager that started it has read the registry. */
    if (options->worker)
    {
        if (options->only_handler_count
                && !(*list = calloc(options->only_handler_count, sizeof(**list))))
            return E_OUTOFMEMORY;
        for (i = 0; i < options->only_handler_count; i++)
        {
            (*list)[i].clsid = options->only_handlers[i];
            (*list)[i].registered = TRUE;
            read_inproc_server(&(*list)[i].clsid, FALSE, (*list)[i].server,
                               &(*list)[i].single_threaded);
        }
        *count = options->only_handler_count;
        return S_OK;
    }
    /* Both views, each CLSID once: whichever mobsync.exe runs, it sees the
     * handlers of both architectures. */
    if (FAILED(hr = read_handlers(options, HKEY_LOCAL_MACHINE, OWN_VIEW, list, count))
            || FAILED(hr = read_handlers(options, HKEY_LOCAL_MACHINE, OTHER_VIEW, list, count))
            || FAILED(hr = read_handlers(options, HKEY_CURRENT_USER, 0, list, count)))
        goto failed;
    registered = *count;
    for (i = 0; i < options->only_handler_count; i++)
    {
        for (j = 0; j < registered; j++)
            if (IsEqualCLSID(&(*list)[j].clsid, &options->only_handlers[i])) break;
        if (j < registered) continue;
        if (FAILED(hr = add_registration(list, count, &options->only_handlers[i], 0))) goto failed;
        if (*count > registered) (*list)[*count - 1].registered = FALSE;
    }
    for (i = 0; i < *count; i++)
    {
        struct registration *reg = &(*list)[i];

        /* A vendor shipping both builds is run in this architecture. */
        if (read_inproc_server(&reg->clsid, FALSE, reg->server, &reg->single_threaded)) continue;
        if (!read_inproc_server(&reg->clsid, TRUE, reg->server, &reg->single_threaded)) continue;
        reg->other_arch = TRUE;
        TRACE("%s is registered in the other architecture's view.\n", debugstr_guid(&reg->clsid));
    }
    TRACE("%u handlers.\n", *count);
    return S_OK;

failed:
    free(*list);
    *list = NULL;
    *count = 0;
    return hr;
}

/* The handler's InprocServer32 key in this process's registry view, or in
 * the other one: the path of its DLL (expanded; empty when there is none)
 * and whether it lives in any apartment (a ThreadingModel) or only the main
 * one. FALSE when the view has no such key. */
static BOOL read_inproc_server(const CLSID *clsid, BOOL other_view, WCHAR *path, BOOL *single_threaded)
{
    WCHAR key_name[80], value[MAX_PATH], model[32];
    DWORD size = sizeof(value), type;
    HKEY key;
    LSTATUS ret;

    path[0] = 0;
    *single_threaded = FALSE;
    wcscpy(key_name, L"CLSID\\");
    guid_to_string(clsid, key_name + wcslen(key_name));
    wcscat(key_name, L"\\InprocServer32");
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, key_name, 0, KEY_QUERY_VALUE | (other_view ? OTHER_VIEW : 0),
                      &key))
        return FALSE;
    ret = RegQueryValueExW(key, NULL, NULL, &type, (BYTE *)value, &size);
    if (!ret && (type == REG_SZ || type == REG_EXPAND_SZ) && size >= sizeof(WCHAR))
    {
        value[min(size / sizeof(WCHAR), ARRAYSIZE(value) - 1)] = 0;
        if (!ExpandEnvironmentStringsW(value, path, MAX_PATH)) path[0] = 0;
    }
    size = sizeof(model);
    ret = RegQueryValueExW(key, L"ThreadingModel", NULL, &type, (BYTE *)model, &size);
    /* Stored by anyone: empty (then nothing is read into model), or without
     * its terminator. */
    if (!ret) model[min(size / sizeof(WCHAR), ARRAYSIZE(model) - 1)] = 0;
    *single_threaded = ret || type != REG_SZ || !wcsicmp(model, L"Single");
    RegCloseKey(key);
    return TRUE;
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
    WCHAR name[39];
    DWORD value;

    if (!settings) return;
    guid_to_string(item, name);
    if (registry_read_dword(settings, name, &value)) *checked = value != 0;
}

/* What the person checked in Items to Synchronize, kept where /list and
 * /sync read it: a REG_DWORD per item, 1 checked, 0 not. */
BOOL write_item_state(const CLSID *handler, const GUID *item, BOOL checked)
{
    return settings_write_item(ITEMS_KEY, handler, item, checked);
}

/* After a complete enumeration (not S_SYNCMGR_MISSINGITEMS), the settings of
 * items the handler no longer has (keep says which it has) are dropped. */
void prune_item_settings(const CLSID *clsid, BOOL (*keep)(const GUID *item, void *context),
        void *context)
{
    WCHAR name[64];
    DWORD index, len;
    LSTATUS ret;
    GUID id;
    HKEY key;

    if (!(key = open_items_key(clsid, KEY_QUERY_VALUE | KEY_SET_VALUE))) return;
    for (index = 0;;)
    {
        len = ARRAYSIZE(name);
        ret = RegEnumValueW(key, index, name, &len, NULL, NULL, NULL, NULL);
        /* A name too long for an item's GUID: another program's, left. */
        if (ret == ERROR_MORE_DATA)
        {
            index++;
            continue;
        }
        if (ret) break;
        if (!string_to_guid(name, &id) || keep(&id, context))
        {
            index++;
            continue;
        }
        TRACE("Dropping the settings of %s.\n", debugstr_w(name));
        RegDeleteValueW(key, name);
    }
    RegCloseKey(key);
}

/* The key of the event a SYNCMGRREGISTERFLAG_* stands for, in
 * options->choice_key; FALSE for none. */
BOOL settings_event(struct session_options *options, DWORD register_flag)
{
    const WCHAR *name;

    switch (register_flag)
    {
    case SYNCMGRREGISTERFLAG_CONNECT: name = L"Logon"; break;
    case SYNCMGRREGISTERFLAG_PENDINGDISCONNECT: name = L"Logoff"; break;
    case SYNCMGRREGISTERFLAG_IDLE: name = L"Idle"; break;
    default: return FALSE;
    }
    swprintf(options->choice_key, ARRAYSIZE(options->choice_key), L"%ls\\%ls", MOBSYNC_EVENTS_KEY, name);
    options->choice_default = TRUE;
    return TRUE;
}

/* Whether name can be a schedule's: 1 to 64 characters, no backslash. */
BOOL schedule_name_valid(const WCHAR *name)
{
    size_t len = wcslen(name);

    return len && len <= MOBSYNC_MAX_SCHEDULE_NAME && !wcschr(name, '\\');
}

/* The key of the schedule named name, in options->choice_key: FALSE when
 * the name cannot be one (empty, too long, a backslash) or no such
 * schedule is stored. */
BOOL settings_schedule(struct session_options *options, const WCHAR *name)
{
    HKEY key;

    if (!schedule_name_valid(name)) return FALSE;
    swprintf(options->choice_key, ARRAYSIZE(options->choice_key), L"%ls\\%ls", MOBSYNC_SCHEDULES_KEY, name);
    options->choice_default = FALSE;
    if (RegOpenKeyExW(HKEY_CURRENT_USER, options->choice_key, 0, KEY_QUERY_VALUE, &key))
    {
        options->choice_key[0] = 0;
        return FALSE;
    }
    RegCloseKey(key);
    return TRUE;
}

static DWORD read_dword(HKEY key, const WCHAR *name, DWORD default_value)
{
    DWORD value;

    return registry_read_dword(key, name, &value) ? value : default_value;
}

/* Whether the session's event is turned on in Synchronization Settings
 * (its REG_DWORD Enabled, 1 when absent); a session for no event is. */
BOOL settings_event_on(const struct session_options *options)
{
    if (!options->event_filter || !options->choice_key[0]) return TRUE;
    return settings_read_value(options->choice_key, L"Enabled", 1) != 0;
}

/* "Ask me before synchronizing the items": the REG_DWORD Ask of the
 * session's event, 0 when absent. */
BOOL settings_ask(const struct session_options *options)
{
    if (!options->choice_key[0]) return FALSE;
    return settings_read_value(options->choice_key, L"Ask", 0) != 0;
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
HKEY settings_open_choice(const struct session_options *options, const CLSID *handler)
{
    return settings_open_handler(options->choice_key, handler);
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
BOOL settings_chosen(const struct session_options *options, HKEY key, const GUID *item)
{
    return settings_item_chosen(key, item, options->choice_default);
}

/* Whether the session may choose any item of the handler: loading one it
 * chooses nothing of would only bother it. */
static BOOL settings_may_choose(const struct session_options *options, const CLSID *handler)
{
    DWORD i, len, type, value, size;
    WCHAR name[64];
    BOOL ret = FALSE;
    LSTATUS err;
    GUID item;
    HKEY key;

    if (!options->choice_key[0]) return TRUE;
    if (!(key = settings_open_choice(options, handler))) return options->choice_default;
    for (i = 0; !ret; i++)
    {
        len = ARRAYSIZE(name);
        size = sizeof(value);
        err = RegEnumValueW(key, i, name, &len, NULL, &type, (BYTE *)&value, &size);
        /* A name too long for an item's GUID, or more data than a REG_DWORD. */
        if (err == ERROR_MORE_DATA) continue;
        if (err) break;
        /* Only an item's value chooses anything: another program may have
         * written others. */
        if (type == REG_DWORD && size == sizeof(value) && value && string_to_guid(name, &item)) ret = TRUE;
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
BOOL settings_write_choice(const struct session_options *options, const CLSID *handler, const GUID *item,
        BOOL chosen)
{
    return settings_write_item(options->choice_key, handler, item, chosen);
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

/* The values that make a prefix start run mobsync /logon (docs/events.md).
 * Added when missing; removed only when they hold our own command, so that
 * a value someone wrote for another program under our name stays. FALSE
 * when a value could not be written or removed. */
BOOL autorun_write(BOOL on)
{
    static const struct
    {
        const WCHAR *key, *command;
    }
    values[] =
    {
        { MOBSYNC_RUNSERVICES_KEY, MOBSYNC_RUNSERVICES_COMMAND },
        { MOBSYNC_RUN_KEY, MOBSYNC_RUN_COMMAND },
    };
    WCHAR data[MAX_PATH];
    DWORD type, size;
    unsigned int i;
    BOOL ok = TRUE;
    LSTATUS ret;
    HKEY key;

    for (i = 0; i < ARRAYSIZE(values); i++)
    {
        if ((ret = RegCreateKeyExW(HKEY_LOCAL_MACHINE, values[i].key, 0, NULL, 0,
                KEY_QUERY_VALUE | KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL)))
        {
            WARN("Cannot open %s: error %ld.\n", debugstr_w(values[i].key), ret);
            ok = FALSE;
            continue;
        }
        size = sizeof(data) - sizeof(WCHAR);
        ret = RegQueryValueExW(key, MOBSYNC_RUN_VALUE, NULL, &type, (BYTE *)data, &size);
        if (ret == ERROR_FILE_NOT_FOUND)
        {
            if (on)
            {
                TRACE("Adding %s to %s.\n", debugstr_w(values[i].command), debugstr_w(values[i].key));
                ret = RegSetValueExW(key, MOBSYNC_RUN_VALUE, 0, REG_SZ, (const BYTE *)values[i].command,
                        (wcslen(values[i].command) + 1) * sizeof(WCHAR));
            }
            else ret = ERROR_SUCCESS;
        }
        else if (!ret && !on && type == REG_SZ)
        {
            data[size / sizeof(WCHAR)] = 0;
            if (!wcsicmp(data, values[i].command))
            {
                TRACE("Removing %s from %s.\n", debugstr_w(data), debugstr_w(values[i].key));
                ret = RegDeleteValueW(key, MOBSYNC_RUN_VALUE);
            }
            else WARN("%s holds %s, not ours: left.\n", debugstr_w(values[i].key), debugstr_w(data));
        }
        else if (ret == ERROR_MORE_DATA) ret = ERROR_SUCCESS;
        if (ret)
        {
            WARN("Cannot change %s: error %ld.\n", debugstr_w(values[i].key), ret);
            ok = FALSE;
        }
        RegCloseKey(key);
    }
    return ok;
}
