/*
 * ABI check: our widl-generated mobsync.h against mingw-w64's independent one
 *
 * abi_probe.h holds what abi_probe.c read from mingw-w64's header for this
 * target. Every comparison is made twice: as a static assertion, so that a
 * difference breaks the build of each architecture (including those that
 * cannot run here), and as an ok() at run time, so that the report names it.
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

#define COBJMACROS
#include <stddef.h>
#include <stdarg.h>

#include "windef.h"
#include "winbase.h"
#include "ole2.h"
#include "objidl.h"
#include "oleidl.h"

/* Keep our header's GUID values as integer constants too, next to the usual
 * extern declaration, so that they can be compared at compile time. */
#undef DEFINE_GUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    extern const GUID name; \
    enum { name##_0 = (int)(l), name##_1 = w1, name##_2 = w2, name##_3 = b1, name##_4 = b2, \
           name##_5 = b3, name##_6 = b4, name##_7 = b5, name##_8 = b6, name##_9 = b7, \
           name##_10 = b8 }

#include "mobsync.h"
#include "abi_probe.h"

#include "wine/test.h"

#define CHECK(expr, what) _Static_assert(expr, "ABI differs from mingw-w64's mobsync.h: " what);

#define CHECK_GUID_PART(name, n) CHECK(name##_##n == MINGW_##name##_##n, #name " part " #n)
#define ABI_GUID(name) \
    CHECK_GUID_PART(name, 0) CHECK_GUID_PART(name, 1) CHECK_GUID_PART(name, 2) \
    CHECK_GUID_PART(name, 3) CHECK_GUID_PART(name, 4) CHECK_GUID_PART(name, 5) \
    CHECK_GUID_PART(name, 6) CHECK_GUID_PART(name, 7) CHECK_GUID_PART(name, 8) \
    CHECK_GUID_PART(name, 9) CHECK_GUID_PART(name, 10)
#define ABI_TYPE(type) CHECK(sizeof(type) == MINGW_SIZEOF_##type, "sizeof(" #type ")")
#define ABI_FIELD(type, field) \
    CHECK(offsetof(type, field) == MINGW_OFFSETOF_##type##_##field, "offsetof(" #type ", " #field ")") \
    CHECK(sizeof(((type *)0)->field) == MINGW_SIZEOF_##type##_##field, "sizeof(" #type "." #field ")") \
    CHECK(__builtin_classify_type(((type *)0)->field) == MINGW_CLASS_##type##_##field, \
          "kind of type of " #type "." #field)
#define ABI_METHOD(iface, method) \
    CHECK(offsetof(iface##Vtbl, method) / sizeof(void *) == MINGW_SLOT_##iface##_##method, \
          "vtable slot of " #iface "::" #method)
#define ABI_CONST(name) CHECK((int)(name) == MINGW_##name, "value of " #name)
#include "abi_list.h"
#undef ABI_GUID
#undef ABI_TYPE
#undef ABI_FIELD
#undef ABI_METHOD
#undef ABI_CONST

struct abi_value
{
    const char *what;
    int ours;
    int theirs;
};

static const struct abi_value abi_values[] =
{
#define ABI_GUID(name)
#define ABI_TYPE(type) { "sizeof(" #type ")", sizeof(type), MINGW_SIZEOF_##type },
#define ABI_FIELD(type, field) \
    { "offsetof(" #type ", " #field ")", offsetof(type, field), MINGW_OFFSETOF_##type##_##field }, \
    { "sizeof(" #type "." #field ")", sizeof(((type *)0)->field), MINGW_SIZEOF_##type##_##field }, \
    { "type class of " #type "." #field, __builtin_classify_type(((type *)0)->field), \
      MINGW_CLASS_##type##_##field },
#define ABI_METHOD(iface, method) \
    { "slot of " #iface "::" #method, offsetof(iface##Vtbl, method) / sizeof(void *), \
      MINGW_SLOT_##iface##_##method },
#define ABI_CONST(name) { #name, (int)(name), MINGW_##name },
#include "abi_list.h"
#undef ABI_GUID
#undef ABI_TYPE
#undef ABI_FIELD
#undef ABI_METHOD
#undef ABI_CONST
};

struct abi_guid
{
    const char *name;
    const GUID *ours;
    GUID theirs;
};

static const struct abi_guid abi_guids[] =
{
#define ABI_GUID(name) \
    { #name, &name, { MINGW_##name##_0, MINGW_##name##_1, MINGW_##name##_2, \
      { MINGW_##name##_3, MINGW_##name##_4, MINGW_##name##_5, MINGW_##name##_6, \
        MINGW_##name##_7, MINGW_##name##_8, MINGW_##name##_9, MINGW_##name##_10 } } },
#define ABI_TYPE(type)
#define ABI_FIELD(type, field)
#define ABI_METHOD(iface, method)
#define ABI_CONST(name)
#include "abi_list.h"
};

/* Values that mingw-w64's header lacks or still has at their pre-Vista value:
 * checked against the Windows SDK numbers recorded in the reference summary. */
#define SDK_ONLY(name, value) CHECK((int)(name) == (value), "Windows SDK value of " #name)
SDK_ONLY(SYNCMGRHANDLER_HIDDEN, 0x08)
SDK_ONLY(SYNCMGRHANDLERFLAG_MASK, 0x0f)
SDK_ONLY(SYNCMGRITEM_HIDDEN, 0x20)
SDK_ONLY(SYNCMGRITEM_ITEMFLAGMASK, 0x7f)
SDK_ONLY(SYNCMGRSTATUS_UPDATING_INDETERMINATE, 0x08)
SDK_ONLY(SYNCMGRLOGLEVEL_LOGLEVELMAX, 0x03)
#undef SDK_ONLY

static const struct abi_value sdk_values[] =
{
    { "SYNCMGRHANDLER_HIDDEN", SYNCMGRHANDLER_HIDDEN, 0x08 },
    { "SYNCMGRHANDLERFLAG_MASK", SYNCMGRHANDLERFLAG_MASK, 0x0f },
    { "SYNCMGRITEM_HIDDEN", SYNCMGRITEM_HIDDEN, 0x20 },
    { "SYNCMGRITEM_ITEMFLAGMASK", SYNCMGRITEM_ITEMFLAGMASK, 0x7f },
    { "SYNCMGRSTATUS_UPDATING_INDETERMINATE", SYNCMGRSTATUS_UPDATING_INDETERMINATE, 0x08 },
    { "SYNCMGRLOGLEVEL_LOGLEVELMAX", SYNCMGRLOGLEVEL_LOGLEVELMAX, 0x03 },
};

static void test_layout(void)
{
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(abi_values); i++)
        ok(abi_values[i].ours == abi_values[i].theirs, "%s: got %d, mingw-w64 has %d.\n",
           abi_values[i].what, abi_values[i].ours, abi_values[i].theirs);
}

static void test_guids(void)
{
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(abi_guids); i++)
        ok(IsEqualGUID(abi_guids[i].ours, &abi_guids[i].theirs), "%s: got %s, mingw-w64 has %s.\n",
           abi_guids[i].name, wine_dbgstr_guid(abi_guids[i].ours),
           wine_dbgstr_guid(&abi_guids[i].theirs));
}

static void test_sdk_values(void)
{
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(sdk_values); i++)
        ok(sdk_values[i].ours == sdk_values[i].theirs, "%s: got %#x, the SDK has %#x.\n",
           sdk_values[i].what, sdk_values[i].ours, sdk_values[i].theirs);
}

START_TEST(abi)
{
    test_layout();
    test_guids();
    test_sdk_values();
}
