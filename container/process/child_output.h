#pragma once
/// A child program whose stdout is read back without blocking: `serve` runs its checks in
/// `netdata-preflight check` children so that a slow network check never stalls the event
/// loop. fork+exec only (no threads, no the posix spawn API).

#include <sys/types.h>

#include <string>
#include <vector>

#include "container/base/expected.h"
#include "container/base/unique_fd.h"

namespace preflight::container {

struct Child {
  pid_t pid = -1;
  UniqueFd out;  ///< non-blocking read end of the child's stdout
};

/// Forks and execs `argv` (argv[0] a path) with stdin /dev/null, stdout a pipe, stderr
/// inherited. Fails only when pipe or fork fails; an exec failure is exit status 127.
Expected<Child> StartChild(const std::vector<std::string>& argv);

/// Appends what is readable now to `data`, at most up to `max_bytes` in total.
/// Returns true at EOF (or on a read error, or when `max_bytes` is reached).
bool DrainChild(const Child& child, std::string& data, size_t max_bytes);

/// Kills (SIGKILL) the child if it still runs and reaps it; returns its wait status.
int ReapChild(Child& child, bool kill_first);

}  // namespace preflight::container
