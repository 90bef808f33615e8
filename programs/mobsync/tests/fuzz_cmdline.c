/*
 * Fuzz test of mobsync.exe's command line: each seed makes a command line
 * that is certainly wrong, one bad token among valid ones, and mobsync.exe
 * must say so and exit 2, quickly, whatever the token is.
 *
 * The bad tokens: unknown switches (names of 1 to 40 characters), "/",
 * "-", "/:", "//x", bare words, bad values (/timeout:0, -1, too large,
 * "1x"; a GUID that is none or cut short; /check:junk, /format:xml, an
 * empty /schedule:, a schedule that does not exist), values on switches
 * that take none, and combinations that are wrong (two commands, /arch
 * without /list, /skip with /timeout, /invoke with a command, ...); text
 * up to the 32767 characters of a command line, not ASCII (Greek, CJK,
 * lone surrogates, U+FFFF), tabs, and quotes and backslashes as the C
 * runtime parses them. Never /? nor /help, which exit 0.
 *
 * Some seeds give the switches mobsync.exe gives itself, alone, with
 * garbage: /worker:IN,OUT (handles that are not a channel, such as the
 * ones it inherited) and /window:PATH (no file, junk, a folder). These
 * must end as quickly, with a message and exit code 2. Named cases of
 * them come first, among them a /worker: whose channel in is its stdin,
 * a pipe that never says a thing.
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
#include "fuzz.h"

/* Seeds of make check: with the named cases (6 s, 10 s on a busy
 * machine), about 10 to 15 s here. A seed is one mobsync.exe, which takes
 * 0.4 to 1 s; two at a time, make fuzz SEEDS=1000 takes 3 to 7 minutes. */
#define DEFAULT_SEEDS 20

/* mobsync.exe processes at a time. */
#define PARALLEL 2

/* How long one may take before it counts as hanging, in ms. */
#define TIME_LIMIT 30000

/* The longest command line CreateProcess takes, with its terminator. */
#define MAX_COMMAND_LINE 32767

static WCHAR mobsync_path[MAX_PATH];
static WCHAR junk_path[MAX_PATH], folder_path[MAX_PATH];

/* --- command lines ---------------------------------------------------------------------- */

/* A command line being made, in arguments: each appended with a space
 * before it, at most MAX_COMMAND_LINE - 1 characters with mobsync.exe's
 * path. */
struct line
{
    WCHAR *text;
    size_t len, room;
};

/* Appends raw text; FALSE, appending nothing, when it does not fit. */
static BOOL append_raw(struct line *line, const WCHAR *text, size_t len)
{
    if (line->len + len + 1 > line->room) return FALSE;
    memcpy(line->text + line->len, text, len * sizeof(WCHAR));
    line->len += len;
    line->text[line->len] = 0;
    return TRUE;
}

/* Appends one argument so that the C runtime gives it back as it is:
 * quoted when it is empty or has a space, tab or quote; backslashes
 * doubled before a quote and before the closing quote. */
static BOOL append_arg(struct line *line, const WCHAR *arg)
{
    size_t start = line->len, i, backslashes;
    BOOL quote = !arg[0] || wcspbrk(arg, L" \t\"") != NULL;

    if (line->len && !append_raw(line, L" ", 1)) return FALSE;
    if (!quote) return append_raw(line, arg, wcslen(arg)) || (line->len = start, FALSE);
    if (!append_raw(line, L"\"", 1)) goto fail;
    for (i = 0; arg[i]; i++)
    {
        for (backslashes = 0; arg[i] == '\\'; i++) backslashes++;
        if (!arg[i] || arg[i] == '"')
        {
            /* Doubled: before the closing quote, or before a quote that is escaped. */
            while (backslashes--) if (!append_raw(line, L"\\\\", 2)) goto fail;
            if (!arg[i]) break;
            if (!append_raw(line, L"\\\"", 2)) goto fail;
        }
        else
        {
            while (backslashes--) if (!append_raw(line, L"\\", 1)) goto fail;
            if (!append_raw(line, &arg[i], 1)) goto fail;
        }
    }
    if (append_raw(line, L"\"", 1)) return TRUE;
fail:
    line->len = start;
    line->text[start] = 0;
    return FALSE;
}

