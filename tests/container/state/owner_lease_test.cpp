#include "container/state/owner_lease.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "blackbox/run_util.h"
#include "container/real_system.h"
#include "fakes/fake_system.h"

extern char** environ;

namespace preflight::container {
namespace {

OwnerLease Lease(const std::string& container_id, int64_t heartbeat, bool supervised = true) {
  OwnerLease l;
  l.host = "node-a";
  l.container_id = container_id;
  l.boot_id = "e64fff56-5638-4ff9-a5c1-61de6d3be13b";
  l.machine_id = "3d1219c7c4c5404aaa1f6d2a48adfda4";
  l.pid = 1;
  l.acquired = heartbeat - 100;
  l.heartbeat = heartbeat;
  l.supervised = supervised;
  l.machine_guid = "0b7e6c52-7d0e-11ef-9a4b-0242ac110002";
  return l;
}

TEST(OwnerLease, SerializeParseRoundTrip) {
  OwnerLease l = Lease("abc", 1767225600);
  l.claimed_id = "5c2f1f3e-1111-4222-8333-944455556666";
  l.released = true;
  auto parsed = ParseOwnerLease(SerializeOwnerLease(l));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->host, l.host);
  EXPECT_EQ(parsed->container_id, "abc");
  EXPECT_EQ(parsed->boot_id, l.boot_id);
  EXPECT_EQ(parsed->machine_id, l.machine_id);
  EXPECT_EQ(parsed->pid, 1);
  EXPECT_EQ(parsed->acquired, l.acquired);
  EXPECT_EQ(parsed->heartbeat, l.heartbeat);
  EXPECT_TRUE(parsed->supervised);
  EXPECT_TRUE(parsed->released);
  EXPECT_EQ(parsed->machine_guid, l.machine_guid);
  EXPECT_EQ(parsed->claimed_id, l.claimed_id);
}

TEST(OwnerLease, SerializedIsBoundedAndSurvivesBadUtf8) {
  OwnerLease l = Lease(std::string(10000, 'x'), 1);
  l.host = "bad\xff\xfe";
  std::string text = SerializeOwnerLease(l);
  EXPECT_LE(text.size(), kLeaseMaxBytes);
  EXPECT_TRUE(ParseOwnerLease(text).ok());
}

TEST(OwnerLease, ParseRejectsWhatIsNotALease) {
  for (const char* bad :
       {"", "null", "[]", "{}", "{\"schema\":2,\"heartbeat\":1}", "{\"schema\":1}",
        "{\"schema\":1,\"heartbeat\":\"soon\"}", "{\"schema\":1,\"heartbeat\":1,\"host\":7}",
        "{\"schema\":1,", "{\"schema\":1,\"heartbeat\":1.5}"}) {
    EXPECT_FALSE(ParseOwnerLease(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseOwnerLease(std::string(kLeaseMaxBytes + 1, ' ')).ok());
  auto minimal = ParseOwnerLease("{\"schema\":1,\"heartbeat\":5,\"pid\":-3,\"extra\":[1]}");
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->pid, 0);
  EXPECT_EQ(minimal->heartbeat, 5);
}

TEST(OwnerLease, RelationInAContainer) {
  const int64_t now = 1767225600;
  OwnerLease self = Lease("ours", now);
  EXPECT_EQ(RelateLease(Lease("ours", now - 3600), self, true, now), LeaseRelation::kOurs);
  EXPECT_EQ(RelateLease(Lease("other", now - 5), self, true, now), LeaseRelation::kFresh);
  EXPECT_EQ(RelateLease(Lease("other", now - 5, false), self, true, now),
            LeaseRelation::kFreshUnsupervised);
  EXPECT_EQ(RelateLease(Lease("other", now - kLeaseFreshFor.count() - 1), self, true, now),
            LeaseRelation::kStale);
  OwnerLease released = Lease("other", now - 1);
  released.released = true;
  EXPECT_EQ(RelateLease(released, self, true, now), LeaseRelation::kStale);
  // machine-id is the image's in a container: it does not make a clone there.
  OwnerLease other_machine = Lease("ours", now);
  other_machine.machine_id = "ffffffffffffffffffffffffffffffff";
  EXPECT_EQ(RelateLease(other_machine, self, true, now), LeaseRelation::kOurs);
}

TEST(OwnerLease, RelationOnAHostIsByMachineId) {
  const int64_t now = 1767225600;
  OwnerLease self = Lease("", now);
  OwnerLease same = Lease("", now - 99999);
  same.host = "renamed";
  EXPECT_EQ(RelateLease(same, self, false, now), LeaseRelation::kOurs);
  OwnerLease cloned = Lease("", now - 10);
  cloned.machine_id = "0000aaaa0000aaaa0000aaaa0000aaaa";
  EXPECT_EQ(RelateLease(cloned, self, false, now), LeaseRelation::kOtherMachine);
  // A new GUID since: the identity was reset after cloning; the old lease is just stale.
  cloned.machine_guid = "11111111-2222-4333-8444-555555555555";
  EXPECT_EQ(RelateLease(cloned, self, false, now), LeaseRelation::kStale);
}

class LeaseStore : public ::testing::Test {
 protected:
  void SetUp() override {
    sys.hostname = "node-a";
    sys.pid = 1;
    sys.AddDir("/var/lib/netdata", 0770, 201, 0);
    sys.AddFile("/proc/sys/kernel/random/boot_id", "e64fff56-5638-4ff9-a5c1-61de6d3be13b\n");
    sys.AddFile("/etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
    sys.AddFile("/.dockerenv", "");
    sys.AddFile("/proc/self/cgroup",
                "0::/system.slice/docker-" + std::string(64, 'a') + ".scope\n");
    sys.AddFile("/proc/self/mountinfo", "1 0 0:1 / / rw - overlay overlay rw\n");
  }
  int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(sys.now.time_since_epoch()).count();
  }
  testing::FakeSystem sys;
  const std::string path = "/var/lib/netdata/preflight/owner.json";
};

TEST_F(LeaseStore, RefreshCreatesThenKeepsAcquired) {
  ASSERT_TRUE(RefreshOwnerLease(sys, "/var/lib/netdata").ok());
  auto first = ParseOwnerLease(sys.written.at(path));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->container_id, std::string(64, 'a'));
  EXPECT_TRUE(first->supervised);
  EXPECT_EQ(first->heartbeat, Now());
  sys.now += std::chrono::seconds(20);
  ASSERT_TRUE(RefreshOwnerLease(sys, "/var/lib/netdata").ok());
  auto second = ParseOwnerLease(sys.written.at(path));
  EXPECT_EQ(second->heartbeat, first->heartbeat + 20);
  EXPECT_EQ(second->acquired, first->acquired);
  EXPECT_TRUE(sys.files.count("/var/lib/netdata/preflight"));
}

TEST_F(LeaseStore, RefreshNeverOverwritesAFreshForeignLease) {
  OwnerLease other = Lease(std::string(64, 'b'), Now() - 5);
  sys.AddFile(path, SerializeOwnerLease(other));
  Status s = RefreshOwnerLease(sys, "/var/lib/netdata");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, EBUSY);
  EXPECT_NE(s.error().message.find(std::string(64, 'b')), std::string::npos);
  EXPECT_EQ(sys.written.count(path), 0u);
  // Once it went stale it is taken over.
  sys.now += kLeaseFreshFor + std::chrono::seconds(1);
  EXPECT_TRUE(RefreshOwnerLease(sys, "/var/lib/netdata").ok());
  EXPECT_EQ(ParseOwnerLease(sys.written.at(path))->container_id, std::string(64, 'a'));
}

