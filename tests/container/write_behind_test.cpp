#include "container/process/write_behind.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <thread>

#include "blackbox/run_util.h"

namespace preflight::container::process {
namespace {

using namespace std::chrono_literals;

using testing::Slurp;

bool WaitForContent(const std::string& path, const std::string& want) {
  for (int i = 0; i < 500; ++i) {
    if (Slurp(path) == want) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

bool HasAnyChild() {
  errno = 0;
  return !(::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD);
}

TEST(WriteBehind, WritesLandInOrderAndFinishWaitsForThem) {
  testing::TempDir dir;
  auto writer = WriteBehind::Start();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Write(dir.path() + "/runs.json", "first").ok());
  ASSERT_TRUE(writer->Write(dir.path() + "/owner.json", "lease").ok());
  ASSERT_TRUE(writer->Write(dir.path() + "/runs.json", "second").ok());
  writer->Finish();
  EXPECT_EQ(Slurp(dir.path() + "/runs.json"), "second") << "the later write of a path wins";
  EXPECT_EQ(Slurp(dir.path() + "/owner.json"), "lease");
  EXPECT_FALSE(HasAnyChild()) << "Finish reaps the launcher; the writer was never our child";
  EXPECT_FALSE(writer->Write(dir.path() + "/late", "x").ok()) << "a finished writer takes no more";
}

// fault: records | `run` execs the program while the owner lease and run record are still being written | the writer finishes them after the exec; the program inherits no child of ours
TEST(WriteBehind, WritesGoOnAfterDetachAndNothingIsLeftAsOurChild) {
  testing::TempDir dir;
  const std::string big(200 * 1024, 'r');  // more than a socket buffer: the writer drains it
  auto writer = WriteBehind::Start();
  ASSERT_NE(writer, nullptr);
  writer->Detach();
  EXPECT_FALSE(HasAnyChild()) << "after Detach nothing of ours is a child: the exec'd program "
                                 "must not find a stranger's zombie";
  ASSERT_TRUE(writer->Write(dir.path() + "/runs.json", big).ok());
  writer.reset();  // like the close-on-exec of an exec: the writer sees the end and finishes
  EXPECT_TRUE(WaitForContent(dir.path() + "/runs.json", big));
}

// fault: input | a deferred write lands on a symlink planted at owner.json | the writer refuses it (the symlink's target untouched) and still does the next write
TEST(WriteBehind, ARefusedWriteIsLoggedAndTheNextOneStillHappens) {
  testing::TempDir dir;
  const std::string victim = dir.Write("victim", "precious");
  ASSERT_EQ(::symlink(victim.c_str(), (dir.path() + "/owner.json").c_str()), 0);
  auto writer = WriteBehind::Start();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Write(dir.path() + "/owner.json", "hijack").ok());
  ASSERT_TRUE(writer->Write(dir.path() + "/runs.json", "kept").ok());
  writer->Finish();
  EXPECT_EQ(Slurp(victim), "precious");
  EXPECT_EQ(Slurp(dir.path() + "/runs.json"), "kept");
}

// fault: input | `run` started with stdin and stdout closed (`<&- >&-`) | the writer's channel is never fd 0 or 1: the writes still land
TEST(WriteBehind, WritesLandWhenStdinAndStdoutAreClosed) {
  testing::TempDir dir;
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(0);
    ::close(1);
    auto writer = WriteBehind::Start();
    if (!writer || !writer->Write(dir.path() + "/runs.json", "closed stdio").ok()) _exit(2);
    writer->Finish();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(Slurp(dir.path() + "/runs.json"), "closed stdio");
}

TEST(WriteBehind, RefusesWritesItCannotFrame) {
  auto writer = WriteBehind::Start();
  ASSERT_NE(writer, nullptr);
  EXPECT_FALSE(writer->Write("", "x").ok());
  EXPECT_FALSE(writer->Write("/tmp/" + std::string(5000, 'p'), "x").ok());
  writer->Finish();
}

// The writer's side, fed by hand: a confused or hostile peer ends the loop, never a crash or a
// huge allocation.
int Serve(const std::string& bytes) {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EXPECT_EQ(::write(fds[0], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fds[0]);
  const int failed = ServeWrites(fds[1]);
  ::close(fds[1]);
  return failed;
}

std::string Header(uint32_t path_size, uint32_t content_size) {
  uint32_t h[2] = {path_size, content_size};
  return std::string(reinterpret_cast<const char*>(h), sizeof h);
}

TEST(WriteBehind, ServeWritesEndsCleanlyOnMalformedFrames) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/f";
  EXPECT_EQ(Serve(""), 0) << "no request at all";
  EXPECT_EQ(Serve(Header(path.size(), 2) + path + "ok"), 0);
  EXPECT_EQ(Slurp(path), "ok");
  EXPECT_EQ(Serve(Header(0, 1) + "x"), 1) << "empty path";
  EXPECT_EQ(Serve(Header(path.size(), 0xffffffffu) + path), 1) << "absurd size: no allocation";
  EXPECT_EQ(Serve(Header(path.size(), 10) + path + "short"), 1) << "truncated content";
  EXPECT_EQ(Serve(std::string("\x01\x02\x03", 3)), 1) << "truncated header";
  EXPECT_EQ(Slurp(path), "ok") << "no partial write ever lands";
}

}  // namespace
}  // namespace preflight::container::process
