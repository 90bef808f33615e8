/*
 * What the fake worker (fakeworker.c) and the test that starts it
 * (programs/mobsync/tests/fuzz_worker.c) share: the handlers it fakes, how
 * it is told its seed, every kind of mutation it can make, and the plan both
 * draw from a seed, so that the test knows what the session must report.
 *
 * The seed comes through the environment: the test sets FAKE_SEED_VARIABLE
 * (and FAKE_LOG_VARIABLE) before it starts mobsync.exe, which passes its
 * environment on to the worker it starts (MOBSYNC_WORKER names the fake
 * worker). Nothing in the session's own options changes, so the session
 * under test is exactly the one a user's command line makes.
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

#ifndef __MOBSYNC_FAKEWORKER_H
#define __MOBSYNC_FAKEWORKER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../programs/mobsync/tests/fuzz.h"

/* The seed, in decimal, or a named case (fake_plan_from_text); the file
 * the worker appends what it did to. */
#define FAKE_SEED_VARIABLE "MOBSYNC_FAKE_WORKER_SEED"
#define FAKE_LOG_VARIABLE  "MOBSYNC_FAKE_WORKER_LOG"

/* The mutex the worker holds as long as it runs, named after its log's
 * file: the test can tell that none is left once its session has ended. */
static inline void fake_alive_mutex(const char *log_path, char *name, size_t size)
{
    const char *file = strrchr(log_path, '\\');

    snprintf(name, size, "Local\\mobsync_fakeworker_%s", file ? file + 1 : log_path);
}

/* The event the test makes before it starts a session whose plan has a
 * request (fake_plan.control), and the worker sets when the request is
 * to come: the test then sends /skip or /stop to the session's window. */
static inline void fake_ready_event(const char *log_path, char *name, size_t size)
{
    const char *file = strrchr(log_path, '\\');

    snprintf(name, size, "Local\\mobsync_fakeworker_ready_%s", file ? file + 1 : log_path);
}

/* Test handler numbers 0x70 .. 0x72 (TEST_HANDLER_CLSID), registered in the
 * other architecture's view only: the session hands them to its worker. */
#define FAKE_FIRST 0x70
#define FAKE_COUNT 3
/* A big session also names handlers 0x80 .. 0xff, which the worker ends
 * at once with no items, and FAKE_BIG_ITEMS /item: IDs nobody has: its
 * WIRE_SESSION is larger than a pipe's buffer (4 KB under Wine). */
#define FAKE_EXTRA_FIRST 0x80
#define FAKE_EXTRA 128
#define FAKE_BIG_ITEMS 120

/* Item i (1 ..) of fake handler n, named "Item i". */
#define FAKE_ITEM_ID(n, i) \
    { 0x6d6f6273, 0x796e, 0x6374, { 0x66, 0x61, 0x6b, 0x65, (n), (BYTE)((i) >> 16), (BYTE)((i) >> 8), \
                                    (BYTE)(i) } }

/* What no line of the session's output may start with: the worker puts it
 * after line breaks inside texts, and in news the session must not take
 * (after a handler's end, after WIRE_DONE). */
#define FAKE_MARKER "FAKEMARK"
/* What the output may not contain at all: the text of strings that do not
 * end within their message. */
#define FAKE_UNTERMINATED "FAKEUNTERM"

/* Every kind of mutation, with what it may do to the handler it concerns:
 *  REGULAR     nothing wrong: a way a real worker reports (a failure, a
 *              skip, a table in parts), which the session must report as
 *              planned;
 *  HARMLESS    a message the session must ignore (or take without harm):
 *              the handler's results are still exactly as planned;
 *  DISRUPTIVE  a message that may change what the session makes of the
 *              handler: its results must only be plausible;
 *  TERMINAL    the worker stops (ends, hangs, breaks the stream, stops
 *              reading what it asked for): the handlers it had not ended
 *              yet must get an error line.
 * slow: the session can only end at its time limit and margin. A request
 * the test sends (control_lies, modeless_flood) must be answered within
 * the session's time for an answer, whatever the worker does. */
