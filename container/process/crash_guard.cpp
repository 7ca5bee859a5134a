#include "container/process/crash_guard.h"

#include <csetjmp>
#include <csignal>
#include <cstring>

#include "container/process/inherited_signals.h"

namespace preflight::container {
namespace {

sigjmp_buf g_jump;
volatile sig_atomic_t g_armed = 0;
constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};

void OnFatal(int sig) {
  if (g_armed) siglongjmp(g_jump, sig);
  // Not ours: restore the default and re-raise so the process dies as it would have.
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// Installed once and kept: OnFatal hands a crash outside a guarded call back to the default
// action, and exec resets both. (Installing per call cost ten syscalls per check.)
void InstallOnce() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  // An alternate stack lets the handler run even when the crash was a stack overflow.
  static char alt_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = OnFatal;
  sa.sa_flags = SA_ONSTACK | SA_NODEFER;  // NODEFER, empty sa_mask: the mask never changes
  sigemptyset(&sa.sa_mask);
  // Remembered, so that a program started later gets back a SIGSEGV its parent ignored.
  for (int sig : kSignals) process::ReplaceSignalAction(sig, sa);
}

}  // namespace

int RunCrashGuarded(const std::function<void()>& fn) {
  InstallOnce();
  // savemask 0: the handler leaves the signal mask as it was (see InstallOnce), so there is
  // nothing to restore, and no syscall per call.
  int sig = sigsetjmp(g_jump, 0);
  if (sig == 0) {
    g_armed = 1;
    fn();
  }
  g_armed = 0;
  return sig;
}

}  // namespace preflight::container
