/*
 * The test handlers' CLSIDs and item IDs, shared with the tests
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* {6D6F6273-796E-6374-6573-74000000NNNN}: handler NN; item II of handler NN is
 * {6D6F6273-796E-6374-6573-7400000NNII}. */
#define TEST_HANDLER_CLSID(n) \
    { 0x6d6f6273, 0x796e, 0x6374, { 0x65, 0x73, 0x74, 0x00, 0x00, 0x00, 0x00, (n) } }
#define TEST_ITEM_ID(n, i) \
    { 0x6d6f6273, 0x796e, 0x6374, { 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, (n), (i) } }

enum test_behaviour
{
    TEST_GOOD_SYNC       = 0x01, /* completes everything before returning */
    TEST_GOOD_ASYNC      = 0x02, /* completes from a worker thread after returning */
    TEST_NOT_TAKING_PART = 0x03, /* Initialize returns S_FALSE */
    TEST_MISSING_ITEMS   = 0x04, /* EnumSyncMgrItems returns S_SYNCMGR_MISSINGITEMS */
    TEST_RETRY           = 0x05, /* fails an item, asks for a retry through ShowError */
    TEST_CANCEL          = 0x06, /* works until Progress says it is cancelled */
    TEST_SKIP            = 0x07, /* works on item 1 until it is skipped; with item 3
                                    chosen, completes PrepareForSync only then */
    TEST_HANG            = 0x08, /* never completes Synchronize */
    TEST_CRASH           = 0x09, /* dereferences NULL in Synchronize */
    TEST_CRASH_WORKER    = 0x0a, /* dereferences NULL on a thread of its own */
    TEST_NULL_INFO       = 0x0b, /* GetHandlerInfo: S_OK and NULL */
    TEST_BAD_INFO_SIZE   = 0x0c, /* GetHandlerInfo: wrong cbSize */
    TEST_FETCHED_TOO_MANY = 0x0d, /* Next claims more items than asked for */
    TEST_RULE_BREAKER    = 0x0e, /* unterminated names, duplicates, calls out of turn */
    TEST_SLOW_FIRST      = 0x10, /* 0x10 .. 0x17: Synchronize takes one second */
    TEST_SLOW_LAST       = 0x17,
    TEST_BLOCK_INIT      = 0x18, /* Initialize waits for the test's release event,
                                    then reads its cookie */
    TEST_CRASH_LATE      = 0x19, /* Synchronize returns E_FAIL after a thread of its
                                    own crashed */
    TEST_MANY_ITEMS      = 0x1a, /* enumerates TEST_MANY_ITEM_COUNT items, fast */
    TEST_FLIP            = 0x1b, /* calls Progress with an item ID that another
                                    thread makes unreadable and readable again */
    TEST_PROPERTIES      = 0x1c, /* has properties; items with flags, icons and last
                                    update times, as many as TEST_ITEM_COUNT_VALUE says;
                                    completes ShowProperties from a thread of its own */
    TEST_ALWAYS_LIST     = 0x1d, /* SYNCMGRHANDLER_ALWAYSLISTHANDLER, no items */
    TEST_HIDDEN          = 0x1e, /* SYNCMGRHANDLER_HIDDEN */
    TEST_NO_ITEMS        = 0x1f, /* no handler flags, no items */
    TEST_WARNING         = 0x21, /* as TEST_GOOD_SYNC, with a warning for its first
                                    item instead of the information */
    TEST_PROGRESS_TEXT   = 0x22, /* from a thread of its own, each item to 7 of 10
                                    with a text of its own; waits for the test's
                                    release event, then completes them */
    TEST_MODELESS        = 0x23, /* 0x23 and 0x24: from a thread of its own, asks for
                                    EnableModeless(TRUE) and, when granted, gives it
                                    back, then completes its items */
    TEST_MODELESS2       = 0x24,
    TEST_CHAOS_FIRST     = 0x40, /* 0x40 .. 0x4f: misbehave as their seed says (chaos.c) */
    TEST_CHAOS_LAST      = 0x4f,
    /* 0x50 .. 0x73: the conformance checker's gallery (gallery.c). Each is a
     * correct handler of two items, except for the one rule it names. */
    TEST_GALLERY_FIRST   = 0x50,
    TEST_GALLERY_GOOD    = 0x50, /* breaks no rule */
    TEST_GALLERY_COMPLETE_TWICE = 0x51, /* calls SynchronizeCompleted twice */
    TEST_GALLERY_NO_FINAL_STATUS = 0x52, /* item 2's last Progress is UPDATING */
    TEST_GALLERY_FOREIGN_ITEM = 0x53, /* Progress for item 9, which it never enumerated */
    TEST_GALLERY_IGNORES_CANCEL = 0x54, /* told to stop, works on for 5.5 s */
    TEST_GALLERY_BAD_ITEM_SIZE = 0x55, /* item 2's cbSize is 4 bytes short */
    TEST_GALLERY_UNTERMINATED = 0x56, /* item 2's name fills its array, no terminator */
    TEST_GALLERY_BAD_FLAGS = 0x57, /* item 2's dwFlags has 0x80000000 set */
    TEST_GALLERY_BAD_TIME = 0x58, /* item 2 has a last update time of zero */
    TEST_GALLERY_SHORT_READ_S_OK = 0x59, /* Next says S_OK when it gives fewer than asked */
    TEST_GALLERY_SKIP_BROKEN = 0x5a, /* Skip says S_OK and does not move */
    TEST_GALLERY_CLONE_SHARED = 0x5b, /* Clone returns the same enumerator */
    TEST_GALLERY_KEEPS_CALLBACK = 0x5c, /* SetProgressCallback leaks the old callback */
    TEST_GALLERY_EXTRA_REF = 0x5d, /* Initialize takes a reference on itself for good */
    TEST_GALLERY_SLOW_INIT = 0x5e, /* takes 6 s in Initialize for Synchronization Settings */
    TEST_GALLERY_WINDOW_UNASKED = 0x5f, /* a message box without SYNCMGRFLAG_MAYBOTHERUSER */
    TEST_GALLERY_NO_MODELESS = 0x60, /* a message box without EnableModeless */
    TEST_GALLERY_CRASH   = 0x61, /* dereferences NULL in Synchronize */
    TEST_GALLERY_HANG    = 0x62, /* never reports nor completes Synchronize */
    TEST_GALLERY_COMPLETE_AFTER_RELEASE = 0x63, /* SynchronizeCompleted inside
                                                   SetProgressCallback(NULL) */
    TEST_GALLERY_INFO_UNTERMINATED = 0x64, /* its name fills wszHandlerName, no terminator */
    TEST_GALLERY_INFO_FLAGS = 0x65, /* SyncMgrHandlerFlags has 0x80000000 set */
    TEST_GALLERY_ITEM_STATE = 0x66, /* item 2's dwItemState is 2, neither checked nor not */
    TEST_GALLERY_PROGRESS_SIZE = 0x67, /* a Progress for item 2 with cbSize 4 bytes short */
    TEST_GALLERY_PROGRESS_MASK = 0x68, /* a Progress for item 2 with mask bit 0x100 */
    TEST_GALLERY_PROGRESS_STATUS = 0x69, /* a Progress for item 2 with dwStatusType 9 */
    TEST_GALLERY_LOG_LEVEL = 0x6a, /* item 2's LogError has level 0 */
    TEST_GALLERY_LOG_INFO_SIZE = 0x6b, /* item 2's SYNCMGRLOGERRORINFO cbSize is 4 bytes short */
    TEST_GALLERY_LOG_INFO_MASK = 0x6c, /* item 2's SYNCMGRLOGERRORINFO mask has 0x100 set */
    TEST_GALLERY_LOG_ERROR_FLAGS = 0x6d, /* item 2's dwSyncMgrErrorFlags has 0x02 set */
    TEST_GALLERY_CLONE_FAILS = 0x6e, /* Clone returns E_FAIL rather than E_NOTIMPL */
    TEST_GALLERY_COMPLETE_UNASKED = 0x6f, /* ShowErrorCompleted with no ShowError asked */
    TEST_GALLERY_LATE    = 0x70, /* its first synchronization's thread keeps the
                                    callback and completes once the next instance
                                    is made, after that path was judged */
    TEST_GALLERY_RESET_IGNORED = 0x71, /* Reset does not go back to the first item */
    TEST_GALLERY_SKIP_MOVES_START = 0x72, /* Skip moves the point Reset goes back to */
    TEST_GALLERY_FLOOD   = 0x73, /* item 1 reports at work 100,500 times (breaks no
                                    rule: the checker judges the first 100,000 calls) */
    TEST_GALLERY_LAST    = 0x73,
    TEST_HANDLER_COUNT
};

