/*
 * Fuzz test of the registry values mobsync reads (docs/registry.md, "Every
 * value mobsync reads"). Another program, or a packager's reg add, may have
 * written any of them: each seed writes garbage into one or a few (another
 * type, sizes 0, 1, odd or 64 KiB, strings without a terminator, absurd
 * numbers, a key where a value belongs and a value where a key belongs,
 * names that are not GUIDs where GUIDs belong), then runs what reads them:
 * mobsync /list, /sync, the event and schedule switches and /autorun, for
 * some seeds the agent, Items to Synchronize with its progress dialog,
 * Synchronization Settings or a program's UpdateItems, and in this process
 * the DLL's GetHandlerRegistrationInfo. Each must do what docs/registry.md
 * says: take the default for what is not valid, synchronize a well-behaved
 * handler all the same, and rewrite nothing the documentation does not say
 * it rewrites: the registry is read back and compared byte for byte. After
 * each seed the registry is put back as it was.
 *
 * The warnings docs/registry.md promises go to Wine's debug output, which a
 * child process writes to the Unix stderr it inherited, not to the pipe
 * this test reads: run the test with WINEDEBUG=warn+mobsync to read them.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <wchar.h>

#include "mobsync_test.h"
#include "dialog_test.h"
#include "fuzz.h"
#include "shlobj.h"
#include "tlhelp32.h"

/* programs/mobsync/agent.c */
#define AGENT_MUTEX L"Local\\mobsync.agent"
#define AGENT_CLASS L"mobsync.agent"

#define SYNCMGR_KEY L"Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr"
#define EVENT_FLAGS (SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT \
                     | SYNCMGRREGISTERFLAG_IDLE)

/* The most a test writes into a value: 64 KiB. */
#define HUGE_SIZE 65536

/* The test handlers' items are 1 to 3 (TEST_SLOW_FIRST has item 1 only). */
#define MAX_ITEMS 3
/* An item none of them has. */
#define GONE_ITEM 9

#define TICKS_PER_HOUR ((ULONGLONG)3600 * 10000000)
#define TICKS_PER_DAY  (24 * TICKS_PER_HOUR)

static const WCHAR setup_title[] = L"Synchronization Settings";
static const WCHAR choice_title[] = L"Items to Synchronize";

static ULONGLONG now(void)
{
    FILETIME time;

    GetSystemTimeAsFileTime(&time);
    return (ULONGLONG)time.dwHighDateTime << 32 | time.dwLowDateTime;
}

static const WCHAR *handler_w(int n)
{
    static WCHAR buffers[4][39];
    static unsigned int next;
    WCHAR *buffer = buffers[next++ % 4];

    swprintf(buffer, 39, L"{6D6F6273-796E-6374-6573-74000000%04X}", n);
    return buffer;
}

static const WCHAR *item_w(int n, int i)
{
    static WCHAR buffers[4][39];
    static unsigned int next;
    WCHAR *buffer = buffers[next++ % 4];

    swprintf(buffer, 39, L"{6D6F6273-796E-6374-6573-740000%02X%02X%02X}", 1, n, i);
    return buffer;
}

/* Whether mobsync takes name for a GUID (programs/mobsync/output.c,
 * string_to_guid): braces, 38 characters, hexadecimal digits. */
static BOOL name_is_guid(const WCHAR *name)
{
    static const char pattern[] = "{........-....-....-....-............}";
    unsigned int i;
    GUID guid;

    if (wcslen(name) != 38) return FALSE;
    for (i = 0; i < 38; i++)
        if (pattern[i] == '.' ? !iswxdigit(name[i]) : name[i] != pattern[i]) return FALSE;
    return SUCCEEDED(IIDFromString(name, &guid));
}

/* --- what the registry holds, read back and put back ------------------------- */

/* What the test reads back, compares, and puts back after each seed. */
static const struct root
{
    const char *label;
    HKEY hkey;
    REGSAM view;
    const WCHAR *path;
    const WCHAR *value;   /* only this value of the key */
}
roots[] =
{
#define ROOT_SETTINGS 0
    { "HKCU", HKEY_CURRENT_USER, 0, MOBSYNC_SETTINGS_KEY },
#define ROOT_USER_HANDLERS 1
    { "HKCU", HKEY_CURRENT_USER, 0, MOBSYNC_HANDLERS_KEY },
#define ROOT_SYNCMGR_64 2
    { "HKLM (64-bit)", HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY, SYNCMGR_KEY },
#define ROOT_SYNCMGR_32 3
    { "HKLM (32-bit)", HKEY_LOCAL_MACHINE, KEY_WOW64_32KEY, SYNCMGR_KEY },
    { "HKLM", HKEY_LOCAL_MACHINE, 0, L"Software\\Classes\\CLSID\\{6D6F6273-796E-6374-6573-740000000001}" },
    { "HKLM", HKEY_LOCAL_MACHINE, 0, L"Software\\Classes\\CLSID\\{6D6F6273-796E-6374-6573-740000000010}" },
#define ROOT_RUN_FIRST 6
    { "HKLM (64-bit)", HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY, MOBSYNC_RUNSERVICES_KEY, MOBSYNC_RUN_VALUE },
    { "HKLM (64-bit)", HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY, MOBSYNC_RUN_KEY, MOBSYNC_RUN_VALUE },
};

static const WCHAR * const run_commands[] = { MOBSYNC_RUNSERVICES_COMMAND, MOBSYNC_RUN_COMMAND };

struct entry
{
    unsigned int root;
    WCHAR *path;         /* below the root's key; "" for that key */
    WCHAR *name;         /* NULL for a key */
    DWORD type, size;
    BYTE *data;
};

struct snapshot
{
    struct entry *entries;
    unsigned int count, capacity;
};

static struct snapshot baseline;
/* Handlers or settings that were there before this test: what needs the
 * agent, or /autorun, is then not only this test's to say. */
static BOOL foreign;

static BYTE read_buffer[HUGE_SIZE + 16];
static WCHAR name_buffer[16384];

static WCHAR *strdup_w(const WCHAR *str)
{
    WCHAR *copy = malloc((wcslen(str) + 1) * sizeof(WCHAR));

    wcscpy(copy, str);
    return copy;
}

static void snapshot_add(struct snapshot *s, unsigned int root, const WCHAR *path, const WCHAR *name,
        DWORD type, const BYTE *data, DWORD size)
{
    struct entry *entry;

    if (s->count == s->capacity)
    {
        s->capacity = max(64, s->capacity * 2);
        s->entries = realloc(s->entries, s->capacity * sizeof(*s->entries));
    }
    entry = &s->entries[s->count++];
    entry->root = root;
    entry->path = strdup_w(path);
    entry->name = name ? strdup_w(name) : NULL;
    entry->type = type;
    entry->size = size;
    entry->data = malloc(max(size, 1));
    memcpy(entry->data, data, size);
}

static void snapshot_free(struct snapshot *s)
{
    unsigned int i;

    for (i = 0; i < s->count; i++)
    {
        free(s->entries[i].path);
        free(s->entries[i].name);
        free(s->entries[i].data);
    }
    free(s->entries);
    memset(s, 0, sizeof(*s));
}

static void full_path(unsigned int root, const WCHAR *path, WCHAR *buffer, unsigned int size)
{
    swprintf(buffer, size, path[0] ? L"%ls\\%ls" : L"%ls", roots[root].path, path);
}

static void snapshot_key(struct snapshot *s, unsigned int root, const WCHAR *path)
{
    WCHAR full[2048], sub[256], child[2048];
    DWORD i, len, size, type;
    LSTATUS ret;
    HKEY key;

    full_path(root, path, full, ARRAY_SIZE(full));
    if (RegOpenKeyExW(roots[root].hkey, full, 0, KEY_READ | roots[root].view, &key)) return;
    if (roots[root].value)
    {
        size = sizeof(read_buffer);
        if (!RegQueryValueExW(key, roots[root].value, NULL, &type, read_buffer, &size))
            snapshot_add(s, root, path, roots[root].value, type, read_buffer, size);
        RegCloseKey(key);
        return;
    }
    snapshot_add(s, root, path, NULL, 0, NULL, 0);
    for (i = 0;; i++)
    {
        len = ARRAY_SIZE(name_buffer);
        size = sizeof(read_buffer);
        if ((ret = RegEnumValueW(key, i, name_buffer, &len, NULL, &type, read_buffer, &size)) == ERROR_NO_MORE_ITEMS)
            break;
        ok(!ret, "cannot read value %lu of %s: error %ld.\n", i, wine_dbgstr_w(full), ret);
        if (!ret) snapshot_add(s, root, path, name_buffer, type, read_buffer, size);
    }
    for (i = 0;; i++)
    {
        len = ARRAY_SIZE(sub);
        if (RegEnumKeyExW(key, i, sub, &len, NULL, NULL, NULL, NULL)) break;
        swprintf(child, ARRAY_SIZE(child), path[0] ? L"%ls\\%ls" : L"%ls%ls", path, sub);
        snapshot_key(s, root, child);
    }
    RegCloseKey(key);
}

static void take_snapshot(struct snapshot *s)
{
    unsigned int i;

    memset(s, 0, sizeof(*s));
    for (i = 0; i < ARRAY_SIZE(roots); i++) snapshot_key(s, i, L"");
}

/* A value as given, to the byte: RegSetValueExW counts the terminator of a
 * string in when the character after its data is 0. */
static LSTATUS set_raw_value(HKEY key, const WCHAR *name, DWORD type, const BYTE *data, DWORD size)
{
    static BYTE copy[HUGE_SIZE + 32];
    BYTE *start = copy + 16;

    if (size > HUGE_SIZE) return ERROR_INVALID_PARAMETER;
    memset(copy, 0, 16);
    memcpy(start, data, size);
    memset(start + size, 0x55, 4);
    return RegSetValueExW(key, name, 0, type, start, size);
}

/* A key and everything under it, in the root's registry view. */
static void delete_tree(HKEY hkey, REGSAM view, const WCHAR *path)
{
    WCHAR sub[256], child[2048], parent[2048], *last;
    HKEY key, left;
    DWORD len;

    if (RegOpenKeyExW(hkey, path, 0, KEY_READ | view, &key)) return;
    for (;;)
    {
        len = ARRAY_SIZE(sub);
        if (RegEnumKeyExW(key, 0, sub, &len, NULL, NULL, NULL, NULL)) break;
        swprintf(child, ARRAY_SIZE(child), L"%ls\\%ls", path, sub);
        delete_tree(hkey, view, child);
        /* One that cannot be deleted would come back for ever. */
        if (!RegOpenKeyExW(hkey, child, 0, KEY_READ | view, &left))
        {
            RegCloseKey(left);
            break;
        }
    }
    RegCloseKey(key);
    wcscpy(parent, path);
    if (!(last = wcsrchr(parent, '\\'))) return;
    *last++ = 0;
    if (RegOpenKeyExW(hkey, parent, 0, KEY_ALL_ACCESS | view, &key)) return;
    RegDeleteKeyW(key, last);
    RegCloseKey(key);
}

/* Each root as the snapshot has it: what is not in it deleted, what is in
 * it written again. */
