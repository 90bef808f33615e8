/*
 * The SyncMgr object (CLSID_SyncMgr): ISyncMgrRegister and
 * ISyncMgrSynchronizeInvoke on one COM identity
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

#include <stdlib.h>

#include "mobsync_private.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

HRESULT sync_manager_QueryInterface(struct sync_manager *manager, REFIID riid, void **obj)
{
    TRACE("%p, %s, %p.\n", manager, debugstr_guid(riid), obj);

    if (!obj) return E_POINTER;

    /* ISyncMgrRegister is the identity: IUnknown always comes back as it. */
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISyncMgrRegister))
        *obj = &manager->ISyncMgrRegister_iface;
    else if (IsEqualIID(riid, &IID_ISyncMgrSynchronizeInvoke))
        *obj = &manager->ISyncMgrSynchronizeInvoke_iface;
    else
    {
        WARN("%s not supported.\n", debugstr_guid(riid));
        *obj = NULL;
        return E_NOINTERFACE;
    }

    IUnknown_AddRef((IUnknown *)*obj);
    return S_OK;
}

ULONG sync_manager_AddRef(struct sync_manager *manager)
{
    ULONG refcount = InterlockedIncrement(&manager->refcount);

    TRACE("%p, refcount %lu.\n", manager, refcount);
    return refcount;
}

ULONG sync_manager_Release(struct sync_manager *manager)
{
    ULONG refcount = InterlockedDecrement(&manager->refcount);

    TRACE("%p, refcount %lu.\n", manager, refcount);

    if (!refcount)
    {
        free(manager);
        mobsync_unlock();
    }
    return refcount;
}

HRESULT sync_manager_create(REFIID riid, void **obj)
{
    struct sync_manager *manager;
    HRESULT hr;

    TRACE("%s, %p.\n", debugstr_guid(riid), obj);

    if (!(manager = calloc(1, sizeof(*manager)))) return E_OUTOFMEMORY;
    manager->ISyncMgrRegister_iface.lpVtbl = &sync_manager_register_vtbl;
    manager->ISyncMgrSynchronizeInvoke_iface.lpVtbl = &sync_manager_invoke_vtbl;
    manager->refcount = 1;
    mobsync_lock();

    hr = sync_manager_QueryInterface(manager, riid, obj);
    sync_manager_Release(manager);
    return hr;
}
