/*
 * What the fuzz tests of mobsync.exe share (fuzz_*.c): which seeds a run
 * takes, and a small random number generator that gives the same numbers
 * for the same seed on every machine and in both architectures.
 *
 * A run takes the seeds first .. first + count - 1: count is
 * MOBSYNC_FUZZ_SEEDS when set (make fuzz SEEDS=N), otherwise the test's
 * own default, small enough for make check; first is MOBSYNC_FUZZ_FIRST
 * (default 0), so that a failure's seed, which every failed check names in
 * its context, can be run again alone:
 *
 *     make fuzz SEEDS=1 FIRST=1234
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

#ifndef __MOBSYNC_FUZZ_H
#define __MOBSYNC_FUZZ_H

#include <stdlib.h>
#include <string.h>

#include "windef.h"
#include "winbase.h"

struct fuzz_seeds
{
    unsigned int first, count;
};

/* The seeds this run takes; default_count when MOBSYNC_FUZZ_SEEDS is not set. */
static inline struct fuzz_seeds fuzz_seeds(unsigned int default_count)
{
    struct fuzz_seeds seeds = { 0, default_count };
    char text[32];
    DWORD len;

    len = GetEnvironmentVariableA("MOBSYNC_FUZZ_SEEDS", text, sizeof(text));
    if (len && len < sizeof(text)) seeds.count = strtoul(text, NULL, 10);
    len = GetEnvironmentVariableA("MOBSYNC_FUZZ_FIRST", text, sizeof(text));
    if (len && len < sizeof(text)) seeds.first = strtoul(text, NULL, 10);
    return seeds;
}

/* splitmix64: every seed, even 0, starts a good sequence. */
struct fuzz_random
{
    ULONGLONG state;
};

static inline ULONGLONG fuzz_next(struct fuzz_random *random)
{
    ULONGLONG z = (random->state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void fuzz_random_init(struct fuzz_random *random, unsigned int seed, unsigned int border)
{
    /* Each step adds the same constant to the state: states that are a
     * multiple of it apart, as (border, seed) times it would be, give the
     * same numbers shifted (seed + 1's are seed's from the second on). A
     * scrambled start puts each seed somewhere else in the sequence. */
    random->state = (ULONGLONG)border << 32 | seed;
    random->state = fuzz_next(random);
}

/* A number from 0 to n - 1 (n > 0). */
static inline unsigned int fuzz_below(struct fuzz_random *random, unsigned int n)
{
    return (unsigned int)(fuzz_next(random) % n);
}

/* TRUE one time in n. */
static inline BOOL fuzz_one_in(struct fuzz_random *random, unsigned int n)
{
    return !fuzz_below(random, n);
}

/* A number that is often at an edge: 0, 1, a power of two or one next to
 * it, the largest of its size; otherwise any. */
static inline DWORD fuzz_edge_dword(struct fuzz_random *random)
{
    static const DWORD edges[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
                                   0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff };
    unsigned int bit;

    switch (fuzz_below(random, 4))
    {
    case 0: return edges[fuzz_below(random, ARRAYSIZE(edges))];
    case 1:
        bit = fuzz_below(random, 32);
        return (1u << bit) + fuzz_below(random, 3) - 1;
    default: return (DWORD)fuzz_next(random);
    }
}

/* Fills size bytes with random ones. */
static inline void fuzz_bytes(struct fuzz_random *random, void *data, size_t size)
{
    BYTE *p = data;

    while (size--) *p++ = (BYTE)fuzz_next(random);
}

/* Flips one bit of each of count random bytes of data (size > 0). */
static inline void fuzz_flip_bits(struct fuzz_random *random, void *data, size_t size, unsigned int count)
{
    BYTE *p = data;

    while (count--) p[fuzz_below(random, size)] ^= 1 << fuzz_below(random, 8);
}

/* Which border a test fuzzes: part of every seed's sequence, so that the
 * same seed gives each border different numbers. */
enum fuzz_border
{
    FUZZ_REQUEST = 1,
    FUZZ_WORKER,
    FUZZ_REGISTRY,
    FUZZ_CMDLINE,
};

/* What a child writes to a pipe, read to the end by a thread into a buffer
 * that grows and is always terminated: a child that writes more than limit
 * bytes must not block on a full pipe, so the rest is read and dropped. */
struct fuzz_output
{
    HANDLE pipe, reader;
    char *data;
    size_t len, size, limit;
};

static inline DWORD WINAPI fuzz_output_reader(void *arg)
{
    struct fuzz_output *output = arg;
    char buffer[4096], *data;
    DWORD read;
    size_t size;

    while (ReadFile(output->pipe, buffer, sizeof(buffer), &read, NULL) && read)
    {
        if (output->len + read + 1 > output->size)
        {
            if (output->len > output->limit) continue;
            size = max(output->size * 2, output->len + read + 1);
            if (!(data = realloc(output->data, size))) continue;
            output->data = data;
            output->size = size;
        }
        memcpy(output->data + output->len, buffer, read);
        output->len += read;
        output->data[output->len] = 0;
    }
    return 0;
}

/* Reads output->pipe (the rest of output zero) on a thread of its own. */
static inline void fuzz_output_start(struct fuzz_output *output, size_t limit)
{
    output->limit = limit;
    output->reader = CreateThread(NULL, 0, fuzz_output_reader, output, 0, NULL);
}

/* Waits for the end of the pipe (the child's end closed), and closes it;
 * data is then a string (empty if nothing came), for free(). */
static inline void fuzz_output_finish(struct fuzz_output *output)
{
    WaitForSingleObject(output->reader, 10000);
    CloseHandle(output->reader);
    CloseHandle(output->pipe);
    if (!output->data) output->data = calloc(1, 1);
}

#endif /* __MOBSYNC_FUZZ_H */