static void restore(const struct snapshot *s)
{
    unsigned int i, j;
    WCHAR full[2048];
    HKEY key;

    for (i = 0; i < ARRAY_SIZE(roots); i++)
    {
        if (roots[i].value)
        {
            if (RegOpenKeyExW(roots[i].hkey, roots[i].path, 0, KEY_ALL_ACCESS | roots[i].view, &key)) continue;
            RegDeleteValueW(key, roots[i].value);
            RegCloseKey(key);
            swprintf(full, ARRAY_SIZE(full), L"%ls\\%ls", roots[i].path, roots[i].value);
            delete_tree(roots[i].hkey, roots[i].view, full);
        }
        else delete_tree(roots[i].hkey, roots[i].view, roots[i].path);
        for (j = 0; j < s->count; j++)
        {
            const struct entry *entry = &s->entries[j];

            if (entry->root != i) continue;
            full_path(i, entry->path, full, ARRAY_SIZE(full));
            if (RegCreateKeyExW(roots[i].hkey, full, 0, NULL, 0, KEY_ALL_ACCESS | roots[i].view, NULL, &key, NULL))
            {
                ok(0, "cannot write %s back.\n", wine_dbgstr_w(full));
                continue;
            }
            if (entry->name) set_raw_value(key, entry->name, entry->type, entry->data, entry->size);
            RegCloseKey(key);
        }
    }
}

static const struct entry *find_entry(const struct snapshot *s, const struct entry *entry)
{
    unsigned int i;

    for (i = 0; i < s->count; i++)
    {
        const struct entry *other = &s->entries[i];

        if (other->root != entry->root || wcsicmp(other->path, entry->path)) continue;
        if (!other->name != !entry->name) continue;
        if (!other->name || !wcsicmp(other->name, entry->name)) return other;
    }
    return NULL;
}

static BOOL same_entry(const struct entry *a, const struct entry *b)
{
    return a->type == b->type && a->size == b->size && !memcmp(a->data, b->data, a->size);
}

static BOOL entry_qword(const struct entry *entry)
{
    return entry && entry->type == REG_QWORD && entry->size == sizeof(ULONGLONG);
}

static const char *describe(const struct entry *entry)
{
    if (!entry) return "nothing";
    if (!entry->name) return "a key";
    if (entry->type == REG_DWORD && entry->size == 4)
        return wine_dbg_sprintf("REG_DWORD %#lx", *(DWORD *)entry->data);
    return wine_dbg_sprintf("type %#lx, %lu bytes", entry->type, entry->size);
}

/* What a run may change, as docs/registry.md and docs/events.md say. */
struct allow
{
    int handler;    /* the values under Items\{HANDLER} named by the GUID of an item it
                       does not have are dropped after it enumerated its items */
    BOOL agent;     /* the agent writes a schedule's LastRun, and its Start when it has
                       none (a valid one); it makes the settings key to watch it; when
                       it ends by itself it changes the values of a prefix start */
    BOOL autorun;   /* /autorun changes those values (checked in read_autorun) */
};

static BOOL is_item_of(int handler, const WCHAR *name)
{
    int i;

    for (i = 1; i <= (handler == TEST_SLOW_FIRST ? 1 : MAX_ITEMS); i++)
        if (!wcsicmp(name, item_w(handler, i))) return TRUE;
    return FALSE;
}

static BOOL change_allowed(const struct allow *allow, const struct entry *before, const struct entry *after)
{
    const struct entry *entry = before ? before : after;
    WCHAR path[64];

    if (entry->root == ROOT_SETTINGS)
    {
        swprintf(path, ARRAY_SIZE(path), L"Items\\%ls", handler_w(allow->handler));
        if (entry->name && !after && !wcsicmp(entry->path, path) && name_is_guid(entry->name)
                && !is_item_of(allow->handler, entry->name))
            return TRUE;
        if (allow->agent && !entry->name && !entry->path[0] && !before) return TRUE;
        if (allow->agent && entry->name && !wcsnicmp(entry->path, L"Schedules\\", 10)
                && !wcschr(entry->path + 10, '\\'))
        {
            if (!wcsicmp(entry->name, L"LastRun")) return entry_qword(after);
            if (!wcsicmp(entry->name, L"Start")) return entry_qword(after) && !entry_qword(before);
        }
    }
    if (entry->root >= ROOT_RUN_FIRST) return allow->agent || allow->autorun;
    return FALSE;
}

static void compare(const struct snapshot *before, const struct snapshot *after, const struct allow *allow)
{
    const struct entry *other;
    unsigned int i;

    for (i = 0; i < before->count; i++)
    {
        const struct entry *entry = &before->entries[i];

        if ((other = find_entry(after, entry)) && same_entry(entry, other)) continue;
        ok(change_allowed(allow, entry, other), "%s %s\\%s %s: was %s, is %s.\n", roots[entry->root].label,
           wine_dbgstr_w(roots[entry->root].path), wine_dbgstr_w(entry->path),
           entry->name ? wine_dbgstr_w(entry->name) : "(key)", describe(entry), describe(other));
    }
    for (i = 0; i < after->count; i++)
    {
        const struct entry *entry = &after->entries[i];

        if (find_entry(before, entry)) continue;
        ok(change_allowed(allow, NULL, entry), "%s %s\\%s %s: was nothing, is %s.\n", roots[entry->root].label,
           wine_dbgstr_w(roots[entry->root].path), wine_dbgstr_w(entry->path),
           entry->name ? wine_dbgstr_w(entry->name) : "(key)", describe(entry));
    }
}

/* --- garbage ----------------------------------------------------------------- */

enum garbage_kind
{
    GARBAGE_VALUE,
    GARBAGE_KEY,     /* a key of that name, no value */
    GARBAGE_NONE,    /* neither */
};

struct garbage
{
    enum garbage_kind kind;
    DWORD type, size;
    BYTE data[HUGE_SIZE + 8];
};

static struct garbage garbage;

static const DWORD garbage_sizes[] = { 0, 1, 2, 3, 5, 6, 7, 8, 9, 15, 64, 255, HUGE_SIZE - 1, HUGE_SIZE };
static const DWORD garbage_types[] =
{
    REG_NONE, REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_MULTI_SZ,
    REG_RESOURCE_LIST, REG_QWORD, 0x4000, 0xffffffff,
};

static DWORD other_type(struct fuzz_random *r, DWORD not)
{
    DWORD type;

    do type = garbage_types[fuzz_below(r, ARRAY_SIZE(garbage_types))]; while (type == not);
    return type;
}

/* Random bytes, starting with those of start. */
static void fill(struct fuzz_random *r, struct garbage *g, const void *start, DWORD start_size)
{
    fuzz_bytes(r, g->data, g->size);
    memcpy(g->data, start, min(start_size, g->size));
}

/* A number written as text, as reg add /t REG_SZ writes it: terminated or
 * not, or with an odd size. */
static void make_text_number(struct fuzz_random *r, struct garbage *g, ULONGLONG number)
{
    WCHAR text[32];
    int len = swprintf(text, ARRAY_SIZE(text), L"%I64u", number);

    g->type = fuzz_one_in(r, 3) ? REG_EXPAND_SZ : REG_SZ;
    g->size = (len + fuzz_below(r, 2)) * sizeof(WCHAR);
    if (fuzz_one_in(r, 3)) g->size--;
    memcpy(g->data, text, (len + 1) * sizeof(WCHAR));
}

/* What a number's place (REG_DWORD, or REG_QWORD for a FILETIME) may hold:
 * often one of its type (any number, times near now for a FILETIME), or
 * mislead, the number that is not the default, in another type, size or
 * width. */
static void make_number(struct fuzz_random *r, struct garbage *g, DWORD type, ULONGLONG mislead)
{
    const DWORD size = type == REG_QWORD ? sizeof(ULONGLONG) : sizeof(DWORD);
    const DWORD other_width = type == REG_QWORD ? REG_DWORD : REG_QWORD;
    ULONGLONG value = 0, times[] =
    {
        0, 1, now() - TICKS_PER_DAY, now() - TICKS_PER_HOUR, now() + TICKS_PER_HOUR,
        now() + 400 * TICKS_PER_DAY, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
        type == REG_QWORD ? fuzz_next(r) : 0,
    };
    unsigned int choice = fuzz_below(r, 10);

    g->kind = GARBAGE_VALUE;
    switch (choice)
    {
    case 0:
    case 1:
    case 2:
        if (type == REG_QWORD) value = times[fuzz_below(r, ARRAY_SIZE(times))];
        else value = choice ? fuzz_edge_dword(r) : fuzz_below(r, 6);
        g->type = type;
        g->size = size;
        memcpy(g->data, &value, size);
        break;
    case 3:
        g->type = type;
        do g->size = garbage_sizes[fuzz_below(r, ARRAY_SIZE(garbage_sizes))]; while (g->size == size);
        fill(r, g, &mislead, size);
        break;
    case 4:
        g->type = other_type(r, type);
        g->size = size;
        memcpy(g->data, &mislead, size);
        break;
    case 5:
        g->type = other_type(r, type);
        g->size = garbage_sizes[fuzz_below(r, ARRAY_SIZE(garbage_sizes))];
        fill(r, g, &mislead, size);
        break;
    case 6:
        make_text_number(r, g, mislead);
        break;
    case 7:
        g->type = other_width;
        g->size = other_width == REG_QWORD ? sizeof(ULONGLONG) : sizeof(DWORD);
        memcpy(g->data, &mislead, g->size);
        break;
    case 8:
        g->kind = GARBAGE_KEY;
        break;
    default:
        g->kind = GARBAGE_NONE;
        break;
    }
}

static void make_dword(struct fuzz_random *r, struct garbage *g, DWORD mislead)
{
    make_number(r, g, REG_DWORD, mislead);
}

static void make_qword(struct fuzz_random *r, struct garbage *g, ULONGLONG mislead)
{
    make_number(r, g, REG_QWORD, mislead);
}

/* What a string's place may hold: text, terminated or not, cut, at an odd
 * size, 64 KiB of it, in another type. */
static void make_string(struct fuzz_random *r, struct garbage *g, const WCHAR *text)
{
    DWORD len = wcslen(text), i;

    g->kind = GARBAGE_VALUE;
    g->type = REG_SZ;
    memcpy(g->data, text, (len + 1) * sizeof(WCHAR));
    switch (fuzz_below(r, 11))
    {
    case 0:
    case 1:
        g->size = (len + 1) * sizeof(WCHAR);
        break;
    case 2:
        g->size = len * sizeof(WCHAR);
        break;
    case 3:
        g->size = fuzz_below(r, 2);
        break;
    case 4:
        g->size = len * sizeof(WCHAR) + (fuzz_one_in(r, 2) ? 1 : -1);
        break;
    case 5:
        g->size = HUGE_SIZE - fuzz_below(r, 2);
        for (i = 0; i < HUGE_SIZE / sizeof(WCHAR); i++) ((WCHAR *)g->data)[i] = text[i % len];
        break;
    case 6:
        g->type = REG_EXPAND_SZ;
        g->size = (len + 1) * sizeof(WCHAR);
        break;
    case 7:
        g->type = REG_MULTI_SZ;
        ((WCHAR *)g->data)[len + 1] = 0;
        g->size = (len + 2) * sizeof(WCHAR);
        break;
    case 8:
        g->type = other_type(r, REG_SZ);
        g->size = len * sizeof(WCHAR);
        break;
    case 9:
        g->kind = GARBAGE_KEY;
        break;
    default:
        g->kind = GARBAGE_NONE;
        break;
    }
}

