#include "container/process/command.h"

#include <gtest/gtest.h>

#include "blackbox/run_util.h"

namespace preflight::container {
namespace {

using std::chrono::milliseconds;

TEST(Command, CapturesOutputAndExitCode) {
  auto r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"}, milliseconds(5000), 1024);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(Command, MissingAndNonExecutableProgramsAre127And126) {
  auto missing = RunCommand({"/nonexistent/netdata", "-V"}, milliseconds(5000), 1024);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->exit_code, 127);
  testing::TempDir dir;
  const std::string plain = dir.Write("plain-file", "#!/bin/sh\necho hi\n", 0644);
  auto not_exec = RunCommand({plain}, milliseconds(5000), 1024);
  ASSERT_TRUE(not_exec.ok());
  EXPECT_EQ(not_exec->exit_code, 126);
}

// fault: agent | helper command (e.g. `netdata -V`) runs past its timeout | SIGKILLed at the 200 ms timeout, back within 2 s, marked timed out
TEST(Command, KillsAProgramThatRunsPastItsTimeout) {
  auto start = std::chrono::steady_clock::now();
  auto r = RunCommand({"sleep", "10"}, milliseconds(200), 1024);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

// fault: agent | helper command prints 1 MB | output capped at the limit and drained; exit code kept
TEST(Command, TruncatesHugeOutputButDrainsIt) {
  auto r = RunCommand({"sh", "-c", "head -c 1000000 /dev/zero; exit 0"}, milliseconds(5000), 100);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->output.size(), 100u);
}

}  // namespace
}  // namespace preflight::container
