/*
 * mobsync.exe output: UTF-8 lines on stdout, one writer at a time
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

static CRITICAL_SECTION output_cs;
static HANDLE out;
static BOOL console;

void output_init(void)
{
    DWORD mode;

    InitializeCriticalSection(&output_cs);
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

/* A message of the resources, its %1 being arg: on stdout, or stderr. */
static void print_to(DWORD std_handle, UINT id, const WCHAR *arg)
{
    WCHAR message[512];

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
void output_line(const WCHAR *format, ...)
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

/* Collects lines, to be written at once by output_text. */
void text_append(struct text *text, const WCHAR *format, ...)
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

static void vformat_message(WCHAR *buffer, unsigned int size, UINT id, va_list *args)
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