TEST_F(LeaseStore, ReleaseMarksOnlyOurLease) {
  OwnerLease other = Lease(std::string(64, 'b'), Now() - 5);
  sys.AddFile(path, SerializeOwnerLease(other));
  EXPECT_TRUE(ReleaseOwnerLease(sys, "/var/lib/netdata").ok());
  EXPECT_EQ(sys.written.count(path), 0u);
  sys.files.erase(path);
  ASSERT_TRUE(RefreshOwnerLease(sys, "/var/lib/netdata").ok());
  ASSERT_TRUE(ReleaseOwnerLease(sys, "/var/lib/netdata").ok());
  EXPECT_TRUE(ParseOwnerLease(sys.written.at(path))->released);
  // Released already (a short supervised run after an earlier one): nothing to write, no fsync.
  sys.written.erase(path);
  ASSERT_TRUE(ReleaseOwnerLease(sys, "/var/lib/netdata").ok());
  EXPECT_EQ(sys.written.count(path), 0u);
  EXPECT_TRUE(ParseOwnerLease(sys.files.at(path).content)->released);
}

// fault: input | --var-lib names a directory that does not exist (a typo, a volume mounted elsewhere), or a file | the lease is not written (ENOENT / ENOTDIR) and nothing is created: no root-owned var-lib that would keep the agent from its own state
TEST_F(LeaseStore, AVarLibThatDoesNotExistIsNeverCreated) {
  const size_t before = sys.files.size();
  Status s = RefreshOwnerLease(sys, "/var/lib/netdatta");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ENOENT);
  EXPECT_EQ(sys.files.count("/var/lib/netdatta"), 0u);
  EXPECT_EQ(sys.files.count("/var/lib/netdatta/preflight"), 0u);
  sys.AddFile("/var/lib/plain-file", "");
  s = WriteOwnerLease(sys, "/var/lib/plain-file", SelfLease(sys, {}, "/var/lib/plain-file"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ENOTDIR);
  EXPECT_EQ(sys.files.size(), before + 1) << "nothing but the test's own file";
  EXPECT_TRUE(sys.written.empty());
}

