#pragma once
/// Processes of this PID namespace by name: `check` by hand asks whether an agent runs here and
/// as which user (the truth about "the user the agent runs as", whatever the config says).

#include <optional>
#include <string_view>

#include "container/system.h"

namespace preflight::container {

struct RunningProcess {
  int pid = 0;
  unsigned euid = 0;
};

/// The first process whose /proc/<pid>/comm is `comm`, with its effective uid; nullopt when none
/// runs (or /proc is not readable). Looks at no more than the first 4096 processes.
std::optional<RunningProcess> FindRunningProcess(const System& sys, std::string_view comm);

}  // namespace preflight::container
