#pragma once
/// Runs a short-lived program to completion (e.g. `netdata -V`) with fork+exec — never
/// the posix spawn API or threads, which use clone3 (blocked by the seccomp profiles we diagnose).

#include <chrono>
#include <string>
#include <vector>

#include "container/base/expected.h"
#include "container/file_info.h"

namespace preflight::container {

/// Runs `argv` (argv[0] looked up in PATH when it has no '/'), stdin from /dev/null, stdout and
/// stderr captured together up to `max_output` bytes (the rest is drained and dropped). After
/// `timeout` the child is killed with SIGKILL and `timed_out` is set. Fails only when the
/// pipe or fork fails; an exec failure is exit code 127 (not found) or 126 (not executable).
Expected<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout, size_t max_output);

}  // namespace preflight::container
