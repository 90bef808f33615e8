/*
 * mobsync.exe: its output: UTF-8 lines on stdout, one writer at a time, and
 * every result, error and warning line
 *
 * The formats are a contract with the scripts that read them (README,
 * docs/engine.md): a tab between fields, one line each, names made
 * line-safe by copy_name before they get here; GUIDs as the registry and
 * the command line spell them.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "handler.h"
#include "resource.h"

static CRITICAL_SECTION output_cs;
static CRITICAL_SECTION_DEBUG output_cs_debug =
{
    0, 0, &output_cs,
    { &output_cs_debug.ProcessLocksList, &output_cs_debug.ProcessLocksList },
      0, 0, 0, 0, 0
};
static CRITICAL_SECTION output_cs = { &output_cs_debug, -1, 0, 0, 0, 0 };
static HANDLE out;
static BOOL console;

void output_init(void)
{
    DWORD mode;

    out = GetStdHandle(STD_OUTPUT_HANDLE);
    console = GetConsoleMode(out, &mode);
}

/* The one writer: a console gets the text as it is, anything else UTF-8. */
static void write_to(HANDLE handle, BOOL to_console, const WCHAR *text, int len)
{
    char stack[1024], *utf8 = stack;
    DWORD written;
    int size;

    if (to_console)
    {
        WriteConsoleW(handle, text, len, &written, NULL);
        return;
    }
    size = WideCharToMultiByte(CP_UTF8, 0, text, len, NULL, 0, NULL, NULL);
    if (size > (int)sizeof(stack) && !(utf8 = malloc(size))) return;
    WideCharToMultiByte(CP_UTF8, 0, text, len, utf8, size, NULL, NULL);
    WriteFile(handle, utf8, size, &written, NULL);
    if (utf8 != stack) free(utf8);
}

static void write_text(const WCHAR *text, int len)
{
    write_to(out, console, text, len);
}

/* Text for another handle (stderr: usage, errors of the command line). */
void output_write(HANDLE handle, const WCHAR *text)
{
    DWORD mode;

    write_to(handle, GetConsoleMode(handle, &mode), text, wcslen(text));
}

/* A message of the resources, its %1 being arg: on stdout, or stderr. An
 * argument of the command line may have 32767 characters: a long one is
 * cut, with "...", so that the message still says which it was. */
static void print_to(DWORD std_handle, UINT id, const WCHAR *arg)
{
    WCHAR message[512], cut[256];

    if (arg && wcslen(arg) >= ARRAYSIZE(cut))
    {
        memcpy(cut, arg, (ARRAYSIZE(cut) - 4) * sizeof(WCHAR));
        wcscpy(cut + ARRAYSIZE(cut) - 4, L"...");
        arg = cut;
    }
    format_message(message, ARRAYSIZE(message), id, arg);
    output_write(GetStdHandle(std_handle), message);
}

void print_message(UINT id, const WCHAR *arg)
{
    print_to(STD_OUTPUT_HANDLE, id, arg);
}

void print_error(UINT id, const WCHAR *arg)
{
    print_to(STD_ERROR_HANDLE, id, arg);
}

/* Writes one line; the format gives it without its line feed. */
static void output_line(const WCHAR *format, ...)
{
    WCHAR buffer[4096];
    va_list args;
    int len;

    va_start(args, format);
    len = _vsnwprintf(buffer, ARRAYSIZE(buffer) - 2, format, args);
    va_end(args);
    if (len < 0 || len > (int)ARRAYSIZE(buffer) - 2) len = ARRAYSIZE(buffer) - 2;
    buffer[len++] = '\n';

    EnterCriticalSection(&output_cs);
    write_text(buffer, len);
    LeaveCriticalSection(&output_cs);
}

/* Lines written a chunk at a time, the writer's lock held from the first
 * to the last: a write per line costs a round trip to the server under
 * Wine, thousands of them per run, and one write for all of a large
 * handler's lines copies them all, twice, before writing a byte. */
#define CHUNK_SIZE 16384
struct chunk
{
    WCHAR data[CHUNK_SIZE];
    int len;
};

static void chunk_start(struct chunk *chunk)
{
    EnterCriticalSection(&output_cs);
    chunk->len = 0;
}

