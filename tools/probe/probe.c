/*
 * mobsync_probe.exe: can a program of this architecture use CLSID_SyncMgr?
 *
 * tools/setup_mobsync.sh runs the 64-bit and the 32-bit build after it has
 * registered mobsync.dll, and again after uninstall, so that what it says is
 * what a program gets, not what it believes it wrote into the registry.
 * Prints one line and exits 0 when CoCreateInstance(CLSID_SyncMgr) and
 * QueryInterface(IID_ISyncMgrRegister) both succeed, 1 otherwise.
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

#define COBJMACROS
#include <stdio.h>

#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "mobsync.h"

int wmain(int argc, WCHAR **argv)
{
    const int bits = sizeof(void *) * 8;
    ISyncMgrRegister *reg;
    WCHAR path[MAX_PATH];
    IUnknown *unk;
    HMODULE module;
    HRESULT hr;
    int ret = 1;

    hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (FAILED(hr))
    {
        printf("%d-bit: CoInitializeEx failed with %#lx\n", bits, hr);
        return 1;
    }
    hr = CoCreateInstance(&CLSID_SyncMgr, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk);
    if (FAILED(hr))
        printf("%d-bit: CoCreateInstance(CLSID_SyncMgr) failed with %#lx%s\n", bits, hr,
               hr == REGDB_E_CLASSNOTREG ? " (class not registered)" : "");
    else
    {
        hr = IUnknown_QueryInterface(unk, &IID_ISyncMgrRegister, (void **)&reg);
        if (FAILED(hr))
            printf("%d-bit: CLSID_SyncMgr has no ISyncMgrRegister (%#lx)\n", bits, hr);
        else
        {
            if (!(module = GetModuleHandleW(L"mobsync.dll"))
                || !GetModuleFileNameW(module, path, ARRAYSIZE(path)))
                wcscpy(path, L"?");
            printf("%d-bit: CLSID_SyncMgr gives ISyncMgrRegister, from %ls\n", bits, path);
            ISyncMgrRegister_Release(reg);
            ret = 0;
        }
        IUnknown_Release(unk);
    }
    CoUninitialize();
    return ret;
}