TEST_F(LeaseStore, ASymlinkIsNeverFollowed) {
  sys.AddDir("/var/lib/netdata/preflight");
  sys.AddSymlink(path, "/etc/shadow");
  auto read = ReadOwnerLease(sys, "/var/lib/netdata");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, ELOOP);
  EXPECT_FALSE(RefreshOwnerLease(sys, "/var/lib/netdata").ok());
  EXPECT_EQ(sys.written.count("/etc/shadow"), 0u);
}

TEST_F(LeaseStore, ACorruptLeaseIsReplacedByTheSupervisor) {
  sys.AddFile(path, "{\"schema\":1,\"heart");
  auto read = ReadOwnerLease(sys, "/var/lib/netdata");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, EINVAL);
  EXPECT_TRUE(RefreshOwnerLease(sys, "/var/lib/netdata").ok());
  EXPECT_TRUE(ParseOwnerLease(sys.written.at(path)).ok());
}

TEST(OwnerLeaseOnDisk, RealSystemWritesAtomicallyAndRefusesSymlinks) {
  preflight::testing::TempDir dir;
  const std::string var_lib = dir.Mkdir("var/lib/netdata");
  RealSystem sys(environ);
  ASSERT_TRUE(RefreshOwnerLease(sys, var_lib).ok());
  std::ifstream f(OwnerLeasePath(var_lib));
  std::stringstream ss;
  ss << f.rdbuf();
  auto lease = ParseOwnerLease(ss.str());
  ASSERT_TRUE(lease.ok()) << ss.str();
  EXPECT_EQ(lease->pid, getpid());
  EXPECT_TRUE(lease->supervised);
  auto read = ReadOwnerLease(sys, var_lib);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->heartbeat, lease->heartbeat);

  // A symlink planted at owner.json, or at preflight/, is never written through.
  const std::string victim = dir.Write("victim", "keep me");
  ASSERT_EQ(unlink(OwnerLeasePath(var_lib).c_str()), 0);
  ASSERT_EQ(symlink(victim.c_str(), OwnerLeasePath(var_lib).c_str()), 0);
  EXPECT_FALSE(RefreshOwnerLease(sys, var_lib).ok());
  const std::string other = dir.Mkdir("elsewhere");
  const std::string var_lib2 = dir.Mkdir("var/lib/netdata2");
  ASSERT_EQ(symlink(other.c_str(), (var_lib2 + "/preflight").c_str()), 0);
  EXPECT_FALSE(RefreshOwnerLease(sys, var_lib2).ok());
  std::ifstream v(victim);
  std::string content((std::istreambuf_iterator<char>(v)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "keep me");
  struct stat st {};
  EXPECT_NE(stat((other + "/owner.json").c_str(), &st), 0);
}

}  // namespace
}  // namespace preflight::container
