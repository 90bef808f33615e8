/*
 * Copying memory that may be unreadable, for mobsync.dll and mobsync.exe
 *
 * What an application or a handler hands over is copied with guard_copy or
 * guard_copy_string into the module's own memory and used from there: a
 * fault during the copy makes it fail instead of crashing the process. No
 * IsBad*Ptr: they only say how the memory was a moment ago.
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

#include <stdarg.h>

#include "windef.h"
#include "winbase.h"
#include "mobsync_guard.h"

/* Reading memory a caller or a handler handed over, which may be
 * unreadable or become so at any moment: guard_memcpy and guard_wcscpy are written so that only
 * the instructions at known labels read it, and probe_handler, the first
 * vectored handler, resumes a fault at one of them at the function's way
 * out that returns 0. This is done by hand, since this standalone PE build has no
 * compiler support for __try/__except; it costs a plain call. The x86_64
 * versions use volatile registers only and no stack, so that they need no
 * unwind information; their reads are the instructions at the _copy,
 * _copy_byte and _read labels. */
#ifdef __x86_64__
__asm__(".text\n\t"
        ".globl guard_memcpy\n\t"
        ".def guard_memcpy; .scl 2; .type 32; .endef\n"
        "guard_memcpy:\n\t"            /* rcx: dst, rdx: src, r8: size */
        "xorl %eax,%eax\n\t"          /* what is copied so far */
        "cmpq $8,%r8\n\t"
        "jb 2f\n"
        "1:\n\t"                      /* eight bytes at a time: the structures are small */
        "guard_memcpy_copy:\n\t"
        "movq (%rdx,%rax),%r9\n\t"
        "movq %r9,(%rcx,%rax)\n\t"
        "addq $8,%rax\n\t"
        "leaq 8(%rax),%r10\n\t"
        "cmpq %r8,%r10\n\t"
        "jbe 1b\n"
        "2:\n\t"
        "cmpq %r8,%rax\n\t"
        "jae 3f\n"
        "guard_memcpy_copy_byte:\n\t"
        "movb (%rdx,%rax),%r9b\n\t"
        "movb %r9b,(%rcx,%rax)\n\t"
        "incq %rax\n\t"
        "jmp 2b\n"
        "3:\n\t"
        "movl $1,%eax\n\t"
        "ret\n"
        "guard_memcpy_fault:\n\t"
        "xorl %eax,%eax\n\t"
        "ret\n\t"

        ".globl guard_wcscpy\n\t"
        ".def guard_wcscpy; .scl 2; .type 32; .endef\n"
        "guard_wcscpy:\n\t"            /* rcx: dst, rdx: src, r8: size > 0 */
        "xorl %eax,%eax\n\t"
        "decq %r8\n"
        "1:\n\t"
        "cmpq %r8,%rax\n\t"
        "jae 2f\n"
        "guard_wcscpy_read:\n\t"
        "movzwl (%rdx,%rax,2),%r9d\n\t"
        "testl %r9d,%r9d\n\t"
        "jz 2f\n\t"
        "movw %r9w,(%rcx,%rax,2)\n\t"
        "incq %rax\n\t"
        "jmp 1b\n"
        "2:\n\t"
        "movw $0,(%rcx,%rax,2)\n\t"
        "movl $1,%eax\n\t"
        "ret\n"
        "guard_wcscpy_fault:\n\t"
        "movw $0,(%rcx)\n\t"
        "xorl %eax,%eax\n\t"
        "ret");
