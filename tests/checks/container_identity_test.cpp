// container.identity against fakes: baked identity, blacklisted GUIDs, the owner lease (fresh,
// stale, ours, read-only check vs. taking), and host rules with machine-id clone detection.
#include <gtest/gtest.h>
#include <unistd.h>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "container/state/owner_lease.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using container::OwnerLease;

const std::string kSelfId(64, 'a');
const std::string kOtherId(64, 'b');
const std::string kGuid = "0b7e6c52-7d0e-11ef-9a4b-0242ac110002";
const std::string kLease = "/var/lib/netdata/preflight/owner.json";
constexpr int64_t kCreated = 1767225000;  // container created (mtime of /etc/hostname)

testing::FakeSystem Container(bool volume = true) {
  testing::FakeSystem sys;
  sys.hostname = "netdata";
  sys.pid = 1;
  sys.AddFile("/.dockerenv", "");
  sys.AddFile("/proc/self/cgroup", "0::/system.slice/docker-" + kSelfId + ".scope\n");
  sys.AddFile("/proc/sys/kernel/random/boot_id", "e64fff56-5638-4ff9-a5c1-61de6d3be13b\n");
  sys.AddFile("/etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
  std::string mi =
      "1021 933 0:121 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w\n"
      "1030 1021 259:2 /var/lib/docker/containers/" +
      kSelfId + "/hostname /etc/hostname rw,relatime - ext4 /dev/nvme0n1p2 rw\n";
  if (volume) {
    mi +=
        "1032 1021 259:2 /var/lib/docker/volumes/netdatalib/_data /var/lib/netdata rw - ext4 "
        "/dev/nvme0n1p2 rw\n";
  }
  sys.AddFile("/proc/self/mountinfo", mi);
  sys.AddFile("/etc/hostname", "netdata\n");
  sys.files["/etc/hostname"].info.mtime = kCreated;
  for (const char* d : {"/var", "/var/lib", "/etc"}) sys.AddDir(d);
  sys.AddDir("/var/lib/netdata", 0770, 201, 0);
  sys.AddDir("/var/lib/netdata/registry", 0770, 201, 0);
  sys.AddDir("/var/lib/netdata/cloud.d", 0700, 201, 201);
  return sys;
}

void AddIdentity(testing::FakeSystem& sys, int64_t mtime, const std::string& guid = kGuid) {
  sys.AddFile("/var/lib/netdata/registry/netdata.public.unique.id", guid, 0444, 201, 201);
  sys.files["/var/lib/netdata/registry/netdata.public.unique.id"].info.mtime = mtime;
  sys.AddFile("/var/lib/netdata/cloud.d/claimed_id", "5c2f1f3e-1111-4222-8333-944455556666", 0640,
              201);
  sys.files["/var/lib/netdata/cloud.d/claimed_id"].info.mtime = mtime;
}

int64_t Now(const testing::FakeSystem& sys) {
  return std::chrono::duration_cast<std::chrono::seconds>(sys.now.time_since_epoch()).count();
}

OwnerLease Held(const std::string& container_id, int64_t heartbeat, bool supervised = true) {
  OwnerLease l;
  l.host = "other-host";
  l.container_id = container_id;
  l.boot_id = "e64fff56-5638-4ff9-a5c1-61de6d3be13b";
  l.machine_id = "3d1219c7c4c5404aaa1f6d2a48adfda4";
  l.pid = 1;
  l.acquired = heartbeat - 600;
  l.heartbeat = heartbeat;
  l.supervised = supervised;
  l.machine_guid = kGuid;
  return l;
}

/// The check, then what `run` / `check --gate` do once their gate lets the agent start: write
/// the lease the check found free (Context::lease_to_take).
Result RunCheck(testing::FakeSystem& sys, bool take_lease) {
  Inputs in;
  in.hands_off = take_lease;
  Context ctx(sys, in);
  Result r = kContainerIdentity.run(ctx);
  if (ctx.lease_to_take) {
    EXPECT_TRUE(take_lease) << "a check by hand never takes the lease";
    EXPECT_TRUE(container::WriteOwnerLease(sys, in.var_lib, *ctx.lease_to_take).ok());
  }
  return r;
}

TEST(ContainerIdentity, FreshVolumeTakesTheLeaseOnlyWhenAllowed) {
  auto sys = Container();
  Result by_hand = RunCheck(sys, false);
  EXPECT_EQ(by_hand.status, Status::kPass) << by_hand.message;
  EXPECT_EQ(sys.written.count(kLease), 0u) << "a check by hand writes nothing";
  EXPECT_EQ(by_hand.details["lease"]["state"], "none");

  Result gate = RunCheck(sys, true);
  EXPECT_EQ(gate.status, Status::kPass) << gate.message;
  ASSERT_EQ(sys.written.count(kLease), 1u);
  auto lease = container::ParseOwnerLease(sys.written[kLease]);
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease->container_id, kSelfId);
  EXPECT_EQ(lease->host, "netdata");
  EXPECT_EQ(lease->boot_id, "e64fff56-5638-4ff9-a5c1-61de6d3be13b");
  EXPECT_EQ(lease->machine_id, "3d1219c7c4c5404aaa1f6d2a48adfda4");
  EXPECT_EQ(lease->pid, 1);
  EXPECT_EQ(lease->heartbeat, Now(sys));
}

