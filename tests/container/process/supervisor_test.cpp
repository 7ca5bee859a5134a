#include "container/process/supervisor.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

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

TEST(Supervisor, ForkHelperOnlyInsideSupervise) {
  auto r = ForkHelper([] { return 0; });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, EINVAL);
}

}  // namespace
}  // namespace preflight::container::process
