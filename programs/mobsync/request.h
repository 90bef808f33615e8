/*
 * mobsync.exe: a program's request (queue.c, request.c, progress.c)
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

/* An open progress dialog owns a message-only window of this class while
 * it may take more requests: WM_COPYDATA with PROGRESS_JOIN_MAGIC and the
 * path of a saved request (a NUL-terminated WCHAR string) asks it to join
 * the request to its synchronization; the answer is 1 when it did. */
#define PROGRESS_JOIN_CLASS L"mobsync.progress"
#define PROGRESS_JOIN_MAGIC 0x6d736a6e /* COPYDATASTRUCT.dwData */

/* request.c */
extern BOOL request_read(const WCHAR *path, struct request *request);
extern BOOL request_options(const struct request *request, struct session_options *options);
extern BOOL request_starts_sync(const struct request *request);
extern BOOL request_save(const struct request *request, const WCHAR *folder, WCHAR *path);
extern BOOL request_claim(const WCHAR *path, struct request *request);
extern BOOL request_offer(const WCHAR *path);

#endif /* __MOBSYNC_REQUEST_PRIVATE_H */
