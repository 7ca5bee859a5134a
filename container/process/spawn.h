#pragma once
/// Starting the supervised program: fork+exec (never the posix spawn API or threads, which use
/// clone3 and are refused by the seccomp profiles this tool diagnoses).

#include <string>
#include <vector>

#include "container/base/expected.h"

namespace preflight::container::process {

/// Forks (vfork, fork when refused) and execs `argv` (argv[0] looked up in PATH) as the leader of a
/// new process group, made the terminal's foreground group when stdin is a terminal whose
/// foreground group was ours (a job started in the background stays there). The program gets the
/// signal state this process inherited (inherited_signals.h): its mask, and every disposition we
/// replaced put back (a signal ignored by whoever started us stays ignored, as with nohup; no
/// handler of ours runs in the child). When exec fails the child writes "netdata-preflight: exec
/// `<argv[0]>` failed: <reason>" to stderr and exits 127 (not found) or 126 (not
/// executable). Fails only when fork fails. Call with every signal blocked.
Expected<int> SpawnChild(const std::vector<std::string>& argv);

}  // namespace preflight::container::process
