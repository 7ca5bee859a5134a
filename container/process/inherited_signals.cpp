#include "container/process/inherited_signals.h"

namespace preflight::container::process {
namespace {

// Plain globals, no allocation: read between fork and exec.
sigset_t g_inherited_mask;
bool g_mask_known = false;
uint64_t g_replaced = 0;  // bit N-1: ReplaceSignalAction replaced signal N
uint64_t g_ignored = 0;   // bit N-1: and it was SIG_IGN then

constexpr int kMaxSignal = 64;

uint64_t Bit(int sig) { return sig >= 1 && sig <= kMaxSignal ? uint64_t{1} << (sig - 1) : 0; }

}  // namespace

void HoldSignalsAtStart(const sigset_t& signals) {
  sigset_t before;
  if (::sigprocmask(SIG_BLOCK, &signals, &before) != 0) return;
  if (!g_mask_known) {
    g_inherited_mask = before;
    g_mask_known = true;
  }
}

const sigset_t& InheritedMask() {
  if (!g_mask_known) {
    // Never held: the current mask is the inherited one.
    ::sigprocmask(SIG_SETMASK, nullptr, &g_inherited_mask);
    g_mask_known = true;
  }
  return g_inherited_mask;
}

void SetInheritedMask(const sigset_t& mask) {
  g_inherited_mask = mask;
  g_mask_known = true;
}

bool ReplaceSignalAction(int sig, const struct sigaction& act) {
  struct sigaction old {};
  if (::sigaction(sig, &act, &old) != 0) return false;
  const bool ignored = old.sa_handler == SIG_IGN && (old.sa_flags & SA_SIGINFO) == 0;
  if ((g_replaced & Bit(sig)) == 0) {
    g_replaced |= Bit(sig);
    if (ignored) g_ignored |= Bit(sig);
  }
  return (g_ignored & Bit(sig)) != 0;
}

bool InheritedIgnored(int sig) { return (g_ignored & Bit(sig)) != 0; }

void RestoreInheritedSignals() {
  struct sigaction sa {};
  sigemptyset(&sa.sa_mask);
  for (int sig = 1; sig <= kMaxSignal; ++sig) {
    if ((g_replaced & Bit(sig)) == 0) continue;
    sa.sa_handler = (g_ignored & Bit(sig)) != 0 ? SIG_IGN : SIG_DFL;
    ::sigaction(sig, &sa, nullptr);
  }
  ::sigprocmask(SIG_SETMASK, &InheritedMask(), nullptr);
}

void RestoreInheritedIgnores() {
  struct sigaction sa {};
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = SIG_IGN;
  for (int sig = 1; sig <= kMaxSignal; ++sig) {
    if ((g_ignored & Bit(sig)) != 0) ::sigaction(sig, &sa, nullptr);
  }
}

uint64_t MaskBits(const sigset_t& mask) {
  uint64_t bits = 0;
  for (int sig = 1; sig <= kMaxSignal && sig < NSIG; ++sig) {
    if (sigismember(&mask, sig) == 1) bits |= Bit(sig);
  }
  return bits;
}

sigset_t MaskFromBits(uint64_t bits) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig = 1; sig <= kMaxSignal && sig < NSIG; ++sig) {
    if ((bits & Bit(sig)) != 0) sigaddset(&mask, sig);
  }
  return mask;
}

}  // namespace preflight::container::process