/* Characters for text: ASCII, some that the parser or the output treat
 * specially, and some that are not ASCII. */
static WCHAR random_char(struct fuzz_random *r, BOOL plain)
{
    static const WCHAR special[] = { ' ', '\t', '"', '\\', ':', '=', '/', '-', '{', '}', '%', '!', '^', '&',
                                     '|', '<', '>', '\r', '\n', 0x7f };
    static const WCHAR unusual[] = { 0x3b1, 0x3c3, 0x3a9, 0x540c, 0x6b65, 0x8a9e, 0xd800, 0xdc00, 0xdbff,
                                     0xffff, 0xfffe, 0xfeff, 0xa0, 0x200b, 0x202e, 0x301, 0x1 };

    if (plain || fuzz_below(r, 4)) return L"abcdefghijklmnopqrstuvwxyz0123456789_."[fuzz_below(r, 38)];
    if (fuzz_below(r, 2)) return special[fuzz_below(r, ARRAY_SIZE(special))];
    return unusual[fuzz_below(r, ARRAY_SIZE(unusual))];
}

/* Random text of len characters into buffer. Never "%1": a message with
 * that in it is one FormatMessage left as it was (check_child). */
static void random_text(struct fuzz_random *r, WCHAR *buffer, size_t len, BOOL plain)
{
    size_t i;

    for (i = 0; i < len; i++)
    {
        buffer[i] = random_char(r, plain);
        if (i && buffer[i - 1] == '%' && buffer[i] == '1') buffer[i] = '2';
    }
    buffer[len] = 0;
}

/* A length: mostly short, sometimes up to what a command line holds. */
static size_t random_length(struct fuzz_random *r, size_t shortest)
{
    switch (fuzz_below(r, 16))
    {
    case 0: return shortest + fuzz_below(r, 32000);
    case 1: return shortest + fuzz_below(r, 2000);
    default: return shortest + fuzz_below(r, 40);
    }
}

static const WCHAR * const known_names[] =
{
    L"list", L"sync", L"logon", L"logoff", L"idle", L"schedule", L"setup", L"agent", L"autorun",
    L"check", L"skip", L"stop", L"handler", L"item", L"timeout", L"showerrors", L"embedding",
    L"invoke", L"arch", L"format", L"worker", L"window", L"?", L"help",
};

static BOOL known_name(const WCHAR *name)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(known_names); i++) if (!wcsicmp(name, known_names[i])) return TRUE;
    return FALSE;
}

/* "/" or "-", in front of a switch. */
static WCHAR random_prefix(struct fuzz_random *r)
{
    return fuzz_below(r, 2) ? '/' : '-';
}

/* The switch name in another case, as mobsync reads it all the same. */
static void random_case(struct fuzz_random *r, WCHAR *text)
{
    for (; *text; text++) if (fuzz_below(r, 3) == 0) *text = towupper(*text);
}

static void random_guid(struct fuzz_random *r, WCHAR *buffer)
{
    GUID guid;

    fuzz_bytes(r, &guid, sizeof(guid));
    StringFromGUID2(&guid, buffer, 39);
}

/* A valid option, which goes with any command or none: /handler:,
 * /item:, /timeout:, /showerrors. */
static void valid_option(struct fuzz_random *r, WCHAR *arg)
{
    WCHAR guid[39], name[16];
    WCHAR separator = fuzz_below(r, 2) ? ':' : '=';

    switch (fuzz_below(r, 4))
    {
    case 0:
        wcscpy(name, L"handler");
        random_guid(r, guid);
        break;
    case 1:
        wcscpy(name, L"item");
        random_guid(r, guid);
        break;
    case 2:
        wcscpy(name, L"timeout");
        swprintf(guid, ARRAY_SIZE(guid), L"%u", 1 + fuzz_below(r, 7 * 24 * 3600));
        break;
    default:
        wcscpy(name, L"showerrors");
        guid[0] = 0;
        break;
    }
    random_case(r, name);
    if (guid[0]) swprintf(arg, 64, L"%c%ls%c%ls", random_prefix(r), name, separator, guid);
    else swprintf(arg, 64, L"%c%ls", random_prefix(r), name);
}

