// container.seccomp against the fake prober: severity follows the image's C library.
#include <gtest/gtest.h>

#include "checks/catalog.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using container::SyscallVerdict;

struct Case {
  const char* name;
  const char* libc;  ///< "glibc 2.36", "musl 3.19", "none"
  std::vector<std::tuple<const char*, SyscallVerdict, int>> answers;
  Status want;
  const char* message_has;
  const char* remediation_has;
};

void SetLibc(testing::FakeSystem& sys, const std::string& libc) {
  if (libc.rfind("glibc ", 0) == 0) {
    sys.AddDir("/lib/x86_64-linux-gnu");
    sys.AddFile("/lib/x86_64-linux-gnu/libc.so.6",
                "GNU C Library (Debian GLIBC) stable release version " + libc.substr(6) + ".\n");
  } else if (libc.rfind("musl ", 0) == 0) {
    sys.AddDir("/lib");
    sys.AddFile("/lib/ld-musl-x86_64.so.1", "ELF");
    sys.AddFile("/etc/alpine-release", libc.substr(5) + "\n");
  }
}

Result RunCheck(testing::FakeSystem& sys) {
  Inputs in;
  Context ctx(sys, in);
  return kContainerSeccomp.run(ctx);
}

class SeccompCases : public ::testing::TestWithParam<Case> {};

TEST_P(SeccompCases, Judges) {
  const Case& c = GetParam();
  testing::FakeSystem sys;
  sys.AddFile("/proc/self/status", "NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\n");
  sys.AddFile("/proc/sys/kernel/osrelease", "5.15.0-91-generic\n");
  SetLibc(sys, c.libc);
  for (const auto& [name, verdict, err] : c.answers) {
    sys.seccomp.Answer(name, verdict, err, verdict == SyscallVerdict::kKilled ? SIGSYS : 0);
  }
  Result r = RunCheck(sys);
  EXPECT_EQ(StatusName(r.status), StatusName(c.want)) << r.message;
  EXPECT_NE(r.message.find(c.message_has), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find(c.remediation_has), std::string::npos) << r.remediation;
  EXPECT_EQ(r.details["kernel"], "5.15.0-91-generic");
  EXPECT_EQ(r.details["mode"], "filter");
  EXPECT_EQ(r.details["syscalls"].size(), 10u);
  EXPECT_EQ(sys.seccomp.probes, 1);
}

