#include "container/state/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <seccomp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "blackbox/run_util.h"
#include "container/base/unique_fd.h"

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

ino_t Inode(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

Status WriteKeep(const std::string& path, const std::string& content) {
  return WriteFileAtomic(path, content, 0644, Spare::kKeep);
}

// fault: records | every start rewrites runs.json and owner.json (a restart loop, a heartbeat every 20 s) | the previous version is kept as the next write's temp file and swapped back in: no block is allocated or freed, the two inodes alternate
TEST(AtomicFileSpare, KeepsThePreviousVersionAsTheNextTempFile) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/runs.json";
  const std::string spare = dir.path() + "/.runs.json.spare";
  ASSERT_TRUE(WriteKeep(path, "one").ok());
  EXPECT_EQ(Slurp(path), "one");
  EXPECT_EQ(Entries(dir.path()), 1) << "the first write has no old version to keep";
  ASSERT_TRUE(WriteKeep(path, "two, longer").ok());
  EXPECT_EQ(Slurp(path), "two, longer");
  EXPECT_EQ(Slurp(spare), "one");
  std::set<ino_t> inodes = {Inode(path), Inode(spare)};
  ASSERT_TRUE(WriteKeep(path, "3").ok());
  EXPECT_EQ(Slurp(path), "3") << "a shorter version keeps no tail of the one it was written over";
  EXPECT_EQ(Slurp(spare), "two, longer");
  ASSERT_TRUE(WriteKeep(path, "four").ok());
  EXPECT_EQ(Slurp(path), "four");
  EXPECT_EQ(Slurp(spare), "3");
  EXPECT_EQ((std::set<ino_t>{Inode(path), Inode(spare)}), inodes) << "no new file was made";
  EXPECT_EQ(Entries(dir.path()), 2);
}

// fault: records | a reader (check, the readiness probe) still holds the version a write just swapped out | the next write does not refill it under the reader: it uses a fresh temp file, the reader reads its version whole
TEST(AtomicFileSpare, AReaderOfTheOldVersionKeepsItWhole) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/runs.json";
  ASSERT_TRUE(WriteKeep(path, "v1").ok());
  ASSERT_TRUE(WriteKeep(path, "v2").ok());
  // A reader as ReadFileAtomic reads: open, shared lock, then (later) read.
  UniqueFd reader(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(reader);
  ASSERT_EQ(::flock(reader.get(), LOCK_SH | LOCK_NB), 0);
  ASSERT_TRUE(WriteKeep(path, "v3").ok());  // v2 is now the spare, still held by the reader
  ASSERT_TRUE(WriteKeep(path, "v4 is here").ok());
  EXPECT_EQ(Slurp(path), "v4 is here");
  char buf[16] = {};
  ASSERT_EQ(::pread(reader.get(), buf, sizeof buf - 1, 0), 2);
  EXPECT_STREQ(buf, "v2") << "the version the reader holds was written over";
  EXPECT_EQ(Slurp(dir.path() + "/.runs.json.spare"), "v2");
  EXPECT_EQ(Entries(dir.path()), 2) << "the fresh temp file was renamed in, none is left";
}

// fault: records | a hard link, symlink, FIFO or directory planted at the spare's name | never written through, never blocks: the write uses a fresh temp file; the linked file keeps its content
TEST(AtomicFileSpare, APlantedSpareIsNeverWrittenThrough) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/runs.json";
  const std::string spare = dir.path() + "/.runs.json.spare";
  const std::string agent_file = dir.Write("agent/private.pem", "the agent's key");
  ASSERT_TRUE(WriteKeep(path, "v1").ok());

  ASSERT_EQ(::link(agent_file.c_str(), spare.c_str()), 0);
  ASSERT_TRUE(WriteKeep(path, "v2").ok());
  EXPECT_EQ(Slurp(path), "v2");
  EXPECT_EQ(Slurp(agent_file), "the agent's key") << "written through a hard link";
  EXPECT_NE(Inode(spare), Inode(agent_file)) << "the link stays as the spare";

  for (int kind = 0; kind < 3; ++kind) {
    ::unlink(spare.c_str());
    ::rmdir(spare.c_str());
    if (kind == 0) {
      ASSERT_EQ(::symlink(agent_file.c_str(), spare.c_str()), 0);
    } else if (kind == 1) {
      ASSERT_EQ(::mkfifo(spare.c_str(), 0644), 0);  // no reader: would block
    } else if (kind == 2) {
      ASSERT_EQ(::mkdir(spare.c_str(), 0755), 0);
    }
    const std::string version = "v" + std::to_string(3 + kind);
    ASSERT_TRUE(WriteKeep(path, version).ok()) << kind;
    EXPECT_EQ(Slurp(path), version) << kind;
    EXPECT_EQ(Slurp(agent_file), "the agent's key") << kind;
  }
}

