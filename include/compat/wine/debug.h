/*
 * Wine's wine/debug.h, for builds with mingw-w64's Windows headers
 *
 * mobsync is built with mingw-w64's headers and takes wine/debug.h (and, for
 * the tests, wine/test.h) from the installed Wine. This header stands in
 * front of Wine's and supplies what Wine's own headers would have defined
 * first, where mingw-w64's do not:
 *
 * - DECLSPEC_EXPORT: Wine 10.0's debug.h declares the __wine_dbg_* functions
 *   with it (Wine 8.0's does not). Wine's winnt.h makes it empty for code
 *   built with __WINESRC__, as ours is (exports come from .spec files), and
 *   mingw-w64's winnt.h has no such macro.
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

#ifndef __MOBSYNC_WINE_DEBUG_H
#define __MOBSYNC_WINE_DEBUG_H

#ifndef DECLSPEC_EXPORT
# define DECLSPEC_EXPORT
# define MOBSYNC_UNDEF_DECLSPEC_EXPORT
#endif

#include_next <wine/debug.h>

#ifdef MOBSYNC_UNDEF_DECLSPEC_EXPORT
# undef DECLSPEC_EXPORT
# undef MOBSYNC_UNDEF_DECLSPEC_EXPORT
#endif

#endif /* __MOBSYNC_WINE_DEBUG_H */
