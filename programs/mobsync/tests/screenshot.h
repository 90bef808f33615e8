/*
 * Screenshots of the windows under test: save_window_png() saves what the
 * screen shows of a window, frame included, as a PNG in the test output
 * folder ($MOBSYNC_TEST_OUTPUT, set by tools/runtests; the current folder
 * without it), and fails the test when the picture is blank.
 *
 * Include it after wine/test.h and the Windows headers; the test program
 * imports gdi32, ole32 and user32, and uuid for the WIC GUIDs.
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

#ifndef __MOBSYNC_SCREENSHOT_H
#define __MOBSYNC_SCREENSHOT_H

#include <stdlib.h>
#include <string.h>

/* The WIC macros come with wincodec.h itself, so that defining COBJMACROS
 * here is enough even when the Windows headers came without it. */
#ifndef COBJMACROS
#define COBJMACROS
#endif
#include "windef.h"
#include "winbase.h"
#include "wingdi.h"
#include "winuser.h"
#include "objbase.h"
#include "wincodec.h"

/* How long a window of another thread may take to come up and repaint. */
#define SCREENSHOT_REFRESH_TIMEOUT 5000

static inline int screenshot_compare_pixels(const void *a, const void *b)
{
    DWORD x = *(const DWORD *)a, y = *(const DWORD *)b;

    return x < y ? -1 : x > y;
}

/* The number of distinct colours of count 32-bpp pixels (their alpha bytes
 * ignored); the commonest colour in *commonest, and in *commonest_count how
 * many pixels it covers. */
static inline unsigned int count_colours(const DWORD *pixels, unsigned int count,
        DWORD *commonest, unsigned int *commonest_count)
{
    unsigned int i, run = 0, colours = 0;
    DWORD *sorted;

    *commonest = 0;
    *commonest_count = 0;
    if (!count || !(sorted = malloc(count * sizeof(*sorted)))) return 0;
    for (i = 0; i < count; i++) sorted[i] = pixels[i] & 0xffffff;
    qsort(sorted, count, sizeof(*sorted), screenshot_compare_pixels);
    for (i = 0; i < count; i++)
    {
        if (!i || sorted[i] != sorted[i - 1])
        {
            colours++;
            run = 0;
        }
        if (++run > *commonest_count)
        {
            *commonest_count = run;
            *commonest = sorted[i];
        }
    }
    free(sorted);
    return colours;
}

/* Blank: one colour, or one colour over more than 99% of the pixels (an
 * empty window with a one-pixel border). */
static inline BOOL screenshot_is_blank(unsigned int colours, unsigned int commonest,
        unsigned int count)
{
    return colours <= 1 || (ULONGLONG)commonest * 100 > (ULONGLONG)count * 99;
}

static inline void screenshot_refresh_now(HWND window)
{
    SetWindowPos(window, HWND_TOP, 0, 0, 0, 0, SWP_NOMOVE | SWP_NOSIZE | SWP_NOACTIVATE);
    RedrawWindow(window, NULL, NULL, RDW_INVALIDATE | RDW_FRAME | RDW_ALLCHILDREN | RDW_UPDATENOW);
}

static inline DWORD WINAPI screenshot_refresh_thread(void *window)
{
    screenshot_refresh_now(window);
    return 0;
}

/* Brings the window to the top and has it painted before it is captured. A
 * window of another thread or process is painted by sent messages, which
 * wait for as long as that thread does not answer: they are sent from a
 * thread of their own, waited for a while, and then left to themselves. */
static inline BOOL screenshot_refresh(HWND window)
{
    HANDLE thread;
    DWORD ret;

    if (GetWindowThreadProcessId(window, NULL) == GetCurrentThreadId())
    {
        screenshot_refresh_now(window);
        return TRUE;
    }
    if (!(thread = CreateThread(NULL, 0, screenshot_refresh_thread, window, 0, NULL)))
        return FALSE;
    ret = WaitForSingleObject(thread, SCREENSHOT_REFRESH_TIMEOUT);
    CloseHandle(thread);
    return ret == WAIT_OBJECT_0;
}

/* <MOBSYNC_TEST_OUTPUT>\<name>.png, or <name>.png in the current folder. */
static inline BOOL screenshot_path(WCHAR *path, unsigned int size, const char *name)
{
    unsigned int len;

    len = GetEnvironmentVariableW(L"MOBSYNC_TEST_OUTPUT", path, size);
    if (len >= size) return FALSE;
    if (len && path[len - 1] != '\\' && path[len - 1] != '/') path[len++] = '\\';
    if (!MultiByteToWideChar(CP_ACP, 0, name, -1, path + len, size - len)) return FALSE;
    len = wcslen(path);
    if (len + 5 > size) return FALSE;
    wcscpy(path + len, L".png");
    return TRUE;
}

