#pragma once
/// Which syscalls this process's seccomp filter lets through. Each syscall the agent's C library
/// relies on is called, in a child (container/host/probe_child.h), with arguments the kernel
/// rejects cheaply and harmlessly; the answer tells an allowed syscall (EINVAL/EBADF/EFAULT) from
/// one the filter blocks (EPERM/EACCES) or kills on (SIGSYS), and from one the kernel lacks
/// (ENOSYS).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "container/base/expected.h"

namespace preflight::container {

enum class SyscallVerdict {
  kAllowed,       ///< the kernel itself answered (EINVAL, EBADF, EFAULT, E2BIG)
  kNotAvailable,  ///< ENOSYS: missing here; the C library falls back to the older syscall
  kBlocked,       ///< EPERM or EACCES: the filter refuses, and the C library does not fall back
  kKilled,        ///< the child died of SIGSYS: a kill or trap action
  kUnexpected,    ///< another errno, or success: a custom filter answer
  kUnresolved,    ///< no syscall number for this architecture
  kTimedOut,      ///< no answer within the time limit (e.g. a trace/notify action that stalls)
};

/// "allowed", "not-available", "blocked", "killed", "unexpected", "unresolved", "timed-out".
std::string_view SyscallVerdictName(SyscallVerdict verdict);

/// The verdict an errno (0 = the call succeeded) stands for.
SyscallVerdict ClassifyErrno(int err);

struct SyscallProbe {
  std::string name;  ///< "clone3"
  long number = -1;  ///< for the running architecture
  SyscallVerdict verdict = SyscallVerdict::kUnresolved;
  int err = 0;     ///< the errno the call returned (kAllowed, kNotAvailable, kBlocked, ...)
  int signal = 0;  ///< the signal that ended the child (kKilled)
};

struct SeccompProbeReport {
  std::string arch;  ///< the kernel's name of the machine (uname: "x86_64", "aarch64")
  std::vector<SyscallProbe> syscalls;
  int children = 0;  ///< how many probe children were run
  /// The user-mode emulator this process runs under ("/usr/bin/qemu-aarch64-static"), or ""
  /// when native or unknown (container/host/emulation.h). Under one, the answers are the
  /// emulator's, not the program's: Probe() stops after the first child.
  std::string emulator;
};

/// The syscalls probed, in order: clone3, faccessat2, close_range, openat2, epoll_pwait2,
/// fchmodat2, pidfd_open, io_uring_setup, mseal, statx.
const std::vector<std::string>& ProbedSyscalls();

class SeccompProber {
 public:
  virtual ~SeccompProber() = default;
  /// Probes every syscall of ProbedSyscalls(). Each child is killed after `per_child`; after a
  /// kill or a timeout the syscalls not yet answered are probed one per child so that one
  /// killing syscall does not hide the others. Fails only when no child could be made.
  virtual Expected<SeccompProbeReport> Probe(std::chrono::milliseconds per_child) = 0;
};

/// The production prober: a vforked child (never the posix spawn API or threads), raw syscalls,
/// a pipe back.
class RealSeccompProber final : public SeccompProber {
 public:
  Expected<SeccompProbeReport> Probe(std::chrono::milliseconds per_child) override;
};

/// The number a probed syscall has on the architecture this was compiled for (the one it runs
/// on), or -1: not probed, or unknown to this architecture's headers (then kUnresolved).
long ProbedSyscallNumber(std::string_view name);

}  // namespace preflight::container
