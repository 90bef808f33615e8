/*
 * mobsync.exe: a program's request (queue.c, request.c)
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_REQUEST_PRIVATE_H
#define __MOBSYNC_REQUEST_PRIVATE_H

#include "mobsync_request.h"

struct request
{
    struct mobsync_request header;
    BYTE *cookie;
};

extern BOOL request_read(const WCHAR *path, struct request *request);
extern BOOL request_shows_window(const struct request *request);
extern BOOL request_run(struct request *request, BOOL windows, int *ret);
extern BOOL request_save(const struct request *request, const WCHAR *folder, WCHAR *path);
extern BOOL request_start_window(const WCHAR *path);

#endif /* __MOBSYNC_REQUEST_PRIVATE_H */