#define CONTEXT_IP(context) ((context)->Rip)
#elif defined(__i386__)
__asm__(".text\n\t"
        ".globl _guard_memcpy\n\t"
        ".def _guard_memcpy; .scl 2; .type 32; .endef\n"
        "_guard_memcpy:\n\t"           /* cdecl: dst, src, size */
        "pushl %esi\n\t"
        "pushl %edi\n\t"
        "movl 12(%esp),%edi\n\t"
        "movl 16(%esp),%esi\n\t"
        "movl 20(%esp),%ecx\n"
        "_guard_memcpy_copy:\n\t"
        "rep movsb\n"
        "_guard_memcpy_copy_byte:\n\t"
        "movl $1,%eax\n"
        "_guard_memcpy_done:\n\t"
        "popl %edi\n\t"
        "popl %esi\n\t"
        "ret\n"
        "_guard_memcpy_fault:\n\t"
        "xorl %eax,%eax\n\t"
        "jmp _guard_memcpy_done\n\t"

        ".globl _guard_wcscpy\n\t"
        ".def _guard_wcscpy; .scl 2; .type 32; .endef\n"
        "_guard_wcscpy:\n\t"           /* cdecl: dst, src, size > 0 */
        "pushl %esi\n\t"
        "pushl %edi\n\t"
        "pushl %ebx\n\t"
        "movl 16(%esp),%edi\n\t"
        "movl 20(%esp),%esi\n\t"
        "movl 24(%esp),%ecx\n\t"
        "decl %ecx\n\t"
        "xorl %eax,%eax\n"
        "1:\n\t"
        "cmpl %ecx,%eax\n\t"
        "jae 2f\n"
        "_guard_wcscpy_read:\n\t"
        "movzwl (%esi,%eax,2),%ebx\n\t"
        "testl %ebx,%ebx\n\t"
        "jz 2f\n\t"
        "movw %bx,(%edi,%eax,2)\n\t"
        "incl %eax\n\t"
        "jmp 1b\n"
        "2:\n\t"
        "movw $0,(%edi,%eax,2)\n\t"
        "movl $1,%eax\n"
        "3:\n\t"
        "popl %ebx\n\t"
        "popl %edi\n\t"
        "popl %esi\n\t"
        "ret\n"
        "_guard_wcscpy_fault:\n\t"
        "movw $0,(%edi)\n\t"
        "xorl %eax,%eax\n\t"
        "jmp 3b");
#define CONTEXT_IP(context) ((context)->Eip)
#else
#error "guard_memcpy is written for i386 and x86_64 only"
#endif

extern BOOL __cdecl guard_memcpy(void *dst, const void *src, SIZE_T size);
extern BOOL __cdecl guard_wcscpy(WCHAR *dst, const WCHAR *src, SIZE_T size);
/* The instructions that read the handler's memory. */
extern const BYTE guard_memcpy_copy[], guard_memcpy_copy_byte[], guard_memcpy_fault[];
extern const BYTE guard_wcscpy_read[], guard_wcscpy_fault[];

static LONG WINAPI probe_handler(EXCEPTION_POINTERS *info)
{
    DWORD code = info->ExceptionRecord->ExceptionCode;
    CONTEXT *context = info->ContextRecord;

    if (code != EXCEPTION_ACCESS_VIOLATION && code != EXCEPTION_IN_PAGE_ERROR
            && code != STATUS_GUARD_PAGE_VIOLATION && code != EXCEPTION_DATATYPE_MISALIGNMENT)
        return EXCEPTION_CONTINUE_SEARCH;
    if (CONTEXT_IP(context) == (ULONG_PTR)guard_memcpy_copy
            || CONTEXT_IP(context) == (ULONG_PTR)guard_memcpy_copy_byte)
        CONTEXT_IP(context) = (ULONG_PTR)guard_memcpy_fault;
    else if (CONTEXT_IP(context) == (ULONG_PTR)guard_wcscpy_read)
        CONTEXT_IP(context) = (ULONG_PTR)guard_wcscpy_fault;
    else
        return EXCEPTION_CONTINUE_SEARCH;
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* Copies size bytes of a caller's memory into the module's; FALSE (and
 * dst unusable) when it is not all readable. */
BOOL guard_copy(void *dst, const void *src, SIZE_T size)
{
    if (!src) return FALSE;
    return guard_memcpy(dst, src, size);
}

/* Copies a caller's string into dst, size characters at most, the last
 * being always the terminator; FALSE (and dst empty) when it is not
 * readable up to its end or to that length. */
BOOL guard_copy_string(WCHAR *dst, const WCHAR *src, SIZE_T size)
{
    if (!size) return FALSE;
    dst[0] = 0;
    if (!src) return FALSE;
    return guard_wcscpy(dst, src, size);
}

static void *probe;

/* Installs the vectored handler the copies need (once per module; a DLL
 * takes it out again before it is unloaded). */
void guard_copy_install(void)
{
    /* First: a fault in a copy is the copy's, whatever else is installed. */
    if (!probe) probe = AddVectoredExceptionHandler(TRUE, probe_handler);
}

void guard_copy_uninstall(void)
{
    if (probe) RemoveVectoredExceptionHandler(probe);
    probe = NULL;
}
