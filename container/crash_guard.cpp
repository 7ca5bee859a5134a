#include "container/crash_guard.h"

#include <csetjmp>
#include <csignal>
#include <cstring>

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

}  // namespace

int RunCrashGuarded(const std::function<void()>& fn) {
  // An alternate stack lets the handler run even when the crash was a stack overflow.
  static char alt_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, nullptr);

  struct sigaction old[4];
  struct sigaction sa {};
  sa.sa_handler = OnFatal;
  sa.sa_flags = SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < 4; ++i) sigaction(kSignals[i], &sa, &old[i]);

  int sig = sigsetjmp(g_jump, 1);
  if (sig == 0) {
    g_armed = 1;
    fn();
  }
  g_armed = 0;
  for (int i = 0; i < 4; ++i) sigaction(kSignals[i], &old[i], nullptr);
  return sig;
}

}  // namespace preflight::container
