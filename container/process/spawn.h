#pragma once
/// Starting the supervised program: fork+exec (never the posix spawn API or threads, which use clone3
/// and are refused by the seccomp profiles this tool diagnoses).

#include <signal.h>

#include <string>
#include <vector>

#include "container/expected.h"

namespace preflight::container::process {

/// Forks and execs `argv` (argv[0] looked up in PATH) as the leader of a new process group,
/// the terminal's foreground group when stdin is a TTY, with the signal mask `child_mask`
/// (the mask the tool started with). Signal dispositions are inherited unchanged, as tini
/// does: a signal ignored by whoever started the container stays ignored in the program.
/// When exec fails the child writes "netdata-preflight: exec `<argv[0]>` failed: <reason>"
/// to stderr and exits 127 (not found) or 126 (not executable). Fails only when fork fails.
Expected<int> SpawnChild(const std::vector<std::string>& argv, const sigset_t& child_mask);

}  // namespace preflight::container::process
