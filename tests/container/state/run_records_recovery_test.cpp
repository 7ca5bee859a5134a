// runs.json that cannot be used: set aside whatever the cause (corrupt, symlink, directory,
// unreadable), the set-aside files bounded, and the previous version (.runs.json.spare) used.
#include <gtest/gtest.h>

#include "container/state/owner_lease.h"
#include "container/state/run_records.h"
#include "fakes/fake_system.h"

namespace preflight::container {
namespace {

class RunRecordsRecovery : public ::testing::Test {
 protected:
  void SetUp() override { sys.AddDir(var_lib).AddDir(var_lib + "/preflight"); }
  static RunRecord At(int64_t start) {
    RunRecord r;
    r.start_ms = start;
    r.pid = 7;
    r.mode = "supervise";
    return r;
  }
  size_t SetAsideCount() const {
    size_t n = 0;
    for (const auto& [p, f] : sys.files) n += p.rfind(path + ".corrupt-", 0) == 0;
    return n;
  }
  testing::FakeSystem sys;
  const std::string var_lib = "/var/lib/netdata";
  const std::string path = "/var/lib/netdata/preflight/runs.json";
  const std::string spare = "/var/lib/netdata/preflight/.runs.json.spare";
};

// fault: records | runs.json is a symlink, a directory, or unreadable (mode 000 for the netdata user) when `run` records a start | set aside as runs.json.corrupt-* as the fix text promises, and the new run is recorded
TEST_F(RunRecordsRecovery, UnreadableFileIsSetAsideAndRunsAreRecordedAgain) {
  for (const char* kind : {"symlink", "directory", "mode 000"}) {
    SCOPED_TRACE(kind);
    sys.files.clear();
    SetUp();
    if (std::string(kind) == "symlink") sys.AddSymlink(path, "/etc/passwd");
    if (std::string(kind) == "directory") sys.AddDir(path);
    if (std::string(kind) == "mode 000") {
      sys.AddFile(path, "{}", 0);
      sys.files[path].read_error = EACCES;
    }
    std::string problem;
    ASSERT_TRUE(StoreRunRecord(sys, var_lib, At(1000), &problem).ok()) << problem;
    EXPECT_NE(problem.find("set aside as " + path + ".corrupt-"), std::string::npos) << problem;
    EXPECT_EQ(SetAsideCount(), 1u);
    auto loaded = LoadRunRecords(sys, var_lib, false);
    EXPECT_TRUE(loaded.problem.empty()) << loaded.problem;
    ASSERT_EQ(loaded.records.size(), 1u);
  }
}

// fault: records | a corrupt runs.json at every start, 8 starts | at most 3 runs.json.corrupt-* kept (the newest), never a pile-up
TEST_F(RunRecordsRecovery, SetAsideFilesAreBounded) {
  for (int i = 0; i < 8; ++i) {
    sys.AddFile(path, "garbage " + std::to_string(i));
    sys.now += std::chrono::seconds(1);
    std::string problem;
    ASSERT_TRUE(StoreRunRecord(sys, var_lib, At(1000 + i), &problem).ok());
    EXPECT_NE(problem.find("set aside"), std::string::npos);
  }
  EXPECT_EQ(SetAsideCount(), kKeepSetAside);
  // The newest ones are those kept.
  const auto newest = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(sys.now.time_since_epoch()).count());
  EXPECT_TRUE(sys.files.count(path + ".corrupt-" + newest));
  EXPECT_EQ(sys.removed.size(), 8 - kKeepSetAside);
}

// fault: records | runs.json corrupt while the previous version .runs.json.spare is good | the spare's runs are recovered (named in the problem) and kept in the next write
TEST_F(RunRecordsRecovery, GoodSpareIsUsedToRecover) {
  sys.AddFile(spare, SerializeRunRecords({At(100), At(200), At(300)}));
  sys.AddFile(path, "{\"schema\":1,\"runs\":[{\"sta");
  auto read_only = LoadRunRecords(sys, var_lib, false);
  EXPECT_EQ(read_only.records.size(), 3u);
  EXPECT_NE(read_only.problem.find("3 earlier runs recovered from the previous version"),
            std::string::npos)
      << read_only.problem;
  std::string problem;
  ASSERT_TRUE(StoreRunRecord(sys, var_lib, At(400), &problem).ok());
  auto loaded = LoadRunRecords(sys, var_lib, false);
  ASSERT_EQ(loaded.records.size(), 4u);
  EXPECT_EQ(loaded.records.front().start_ms, 100);
  EXPECT_EQ(loaded.records.back().start_ms, 400);
  // A corrupt spare recovers nothing, and is not trusted.
  testing::FakeSystem bad;
  bad.AddDir(var_lib).AddDir(var_lib + "/preflight").AddFile(path, "x").AddFile(spare, "y");
  EXPECT_TRUE(LoadRunRecords(bad, var_lib, false).records.empty());
}

// fault: identity | owner.json is a directory | ReadOwnerLease says so (EISDIR, "is a directory, not the lease file"), never "no lease"
TEST(OwnerLeaseReading, DirectoryIsAnErrorNotNoLease) {
  testing::FakeSystem sys;
  sys.AddDir("/var/lib/netdata").AddDir("/var/lib/netdata/preflight");
  sys.AddDir("/var/lib/netdata/preflight/owner.json");
  auto read = ReadOwnerLease(sys, "/var/lib/netdata");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, EISDIR);
  EXPECT_NE(read.error().message.find("is a directory, not the lease file"), std::string::npos);
}

}  // namespace
}  // namespace preflight::container