// fault: identity | another container holds the identity (fresh supervised lease, liveness unproven) | run/gate fail, never refuses: two containers use one identity, Cloud flaps; a check by hand warns naming the holder
TEST(ContainerIdentity, FreshForeignLeaseFailsOnlyForTheHandOffCommands) {
  auto sys = Container();
  AddIdentity(sys, kCreated - 86400);
  sys.AddDir("/var/lib/netdata/preflight");
  sys.AddFile(kLease, container::SerializeOwnerLease(Held(kOtherId, Now(sys) - 10)));
  Result gate = RunCheck(sys, true);
  EXPECT_EQ(gate.status, Status::kFail);
  // Without the lock's word the holder may have been killed since: reported, never refused.
  EXPECT_FALSE(gate.certain);
  EXPECT_NE(gate.message.find("two containers use one identity; Cloud will flap between them"),
            std::string::npos)
      << gate.message;
  EXPECT_NE(gate.message.find(kOtherId.substr(0, 12)), std::string::npos);
  EXPECT_EQ(sys.written.count(kLease), 0u) << "the live holder keeps its lease";

  // A troubleshooting container sharing the volume: a warning naming the holder, no accusation.
  Result by_hand = RunCheck(sys, false);
  EXPECT_EQ(by_hand.status, Status::kWarn);
  EXPECT_NE(by_hand.message.find("held by a running agent in container " + kOtherId.substr(0, 12)),
            std::string::npos)
      << by_hand.message;
  EXPECT_NE(by_hand.message.find("two agents share one identity"), std::string::npos);
  EXPECT_EQ(sys.written.count(kLease), 0u);
}

// fault: identity | a stale or released lease from a previous container | taken over, pass
TEST(ContainerIdentity, StaleOrReleasedLeaseIsTakenOver) {
  auto sys = Container();
  sys.AddDir("/var/lib/netdata/preflight");
  sys.AddFile(kLease, container::SerializeOwnerLease(
                          Held(kOtherId, Now(sys) - container::kLeaseFreshFor.count() - 5)));
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kPass) << r.message;
  EXPECT_EQ(r.details["lease"]["state"], "stale");
  EXPECT_EQ(container::ParseOwnerLease(sys.written.at(kLease))->container_id, kSelfId);

  OwnerLease released = Held(kOtherId, Now(sys) - 2);
  released.released = true;
  sys.AddFile(kLease, container::SerializeOwnerLease(released));
  sys.written.clear();
  EXPECT_EQ(RunCheck(sys, true).status, Status::kPass);
  EXPECT_EQ(container::ParseOwnerLease(sys.written.at(kLease))->container_id, kSelfId);
}