INSTANTIATE_TEST_SUITE_P(
    ByLibc, SeccompCases,
    ::testing::Values(Case{"all_allowed", "glibc 2.36", {}, Status::kPass, "lets through", ""},
                      Case{"enosys_is_fine",
                           "glibc 2.36",
                           {{"clone3", SyscallVerdict::kNotAvailable, ENOSYS}},
                           Status::kPass,
                           "glibc 2.36",
                           ""},
                      Case{"clone3_eperm_glibc_236",
                           "glibc 2.36",
                           {{"clone3", SyscallVerdict::kBlocked, EPERM}},
                           Status::kFail,
                           "cannot start threads",
                           "20.10.10"},
                      Case{"clone3_eperm_old_glibc",
                           "glibc 2.31",
                           {{"clone3", SyscallVerdict::kBlocked, EPERM}},
                           Status::kWarn,
                           "harmless for this image's glibc 2.31",
                           "20.10.10"},
                      Case{"clone3_killed",
                           "glibc 2.34",
                           {{"clone3", SyscallVerdict::kKilled, 0}},
                           Status::kFail,
                           "SIGSYS",
                           "seccomp=unconfined"},
                      Case{"clone3_unknown_libc",
                           "none",
                           {{"clone3", SyscallVerdict::kBlocked, EPERM}},
                           Status::kFail,
                           "unknown C library",
                           "custom seccomp profile"},
                      Case{"faccessat2_glibc_233",
                           "glibc 2.33",
                           {{"faccessat2", SyscallVerdict::kBlocked, EPERM}},
                           Status::kFail,
                           "the node cannot be claimed",
                           "libseccomp to >= 2.4.4"},
                      Case{"faccessat2_musl",
                           "musl 3.19.1",
                           {{"faccessat2", SyscallVerdict::kBlocked, EPERM}},
                           Status::kFail,
                           "claim script looks not executable",
                           "20.10.0"},
                      Case{"faccessat2_old_alpine",
                           "musl 3.12.0",
                           {{"faccessat2", SyscallVerdict::kBlocked, EPERM}},
                           Status::kWarn,
                           "harmless",
                           "20.10.0"},
                      Case{"faccessat2_old_glibc",
                           "glibc 2.31",
                           {{"faccessat2", SyscallVerdict::kBlocked, EACCES}},
                           Status::kWarn,
                           "EACCES",
                           "2.4.4"},
                      Case{"both_v19",
                           "glibc 2.36",
                           {{"clone3", SyscallVerdict::kBlocked, EPERM},
                            {"faccessat2", SyscallVerdict::kBlocked, EPERM},
                            {"close_range", SyscallVerdict::kBlocked, EPERM}},
                           Status::kFail,
                           "and 2 more",
                           "20.10.10"},
                      Case{"close_range_warns",
                           "glibc 2.36",
                           {{"close_range", SyscallVerdict::kBlocked, EPERM}},
                           Status::kWarn,
                           "close_range answers EPERM",
                           "allows close_range"},
                      Case{"epoll_pwait2_warns",
                           "glibc 2.36",
                           {{"epoll_pwait2", SyscallVerdict::kBlocked, EPERM}},
                           Status::kWarn,
                           "epoll_pwait2",
                           "seccomp=unconfined"},
                      Case{"fchmodat2_unused_by_236",
                           "glibc 2.36",
                           {{"fchmodat2", SyscallVerdict::kBlocked, EPERM}},
                           Status::kPass,
                           "lets through",
                           ""},
                      Case{"fchmodat2_used_by_239",
                           "glibc 2.39",
                           {{"fchmodat2", SyscallVerdict::kBlocked, EPERM}},
                           Status::kWarn,
                           "fchmodat2",
                           "allows fchmodat2"},
                      Case{"io_uring_and_mseal_notes",
                           "glibc 2.36",
                           {{"io_uring_setup", SyscallVerdict::kBlocked, EPERM},
                            {"mseal", SyscallVerdict::kBlocked, EPERM}},
                           Status::kPass,
                           "lets through",
                           ""},
                      Case{"io_uring_killed_warns",
                           "glibc 2.36",
                           {{"io_uring_setup", SyscallVerdict::kKilled, 0}},
                           Status::kWarn,
                           "io_uring_setup is killed",
                           ""},
                      Case{"timed_out_warns",
                           "glibc 2.36",
                           {{"statx", SyscallVerdict::kTimedOut, 0}},
                           Status::kWarn,
                           "no answer within 500 ms",
                           ""},
                      Case{"custom_errno_warns",
                           "glibc 2.36",
                           {{"openat2", SyscallVerdict::kUnexpected, ENOMEM}},
                           Status::kWarn,
                           "ENOMEM",
                           ""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ContainerSeccomp, NotesListTheHarmlessRefusals) {
  testing::FakeSystem sys;
  sys.AddFile("/proc/self/status", "Seccomp:\t2\nSeccomp_filters:\t2\n");
  SetLibc(sys, "glibc 2.36");
  sys.seccomp.Answer("io_uring_setup", SyscallVerdict::kBlocked, EPERM);
  Result r = RunCheck(sys);
  ASSERT_TRUE(r.details.contains("notes"));
  EXPECT_NE(r.details["notes"][0].get<std::string>().find("io_uring_disabled"), std::string::npos);
  EXPECT_EQ(r.details["syscalls"]["io_uring_setup"]["verdict"], "blocked");
  EXPECT_EQ(r.details["syscalls"]["io_uring_setup"]["errno"], "EPERM");
  EXPECT_EQ(r.details["libc"], "glibc 2.36");
}

TEST(ContainerSeccomp, DisabledSeccompNeedsNoProbe) {
  testing::FakeSystem sys;
  sys.AddFile("/proc/self/status", "Seccomp:\t0\nSeccomp_filters:\t0\n");
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_NE(r.message.find("disabled"), std::string::npos);
  EXPECT_EQ(sys.seccomp.probes, 0);
}

// fault: seccomp | the binary runs under qemu-user (docker --platform of a foreign architecture) under a filter | container.seccomp warns that it cannot judge, never pass, whatever the probe answered
TEST(ContainerSeccomp, UnderEmulationItCannotJudgeAndNeverPasses) {
  testing::FakeSystem sys;
  sys.AddFile("/proc/self/status", "Seccomp:\t2\nSeccomp_filters:\t1\n");
  SetLibc(sys, "glibc 2.36");
  sys.seccomp.emulator = "/usr/bin/qemu-aarch64-static";
  sys.seccomp.Answer("clone3", SyscallVerdict::kNotAvailable, ENOSYS);  // qemu's own answer
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kWarn) << r.message;
  EXPECT_NE(r.message.find("emulation"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("qemu-aarch64-static"), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find("--platform"), std::string::npos) << r.remediation;
  EXPECT_EQ(r.details["emulator"], "/usr/bin/qemu-aarch64-static");
  EXPECT_FALSE(r.details.contains("syscalls")) << r.details.dump();  // none judged
}

// Without a filter there is nothing to judge, emulated or not: the kernel's own Seccomp: 0 is
// read (qemu passes /proc/self/status through), and no child is made to look for an emulator.
TEST(ContainerSeccomp, WithoutAFilterEmulationIsNotLookedFor) {
  testing::FakeSystem sys;
  sys.AddFile("/proc/self/status", "Seccomp:\t0\n");
  sys.seccomp.emulator = "/usr/bin/qemu-aarch64-static";
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kPass) << r.message;
  EXPECT_NE(r.message.find("disabled"), std::string::npos) << r.message;
  EXPECT_EQ(sys.seccomp.probes, 0);
}

// fault: seccomp | the seccomp probe child cannot be forked | container.seccomp error naming why, no crash
TEST(ContainerSeccomp, AProbeThatCannotForkIsAnError) {
  testing::FakeSystem sys;
  sys.AddFile("/proc/self/status", "Seccomp:\t2\n");
  sys.seccomp.fork_fails = true;
  Result r = RunCheck(sys);
  EXPECT_EQ(r.status, Status::kError);
  EXPECT_NE(r.message.find("fork"), std::string::npos);
}

}  // namespace
}  // namespace preflight::checks
