/*
 * mobsync.dll internal definitions
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

#ifndef __MOBSYNC_PRIVATE_H
#define __MOBSYNC_PRIVATE_H

#include <stdarg.h>

#define COBJMACROS
#define CONST_VTABLE
#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "mobsync.h"
#include "mobsync_guard.h"

struct sync_manager
{
    ISyncMgrRegister ISyncMgrRegister_iface;
    ISyncMgrSynchronizeInvoke ISyncMgrSynchronizeInvoke_iface;
    LONG refcount;
};

static inline struct sync_manager *impl_from_ISyncMgrRegister(ISyncMgrRegister *iface)
{
    return CONTAINING_RECORD(iface, struct sync_manager, ISyncMgrRegister_iface);
}

static inline struct sync_manager *impl_from_ISyncMgrSynchronizeInvoke(ISyncMgrSynchronizeInvoke *iface)
{
    return CONTAINING_RECORD(iface, struct sync_manager, ISyncMgrSynchronizeInvoke_iface);
}

/* Longest handler description RegisterSyncMgrHandler accepts, in characters. */
#define MAX_HANDLER_DESCRIPTION 1024

extern HINSTANCE mobsync_instance;

/* Objects and server locks alive; DllCanUnloadNow says S_OK at zero. Inline,
 * so that the objects' files do not call back into main.c, which calls them. */
extern LONG mobsync_module_refs;
static inline void mobsync_lock(void) { InterlockedIncrement(&mobsync_module_refs); }
static inline void mobsync_unlock(void) { InterlockedDecrement(&mobsync_module_refs); }

extern HRESULT sync_manager_create(REFIID riid, void **obj);
extern HRESULT sync_manager_QueryInterface(struct sync_manager *manager, REFIID riid, void **obj);
extern ULONG sync_manager_AddRef(struct sync_manager *manager);
extern ULONG sync_manager_Release(struct sync_manager *manager);
extern const ISyncMgrRegisterVtbl sync_manager_register_vtbl;
extern const ISyncMgrSynchronizeInvokeVtbl sync_manager_invoke_vtbl;

extern HRESULT class_factory_get(REFCLSID clsid, REFIID riid, void **obj);

extern HRESULT proxy_get_class_object(REFCLSID clsid, REFIID riid, void **obj);
extern HRESULT proxy_can_unload_now(void);
extern HRESULT proxy_register(void);
extern HRESULT proxy_unregister(void);

#endif /* __MOBSYNC_PRIVATE_H */