TEST(ContainerIdentity, OurOwnLeaseIsRefreshed) {
  auto sys = Container();
  OwnerLease ours = Held(kSelfId, Now(sys) - 3000);
  sys.AddDir("/var/lib/netdata/preflight");
  sys.AddFile(kLease, container::SerializeOwnerLease(ours));
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kPass);
  auto lease = container::ParseOwnerLease(sys.written.at(kLease));
  EXPECT_EQ(lease->heartbeat, Now(sys));
  EXPECT_EQ(lease->acquired, ours.acquired);
}

// fault: identity | a fresh lease nobody refreshes (exec mode) | warn, not a certain clone
TEST(ContainerIdentity, UnsupervisedForeignLeaseWarns) {
  auto sys = Container();
  sys.AddDir("/var/lib/netdata/preflight");
  sys.AddFile(kLease, container::SerializeOwnerLease(Held(kOtherId, Now(sys) - 10, false)));
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("nothing renews it"), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find("--supervise"), std::string::npos);
}

// fault: identity | owner.json is a symlink | refused, never written through
TEST(ContainerIdentity, SymlinkedLeaseIsRefused) {
  auto sys = Container();
  sys.AddDir("/var/lib/netdata/preflight");
  sys.AddSymlink(kLease, "/etc/passwd");
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("is a symlink"), std::string::npos);
  EXPECT_TRUE(sys.written.empty());
}

// fault: identity | a corrupt owner.json | replaced when taking the lease, reported
TEST(ContainerIdentity, CorruptLeaseIsReplacedWhenTaking) {
  auto sys = Container();
  sys.AddDir("/var/lib/netdata/preflight");
  sys.AddFile(kLease, "\x01\x02 not json");
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_EQ(r.details["lease"]["state"], "unreadable");
  EXPECT_TRUE(container::ParseOwnerLease(sys.written.at(kLease)).ok());
}

// fault: identity | claimed_id and GUID baked into the image layer | container.identity fail: every container from this image is the same node
TEST(ContainerIdentity, IdentityBakedIntoTheImageLayerFailsAtTheFirstStart) {
  auto sys = Container(/*volume=*/false);
  AddIdentity(sys, kCreated - 30 * 86400);        // older than the container: from the image
  Result r = RunCheck(sys, /*take_lease=*/true);  // the entrypoint, no lease yet: first start
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("baked into the image"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("registry/netdata.public.unique.id"), std::string::npos);
  EXPECT_EQ(r.details["identity_origin"], "image");
  EXPECT_NE(r.remediation.find("Rebuild the image"), std::string::npos);
}

TEST(ContainerIdentity, BakedLooksUncertainToACheckByHand) {
  // Docker rewrites /etc/hostname at every start: files older than it may come from an earlier
  // start of this same container when no lease of ours says otherwise.
  auto sys = Container(/*volume=*/false);
  AddIdentity(sys, kCreated - 30 * 86400);
  Result r = RunCheck(sys, false);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("unless an earlier start of this same container"), std::string::npos)
      << r.message;
}

TEST(ContainerIdentity, OurLeaseDatesTheContainer) {
  auto sys = Container(/*volume=*/false);
  sys.AddDir("/var/lib/netdata/preflight");
  OwnerLease ours = Held(kSelfId, Now(sys) - 30);
  ours.acquired = kCreated - 7 * 86400;  // this container first ran a week ago
  sys.AddFile(kLease, container::SerializeOwnerLease(ours));
  AddIdentity(sys, kCreated - 6 * 86400);  // the agent wrote it after that first run
  Result r = RunCheck(sys, false);
  EXPECT_EQ(r.status, Status::kPass) << r.message;
  EXPECT_EQ(r.details["container_since_source"], "owner lease");
  AddIdentity(sys, kCreated - 8 * 86400);  // there before this container ever ran
  Result baked = RunCheck(sys, false);
  EXPECT_EQ(baked.status, Status::kFail) << baked.message;
}

