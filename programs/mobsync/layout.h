/*
 * mobsync.exe: the dialogs' resizing (layout.c)
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_LAYOUT_H
#define __MOBSYNC_LAYOUT_H

/* A control that moves with the right or bottom edge, or grows with it. */
struct anchor
{
    int id;
    BYTE move_x, move_y, grow_x, grow_y;
};

#define MAX_ANCHORS 8

struct layout
{
    const struct anchor *anchors;
    unsigned int count;
    RECT rects[MAX_ANCHORS];   /* the controls' places at the first size */
    SIZE initial;              /* the client size from the template, the smallest */
    SIZE min_track;            /* the window size that goes with it */
};

extern void layout_init(struct layout *layout, HWND window, const struct anchor *anchors,
        unsigned int count);
extern void layout_apply(const struct layout *layout, HWND window, int width, int height);
extern void layout_min_track(const struct layout *layout, MINMAXINFO *info);

#endif /* __MOBSYNC_LAYOUT_H */