/* A command, valid alone. */
static void valid_command(struct fuzz_random *r, WCHAR *arg)
{
    static const WCHAR * const commands[] =
    {
        L"list", L"sync", L"logon", L"logoff", L"idle", L"setup", L"agent", L"agent:stop", L"autorun",
        L"stop", L"skip:", L"check:", L"schedule:nightly",
    };
    const WCHAR *command = commands[fuzz_below(r, ARRAY_SIZE(commands))];
    WCHAR guid[39];

    swprintf(arg, 64, L"%c%ls", random_prefix(r), command);
    if (arg[wcslen(arg) - 1] == ':')
    {
        random_guid(r, guid);
        wcscat(arg, guid);
    }
}

/* Bad tokens, each enough to make a line wrong wherever it is. */
enum bad_kind
{
    BAD_UNKNOWN,      /* a switch of no such name */
    BAD_EMPTY_SWITCH, /* "/", "-", "/:", "//x" */
    BAD_WORD,         /* no "/" nor "-" in front */
    BAD_VALUE,        /* a value a switch does not take */
    BAD_NO_VALUE,     /* a value on a switch that takes none */
    BAD_RAW,          /* quotes and backslashes as they come, starting with a letter */
    BAD_COUNT
};

static const char * const bad_names[] = { "unknown", "empty switch", "word", "value", "no value", "raw" };

/* A bad value for a switch that takes one, in arg (room for 64 + len). */
static void bad_value(struct fuzz_random *r, WCHAR *arg, size_t len)
{
    static const WCHAR * const timeouts[] =
    {
        L"0", L"-1", L"99999999999", L"1x", L"", L"604801", L"4294967296", L"0x10", L"1.5", L"1e3", L"x",
    };
    static const WCHAR * const names[] = { L"handler", L"item", L"check", L"skip", L"timeout", L"format" };
    WCHAR guid[39], *value;
    unsigned int which = fuzz_below(r, ARRAY_SIZE(names));

    swprintf(arg, 32, L"%c%ls%c", random_prefix(r), names[which], fuzz_below(r, 2) ? ':' : '=');
    value = arg + wcslen(arg);
    switch (fuzz_below(r, 6))
    {
    case 0: /* nothing after the colon */
        break;
    case 1: /* a GUID cut short */
        random_guid(r, guid);
        guid[fuzz_below(r, 38)] = 0;
        wcscpy(value, guid);
        break;
    case 2: /* a GUID with more after it */
        random_guid(r, guid);
        swprintf(value, 48, L"%ls%c", guid, random_char(r, FALSE));
        break;
    case 3: /* a GUID without its braces */
        random_guid(r, guid);
        guid[37] = 0;
        wcscpy(value, guid + 1);
        break;
    default:
        if (which == 4) wcscpy(value, timeouts[fuzz_below(r, ARRAY_SIZE(timeouts))]);
        else if (which == 5) wcscpy(value, fuzz_below(r, 2) ? L"xml" : L"TAPS");
        /* Text that is no GUID, of any length. */
        else random_text(r, value, 1 + (len ? len : fuzz_below(r, 40)), FALSE);
        break;
    }
    /* A GUID needs its braces and 38 characters: nothing of the above is one. */
    if (which != 4 && which != 5 && wcslen(value) == 38 && value[0] == '{' && value[37] == '}')
        value[0] = 'x';
    if (which == 5 && !wcsicmp(value, L"tap")) wcscpy(value, L"xml");
}

