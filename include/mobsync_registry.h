/*
 * The registry keys of the Synchronization Manager, shared by mobsync.dll,
 * mobsync.exe and their tests (docs/registry.md). Private to mobsync.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MOBSYNC_REGISTRY_H
#define __MOBSYNC_REGISTRY_H

#define MOBSYNC_WIDEN_(s) L##s
#define MOBSYNC_WIDEN(s) MOBSYNC_WIDEN_(s)

/* Where handlers are registered, in HKLM (and HKCU): a subkey per CLSID. */
#define MOBSYNC_HANDLERS_KEY_A "Software\\Microsoft\\Windows\\CurrentVersion\\Syncmgr\\Handlers"
#define MOBSYNC_HANDLERS_KEY   MOBSYNC_WIDEN(MOBSYNC_HANDLERS_KEY_A)

/* mobsync.exe's per-user settings (InvokeTimeout, ...). */
#define MOBSYNC_SETTINGS_KEY_A "Software\\mobsync"
#define MOBSYNC_SETTINGS_KEY   MOBSYNC_WIDEN(MOBSYNC_SETTINGS_KEY_A)

/* The per-user item choices: a subkey per handler, a REG_DWORD per item. */
#define MOBSYNC_ITEMS_KEY_A    MOBSYNC_SETTINGS_KEY_A "\\Items"
#define MOBSYNC_ITEMS_KEY      MOBSYNC_WIDEN(MOBSYNC_ITEMS_KEY_A)

/* What synchronizes by itself (docs/registry.md, "Synchronization
 * Settings"): Logon, Logoff and Idle under the first, a subkey per named
 * schedule under the second; in each, a subkey per handler with a REG_DWORD
 * per item, 1 chosen. */
#define MOBSYNC_EVENTS_KEY_A    MOBSYNC_SETTINGS_KEY_A "\\Events"
#define MOBSYNC_EVENTS_KEY      MOBSYNC_WIDEN(MOBSYNC_EVENTS_KEY_A)
#define MOBSYNC_SCHEDULES_KEY_A MOBSYNC_SETTINGS_KEY_A "\\Schedules"
#define MOBSYNC_SCHEDULES_KEY   MOBSYNC_WIDEN(MOBSYNC_SCHEDULES_KEY_A)

/* The longest schedule name, in characters. */
#define MOBSYNC_MAX_SCHEDULE_NAME 64

/* What makes a prefix start run mobsync /logon (docs/events.md): the value
 * MOBSYNC_RUN_VALUE under HKLM's RunServices (what wineboot --init starts)
 * and Run (what a plain wineboot starts, and Windows XP's logon), in the
 * 64-bit view, the one the prefix's wineboot reads. Written only while
 * something is set up to synchronize by itself. */
#define MOBSYNC_RUNSERVICES_KEY L"Software\\Microsoft\\Windows\\CurrentVersion\\RunServices"
#define MOBSYNC_RUN_KEY         L"Software\\Microsoft\\Windows\\CurrentVersion\\Run"
#define MOBSYNC_RUN_VALUE       L"Synchronization Manager"
#define MOBSYNC_RUNSERVICES_COMMAND L"rundll32.exe mobsync.dll,RunLogon"
#define MOBSYNC_RUN_COMMAND     L"mobsync.exe /logon"

#endif /* __MOBSYNC_REGISTRY_H */
