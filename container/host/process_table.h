#pragma once
/// Processes of this PID namespace by name: `check` by hand asks whether an agent runs here and
/// as which user (the truth about "the user the agent runs as", whatever the config says).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "container/system.h"

namespace preflight::container {

struct RunningProcess {
  int pid = 0;
  unsigned euid = 0;
};

/// The first process whose /proc/<pid>/comm is `comm` and that has a file open under one of
/// `dirs` (an agent keeps its database in its cache and lib dirs open: that tells this node's
/// agent from another one on the same PID namespace), with its effective uid; nullopt when none
/// (or /proc is not readable). Looks at no more than 4096 processes and 512 fds each.
std::optional<RunningProcess> FindRunningProcess(const System& sys, std::string_view comm,
                                                 const std::vector<std::string>& dirs);

}  // namespace preflight::container
