#include "container/real_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "blackbox/run_util.h"

extern char** environ;

namespace preflight::container {
namespace {

TEST(RealSystemReadFile, ReadsBoundedAndRefusesDirectoriesAndSymlinksWhenAsked) {
  testing::TempDir dir;
  RealSystem sys(environ);
  const std::string file = dir.Write("claim.conf", "[global]\n  token = x\n");
  auto whole = sys.ReadFile(file, 1 << 20, true);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, "[global]\n  token = x\n");
  auto head = sys.ReadFile(file, 8, true);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, "[global]") << "at most max_bytes";

  auto d = sys.ReadFile(dir.path(), 1024, true);
  ASSERT_FALSE(d.ok()) << "a directory is not a file";
  EXPECT_EQ(d.error().code, EISDIR);
  EXPECT_NE(d.error().message.find(dir.path()), std::string::npos) << d.error().message;

  const std::string link = dir.path() + "/link";
  ASSERT_EQ(::symlink(file.c_str(), link.c_str()), 0);
  EXPECT_TRUE(sys.ReadFile(link, 1024, true).ok());
  auto nofollow = sys.ReadFile(link, 1024, false);
  ASSERT_FALSE(nofollow.ok());
  EXPECT_EQ(nofollow.error().code, ELOOP);

  auto missing = sys.ReadFile(dir.path() + "/nope", 1024, true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ENOENT);
}

// The run records know the agent's binary by its stat(): on a 32-bit build (armv7l, i386) a time
// past 2038 or an inode >= 2^32 fails stat() with EOVERFLOW unless the build is 64-bit clean
// (_FILE_OFFSET_BITS=64 _TIME_BITS=64). tests/arch runs this under qemu-user armv7l.
TEST(RealSystemStat, TimesPast2038AndTheInodeAsTheKernelGivesThem) {
  testing::TempDir dir;
  RealSystem sys(environ);
  const std::string file = dir.Write("netdata", "agent");
  // 2100-01-01T00:00:00.5Z: beyond a 32-bit time_t (2038-01-19).
  const int64_t secs = 4102444800;
  struct timespec times[2] = {};
  times[0].tv_sec = times[1].tv_sec = static_cast<time_t>(secs);
  times[0].tv_nsec = times[1].tv_nsec = 500000000;
  ASSERT_EQ(static_cast<int64_t>(times[1].tv_sec), secs) << "time_t is 32-bit in this build";
  ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times, 0), 0) << std::strerror(errno);
  auto info = sys.Stat(file, true);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->mtime, secs);
  EXPECT_EQ(info->mtime_ns, secs * 1000000000 + 500000000);
  EXPECT_EQ(info->size, 5u);
  struct statx sx {};
  ASSERT_EQ(::statx(AT_FDCWD, file.c_str(), 0, STATX_INO, &sx), 0) << std::strerror(errno);
  EXPECT_EQ(info->ino, sx.stx_ino) << "all 64 bits, as statx gives them";
  static_assert(sizeof(FileInfo::ino) == 8 && sizeof(FileInfo::dev) == 8);
}

// `run` keeps the owner lease and the run record, then writes them in one batch.
TEST(RealSystemWrites, DeferredWritesWaitForTheFlushAndTheLaterOfTwoWins) {
  testing::TempDir dir;
  const std::string runs = dir.path() + "/runs.json";
  const std::string lease = dir.path() + "/owner.json";
  {
    RealSystem sys(environ);
    sys.DeferWrites();
    ASSERT_TRUE(sys.WriteFileAtomic(runs, "start record").ok());
    ASSERT_TRUE(sys.WriteFileAtomic(lease, "lease").ok());
    ASSERT_TRUE(sys.WriteFileAtomic(runs, "start record, amended").ok());
    EXPECT_NE(::access(runs.c_str(), F_OK), 0) << "kept, not written, until the flush";
    sys.FlushWrites();
    EXPECT_EQ(testing::Slurp(runs), "start record, amended");
    EXPECT_EQ(testing::Slurp(lease), "lease");
    ASSERT_TRUE(sys.WriteFileAtomic(runs, "end record").ok());
    EXPECT_EQ(testing::Slurp(runs), "end record") << "after the flush, writes are inline again";
    sys.DeferWrites();
    ASSERT_TRUE(sys.WriteFileAtomic(lease, "released").ok());
  }
  EXPECT_EQ(testing::Slurp(lease), "released") << "what is still kept is written at the end";
}

}  // namespace
}  // namespace preflight::container