static inline HRESULT screenshot_write_png(IWICImagingFactory *factory, const WCHAR *path,
        DWORD *pixels, unsigned int width, unsigned int height)
{
    WICPixelFormatGUID format = GUID_WICPixelFormat32bppBGRA;
    IWICBitmapFrameEncode *frame = NULL;
    IWICBitmapEncoder *encoder = NULL;
    IWICStream *stream = NULL;
    HRESULT hr;

    hr = IWICImagingFactory_CreateStream(factory, &stream);
    if (SUCCEEDED(hr)) hr = IWICStream_InitializeFromFilename(stream, path, GENERIC_WRITE);
    if (SUCCEEDED(hr))
        hr = IWICImagingFactory_CreateEncoder(factory, &GUID_ContainerFormatPng, NULL, &encoder);
    if (SUCCEEDED(hr))
        hr = IWICBitmapEncoder_Initialize(encoder, (IStream *)stream, WICBitmapEncoderNoCache);
    if (SUCCEEDED(hr)) hr = IWICBitmapEncoder_CreateNewFrame(encoder, &frame, NULL);
    if (SUCCEEDED(hr)) hr = IWICBitmapFrameEncode_Initialize(frame, NULL);
    if (SUCCEEDED(hr)) hr = IWICBitmapFrameEncode_SetSize(frame, width, height);
    if (SUCCEEDED(hr)) hr = IWICBitmapFrameEncode_SetPixelFormat(frame, &format);
    /* An encoder may offer another format than the one asked for. */
    if (SUCCEEDED(hr) && !IsEqualGUID(&format, &GUID_WICPixelFormat32bppBGRA))
        hr = WINCODEC_ERR_UNSUPPORTEDPIXELFORMAT;
    if (SUCCEEDED(hr))
        hr = IWICBitmapFrameEncode_WritePixels(frame, height, width * 4, width * height * 4,
                                               (BYTE *)pixels);
    if (SUCCEEDED(hr)) hr = IWICBitmapFrameEncode_Commit(frame);
    if (SUCCEEDED(hr)) hr = IWICBitmapEncoder_Commit(encoder);

    if (frame) IWICBitmapFrameEncode_Release(frame);
    if (encoder) IWICBitmapEncoder_Release(encoder);
    if (stream) IWICStream_Release(stream);
    return hr;
}

/* Reads back the size of the PNG written, which tells it is there. */
static inline HRESULT screenshot_png_size(IWICImagingFactory *factory, const WCHAR *path,
        UINT *width, UINT *height)
{
    IWICBitmapDecoder *decoder;
    IWICBitmapFrameDecode *frame;
    HRESULT hr;

    *width = *height = 0;
    hr = IWICImagingFactory_CreateDecoderFromFilename(factory, path, NULL, GENERIC_READ,
                                                      WICDecodeMetadataCacheOnDemand, &decoder);
    if (FAILED(hr)) return hr;
    hr = IWICBitmapDecoder_GetFrame(decoder, 0, &frame);
    if (SUCCEEDED(hr))
    {
        hr = IWICBitmapFrameDecode_GetSize(frame, width, height);
        IWICBitmapFrameDecode_Release(frame);
    }
    IWICBitmapDecoder_Release(decoder);
    return hr;
}

/* Captures what the screen shows inside the window's rectangle, frame
 * included, into <name>.png, and checks that the window is on screen, that
 * the picture is not blank and that the file was written. TRUE when all
 * of that held. */