/* Chaos handler 0x40 + k takes the seed TEST_CHAOS_SEED * 16 + k. */
#define TEST_CHAOS_SEED_VARIABLE "MOBSYNC_CHAOS_SEED"

/* Every kind of misbehaviour a chaos handler may show; each one it shows
 * is recorded as "chaos NAME". */
#define TEST_CHAOS_KINDS \
    X(init_hr) X(init_false) X(info_null) X(info_size) X(info_unterminated) X(info_unreadable) \
    X(info_hr) X(enum_null) X(enum_hr) X(next_too_many) X(next_huge) X(next_hr) \
    X(next_more_than_asked) X(item_unterminated) X(item_size) X(item_duplicate) \
    X(prepare_hr) X(prepare_twice) X(prepare_never) X(prepare_thread) X(prepare_late) \
    X(sync_hr) X(sync_twice) X(sync_never) X(sync_thread) X(sync_late) X(sync_before) \
    X(progress_unknown) X(progress_null) X(progress_size) X(progress_unreadable) \
    X(progress_status) X(log_unterminated) X(log_null) X(log_info_unreadable) X(log_info_size) \
    X(log_level) X(delete_null) X(delete_random) X(showerror_huge) X(showerror_null) \
    X(showerror_unreadable) X(modeless) X(connection) X(after_release) X(noise_thread) \
    X(status_out_of_turn) X(showerror_hr)


