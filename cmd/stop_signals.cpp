#include "cmd/stop_signals.h"

#include <unistd.h>

#include <initializer_list>

namespace preflight::cmd {
namespace {

const char* volatile g_command = "";
const char* volatile g_note = "\n";

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

sigset_t EndOnStopSignals(const char* command, const char* note) {
  g_command = command;
  g_note = note;
  sigset_t set;
  sigemptyset(&set);
  struct sigaction sa {};
  sa.sa_handler = &EndOnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
    sigaddset(&set, sig);
    ::sigaction(sig, &sa, nullptr);
  }
  return set;
}

void SetStopNote(const char* note) { g_note = note; }

}  // namespace preflight::cmd
