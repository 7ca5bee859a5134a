#pragma once
/// Seccomp facts (and the effective uid) of a process as the kernel reports them in
/// /proc/<pid>/status.

#include <string_view>

namespace preflight::container {

/// The seccomp-related fields of /proc/<pid>/status. -1 = the line is absent (a kernel built
/// without CONFIG_SECCOMP has no "Seccomp:" line; "Seccomp_filters:" exists since 5.9).
struct ProcStatus {
  int seccomp = -1;          ///< 0 disabled, 1 strict, 2 filter
  int seccomp_filters = -1;  ///< number of filters attached
  int no_new_privs = -1;     ///< 1 when no_new_privs is set
  int euid = -1;             ///< the effective uid (second field of "Uid:")
};

/// Parses the text of /proc/self/status. Pure and total: unknown lines, junk and
/// out-of-range numbers leave the field at -1.
ProcStatus ParseProcStatus(std::string_view text);

/// "disabled", "strict", "filter", or "unknown".
std::string_view SeccompModeName(int mode);

}  // namespace preflight::container
