// The real prober against real seccomp filters (libseccomp) installed in a forked test child.
#include "container/host/seccomp_probe.h"

#include <gtest/gtest.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "container/parse/proc_status.h"
#include "tools/syscall_numbers.h"

namespace preflight::container {
namespace {

std::string SelfStatus() {
  std::ifstream f("/proc/self/status");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// Runs the prober in a child that first loads `rules` (name -> action) over default-allow;
/// returns name -> "verdict errno" lines, plus "children N".
std::map<std::string, std::string> ProbeUnder(const std::map<std::string, uint32_t>& rules) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    for (const auto& [name, action] : rules) {
      long nr = preflight::testing::ResolveSyscall(name);
      if (nr < 0 || seccomp_rule_add(ctx, action, static_cast<int>(nr), 0) != 0) _exit(90);
    }
    if (seccomp_load(ctx) != 0) _exit(91);
    RealSeccompProber prober;
    const auto start = std::chrono::steady_clock::now();
    auto report = prober.Probe(std::chrono::milliseconds(500));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    std::string out;
    if (report.ok()) {
      for (const auto& p : report->syscalls) {
        out += p.name + " " + std::string(SyscallVerdictName(p.verdict)) + " " +
               std::to_string(p.err) + "\n";
      }
      out += "children " + std::to_string(report->children) + " 0\n";
      out += "took_ms " + std::to_string(took.count()) + " 0\n";
      out += "emulator '" + report->emulator + "' 0\n";
    }
    (void)!write(fds[1], out.data(), out.size());
    _exit(report.ok() ? 0 : 92);
  }
  close(fds[1]);
  std::string text;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  std::map<std::string, std::string> result;
  std::istringstream in(text);
  std::string name, verdict, err;
  while (in >> name >> verdict >> err) result[name] = verdict + " " + err;
  return result;
}

TEST(SeccompProbe, ClassifiesErrnos) {
  EXPECT_EQ(ClassifyErrno(EINVAL), SyscallVerdict::kAllowed);
  EXPECT_EQ(ClassifyErrno(EBADF), SyscallVerdict::kAllowed);
  EXPECT_EQ(ClassifyErrno(EFAULT), SyscallVerdict::kAllowed);
  EXPECT_EQ(ClassifyErrno(ENOSYS), SyscallVerdict::kNotAvailable);
  EXPECT_EQ(ClassifyErrno(EPERM), SyscallVerdict::kBlocked);
  EXPECT_EQ(ClassifyErrno(EACCES), SyscallVerdict::kBlocked);
  EXPECT_EQ(ClassifyErrno(0), SyscallVerdict::kUnexpected);
  EXPECT_EQ(ClassifyErrno(ENOENT), SyscallVerdict::kUnexpected);
}

// The numbers the probe carries are the ones libseccomp knows for the architecture the test
// runs on (tests/arch runs this on arm64 and armhf too), or the unified ones it does not know yet.
TEST(SeccompProbe, ItsSyscallNumbersAreThisArchitecturesOwn) {
  for (const auto& name : ProbedSyscalls()) {
    EXPECT_GT(ProbedSyscallNumber(name), 0) << name;
    EXPECT_EQ(ProbedSyscallNumber(name), preflight::testing::ResolveSyscall(name)) << name;
  }
  EXPECT_EQ(ProbedSyscallNumber("read"), -1) << "not probed";
  EXPECT_EQ(preflight::testing::ResolveSyscall("not_a_syscall"), -1);
  EXPECT_EQ(ProbedSyscalls().size(), 10u);
}

TEST(SeccompProbe, UnfilteredKernelRejectsEveryProbeHarmlessly) {
  if (ParseProcStatus(SelfStatus()).seccomp != 0) GTEST_SKIP() << "the test runs under a filter";
  auto got = ProbeUnder({});
  ASSERT_EQ(got.size(), 13u);  // the 10 syscalls, children, took_ms, emulator
  for (const auto& name : ProbedSyscalls()) {
    // Kernels older than the syscall answer ENOSYS; a new kernel rejects the arguments.
    EXPECT_TRUE(got[name].rfind("allowed ", 0) == 0 || got[name].rfind("not-available ", 0) == 0)
        << name << ": " << got[name];
  }
  EXPECT_EQ(got["children"].substr(0, 1), "1") << "one child when nothing dies";
}

TEST(SeccompProbe, RealFilterErrnoAndKillActions) {
  auto got = ProbeUnder({{"clone3", SCMP_ACT_ERRNO(EPERM)},
                         {"faccessat2", SCMP_ACT_ERRNO(ENOSYS)},
                         {"openat2", SCMP_ACT_ERRNO(EACCES)},
                         {"epoll_pwait2", SCMP_ACT_KILL_PROCESS},
                         {"mseal", SCMP_ACT_TRAP},
                         {"pidfd_open", SCMP_ACT_ERRNO(ENOENT)}});
  EXPECT_EQ(got["clone3"], "blocked " + std::to_string(EPERM));
  EXPECT_EQ(got["faccessat2"], "not-available " + std::to_string(ENOSYS));
  EXPECT_EQ(got["openat2"], "blocked " + std::to_string(EACCES));
  EXPECT_EQ(got["epoll_pwait2"].substr(0, 7), "killed ");
  EXPECT_EQ(got["mseal"].substr(0, 7), "killed ");  // SIGSYS of a trap action
  EXPECT_EQ(got["pidfd_open"], "unexpected " + std::to_string(ENOENT));
  // The calls after a killing one were probed one per child, not lost.
  for (const char* after : {"fchmodat2", "io_uring_setup", "statx", "close_range"}) {
    EXPECT_TRUE(got[after].rfind("allowed ", 0) == 0 || got[after].rfind("not-available ", 0) == 0)
        << after << ": " << got[after];
  }
  EXPECT_GE(std::stoi(got["children"]), 4);
}

// fault: seccomp | a user-notify action whose supervisor never answers stalls a probed syscall | that syscall is timed-out, every other one answered, the whole probe bounded by its budget
TEST(SeccompProbe, AStallingNotifyActionIsTimedOutAndTheRestAnswered) {
  // io_uring_setup: no C library calls it on its own, so the test process itself never stalls.
  auto got = ProbeUnder({{"io_uring_setup", SCMP_ACT_NOTIFY}});
  EXPECT_EQ(got["io_uring_setup"], "timed-out 0");
  for (const char* other : {"clone3", "faccessat2", "close_range", "statx", "mseal"}) {
    EXPECT_TRUE(got[other].rfind("allowed ", 0) == 0 || got[other].rfind("not-available ", 0) == 0)
        << other << ": " << got[other];
  }
  // The batch child stalled and was killed at 500 ms; mseal and statx then had a child each.
  EXPECT_EQ(got["children"], "3 0");
  const int took = std::stoi(got["took_ms"]);
  EXPECT_GE(took, 500);
  EXPECT_LT(took, 1500);
}

TEST(SeccompProbe, NativelyNoEmulatorIsReported) { EXPECT_EQ(ProbeUnder({})["emulator"], "'' 0"); }

}  // namespace
}  // namespace preflight::container