#define FAKE_KINDS \
    X(ends_fail,          REGULAR,    0) \
    X(ends_skip,          REGULAR,    0) \
    X(table_parts,        REGULAR,    0) \
    X(table_big,          REGULAR,    0) \
    X(unknown_type,       HARMLESS,   0) \
    X(foreign_handler,    HARMLESS,   0) \
    X(null_handler,       HARMLESS,   0) \
    X(after_done,         HARMLESS,   0) \
    X(out_of_order,       HARMLESS,   0) \
    X(finish_twice,       HARMLESS,   0) \
    X(progress_past,      HARMLESS,   0) \
    X(text_past,          HARMLESS,   0) \
    X(items_bad_part,     HARMLESS,   0) \
    X(items_huge,         HARMLESS,   0) \
    X(items_twice,        HARMLESS,   0) \
    X(choice_bad,         HARMLESS,   0) \
    X(end_bad,            HARMLESS,   0) \
    X(wrong_size,         HARMLESS,   0) \
    X(unterminated,       HARMLESS,   0) \
    X(line_breaks,        HARMLESS,   0) \
    X(huge_text,          HARMLESS,   0) \
    X(icon_huge,          HARMLESS,   0) \
    X(modeless_keep,      HARMLESS,   0) \
    X(state,              HARMLESS,   0) \
    X(state_untimed,      HARMLESS,   0) \
    X(noise,              HARMLESS,   0) \
    X(late_child,         HARMLESS,   0) \
    X(control_lies,       HARMLESS,   0) \
    X(items_restart,      DISRUPTIVE, 0) \
    X(items_duplicate,    DISRUPTIVE, 0) \
    X(items_late,         DISRUPTIVE, 0) \
    X(statuses_mismatch,  DISRUPTIVE, 0) \
    X(bit_flips,          DISRUPTIVE, 0) \
    X(size_lies,          TERMINAL,   0) \
    X(half_message,       TERMINAL,   0) \
    X(no_done,            TERMINAL,   0) \
    X(stop_after_choice,  TERMINAL,   0) \
    X(oversize,           TERMINAL,   0) \
    X(header_garbage,     TERMINAL,   0) \
    X(hang,               TERMINAL,   1) \
    X(no_read,            TERMINAL,   1) \
    X(modeless_flood,     TERMINAL,   1)

enum fake_class { FAKE_REGULAR, FAKE_HARMLESS, FAKE_DISRUPTIVE, FAKE_TERMINAL };

enum fake_kind
{
#define X(name, class, slow) FAKE_##name,
    FAKE_KINDS
#undef X
    FAKE_KIND_COUNT
};

static inline enum fake_class fake_kind_class(enum fake_kind kind)
{
    static const enum fake_class classes[] =
    {
#define X(name, class, slow) FAKE_##class,
        FAKE_KINDS
#undef X
    };
    return classes[kind];
}

static inline BOOL fake_kind_slow(enum fake_kind kind)
{
    static const BYTE slow[] =
    {
#define X(name, class, is_slow) is_slow,
        FAKE_KINDS
#undef X
    };
    return slow[kind];
}

static inline const char *fake_kind_name(enum fake_kind kind)
{
    static const char * const names[] =
    {
#define X(name, class, slow) #name,
        FAKE_KINDS
#undef X
    };
    return names[kind];
}

/* The items whose choice and end the plan says; a big table's others are
 * neither checked nor chosen. */
#define FAKE_DETAILED 8

enum fake_end { FAKE_END_FINISH, FAKE_END_FAIL, FAKE_END_SKIP };

struct fake_handler_plan
{
    unsigned int item_count;       /* items 1 .. item_count */
    unsigned int parts;            /* the table is sent in this many parts (at most item_count) */
    BOOL chosen[FAKE_DETAILED];
    DWORD status[FAKE_DETAILED];   /* what its end says of the item */
    DWORD default_status;          /* what its end says of the others */
    enum fake_end end;
    HRESULT hr;                    /* FAKE_END_FAIL */
    BOOL show_code;
    BOOL warning, log;             /* a warning line, an information line */
    BOOL disrupted;                /* a disruptive mutation concerns it */
    BOOL cut;                      /* the worker stopped before its end */
};

#define FAKE_MAX_MUTATIONS 4