/* One bad token in arg (room for MAX_COMMAND_LINE characters). */
static enum bad_kind bad_token(struct fuzz_random *r, WCHAR *arg)
{
    static const WCHAR * const empty_switches[] = { L"/", L"-", L"/:", L"-=", L"/=", L"//x", L"--x", L"/:x",
                                                   L"-:sync", L"/ sync", L"/\tsync" };
    static const WCHAR * const no_value[] =
    {
        L"sync", L"list", L"logon", L"logoff", L"idle", L"setup", L"stop", L"autorun", L"showerrors",
        L"arch", L"worker", L"window",
    };
    enum bad_kind kind = fuzz_below(r, BAD_COUNT);
    size_t len, i;

    switch (kind)
    {
    case BAD_UNKNOWN:
        arg[0] = random_prefix(r);
        do
        {
            len = fuzz_below(r, 4) ? 1 + fuzz_below(r, 40) : random_length(r, 1);
            random_text(r, arg + 1, len, fuzz_below(r, 2));
            /* No separator in the name, nor the help switches. */
            for (i = 1; i <= len; i++) if (arg[i] == ':' || arg[i] == '=') arg[i] = '_';
        } while (known_name(arg + 1));
        if (fuzz_one_in(r, 3))
        {
            wcscat(arg, fuzz_below(r, 2) ? L":" : L"=");
            random_text(r, arg + wcslen(arg), fuzz_below(r, 40), FALSE);
        }
        break;
    case BAD_EMPTY_SWITCH:
        wcscpy(arg, empty_switches[fuzz_below(r, ARRAY_SIZE(empty_switches))]);
        break;
    case BAD_WORD:
        /* Anything but "/" or "-" first; empty too. */
        len = fuzz_one_in(r, 8) ? 0 : random_length(r, 1);
        random_text(r, arg, len, FALSE);
        if (len && (arg[0] == '/' || arg[0] == '-')) arg[0] = 'x';
        if (len && fuzz_one_in(r, 4)) memcpy(arg, L"sync", min(len, 4) * sizeof(WCHAR));
        break;
    case BAD_VALUE:
        bad_value(r, arg, fuzz_one_in(r, 8) ? random_length(r, 1) : 0);
        break;
    case BAD_NO_VALUE:
        swprintf(arg, 64, L"%c%ls%c", random_prefix(r), no_value[fuzz_below(r, ARRAY_SIZE(no_value))],
                 fuzz_below(r, 2) ? ':' : '=');
        random_text(r, arg + wcslen(arg), fuzz_below(r, 20), FALSE);
        break;
    case BAD_RAW:
        /* Written into the line as it is: it starts a token of its own with
         * a letter, so it is a bare word however the rest is parsed. */
        len = random_length(r, 1);
        for (i = 0; i < len; i++) arg[i] = L"ab\"\\ \t"[fuzz_below(r, fuzz_below(r, 2) ? 6 : 2)];
        arg[0] = 'a';
        arg[len] = 0;
        break;
    default:
        break;
    }
    return kind;
}

