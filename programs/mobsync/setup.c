/*
 * mobsync.exe: Synchronization Settings
 *
 * What synchronizes by itself: the Logon/Logoff tab (the items, "When I log
 * on", "When I log off", "Ask me first"), On Idle (the items, whether, and
 * the Advanced values) and Scheduled (setup_schedule.c). Opened by
 * mobsync /setup and the Setup button of Items to Synchronize. Its session
 * loads every handler with SYNCMGRFLAG_SETTINGS in MODE_CHOOSE and only
 * reads what they enumerate; the tabs write the store settings.c reads
 * (docs/registry.md) when OK or Apply is pressed; schedules are saved as
 * each is.
 *
 * This program is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this program; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mobsync_private.h"
#include "setup.h"
#include "resource.h"
#include "winreg.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

#define LOGON_KEY  MOBSYNC_EVENTS_KEY L"\\Logon"
#define LOGOFF_KEY MOBSYNC_EVENTS_KEY L"\\Logoff"
#define IDLE_KEY   MOBSYNC_EVENTS_KEY L"\\Idle"

/* Each tab's controls, shown only on it. */
static const int tab_controls[3][6] =
{
    { IDC_SETUP_LOGON_TEXT, IDC_SETUP_LOGON_LIST, IDC_SETUP_LOGON, IDC_SETUP_LOGOFF, IDC_SETUP_ASK },
    { IDC_SETUP_IDLE_TEXT, IDC_SETUP_IDLE_LIST, IDC_SETUP_IDLE, IDC_SETUP_ADVANCED },
    { IDC_SETUP_SCHEDULE_TEXT, IDC_SETUP_SCHEDULES, IDC_SETUP_ADD, IDC_SETUP_EDIT, IDC_SETUP_REMOVE },
};

static const struct anchor anchors[] =
{
    { IDC_SETUP_TABS,          0, 0, 1, 1 },
    { IDC_SETUP_LOGON_TEXT,    0, 0, 1, 0 },
    { IDC_SETUP_LOGON_LIST,    0, 0, 1, 1 },
    { IDC_SETUP_LOGON,         0, 1, 0, 0 },
    { IDC_SETUP_LOGOFF,        0, 1, 0, 0 },
    { IDC_SETUP_ASK,           0, 1, 0, 0 },
    { IDC_SETUP_IDLE_TEXT,     0, 0, 1, 0 },
    { IDC_SETUP_IDLE_LIST,     0, 0, 1, 1 },
    { IDC_SETUP_IDLE,          0, 1, 0, 0 },
    { IDC_SETUP_ADVANCED,      1, 1, 0, 0 },
    { IDC_SETUP_SCHEDULE_TEXT, 0, 0, 1, 0 },
    { IDC_SETUP_SCHEDULES,     0, 0, 1, 1 },
    { IDC_SETUP_ADD,           0, 1, 0, 0 },
    { IDC_SETUP_EDIT,          0, 1, 0, 0 },
    { IDC_SETUP_REMOVE,        0, 1, 0, 0 },
    { IDC_SETUP_STATUS,        0, 1, 1, 0 },
    { IDOK,                    1, 1, 0, 0 },
    { IDCANCEL,                1, 1, 0, 0 },
    { IDC_SETUP_APPLY,         1, 1, 0, 0 },
};

/* Logon/Logoff shows one choice: a handler registered for logon is read
 * from logon's, one only for logoff from logoff's; saved, both get it. */
static HKEY open_logon(void *context, const struct dialog_handler *ch, BOOL *default_chosen)
{
    *default_chosen = TRUE;
    return settings_open_handler(handler_register_flags(ch->handler) & SYNCMGRREGISTERFLAG_CONNECT
                                 ? LOGON_KEY : LOGOFF_KEY, handler_clsid(ch->handler));
}

static HKEY open_idle(void *context, const struct dialog_handler *ch, BOOL *default_chosen)
{
    *default_chosen = TRUE;
    return settings_open_handler(IDLE_KEY, handler_clsid(ch->handler));
}