struct fake_mutation
{
    enum fake_kind kind;
    unsigned int target;           /* the handler it concerns most */
};

struct fake_plan
{
    unsigned int timeout;          /* the session's /timeout:, in seconds */
    BOOL big_session;              /* the test names FAKE_EXTRA more handlers */
    struct fake_mutation mutations[FAKE_MAX_MUTATIONS];
    unsigned int mutation_count;
    int terminal;                  /* the terminal kind, or -1 */
    unsigned int order[FAKE_COUNT]; /* the order the handlers end in */
    unsigned int cut_rank;         /* how many of them end before a terminal kind */
    BOOL forced;                   /* a named case: it stops right before the next end */
    BOOL control;                  /* the test sends the session a request (fake_ready_event): */
    BOOL control_stop;             /* /stop, or /skip of the first item */
    unsigned int control_target;   /* of this handler */
    struct fake_handler_plan handlers[FAKE_COUNT];
};

/* Whether a kind is in the plan, and for which handler. */
static inline BOOL fake_has(const struct fake_plan *plan, enum fake_kind kind, unsigned int *target)
{
    unsigned int i;

    for (i = 0; i < plan->mutation_count; i++)
    {
        if (plan->mutations[i].kind != kind) continue;
        if (target) *target = plan->mutations[i].target;
        return TRUE;
    }
    return FALSE;
}

/* Whether fake handler k's results are exactly as planned. */
static inline BOOL fake_exact(const struct fake_plan *plan, unsigned int k)
{
    return !plan->handlers[k].disrupted && !plan->handlers[k].cut;
}

enum
{
    FAKE_TERMINAL_COUNT = 0
#define X(name, class, slow) + (FAKE_##class == FAKE_TERMINAL)
    FAKE_KINDS
#undef X
};

/* Seeds in a round: those that are not terminal two to a seed, the
 * terminal ones alone (what a terminal kind cuts short would not be
 * made). Any FAKE_ROUND seeds in a row make every kind. */
#define FAKE_ROUND ((FAKE_KIND_COUNT - FAKE_TERMINAL_COUNT + 1) / 2 + FAKE_TERMINAL_COUNT)

/* The kinds seed s is about, as FAKE_ROUND says; the slow ones only every
 * fourth round, except in the first (seeds 0 .. FAKE_ROUND - 1, make
 * check's), to keep long runs practical. Gives how many. */
static inline unsigned int fake_scheduled_kinds(unsigned int seed, enum fake_kind *kinds)
{
    unsigned int slot = seed % FAKE_ROUND, count = 0, pairs = 0, lone = 0, kind;

    for (kind = 0; kind < FAKE_KIND_COUNT; kind++)
    {
        if (fake_kind_class(kind) == FAKE_TERMINAL)
        {
            if ((FAKE_KIND_COUNT - FAKE_TERMINAL_COUNT + 1) / 2 + lone++ != slot) continue;
        }
        else if (pairs++ / 2 != slot) continue;
        if (fake_kind_slow(kind) && seed >= FAKE_ROUND && (seed / FAKE_ROUND) % 4) continue;
        kinds[count++] = kind;
    }
    return count;
}

/* The plan of a seed. With forced kinds (a named case), only those, all
 * about handler target, which ends cut_rank-th, right where a terminal
 * one of them stops the worker. */
