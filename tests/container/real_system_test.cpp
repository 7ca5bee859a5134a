#include "container/real_system.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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
