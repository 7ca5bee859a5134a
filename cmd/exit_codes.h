#pragma once
/// Every exit code the tool itself chooses (contract, DESIGN.md §1). After hand-off, `run`
/// exits with the child's own code, 128+N for signal N, or 126/127 when exec fails.

namespace preflight::cmd {

enum ExitCode : int {
  kExitOk = 0,             ///< check: nothing at or above --fail-on; probe: ready
  kExitChecksFailed = 1,   ///< check: something at or above --fail-on; probe: not ready
  kExitUsage = 64,         ///< EX_USAGE: bad flag, value or id
  kExitInternal = 70,      ///< EX_SOFTWARE: a bug or an impossible state
  kExitCannotCreate = 73,  ///< EX_CANTCREAT: an output file or the listening socket cannot be made
  kExitIoError = 74,       ///< EX_IOERR: writing the report failed (disk full, I/O error)
  kExitRefused = 78,       ///< EX_CONFIG: run/check --gate refused to hand off
  kExitCannotExecute = 126,
  kExitNotFound = 127,
};

}  // namespace preflight::cmd