static inline void fake_plan_ex(unsigned int seed, const enum fake_kind *forced, unsigned int forced_count,
        unsigned int target, unsigned int cut_rank, struct fake_plan *plan)
{
    static const DWORD statuses[] =
    {
        SYNCMGRSTATUS_SUCCEEDED, SYNCMGRSTATUS_SUCCEEDED, SYNCMGRSTATUS_SUCCEEDED, SYNCMGRSTATUS_FAILED,
        SYNCMGRSTATUS_SKIPPED, SYNCMGRSTATUS_STOPPED, SYNCMGRSTATUS_PENDING, SYNCMGRSTATUS_UPDATING,
    };
    static const DWORD defaults[] =
    {
        SYNCMGRSTATUS_SUCCEEDED, SYNCMGRSTATUS_FAILED, SYNCMGRSTATUS_SKIPPED, SYNCMGRSTATUS_STOPPED,
    };
    struct fuzz_random random;
    unsigned int i, j, k, extra;
    enum fake_kind kind;

    memset(plan, 0, sizeof(*plan));
    fuzz_random_init(&random, seed, FUZZ_WORKER);
    plan->timeout = 3 + fuzz_below(&random, 2);
    plan->terminal = -1;

    for (k = 0; k < FAKE_COUNT; k++)
    {
        struct fake_handler_plan *handler = &plan->handlers[k];

        handler->item_count = fuzz_below(&random, 7);
        handler->parts = 1;
        for (i = 0; i < FAKE_DETAILED; i++)
        {
            handler->chosen[i] = !fuzz_one_in(&random, 4);
            handler->status[i] = statuses[fuzz_below(&random, ARRAYSIZE(statuses))];
        }
        handler->default_status = defaults[fuzz_below(&random, ARRAYSIZE(defaults))];
        handler->end = fuzz_one_in(&random, 10) ? FAKE_END_FAIL
                : fuzz_one_in(&random, 10) ? FAKE_END_SKIP : FAKE_END_FINISH;
        handler->hr = 0x80040000 | fuzz_below(&random, 0x10000);
        handler->show_code = fuzz_below(&random, 2);
        handler->warning = fuzz_one_in(&random, 3);
        handler->log = fuzz_one_in(&random, 3);
        plan->order[k] = k;
    }
    /* The order they end in. */
    for (k = FAKE_COUNT - 1; k > 0; k--)
    {
        j = fuzz_below(&random, k + 1);
        i = plan->order[k];
        plan->order[k] = plan->order[j];
        plan->order[j] = i;
    }

    if (forced_count)
    {
        for (i = 0; i < min(forced_count, FAKE_MAX_MUTATIONS); i++)
        {
            plan->mutations[i].kind = forced[i];
            plan->mutations[i].target = target;
        }
        plan->mutation_count = i;
        plan->forced = TRUE;
        for (k = 0; k < FAKE_COUNT; k++)
        {
            if (plan->order[k] != target) continue;
            plan->order[k] = plan->order[cut_rank];
            plan->order[cut_rank] = target;
            break;
        }
    }
    else
    {
        /* The seed's kinds, and up to two more that are not terminal. */
        enum fake_kind scheduled[2];

        plan->mutation_count = fake_scheduled_kinds(seed, scheduled);
        for (i = 0; i < plan->mutation_count; i++)
        {
            plan->mutations[i].kind = scheduled[i];
            plan->mutations[i].target = fuzz_below(&random, FAKE_COUNT);
        }
        extra = fuzz_below(&random, 3);
        for (i = 0; i < extra; i++)
        {
            kind = fuzz_below(&random, FAKE_KIND_COUNT);
            if (fake_kind_class(kind) == FAKE_TERMINAL || fake_has(plan, kind, NULL)) continue;
            /* A worker that reads nothing hears no answer. */
            if ((kind == FAKE_control_lies || kind == FAKE_items_huge)
                    && (fake_has(plan, FAKE_hang, NULL) || fake_has(plan, FAKE_no_read, NULL)
                        || fake_has(plan, FAKE_modeless_flood, NULL)))
                continue;
            plan->mutations[plan->mutation_count].kind = kind;
            plan->mutations[plan->mutation_count].target = fuzz_below(&random, FAKE_COUNT);
            plan->mutation_count++;
        }
        cut_rank = fuzz_below(&random, FAKE_COUNT + 1);
    }

    for (i = 0; i < plan->mutation_count; i++)
    {
        struct fake_handler_plan *handler = &plan->handlers[plan->mutations[i].target];

        switch (plan->mutations[i].kind)
        {
        case FAKE_ends_fail: handler->end = FAKE_END_FAIL; break;
        case FAKE_ends_skip: handler->end = FAKE_END_SKIP; break;
        case FAKE_table_parts:
            handler->item_count = 2 + fuzz_below(&random, 7);
            handler->parts = 2 + fuzz_below(&random, handler->item_count - 1);
            break;
        case FAKE_table_big:
            handler->item_count = 4097 + fuzz_below(&random, 2000);
            handler->parts = 1 + fuzz_below(&random, 3);
            break;
        case FAKE_items_bad_part:
        case FAKE_items_restart:
            /* In parts, so that a bad one can come between them. */
            handler->item_count = 2 + fuzz_below(&random, 7);
            handler->parts = 2;
            break;
        case FAKE_items_twice:
        case FAKE_items_duplicate:
        case FAKE_items_late:
        case FAKE_choice_bad:
        case FAKE_statuses_mismatch:
        case FAKE_progress_past:
        case FAKE_text_past:
            if (!handler->item_count) handler->item_count = 1 + fuzz_below(&random, 6);
            break;
        default: break;
        }
        if (fake_kind_class(plan->mutations[i].kind) == FAKE_DISRUPTIVE) handler->disrupted = TRUE;
        if (fake_kind_class(plan->mutations[i].kind) == FAKE_TERMINAL)
        {
            plan->terminal = plan->mutations[i].kind;
            plan->cut_rank = plan->terminal == FAKE_no_read ? 0 : cut_rank;
        }
    }
    /* The worker ends right after its target's choice, which ends first. */
    if (fake_has(plan, FAKE_stop_after_choice, &j))
    {
        for (k = 0; k < FAKE_COUNT; k++)
        {
            if (plan->order[k] != j) continue;
            plan->order[k] = plan->order[0];
            plan->order[0] = j;
            break;
        }
        plan->cut_rank = 0;
    }
    /* The worker lies in its answer to a request, or floods the session
     * and answers none: the test sends one. */
    plan->control = fake_has(plan, FAKE_control_lies, &plan->control_target)
            || fake_has(plan, FAKE_modeless_flood, &plan->control_target);
    plan->control_stop = fuzz_below(&random, 2);
    /* A worker that never reads makes the session's own write the first
     * thing to block, when it is large. */
    plan->big_session = plan->terminal == FAKE_no_read || (!forced_count && fuzz_one_in(&random, 16));
    if (plan->terminal != -1)
        for (i = plan->cut_rank; i < FAKE_COUNT; i++) plan->handlers[plan->order[i]].cut = TRUE;
}

