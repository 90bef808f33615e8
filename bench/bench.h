/*
 * Shared by the benchmark programs and the benchmark handler
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* {B3C4B3C4-0000-4000-8000-0000000000NN}: benchmark handler NN. */
#define BENCH_CLSID(n) \
    { 0xb3c4b3c4, 0x0000, 0x4000, { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, (n) } }
#define BENCH_CLSID_FMT "{B3C4B3C4-0000-4000-8000-0000000000%02X}"

enum bench_behaviour
{
    BENCH_NOOP_FIRST  = 0x01, /* 0x01..0x08: BENCH_ITEMS items (default 250), nothing to do */
    BENCH_NOOP_LAST   = 0x08,
    BENCH_SLOW_FIRST  = 0x11, /* 0x11..0x18: Synchronize takes 500 ms */
    BENCH_SLOW_LAST   = 0x18,
    BENCH_PROGRESS    = 0x20, /* calls Progress BENCH_CALLS times (default 100,000) from a thread
                                 of its own; appends "BENCH_TAG CALLS/S EMPTY-CALLS/S" to BENCH_RESULT */
    BENCH_LATENCY     = 0x30, /* writes the time of Initialize to BENCH_STAMP */
};

#define BENCH_PROGRESS_CALLS 100000
/* CLSID n + BENCH_OTHER_VIEW behaves as n; the bench registers it for the
 * other architecture only, so that a worker runs it. */
#define BENCH_OTHER_VIEW 0x40
