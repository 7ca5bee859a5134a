#include "container/host/seccomp_probe.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "container/host/emulation.h"
#include "container/host/probe_child.h"

namespace preflight::container {
namespace {

/// The syscall numbers of this architecture, fixed when it is compiled: statx from the C
/// library's <sys/syscall.h>; every other one is 424 or newer, a number every architecture the
/// netdata image ships shares since Linux unified the table (5.1), so it is written here when the
/// headers are older than the syscall (bookworm's know neither fchmodat2 nor mseal). A resolver
/// at run time (libseccomp's) touched kilobytes of tables on every start for these ten.
#ifdef SYS_statx
constexpr long kStatx = SYS_statx;
#else
constexpr long kStatx = -1;  // unresolved: probed as such, judged by the C library
#endif
#if defined(SYS_clone3) && SYS_clone3 != 435
#error "clone3 is not 435 here: this architecture does not share the unified syscall numbers"
#endif

/// Arguments each syscall rejects before doing anything: sizes below the smallest struct
/// (clone3, openat2), flag bits no kernel defines (faccessat2, close_range, fchmodat2,
/// pidfd_open, mseal, statx), zero events (epoll_pwait2), NULL params (io_uring_setup). None of
/// them can create a process, open a file, close a descriptor or change a mapping.
struct ProbeCall {
  const char* name;
  long number;
  long args[6];
};

constexpr long kBadFlag = 0x40000000;
const char kEmpty[] = "";

const ProbeCall kCalls[] = {
    {"clone3", 435, {0, 0, 0, 0, 0, 0}},  // size 0 < CLONE_ARGS_SIZE_VER0: EINVAL
    {"faccessat2", 439, {-1, reinterpret_cast<long>(kEmpty), 0, kBadFlag, 0, 0}},
    {"close_range", 436, {static_cast<long>(0xffffffffUL), 0, kBadFlag, 0, 0, 0}},  // -1: 32-bit
    {"openat2", 437, {-100, reinterpret_cast<long>(kEmpty), 0, 0, 0, 0}},  // size 0: EINVAL
    {"epoll_pwait2", 441, {-1, 0, 0, 0, 0, 0}},                            // maxevents 0: EINVAL
    {"fchmodat2", 452, {-1, reinterpret_cast<long>(kEmpty), 0, kBadFlag, 0, 0}},
    {"pidfd_open", 434, {0, kBadFlag, 0, 0, 0, 0}},
    {"io_uring_setup", 425, {0, 0, 0, 0, 0, 0}},  // params NULL: EFAULT
    {"mseal", 462, {1, 0, kBadFlag, 0, 0, 0}},    // flags must be 0: EINVAL
    {"statx", kStatx, {-1, 0, 0x6000, static_cast<long>(0x80000000UL), 0, 0}},  // both sync bits
};

struct Record {
  int32_t index;
  int32_t err;
};

/// What one child probes: calls [first, last) of kCalls, by `numbers`.
struct Batch {
  const long* numbers;
  size_t first;
  size_t last;
};

/// The child (container/host/probe_child.h: our memory, syscalls only): our executable as it
/// sees it (WriteParentExe), then one Record a call.
void ProbeBatch(int out_fd, const void* arg) {
  const Batch& batch = *static_cast<const Batch*>(arg);
  WriteParentExe(out_fd);  // first: a call that kills the child must not hide an emulator
  // A trap action must reach its default, death; every other signal stays blocked.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGSYS, &dfl, nullptr);
  sigset_t all_but_sys;
  sigfillset(&all_but_sys);
  sigdelset(&all_but_sys, SIGSYS);
  sigprocmask(SIG_SETMASK, &all_but_sys, nullptr);
  struct rlimit no_core {
    0, 0
  };
  setrlimit(RLIMIT_CORE, &no_core);  // a trapped probe dies of SIGSYS: no core file for that
  for (size_t i = batch.first; i < batch.last; ++i) {
    if (batch.numbers[i] < 0) continue;
    const long* a = kCalls[i].args;
    long r = syscall(batch.numbers[i], a[0], a[1], a[2], a[3], a[4], a[5]);
    Record rec{static_cast<int32_t>(i), r < 0 ? errno : 0};
    if (write(out_fd, &rec, sizeof rec) != static_cast<ssize_t>(sizeof rec)) _exit(3);
  }
}

enum class ChildEnd { kDone, kSignaled, kTimedOut, kForkFailed };

/// Runs one child for [first, last); fills answered verdicts and, when `seen_exe` is empty, our
/// executable as the child saw it; returns how it ended and, for a signal, which one.
ChildEnd RunChild(const std::vector<long>& numbers, size_t first, size_t last,
                  std::chrono::milliseconds limit, std::vector<SyscallProbe>& out, int& sig,
                  std::string& seen_exe) {
  const Batch batch{numbers.data(), first, last};
  auto child = RunProbeChild(&ProbeBatch, &batch, limit);
  if (!child.ok()) return ChildEnd::kForkFailed;
  const std::string& buf = child->output;
  int32_t exe_len = 0;
  size_t off = 0;
  if (buf.size() >= sizeof exe_len) {
    std::copy(buf.data(), buf.data() + sizeof exe_len, reinterpret_cast<char*>(&exe_len));
    off = sizeof exe_len;
    if (exe_len > 0 && off + static_cast<size_t>(exe_len) <= buf.size()) {
      if (seen_exe.empty()) seen_exe.assign(buf, off, static_cast<size_t>(exe_len));
      off += static_cast<size_t>(exe_len);
    }
  }
  for (; off + sizeof(Record) <= buf.size(); off += sizeof(Record)) {
    Record rec{};
    std::copy(buf.data() + off, buf.data() + off + sizeof rec, reinterpret_cast<char*>(&rec));
    if (rec.index < 0 || static_cast<size_t>(rec.index) >= out.size()) continue;
    out[rec.index].err = rec.err;
    out[rec.index].verdict = ClassifyErrno(rec.err);
  }
  if (child->timed_out) return ChildEnd::kTimedOut;
  if (WIFSIGNALED(child->status)) {
    sig = WTERMSIG(child->status);
    return ChildEnd::kSignaled;
  }
  return ChildEnd::kDone;
}

bool Pending(const SyscallProbe& p) {
  return p.verdict == SyscallVerdict::kUnresolved && p.number >= 0;
}

std::string NativeArch() {
  struct utsname u {};
  return uname(&u) == 0 ? u.machine : "unknown";
}

}  // namespace

std::string_view SyscallVerdictName(SyscallVerdict verdict) {
  switch (verdict) {
    case SyscallVerdict::kAllowed:
      return "allowed";
    case SyscallVerdict::kNotAvailable:
      return "not-available";
    case SyscallVerdict::kBlocked:
      return "blocked";
    case SyscallVerdict::kKilled:
      return "killed";
    case SyscallVerdict::kUnexpected:
      return "unexpected";
    case SyscallVerdict::kUnresolved:
      return "unresolved";
    case SyscallVerdict::kTimedOut:
      return "timed-out";
  }
  return "unexpected";
}

SyscallVerdict ClassifyErrno(int err) {
  switch (err) {
    case EINVAL:
    case EBADF:
    case EFAULT:
    case E2BIG:
      return SyscallVerdict::kAllowed;
    case ENOSYS:
      return SyscallVerdict::kNotAvailable;
    case EPERM:
    case EACCES:
      return SyscallVerdict::kBlocked;
    default:
      return SyscallVerdict::kUnexpected;
  }
}

const std::vector<std::string>& ProbedSyscalls() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& c : kCalls) v.emplace_back(c.name);
    return v;
  }();
  return names;
}