TEST(ContainerIdentity, IdentityWrittenByThisContainerIsNotBaked) {
  auto sys = Container(/*volume=*/false);
  AddIdentity(sys, kCreated + 60);
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kPass) << r.message;
  EXPECT_EQ(r.details["identity_origin"], "written by this container into its own layer");
}

// fault: identity | check by hand: the running agent created the GUID at its own start, before the runtime's /etc/hostname date | container.identity not "baked into the image" (identity_origin: running agent); files older than the agent's start still warn
TEST(ContainerIdentity, IdentityTheRunningAgentWroteAtItsStartIsNotBaked) {
  auto sys = Container(/*volume=*/false);
  AddIdentity(sys, kCreated - 60);  // older than /etc/hostname's date...
  sys.AddDir("/proc");
  sys.AddDir("/proc/77");
  sys.AddFile("/proc/77/comm", "netdata\n");
  sys.AddFile("/proc/77/status", "Name:\tnetdata\nUid:\t201\t201\t201\t201\n");
  // This node's agent: it holds a file of this node's lib dir open.
  sys.AddDir("/proc/77/fd");
  sys.AddSymlink("/proc/77/fd/4", "/var/lib/netdata/registry/netdata.public.unique.id");
  // ...but written after the agent running here started (btime + 1000 ticks / CLK_TCK).
  const long hz = ::sysconf(_SC_CLK_TCK);
  const int64_t agent_start = kCreated - 120;
  const int64_t btime = agent_start - 1000 / hz;
  sys.AddFile("/proc/stat", "cpu  1 2 3\nbtime " + std::to_string(btime) + "\nprocesses 9\n");
  sys.AddFile("/proc/77/stat",
              "77 (netdata) S 1 77 77 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 40 0 1000 123456 789");
  Result r = RunCheck(sys, false);
  EXPECT_EQ(r.details["identity_origin"], "written by the running agent (pid 77) at its start")
      << Describe(r);
  EXPECT_EQ(r.message.find("baked"), std::string::npos) << Describe(r);
  // The other side: files older than the agent's start came from before it.
  AddIdentity(sys, kCreated - 3600);
  r = RunCheck(sys, false);
  EXPECT_NE(r.message.find("baked into the image"), std::string::npos) << Describe(r);
}

TEST(ContainerIdentity, IdentityOnAVolumeIsNeverBaked) {
  auto sys = Container(/*volume=*/true);
  AddIdentity(sys, kCreated - 30 * 86400);
  EXPECT_EQ(RunCheck(sys, false).status, Status::kPass);
}

// fault: identity | a blacklisted well-known or all-zero machine GUID | container.identity warn: the agent writes a new one (a new node); never refuses
TEST(ContainerIdentity, BlacklistedGuidsWarnThatTheNodeWillBeNew) {
  for (const char* guid :
       {"8a795b0c-2311-11e6-8563-000c295076a6", "4aed1458-1c3e-11e6-a53f-000c290fc8f5",
        "00000000-0000-0000-0000-000000000000"}) {
    auto sys = Container();
    AddIdentity(sys, kCreated + 5, guid);
    Result r = RunCheck(sys, true);
    EXPECT_EQ(r.status, Status::kWarn) << guid << ": " << r.message;
    EXPECT_FALSE(r.certain);
    EXPECT_NE(r.message.find("writes a new one"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("new node"), std::string::npos) << r.message;
    EXPECT_NE(r.remediation.find("registry/netdata.public.unique.id"), std::string::npos);
  }
}

// fault: identity | docker rm -f, then the container is re-created on the same volume within 60 s | the dead holder's owner lock is free: the lease is taken over, pass
TEST(ContainerIdentity, LeaseOfAKilledContainerIsTakenOverAtOnce) {
  auto sys = Container();
  AddIdentity(sys, kCreated - 86400);
  sys.AddDir("/var/lib/netdata/preflight");
  OwnerLease killed = Held(kOtherId, Now(sys) - 5);
  killed.locked = true;  // its supervisor held the owner lock until it was killed
  sys.AddFile(kLease, container::SerializeOwnerLease(killed));
  sys.owner_lock = container::LockState::kFree;
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kPass) << r.message;
  EXPECT_EQ(r.details["lease"]["state"], "stale");
  EXPECT_EQ(r.details["lease"]["lock"], "free");
  auto lease = container::ParseOwnerLease(sys.written.at(kLease));
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease->container_id, kSelfId);
}

