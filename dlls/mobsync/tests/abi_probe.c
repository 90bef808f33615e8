/*
 * Reads the ABI of mingw-w64's own mobsync.h, an independent header, for the
 * ABI check in abi.c. Compiled to assembly only (never linked or run), so it
 * works for every target the build knows; the build turns the "->NAME value"
 * lines of the assembly into abi_probe.h.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <stddef.h>
#include <windows.h>
#include <ole2.h>
#include <objidl.h>
#include <oleidl.h>

/* Turn each GUID definition into integer constants the probe can print. */
#undef DEFINE_GUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    enum { name##_0 = (int)(l), name##_1 = w1, name##_2 = w2, name##_3 = b1, name##_4 = b2, \
           name##_5 = b3, name##_6 = b4, name##_7 = b5, name##_8 = b6, name##_9 = b7, \
           name##_10 = b8 }

#include <mobsync.h>

/* Our header widens this mask (see mobsync.idl); mingw-w64's has the old value. */
#if SYNCMGRHANDLERFLAG_MASK != 0x07
#error "abi_probe.c must be compiled against the mingw-w64 header, not ours"
#endif

#define EMIT(name, value) __asm__ __volatile__("\n->" #name " %c0" : : "i" ((int)(value)))

#define ABI_GUID(name) \
    EMIT(MINGW_##name##_0, name##_0); EMIT(MINGW_##name##_1, name##_1); \
    EMIT(MINGW_##name##_2, name##_2); EMIT(MINGW_##name##_3, name##_3); \
    EMIT(MINGW_##name##_4, name##_4); EMIT(MINGW_##name##_5, name##_5); \
    EMIT(MINGW_##name##_6, name##_6); EMIT(MINGW_##name##_7, name##_7); \
    EMIT(MINGW_##name##_8, name##_8); EMIT(MINGW_##name##_9, name##_9); \
    EMIT(MINGW_##name##_10, name##_10);
#define ABI_TYPE(type) EMIT(MINGW_SIZEOF_##type, sizeof(type));
#define ABI_FIELD(type, field) \
    EMIT(MINGW_OFFSETOF_##type##_##field, offsetof(type, field)); \
    EMIT(MINGW_SIZEOF_##type##_##field, sizeof(((type *)0)->field)); \
    EMIT(MINGW_CLASS_##type##_##field, __builtin_classify_type(((type *)0)->field));
#define ABI_METHOD(iface, method) \
    EMIT(MINGW_SLOT_##iface##_##method, offsetof(iface##Vtbl, method) / sizeof(void *));
#define ABI_CONST(name) EMIT(MINGW_##name, name);

void abi_probe(void);

void abi_probe(void)
{
#include "abi_list.h"
}
