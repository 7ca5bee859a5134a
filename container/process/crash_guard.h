#pragma once
/// Turns a crash inside a check (SIGSEGV, SIGBUS, SIGFPE, SIGILL) into a value, so that one
/// broken check becomes an `error` result instead of a dead process. The crashed call's
/// stack objects are abandoned (leaked), which is acceptable for a short-lived run.

#include <functional>

namespace preflight::container {

/// Runs `fn`. Returns 0 when it returned normally, else the number of the fatal signal that
/// interrupted it. Not reentrant; single-threaded use only (the whole tool is).
int RunCrashGuarded(const std::function<void()>& fn);

}  // namespace preflight::container
