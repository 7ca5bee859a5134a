#pragma once
/// Ending a command on SIGTERM, SIGINT or SIGHUP before it has handed off or reported, and
/// never losing one that comes before the handlers are in place.

#include <signal.h>

#include <cstdint>

namespace preflight::cmd {

/// Blocks SIGTERM, SIGINT and SIGHUP. Run first thing in the process (cmd/main.cpp, before
/// the static initialisers): one sent in the first milliseconds waits, pending, for the
/// handler (EndOnStopSignals), the supervisor's signalfd, or ReleaseStopSignals. Without it,
/// a PID 1 drops a signal it has no handler for: `docker stop` right after start was lost.
/// `held_at_entry`: the entry point held them already (main.cpp), finding `entry_mask` (64
/// bits, bit N-1 for signal N), which is then the inherited mask.
void HoldStopSignals(bool held_at_entry = false, uint64_t entry_mask = 0);

/// Whether HoldStopSignals found them held by the entry point (for the trace log: the arch
/// tests read it to prove each architecture's entry ran).
bool StopSignalsHeldAtEntry();

/// For a command that does not end on them: the stop signals get the mask inherited at start
/// back (one held since then is delivered now, to the command's own handling or the default).
void ReleaseStopSignals();

/// From now on SIGTERM, SIGINT and SIGHUP end the process at once with 128+N and one line on
/// stderr: "netdata-preflight: <command> stopped by SIGTERM<note>". Needed as PID 1 (a
/// container's entrypoint, an initContainer), where a signal without a handler is ignored and
/// `docker stop` would wait for its SIGKILL. A signal the parent ignored stays ignored (nohup:
/// SIGHUP; a background job: SIGINT). Releases the held signals: one sent since the start
/// ends the process now. Both strings must outlive the process (literals). Returns the set
/// of those signals, to block around writes that must be whole. An exec resets the
/// handlers; the program handed off to gets the inherited dispositions.
sigset_t EndOnStopSignals(const char* command, const char* note);

/// Changes what the line says was left undone (a literal), e.g. once the report is written.
void SetStopNote(const char* note);

}  // namespace preflight::cmd