/* What the store says, into the controls that are not lists. */
static void read_values(struct setup *setup)
{
    HWND window = setup->window;

    check(window, IDC_SETUP_LOGON, settings_read_value(LOGON_KEY, L"Enabled", 1) != 0);
    check(window, IDC_SETUP_LOGOFF, settings_read_value(LOGOFF_KEY, L"Enabled", 1) != 0);
    check(window, IDC_SETUP_ASK, settings_read_value(LOGON_KEY, L"Ask", 0)
          || settings_read_value(LOGOFF_KEY, L"Ask", 0));
    check(window, IDC_SETUP_IDLE, settings_read_value(IDLE_KEY, L"Enabled", 1) != 0);
    setup->wait_minutes = settings_read_value(IDLE_KEY, L"WaitMinutes", 15);
    setup->repeat_minutes = settings_read_value(IDLE_KEY, L"RepeatMinutes", 60);
    setup->prevent_on_battery = settings_read_value(IDLE_KEY, L"PreventOnBattery", 1) != 0;
}

/* What changed on the tabs, into the store; FALSE when something could not
 * be written (what could stays written). */
static BOOL save(struct setup *setup)
{
    HWND window = setup->window;
    BOOL ret = TRUE, ask = checked(window, IDC_SETUP_ASK);

    if (setup->logon.changed)
    {
        ret &= item_list_save(&setup->logon, setup, LOGON_KEY, SYNCMGRREGISTERFLAG_CONNECT);
        ret &= item_list_save(&setup->logon, setup, LOGOFF_KEY, SYNCMGRREGISTERFLAG_PENDINGDISCONNECT);
    }
    if (setup->logon_changed)
    {
        ret &= settings_write_value(LOGON_KEY, L"Enabled", checked(window, IDC_SETUP_LOGON));
        ret &= settings_write_value(LOGOFF_KEY, L"Enabled", checked(window, IDC_SETUP_LOGOFF));
        ret &= settings_write_value(LOGON_KEY, L"Ask", ask);
        ret &= settings_write_value(LOGOFF_KEY, L"Ask", ask);
    }
    if (setup->idle.changed) ret &= item_list_save(&setup->idle, setup, IDLE_KEY, 0);
    if (setup->idle_changed)
    {
        ret &= settings_write_value(IDLE_KEY, L"Enabled", checked(window, IDC_SETUP_IDLE));
        ret &= settings_write_value(IDLE_KEY, L"WaitMinutes", setup->wait_minutes);
        ret &= settings_write_value(IDLE_KEY, L"RepeatMinutes", setup->repeat_minutes);
        ret &= settings_write_value(IDLE_KEY, L"PreventOnBattery", setup->prevent_on_battery);
    }
    TRACE("Saved%s.\n", ret ? "" : ", not all of it");
    setup->logon.changed = setup->idle.changed = setup->logon_changed = setup->idle_changed = FALSE;
    /* Logoff and idle runs need the agent from now on, not from the next
     * prefix start. */
    agent_start_if_needed();
    return ret;
}

static void update_controls(struct setup *setup)
{
    unsigned int loading = dialog_handlers_loading(setup->handlers, setup->count);
    WCHAR text[256];

    if (loading)
    {
        format_message(text, ARRAYSIZE(text), IDS_CHOICE_LOADING, loading, setup->count);
        SetDlgItemTextW(setup->window, IDC_SETUP_STATUS, text);
    }
    ShowWindow(GetDlgItem(setup->window, IDC_SETUP_STATUS), loading ? SW_SHOWNA : SW_HIDE);
    EnableWindow(GetDlgItem(setup->window, IDC_SETUP_APPLY), setup->logon.changed || setup->idle.changed
                 || setup->logon_changed || setup->idle_changed);
    schedules_update_controls(setup);
}

static void refresh(struct setup *setup)
{
    BOOL changed = FALSE;
    unsigned int i;

    if (!dialog_handlers_make(setup->session, &setup->handlers, &setup->count)) return;
    for (i = 0; i < setup->count; i++)
        if (dialog_handler_update(&setup->handlers[i], setup->images)) changed = TRUE;
    if (changed)
    {
        item_list_refresh(&setup->logon, setup, FALSE);
        item_list_refresh(&setup->idle, setup, FALSE);
        if (setup->editing) item_list_refresh(setup->editing, setup, FALSE);
    }
    update_controls(setup);
}

