// netdata-preflight: checks what keeps a Netdata node from being Live in Netdata Cloud.
#include <cstdint>

#include "cmd/dispatch.h"
#include "cmd/stop_signals.h"

// The stop signals are held from the first moment: a PID 1 drops a signal it has no handler
// for, and `docker stop` just after `docker run` was lost. On x86_64 static builds the entry
// point itself blocks them (CMake links with -e preflight_start), before glibc's start-up,
// whose relocations and page faults take a millisecond or more on a loaded machine; the mask
// it replaced is kept for the programs we start. Elsewhere .preinit_array does it, before
// every static initialiser.
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
#endif

namespace {
void HoldAtStart(int, char**, char**) {
  preflight::cmd::HoldStopSignals(preflight_entry_ran != 0, preflight_entry_mask);
}
}  // namespace
__attribute__((section(".preinit_array"), used)) void (*const kHoldAtStart)(int, char**,
                                                                            char**) = HoldAtStart;

int main(int argc, char** argv) { return preflight::cmd::Main(argc, argv); }
