/*
 * mobsync.exe: containing handlers that crash, and reading their memory
 *
 * A handler runs on a thread of ours or on threads of its own. When an
 * exception nobody handles happens on a handler's thread, or at an address
 * inside the handler's DLL, the unhandled exception filter marks that
 * handler as crashed and ends the thread (never while it holds a handler's
 * lock); the session and the other handlers go on. docs/engine.md says why
 * this is done in process.
 *
 * Whatever a handler hands over (an item ID, a status, a text) is copied
 * with guard_copy into the manager's own memory before any lock is taken:
 * a fault during the copy makes it fail instead of crashing the manager.
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

#include <string.h>

#include "mobsync_private.h"
#include "resource.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(mobsync);

#ifndef ERROR_UNHANDLED_EXCEPTION
#define ERROR_UNHANDLED_EXCEPTION 574
#endif

static DWORD guard_tls = TLS_OUT_OF_INDEXES; /* the handler a thread of ours works for */
static DWORD held_tls = TLS_OUT_OF_INDEXES;  /* the handler lock a thread holds */
static DWORD probe_tls = TLS_OUT_OF_INDEXES; /* the copy a thread is making */
static struct session *guarded_session;
static CRITICAL_SECTION guard_cs;

/* Fails every unfinished handler whose DLL holds the address: when two
 * handlers share a DLL, there is no telling which one the thread was
 * working for, and neither can be trusted afterwards. */
static BOOL fail_by_address(void *address, const WCHAR *message)
{
    HMODULE module;
    unsigned int i;
    BOOL found = FALSE;

    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
            | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, address, &module))
        return FALSE;
    EnterCriticalSection(&guard_cs);
    for (i = 0; guarded_session && i < guarded_session->handler_count; i++)
    {
        if (!handler_has_module(guarded_session->handlers[i], module)) continue;
        handler_fail(guarded_session->handlers[i], HRESULT_FROM_WIN32(ERROR_UNHANDLED_EXCEPTION),
                     message);
        found = TRUE;
    }
    LeaveCriticalSection(&guard_cs);
    return found;
}

static LONG WINAPI crash_filter(EXCEPTION_POINTERS *info)
{
    EXCEPTION_RECORD *rec = info->ExceptionRecord;
    struct handler *handler = TlsGetValue(guard_tls);
    CRITICAL_SECTION *held = TlsGetValue(held_tls);
    WCHAR message[256];

    format_message(message, ARRAYSIZE(message), IDS_CRASHED, rec->ExceptionCode);
    if (handler)
        handler_fail(handler, HRESULT_FROM_WIN32(ERROR_UNHANDLED_EXCEPTION), message);
    else if (!fail_by_address(rec->ExceptionAddress, message))
    {
        ERR("Unhandled exception %#lx at %p outside any handler.\n", rec->ExceptionCode,
            rec->ExceptionAddress);
        return EXCEPTION_CONTINUE_SEARCH;
    }

    ERR("Exception %#lx at %p in a handler; its thread ends here.\n", rec->ExceptionCode,
        rec->ExceptionAddress);
    /* A thread never ends holding a handler's lock: whoever waits for it
     * next (the watchdog, /stop, the callback) would wait for ever. */
    if (held)
    {
        ERR("The thread held the lock of a handler; released.\n");
        TlsSetValue(held_tls, NULL);
        LeaveCriticalSection(held);
    }
    /* The thread cannot go on from here; the handler's objects are left as
     * they are, since nothing it owns can be trusted any more. */
    ExitThread(rec->ExceptionCode);
}

/* Reading memory a handler handed over, which may be unreadable or become
 * so at any moment: guarded_copy remembers where it is (guard_capture,
 * much like setjmp), and a fault while the copy runs resumes it there,
 * returning 1 a second time. Only the callee-saved registers, the stack
 * and the return address matter then; this is done by hand, since this
 * standalone PE build has no compiler support for __try/__except. */
#ifdef __x86_64__
struct guard_jmp
{
    ULONG64 rbx, rbp, rdi, rsi, r12, r13, r14, r15, rsp, rip;
    M128A xmm[10];          /* xmm6 .. xmm15 */
};

__asm__(".text\n\t"
        ".globl guard_capture\n\t"
        ".def guard_capture; .scl 2; .type 32; .endef\n"
        "guard_capture:\n\t"
        "movq %rbx,0x00(%rcx)\n\t"
        "movq %rbp,0x08(%rcx)\n\t"
        "movq %rdi,0x10(%rcx)\n\t"
        "movq %rsi,0x18(%rcx)\n\t"
        "movq %r12,0x20(%rcx)\n\t"
        "movq %r13,0x28(%rcx)\n\t"
        "movq %r14,0x30(%rcx)\n\t"
        "movq %r15,0x38(%rcx)\n\t"
        "leaq 8(%rsp),%rdx\n\t"          /* the stack once returned */
        "movq %rdx,0x40(%rcx)\n\t"
        "movq (%rsp),%rdx\n\t"           /* the return address */
        "movq %rdx,0x48(%rcx)\n\t"
        "movdqu %xmm6,0x50(%rcx)\n\t"
        "movdqu %xmm7,0x60(%rcx)\n\t"
        "movdqu %xmm8,0x70(%rcx)\n\t"
        "movdqu %xmm9,0x80(%rcx)\n\t"
        "movdqu %xmm10,0x90(%rcx)\n\t"
        "movdqu %xmm11,0xa0(%rcx)\n\t"
        "movdqu %xmm12,0xb0(%rcx)\n\t"
        "movdqu %xmm13,0xc0(%rcx)\n\t"
        "movdqu %xmm14,0xd0(%rcx)\n\t"
        "movdqu %xmm15,0xe0(%rcx)\n\t"
        "xorl %eax,%eax\n\t"
        "ret");