static inline void fake_plan(unsigned int seed, struct fake_plan *plan)
{
    fake_plan_ex(seed, NULL, 0, 0, 0, plan);
}

/* The plan FAKE_SEED_VARIABLE says: "SEED", or a named case,
 * "SEED:KIND[+KIND...]:TARGET:CUT_RANK" (fake_plan_ex); FALSE when it
 * says neither. */
static inline BOOL fake_plan_from_text(const char *text, struct fake_plan *plan)
{
    enum fake_kind forced[FAKE_MAX_MUTATIONS];
    unsigned int seed, count = 0, target = 0, cut_rank = 0, k;
    char name[32];
    char *end;
    size_t len;

    seed = strtoul(text, &end, 10);
    if (end == text) return FALSE;
    if (*end == ':')
    {
        for (text = end + 1; *text && *text != ':'; text += len + (text[len] == '+'))
        {
            len = strcspn(text, "+:");
            if (len >= sizeof(name) || count == FAKE_MAX_MUTATIONS) return FALSE;
            memcpy(name, text, len);
            name[len] = 0;
            for (k = 0; k < FAKE_KIND_COUNT; k++) if (!strcmp(name, fake_kind_name(k))) break;
            if (k == FAKE_KIND_COUNT) return FALSE;
            forced[count++] = k;
        }
        if (*text != ':' || sscanf(text, ":%u:%u", &target, &cut_rank) != 2 || target >= FAKE_COUNT
                || cut_rank >= FAKE_COUNT)
            return FALSE;
    }
    else if (*end) return FALSE;
    fake_plan_ex(seed, forced, count, target, cut_rank, plan);
    return TRUE;
}

/* The worker's own sequence for the details, which the test never needs. */
static inline void fake_details_init(struct fuzz_random *random, unsigned int seed)
{
    fuzz_random_init(random, seed ^ 0x5a5a5a5a, FUZZ_WORKER + 0x100);
}

#endif /* __MOBSYNC_FAKEWORKER_H */
