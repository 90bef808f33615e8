/*
 * mobsync.exe: every result, error and warning line, in one place
 *
 * The formats are a contract with the scripts that read them (README,
 * docs/engine.md): a tab between fields, one line each, names made
 * line-safe by copy_name before they get here.
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

#include "mobsync_private.h"
#include "resource.h"

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

/* "STATUS\t{HANDLER}\t{ITEM}\tNAME", collected to be written at once. */
void report_result(struct text *text, DWORD status, const WCHAR *handler, const GUID *item,
        const WCHAR *name)
{
    WCHAR item_str[39];

    guid_to_string(item, item_str);
    text_append(text, L"%ls\t%ls\t%ls\t%ls\n", status_name(status), handler, item_str, name);
}

/* "error\t{HANDLER}\t-\tMESSAGE", with " (0xHRESULT)" when show_code. */
void report_error(const WCHAR *handler, const WCHAR *message, HRESULT hr, BOOL show_code)
{
    if (show_code) output_line(L"error\t%ls\t-\t%ls (0x%08lX)", handler, message, hr);
    else output_line(L"error\t%ls\t-\t%ls", handler, message);
}

void report_warning(const WCHAR *handler, const WCHAR *text)
{
    output_line(L"warning\t%ls\t-\t%ls", handler, text);
}

/* What a handler logged: "LEVEL\t{HANDLER}\t{ITEM} or -\tTEXT". */
void report_log(DWORD level, const WCHAR *handler, const GUID *item, const WCHAR *text)
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
