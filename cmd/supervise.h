#pragma once
/// `run --supervise` after the checks: stay PID 1 for the program, record its whole life in
/// runs.json, watch the agent's link and, when it is not up within --link-timeout, log the
/// network diagnosis (once, and again when it changes).
///
/// The program starts first: `run` forks it the moment the checks allow, then writes the owner
/// lease and the start record (the program never waits for their fsyncs). A program that
/// outlives the first second gets the lean supervisor: `run` re-execs itself as
/// `netdata-preflight __supervise START_MS:PID:MASK <run's own arguments>`, which adopts the
/// program (still its child) and has touched none of the check machinery (the link watch and
/// the diagnosis run in forked helper children); a shorter one never pays for that exec.
/// Signals stay blocked throughout, the exec included: none is lost.

#include <cstdint>

#include "cmd/run_options.h"
#include "container/system.h"

namespace preflight::cmd {

/// The hidden command the lean supervisor runs as.
inline constexpr const char* kLeanSupervisor = "__supervise";

/// Called by `run` once the checks allowed the hand-off, with the owner lease and the start
/// record (start_ms) deferred in `sys` (System::DeferWrites): starts the program, writes them,
/// supervises (re-exec'd lean after the first second, or here when that is impossible: no
/// /proc). Returns the exit code.
int HandOffSupervised(container::System& sys, const RunOptions& opts, int64_t start_ms);

/// main() of `netdata-preflight __supervise START_MS:PID:MASK RUN-ARGS...`: PID is the
/// program `run` started, MASK (hex) the signal mask `run` inherited. Shows itself to `ps` as
/// `run RUN-ARGS...`.
int LeanSuperviseMain(int argc, char** argv);

}  // namespace preflight::cmd
