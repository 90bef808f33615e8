/*
 * mobsync.dll resource identifiers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#define IDD_RESOLVE_CONFLICT   100

#define IDC_NAME               1001
#define IDC_LOCATION           1002
#define IDC_NETWORK_MODIFIED   1003
#define IDC_LOCAL_MODIFIED     1004
#define IDC_KEEP_BOTH          1005
#define IDC_KEEP_LOCAL         1006
#define IDC_KEEP_NETWORK       1007
#define IDC_KEEP_BOTH_ICON     1008
#define IDC_KEEP_LOCAL_ICON    1009
#define IDC_KEEP_NETWORK_ICON  1010
#define IDC_NEW_NAME           1011
#define IDC_APPLY_ALL          1012
#define IDC_VIEW_LOCAL         1013
#define IDC_VIEW_NETWORK       1014

#define IDS_MODIFIED_BY_ON     200
#define IDS_MODIFIED_BY        201
#define IDS_MODIFIED_ON        202
#define IDS_NEW_NAME           203
