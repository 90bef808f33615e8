/*
 * mobsync.exe resource identifiers
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#define IDS_USAGE               100
#define IDS_BAD_SWITCH          101
#define IDS_BAD_VALUE           102
#define IDS_SUMMARY             103
#define IDS_CANNOT_LOAD         110
#define IDS_INITIALIZE_FAILED   111
#define IDS_BAD_HANDLER_INFO    112
#define IDS_ENUM_FAILED         113
#define IDS_NOT_REGISTERED      114
#define IDS_TIMED_OUT           115
#define IDS_CRASHED             116
#define IDS_PREPARE_FAILED      117
#define IDS_SYNCHRONIZE_FAILED  118
#define IDS_FETCHED_TOO_MANY    119
#define IDS_DUPLICATE_ITEM      120
#define IDS_BAD_ITEM_SIZE       121
#define IDS_TOO_MANY_ITEMS      122
#define IDS_NOT_ENUMERATED      125
#define IDS_OUT_OF_MEMORY       127
#define IDS_NO_THREAD           128
#define IDS_NO_SESSION          130
#define IDS_NOTHING_TO_SKIP     131
#define IDS_NOTHING_TO_STOP     132
#define IDS_CONTROL_OPTIONS     133
#define IDS_NO_WORKER           134
#define IDS_WORKER_ENDED        135
#define IDS_NO_OTHER_ARCH       136
#define IDS_NOTHING_CHOSEN      137
#define IDS_NO_SCHEDULE         138
#define IDS_CHOICE_NAME         140
#define IDS_CHOICE_LAST_UPDATED 141
#define IDS_CHOICE_LOADING      142
#define IDS_CHOICE_NO_DISPLAY   143
#define IDS_PROGRESS_ITEM       150
#define IDS_PROGRESS_HANDLER    151
#define IDS_PROGRESS_STATUS     152
#define IDS_PROGRESS_PROGRESS   153
#define IDS_PROGRESS_DETAILS    154
#define IDS_PROGRESS_DESCRIPTION 155
#define IDS_PROGRESS_TAB_PROGRESS 156
#define IDS_PROGRESS_TAB_RESULTS 157
#define IDS_PROGRESS_RUNNING    158
#define IDS_PROGRESS_FINISHED   159
#define IDS_PROGRESS_CLOSE      160
#define IDS_PROGRESS_VALUE      161
#define IDS_STATUS_FIRST        170 /* + SYNCMGRSTATUS_* */

/* Items to Synchronize */
#define IDD_CHOICE              200
#define IDC_CHOICE_TEXT         201
#define IDC_CHOICE_LIST         202
#define IDC_CHOICE_STATUS       203
#define IDC_CHOICE_PROPERTIES   204
#define IDC_CHOICE_SETUP        205
#define IDC_CHOICE_SYNC         206

/* Synchronizing, the progress dialog */
#define IDD_PROGRESS            210
#define IDC_PROGRESS_TEXT       211
#define IDC_PROGRESS_BAR        212
#define IDC_PROGRESS_TABS       213
#define IDC_PROGRESS_ITEMS      214
#define IDC_PROGRESS_RESULTS    215
#define IDC_PROGRESS_SKIP       216
