#pragma once
/// Replacing this process with the program it fronts (`run` without --supervise): the tool
/// disappears, the pid stays, argv and the environment reach the program unchanged.

#include <string>
#include <vector>

#include "container/base/expected.h"

namespace preflight::container::process {

/// The exit code a shell gives when exec fails with `err`: 127 when the program is not
/// there (ENOENT, ENOTDIR), 126 when it is there but cannot be executed (EACCES, ENOEXEC,
/// EISDIR, ...). Async-signal-safe.
int ExecFailureExitCode(int err);

/// execvp(argv[0], argv) with the current environment, the signal mask this process inherited
/// and the ignores it inherited (inherited_signals.h). Returns only on failure, with the
/// errno in `code` and "exec `<argv[0]>`: <reason>" as the message. An empty argv is EINVAL.
Error ExecReplace(const std::vector<std::string>& argv);

}  // namespace preflight::container::process