/* Lines wrong as a whole, each token valid alone. */
static const char *bad_combination(struct fuzz_random *r, struct line *line)
{
    WCHAR first[64], second[64], guid[39];

    switch (fuzz_below(r, 8))
    {
    case 0: /* two commands */
        valid_command(r, first);
        valid_command(r, second);
        append_arg(line, first);
        append_arg(line, second);
        return "two commands";
    case 1: /* /arch without /list */
        do valid_command(r, first); while (!wcsicmp(first + 1, L"list"));
        if (fuzz_below(r, 2)) append_arg(line, first);
        append_arg(line, L"/arch");
        return "/arch without /list";
    case 2: /* /skip or /stop with an option of a session */
        random_guid(r, guid);
        swprintf(first, ARRAY_SIZE(first), fuzz_below(r, 2) ? L"/skip:%ls" : L"/stop", guid);
        swprintf(second, ARRAY_SIZE(second), L"/timeout:%u", 1 + fuzz_below(r, 1000));
        append_arg(line, first);
        append_arg(line, fuzz_below(r, 2) ? second : L"/invoke");
        return "control with options";
    case 3: /* /invoke with a command */
        valid_command(r, first);
        append_arg(line, L"-Embedding");
        append_arg(line, first);
        return "/invoke with a command";
    case 4: /* /agent or /autorun with options */
        swprintf(second, ARRAY_SIZE(second), L"/timeout:%u", 1 + fuzz_below(r, 1000));
        append_arg(line, fuzz_below(r, 2) ? L"/agent" : L"/autorun");
        append_arg(line, second);
        return "/agent with options";
    case 5: /* /check with what it does not take */
        random_guid(r, guid);
        swprintf(first, ARRAY_SIZE(first), L"/check:%ls", guid);
        append_arg(line, first);
        append_arg(line, fuzz_below(r, 2) ? L"/showerrors" : L"/arch");
        return "/check with options";
    case 6: /* /format:tap without /check */
        append_arg(line, L"/format:tap");
        return "/format without /check";
    default: /* a schedule that does not exist, or no name a schedule can have */
        swprintf(first, ARRAY_SIZE(first), L"/schedule:%ls",
                 fuzz_below(r, 2) ? L"no such schedule" : L"Schedules\\nightly");
        append_arg(line, first);
        return "no schedule";
    }
}

/* A wrong line: what kind of wrong it is. */
static const char *make_line(struct fuzz_random *r, struct line *line)
{
    static WCHAR arg[MAX_COMMAND_LINE];
    unsigned int before, after, i;
    const char *what;

    before = fuzz_below(r, 4);
    after = fuzz_below(r, 4);
    if (fuzz_one_in(r, 8)) before = after = 0;
    for (i = 0; i < before; i++)
    {
        valid_option(r, arg);
        append_arg(line, arg);
    }
    if (fuzz_one_in(r, 5)) what = bad_combination(r, line);
    else
    {
        enum bad_kind kind = bad_token(r, arg);

        what = bad_names[kind];
        if (kind == BAD_RAW)
        {
            if (line->len) append_raw(line, L" ", 1);
            /* Cut to what fits, but never to nothing. */
            append_raw(line, arg, min(wcslen(arg), line->room - line->len - 1));
        }
        else if (!append_arg(line, arg))
        {
            /* Too long for the line with its quotes: cut until it fits. */
            arg[min(wcslen(arg), line->room / 2)] = 0;
            if (!arg[0]) wcscpy(arg, L"/frobnicate");
            append_arg(line, arg);
        }
    }
    for (i = 0; i < after; i++)
    {
        valid_option(r, arg);
        append_arg(line, arg);
    }
    return what;
}

/* --- the internal switches -------------------------------------------------------------- */

/* /worker: or /window: alone, with garbage; handles are the child's
 * stdin (at its end already), stdout and stderr, which it inherits with
 * the values they have here. */
static const char *make_internal(struct fuzz_random *r, struct line *line, const HANDLE *handles)
{
    static const WCHAR * const workers[] =
    {
        L"zz", L"1,2", L"ffffffff,0", L"", L",", L"0,0", L"1,2x", L"4,8", L"c,10", L"-1,-1",
        L"ffffffffffffffff,fffffffffffffffe", L"10000000000000000,1", L"1,2,3", L" 4, 8",
    };
    WCHAR arg[MAX_PATH + 64], text[64];
    unsigned int i;

    switch (fuzz_below(r, 5))
    {
    case 0:
        swprintf(arg, ARRAY_SIZE(arg), L"/worker:%ls", workers[fuzz_below(r, ARRAY_SIZE(workers))]);
        append_arg(line, arg);
        return "/worker: garbage";
    case 1: /* handle values, some of them ones the child has */
        for (i = 0; i < 2; i++)
        {
            ULONG_PTR value;

            switch (fuzz_below(r, 4))
            {
            case 0: value = (ULONG_PTR)handles[fuzz_below(r, 3)]; break;
            case 1: value = 4 * fuzz_below(r, 64); break;
            case 2: value = fuzz_edge_dword(r); break;
            default: value = (ULONG_PTR)fuzz_next(r); break;
            }
            swprintf(text + (i ? wcslen(text) : 0), 32, i ? L",%Ix" : L"%Ix", value);
        }
        swprintf(arg, ARRAY_SIZE(arg), L"-WORKER=%ls", text);
        append_arg(line, arg);
        return "/worker: handles";
    case 2:
        append_arg(line, L"/window:C:\\nonexistent.win");
        return "/window: no file";
    case 3:
        swprintf(arg, ARRAY_SIZE(arg), L"/window:%ls", fuzz_below(r, 2) ? junk_path : folder_path);
        append_arg(line, arg);
        return "/window: junk";
    default:
        /* A path far longer than MAX_PATH. */
        wcscpy(arg, L"/window:C:\\");
        random_text(r, arg + wcslen(arg), MAX_PATH + fuzz_below(r, 40), TRUE);
        append_arg(line, arg);
        return "/window: long";
    }
}

