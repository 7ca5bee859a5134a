// The probe child for real: what it writes comes back, a stalled one is killed at the deadline
// (by its own timer when vforked, by us when forked), it runs with every signal blocked, and a
// child that cannot arm its timer (a seccomp filter refusing timer_create) is forked instead.
#include "container/host/probe_child.h"

#include <gtest/gtest.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

namespace preflight::container {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Written by a child: seen here only when the child shared our memory (vfork).
volatile int g_touched = 0;

void WriteHello(int fd, const void*) {
  g_touched = 1;
  if (write(fd, "hello", 5) != 5) _exit(3);
  _exit(7);
}

void Stall(int fd, const void*) {
  if (write(fd, "x", 1) != 1) _exit(3);
  pause();  // every signal is blocked: only SIGKILL ends this
}

void WriteBlockedSignals(int fd, const void*) {
  sigset_t mask;
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  char text[3] = {sigismember(&mask, SIGTERM) ? 'T' : '-', sigismember(&mask, SIGINT) ? 'I' : '-',
                  sigismember(&mask, SIGCHLD) ? 'C' : '-'};
  if (write(fd, text, sizeof text) != sizeof text) _exit(3);
}

TEST(ProbeChild, WhatItWritesAndHowItEndedComeBack) {
  g_touched = 0;
  auto end = RunProbeChild(&WriteHello, nullptr, milliseconds(2000));
  ASSERT_TRUE(end.ok()) << end.error().message;
  EXPECT_EQ(end->output, "hello");
  ASSERT_TRUE(WIFEXITED(end->status));
  EXPECT_EQ(WEXITSTATUS(end->status), 7);
  EXPECT_FALSE(end->timed_out);
  const char* emulated = std::getenv("PREFLIGHT_EXPECT_EMULATOR");
  if (emulated != nullptr && std::string(emulated) == "1") {
    EXPECT_EQ(g_touched, 0) << "qemu-user makes a vfork a fork: no memory is shared";
  } else {
    EXPECT_EQ(g_touched, 1) << "the child was not vforked: it did not share our memory";
  }
}

TEST(ProbeChild, AStalledChildIsKilledAtTheDeadline) {
  const auto start = Clock::now();
  auto end = RunProbeChild(&Stall, nullptr, milliseconds(300));
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  ASSERT_TRUE(end.ok()) << end.error().message;
  EXPECT_TRUE(end->timed_out);
  EXPECT_EQ(end->output, "x");
  ASSERT_TRUE(WIFSIGNALED(end->status));
  EXPECT_EQ(WTERMSIG(end->status), SIGKILL);
  EXPECT_GE(took.count(), 300);
  EXPECT_LT(took.count(), 1500) << "the deadline did not end the child";
}

TEST(ProbeChild, TheChildRunsWithEverySignalBlockedAndOurMaskIsBack) {
  sigset_t before, after;
  sigprocmask(SIG_SETMASK, nullptr, &before);
  auto end = RunProbeChild(&WriteBlockedSignals, nullptr, milliseconds(2000));
  sigprocmask(SIG_SETMASK, nullptr, &after);
  ASSERT_TRUE(end.ok()) << end.error().message;
  EXPECT_EQ(end->output, "TIC");  // no handler of ours can run in a child sharing our memory
  EXPECT_EQ(sigismember(&before, SIGTERM), sigismember(&after, SIGTERM));
  EXPECT_EQ(sigismember(&before, SIGINT), sigismember(&after, SIGINT));
}

// fault: seccomp | a filter refuses timer_create (a strict custom profile) | the probe child is forked instead of vforked, and a stalled one is still killed at the deadline
TEST(ProbeChild, WithoutATimerItIsForkedAndStillBounded) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == nullptr ||
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(timer_create), 0) != 0 ||
        seccomp_load(ctx) != 0) {
      _exit(90);
    }
    g_touched = 0;
    auto hello = RunProbeChild(&WriteHello, nullptr, milliseconds(2000));
    if (!hello.ok() || hello->output != "hello" || !WIFEXITED(hello->status) ||
        WEXITSTATUS(hello->status) != 7) {
      _exit(1);
    }
    if (g_touched != 0) _exit(2);  // the body ran in a vforked child despite no timer
    const auto start = Clock::now();
    auto stalled = RunProbeChild(&Stall, nullptr, milliseconds(300));
    const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (!stalled.ok() || !stalled->timed_out) _exit(4);
    if (took.count() < 300 || took.count() >= 1500) _exit(5);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  ASSERT_NE(WEXITSTATUS(status), 90) << "libseccomp could not load a filter";
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "1: output lost, 2: vforked without a timer, 4: not timed out, 5: not bounded";
}

}  // namespace
}  // namespace preflight::container