/* What docs/registry.md makes of it: TRUE and the number for a REG_DWORD
 * of 4 bytes, FALSE for anything else (the default). */
static BOOL garbage_dword(const struct garbage *g, DWORD *value)
{
    if (g->kind != GARBAGE_VALUE || g->type != REG_DWORD || g->size != sizeof(*value)) return FALSE;
    memcpy(value, g->data, sizeof(*value));
    return TRUE;
}

static void describe_garbage(const struct garbage *g, const WCHAR *name)
{
    if (winetest_debug <= 1) return;
    if (g->kind == GARBAGE_KEY) trace("%s: a key.\n", wine_dbgstr_w(name));
    else if (g->kind == GARBAGE_NONE) trace("%s: nothing.\n", wine_dbgstr_w(name));
    else trace("%s: type %#lx, %lu bytes, starting %02x %02x %02x %02x.\n", wine_dbgstr_w(name), g->type, g->size,
               g->size > 0 ? g->data[0] : 0, g->size > 1 ? g->data[1] : 0, g->size > 2 ? g->data[2] : 0,
               g->size > 3 ? g->data[3] : 0);
}

/* Writes g as value name of the key path (made when missing). */
static void write_garbage(HKEY hkey, REGSAM view, const WCHAR *path, const WCHAR *name, const struct garbage *g)
{
    LSTATUS ret;
    HKEY key, sub;

    describe_garbage(g, name);
    if ((ret = RegCreateKeyExW(hkey, path, 0, NULL, 0, KEY_ALL_ACCESS | view, NULL, &key, NULL)))
    {
        ok(0, "cannot create %s: error %ld.\n", wine_dbgstr_w(path), ret);
        return;
    }
    RegDeleteValueW(key, name);
    if (g->kind == GARBAGE_VALUE)
    {
        ret = set_raw_value(key, name, g->type, g->data, g->size);
        ok(!ret, "cannot write %s: error %ld.\n", wine_dbgstr_w(name), ret);
    }
    else if (g->kind == GARBAGE_KEY && name && name[0]
            && !RegCreateKeyExW(key, name, 0, NULL, 0, KEY_ALL_ACCESS | view, NULL, &sub, NULL))
        RegCloseKey(sub);
    RegCloseKey(key);
}

static void create_key(HKEY hkey, REGSAM view, const WCHAR *path)
{
    HKEY key;

    if (!RegCreateKeyExW(hkey, path, 0, NULL, 0, KEY_ALL_ACCESS | view, NULL, &key, NULL)) RegCloseKey(key);
}

/* A name where a GUID belongs that is none: no braces, one character too
 * many or too few, a letter that is no hexadecimal digit, a full-width
 * digit, much too long (max characters at most). */
static void make_bad_name(struct fuzz_random *r, const WCHAR *guid, WCHAR *name, unsigned int max)
{
    unsigned int len, i;

    wcscpy(name, guid);
    switch (fuzz_below(r, 9))
    {
    case 0: wcscpy(name, L"not a GUID"); break;
    case 1: wcscpy(name, guid + 1); name[36] = 0; break;
    case 2: name[1 + fuzz_below(r, 8)] = 'G'; break;
    case 3: name[37] = 0; break;
    case 4: wcscat(name, L"0"); break;
    case 5: name[9] = '_'; break;
    case 6: name[2] = 0xff10; break;
    case 7: wcscpy(name, L"{}"); break;
    default:
        len = 39 + fuzz_below(r, max - 38);
        for (i = 0; i < len; i++) name[i] = 'a' + i % 26;
        name[len] = 0;
        break;
    }
}

/* --- what the registry says, as docs/registry.md reads it -------------------- */

enum { LOGON, LOGOFF, IDLE, EVENT_COUNT };
static const WCHAR * const event_names[] = { L"Logon", L"Logoff", L"Idle" };
static const char * const event_switches[] = { "/logon", "/logoff", "/idle" };
static const DWORD event_flags[] =
{
    SYNCMGRREGISTERFLAG_CONNECT, SYNCMGRREGISTERFLAG_PENDINGDISCONNECT, SYNCMGRREGISTERFLAG_IDLE
};

/* A handler's subkey of an event's or a schedule's key. */
struct choice
{
    BOOL key;                  /* there: the handler is configured */
    int item[MAX_ITEMS + 1];   /* -1: no REG_DWORD of 4 bytes; otherwise whether it is not 0 */
    BOOL other;                /* a REG_DWORD not 0 named by the GUID of an item the handler
                                  does not have: mobsync loads the handler to find out */
};

#define MAX_SCHEDULES 3

struct schedule
{
    WCHAR name[256];
    BOOL key;                  /* Schedules\NAME is a key */
    BOOL valid;                /* and NAME can be a schedule's */
    struct choice choice;
};

struct model
{
    int handler;
    unsigned int item_count;
    BOOL registered[3];        /* in HKLM, HKCU, the other view of HKLM */
    DWORD flags[3];            /* and the flags of each */
    DWORD exe_flags;           /* what mobsync.exe makes of all registrations of the handler */
    DWORD dll_flags;           /* what GetHandlerRegistrationInfo gives */
    BOOL may_not_load;         /* its InprocServer32 is garbage */
    int item[MAX_ITEMS + 1];   /* Items\{HANDLER}: -1 no valid value */
    BOOL gone_item;            /* Items\{HANDLER} has a value named by an item it does not have */
    DWORD headless, keep_level, invoke_timeout;
    DWORD enabled[EVENT_COUNT], ask[EVENT_COUNT];
    DWORD wait_minutes, repeat_minutes, prevent_on_battery;
    struct choice events[EVENT_COUNT];
    struct schedule schedules[MAX_SCHEDULES];
    unsigned int schedule_count;
};

static void init_choice(struct choice *choice)
{
    unsigned int i;

    memset(choice, 0, sizeof(*choice));
    for (i = 0; i <= MAX_ITEMS; i++) choice->item[i] = -1;
}

static void init_model(struct model *m, int handler, DWORD flags)
{
    unsigned int i;

    memset(m, 0, sizeof(*m));
    m->handler = handler;
    m->item_count = handler == TEST_SLOW_FIRST ? 1 : MAX_ITEMS;
    m->registered[0] = TRUE;
    m->exe_flags = m->dll_flags = m->flags[0] = flags;
    for (i = 0; i <= MAX_ITEMS; i++) m->item[i] = -1;
    m->keep_level = 3;
    m->invoke_timeout = 300;
    for (i = 0; i < EVENT_COUNT; i++)
    {
        m->enabled[i] = 1;
        init_choice(&m->events[i]);
    }
    m->wait_minutes = 15;
    m->repeat_minutes = 60;
    m->prevent_on_battery = 1;
}

/* Item i's check state: the stored one, else the handler's (items 1 and 2
 * checked, 3 not). */
static BOOL item_checked(const struct model *m, int i)
{
    if (m->item[i] >= 0) return m->item[i];
    return i != 3;
}

static BOOL choice_chosen(const struct choice *choice, int i, BOOL default_chosen)
{
    if (!choice->key) return default_chosen;
    return choice->item[i] > 0;
}

/* Whether mobsync loads the handler for the choice. */
static BOOL choice_loads(const struct model *m, const struct choice *choice, BOOL default_chosen)
{
    unsigned int i;

    if (!choice->key) return default_chosen;
    for (i = 1; i <= m->item_count; i++) if (choice->item[i] > 0) return TRUE;
    return choice->other;
}

/* Whether a schedule has items chosen, so that the agent looks at its times. */
static BOOL schedules_chosen(const struct model *m)
{
    unsigned int i;

    for (i = 0; i < m->schedule_count; i++)
        if (m->schedules[i].key && m->schedules[i].valid && choice_loads(m, &m->schedules[i].choice, FALSE))
            return TRUE;
    return FALSE;
}

/* Whether the agent has a logoff or an idle run to wait for. */
static BOOL agent_events_needed(const struct model *m)
{
    return (m->enabled[LOGOFF] && (m->exe_flags & SYNCMGRREGISTERFLAG_PENDINGDISCONNECT)
            && choice_loads(m, &m->events[LOGOFF], TRUE))
        || (m->enabled[IDLE] && min(m->wait_minutes, 24 * 60) && (m->exe_flags & SYNCMGRREGISTERFLAG_IDLE)
            && choice_loads(m, &m->events[IDLE], TRUE));
}

/* --- the values, written -------------------------------------------------- */

static void handler_key(const struct model *m, WCHAR *path)
{
    swprintf(path, 128, L"%ls\\%ls", MOBSYNC_HANDLERS_KEY, handler_w(m->handler));
}

/* RegisterFlags of the registration, or of another one of the same handler
 * in HKCU or the other registry view; mobsync.exe takes what any of them
 * says, GetHandlerRegistrationInfo the HKLM one. */
static void fuzz_register_flags(struct fuzz_random *r, struct model *m)
{
    static const struct { HKEY hkey; REGSAM view; } places[] =
    {
        { HKEY_LOCAL_MACHINE, 0 },
        { HKEY_CURRENT_USER, 0 },
        { HKEY_LOCAL_MACHINE, sizeof(void *) == 8 ? KEY_WOW64_32KEY : KEY_WOW64_64KEY },
    };
    unsigned int place = fuzz_below(r, 3), i;
    WCHAR path[128];
    DWORD value;

    handler_key(m, path);
    make_dword(r, &garbage, EVENT_FLAGS);
    write_garbage(places[place].hkey, places[place].view, path, L"RegisterFlags", &garbage);
    m->registered[place] = TRUE;
    m->flags[place] = garbage_dword(&garbage, &value) ? value & SYNCMGRREGISTERFLAGS_MASK : 0;
    m->dll_flags = m->flags[0];
    m->exe_flags = 0;
    for (i = 0; i < ARRAY_SIZE(m->flags); i++) if (m->registered[i]) m->exe_flags |= m->flags[i];
}

/* Handlers' subkeys that are not CLSIDs, some with values of their own,
 * and values where the handlers' keys belong. */
static void fuzz_handler_names(struct fuzz_random *r, struct model *m)
{
    static const HKEY hkeys[] = { HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER };
    unsigned int count = 1 + fuzz_below(r, 3);
    WCHAR name[256], path[512];
    HKEY hkey;

    while (count--)
    {
        hkey = hkeys[fuzz_below(r, 2)];
        make_bad_name(r, handler_w(m->handler), name, 255);
        if (fuzz_one_in(r, 3))
        {
            /* A value where a handler's key belongs. */
            make_dword(r, &garbage, EVENT_FLAGS);
            if (garbage.kind == GARBAGE_KEY) garbage.kind = GARBAGE_VALUE;
            write_garbage(hkey, 0, MOBSYNC_HANDLERS_KEY, fuzz_one_in(r, 2) ? handler_w(0xfe) : name, &garbage);
            continue;
        }
        swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_HANDLERS_KEY, name);
        make_dword(r, &garbage, EVENT_FLAGS);
        write_garbage(hkey, 0, path, L"RegisterFlags", &garbage);
    }
}

/* The handler's InprocServer32: its ThreadingModel, which COM reads too, or
 * the path of its DLL. */