/* The items TEST_MANY_ITEMS enumerates: as many as the manager takes. */
#define TEST_MANY_ITEM_COUNT 1000000

/* The manual-reset event the Nth object of handler NN (hexadecimal) made in
 * a process waits for, when the test has created it. Object 0 of
 * TEST_PROPERTIES stands for all of them: ShowProperties completes when it is
 * set (or after 60 s). Object 0 of TEST_PROGRESS_TEXT too: its items stay at
 * 7 of 10 until it is set (or for 60 s). For TEST_MODELESS and TEST_MODELESS2,
 * objects 1 and 2 stand for the steps of all of them: object 1 is waited for
 * before EnableModeless(TRUE), object 2 before EnableModeless(FALSE). */
#define TEST_RELEASE_EVENT "Local\\mobsync_test_release_%02x_%u"

/* The key under HKEY_CURRENT_USER whose REG_DWORD values TEST_PROPERTIES
 * reads: how many items it enumerates, read at each EnumSyncMgrItems (0 ..
 * TEST_PROPERTIES_MAX_ITEMS; 3 when absent), and the HRESULT it completes
 * ShowProperties with (S_OK when absent). */
#define TEST_REGISTRY_KEY "Software\\mobsync_test"
#define TEST_ITEM_COUNT_VALUE "ItemCount"
#define TEST_PROPERTIES_RESULT_VALUE "PropertiesResult"
#define TEST_PROPERTIES_MAX_ITEMS 9


/* TEST_MANY_ITEMS hands over item 524,289 this many ms after Initialize. */
#define TEST_PACE_VARIABLE "MOBSYNC_TEST_PACE"

/* The environment variable naming the file each call is recorded in. */
#define TEST_LOG_VARIABLE "MOBSYNC_TEST_LOG"
/* When set, "Created" says "Created bits=32|64 pid=PID parent=PID": the process
 * it runs in, and the one that started that. */
#define TEST_LOG_BITS_VARIABLE "MOBSYNC_TEST_LOG_BITS"