// fault: identity | another container's supervisor holds the owner lock of the volume | run/gate certain fail: two agents on one identity
TEST(ContainerIdentity, LiveSupervisorHoldingTheLockRefuses) {
  auto sys = Container();
  AddIdentity(sys, kCreated - 86400);
  sys.AddDir("/var/lib/netdata/preflight");
  OwnerLease live = Held(kOtherId, Now(sys) - 5);
  live.locked = true;
  sys.AddFile(kLease, container::SerializeOwnerLease(live));
  sys.owner_lock = container::LockState::kHeld;
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_TRUE(r.certain) << r.message;
  EXPECT_NE(r.message.find("holds the owner lock"), std::string::npos) << r.message;
  EXPECT_EQ(sys.written.count(kLease), 0u);
  // On another kernel (boot id) the lock says nothing: evidence only, never a refusal.
  live.boot_id = "00000000-1111-4222-8333-444444444444";
  sys.AddFile(kLease, container::SerializeOwnerLease(live));
  Result other = RunCheck(sys, true);
  EXPECT_EQ(other.status, Status::kFail);
  EXPECT_FALSE(other.certain) << other.message;
}

testing::FakeSystem Host() {
  testing::FakeSystem sys;
  sys.hostname = "vm-7";
  sys.AddFile("/proc/self/cgroup", "0::/system.slice/netdata.service\n");
  sys.AddFile("/proc/self/mountinfo", "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
  sys.AddFile("/proc/sys/kernel/random/boot_id", "11111111-2222-4333-8444-555555555555\n");
  sys.AddFile("/etc/machine-id", "99999999aaaabbbbccccddddeeeeffff\n");
  sys.AddDir("/var/lib/netdata", 0775, 999, 999);
  AddIdentity(sys, 1700000000);
  sys.AddDir("/var/lib/netdata/preflight");
  return sys;
}

// fault: identity | a VM cloned from a claimed image (lease under another /etc/machine-id) | container.identity fail with the guide's cloned-claim fix
TEST(ContainerIdentity, HostRulesDetectACloneByMachineId) {
  auto sys = Host();
  OwnerLease original = Held("", Now(sys) - 86400 * 3);  // written on the VM that was imaged
  sys.AddFile(kLease, container::SerializeOwnerLease(original));
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("claiming info is cloned"), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find("delete /var/lib/netdata/registry/netdata.public.unique.id"),
            std::string::npos);
  EXPECT_TRUE(sys.written.empty()) << "the clone's evidence is kept";
  EXPECT_EQ(r.details["in_container"], false);
  EXPECT_TRUE(r.details.contains("rules"));
}

TEST(ContainerIdentity, HostRulesSameMachineIsOurs) {
  auto sys = Host();
  OwnerLease same = Held("", Now(sys) - 86400 * 3);
  same.machine_id = "99999999aaaabbbbccccddddeeeeffff";
  sys.AddFile(kLease, container::SerializeOwnerLease(same));
  Result r = RunCheck(sys, true);
  EXPECT_EQ(r.status, Status::kPass) << r.message;
  EXPECT_NE(r.message.find("host rules"), std::string::npos);
}

}  // namespace
}  // namespace preflight::checks