static void fuzz_inproc_server(struct fuzz_random *r, struct model *m)
{
    static const WCHAR * const models[] = { L"Apartment", L"Both", L"Free", L"Single", L"apartment" };
    WCHAR path[128], dll[MAX_PATH];

    swprintf(path, ARRAY_SIZE(path), L"Software\\Classes\\CLSID\\%ls\\InprocServer32", handler_w(m->handler));
    if (fuzz_one_in(r, 3))
    {
        GetSystemDirectoryW(dll, MAX_PATH);
        wcscat(dll, L"\\" TEST_DLL);
        make_string(r, &garbage, dll);
        write_garbage(HKEY_LOCAL_MACHINE, 0, path, NULL, &garbage);
        m->may_not_load = TRUE;
        return;
    }
    make_string(r, &garbage, models[fuzz_below(r, ARRAY_SIZE(models))]);
    write_garbage(HKEY_LOCAL_MACHINE, 0, path, L"ThreadingModel", &garbage);
}

static void lower(WCHAR *str)
{
    for (; *str; str++) *str = towlower(*str);
}

/* Values under a handler's subkey named by its items (their IDs in upper
 * or lower case), mislead the number a misreading would find; one named by
 * an item it does not have; some whose names are no GUIDs. */
static void fuzz_item_values(struct fuzz_random *r, const struct model *m, const WCHAR *path, int *items,
        BOOL *other, DWORD *gone_kind, DWORD mislead)
{
    WCHAR name[1024];
    unsigned int i;
    DWORD value;

    for (i = 1; i <= m->item_count; i++)
    {
        if (fuzz_one_in(r, 2)) continue;
        make_dword(r, &garbage, mislead ? mislead : i == 3);
        wcscpy(name, item_w(m->handler, i));
        if (fuzz_one_in(r, 4)) lower(name);
        write_garbage(HKEY_CURRENT_USER, 0, path, name, &garbage);
        items[i] = garbage_dword(&garbage, &value) ? value != 0 : -1;
    }
    if (fuzz_one_in(r, 2))
    {
        make_dword(r, &garbage, 1);
        write_garbage(HKEY_CURRENT_USER, 0, path, item_w(m->handler, GONE_ITEM), &garbage);
        /* What it replaces, when a seed fuzzes the same key twice, counts no more. */
        *gone_kind = garbage.kind;
        if (other) *other = garbage_dword(&garbage, &value) && value;
    }
    if (fuzz_one_in(r, 2))
    {
        make_bad_name(r, item_w(m->handler, 1), name, ARRAY_SIZE(name) - 1);
        make_dword(r, &garbage, 1);
        write_garbage(HKEY_CURRENT_USER, 0, path, name, &garbage);
    }
}

/* The check states (HKCU\Software\mobsync\Items\{HANDLER}). */
static void fuzz_items(struct fuzz_random *r, struct model *m)
{
    DWORD gone_kind = m->gone_item ? GARBAGE_VALUE : GARBAGE_NONE;
    WCHAR path[128];

    if (fuzz_one_in(r, 8))
    {
        /* A value where the handler's key belongs. */
        make_dword(r, &garbage, 0);
        write_garbage(HKEY_CURRENT_USER, 0, MOBSYNC_ITEMS_KEY, handler_w(m->handler), &garbage);
        return;
    }
    swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_ITEMS_KEY, handler_w(m->handler));
    create_key(HKEY_CURRENT_USER, 0, path);
    fuzz_item_values(r, m, path, m->item, NULL, &gone_kind, 0);
    m->gone_item = gone_kind == GARBAGE_VALUE;
}

static void fuzz_settings_value(struct fuzz_random *r, const WCHAR *name, DWORD mislead, DWORD *value)
{
    DWORD number;

    make_dword(r, &garbage, mislead);
    write_garbage(HKEY_CURRENT_USER, 0, MOBSYNC_SETTINGS_KEY, name, &garbage);
    if (garbage_dword(&garbage, &number)) *value = number;
}

static void fuzz_headless(struct fuzz_random *r, struct model *m)
{
    fuzz_settings_value(r, L"Headless", 1, &m->headless);
}

/* InvokeTimeout: one that is valid but so short that the slow handler could
 * not finish is made longer. */
static void fuzz_invoke_timeout(struct fuzz_random *r, struct model *m)
{
    DWORD value;

    make_dword(r, &garbage, 1);
    if (garbage_dword(&garbage, &value) && value && value < 5)
    {
        value += 5;
        memcpy(garbage.data, &value, sizeof(value));
    }
    write_garbage(HKEY_CURRENT_USER, 0, MOBSYNC_SETTINGS_KEY, L"InvokeTimeout", &garbage);
    if (garbage_dword(&garbage, &value) && value && value <= 7 * 24 * 3600) m->invoke_timeout = value;
}

static void fuzz_keep_level(struct fuzz_random *r, struct model *m)
{
    DWORD value;

    make_dword(r, &garbage, 4);
    write_garbage(HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY, SYNCMGR_KEY, L"KeepProgressLevel", &garbage);
    if (garbage_dword(&garbage, &value) && value >= 1 && value <= 4) m->keep_level = value;
}

/* Enabled, Ask, the idle times; a value where an event's key belongs. */
static void fuzz_event_values(struct fuzz_random *r, struct model *m)
{
    unsigned int count = 1 + fuzz_below(r, 3), e;
    WCHAR path[128];

    while (count--)
    {
        e = fuzz_below(r, EVENT_COUNT);
        swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_EVENTS_KEY, event_names[e]);
        switch (fuzz_below(r, 9))
        {
        case 0:
        case 1:
        case 2:
            make_dword(r, &garbage, 0);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"Enabled", &garbage);
            if (!garbage_dword(&garbage, &m->enabled[e])) m->enabled[e] = 1;
            break;
        case 3:
            e = fuzz_below(r, 2);
            swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_EVENTS_KEY, event_names[e]);
            make_dword(r, &garbage, 1);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"Ask", &garbage);
            if (!garbage_dword(&garbage, &m->ask[e])) m->ask[e] = 0;
            break;
        case 4:
            swprintf(path, ARRAY_SIZE(path), L"%ls\\Idle", MOBSYNC_EVENTS_KEY);
            make_dword(r, &garbage, 0);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"WaitMinutes", &garbage);
            if (!garbage_dword(&garbage, &m->wait_minutes)) m->wait_minutes = 15;
            break;
        case 5:
            swprintf(path, ARRAY_SIZE(path), L"%ls\\Idle", MOBSYNC_EVENTS_KEY);
            make_dword(r, &garbage, 0);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"RepeatMinutes", &garbage);
            if (!garbage_dword(&garbage, &m->repeat_minutes)) m->repeat_minutes = 60;
            break;
        case 6:
            swprintf(path, ARRAY_SIZE(path), L"%ls\\Idle", MOBSYNC_EVENTS_KEY);
            make_dword(r, &garbage, 0);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"PreventOnBattery", &garbage);
            if (!garbage_dword(&garbage, &m->prevent_on_battery)) m->prevent_on_battery = 1;
            break;
        case 7:
            /* Values where the keys belong: no key, the defaults. */
            make_dword(r, &garbage, 0);
            if (garbage.kind == GARBAGE_KEY) break;
            write_garbage(HKEY_CURRENT_USER, 0, MOBSYNC_EVENTS_KEY, event_names[e], &garbage);
            break;
        default:
            make_dword(r, &garbage, 0);
            if (garbage.kind == GARBAGE_KEY) break;
            write_garbage(HKEY_CURRENT_USER, 0, MOBSYNC_SETTINGS_KEY, L"Events", &garbage);
            break;
        }
    }
}

/* What an event chose of the handler's items. */
static void fuzz_event_items(struct fuzz_random *r, struct model *m)
{
    unsigned int e = fuzz_below(r, EVENT_COUNT);
    struct choice *choice = &m->events[e];
    DWORD gone_kind = GARBAGE_NONE;
    WCHAR path[128];

    swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_EVENTS_KEY, event_names[e]);
    if (fuzz_one_in(r, 8))
    {
        make_dword(r, &garbage, 1);
        if (garbage.kind == GARBAGE_KEY) garbage.kind = GARBAGE_NONE;
        write_garbage(HKEY_CURRENT_USER, 0, path, handler_w(m->handler), &garbage);
        return;
    }
    swprintf(path + wcslen(path), ARRAY_SIZE(path) - wcslen(path), L"\\%ls", handler_w(m->handler));
    create_key(HKEY_CURRENT_USER, 0, path);
    choice->key = TRUE;
    fuzz_item_values(r, m, path, choice->item, &choice->other, &gone_kind, 1);
}

/* A schedule's name: valid ones (up to 64 characters) and those that are
 * not, at most 255 characters (the longest a key's name can be). Never a
 * backslash: it would name a key below. */
static void make_schedule_name(struct fuzz_random *r, WCHAR *name)
{
    static const WCHAR * const names[] =
    {
        L"nightly", L"a", L"two words", L" spaces ", L"say \"hi\"", L"caf\x00e9", L"%1!s! %s",
        L"\x65e5\x66dc",
    };
    unsigned int len, i;

    switch (fuzz_below(r, 4))
    {
    case 0:
    case 1:
        wcscpy(name, names[fuzz_below(r, ARRAY_SIZE(names))]);
        break;
    default:
        len = fuzz_one_in(r, 2) ? 63 + fuzz_below(r, 4) : 66 + fuzz_below(r, 190);
        for (i = 0; i < len; i++) name[i] = 'A' + (i + len) % 26;
        name[len] = 0;
        break;
    }
}

static BOOL schedule_name_valid(const WCHAR *name)
{
    return name[0] && wcslen(name) <= 64 && !wcschr(name, '\\');
}

/* Schedules: their names, their values, their items. */
static void fuzz_schedules(struct fuzz_random *r, struct model *m)
{
    unsigned int count = 1 + fuzz_below(r, MAX_SCHEDULES), i, j;
    WCHAR path[512], items[600];
    DWORD gone_kind = GARBAGE_NONE;
    ULONGLONG start;
    HKEY key;

    /* Called a second time for a seed, it adds to those of the first. */
    for (i = 0; i < count && m->schedule_count < MAX_SCHEDULES; i++)
    {
        struct schedule *s = &m->schedules[m->schedule_count];

        make_schedule_name(r, s->name);
        for (j = 0; j < m->schedule_count; j++) if (!wcsicmp(s->name, m->schedules[j].name)) break;
        if (j < m->schedule_count) continue;
        m->schedule_count++;
        init_choice(&s->choice);
        s->valid = schedule_name_valid(s->name);
        if (fuzz_one_in(r, 8))
        {
            /* A value where the schedule's key belongs. */
            make_dword(r, &garbage, 1);
            if (garbage.kind == GARBAGE_KEY) garbage.kind = GARBAGE_NONE;
            write_garbage(HKEY_CURRENT_USER, 0, MOBSYNC_SCHEDULES_KEY, s->name, &garbage);
            continue;
        }
        swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_SCHEDULES_KEY, s->name);
        create_key(HKEY_CURRENT_USER, 0, path);
        s->key = TRUE;
        if (fuzz_one_in(r, 2))
        {
            make_qword(r, &garbage, now() - TICKS_PER_HOUR);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"Start", &garbage);
        }
        else if (fuzz_one_in(r, 2) && !RegOpenKeyExW(HKEY_CURRENT_USER, path, 0, KEY_SET_VALUE, &key))
        {
            start = now() + TICKS_PER_HOUR;
            RegSetValueExW(key, L"Start", 0, REG_QWORD, (BYTE *)&start, sizeof(start));
            RegCloseKey(key);
        }
        if (fuzz_one_in(r, 2))
        {
            make_dword(r, &garbage, 1);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"Recurrence", &garbage);
        }
        if (fuzz_one_in(r, 2))
        {
            make_dword(r, &garbage, 2);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"Days", &garbage);
        }
        if (fuzz_one_in(r, 2))
        {
            make_qword(r, &garbage, 0);
            write_garbage(HKEY_CURRENT_USER, 0, path, L"LastRun", &garbage);
        }
        if (fuzz_one_in(r, 4)) continue;
        swprintf(items, ARRAY_SIZE(items), L"%ls\\%ls", path, handler_w(m->handler));
        create_key(HKEY_CURRENT_USER, 0, items);
        s->choice.key = TRUE;
        fuzz_item_values(r, m, items, s->choice.item, &s->choice.other, &gone_kind, 1);
    }
}

