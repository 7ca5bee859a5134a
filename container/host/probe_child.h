#pragma once
/// A short-lived child that looks at something only a separate process can see (its parent's
/// real executable, a syscall the seccomp filter may kill on) and writes what it saw to a pipe.
/// It is vforked: it borrows our memory instead of copying the page tables of a process that
/// has run the checks: on the supervised hand-off that saved a millisecond (docs/benchmarks.md). A
/// vforked parent waits without a clock, so the child arms a timer that SIGKILLs it at the
/// deadline; a child that cannot arm one is run again as a fork, which the parent watches with
/// poll. Never the posix spawn API or threads.

#include <chrono>
#include <string>

#include "container/base/expected.h"

namespace preflight::container {

/// How a probe child ended.
struct ProbeChildEnd {
  std::string output;      ///< all it wrote to its pipe before it ended
  int status = 0;          ///< its wait status (WIFEXITED, WIFSIGNALED...)
  bool timed_out = false;  ///< killed at the deadline (by its own timer or by us)
};

/// What the child runs: writes to `out_fd`, may end with _exit, never returns otherwise into
/// our frames. It runs in our memory with every signal blocked: only syscalls, no allocation.
using ProbeChildBody = void (*)(int out_fd, const void* arg);

/// Runs `body(out_fd, arg)` in a child and waits for it, at most `limit`. Fails only when no
/// child could be made (fork refused). Signals sent to us meanwhile stay pending until then.
Expected<ProbeChildEnd> RunProbeChild(ProbeChildBody body, const void* arg,
                                      std::chrono::milliseconds limit);

}  // namespace preflight::container
