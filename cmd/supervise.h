#pragma once
/// `run --supervise` after the checks: stay PID 1 for the program, record its whole life in
/// runs.json, watch the agent's link and, when it is not up within --link-timeout, log the
/// network diagnosis (once, and again when it changes).
///
/// The supervisor is lean: `run` re-execs itself as `netdata-preflight __supervise START_MS
/// <run's own arguments>`, so that the process that stays resident has touched none of the
/// check machinery (the link watch and the diagnosis run in forked helper children).

#include <cstdint>

#include "cmd/run_options.h"

namespace preflight::cmd {

/// The hidden command the lean supervisor runs as.
inline constexpr const char* kLeanSupervisor = "__supervise";

/// Called by `run` once the checks allowed the hand-off and the start record (start_ms) is
/// written: re-execs into the lean supervisor, or, when that is impossible (no /proc),
/// supervises in this process. Returns the exit code.
int HandOffSupervised(const RunOptions& opts, int64_t start_ms);

/// main() of `netdata-preflight __supervise START_MS RUN-ARGS...`.
int LeanSuperviseMain(int argc, char** argv);

}  // namespace preflight::cmd