/* The values that make a prefix start run mobsync /logon: ours, in another
 * case, another program's, as garbage. */
static void fuzz_autorun(struct fuzz_random *r, struct model *m)
{
    WCHAR text[MAX_PATH];
    unsigned int i;

    for (i = 0; i < 2; i++)
    {
        if (fuzz_one_in(r, 3)) continue;
        switch (fuzz_below(r, 3))
        {
        case 0: wcscpy(text, run_commands[i]); break;
        case 1: wcscpy(text, run_commands[i]); _wcsupr(text); break;
        default: wcscpy(text, L"other.exe /logon"); break;
        }
        make_string(r, &garbage, text);
        write_garbage(HKEY_LOCAL_MACHINE, KEY_WOW64_64KEY, roots[ROOT_RUN_FIRST + i].path, MOBSYNC_RUN_VALUE,
                      &garbage);
    }
}

/* --- the readers ------------------------------------------------------------- */

static const char *handler_args(const struct model *m)
{
    return wine_dbg_sprintf("/handler:%s", handler_str(m->handler));
}

/* A handler whose DLL cannot be found is reported and fails the run. */
static BOOL not_loaded(const struct model *m)
{
    char prefix[64];

    if (!m->may_not_load) return FALSE;
    sprintf(prefix, "error\t%s\t-\t", handler_str(m->handler));
    if (exit_code == 1 && find_line(prefix)) return TRUE;
    sprintf(prefix, "%s\t-\terror\t", handler_str(m->handler));
    return exit_code == 1 && find_line(prefix);
}

/* The result lines of the chosen items, and the summary; exit code 0. */
static void check_results(const struct model *m, const BOOL *chosen, const char *what)
{
    unsigned int i, count = 0;
    char summary[64];

    if (not_loaded(m)) return;
    ok(exit_code == 0, "%s: exit code %lu:\n%s", what, exit_code, output);
    for (i = 1; i <= m->item_count; i++)
    {
        ok(has_line(result_line("succeeded", m->handler, i)) == chosen[i], "%s: item %u %s:\n%s", what, i,
           chosen[i] ? "not synchronized" : "synchronized", output);
        count += chosen[i];
    }
    sprintf(summary, "%u succeeded, 0 failed, 0 skipped", count);
    ok(!strcmp(last_line(), summary), "%s: last line \"%s\", expected \"%s\".\n", what, last_line(), summary);
}

static BOOL value_exists(HKEY hkey, const WCHAR *path, const WCHAR *name)
{
    LSTATUS ret;
    HKEY key;

    if (RegOpenKeyExW(hkey, path, 0, KEY_QUERY_VALUE, &key)) return FALSE;
    ret = RegQueryValueExW(key, name, NULL, NULL, NULL, NULL);
    RegCloseKey(key);
    return !ret;
}

/* After a complete enumeration the value of an item the handler does not
 * have is dropped (docs/registry.md). */
static void check_gone_item(const struct model *m)
{
    WCHAR path[128];

    if (!m->gone_item || not_loaded(m)) return;
    swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_ITEMS_KEY, handler_w(m->handler));
    ok(!value_exists(HKEY_CURRENT_USER, path, item_w(m->handler, GONE_ITEM)),
       "the value of item %u, which the handler does not have, is still there.\n", GONE_ITEM);
}

static void read_sync(const struct model *m)
{
    BOOL chosen[MAX_ITEMS + 1] = { 0 };
    unsigned int i;

    if (!run_mobsync(wine_dbg_sprintf("/sync %s", handler_args(m)))) return;
    for (i = 1; i <= m->item_count; i++) chosen[i] = item_checked(m, i);
    check_results(m, chosen, "/sync");
    check_gone_item(m);
}

/* /list, of the handler only or of every one registered. */
static void read_list(const struct model *m, BOOL all)
{
    unsigned int i;

    if (!run_mobsync(all ? "/list" : wine_dbg_sprintf("/list %s", handler_args(m)))) return;
    if (not_loaded(m)) return;
    ok(all ? exit_code <= 1 : !exit_code, "/list: exit code %lu:\n%s", exit_code, output);
    for (i = 1; i <= m->item_count; i++)
    {
        sprintf(line, "%s\t%s\t%s\tTest handler %02x\tItem %u", handler_str(m->handler), item_str(m->handler, i),
                item_checked(m, i) ? "checked" : "unchecked", m->handler, i);
        ok(has_line(line), "/list: no line \"%s\":\n%s", line, output);
    }
    check_gone_item(m);
}

/* A process that parent started: its parent's ID, and made after it (IDs
 * are used again: explorer.exe's parent ended long ago). NULL otherwise. */
static HANDLE open_child(const PROCESSENTRY32 *entry, DWORD parent, const FILETIME *parent_made)
{
    FILETIME made, exited, kernel, user;
    HANDLE process;

    if (entry->th32ParentProcessID != parent) return NULL;
    if (!(process = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_INFORMATION, FALSE, entry->th32ProcessID)))
        return NULL;
    if (GetProcessTimes(process, &made, &exited, &kernel, &user) && CompareFileTime(&made, parent_made) >= 0)
        return process;
    CloseHandle(process);
    return NULL;
}

/* When the process was made, for open_child. */
static void process_made(HANDLE process, FILETIME *made)
{
    FILETIME exited, kernel, user;

    if (!GetProcessTimes(process, made, &exited, &kernel, &user)) memset(made, 0, sizeof(*made));
}

/* Waits for the processes the agent started (its scheduled runs): they
 * use the handler this test is about to take away. */
static unsigned int wait_for_children(DWORD pid, const FILETIME *made)
{
    PROCESSENTRY32 entry = { sizeof(entry) };
    unsigned int count = 0;
    HANDLE snapshot, process;
    BOOL more;

    snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE) return 0;
    for (more = Process32First(snapshot, &entry); more; more = Process32Next(snapshot, &entry))
    {
        if (!(process = open_child(&entry, pid, made))) continue;
        ok(!WaitForSingleObject(process, 60000), "a run the agent started did not end.\n");
        CloseHandle(process);
        count++;
    }
    CloseHandle(snapshot);
    return count;
}

/* An agent that a /logon started although the settings did not need one:
 * reported, and stopped, so that it does not run into the seeds after. */
static void stop_agents_started_by(DWORD pid, const FILETIME *made)
{
    static char said[sizeof(output)];
    PROCESSENTRY32 entry = { sizeof(entry) };
    HANDLE snapshot, process;
    DWORD start, owner, code;
    HWND window;
    BOOL more;

    snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE) return;
    for (more = Process32First(snapshot, &entry); more; more = Process32Next(snapshot, &entry))
    {
        if (!(process = open_child(&entry, pid, made))) continue;
        ok(0, "/logon started a process (an agent?) the settings do not need.\n");
        for (start = GetTickCount(); GetTickCount() - start < 20000; pump(20))
        {
            if (!WaitForSingleObject(process, 0)) break;
            if ((window = FindWindowW(AGENT_CLASS, NULL)) && GetWindowThreadProcessId(window, &owner)
                    && owner == entry.th32ProcessID)
            {
                /* What /logon said is still to be read. */
                strcpy(said, output);
                code = exit_code;
                control("/agent:stop");
                strcpy(output, said);
                exit_code = code;
                break;
            }
        }
        WaitForSingleObject(process, 20000);
        CloseHandle(process);
    }
    CloseHandle(snapshot);
}

/* /logon, /logoff or /idle, headless: what the event chose, or one line.
 * Without /handler:, which would report the handler as not registered when
 * the event does not load it: the handlers are this test's only where no
 * other is registered. */
static void read_event(const struct model *m, unsigned int e)
{
    const struct choice *choice = &m->events[e];
    BOOL chosen[MAX_ITEMS + 1] = { 0 };
    struct mobsync_run run;
    unsigned int i;
    FILETIME made;
    DWORD pid;

    DeleteFileA(log_path);
    if (!start_mobsync(event_switches[e], &run)) return;
    pid = GetProcessId(run.process);
    process_made(run.process, &made);
    finish_mobsync(&run);
    if (e == LOGON) stop_agents_started_by(pid, &made);
    if (foreign)
    {
        ok(exit_code <= 1, "%s: exit code %lu:\n%s", event_switches[e], exit_code, output);
        return;
    }
    if (!m->enabled[e])
    {
        sprintf(line, "mobsync: synchronizing for %s is turned off in Synchronization Settings", event_switches[e]);
        ok(output_is_line(line) && !exit_code, "%s: exit code %lu:\n%s", event_switches[e], exit_code, output);
        return;
    }
    if (!(m->exe_flags & event_flags[e]) || !choice_loads(m, choice, TRUE))
    {
        sprintf(line, "mobsync: nothing is chosen to synchronize for %s", event_switches[e]);
        ok(output_is_line(line) && !exit_code, "%s: exit code %lu:\n%s", event_switches[e], exit_code, output);
        return;
    }
    for (i = 1; i <= m->item_count; i++) chosen[i] = choice_chosen(choice, i, TRUE);
    check_results(m, chosen, event_switches[e]);
}

/* A name a command line carries as it is. */
static BOOL plain_name(const WCHAR *name)
{
    for (; *name; name++) if (*name == '"' || *name >= 0x80) return FALSE;
    return TRUE;
}

/* /schedule:NAME for one of the schedules written, or for one not there. */
static void read_schedule(struct fuzz_random *r, const struct model *m)
{
    unsigned int index = fuzz_below(r, m->schedule_count + 1), i;
    const struct schedule *s = index < m->schedule_count ? &m->schedules[index] : NULL;
    BOOL chosen[MAX_ITEMS + 1] = { 0 };
    char name[300], what[320], args[320];

    if (s && !plain_name(s->name)) s = NULL;
    if (s) WideCharToMultiByte(CP_ACP, 0, s->name, -1, name, sizeof(name), NULL, NULL);
    else strcpy(name, "not there");
    sprintf(what, "/schedule:%s", name);
    sprintf(args, "\"%s\"", what);
    if (!run_mobsync(args)) return;
    if (!s || !s->key || !s->valid)
    {
        sprintf(line, "mobsync: there is no schedule named %s", name);
        ok(output_is_line(line) && exit_code == 2, "%s: exit code %lu:\n%s", what, exit_code, output);
        return;
    }
    if (foreign)
    {
        ok(exit_code <= 1, "%s: exit code %lu:\n%s", what, exit_code, output);
        return;
    }
    if (!choice_loads(m, &s->choice, FALSE))
    {
        sprintf(line, "mobsync: nothing is chosen to synchronize for %s", what);
        ok(output_is_line(line) && !exit_code, "%s: exit code %lu:\n%s", what, exit_code, output);
        return;
    }
    for (i = 1; i <= m->item_count; i++) chosen[i] = choice_chosen(&s->choice, i, FALSE);
    check_results(m, chosen, what);
}