// fault: records | no RENAME_EXCHANGE (a seccomp profile or kernel without renameat2, a filesystem that lacks it) | the spare is renamed over the file like a fresh temp file: every write still lands, atomically
TEST(AtomicFileSpare, WithoutRenameExchangeTheSpareIsRenamedOver) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/runs.json";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == nullptr ||
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(renameat2), 0) != 0 ||
        seccomp_load(ctx) != 0) {
      _exit(3);
    }
    for (const char* v : {"v1", "v2", "v3"}) {
      if (!WriteKeep(path, v).ok() || Slurp(path) != v) _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_NE(WEXITSTATUS(status), 3) << "libseccomp could not load a filter";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "a write failed or did not land";
  EXPECT_EQ(Slurp(path), "v3");
  EXPECT_EQ(Entries(dir.path()), 1) << "each spare was used up by its rename";
}

TEST(AtomicFileSpare, ReadFileAtomicReadsAWholeVersionAndRefusesASymlink) {
  testing::TempDir dir;
  const std::string path = dir.Write("runs.json", std::string(40000, 'r'));
  auto whole = ReadFileAtomic(path, 1 << 20);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(whole->size(), 40000u);
  auto capped = ReadFileAtomic(path, 100);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->size(), 100u);
  const std::string link = dir.path() + "/owner.json";
  ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
  EXPECT_EQ(ReadFileAtomic(link, 100).error().code, ELOOP);
  EXPECT_EQ(ReadFileAtomic(dir.path() + "/none", 100).error().code, ENOENT);
}

// fault: records | a writer frozen (docker pause) while it holds the file it refills | the reader does not read a half-written version: after ~20 ms it says the file is being written (EAGAIN)
TEST(AtomicFileSpare, ReadFileAtomicWaitsOutAWriterThenSaysSo) {
  testing::TempDir dir;
  const std::string path = dir.Write("runs.json", "whole");
  UniqueFd writer(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  ASSERT_EQ(::flock(writer.get(), LOCK_EX | LOCK_NB), 0);
  auto held = ReadFileAtomic(path, 100);
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.error().code, EAGAIN);
  EXPECT_NE(held.error().message.find(path), std::string::npos) << held.error().message;
  writer.Reset();
  EXPECT_EQ(ReadFileAtomic(path, 100).value_or(""), "whole");
}

// fault: records | several writers and readers of one file at once (two containers on one volume, the supervisor's heartbeat and a probe) | every read is one whole version, every write lands
TEST(AtomicFileSpare, ConcurrentWritersAndReadersNeverSeeATornVersion) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/owner.json";
  ASSERT_TRUE(WriteKeep(path, "0:").ok());
  // A version is "<n>:" and a run of the letter of n whose length depends on n: whole only if
  // its length and letters agree. Up to 60 KB: a read takes several read() calls.
  auto length = [](int n) { return static_cast<size_t>(n) * 7919 % 60000; };
  auto version = [&](int n) {
    return std::to_string(n) + ":" + std::string(length(n), static_cast<char>('a' + n % 26));
  };
  auto whole = [&](const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon > 9) return false;
    if (text.find_first_not_of("0123456789") != colon) return false;
    const int n = std::stoi(text.substr(0, colon));
    return text.size() - colon - 1 == length(n) &&
           text.find_first_not_of(static_cast<char>('a' + n % 26), colon + 1) == std::string::npos;
  };
  std::vector<pid_t> kids;
  for (int w = 0; w < 3; ++w) {
    pid_t pid = ::fork();
    if (pid == 0) {
      for (int i = 0; i < 500; ++i) {
        if (!WriteKeep(path, version(w * 1000 + i * 7 + 1)).ok()) _exit(1);
      }
      _exit(0);
    }
    kids.push_back(pid);
  }
  std::vector<pid_t> readers;
  for (int r = 0; r < 2; ++r) {
    pid_t pid = ::fork();
    if (pid == 0) {
      for (int i = 0; i < 3000; ++i) {
        auto text = ReadFileAtomic(path, 1 << 20);
        if (!text.ok() && text.error().code == EAGAIN) continue;
        if (!text.ok() || !whole(*text)) _exit(1);
      }
      _exit(0);
    }
    readers.push_back(pid);
  }
  for (pid_t k : kids) {
    int status = 0;
    ASSERT_EQ(::waitpid(k, &status, 0), k);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a write failed";
  }
  for (pid_t r : readers) {
    int status = 0;
    ASSERT_EQ(::waitpid(r, &status, 0), r);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a read saw a torn version";
  }
  EXPECT_TRUE(whole(Slurp(path)));
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
