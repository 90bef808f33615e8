/*
 * What the test handlers' files share
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Objects alive, for DllCanUnloadNow. */
extern LONG module_refs;

/* Appends "NN details tid=XXXX" to the file MOBSYNC_TEST_LOG names. */
extern void log_call(int behaviour, const char *format, ...);

/* chaos.c */
extern HRESULT chaos_create(int behaviour, REFIID riid, void **obj);

/* gallery.c */
extern HRESULT gallery_create(int behaviour, REFIID riid, void **obj);