/* --- mobsync.exe, with its stdout and stderr apart ------------------------------------- */

/* A mobsync.exe: what it was given, and what it said. */
struct child
{
    char label[64];        /* "seed N", or the named case */
    WCHAR *cmdline;
    HANDLE process, stdin_write;
    HANDLE handles[3];     /* its stdin, stdout and stderr, as it has them */
    struct fuzz_output out, err;
    DWORD start;
};

/* A pipe for the child: the end it gets inheritable, ours not. */
static BOOL child_pipe(HANDLE *ours, HANDLE *theirs, BOOL theirs_reads)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE read, write;

    if (!CreatePipe(&read, &write, &sa, 0)) return FALSE;
    *ours = theirs_reads ? write : read;
    *theirs = theirs_reads ? read : write;
    SetHandleInformation(*ours, HANDLE_FLAG_INHERIT, 0);
    return TRUE;
}

/* The pipes of a child to be: its ends, in child->handles, are the values
 * it will have (inherited handles keep theirs). */
static BOOL prepare_child(struct child *child)
{
    memset(child, 0, sizeof(*child));
    if (child_pipe(&child->stdin_write, &child->handles[0], TRUE)
            && child_pipe(&child->out.pipe, &child->handles[1], FALSE)
            && child_pipe(&child->err.pipe, &child->handles[2], FALSE))
        return TRUE;
    ok(0, "cannot create pipes: error %lu.\n", GetLastError());
    return FALSE;
}

/* Starts "mobsync.exe args". Its stdin is a pipe that gives nothing: at
 * its end at once, or, with keep_stdin, never (nobody types). */