#define save_window_png(window, name) save_window_png_(__FILE__, __LINE__, window, name)
static inline BOOL save_window_png_(const char *file, int line, HWND window, const char *name)
{
    unsigned int width, height, colours, commonest_count;
    UINT png_width, png_height;
    IWICImagingFactory *factory;
    HBITMAP bitmap, old_bitmap;
    BITMAPINFO info;
    HRESULT hr, init_hr;
    WCHAR path[MAX_PATH];
    BOOL ret, on_screen, blank;
    RECT rect, screen;
    DWORD *pixels, commonest;
    HDC screen_dc, dc;
    unsigned int i;

    ok_(file, line)(IsWindow(window), "%s: %p is not a window.\n", name, window);
    if (!IsWindow(window)) return FALSE;
    ret = screenshot_refresh(window);
    ok_(file, line)(ret, "%s: the window did not repaint in %u ms.\n", name,
                    SCREENSHOT_REFRESH_TIMEOUT);
    ok_(file, line)(IsWindowVisible(window), "%s: the window is not visible.\n", name);
    if (!IsWindowVisible(window)) ret = FALSE;

    GetWindowRect(window, &rect);
    width = rect.right - rect.left;
    height = rect.bottom - rect.top;
    ok_(file, line)(rect.right > rect.left && rect.bottom > rect.top,
                    "%s: the window is empty: %s.\n", name, wine_dbgstr_rect(&rect));
    if (rect.right <= rect.left || rect.bottom <= rect.top) return FALSE;
    SetRect(&screen, GetSystemMetrics(SM_XVIRTUALSCREEN), GetSystemMetrics(SM_YVIRTUALSCREEN),
            GetSystemMetrics(SM_XVIRTUALSCREEN) + GetSystemMetrics(SM_CXVIRTUALSCREEN),
            GetSystemMetrics(SM_YVIRTUALSCREEN) + GetSystemMetrics(SM_CYVIRTUALSCREEN));
    on_screen = rect.left >= screen.left && rect.top >= screen.top && rect.right <= screen.right
                && rect.bottom <= screen.bottom;
    ok_(file, line)(on_screen, "%s: the window %s is not all on the screen %s.\n", name,
                    wine_dbgstr_rect(&rect), wine_dbgstr_rect(&screen));
    if (!on_screen) ret = FALSE;

    memset(&info, 0, sizeof(info));
    info.bmiHeader.biSize = sizeof(info.bmiHeader);
    info.bmiHeader.biWidth = width;
    info.bmiHeader.biHeight = -(LONG)height; /* top-down, as WIC wants it */
    info.bmiHeader.biPlanes = 1;
    info.bmiHeader.biBitCount = 32;
    info.bmiHeader.biCompression = BI_RGB;
    screen_dc = GetDC(NULL);
    dc = CreateCompatibleDC(screen_dc);
    bitmap = CreateDIBSection(dc, &info, DIB_RGB_COLORS, (void **)&pixels, NULL, 0);
    ok_(file, line)(bitmap != NULL, "%s: CreateDIBSection of %ux%u failed: %lu.\n", name,
                    width, height, GetLastError());
    if (!bitmap)
    {
        DeleteDC(dc);
        ReleaseDC(NULL, screen_dc);
        return FALSE;
    }
    old_bitmap = SelectObject(dc, bitmap);
    if (!BitBlt(dc, 0, 0, width, height, screen_dc, rect.left, rect.top, SRCCOPY | CAPTUREBLT))
    {
        ok_(file, line)(0, "%s: BitBlt from the screen failed: %lu.\n", name, GetLastError());
        ret = FALSE;
    }
    GdiFlush();
    SelectObject(dc, old_bitmap);
    DeleteDC(dc);
    ReleaseDC(NULL, screen_dc);

    /* The screen has no alpha: the picture is opaque. */
    for (i = 0; i < width * height; i++) pixels[i] |= 0xff000000;
    colours = count_colours(pixels, width * height, &commonest, &commonest_count);
    blank = screenshot_is_blank(colours, commonest_count, width * height);
    ok_(file, line)(!blank, "%s: the screenshot is blank: %u colour(s), the commonest (#%06lx) "
                    "on %u.%02u%% of the %ux%u pixels.\n", name, colours, commonest,
                    (unsigned int)((ULONGLONG)commonest_count * 100 / (width * height)),
                    (unsigned int)((ULONGLONG)commonest_count * 10000 / (width * height) % 100),
                    width, height);
    if (blank) ret = FALSE;

    if (!screenshot_path(path, ARRAY_SIZE(path), name))
    {
        ok_(file, line)(0, "%s: no room for the screenshot's path.\n", name);
        DeleteObject(bitmap);
        return FALSE;
    }
    init_hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoCreateInstance(&CLSID_WICImagingFactory, NULL, CLSCTX_INPROC_SERVER,
                          &IID_IWICImagingFactory, (void **)&factory);
    if (SUCCEEDED(hr))
    {
        hr = screenshot_write_png(factory, path, pixels, width, height);
        if (SUCCEEDED(hr)) hr = screenshot_png_size(factory, path, &png_width, &png_height);
        IWICImagingFactory_Release(factory);
    }
    if (SUCCEEDED(init_hr)) CoUninitialize();
    DeleteObject(bitmap);

    ok_(file, line)(hr == S_OK, "%s: writing %s got %#lx.\n", name, wine_dbgstr_w(path), hr);
    if (hr != S_OK) return FALSE;
    ok_(file, line)(png_width == width && png_height == height,
                    "%s: %s is %ux%u, expected %ux%u.\n", name, wine_dbgstr_w(path),
                    png_width, png_height, width, height);
    if (png_width != width || png_height != height) ret = FALSE;
    if (winetest_debug > 1)
        trace("%s: %s, %ux%u, %u colours, the commonest (#%06lx) on %u pixels.\n", name,
              wine_dbgstr_w(path), width, height, colours, commonest, commonest_count);
    return ret;
}

#endif /* __MOBSYNC_SCREENSHOT_H */
