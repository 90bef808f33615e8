/*
 * Wine debug channel support for standalone PE builds
 *
 * wine/debug.h expects ntdll to export __wine_dbg_*. Under Wine it does, and
 * we forward to it so that WINEDEBUG=+mobsync behaves exactly as it does for
 * Wine's own DLLs. On Windows there is no such export: we read WINEDEBUG
 * ourselves and send the messages to OutputDebugStringA (DebugView, a
 * debugger) and, when WINEDEBUG is set, to stderr as well.
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

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"
#include "wine/debug.h"

typedef unsigned char (__cdecl *get_channel_flags_func)(struct __wine_debug_channel *);
typedef const char * (__cdecl *strdup_func)(const char *);
typedef int (__cdecl *output_func)(const char *);
typedef int (__cdecl *header_func)(enum __wine_debug_class, struct __wine_debug_channel *,
                                   const char *);

static struct
{
    get_channel_flags_func get_channel_flags;
    strdup_func strdup;
    output_func output;
    header_func header;
} ntdll_funcs;

static LONG volatile init_state; /* 0: not yet, 1: under way, 2: done */

/* Fallback state, used only where ntdll has no __wine_dbg_* exports (Windows). */
#define MAX_OPTIONS 32
static struct
{
    char name[sizeof(((struct __wine_debug_channel *)0)->name)];
    unsigned char set, clear;
} options[MAX_OPTIONS];
static unsigned int option_count;
static unsigned char default_flags = (1 << __WINE_DBCL_ERR) | (1 << __WINE_DBCL_FIXME);
static BOOL to_stderr;

static char ring[64][1024];
static LONG ring_pos;

static unsigned char parse_class(const char *s, size_t len)
{
    static const char * const names[] = { "fixme", "err", "warn", "trace" };
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(names); i++)
        if (len == strlen(names[i]) && !memcmp(s, names[i], len)) return 1 << i;
    return 0;
}

/* WINEDEBUG syntax: [class][+|-]channel[,[class][+|-]channel]... */
static void parse_options(const char *str)
{
    static const unsigned char all = (1 << __WINE_DBCL_FIXME) | (1 << __WINE_DBCL_ERR) |
                                     (1 << __WINE_DBCL_WARN) | (1 << __WINE_DBCL_TRACE);
    const char *p, *end, *sign, *name;
    unsigned char classes;
    size_t len;

    for (p = str; *p; p = *end ? end + 1 : end)
    {
        if (!(end = strchr(p, ','))) end = p + strlen(p);
        for (sign = p; sign < end && *sign != '+' && *sign != '-'; sign++) ;
        if (sign == end) continue;
        if (!(classes = sign == p ? all : parse_class(p, sign - p))) continue;
        name = sign + 1;
        len = end - name;

        if (len == 3 && !memcmp(name, "all", 3))
        {
            if (*sign == '+') default_flags |= classes;
            else default_flags &= ~classes;
            continue;
        }
        if (option_count == MAX_OPTIONS || !len || len >= sizeof(options[0].name)) continue;
        memcpy(options[option_count].name, name, len);
        options[option_count].name[len] = 0;
        if (*sign == '+') options[option_count].set = classes;
        else options[option_count].clear = classes;
        option_count++;
    }
}

static void init_debug(void)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    char buffer[512];
    DWORD len;

    if (ntdll)
    {
        ntdll_funcs.get_channel_flags = (get_channel_flags_func)(void *)GetProcAddress(ntdll,
                "__wine_dbg_get_channel_flags");
        ntdll_funcs.strdup = (strdup_func)(void *)GetProcAddress(ntdll, "__wine_dbg_strdup");
        ntdll_funcs.output = (output_func)(void *)GetProcAddress(ntdll, "__wine_dbg_output");
        ntdll_funcs.header = (header_func)(void *)GetProcAddress(ntdll, "__wine_dbg_header");
    }
    if (ntdll_funcs.get_channel_flags && ntdll_funcs.strdup && ntdll_funcs.output
            && ntdll_funcs.header)
        return;

    memset(&ntdll_funcs, 0, sizeof(ntdll_funcs));
    len = GetEnvironmentVariableA("WINEDEBUG", buffer, sizeof(buffer));
    if (len && len < sizeof(buffer))
    {
        parse_options(buffer);
        to_stderr = TRUE;
    }
}

/* InitOnceExecuteOnce would do, but the tests must still run on Windows XP. */
static BOOL forwarding(void)
{
    if (init_state != 2)
    {
        if (!InterlockedCompareExchange(&init_state, 1, 0))
        {
            init_debug();
            InterlockedExchange(&init_state, 2);
        }
        else while (init_state != 2) Sleep(0);
    }
    return ntdll_funcs.get_channel_flags != NULL;
}

unsigned char __cdecl __wine_dbg_get_channel_flags(struct __wine_debug_channel *channel)
{
    unsigned char flags = default_flags;
    unsigned int i;

    if (forwarding()) return ntdll_funcs.get_channel_flags(channel);

    for (i = 0; i < option_count; i++)
    {
        if (strcmp(options[i].name, channel->name)) continue;
        flags = (flags | options[i].set) & ~options[i].clear;
    }
    return flags;
}

const char * __cdecl __wine_dbg_strdup(const char *str)
{
    char *slot;

    if (forwarding()) return ntdll_funcs.strdup(str);

    /* Debug strings only need to live until the message is printed: a ring of
     * slots shared by all threads needs no lock and no per-thread cleanup. */
    slot = ring[(ULONG)InterlockedIncrement(&ring_pos) % ARRAYSIZE(ring)];
    lstrcpynA(slot, str, sizeof(ring[0]));
    return slot;
}

int __cdecl __wine_dbg_output(const char *str)
{
    if (forwarding()) return ntdll_funcs.output(str);

    OutputDebugStringA(str);
    if (to_stderr) fputs(str, stderr);
    return strlen(str);
}

int __cdecl __wine_dbg_header(enum __wine_debug_class cls, struct __wine_debug_channel *channel,
                              const char *function)
{
    static const char * const classes[] = { "fixme", "err", "warn", "trace" };
    char buffer[200];

    if (forwarding()) return ntdll_funcs.header(cls, channel, function);

    if (!(__wine_dbg_get_channel_flags(channel) & (1 << cls))) return -1;
    snprintf(buffer, sizeof(buffer), "%04lx:%s:%s:%s ", GetCurrentThreadId(),
             cls < ARRAYSIZE(classes) ? classes[cls] : "?", channel->name, function ? function : "");
    buffer[sizeof(buffer) - 1] = 0;
    return __wine_dbg_output(buffer);
}