static BOOL start_child(struct child *child, const WCHAR *args, BOOL keep_stdin)
{
    STARTUPINFOW si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    unsigned int i;
    size_t len;
    BOOL ret;

    len = wcslen(mobsync_path) + wcslen(args) + 4;
    child->cmdline = malloc(len * sizeof(WCHAR));
    swprintf(child->cmdline, len, L"\"%ls\" %ls", mobsync_path, args);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = child->handles[0];
    si.hStdOutput = child->handles[1];
    si.hStdError = child->handles[2];
    child->start = GetTickCount();
    /* Wine fails a process start now and then under load, before the
     * program runs: tried three times, as spawn_mobsync does. */
    for (i = 0; !(ret = CreateProcessW(mobsync_path, child->cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
                && GetLastError() == ERROR_INTERNAL_ERROR && i < 2; i++) {}
    ok(ret, "%s: cannot start mobsync.exe: error %lu.\n", child->label, GetLastError());
    /* Only the child holds its ends now: a later child must not inherit them. */
    for (i = 0; i < 3; i++) CloseHandle(child->handles[i]);
    if (!keep_stdin || !ret)
    {
        CloseHandle(child->stdin_write);
        child->stdin_write = NULL;
    }
    if (!ret)
    {
        CloseHandle(child->out.pipe);
        CloseHandle(child->err.pipe);
        free(child->cmdline);
        return FALSE;
    }
    CloseHandle(pi.hThread);
    child->process = pi.hProcess;
    /* Far more than any message: the rest is dropped. */
    fuzz_output_start(&child->out, 1024 * 1024);
    fuzz_output_start(&child->err, 1024 * 1024);
    return TRUE;
}

/* The command line without mobsync.exe's path, short enough for a message. */
static const char *shown(const WCHAR *cmdline)
{
    size_t skip_path = min(wcslen(mobsync_path) + 3, wcslen(cmdline));

    return wine_dbgstr_wn(cmdline + skip_path, min(wcslen(cmdline + skip_path), 200));
}

/* What a child must have done: ended by itself in time, exit code 2, a
 * message on stderr, nothing on stdout. Ends it when it is still running. */
static void check_child(struct child *child)
{
    DWORD code, elapsed, ret;

    ret = WaitForSingleObject(child->process, 0);
    elapsed = GetTickCount() - child->start;
    if (ret)
    {
        TerminateProcess(child->process, 255);
        WaitForSingleObject(child->process, 10000);
    }
    if (child->stdin_write) CloseHandle(child->stdin_write);
    fuzz_output_finish(&child->out);
    fuzz_output_finish(&child->err);
    GetExitCodeProcess(child->process, &code);
    CloseHandle(child->process);
    child->process = NULL;

    winetest_push_context("%s", child->label);
    ok(!ret, "%s did not end in %lu ms.\n", shown(child->cmdline), elapsed);
    if (!ret)
    {
        ok(code == 2, "%s: exit code %#lx.\n", shown(child->cmdline), code);
        ok(strstr(child->err.data, "mobsync: ") != NULL, "%s: no message on stderr: %s\n",
           shown(child->cmdline), debugstr_an(child->err.data, min(child->err.len, 200)));
        /* FormatMessage failed, and the message came without its argument. */
        ok(!strstr(child->err.data, "%1"), "%s: a message with %%1 in it: %s\n",
           shown(child->cmdline), debugstr_an(child->err.data, min(child->err.len, 200)));
        ok(!child->out.len, "%s: %Iu bytes on stdout: %s\n", shown(child->cmdline), child->out.len,
           debugstr_an(child->out.data, min(child->out.len, 200)));
    }
    if (winetest_debug > 1)
        trace("%s: exit code %#lx, %lu ms, stderr %s\n", shown(child->cmdline), code, elapsed,
              debugstr_an(child->err.data, min(child->err.len, 80)));
    winetest_pop_context();
    free(child->out.data);
    free(child->err.data);
    free(child->cmdline);
}

/* Makes the line of job number index into line, for the child whose
 * handles are given, and the child's label; TRUE when nobody is to close
 * the child's stdin. */
typedef BOOL (*make_job)(unsigned int index, struct line *line, struct child *child);

/* Runs count jobs, PARALLEL at a time, and checks each. */
static void run_jobs(make_job make, unsigned int count)
{
    BOOL keep_stdin;
    struct child children[PARALLEL];
    HANDLE waits[PARALLEL];
    unsigned int next = 0, running = 0, i, slot;
    struct line line;
    DWORD ret;

    memset(children, 0, sizeof(children));
    line.room = MAX_COMMAND_LINE - wcslen(mobsync_path) - 3;
    line.text = malloc(line.room * sizeof(WCHAR));
    while (next < count || running)
    {
        for (slot = 0; slot < PARALLEL && next < count; slot++)
        {
            if (children[slot].process) continue;
            if (!prepare_child(&children[slot])) break;
            line.len = 0;
            line.text[0] = 0;
            keep_stdin = make(next++, &line, &children[slot]);
            if (winetest_debug > 1) trace("%s: %s\n", children[slot].label, wine_dbgstr_w(line.text));
            if (start_child(&children[slot], line.text, keep_stdin)) running++;
        }
        if (!running) break;
        for (i = 0, slot = 0; slot < PARALLEL; slot++)
            if (children[slot].process) waits[i++] = children[slot].process;
        ret = WaitForMultipleObjects(i, waits, FALSE, TIME_LIMIT);
        for (slot = 0; slot < PARALLEL; slot++)
        {
            if (!children[slot].process) continue;
            /* Ended, or still running after the time limit: a hang. */
            if (ret != WAIT_TIMEOUT && WaitForSingleObject(children[slot].process, 0)) continue;
            check_child(&children[slot]);
            running--;
        }
    }
    free(line.text);
}

/* --- the seeds -------------------------------------------------------------------------- */

static struct fuzz_seeds seeds;

static BOOL seed_job(unsigned int index, struct line *line, struct child *child)
{
    unsigned int seed = seeds.first + index;
    struct fuzz_random r;
    const char *what;

    fuzz_random_init(&r, seed, FUZZ_CMDLINE);
    if (fuzz_one_in(&r, 8)) what = make_internal(&r, line, child->handles);
    else what = make_line(&r, line);
    snprintf(child->label, sizeof(child->label), "seed %u (%s)", seed, what);
    return FALSE;
}

static void test_seeds(void)
{
    DWORD start = GetTickCount();

    seeds = fuzz_seeds(DEFAULT_SEEDS);
    run_jobs(seed_job, seeds.count);
    trace("%u seeds from %u: %lu ms.\n", seeds.count, seeds.first, GetTickCount() - start);
}

/* --- named cases ------------------------------------------------------------------------ */

/* The switches mobsync.exe gives itself, with garbage. Regressions: each
 * ended with exit code 1 or 2 and not a word on stderr; and /worker: with
 * its stdin, a pipe nobody writes to, as its channel in, waited for ever
 * for a session (first, so that the others run meanwhile). */
static const WCHAR * const internal_lines[] =
{
    NULL /* /worker: on its stdin */, L"/worker:zz", L"/worker:1,2", L"/worker:ffffffff,0",
    L"/worker:", L"/worker:4,", NULL /* its stdout and stderr, pipes it cannot read */,
    L"/window:C:\\nonexistent.win", NULL /* junk */, NULL /* a folder */,
};

static BOOL internal_job(unsigned int index, struct line *line, struct child *child)
{
    WCHAR arg[MAX_PATH + 64];

    if (internal_lines[index]) wcscpy(arg, internal_lines[index]);
    else if (index == 0 || index == 6)
        swprintf(arg, ARRAY_SIZE(arg), L"/worker:%Ix,%Ix", (ULONG_PTR)child->handles[index ? 1 : 0],
                 (ULONG_PTR)child->handles[index ? 2 : 1]);
    else swprintf(arg, ARRAY_SIZE(arg), L"/window:%ls", index == 8 ? junk_path : folder_path);
    append_arg(line, arg);
    if (index) snprintf(child->label, sizeof(child->label), "%s", wine_dbgstr_w(arg));
    else strcpy(child->label, "/worker: on its stdin");
    return index == 0;
}

static void test_internal(void)
{
    run_jobs(internal_job, ARRAY_SIZE(internal_lines));
}

START_TEST(fuzz_cmdline)
{
    HANDLE file;
    DWORD written;

    CoInitialize(NULL);
    init_test();
    GetSystemDirectoryW(mobsync_path, MAX_PATH);
    wcscat(mobsync_path, L"\\mobsync.exe");
    /* No schedule a line could name. */
    delete_settings_store();

    /* /window: junk: a file that is no request, and a folder. */
    GetTempPathW(MAX_PATH, junk_path);
    wcscat(junk_path, L"mobsync_fuzz_junk.win");
    file = CreateFileW(junk_path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    WriteFile(file, "MSRQ junk, not a request", 24, &written, NULL);
    CloseHandle(file);
    GetTempPathW(MAX_PATH, folder_path);
    wcscat(folder_path, L"mobsync_fuzz_folder.win");
    CreateDirectoryW(folder_path, NULL);

    test_internal();
    test_seeds();

    DeleteFileW(junk_path);
    RemoveDirectoryW(folder_path);
    CoUninitialize();
}
