#pragma once
/// Ending a command on SIGTERM, SIGINT or SIGHUP before it has handed off or reported.

#include <signal.h>

namespace preflight::cmd {

/// From now on SIGTERM, SIGINT and SIGHUP end the process at once with 128+N and one line on
/// stderr: "netdata-preflight: <command> stopped by SIGTERM<note>". Needed as PID 1 (a
/// container's entrypoint, an initContainer), where a signal without a handler is ignored and
/// `docker stop` would wait for its SIGKILL. Both strings must outlive the process (literals).
/// Returns the set of those signals, to block around writes that must be whole. An exec
/// resets the handlers, so the program handed off to gets the default ones.
sigset_t EndOnStopSignals(const char* command, const char* note);

/// Changes what the line says was left undone (a literal), e.g. once the report is written.
void SetStopNote(const char* note);

}  // namespace preflight::cmd