static void resume_context(CONTEXT *context, const struct guard_jmp *jmp)
{
    context->Rbx = jmp->rbx;
    context->Rbp = jmp->rbp;
    context->Rdi = jmp->rdi;
    context->Rsi = jmp->rsi;
    context->R12 = jmp->r12;
    context->R13 = jmp->r13;
    context->R14 = jmp->r14;
    context->R15 = jmp->r15;
    context->Rsp = jmp->rsp;
    context->Rip = jmp->rip;
    context->Rax = 1;
    memcpy(&context->Xmm6, jmp->xmm, sizeof(jmp->xmm));
}
#elif defined(__i386__)
struct guard_jmp
{
    DWORD ebx, esi, edi, ebp, esp, eip;
};

__asm__(".text\n\t"
        ".globl _guard_capture\n\t"
        ".def _guard_capture; .scl 2; .type 32; .endef\n"
        "_guard_capture:\n\t"
        "movl 4(%esp),%ecx\n\t"
        "movl %ebx,0(%ecx)\n\t"
        "movl %esi,4(%ecx)\n\t"
        "movl %edi,8(%ecx)\n\t"
        "movl %ebp,12(%ecx)\n\t"
        "leal 4(%esp),%edx\n\t"          /* the stack once returned (cdecl) */
        "movl %edx,16(%ecx)\n\t"
        "movl (%esp),%edx\n\t"           /* the return address */
        "movl %edx,20(%ecx)\n\t"
        "xorl %eax,%eax\n\t"
        "ret");

static void resume_context(CONTEXT *context, const struct guard_jmp *jmp)
{
    context->Ebx = jmp->ebx;
    context->Esi = jmp->esi;
    context->Edi = jmp->edi;
    context->Ebp = jmp->ebp;
    context->Esp = jmp->esp;
    context->Eip = jmp->eip;
    context->Eax = 1;
}
#else
#error "guard_capture is written for i386 and x86_64 only"
#endif

extern int __cdecl guard_capture(struct guard_jmp *jmp) __attribute__((returns_twice));

static LONG WINAPI probe_handler(EXCEPTION_POINTERS *info)
{
    DWORD code = info->ExceptionRecord->ExceptionCode, error;
    struct guard_jmp *jmp;

    if (code != EXCEPTION_ACCESS_VIOLATION && code != EXCEPTION_IN_PAGE_ERROR
            && code != STATUS_GUARD_PAGE_VIOLATION && code != EXCEPTION_DATATYPE_MISALIGNMENT)
        return EXCEPTION_CONTINUE_SEARCH;
    /* The thread's last error is not ours to change. */
    error = GetLastError();
    jmp = TlsGetValue(probe_tls);
    SetLastError(error);
    if (!jmp) return EXCEPTION_CONTINUE_SEARCH;
    TlsSetValue(probe_tls, NULL);
    SetLastError(error);
    resume_context(info->ContextRecord, jmp);
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* Copies size bytes, or, when a fault interrupts it, gives FALSE. Nothing
 * that lives in registers may be used after guard_capture returns twice:
 * only what is in memory (volatile). */
static BOOL __attribute__((noinline)) guarded_copy(void *dst, const void *src, SIZE_T size,
        BOOL string)
{
    struct guard_jmp jmp;

    if (guard_capture(&jmp)) return FALSE;
    TlsSetValue(probe_tls, &jmp);
    if (string)
    {
        volatile const WCHAR *s = src;
        WCHAR *d = dst;
        SIZE_T i;

        for (i = 0; i + 1 < size && s[i]; i++) d[i] = s[i];
        d[i] = 0;
    }
    else memcpy(dst, src, size);
    TlsSetValue(probe_tls, NULL);
    return TRUE;
}

/* Copies size bytes of a handler's memory into the manager's; FALSE (and
 * dst unusable) when it is not all readable. */
BOOL guard_copy(void *dst, const void *src, SIZE_T size)
{
    if (!src) return FALSE;
    return guarded_copy(dst, src, size, FALSE);
}

/* Copies a handler's string into dst, size characters at most, the last
 * being always the terminator; FALSE when it is not readable up to its
 * end or to that length. */
BOOL guard_copy_string(WCHAR *dst, const WCHAR *src, SIZE_T size)
{
    if (!size) return FALSE;
    dst[0] = 0;
    if (!src) return FALSE;
    return guarded_copy(dst, src, size, TRUE);
}

/* Which handler lock the thread holds (NULL: none), for crash_filter. */
void guard_hold(CRITICAL_SECTION *cs)
{
    TlsSetValue(held_tls, cs);
}

void guard_init(void)
{
    InitializeCriticalSection(&guard_cs);
    guard_tls = TlsAlloc();
    held_tls = TlsAlloc();
    probe_tls = TlsAlloc();
    /* First: a fault in a copy is the copy's, whatever else is installed. */
    AddVectoredExceptionHandler(TRUE, probe_handler);
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    SetUnhandledExceptionFilter(crash_filter);
}

void guard_set_session(struct session *session)
{
    EnterCriticalSection(&guard_cs);
    guarded_session = session;
    LeaveCriticalSection(&guard_cs);
}

void guard_enter(struct handler *handler)
{
    TlsSetValue(guard_tls, handler);
}

void guard_leave(void)
{
    TlsSetValue(guard_tls, NULL);
}