/* The values of a prefix start after /autorun (docs/events.md): written
 * where missing when something is set up, removed where they hold our own
 * command when nothing is, anything else left alone. */
static void read_autorun(const struct model *m, const struct snapshot *before)
{
    BOOL needed = (m->exe_flags & SYNCMGRREGISTERFLAG_CONNECT) != 0;
    const struct entry *was, *is;
    struct snapshot after;
    struct entry probe;
    unsigned int i;
    WCHAR text[260];

    if (!run_mobsync("/autorun")) return;
    ok(!exit_code, "/autorun: exit code %lu:\n%s", exit_code, output);
    if (foreign) return;
    ok(strstr(output, needed ? "a prefix start runs mobsync /logon" : "a prefix start runs no mobsync") != NULL,
       "/autorun said %s", output);
    take_snapshot(&after);
    for (i = 0; i < 2; i++)
    {
        memset(&probe, 0, sizeof(probe));
        probe.root = ROOT_RUN_FIRST + i;
        probe.path = (WCHAR *)L"";
        probe.name = (WCHAR *)MOBSYNC_RUN_VALUE;
        was = find_entry(before, &probe);
        is = find_entry(&after, &probe);
        if (!was && needed)
        {
            ok(is && is->type == REG_SZ && is->size == (wcslen(run_commands[i]) + 1) * sizeof(WCHAR)
               && !memcmp(is->data, run_commands[i], is->size), "%s: not written: %s.\n",
               wine_dbgstr_w(roots[probe.root].path), describe(is));
            continue;
        }
        /* Whole characters: the half of one at an odd size is not read. */
        memset(text, 0, sizeof(text));
        if (was && was->type == REG_SZ && was->size <= sizeof(text) - sizeof(WCHAR))
            memcpy(text, was->data, was->size & ~1);
        if (was && !needed && was->type == REG_SZ && was->size <= sizeof(text) - sizeof(WCHAR)
                && !wcsicmp(text, run_commands[i]))
        {
            ok(!is, "%s: ours, not removed: %s.\n", wine_dbgstr_w(roots[probe.root].path), describe(is));
            continue;
        }
        ok(!was == !is && (!was || same_entry(was, is)), "%s: was %s, is %s.\n",
           wine_dbgstr_w(roots[probe.root].path), describe(was), describe(is));
    }
    snapshot_free(&after);
}

/* Waits, at most 20 s, for the process's window with this title (shown,
 * with the status control hidden) or for the process to end. */
static HWND wait_for_window_or_end(HANDLE process, const WCHAR *title, int status)
{
    DWORD start = GetTickCount(), pid = GetProcessId(process);
    HWND window;

    do
    {
        if ((window = window_of(pid, title)) && IsWindowVisible(window)
                && (!status || !IsWindowVisible(GetDlgItem(window, status))))
            return window;
        if (!WaitForSingleObject(process, 0)) return NULL;
        pump(20);
    } while (GetTickCount() - start < 20000);
    return NULL;
}

static int box(HWND dialog, int id, int row)
{
    return (SendDlgItemMessageW(dialog, id, LVM_GETITEMSTATE, row, LVIS_STATEIMAGEMASK) & LVIS_STATEIMAGEMASK) >> 12;
}

static BOOL button_checked(HWND dialog, int id)
{
    return SendDlgItemMessageW(dialog, id, BM_GETCHECK, 0, 0) == BST_CHECKED;
}

static BOOL button_says(HWND dialog, int id, const char *text)
{
    char buffer[64];

    GetDlgItemTextA(dialog, id, buffer, sizeof(buffer));
    return !strcmp(buffer, text);
}

/* Plain mobsync, windows allowed: with Headless set, what /sync does;
 * otherwise Items to Synchronize with the check states, then Synchronizing,
 * which stays open once done only as KeepProgressLevel says (the handler
 * reports information only: level 4). */
static void read_choice(const struct model *m)
{
    BOOL chosen[MAX_ITEMS + 1] = { 0 }, any = FALSE, started;
    struct mobsync_run run;
    HWND dialog, progress;
    unsigned int i;
    DWORD start;

    for (i = 1; i <= m->item_count; i++) any |= chosen[i] = item_checked(m, i);
    SetEnvironmentVariableA("MOBSYNC_HEADLESS", NULL);
    started = start_mobsync(handler_args(m), &run);
    SetEnvironmentVariableA("MOBSYNC_HEADLESS", "1");
    if (!started) return;
    dialog = wait_for_window_or_end(run.process, choice_title, IDC_CHOICE_STATUS);
    if (m->headless)
    {
        ok(!dialog, "Headless %#lx: a window.\n", m->headless);
        if (dialog) SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
        finish_mobsync(&run);
        if (!dialog) check_results(m, chosen, "headless mobsync");
        return;
    }
    ok(dialog != NULL, "no %s.\n", wine_dbgstr_w(choice_title));
    if (!dialog)
    {
        TerminateProcess(run.process, 1);
        finish_mobsync(&run);
        return;
    }
    for (i = 1; i <= m->item_count; i++)
        ok(box(dialog, IDC_CHOICE_LIST, i) == (chosen[i] ? 2 : 1), "item %u: box %d.\n", i,
           box(dialog, IDC_CHOICE_LIST, i));
    if (!any)
    {
        SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
        finish_mobsync(&run);
        ok(!exit_code, "exit code %lu.\n", exit_code);
        return;
    }
    SendMessageW(GetDlgItem(dialog, IDC_CHOICE_SYNC), BM_CLICK, 0, 0);
    progress = wait_for_window_or_end(run.process, L"Synchronizing", 0);
    if (m->keep_level == 4)
    {
        ok(progress != NULL, "no progress dialog.\n");
        for (start = GetTickCount(); progress && GetTickCount() - start < 20000 && IsWindow(progress); pump(20))
            if (button_says(progress, IDCANCEL, "Close")) break;
        ok(progress && IsWindow(progress), "KeepProgressLevel 4: the progress dialog closed.\n");
        if (progress && IsWindow(progress)) SendMessageW(GetDlgItem(progress, IDCANCEL), BM_CLICK, 0, 0);
    }
    else if (WaitForSingleObject(run.process, 20000))
    {
        ok(0, "KeepProgressLevel %lu: the progress dialog stayed open.\n", m->keep_level);
        if (progress && IsWindow(progress)) SendMessageW(GetDlgItem(progress, IDCANCEL), BM_CLICK, 0, 0);
    }
    finish_mobsync(&run);
    ok(!exit_code, "exit code %lu:\n%s", exit_code, output);
}

/* Synchronization Settings shows the store as docs/registry.md reads it;
 * Cancel writes nothing. */
static void read_setup(const struct model *m, BOOL advanced)
{
    BOOL logon = (m->exe_flags & (SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT)) != 0;
    BOOL idle = (m->exe_flags & SYNCMGRREGISTERFLAG_IDLE) != 0;
    const struct choice *logon_choice = &m->events[m->exe_flags & SYNCMGRREGISTERFLAG_CONNECT ? LOGON : LOGOFF];
    unsigned int i, schedules = 0;
    struct mobsync_run run;
    HWND dialog, editor;
    char text[32];
    DWORD pid;

    if (!start_mobsync(wine_dbg_sprintf("/setup %s", handler_args(m)), &run)) return;
    pid = GetProcessId(run.process);
    dialog = wait_for_window(pid, setup_title, IDC_SETUP_STATUS);
    ok(dialog != NULL, "no Synchronization Settings.\n");
    if (!dialog)
    {
        TerminateProcess(run.process, 1);
        finish_mobsync(&run);
        return;
    }
    ok(button_checked(dialog, IDC_SETUP_LOGON) == !!m->enabled[LOGON], "logon: %d, Enabled %#lx.\n",
       button_checked(dialog, IDC_SETUP_LOGON), m->enabled[LOGON]);
    ok(button_checked(dialog, IDC_SETUP_LOGOFF) == !!m->enabled[LOGOFF], "logoff: %d, Enabled %#lx.\n",
       button_checked(dialog, IDC_SETUP_LOGOFF), m->enabled[LOGOFF]);
    ok(button_checked(dialog, IDC_SETUP_ASK) == (m->ask[LOGON] || m->ask[LOGOFF]), "Ask: %d, Ask %#lx %#lx.\n",
       button_checked(dialog, IDC_SETUP_ASK), m->ask[LOGON], m->ask[LOGOFF]);
    ok(button_checked(dialog, IDC_SETUP_IDLE) == !!m->enabled[IDLE], "idle: %d, Enabled %#lx.\n",
       button_checked(dialog, IDC_SETUP_IDLE), m->enabled[IDLE]);
    if (!m->may_not_load)
    {
        ok(SendDlgItemMessageW(dialog, IDC_SETUP_LOGON_LIST, LVM_GETITEMCOUNT, 0, 0) == (logon ? 4 : 0),
           "%Id logon rows, flags %#lx.\n", SendDlgItemMessageW(dialog, IDC_SETUP_LOGON_LIST, LVM_GETITEMCOUNT, 0, 0),
           m->exe_flags);
        ok(SendDlgItemMessageW(dialog, IDC_SETUP_IDLE_LIST, LVM_GETITEMCOUNT, 0, 0) == (idle ? 4 : 0),
           "%Id idle rows, flags %#lx.\n", SendDlgItemMessageW(dialog, IDC_SETUP_IDLE_LIST, LVM_GETITEMCOUNT, 0, 0),
           m->exe_flags);
        for (i = 1; logon && i <= m->item_count; i++)
            ok(box(dialog, IDC_SETUP_LOGON_LIST, i) == (choice_chosen(logon_choice, i, TRUE) ? 2 : 1),
               "logon item %u: box %d.\n", i, box(dialog, IDC_SETUP_LOGON_LIST, i));
        for (i = 1; idle && i <= m->item_count; i++)
            ok(box(dialog, IDC_SETUP_IDLE_LIST, i) == (choice_chosen(&m->events[IDLE], i, TRUE) ? 2 : 1),
               "idle item %u: box %d.\n", i, box(dialog, IDC_SETUP_IDLE_LIST, i));
    }
    for (i = 0; i < m->schedule_count; i++) schedules += m->schedules[i].key && m->schedules[i].valid;
    ok(SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0) == (LRESULT)schedules,
       "%Id schedules listed, expected %u.\n", SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0),
       schedules);
    if (advanced)
    {
        PostMessageW(GetDlgItem(dialog, IDC_SETUP_ADVANCED), BM_CLICK, 0, 0);
        editor = wait_for_window(pid, L"Idle Settings", 0);
        ok(editor != NULL, "no Idle Settings.\n");
        if (editor)
        {
            GetDlgItemTextA(editor, IDC_IDLE_WAIT, text, sizeof(text));
            ok(strtoul(text, NULL, 10) == m->wait_minutes, "waits \"%s\" minutes, WaitMinutes %lu.\n", text,
               m->wait_minutes);
            ok(button_checked(editor, IDC_IDLE_REPEAT) == !!m->repeat_minutes, "repeats: %d, RepeatMinutes %lu.\n",
               button_checked(editor, IDC_IDLE_REPEAT), m->repeat_minutes);
            SendMessageW(GetDlgItem(editor, IDCANCEL), BM_CLICK, 0, 0);
        }
    }
    SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
    finish_mobsync(&run);
    ok(!exit_code, "exit code %lu:\n%s", exit_code, output);
}

