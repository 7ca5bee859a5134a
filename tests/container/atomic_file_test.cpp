#include "container/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "blackbox/run_util.h"

namespace preflight::container {
namespace {

using testing::Slurp;

TEST(AtomicFile, WritesReplacesAndLeavesNoTempFile) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/runs.json";
  ASSERT_TRUE(WriteFileAtomic(path, "one").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "two").ok());
  EXPECT_EQ(Slurp(path), "two");
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

// fault: input | state file (owner.json) a symlink to another file | write refused with ELOOP; the target untouched
TEST(AtomicFile, RefusesASymlinkAtTheTargetAndLeavesItsTargetAlone) {
  testing::TempDir dir;
  const std::string victim = dir.Write("victim", "precious");
  const std::string link = dir.path() + "/owner.json";
  ASSERT_EQ(symlink(victim.c_str(), link.c_str()), 0);
  Status s = WriteFileAtomic(link, "evil");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ELOOP);
  EXPECT_EQ(Slurp(victim), "precious");
}

// fault: input | preflight/ state directory a symlink | the write and the mkdir are refused
TEST(AtomicFile, RefusesASymlinkedDirectory) {
  testing::TempDir dir;
  dir.Mkdir("real");
  const std::string link = dir.path() + "/preflight";
  ASSERT_EQ(symlink((dir.path() + "/real").c_str(), link.c_str()), 0);
  EXPECT_FALSE(WriteFileAtomic(link + "/runs.json", "x").ok());
  EXPECT_FALSE(MakeDirs(link, 0755).ok());
}

TEST(AtomicFile, MakeDirsCreatesNestedDirectories) {
  testing::TempDir dir;
  const std::string deep = dir.path() + "/a/b/c";
  ASSERT_TRUE(MakeDirs(deep, 0750).ok());
  struct stat st {};
  ASSERT_EQ(stat(deep.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_TRUE(MakeDirs(deep, 0750).ok()) << "idempotent";
}

}  // namespace
}  // namespace preflight::container
