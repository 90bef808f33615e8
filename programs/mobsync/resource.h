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

/* Synchronization Settings */
#define IDD_SETUP               220
#define IDC_SETUP_TABS          221
#define IDC_SETUP_STATUS        222
#define IDC_SETUP_APPLY         223
#define IDC_SETUP_LOGON_TEXT    224
#define IDC_SETUP_LOGON_LIST    225
#define IDC_SETUP_LOGON         226
#define IDC_SETUP_LOGOFF        227
#define IDC_SETUP_ASK           228
#define IDC_SETUP_IDLE_TEXT     229
#define IDC_SETUP_IDLE_LIST     230
#define IDC_SETUP_IDLE          231
#define IDC_SETUP_ADVANCED      232
#define IDC_SETUP_SCHEDULE_TEXT 233
#define IDC_SETUP_SCHEDULES     234
#define IDC_SETUP_ADD           235
#define IDC_SETUP_EDIT          236
#define IDC_SETUP_REMOVE        237

/* its Advanced idle settings */
#define IDD_IDLE                250
#define IDC_IDLE_WAIT           251
#define IDC_IDLE_REPEAT         252
#define IDC_IDLE_REPEAT_MINUTES 253
#define IDC_IDLE_BATTERY        254
#define IDC_IDLE_ERROR          255

/* a schedule */
#define IDD_SCHEDULE            260
#define IDC_SCHEDULE_NAME       261
#define IDC_SCHEDULE_LIST       262
#define IDC_SCHEDULE_DATE       263
#define IDC_SCHEDULE_TIME       264
#define IDC_SCHEDULE_REPEAT     265
#define IDC_SCHEDULE_DAYS       266
#define IDC_SCHEDULE_ERROR      267

#define IDS_SETUP_TAB_LOGON     270
#define IDS_SETUP_TAB_IDLE      271
#define IDS_SETUP_TAB_SCHEDULED 272
#define IDS_SETUP_NO_DISPLAY    273
#define IDS_SCHEDULE_STARTS     274
#define IDS_SCHEDULE_REPEATS    275
#define IDS_RECURRENCE_FIRST    276 /* + Recurrence (0 once .. 3 every N days): the list; + 4 + it: the editor */
#define IDS_SCHEDULE_BAD_NAME   285
#define IDS_SCHEDULE_EXISTS     286
#define IDS_SCHEDULE_BAD_DAYS   287
#define IDS_IDLE_BAD_MINUTES    288
#define IDS_SCHEDULE_NOT_SAVED  289
#define IDS_AGENT_RUNNING       290
#define IDS_AGENT_NOT_NEEDED    291
#define IDS_AGENT_NONE          292
#define IDS_AGENT_STUCK         293
#define IDS_AGENT_STOPPED       294
#define IDS_EVENT_OFF           295
#define IDS_AUTORUN_ON          296
#define IDS_AUTORUN_OFF         297
#define IDS_AUTORUN_FAILED      298
#define IDS_CHECK_EVIDENCE          300
#define IDS_CHECK_WINDOW_UNASKED    301
#define IDS_CHECK_WINDOW_MODELESS   302
#define IDS_CHECK_MODELESS_OPEN     303
#define IDS_CHECK_DISMISSED         304
#define IDS_CHECK_SIZE              305
#define IDS_CHECK_STRING            306
#define IDS_CHECK_FLAGS             307
#define IDS_CHECK_VALUE             308
#define IDS_CHECK_TIME              309
#define IDS_CHECK_NEXT              310
#define IDS_CHECK_SKIP              311
#define IDS_CHECK_RESET             312
#define IDS_CHECK_CLONE             313
#define IDS_CHECK_CLONE_HR          314
#define IDS_CHECK_CANCEL_LATE       315
#define IDS_CHECK_AFTER_RELEASE     316
#define IDS_CHECK_TWICE             317
#define IDS_CHECK_UNASKED           318
#define IDS_CHECK_NOT_FINAL         319
#define IDS_CHECK_FOREIGN_ITEM      320
#define IDS_CHECK_CALLBACK_REFS     321
#define IDS_CHECK_HANDLER_REFS      322
#define IDS_CHECK_BUDGET            323
#define IDS_CHECK_NOTHING_TO_CANCEL 324
#define IDS_CHECK_SUMMARY           325
#define IDS_CHECK_CANNOT_CREATE     326
#define IDS_CHECK_OTHER_ARCH        327
#define IDS_CHECK_TOO_MANY_CALLS    328

/* The switches mobsync.exe gives itself: /worker:, /window: */
#define IDS_BAD_CHANNEL         330
#define IDS_NOT_A_REQUEST       331
