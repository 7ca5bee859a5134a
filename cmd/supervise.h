#pragma once
/// `run --supervise` after the checks: stay PID 1 for the program, record its whole life in
/// runs.json, watch the agent's link and, when it is not up within --link-timeout, log the
/// network diagnosis (once, and again when it changes).
///
/// The program starts first: `run` forks it the moment the checks allow; the owner lease and the
/// start record follow once it has lived 100 ms (it never waits for their fsyncs), or, when it
/// ended sooner, its whole run is recorded at once, in one batch (supervise.cpp says why). A
/// program that outlives the first second gets the lean supervisor: `run` re-execs itself as
/// `netdata-preflight __supervise START_MS:PID:MASK <run's own arguments>`, which adopts the
/// program (still its child) and has touched none of the check machinery (the link watch and
/// the diagnosis run in forked helper children); a shorter one never pays for that exec.
/// Signals stay blocked throughout, the exec included: none is lost.

#include <cstdint>
#include <functional>

#include "cmd/run_options.h"
#include "container/state/run_records.h"
#include "container/system.h"

namespace preflight::cmd {

/// The hidden command the lean supervisor runs as.
inline constexpr const char* kLeanSupervisor = "__supervise";

/// What `run` leaves for the supervisor to write: the start of the run.
struct StartWrites {
  container::System& sys;  ///< writes deferred (System::DeferWrites), the start record kept in it
  container::RunRecord record;       ///< that start record
  std::function<void()> take_lease;  ///< keeps the owner lease's write in `sys`; may be empty
};

/// Called by `run` once the checks allowed the hand-off: starts the program, writes `start`
/// (once the program lived 100 ms, or with its end), supervises (re-exec'd lean after the first
/// second, or here when that is impossible: no /proc). Returns the exit code.
int HandOffSupervised(const RunOptions& opts, const StartWrites& start);

/// main() of `netdata-preflight __supervise START_MS:PID:MASK RUN-ARGS...`: PID is the
/// program `run` started, MASK (hex) the signal mask `run` inherited. Shows itself to `ps` as
/// `run RUN-ARGS...`.
int LeanSuperviseMain(int argc, char** argv);

}  // namespace preflight::cmd