static void chunk_flush(struct chunk *chunk)
{
    if (chunk->len) write_text(chunk->data, chunk->len);
    chunk->len = 0;
}

static void chunk_end(struct chunk *chunk)
{
    chunk_flush(chunk);
    LeaveCriticalSection(&output_cs);
}

/* One line, whose format gives it without its line feed; cut as
 * output_line cuts. */
static void chunk_line(struct chunk *chunk, const WCHAR *format, ...)
{
    va_list args;
    int len;

    if (CHUNK_SIZE - chunk->len < 4096) chunk_flush(chunk);
    va_start(args, format);
    len = _vsnwprintf(chunk->data + chunk->len, 4096 - 2, format, args);
    va_end(args);
    if (len < 0 || len > 4096 - 2) len = 4096 - 2;
    chunk->data[chunk->len + len++] = '\n';
    chunk->len += len;
}

/* Collects lines, to be written at once by output_text. */
static void text_append(struct text *text, const WCHAR *format, ...)
{
    WCHAR buffer[4096];
    va_list args;
    int len;

    va_start(args, format);
    len = _vsnwprintf(buffer, ARRAYSIZE(buffer) - 1, format, args);
    va_end(args);
    if (len < 0 || len > (int)ARRAYSIZE(buffer) - 1)
    {
        len = ARRAYSIZE(buffer) - 1;
        buffer[len - 1] = '\n';
    }
    if (text->len + len > text->size)
    {
        size_t size = max(text->size * 2, text->len + len + 1024);
        WCHAR *data = realloc(text->data, size * sizeof(WCHAR));

        if (!data) return;
        text->data = data;
        text->size = size;
    }
    memcpy(text->data + text->len, buffer, len * sizeof(WCHAR));
    text->len += len;
}

/* Writes what text_append collected, and empties it. */
void output_text(struct text *text)
{
    if (text->len)
    {
        EnterCriticalSection(&output_cs);
        write_text(text->data, text->len);
        LeaveCriticalSection(&output_cs);
    }
    free(text->data);
    memset(text, 0, sizeof(*text));
}

const WCHAR *load_message(UINT id, WCHAR *buffer, unsigned int size)
{
    if (!LoadStringW(GetModuleHandleW(NULL), id, buffer, size)) buffer[0] = 0;
    return buffer;
}

void vformat_message(WCHAR *buffer, unsigned int size, UINT id, va_list *args)
{
    WCHAR format[2048];

    load_message(id, format, ARRAYSIZE(format));
    if (!FormatMessageW(FORMAT_MESSAGE_FROM_STRING, format, 0, 0, buffer, size, args))
        lstrcpynW(buffer, format, size);
}

void format_message(WCHAR *buffer, unsigned int size, UINT id, ...)
{
    va_list args;

    va_start(args, id);
    vformat_message(buffer, size, id, &args);
    va_end(args);
}

/* Copies a name from a handler's fixed-size array, which the handler may have
 * left unterminated, into a line-safe string: tabs and line breaks would
 * break the output format, so they become spaces. */
void copy_name(WCHAR *dst, const WCHAR *src, unsigned int size)
{
    unsigned int i;

    for (i = 0; i < size - 1 && src[i]; i++)
        dst[i] = (src[i] == '\t' || src[i] == '\r' || src[i] == '\n') ? ' ' : src[i];
    dst[i] = 0;
}

static const WCHAR *status_name(DWORD status)
{
    switch (status)
    {
    case SYNCMGRSTATUS_SUCCEEDED: return L"succeeded";
    case SYNCMGRSTATUS_SKIPPED: return L"skipped";
    case SYNCMGRSTATUS_STOPPED: return L"stopped";
    default: return L"failed";
    }
}

static const WCHAR *level_name(DWORD level)
{
    switch (level)
    {
    case SYNCMGRLOGLEVEL_INFORMATION: return L"info";
    case SYNCMGRLOGLEVEL_WARNING: return L"warning";
    default: return L"error";
    }
}

/* "STATUS\t{HANDLER}\t{ITEM}\tNAME". */
static void report_result(struct chunk *chunk, DWORD status, const WCHAR *handler, const GUID *item,
        const WCHAR *name)
{
    WCHAR item_str[39];

    guid_to_string(item, item_str);
    chunk_line(chunk, L"%ls\t%ls\t%ls\t%ls", status_name(status), handler, item_str, name);
}

