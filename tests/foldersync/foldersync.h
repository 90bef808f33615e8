/*
 * The folder synchronizer's CLSID and where its folder pairs are configured
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* {F01D5A7C-0B1E-4E5A-9C1D-2B3A4C5D6E7F} */
#define FOLDERSYNC_CLSID \
    { 0xf01d5a7c, 0x0b1e, 0x4e5a, { 0x9c, 0x1d, 0x2b, 0x3a, 0x4c, 0x5d, 0x6e, 0x7f } }
#define FOLDERSYNC_CLSID_STR "{F01D5A7C-0B1E-4E5A-9C1D-2B3A4C5D6E7F}"

/* One subkey per folder pair, named by the item's GUID, with REG_SZ values
 * "Name", "Local" and "Network". The handler keeps its own state below it. */
#define FOLDERSYNC_PAIRS_KEY "Software\\mobsync\\FolderSync"
