// The owner lock: a real flock on <var-lib>/preflight, held by a live process and dropped by the
// kernel when that process is killed (what makes `docker rm -f` + re-create safe to take over).
#include "container/state/owner_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blackbox/run_util.h"

namespace preflight::container {
namespace {

TEST(OwnerLock, HeldByALiveProcessFreeOnceItIsKilled) {
  testing::TempDir dir;
  ASSERT_EQ(ProbeOwnerLock(dir.path()), LockState::kUnknown) << "no preflight/ yet";
  dir.Mkdir("preflight");
  EXPECT_EQ(ProbeOwnerLock(dir.path()), LockState::kFree);
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = HoldOwnerLock(dir.path());
    char c = held.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  EXPECT_EQ(ProbeOwnerLock(dir.path()), LockState::kHeld);
  auto second = HoldOwnerLock(dir.path());
  EXPECT_FALSE(second.ok()) << "a second supervisor of the same volume cannot hold it";
  ::kill(child, SIGKILL);  // docker rm -f
  ::waitpid(child, nullptr, 0);
  EXPECT_EQ(ProbeOwnerLock(dir.path()), LockState::kFree);
  EXPECT_TRUE(HoldOwnerLock(dir.path()).ok());
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST(OwnerLock, NeverThroughASymlink) {
  testing::TempDir dir;
  dir.Mkdir("elsewhere");
  ASSERT_EQ(::symlink((dir.path() + "/elsewhere").c_str(), (dir.path() + "/preflight").c_str()), 0);
  EXPECT_EQ(ProbeOwnerLock(dir.path()), LockState::kUnknown);
  EXPECT_FALSE(HoldOwnerLock(dir.path()).ok());
}

}  // namespace
}  // namespace preflight::container
