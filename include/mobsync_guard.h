/*
 * Copying memory that may be unreadable (libs/guard). Private to mobsync.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_GUARD_H
#define __MOBSYNC_GUARD_H

extern void guard_copy_install(void);
extern void guard_copy_uninstall(void);
extern BOOL guard_copy(void *dst, const void *src, SIZE_T size);
extern BOOL guard_copy_string(WCHAR *dst, const WCHAR *src, SIZE_T size);

#endif /* __MOBSYNC_GUARD_H */