static void show_tab(struct setup *setup)
{
    unsigned int tab = SendMessageW(setup->tabs, TCM_GETCURSEL, 0, 0);
    unsigned int i, j;

    for (i = 0; i < ARRAYSIZE(tab_controls); i++)
        for (j = 0; j < ARRAYSIZE(tab_controls[i]) && tab_controls[i][j]; j++)
            ShowWindow(GetDlgItem(setup->window, tab_controls[i][j]), i == tab ? SW_SHOWNA : SW_HIDE);
}

static void init_dialog(struct setup *setup, HWND window)
{
    int cx = GetSystemMetrics(SM_CXSMICON), cy = GetSystemMetrics(SM_CYSMICON);
    WCHAR text[64];
    TCITEMW tab;
    RECT rect;
    int i;

    setup->window = window;
    SetWindowLongPtrW(window, DWLP_USER, (LONG_PTR)setup);
    setup->tabs = GetDlgItem(window, IDC_SETUP_TABS);
    for (i = 0; i < 3; i++)
    {
        tab.mask = TCIF_TEXT;
        tab.pszText = (WCHAR *)load_message(IDS_SETUP_TAB_LOGON + i, text, ARRAYSIZE(text));
        SendMessageW(setup->tabs, TCM_INSERTITEMW, i, (LPARAM)&tab);
    }
    setup->images = ImageList_Create(cx, cy, ILC_COLOR32 | ILC_MASK, 8, 8);
    setup->default_icon = ImageList_ReplaceIcon(setup->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
    setup->error_icon = ImageList_ReplaceIcon(setup->images, -1, LoadIconW(NULL, (const WCHAR *)IDI_ERROR));
    setup->logon.register_flags = SYNCMGRREGISTERFLAG_CONNECT | SYNCMGRREGISTERFLAG_PENDINGDISCONNECT;
    setup->logon.open = open_logon;
    setup->idle.register_flags = SYNCMGRREGISTERFLAG_IDLE;
    setup->idle.open = open_idle;
    item_list_init(&setup->logon, setup, GetDlgItem(window, IDC_SETUP_LOGON_LIST));
    item_list_init(&setup->idle, setup, GetDlgItem(window, IDC_SETUP_IDLE_LIST));
    read_values(setup);
    schedules_init(setup);
    show_tab(setup);
    layout_init(&setup->layout, window, anchors, ARRAYSIZE(anchors));
    GetClientRect(window, &rect);
    layout_apply(&setup->layout, window, rect.right, rect.bottom);
    SendMessageW(window, WM_SETICON, ICON_BIG, (LPARAM)LoadIconW(NULL, (const WCHAR *)IDI_APPLICATION));
}

static INT_PTR CALLBACK dialog_proc(HWND window, UINT msg, WPARAM wparam, LPARAM lparam)
{
    struct setup *setup = (struct setup *)GetWindowLongPtrW(window, DWLP_USER);
    LRESULT result;

    switch (msg)
    {
    case WM_INITDIALOG:
        init_dialog((struct setup *)lparam, window);
        return TRUE;
    case WM_DIALOG_REFRESH:
        InterlockedExchange(&dialog_refresh_pending, 0);
        refresh(setup);
        return TRUE;
    case WM_TIMER:
        if (wparam == WATCH_TIMER) session_watch(setup->session);
        return TRUE;
    case WM_SIZE:
        if (setup && wparam != SIZE_MINIMIZED) layout_apply(&setup->layout, window, LOWORD(lparam), HIWORD(lparam));
        return TRUE;
    case WM_GETMINMAXINFO:
        if (setup) layout_min_track(&setup->layout, (MINMAXINFO *)lparam);
        return TRUE;
    case WM_NOTIFY:
        if (!setup) break;
        if (((NMHDR *)lparam)->idFrom == IDC_SETUP_TABS && ((NMHDR *)lparam)->code == TCN_SELCHANGE)
            show_tab(setup);
        else if (item_list_notify(&setup->logon, setup, (NMHDR *)lparam, &result)
                || item_list_notify(&setup->idle, setup, (NMHDR *)lparam, &result))
        {
            SetWindowLongPtrW(window, DWLP_MSGRESULT, result);
            update_controls(setup);
            return TRUE;
        }
        else if (((NMHDR *)lparam)->idFrom == IDC_SETUP_SCHEDULES)
        {
            if (((NMHDR *)lparam)->code == NM_DBLCLK) schedules_command(setup, IDC_SETUP_EDIT);
            else if (((NMHDR *)lparam)->code == LVN_ITEMCHANGED) update_controls(setup);
        }
        break;
    case WM_COMMAND:
        switch (LOWORD(wparam))
        {
        case IDC_SETUP_LOGON:
        case IDC_SETUP_LOGOFF:
        case IDC_SETUP_ASK:
            setup->logon_changed = TRUE;
            update_controls(setup);
            return TRUE;
        case IDC_SETUP_IDLE:
            setup->idle_changed = TRUE;
            update_controls(setup);
            return TRUE;
        case IDC_SETUP_ADVANCED:
            setup_advanced(setup);
            update_controls(setup);
            return TRUE;
        case IDC_SETUP_ADD:
        case IDC_SETUP_EDIT:
        case IDC_SETUP_REMOVE:
            schedules_command(setup, LOWORD(wparam));
            update_controls(setup);
            return TRUE;
        case IDC_SETUP_APPLY:
            save(setup);
            update_controls(setup);
            return TRUE;
        case IDOK:
            save(setup);
            /* fall through */
        case IDCANCEL:
            setup->done = TRUE;
            return TRUE;
        }
        break;
    case WM_CLOSE:
        setup->done = TRUE;
        return TRUE;
    }
    return FALSE;
}

/* Synchronization Settings for the handlers options names (all when it
 * names none), until OK or Cancel; 1 when it could not be shown or its
 * handlers not started. */
int run_setup(const struct session *options)
{
    INITCOMMONCONTROLSEX controls = { sizeof(controls), ICC_LISTVIEW_CLASSES | ICC_TAB_CLASSES | ICC_DATE_CLASSES };
    struct handler_command command = { COMMAND_RELEASE };
    struct session settings = *options;
    struct setup setup;
    WCHAR message[256];
    int ret = 1;
    MSG msg;

    memset(&setup, 0, sizeof(setup));
    settings.mode = MODE_CHOOSE;
    settings.flags = SYNCMGRFLAG_SETTINGS;
    settings.observer = dialog_observer;
    settings.observer_context = NULL;
    InitCommonControlsEx(&controls);
    if (!(setup.session = session_create(&settings))) return 1;
    if (!CreateDialogParamW(GetModuleHandleW(NULL), MAKEINTRESOURCEW(IDD_SETUP), NULL, dialog_proc,
                            (LPARAM)&setup))
    {
        WARN("Cannot create the dialog: error %lu.\n", GetLastError());
        session_release(setup.session);
        output_write(GetStdHandle(STD_ERROR_HANDLE),
                     load_message(IDS_SETUP_NO_DISPLAY, message, ARRAYSIZE(message)));
        return 1;
    }
    dialog_observe(setup.window);
    if (session_start(setup.session))
    {
        SetTimer(setup.window, WATCH_TIMER, 100, NULL);
        PostMessageW(setup.window, WM_DIALOG_REFRESH, 0, 0);
        ShowWindow(setup.window, SW_SHOWNORMAL);
        SetForegroundWindow(setup.window);
        while (!setup.done && GetMessageW(&msg, NULL, 0, 0) > 0)
        {
            if (IsDialogMessageW(setup.window, &msg)) continue;
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
        session_command(setup.session, NULL, &command);
        ret = 0;
    }
    dialog_observe(NULL);
    DestroyWindow(setup.window);
    item_list_free(&setup.logon);
    item_list_free(&setup.idle);
    dialog_handlers_free(setup.handlers, setup.count);
    if (setup.images) ImageList_Destroy(setup.images);
    session_finish(setup.session);
    session_release(setup.session);
    return ret;
}