long ProbedSyscallNumber(std::string_view name) {
  for (const auto& c : kCalls) {
    if (name == c.name) return c.number;
  }
  return -1;
}

Expected<SeccompProbeReport> RealSeccompProber::Probe(std::chrono::milliseconds per_child) {
  SeccompProbeReport report;
  report.arch = NativeArch();
  const std::string self_exe = SelfExe();
  std::string seen_exe;
  std::vector<long> numbers;
  for (const auto& c : kCalls) {
    SyscallProbe p;
    p.name = c.name;
    p.number = c.number;
    numbers.push_back(p.number);
    report.syscalls.push_back(p);
  }
  // All in one child first; after a death, the rest one per child, within a total budget.
  const auto budget_end = std::chrono::steady_clock::now() + per_child * 3;
  int sig = 0;
  ++report.children;
  ChildEnd end = RunChild(numbers, 0, numbers.size(), per_child, report.syscalls, sig, seen_exe);
  if (end == ChildEnd::kForkFailed) return Errno("fork", "seccomp probe child");
  report.emulator = EmulatorFromExes(self_exe, seen_exe);
  if (!report.emulator.empty()) return report;  // the answers are the emulator's: none judged
  // The first call the batch child left unanswered is the one that ended it; every later one
  // gets a child of its own.
  bool batch_culprit = true;
  for (size_t i = 0; i < report.syscalls.size(); ++i) {
    auto& p = report.syscalls[i];
    if (!Pending(p)) continue;
    if (!batch_culprit) {
      if (std::chrono::steady_clock::now() >= budget_end) {
        p.verdict = SyscallVerdict::kTimedOut;
        continue;
      }
      ++report.children;
      end = RunChild(numbers, i, i + 1, per_child, report.syscalls, sig, seen_exe);
      if (!Pending(p)) continue;
    }
    batch_culprit = false;
    if (end == ChildEnd::kSignaled) {
      p.verdict = sig == SIGSYS ? SyscallVerdict::kKilled : SyscallVerdict::kUnexpected;
      p.signal = sig;
    } else {
      p.verdict =
          end == ChildEnd::kTimedOut ? SyscallVerdict::kTimedOut : SyscallVerdict::kUnexpected;
    }
  }
  return report;
}

}  // namespace preflight::container
