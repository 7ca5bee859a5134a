#include "container/process/supervisor.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "container/process/exec.h"

namespace preflight::container::process {
namespace {

TEST(Supervisor, ExitCodeFromWaitStatus) {
  EXPECT_EQ(ExitCodeFromWaitStatus(0), 0);
  EXPECT_EQ(ExitCodeFromWaitStatus(3 << 8), 3);
  EXPECT_EQ(ExitCodeFromWaitStatus(255 << 8), 255);
  EXPECT_EQ(ExitCodeFromWaitStatus(SIGKILL), 137);
  EXPECT_EQ(ExitCodeFromWaitStatus(SIGTERM), 143);
  EXPECT_EQ(ExitCodeFromWaitStatus(SIGSEGV | 0x80), 139) << "a core dump changes nothing";
}

TEST(Supervisor, ExecFailureExitCodes) {
  EXPECT_EQ(ExecFailureExitCode(ENOENT), 127);
  EXPECT_EQ(ExecFailureExitCode(ENOTDIR), 127);
  EXPECT_EQ(ExecFailureExitCode(EACCES), 126);
  EXPECT_EQ(ExecFailureExitCode(ENOEXEC), 126);
}

// fault: input | /proc/PID/stat with ") " or spaces in the command name, truncated, or a non-numeric ppid | the right ppid, or -1; never a crash
TEST(Supervisor, ParseStatPpidSurvivesHostileNames) {
  EXPECT_EQ(ParseStatPpid("42 (sleep) S 7 42 42 0 -1"), 7);
  EXPECT_EQ(ParseStatPpid("42 (a) b) S 9 1"), 9) << "comm with ') '";
  EXPECT_EQ(ParseStatPpid("42 (x y z) Z 1 0"), 1);
  EXPECT_EQ(ParseStatPpid(""), -1);
  EXPECT_EQ(ParseStatPpid("42 (trunc"), -1);
  EXPECT_EQ(ParseStatPpid("42 (x) S"), -1);
  EXPECT_EQ(ParseStatPpid("42 (x) S z"), -1);
}

TEST(Supervisor, ListDescendantsFindsGrandchildren) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  if (child == 0) {
    if (fork() == 0) {
      close(ready[0]);
      close(ready[1]);
      pause();
      _exit(0);
    }
    close(ready[1]);  // tells the parent both exist
    pause();
    _exit(0);
  }
  close(ready[1]);
  char c;
  while (read(ready[0], &c, 1) > 0) {
  }
  close(ready[0]);
  auto all = ListDescendants(getpid());
  kill(child, SIGKILL);
  for (int pid : all) kill(pid, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_NE(std::find(all.begin(), all.end(), child), all.end());
  EXPECT_GE(all.size(), 2u) << "the child and its child";
}

// The order of the events Supervise gives for `argv`, run in a forked child (Supervise blocks
// every signal and makes its caller a subreaper: not in the test process).
std::string EventsOf(std::vector<std::string> argv, std::chrono::milliseconds lived,
                     std::chrono::milliseconds tick) {
  int out[2];
  if (pipe(out) != 0) return "pipe failed";
  const pid_t pid = fork();
  if (pid == 0) {
    close(out[0]);
    struct Recorder : SupervisorEvents {
      std::string seen;
      void OnStarted(int) override { seen += "started "; }
      void OnLived(int) override { seen += "lived "; }
      void OnSettled(int) override { seen += "settled "; }
      void OnTick() override { seen += seen.find("tick") == std::string::npos ? "tick " : ""; }
      void OnProgramExited(int) override { seen += "exited"; }
    } events;
    SupervisorOptions options;
    options.argv = std::move(argv);
    options.lived = lived;
    options.tick = tick;
    (void)Supervise(options, events);
    ssize_t ignored = write(out[1], events.seen.data(), events.seen.size());
    (void)ignored;
    _exit(0);
  }
  close(out[1]);
  std::string seen;
  char buf[256];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) seen.append(buf, static_cast<size_t>(n));
  close(out[0]);
  waitpid(pid, nullptr, 0);
  return seen;
}

TEST(Supervisor, OnLivedOnlyForAProgramThatLivesThatLongAndBeforeTheFirstTick) {
  using std::chrono::milliseconds;
  EXPECT_EQ(EventsOf({"/bin/true"}, milliseconds(2000), milliseconds(5000)), "started exited");
  EXPECT_EQ(EventsOf({"/bin/sleep", "0.3"}, milliseconds(50), milliseconds(5000)),
            "started lived exited");
  // Due after the first tick: it comes with it, before OnSettled.
  EXPECT_EQ(EventsOf({"/bin/sleep", "0.3"}, milliseconds(5000), milliseconds(100)),
            "started lived settled tick exited");
  EXPECT_EQ(EventsOf({"/bin/sleep", "0.1"}, milliseconds(0), milliseconds(5000)), "started exited")
      << "zero: never";
}

TEST(Supervisor, ForkHelperOnlyInsideSupervise) {
  auto r = ForkHelper([] { return 0; });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, EINVAL);
}

}  // namespace
}  // namespace preflight::container::process
