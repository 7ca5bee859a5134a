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

}  // namespace
}  // namespace preflight::container