/* What the last scheduled run the agent started printed. */
static void check_schedule_output(void)
{
    char path[MAX_PATH], text[4096];
    DWORD read = 0;
    HANDLE file;

    if (FAILED(SHGetFolderPathA(NULL, CSIDL_LOCAL_APPDATA, NULL, 0, path))) return;
    strcat(path, "\\mobsync\\schedule.txt");
    file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return;
    if (!ReadFile(file, text, sizeof(text) - 1, &read, NULL)) read = 0;
    text[read] = 0;
    CloseHandle(file);
    DeleteFileA(path);
    ok(!strstr(text, "there is no schedule named"), "the agent ran a schedule by a name it cannot find:\n%s", text);
}

/* mobsync /agent: it runs when the settings need it (needed -1: this test
 * cannot tell), ends on /agent:stop, and what it started ends. */
static void read_agent(const struct model *m, int needed)
{
    struct mobsync_run run;
    BOOL ran = FALSE;
    DWORD start, pid, owner, ret;
    HWND window = NULL;
    FILETIME made;
    HANDLE mutex;

    if (!start_mobsync("/agent", &run)) return;
    pid = GetProcessId(run.process);
    process_made(run.process, &made);
    for (start = GetTickCount(); GetTickCount() - start < 20000; pump(20))
    {
        if (!WaitForSingleObject(run.process, 0)) break;
        if ((window = FindWindowW(AGENT_CLASS, NULL)) && GetWindowThreadProcessId(window, &owner)
                && owner == pid)
            break;
        window = NULL;
    }
    if (window)
    {
        ran = TRUE;
        ok(control("/agent:stop") == 0, "/agent:stop exited %lu: %s", exit_code, output);
        finish_mobsync(&run);
    }
    else
    {
        finish_mobsync(&run);
        /* It ran and ended by itself once nothing needed it, or it was not needed. */
        ran = !strstr(output, "the agent is not needed");
    }
    ok(!exit_code, "the agent exited %lu: %s", exit_code, output);
    if (needed >= 0) ok(ran == needed, "the agent %s.\n", ran ? "ran" : "did not run");
    if (wait_for_children(pid, &made)) check_schedule_output();
    /* The mutex may outlive its owner by a moment, never while owned. */
    if ((mutex = OpenMutexW(SYNCHRONIZE, FALSE, AGENT_MUTEX)))
    {
        ret = WaitForSingleObject(mutex, 10000);
        ok(ret == WAIT_OBJECT_0 || ret == WAIT_ABANDONED, "an agent still runs.\n");
        if (ret == WAIT_OBJECT_0 || ret == WAIT_ABANDONED) ReleaseMutex(mutex);
        CloseHandle(mutex);
    }
}

/* A program's UpdateItems: the slow handler (1 s) synchronizes its checked
 * item within InvokeTimeout, the default for garbage. */
static void read_invoke(const struct model *m)
{
    ISyncMgrSynchronizeInvoke *invoke;
    struct call_log log;
    DWORD start;
    CLSID clsid;
    HRESULT hr;

    DeleteFileA(log_path);
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrSynchronizeInvoke,
                          (void **)&invoke);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) return;
    handler_clsid(m->handler, &clsid);
    hr = ISyncMgrSynchronizeInvoke_UpdateItems(invoke, SYNCMGRINVOKE_STARTSYNC, &clsid, 0, NULL);
    ok(hr == S_OK, "UpdateItems got %#lx.\n", hr);
    ISyncMgrSynchronizeInvoke_Release(invoke);
    for (start = GetTickCount(); GetTickCount() - start < 30000; Sleep(50))
    {
        read_calls(m->handler, &log);
        if (log.count && !strcmp(log.calls[log.count - 1], "Destroyed")) break;
    }
    ok(log.count && !strcmp(log.calls[log.count - 1], "Destroyed"), "the handler was not released: %u calls.\n",
       log.count);
    ok(has_call(m->handler, "PrepareForSync items=01") == item_checked(m, 1), "item 1, %schecked: %s.\n",
       item_checked(m, 1) ? "" : "not ", has_call(m->handler, "PrepareForSync") ? "prepared" : "not prepared");
    if (item_checked(m, 1))
        ok(has_call(m->handler, "SynchronizeCompleted"), "not synchronized within %lu s.\n", m->invoke_timeout);
}

/* GetHandlerRegistrationInfo, in this process: the flags of the HKLM
 * registration, 0 for garbage. */
static void check_registration_info(const struct model *m)
{
    ISyncMgrRegister *reg;
    DWORD flags = 0xdeadbeef;
    CLSID clsid;
    HRESULT hr;

    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_ISyncMgrRegister, (void **)&reg);
    ok(hr == S_OK, "CoCreateInstance got %#lx.\n", hr);
    if (FAILED(hr)) return;
    handler_clsid(m->handler, &clsid);
    hr = ISyncMgrRegister_GetHandlerRegistrationInfo(reg, &clsid, &flags);
    ok(hr == S_OK && flags == m->dll_flags, "GetHandlerRegistrationInfo got %#lx, flags %#lx, expected %#lx.\n",
       hr, flags, m->dll_flags);
    ISyncMgrRegister_Release(reg);
}

/* --- regressions: what the seeds found, each in its smallest form ------------ */

static void set_value(HKEY hkey, const WCHAR *path, const WCHAR *name, DWORD type, const void *data, DWORD size)
{
    LSTATUS ret;
    HKEY key;

    if ((ret = RegCreateKeyExW(hkey, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL)))
    {
        ok(0, "cannot create %s: error %ld.\n", wine_dbgstr_w(path), ret);
        return;
    }
    ret = set_raw_value(key, name, type, data, size);
    ok(!ret, "cannot write %s: error %ld.\n", wine_dbgstr_w(name), ret);
    RegCloseKey(key);
}

/* Events\Idle\{HANDLER} holds a REG_DWORD 1 named "junk" and no item's
 * value: nothing is chosen, and /idle says so without loading the handler.
 * mobsync once counted any nonzero REG_DWORD there as an item chosen,
 * loaded the handler and printed "0 succeeded, 0 failed, 0 skipped". */
static void test_event_junk_name(void)
{
    static const DWORD one = 1;
    WCHAR path[128];

    register_handler_ex(TEST_GOOD_SYNC, TEST_DLL, "Apartment", SYNCMGRREGISTERFLAG_IDLE);
    swprintf(path, ARRAY_SIZE(path), L"%ls\\Idle\\%ls", MOBSYNC_EVENTS_KEY, handler_w(TEST_GOOD_SYNC));
    set_value(HKEY_CURRENT_USER, path, L"junk", REG_DWORD, &one, sizeof(one));
    if (run_mobsync("/idle"))
    {
        ok(output_is_line("mobsync: nothing is chosen to synchronize for /idle") && !exit_code,
           "exit code %lu:\n%s", exit_code, output);
        ok(!has_call(TEST_GOOD_SYNC, "Created"), "the handler was loaded.\n");
    }
    restore(&baseline);
}

/* Items\{HANDLER}: a value named by 100 letters, which sorts before the
 * GUIDs, then one for item 9, which the handler does not have: /sync drops
 * item 9's value and keeps the other. mobsync once stopped going through
 * the values at the first name longer than its buffer of 64 characters. */
static void test_prune_long_name(void)
{
    static const DWORD one = 1;
    WCHAR path[128], name[101];
    unsigned int i;

    for (i = 0; i < 100; i++) name[i] = 'a' + i % 26;
    name[100] = 0;
    register_handler(TEST_GOOD_SYNC);
    swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_ITEMS_KEY, handler_w(TEST_GOOD_SYNC));
    set_value(HKEY_CURRENT_USER, path, name, REG_DWORD, &one, sizeof(one));
    set_value(HKEY_CURRENT_USER, path, item_w(TEST_GOOD_SYNC, GONE_ITEM), REG_DWORD, &one, sizeof(one));
    if (run_mobsync(wine_dbg_sprintf("/sync /handler:%s", handler_str(TEST_GOOD_SYNC))))
    {
        ok(!exit_code && !strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "exit code %lu:\n%s",
           exit_code, output);
        ok(!value_exists(HKEY_CURRENT_USER, path, item_w(TEST_GOOD_SYNC, GONE_ITEM)),
           "the value of item %u, which the handler does not have, is still there.\n", GONE_ITEM);
        ok(value_exists(HKEY_CURRENT_USER, path, name), "the value with the long name is gone.\n");
    }
    restore(&baseline);
}

/* Schedules "nightly" and one named by 100 letters, which sorts after it:
 * Synchronization Settings lists "nightly", once. mobsync once read the
 * long name into its buffer of 66 characters, failed, and took the name it
 * had read before for it: "nightly" twice (and the agent ran it twice). */
static void test_schedule_long_name(void)
{
    static const DWORD daily = 1;
    WCHAR path[256], name[101];
    struct mobsync_run run;
    unsigned int i;
    HWND dialog;

    for (i = 0; i < 100; i++) name[i] = 'z';
    name[100] = 0;
    swprintf(path, ARRAY_SIZE(path), L"%ls\\nightly", MOBSYNC_SCHEDULES_KEY);
    set_value(HKEY_CURRENT_USER, path, L"Recurrence", REG_DWORD, &daily, sizeof(daily));
    swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls", MOBSYNC_SCHEDULES_KEY, name);
    set_value(HKEY_CURRENT_USER, path, L"Recurrence", REG_DWORD, &daily, sizeof(daily));
    register_handler(TEST_GOOD_SYNC);
    if (start_mobsync(wine_dbg_sprintf("/setup /handler:%s", handler_str(TEST_GOOD_SYNC)), &run))
    {
        dialog = wait_for_window(GetProcessId(run.process), setup_title, IDC_SETUP_STATUS);
        ok(dialog != NULL, "no Synchronization Settings.\n");
        if (dialog)
        {
            ok(SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0) == 1, "%Id schedules listed.\n",
               SendDlgItemMessageW(dialog, IDC_SETUP_SCHEDULES, LVM_GETITEMCOUNT, 0, 0));
            SendMessageW(GetDlgItem(dialog, IDCANCEL), BM_CLICK, 0, 0);
        }
        else TerminateProcess(run.process, 1);
        finish_mobsync(&run);
    }
    restore(&baseline);
}

/* A schedule with an item chosen, no Start, a Recurrence of text and Days
 * of bytes, as a hand may write them: the agent gives it a Start and a
 * LastRun (docs/events.md) and leaves Recurrence and Days as they were.
 * It once wrote all four, Recurrence 0 and Days 1 as REG_DWORDs. */