/* "error\t{HANDLER}\t-\tMESSAGE", with " (0xHRESULT)" when show_code. */
static void report_error(const WCHAR *handler, const WCHAR *message, HRESULT hr, BOOL show_code)
{
    if (show_code) output_line(L"error\t%ls\t-\t%ls (0x%08lX)", handler, message, hr);
    else output_line(L"error\t%ls\t-\t%ls", handler, message);
}

static void report_warning(const WCHAR *handler, const WCHAR *text)
{
    output_line(L"warning\t%ls\t-\t%ls", handler, text);
}

/* What a handler logged: "LEVEL\t{HANDLER}\t{ITEM} or -\tTEXT". */
static void report_log(DWORD level, const WCHAR *handler, const GUID *item, const WCHAR *text)
{
    WCHAR item_str[39];

    if (item) guid_to_string(item, item_str);
    output_line(L"%ls\t%ls\t%ls\t%ls", level_name(level), handler, item ? item_str : L"-", text);
}

/* /list: "{HANDLER}\t{ITEM}\tchecked|unchecked\tHANDLER NAME\tITEM NAME", and
 * with /arch "\t64-bit" or "\t32-bit" (arch). */
void report_list_item(struct text *text, const WCHAR *handler, const GUID *item, BOOL checked,
        const WCHAR *handler_name, const WCHAR *item_name, const WCHAR *arch)
{
    WCHAR item_str[39];

    guid_to_string(item, item_str);
    text_append(text, L"%ls\t%ls\t%ls\t%ls\t%ls%ls%ls\n", handler, item_str,
                checked ? L"checked" : L"unchecked", handler_name, item_name, arch ? L"\t" : L"",
                arch ? arch : L"");
}

/* /list: "{HANDLER}\t-\terror\t0xHRESULT\tMESSAGE", and the architecture as
 * above. */
void report_list_error(struct text *text, const WCHAR *handler, HRESULT hr, const WCHAR *message,
        const WCHAR *arch)
{
    text_append(text, L"%ls\t-\terror\t0x%08lX\t%ls%ls%ls\n", handler, hr, message,
                arch ? L"\t" : L"", arch ? arch : L"");
}

void report_summary(LONG succeeded, LONG failed, LONG skipped)
{
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), IDS_SUMMARY, succeeded, failed, skipped);
    output_line(L"%ls", message);
}

/* An /item: no handler of the session enumerated: a line of the session's
 * own, "warning\t-\t{ITEM}\tMESSAGE". */
void report_missing_item(const GUID *item)
{
    WCHAR item_str[39], message[256];

    guid_to_string(item, item_str);
    format_message(message, ARRAYSIZE(message), IDS_NOT_ENUMERATED, item_str);
    output_line(L"warning\t-\t%ls\t%ls", item_str, message);
}

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

/* The console sink: warnings and result lines for a synchronization, log
 * lines whatever the session does (docs/engine.md, "Where a handler's news
 * goes"). */
static void console_warning(const struct session *session, const struct handler_id *id,
        const WCHAR *text)
{
    if (session->options.mode == MODE_SYNC) report_warning(id->str, text);
}

static void console_log(const struct session *session, const struct handler_id *id, DWORD level,
        const struct log_entry *entry)
{
    report_log(level, id->str, entry->has_item ? &entry->item : NULL, entry->text);
}

/* Listing and choosing keep a handler's error for its place in the list. */
static void console_end(const struct session *session, const struct handler_id *id,
        const struct handler_end *end)
{
    const WCHAR *clsid = id->str;
    struct chunk chunk;
    unsigned int i;

    if (session->options.mode != MODE_SYNC) return;
    if (end->message) report_error(clsid, end->message, end->hr, end->show_code);
    /* The handler's lines together, another's neither before nor among them. */
    chunk_start(&chunk);
    for (i = 0; i < end->result_count; i++)
        report_result(&chunk, end->results[i].status, clsid, &end->results[i].id,
                      end->results[i].name);
    chunk_end(&chunk);
}

static const struct sink_ops console_sink_ops =
{
    .warning = console_warning,
    .log = console_log,
    .end = console_end,
};

const struct sink console_sink = { &console_sink_ops, NULL };
