#include "container/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "blackbox/run_util.h"

namespace preflight::container {
namespace {

using testing::Slurp;

int Entries(const std::string& dir) {
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++entries;
  }
  return entries;
}

TEST(AtomicFile, WritesReplacesAndLeavesNoTempFile) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/runs.json";
  ASSERT_TRUE(WriteFileAtomic(path, "one").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "two").ok());
  EXPECT_EQ(Slurp(path), "two");
  EXPECT_EQ(Entries(dir.path()), 1);
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

TEST(AtomicFiles, ABatchWritesEveryFileAndLeavesNoTempFile) {
  testing::TempDir dir;
  dir.Write("runs.json", "old runs");
  const FileWrites writes = {{dir.path() + "/owner.json", "lease"},
                             {dir.path() + "/runs.json", "new runs"}};
  EXPECT_TRUE(WriteFilesAtomic(writes).empty());
  EXPECT_EQ(Slurp(dir.path() + "/owner.json"), "lease");
  EXPECT_EQ(Slurp(dir.path() + "/runs.json"), "new runs");
  EXPECT_EQ(Entries(dir.path()), 2) << "no temp file is left";
  EXPECT_TRUE(WriteFilesAtomic({}).empty()) << "an empty batch is nothing to do";
}

// fault: input | a batched write (run's owner lease and run record) meets a symlink planted at owner.json | that write is refused with ELOOP, the symlink's target untouched; the run record of the same batch still lands
TEST(AtomicFiles, ARefusedFileLeavesTheOthersOfItsBatch) {
  testing::TempDir dir;
  const std::string victim = dir.Write("victim", "precious");
  ASSERT_EQ(symlink(victim.c_str(), (dir.path() + "/owner.json").c_str()), 0);
  const FileWrites writes = {{dir.path() + "/owner.json", "hijack"},
                             {dir.path() + "/gone/runs.json", "no such directory"},
                             {dir.path() + "/runs.json", "kept"}};
  auto failed = WriteFilesAtomic(writes);
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].code, ELOOP);
  EXPECT_NE(failed[0].message.find("owner.json"), std::string::npos) << failed[0].message;
  EXPECT_EQ(failed[1].code, ENOENT);
  EXPECT_NE(failed[1].message.find("/gone"), std::string::npos) << failed[1].message;
  EXPECT_EQ(Slurp(victim), "precious");
  EXPECT_EQ(Slurp(dir.path() + "/runs.json"), "kept");
}

TEST(AtomicFiles, APathGivenTwiceIsRefusedTheSecondTime) {
  testing::TempDir dir;
  auto failed =
      WriteFilesAtomic({{dir.path() + "/runs.json", "first"}, {dir.path() + "/runs.json", "x"}});
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].code, EINVAL);
  EXPECT_EQ(Slurp(dir.path() + "/runs.json"), "first");
}

// fault: records | a temp file left by a killed earlier run whose pid this run has again (containers reuse pid 1) | replaced: the write lands, no temp file is left
TEST(AtomicFiles, ATempFileLeftByAKilledRunOfTheSamePidIsReplaced) {
  testing::TempDir dir;
  dir.Write(".runs.json.tmp." + std::to_string(::getpid()), "torn half of a record");
  EXPECT_TRUE(WriteFilesAtomic({{dir.path() + "/runs.json", "whole"}}).empty());
  EXPECT_EQ(Slurp(dir.path() + "/runs.json"), "whole");
  EXPECT_EQ(Entries(dir.path()), 1);
}

// fault: records | temp files left by writers of other pids killed mid-write (kill -9 during a record write, again and again) | the next write removes those untouched for kStaleTempAge; a fresh one (a writer at work), other names and a symlink stay
TEST(AtomicFiles, TempFilesOfKilledWritersArePutAwayOnceStale) {
  testing::TempDir dir;
  auto aged = [&](const std::string& name, bool stale) {
    const std::string path = dir.Write(name, "torn");
    const time_t when =
        ::time(nullptr) -
        (stale ? std::chrono::duration_cast<std::chrono::seconds>(kStaleTempAge).count() + 5 : 0);
    const struct timeval times[2] = {{when, 0}, {when, 0}};
    EXPECT_EQ(::utimes(path.c_str(), times), 0);
    return path;
  };
  const std::string stale = aged(".runs.json.tmp.123", true);
  const std::string stale_owner = aged(".owner.json.tmp.77", true);
  const std::string fresh = aged(".runs.json.tmp.456", false);
  const std::string other = aged(".notes.json.tmp.123", true);
  const std::string not_a_pid = aged(".runs.json.tmp.12x", true);
  const std::string bare = aged(".runs.json.tmp.", true);
  ASSERT_EQ(::symlink("/etc/hostname", (dir.path() + "/.runs.json.tmp.9").c_str()), 0);

  EXPECT_TRUE(WriteFilesAtomic(
                  {{dir.path() + "/runs.json", "whole"}, {dir.path() + "/owner.json", "lease"}})
                  .empty());
  EXPECT_EQ(Slurp(dir.path() + "/runs.json"), "whole");
  EXPECT_NE(::access(stale.c_str(), F_OK), 0) << "a killed writer's temp file is put away";
  EXPECT_NE(::access(stale_owner.c_str(), F_OK), 0) << "for every file of the batch";
  EXPECT_EQ(::access(fresh.c_str(), F_OK), 0) << "a writer may be at work on it";
  EXPECT_EQ(::access(other.c_str(), F_OK), 0) << "not a temp file of what was written";
  EXPECT_EQ(::access(not_a_pid.c_str(), F_OK), 0);
  EXPECT_EQ(::access(bare.c_str(), F_OK), 0);
  struct stat st {};
  EXPECT_EQ(::lstat((dir.path() + "/.runs.json.tmp.9").c_str(), &st), 0) << "only regular files";
  EXPECT_EQ(Entries(dir.path()), 7);
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