static void test_agent_start(void)
{
    static const WCHAR recurrence[] = L"daily";
    static const BYTE days[] = { 7, 0 };
    static const DWORD one = 1;
    struct snapshot before, after;
    struct allow allow = { TEST_GOOD_SYNC, TRUE };
    struct mobsync_run run;
    DWORD type, size, pid;
    WCHAR path[256];
    ULONGLONG start;
    FILETIME made;
    HKEY key;

    register_handler(TEST_GOOD_SYNC);
    swprintf(path, ARRAY_SIZE(path), L"%ls\\once\\%ls", MOBSYNC_SCHEDULES_KEY, handler_w(TEST_GOOD_SYNC));
    set_value(HKEY_CURRENT_USER, path, item_w(TEST_GOOD_SYNC, 1), REG_DWORD, &one, sizeof(one));
    swprintf(path, ARRAY_SIZE(path), L"%ls\\once", MOBSYNC_SCHEDULES_KEY);
    set_value(HKEY_CURRENT_USER, path, L"Recurrence", REG_SZ, recurrence, sizeof(recurrence));
    set_value(HKEY_CURRENT_USER, path, L"Days", REG_BINARY, days, sizeof(days));
    take_snapshot(&before);
    if (start_mobsync("/agent", &run))
    {
        pid = GetProcessId(run.process);
        process_made(run.process, &made);
        /* Once its Start is written the schedule is not due: nothing needs
         * the agent, and it ends by itself. */
        ok(!WaitForSingleObject(run.process, 20000), "the agent did not end.\n");
        if (WaitForSingleObject(run.process, 0)) control("/agent:stop");
        finish_mobsync(&run);
        ok(!exit_code, "the agent exited %lu: %s", exit_code, output);
        wait_for_children(pid, &made);
    }
    size = sizeof(start);
    ok(!RegOpenKeyExW(HKEY_CURRENT_USER, path, 0, KEY_QUERY_VALUE, &key), "the schedule is gone.\n");
    ok(!RegQueryValueExW(key, L"Start", NULL, &type, (BYTE *)&start, &size) && type == REG_QWORD
       && size == sizeof(start), "no Start was written.\n");
    RegCloseKey(key);
    take_snapshot(&after);
    compare(&before, &after, &allow);
    snapshot_free(&after);
    snapshot_free(&before);
    restore(&baseline);
}

/* ThreadingModel, a REG_SZ of no bytes at all, as COM reads it: the
 * handler synchronizes. mobsync.exe compared what its buffer held before
 * the read with "Single"; no symptom of that could be made to show here,
 * so this case passed before too. */
static void test_threading_model_empty(void)
{
    WCHAR path[128];

    register_handler(TEST_GOOD_SYNC);
    swprintf(path, ARRAY_SIZE(path), L"Software\\Classes\\CLSID\\%ls\\InprocServer32", handler_w(TEST_GOOD_SYNC));
    set_value(HKEY_LOCAL_MACHINE, path, L"ThreadingModel", REG_SZ, L"", 0);
    if (run_mobsync(wine_dbg_sprintf("/sync /handler:%s", handler_str(TEST_GOOD_SYNC))))
        ok(!exit_code && !strcmp(last_line(), "2 succeeded, 0 failed, 0 skipped"), "exit code %lu:\n%s",
           exit_code, output);
    restore(&baseline);
}

/* What was there before this test that says what the agent and /autorun
 * have to do: a handler registered, a setting. */
static BOOL is_foreign(const struct entry *entry)
{
    switch (entry->root)
    {
    case ROOT_SETTINGS: return entry->path[0] || entry->name;
    case ROOT_USER_HANDLERS: return entry->path[0] != 0;
    case ROOT_SYNCMGR_64:
    case ROOT_SYNCMGR_32: return !wcsnicmp(entry->path, L"Handlers\\", 9);
    default: return FALSE;
    }
}

/* --- the seeds ----------------------------------------------------------------- */

enum target
{
    T_REGISTER_FLAGS,
    T_HANDLER_NAMES,
    T_INPROC_SERVER,
    T_ITEMS,
    T_EVENT_VALUES,
    T_EVENT_ITEMS,
    T_SCHEDULES,
    T_AUTORUN,
    T_HEADLESS,
    T_KEEP_LEVEL,
    T_INVOKE_TIMEOUT,
};

static void (* const fuzzers[])(struct fuzz_random *, struct model *) =
{
    fuzz_register_flags, fuzz_handler_names, fuzz_inproc_server, fuzz_items, fuzz_event_values,
    fuzz_event_items, fuzz_schedules, fuzz_autorun, fuzz_headless, fuzz_keep_level, fuzz_invoke_timeout,
};

/* Most seeds run one mobsync.exe that exits by itself, a quarter of a
 * second here. Of every 32, one opens a dialog (four seconds), two run the
 * agent, one asks through UpdateItems (a second or so each); the first 12,
 * which make check runs, have one of each. */
enum seed_kind { SEED_PLAIN, SEED_DIALOG, SEED_AGENT, SEED_INVOKE };

static enum seed_kind seed_kind(unsigned int seed)
{
    switch (seed % 32)
    {
    case 5: return SEED_DIALOG;
    case 10:
    case 26: return SEED_AGENT;
    case 11: return SEED_INVOKE;
    default: return SEED_PLAIN;
    }
}

static void fuzz_seed(unsigned int seed)
{
    static const enum target plain_targets[] =
    {
        T_REGISTER_FLAGS, T_HANDLER_NAMES, T_INPROC_SERVER, T_ITEMS, T_EVENT_VALUES, T_EVENT_ITEMS,
        T_SCHEDULES, T_AUTORUN,
    };
    static const enum target more_targets[] =
    {
        T_REGISTER_FLAGS, T_HANDLER_NAMES, T_ITEMS, T_EVENT_VALUES, T_EVENT_ITEMS, T_SCHEDULES,
    };
    static const enum target settings_targets[] =
    {
        T_REGISTER_FLAGS, T_EVENT_VALUES, T_EVENT_ITEMS, T_SCHEDULES,
    };
    static const enum target choice_targets[] = { T_HEADLESS, T_KEEP_LEVEL, T_ITEMS };
    enum seed_kind kind = seed_kind(seed);
    DWORD start = GetTickCount();
    struct snapshot before, after;
    struct allow allow = { 0 };
    struct fuzz_random r;
    enum target target;
    BOOL setup = FALSE;
    struct model m;
    DWORD flags;
    int e;

    winetest_push_context("seed %u", seed);
    fuzz_random_init(&r, seed, FUZZ_REGISTRY);
    flags = fuzz_one_in(&r, 3) ? fuzz_below(&r, EVENT_FLAGS + 1) : EVENT_FLAGS;
    switch (kind)
    {
    case SEED_DIALOG:
        setup = fuzz_one_in(&r, 2);
        target = setup ? settings_targets[fuzz_below(&r, ARRAY_SIZE(settings_targets))]
                       : choice_targets[fuzz_below(&r, ARRAY_SIZE(choice_targets))];
        break;
    case SEED_AGENT:
        target = settings_targets[fuzz_below(&r, ARRAY_SIZE(settings_targets))];
        break;
    case SEED_INVOKE:
        target = T_INVOKE_TIMEOUT;
        break;
    default:
        target = plain_targets[fuzz_below(&r, ARRAY_SIZE(plain_targets))];
        /* /autorun tells set up from not by logon only here. */
        if (target == T_AUTORUN) flags = fuzz_one_in(&r, 2) ? SYNCMGRREGISTERFLAG_CONNECT : 0;
        break;
    }
    init_model(&m, kind == SEED_INVOKE ? TEST_SLOW_FIRST : TEST_GOOD_SYNC, flags);
    register_handler_ex(m.handler, TEST_DLL, "Apartment", flags);
    fuzzers[target](&r, &m);
    if (kind == SEED_INVOKE && fuzz_one_in(&r, 2)) fuzz_items(&r, &m);
    else if (kind != SEED_INVOKE && target != T_AUTORUN && fuzz_one_in(&r, 3))
        fuzzers[more_targets[fuzz_below(&r, ARRAY_SIZE(more_targets))]](&r, &m);
    if (winetest_debug > 1) trace("target %u, flags %#lx.\n", target, flags);

    take_snapshot(&before);
    allow.handler = m.handler;
    switch (kind)
    {
    case SEED_DIALOG:
        if (setup) read_setup(&m, fuzz_one_in(&r, 2));
        else read_choice(&m);
        break;
    case SEED_AGENT:
        allow.agent = TRUE;
        read_agent(&m, foreign || schedules_chosen(&m) ? -1 : agent_events_needed(&m));
        break;
    case SEED_INVOKE:
        read_invoke(&m);
        break;
    default:
        switch (target)
        {
        case T_REGISTER_FLAGS:
        case T_HANDLER_NAMES:
        case T_INPROC_SERVER:
        case T_ITEMS:
            switch (fuzz_below(&r, target == T_REGISTER_FLAGS ? 4 : 3))
            {
            case 0: read_sync(&m); break;
            case 1: read_list(&m, target == T_HANDLER_NAMES && fuzz_one_in(&r, 2)); break;
            default: read_event(&m, 1 + fuzz_below(&r, 2)); break;
            }
            break;
        case T_EVENT_VALUES:
        case T_EVENT_ITEMS:
            /* /logon starts the agent when the settings need it: only when
             * they do not. */
            e = fuzz_below(&r, EVENT_COUNT);
            if (e == LOGON && (foreign || m.schedule_count || agent_events_needed(&m))) e = LOGOFF;
            read_event(&m, e);
            break;
        case T_SCHEDULES:
            read_schedule(&r, &m);
            break;
        default:
            allow.autorun = TRUE;
            read_autorun(&m, &before);
            break;
        }
        break;
    }
    check_registration_info(&m);

    take_snapshot(&after);
    compare(&before, &after, &allow);
    snapshot_free(&after);
    snapshot_free(&before);
    restore(&baseline);
    if (winetest_debug > 1) trace("kind %u: %lu ms.\n", kind, GetTickCount() - start);
    winetest_pop_context();
}

START_TEST(fuzz_registry)
{
    struct fuzz_seeds seeds = fuzz_seeds(12);
    unsigned int i;
    DWORD start;

    CoInitialize(NULL);
    init_test();
    /* No window but where a seed asks for one (read_choice); the manager a
     * program's UpdateItems starts inherits this too. */
    SetEnvironmentVariableA("MOBSYNC_HEADLESS", "1");
    take_snapshot(&baseline);
    for (i = 0; i < baseline.count; i++) foreign |= is_foreign(&baseline.entries[i]);

    if (foreign) skip("handlers or settings from before this test: no regression cases, and what the "
                      "agent, the switches and /autorun do is not checked.\n");
    else
    {
        test_event_junk_name();
        test_prune_long_name();
        test_schedule_long_name();
        test_agent_start();
        test_threading_model_empty();
    }

    start = GetTickCount();
    for (i = 0; i < seeds.count; i++) fuzz_seed(seeds.first + i);
    trace("%u seeds from %u in %lu ms.\n", seeds.count, seeds.first, GetTickCount() - start);

    wait_for_no_manager();
    restore(&baseline);
    snapshot_free(&baseline);
    CoUninitialize();
}
