#include "cmd/stop_signals.h"

#include <unistd.h>

#include <initializer_list>

#include "container/process/inherited_signals.h"

namespace preflight::cmd {
namespace {

namespace process = container::process;

const char* volatile g_command = "";
bool g_held_at_entry = false;
const char* volatile g_note = "\n";

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, sig);
  return set;
}

void WriteAll(const char* text) {
  size_t n = 0;
  while (text[n] != '\0') ++n;
  ssize_t ignored = ::write(2, text, n);  // async-signal-safe, unlike stdio
  (void)ignored;
}

extern "C" void EndOnSignal(int sig) {
  const char* name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP";
  for (const char* part : {"netdata-preflight: ", g_command, " stopped by ", name, g_note}) {
    WriteAll(part);
  }
  ::_exit(128 + sig);
}

}  // namespace

void HoldStopSignals(bool held_at_entry, uint64_t entry_mask) {
  g_held_at_entry = held_at_entry;
  if (held_at_entry) {
    process::SetInheritedMask(process::MaskFromBits(entry_mask));
    return;
  }
  process::HoldSignalsAtStart(StopSet());
}

bool StopSignalsHeldAtEntry() { return g_held_at_entry; }

void ReleaseStopSignals() {
  sigset_t release;
  sigemptyset(&release);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    if (sigismember(&process::InheritedMask(), sig) != 1) sigaddset(&release, sig);
  }
  ::sigprocmask(SIG_UNBLOCK, &release, nullptr);
}

sigset_t EndOnStopSignals(const char* command, const char* note) {
  g_command = command;
  g_note = note;
  const sigset_t set = StopSet();
  struct sigaction sa {};
  sa.sa_handler = &EndOnSignal;
  sigemptyset(&sa.sa_mask);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    // Still held here, so putting an inherited ignore back leaves no moment for a signal.
    if (process::ReplaceSignalAction(sig, sa)) ::sigaction(sig, &ignore, nullptr);
  }
  // Held since the start: one sent meanwhile is delivered now, to the handler.
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
  return set;
}

void SetStopNote(const char* note) { g_note = note; }

}  // namespace preflight::cmd
