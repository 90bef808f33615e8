/*
 * mobsync.exe: icons as pixels, so that a worker's handler icon reaches
 * the session (a Wine HICON is a handle of one process only)
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

#include "mobsync_private.h"
#include "wingdi.h"
#include "winuser.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

/* The largest icon taken, in pixels each way. */
#define MAX_ICON_SIZE 256

static void fill_header(BITMAPINFOHEADER *header, DWORD width, DWORD height)
{
    memset(header, 0, sizeof(*header));
    header->biSize = sizeof(*header);
    header->biWidth = width;
    header->biHeight = -(LONG)height; /* top-down */
    header->biPlanes = 1;
    header->biBitCount = 32;
    header->biCompression = BI_RGB;
}

/* The icon's pixels, top row first, 32-bpp BGRA with alpha; where the icon
 * has no alpha of its own, its mask gives it. NULL when the icon cannot be
 * read (a handle of no icon, say). */
BYTE *icon_to_pixels(HICON icon, DWORD *width, DWORD *height)
{
    BITMAPINFO info;
    ICONINFO icon_info;
    BYTE *pixels = NULL, *mask = NULL;
    BOOL has_alpha = FALSE;
    BITMAP bitmap;
    DWORD i, count;
    HDC dc;

    if (!GetIconInfo(icon, &icon_info)) return NULL;
    if (!icon_info.hbmColor || !GetObjectW(icon_info.hbmColor, sizeof(bitmap), &bitmap)
            || bitmap.bmWidth <= 0 || bitmap.bmHeight <= 0
            || bitmap.bmWidth > MAX_ICON_SIZE || bitmap.bmHeight > MAX_ICON_SIZE)
        goto done;
    *width = bitmap.bmWidth;
    *height = bitmap.bmHeight;
    count = *width * *height;
    if (!(pixels = malloc(count * 4)) || !(mask = malloc(count * 4))) goto failed;
    dc = GetDC(NULL);
    fill_header(&info.bmiHeader, *width, *height);
    if (GetDIBits(dc, icon_info.hbmColor, 0, *height, pixels, &info, DIB_RGB_COLORS) != (int)*height)
    {
        ReleaseDC(NULL, dc);
        goto failed;
    }
    fill_header(&info.bmiHeader, *width, *height);
    if (!icon_info.hbmMask
            || GetDIBits(dc, icon_info.hbmMask, 0, *height, mask, &info, DIB_RGB_COLORS) != (int)*height)
        memset(mask, 0, count * 4);
    ReleaseDC(NULL, dc);
    for (i = 0; i < count && !has_alpha; i++) if (pixels[i * 4 + 3]) has_alpha = TRUE;
    if (!has_alpha)
        for (i = 0; i < count; i++) pixels[i * 4 + 3] = mask[i * 4] ? 0 : 0xff;
    goto done;

failed:
    free(pixels);
    pixels = NULL;
done:
    free(mask);
    if (icon_info.hbmColor) DeleteObject(icon_info.hbmColor);
    if (icon_info.hbmMask) DeleteObject(icon_info.hbmMask);
    return pixels;
}

/* An icon of this process from the pixels icon_to_pixels gave. */
HICON icon_from_pixels(const BYTE *pixels, DWORD width, DWORD height)
{
    ICONINFO icon_info = { TRUE };
    BITMAPINFO info;
    HICON icon = NULL;
    void *bits;
    HDC dc;

    if (!width || !height || width > MAX_ICON_SIZE || height > MAX_ICON_SIZE) return NULL;
    fill_header(&info.bmiHeader, width, height);
    dc = GetDC(NULL);
    icon_info.hbmColor = CreateDIBSection(dc, &info, DIB_RGB_COLORS, &bits, NULL, 0);
    ReleaseDC(NULL, dc);
    if (!icon_info.hbmColor) return NULL;
    memcpy(bits, pixels, width * height * 4);
    /* The alpha channel says what shows; the mask is only for the old way. */
    icon_info.hbmMask = CreateBitmap(width, height, 1, 1, NULL);
    if (icon_info.hbmMask) icon = CreateIconIndirect(&icon_info);
    DeleteObject(icon_info.hbmColor);
    if (icon_info.hbmMask) DeleteObject(icon_info.hbmMask);
    if (!icon) WARN("Cannot make an icon of %lux%lu pixels.\n", width, height);
    return icon;
}

/* What the trace shows of an icon: FNV-1a of its pixels. */
DWORD icon_checksum(const BYTE *pixels, DWORD width, DWORD height)
{
    DWORD hash = 2166136261u, i;

    for (i = 0; i < width * height * 4; i++) hash = (hash ^ pixels[i]) * 16777619u;
    return hash;
}
