// container.seccomp: the seccomp filter of this container must not answer EPERM (or kill) for the
// syscalls the agent's C library calls without a fallback. Old Docker profiles do exactly that
// for clone3 (threads, glibc >= 2.34) and faccessat2 (access(), glibc >= 2.33 and musl).
#include <cerrno>
#include <cstdio>

#include "checks/agent_model.h"
#include "checks/catalog.h"
#include "checks/findings.h"
#include "checks/sections.h"
#include "container/host/libc_detect.h"
#include "container/host/seccomp_probe.h"
#include "container/parse/proc_status.h"

namespace preflight::checks {
namespace {

using container::SyscallProbe;
using container::SyscallVerdict;

constexpr std::chrono::milliseconds kPerChild{500};
constexpr const char* kConfirm =
    "confirm with a test run under `--security-opt seccomp=unconfined` (Kubernetes: "
    "securityContext.seccompProfile.type: Unconfined)";

std::string ErrnoName(int err) {
  switch (err) {
    case 0:
      return "success";
    case EPERM:
      return "EPERM";
    case EACCES:
      return "EACCES";
    case ENOSYS:
      return "ENOSYS";
    case EINVAL:
      return "EINVAL";
    case EBADF:
      return "EBADF";
    case EFAULT:
      return "EFAULT";
    case E2BIG:
      return "E2BIG";
    case ENOMEM:
      return "ENOMEM";
    default:
      return "errno " + std::to_string(err);
  }
}

/// How a refused syscall is described: "answers EPERM" / "kills the process (SIGSYS)".
std::string HowRefused(const SyscallProbe& p) {
  switch (p.verdict) {
    case SyscallVerdict::kKilled:
      return "is killed by the filter (SIGSYS: a kill action)";
    case SyscallVerdict::kTimedOut:
      return "got no answer within 500 ms (a trace or notify action?)";
    case SyscallVerdict::kUnexpected:
      return p.signal != 0 ? "ended the probe with signal " + std::to_string(p.signal)
                           : "answers " + ErrnoName(p.err) + " (a custom filter answer)";
    default:
      return "answers " + ErrnoName(p.err);
  }
}

/// The kernel answered the probe with a refusal (EPERM, or SIGSYS): an observation, not a
/// timeout or an odd errno.
bool Observed(const SyscallProbe& p) {
  return p.verdict == SyscallVerdict::kBlocked || p.verdict == SyscallVerdict::kKilled;
}

bool Refused(const SyscallProbe& p) {
  return p.verdict == SyscallVerdict::kBlocked || p.verdict == SyscallVerdict::kKilled ||
         p.verdict == SyscallVerdict::kUnexpected || p.verdict == SyscallVerdict::kTimedOut;
}

/// faccessat2 breaks glibc >= 2.33 and musl of Alpine >= 3.14 (musl 1.2.2 calls it first).
bool MuslUsesFaccessat2(const container::LibcInfo& libc) {
  if (!libc.musl) return false;
  if (libc.alpine_release.empty()) return true;
  int major = 0, minor = 0;
  if (sscanf(libc.alpine_release.c_str(), "%d.%d", &major, &minor) != 2) return true;
  return major > 3 || (major == 3 && minor >= 14);
}

void JudgeClone3(const SyscallProbe& p, const container::LibcInfo& libc, Findings& f) {
  const std::string what = "clone3 " + HowRefused(p);
  const std::string fix =
      "Upgrade Docker to >= 20.10.10 (its profile answers ENOSYS for clone3 so glibc falls back to "
      "clone), or run with a custom seccomp profile that allows clone3; " +
      std::string(kConfirm) + ".";
  if (libc.GlibcAtLeast(2, 34) || (!libc.glibc && !libc.musl)) {
    const std::string lib = libc.glibc ? libc.Describe() : "an unknown C library";
    const std::string message = what + ": the agent cannot start threads (" + lib +
                                " creates every thread with clone3 and falls back only on ENOSYS)";
    // Certain: the refusal was observed and this glibc needs clone3. An unknown C library
    // (musl never calls clone3) or a probe that did not answer clearly is reported only.
    if (libc.glibc && Observed(p)) {
      f.CertainFail(message, fix,
                    "observed: clone3 " + HowRefused(p) + " with " + libc.Describe() + "; " +
                        Because(Behaviour::kStartsThreads));
    } else {
      f.Fail(message, fix);
    }
  } else {
    f.Warn(what + ": harmless for this image's " + libc.Describe() +
               ", but any glibc >= 2.34 program here cannot start threads",
           fix);
  }
}

void JudgeFaccessat2(const SyscallProbe& p, const container::LibcInfo& libc, Findings& f) {
  const std::string what = "faccessat2 " + HowRefused(p);
  const std::string fix =
      "Upgrade Docker to >= 20.10.0 and the host's libseccomp to >= 2.4.4, or run with a custom "
      "seccomp profile that allows faccessat2; " +
      std::string(kConfirm) + ".";
  if (libc.GlibcAtLeast(2, 33) || MuslUsesFaccessat2(libc) || (!libc.glibc && !libc.musl)) {
    f.Fail(what + ": file access checks fail (" + libc.Describe() +
               " calls it for access() and `test -x`); the claim script looks not executable; "
               "the node cannot be claimed",
           fix);
  } else {
    f.Warn(what + ": harmless for this image's " + libc.Describe() +
               ", but newer C libraries fail every access() check here",
           fix);
  }
}

/// Syscalls whose refusal degrades but does not stop the agent.
void JudgeMinor(const SyscallProbe& p, const container::LibcInfo& libc, Findings& f,
                Details& notes) {
  // glibc calls fchmodat2 only from 2.39 on; older ones never reach it.
  if (p.name == "fchmodat2" && libc.glibc && !libc.GlibcAtLeast(2, 39) && !libc.musl &&
      p.verdict == SyscallVerdict::kBlocked) {
    notes.push_back("fchmodat2 " + HowRefused(p) + ": not used by " + libc.Describe());
    return;
  }
  f.Warn(p.name + " " + HowRefused(p) + ": programs that use it without an ENOSYS fallback fail",
         "Run with the seccomp profile of Docker >= 20.10.10 or a custom profile that allows " +
             p.name + "; " + kConfirm + ".");
}

Result RunContainerSeccomp(Context& ctx) {
  Details details;
  const auto status = container::ParseProcStatus(
      ctx.sys.ReadFile("/proc/self/status", 64 * 1024, true).value_or(""));
  std::string kernel = ctx.sys.ReadFile("/proc/sys/kernel/osrelease", 256, true).value_or("");
  while (!kernel.empty() && (kernel.back() == '\n' || kernel.back() == ' ')) kernel.pop_back();
  details["mode"] = std::string(container::SeccompModeName(status.seccomp));
  details["filters"] = status.seccomp_filters;
  details["no_new_privs"] = status.no_new_privs;
  details["kernel"] = kernel.empty() ? "unknown" : kernel;
  if (status.seccomp <= 0) {
    return Result::Pass(status.seccomp == 0
                            ? "seccomp is disabled for this container (kernel " + kernel + ")"
                            : "this kernel reports no seccomp support (kernel " + kernel + ")")
        .With(details);
  }

  auto probe = ctx.sys.Seccomp().Probe(kPerChild);
  if (!probe.ok()) {
    return Result::Error("could not probe the seccomp filter: " + probe.error().message)
        .With(details);
  }
  // Under qemu-user every syscall is the emulator's (qemu answers clone3 with ENOSYS itself)
  // and the filter judges the emulator's host syscalls: nothing seen here says what the agent
  // meets on a host of its own architecture, so no verdict, never a pass. (Without a filter,
  // above, there is nothing to judge, emulated or not: no child is made for it.)
  if (!probe->emulator.empty()) {
    details["emulator"] = probe->emulator;
    return Result::Warn(
               "cannot judge the seccomp filter: this runs under user-mode emulation (" +
                   probe->emulator +
                   "), which makes and answers the syscalls itself, so the probe would see the "
                   "emulator's answers, not the agent's (kernel " +
                   kernel + ")",
               "Run the image built for this host's CPU architecture (drop `--platform`: Docker "
               "pulls the native one), or judge the seccomp profile on a host of the image's "
               "architecture.")
        .With(details);
  }
  const container::LibcInfo libc = container::DetectLibc(ctx.sys);
  details["arch"] = probe->arch;
  details["libc"] = libc.Describe();
  if (!libc.glibc_path.empty()) details["libc_path"] = libc.glibc_path;
  if (!libc.musl_path.empty()) details["musl_path"] = libc.musl_path;
  details["probe_children"] = probe->children;

  Findings findings;
  Details notes = Details::array();
  Details syscalls = Details::object();
  for (const auto& p : probe->syscalls) {
    Details s;
    s["nr"] = p.number;
    s["verdict"] = std::string(container::SyscallVerdictName(p.verdict));
    if (p.verdict != SyscallVerdict::kKilled && p.verdict != SyscallVerdict::kUnresolved &&
        p.verdict != SyscallVerdict::kTimedOut) {
      s["errno"] = ErrnoName(p.err);
    }
    if (p.signal != 0) s["signal"] = p.signal;
    syscalls[p.name] = s;
    if (p.verdict == SyscallVerdict::kUnresolved) {
      notes.push_back(p.name + ": no syscall number on " + probe->arch + " (not probed)");
    }
    if (!Refused(p)) continue;
    if (p.name == "clone3") {
      JudgeClone3(p, libc, findings);
    } else if (p.name == "faccessat2") {
      JudgeFaccessat2(p, libc, findings);
    } else if (p.name == "close_range" || p.name == "epoll_pwait2" || p.name == "fchmodat2" ||
               p.name == "statx" || p.verdict != SyscallVerdict::kBlocked) {
      JudgeMinor(p, libc, findings, notes);
    } else {
      // io_uring_setup, mseal, openat2, pidfd_open: callers expect refusal and fall back.
      std::string note = p.name + " " + HowRefused(p) + ": callers fall back";
      if (p.name == "io_uring_setup") note += " (EPERM can also be the io_uring_disabled sysctl)";
      notes.push_back(note);
    }
  }
  details["syscalls"] = syscalls;
  if (!notes.empty()) details["notes"] = notes;
  const std::string summary = std::to_string(status.seccomp_filters) +
                              " seccomp filter(s), kernel " + kernel + ", " + libc.Describe();
  return findings.ToResult(
      "the seccomp filter lets through every syscall the agent's C library needs (" + summary + ")",
      details);
}

}  // namespace

const CheckDef kContainerSeccomp{
    "container.seccomp",
    "Seccomp profile",
    section::kClaimingDocker,
    Kind::kOffline,
    {},
    &RunContainerSeccomp,
    "Old Docker seccomp profiles answer EPERM (instead of ENOSYS) for syscalls newer than the "
    "profile: glibc >= 2.34 then cannot start threads (clone3) and glibc >= 2.33 or musl fail "
    "every access() check (faccessat2), so the claim script looks not executable. The check reads "
    "the seccomp mode from /proc/self/status, calls clone3, faccessat2, close_range, openat2, "
    "epoll_pwait2, fchmodat2, pidfd_open, io_uring_setup, mseal and statx in a child process with "
    "arguments the kernel rejects harmlessly, and judges each answer by the C library the image "
    "ships. The fix: Docker >= 20.10.10 (clone3), Docker >= 20.10.0 with libseccomp >= 2.4.4 "
    "(faccessat2), or a custom profile.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
