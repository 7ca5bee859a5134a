// netdata-preflight: checks what keeps a Netdata node from being Live in Netdata Cloud.
#include <unistd.h>

#include <cstdint>
#include <cstdio>

#include "cmd/dispatch.h"
#include "cmd/stop_signals.h"

// The stop signals are held from the first moment: a PID 1 drops a signal it has no handler
// for, and `docker stop` just after `docker run` was lost. On the static builds of x86_64,
// aarch64 and arm (armv7, in ARM or Thumb-2 code) the entry point itself blocks them (CMake
// links with -e preflight_start), before glibc's start-up, whose relocations and page faults
// take a millisecond or more on a loaded machine; the mask it replaced is kept for the programs
// we start. Elsewhere .preinit_array does it, before every static initialiser. Each entry only
// calls rt_sigprocmask and jumps to glibc's _start with the registers the ABI passes untouched
// (the stack pointer, and the atexit function in %rdx / x0 / r0).
extern "C" {
// Written by preflight_start: the mask the process was started with, and that it ran.
uint64_t preflight_entry_mask = 0;
uint64_t preflight_entry_ran = 0;
}
#if defined(__x86_64__)
// rt_sigprocmask(SIG_BLOCK, {HUP, INT, TERM}, &preflight_entry_mask, 8), then glibc's _start
// with %rdx (the atexit function the ABI passes) and %rsp untouched.
asm(R"(
    .text
    .globl preflight_start
    .type preflight_start, @function
preflight_start:
    mov %rdx, %r8
    mov $14, %eax
    xor %edi, %edi
    lea preflight_stop_set(%rip), %rsi
    lea preflight_entry_mask(%rip), %rdx
    mov $8, %r10d
    syscall
    test %rax, %rax
    jnz 1f
    movq $1, preflight_entry_ran(%rip)
1:  mov %r8, %rdx
    jmp _start
    .size preflight_start, .-preflight_start
    .section .rodata
    .balign 8
preflight_stop_set:
    .quad (1 << 0) | (1 << 1) | (1 << 14)
    .text
)");
#elif defined(__aarch64__)
// rt_sigprocmask (135) with x0 (the atexit function) kept in x10; the kernel keeps every other
// register across svc.
asm(R"(
    .text
    .globl preflight_start
    .type preflight_start, %function
    .p2align 2
preflight_start:
    mov x10, x0
    mov x8, #135
    mov x0, #0
    adrp x1, preflight_stop_set
    add x1, x1, :lo12:preflight_stop_set
    adrp x2, preflight_entry_mask
    add x2, x2, :lo12:preflight_entry_mask
    mov x3, #8
    svc #0
    cbnz x0, 1f
    adrp x9, preflight_entry_ran
    mov x11, #1
    str x11, [x9, :lo12:preflight_entry_ran]
1:  mov x0, x10
    b _start
    .size preflight_start, .-preflight_start
    .section .rodata
    .p2align 3
preflight_stop_set:
    .quad (1 << 0) | (1 << 1) | (1 << 14)
    .text
)");
#elif defined(__arm__)
// rt_sigprocmask (175, EABI) with r0 (the atexit function) kept in r4. Written in ARM code
// whatever the compiler's mode (the ELF entry's even address starts it in ARM state); the
// linker makes `b _start` reach a Thumb-2 _start. Addresses are pc-relative (pc reads as the
// instruction's address + 8 in ARM state). The compiler's mode is restored after it.
#if defined(__thumb__)
#define PREFLIGHT_CODE_MODE ".thumb\n"
#else
#define PREFLIGHT_CODE_MODE ".arm\n"
#endif
asm(R"(
    .text
    .syntax unified
    .arm
    .globl preflight_start
    .type preflight_start, %function
    .p2align 2
preflight_start:
    mov r4, r0
    mov r7, #175
    mov r0, #0
    ldr r1, .Lpreflight_set
.Lpreflight_pc1:
    add r1, pc, r1
    ldr r2, .Lpreflight_mask
.Lpreflight_pc2:
    add r2, pc, r2
    mov r3, #8
    svc #0
    cmp r0, #0
    bne 1f
    ldr r2, .Lpreflight_ran
.Lpreflight_pc3:
    add r2, pc, r2
    mov r3, #1
    str r3, [r2]
1:  mov r0, r4
    b _start
    .p2align 2
.Lpreflight_set: .word preflight_stop_set - (.Lpreflight_pc1 + 8)
.Lpreflight_mask: .word preflight_entry_mask - (.Lpreflight_pc2 + 8)
.Lpreflight_ran: .word preflight_entry_ran - (.Lpreflight_pc3 + 8)
    .size preflight_start, .-preflight_start
    .section .rodata
    .p2align 3
preflight_stop_set:
    .word (1 << 0) | (1 << 1) | (1 << 14), 0
    .text
)" PREFLIGHT_CODE_MODE);
#endif

namespace {
void HoldAtStart(int, char**, char**) {
  preflight::cmd::HoldStopSignals(preflight_entry_ran != 0, preflight_entry_mask);
}
}  // namespace
__attribute__((section(".preinit_array"), used)) void (*const kHoldAtStart)(int, char**,
                                                                            char**) = HoldAtStart;

#if defined(__SANITIZE_ADDRESS__)
#define PREFLIGHT_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PREFLIGHT_LEAK_CHECKED 1
#endif
#endif

int main(int argc, char** argv) {
  const int code = preflight::cmd::Main(argc, argv);
#if defined(PREFLIGHT_LEAK_CHECKED)
  return code;  // LeakSanitizer looks at exit
#else
  // Main's scope has closed and written everything of ours. What exit() would add, the static
  // objects' destructors, only frees memory the kernel takes back anyway, touching pages to do
  // it: 60-90 us of every start here. Only stdio's buffers are left to write.
  std::fflush(nullptr);
  _exit(code);
#endif
}
