// Never stop a working agent (issue: the gate refuses only what is certain). Each scenario that
// used to refuse a working agent, on both sides of its version boundary or condition: what the
// check reports, and whether it is certain (only certain fails refuse `run` / `check --gate`).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "checks/docker_fixture.h"
#include "fakes/fake_system.h"
#include "fakes/test_keys.h"

namespace preflight::checks {
namespace {

constexpr const char* kToken =
    "CMpuSVLAQ0CXgjjEbpcIJNyUHgrJs2e9_Rh7ZH8xB5zO4KQbOkj3xW-5mnHdQnGqlVXFDyHRhIEBv3Tq0o5yvBmZ"
    "sCM8pl1NnY_yhXg0aC0s37H-W2lLrbrTmv4yDwQYkdCcKq7Ly";

std::string Fixture(const std::string& name) { return testing::MountinfoFixture(name); }

/// A Docker container with named volumes and the official image's user (netdata 201:201).
testing::FakeSystem Docker(const std::string& mountinfo = Fixture("docker_named_volume.txt")) {
  testing::FakeSystem sys = testing::DockerContainer(mountinfo);
  sys.AddFile("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnetdata:x:201:201::/:/bin/false\n");
  return sys;
}

/// cloud.d of a claimed node (claimed_id and a key pair), owned by `uid`:`gid`.
void Claimed(testing::FakeSystem& sys, const std::string& claimed_id, uid_t uid, gid_t gid,
             mode_t dir_mode = 0770) {
  sys.AddDir("/var/lib/netdata/cloud.d", dir_mode, uid, gid);
  sys.AddFile("/var/lib/netdata/cloud.d/claimed_id", claimed_id, 0660, uid, gid);
  sys.AddFile("/var/lib/netdata/cloud.d/private.pem", testing::RsaKey().private_pem, 0600, uid,
              gid);
  sys.AddFile("/var/lib/netdata/cloud.d/public.pem", testing::RsaKey().public_pem, 0660, uid, gid);
}

/// cloud.d of a claimed node, as a volume pre-populated by root leaves it.
void ClaimedAsRoot(testing::FakeSystem& sys, const std::string& claimed_id) {
  Claimed(sys, claimed_id, 0, 0, 0700);
}

// 1. A root-owned /var/lib/netdata (a bind mount of a host dir): v1.41+ started as root chowns
// it at start; v1.40 cannot write it; unknown: a warning.
// fault: gate | root-owned /var/lib/netdata, agent v1.41+ started as root | pass: the agent chowns it at start (src/daemon/daemon.c); v1.40: certain fail; unknown version: warn
TEST(NeverStop, RootOwnedVarLibByVersion) {
  struct Case {
    const char* version;
    Status want;
    bool certain;
  } cases[] = {{"v2.10.4", Status::kPass, false},
               {"v1.41.0", Status::kPass, false},
               {"v1.40.1", Status::kFail, true},
               {"", Status::kWarn, false}};
  for (const auto& c : cases) {
    auto sys = Docker();
    sys.AddDir("/var/lib/netdata", 0755, 0, 0);
    Result r = RunWithVersion(kContainerVolume, sys, c.version);
    EXPECT_EQ(r.status, c.want) << c.version << ": " << Describe(r);
    EXPECT_EQ(r.certain, c.certain) << c.version << ": " << Describe(r);
    if (c.want == Status::kFail) {
      EXPECT_NE(r.message.find("chowns only directories it creates"), std::string::npos)
          << r.message;
      // A refusal names the agent versions and source that make it certain.
      EXPECT_NE(r.certain_because.find("agent model `chowns-state-at-start`: v1.41.0 and later"),
                std::string::npos)
          << r.certain_because;
      EXPECT_NE(r.certain_because.find("src/daemon/daemon.c"), std::string::npos);
    }
  }
}

// fault: gate | root-owned /var/lib/netdata with the agent started as non-root, or root squashed by NFS | certain fail: nobody can chown it
TEST(NeverStop, RootOwnedVarLibThatNoChownCanFix) {
  auto non_root = Docker();
  non_root.euid = 1000;
  non_root.AddDir("/var/lib/netdata", 0755, 0, 0);
  non_root.files["/var/lib/netdata"].access_error = EACCES;
  Result a = RunWithVersion(kContainerVolume, non_root, "v2.10.4");
  EXPECT_EQ(a.status, Status::kFail) << Describe(a);
  EXPECT_TRUE(a.certain);
  EXPECT_NE(a.message.find("does not start as root"), std::string::npos) << a.message;

  auto squashed = Docker();
  squashed.AddDir("/var/lib/netdata", 0755, 1000, 1000);
  squashed.files["/var/lib/netdata"].access_error = EACCES;  // root is nobody on the export
  Result b = RunWithVersion(kContainerVolume, squashed, "v2.10.4");
  EXPECT_EQ(b.status, Status::kFail) << Describe(b);
  EXPECT_TRUE(b.certain);
  EXPECT_NE(b.message.find("root cannot write it either"), std::string::npos) << b.message;
}

// 2. Root-owned cloud.d of a claimed node.
// fault: gate | root-owned cloud.d and claimed_id of a claimed node | v1.41+: pass (chowned at start); v1.40: certain fail; unknown: warn
TEST(NeverStop, RootOwnedCloudDirByVersion) {
  struct Case {
    const char* version;
    Status want;
    bool certain;
  } cases[] = {{"v2.10.4", Status::kPass, false},
               {"v1.40.1", Status::kFail, true},
               {"", Status::kWarn, false}};
  for (const auto& c : cases) {
    auto sys = Docker();
    ClaimedAsRoot(sys, "5c2f1f3e-1111-4222-8333-944455556666");
    Result r = RunWithVersion(kClaimState, sys, c.version);
    EXPECT_EQ(r.status, c.want) << c.version << ": " << Describe(r);
    EXPECT_EQ(r.certain, c.certain) << c.version << ": " << Describe(r);
  }
}

// 3. The agent's user is read, not assumed: Debian's package uses uid 999.
// fault: gate | the agent's user from DOCKER_USR, netdata.conf `run as user`, the running agent | judged for that user, not uid 201
TEST(NeverStop, AgentUserComesFromItsOwnSources) {
  auto sys = Docker();
  sys.AddFile("/etc/passwd",
              "root:x:0:0::/:/bin/sh\nnetdata:x:999:997::/:/bin/false\n"
              "monitor:x:450:450::/:/bin/false\n");
  Inputs in;
  AgentUser deb = FindAgentUser(sys, in.config_dir, FindThisNodesAgent(sys, in));
  EXPECT_EQ(deb.uid, 999u);
  EXPECT_EQ(deb.gid, 997u);
  sys.AddFile("/etc/netdata/netdata.conf", "[global]\n    run as user = monitor\n");
  AgentUser conf = FindAgentUser(sys, in.config_dir, FindThisNodesAgent(sys, in));
  EXPECT_EQ(conf.name, "monitor");
  EXPECT_EQ(conf.uid, 450u);
  EXPECT_NE(conf.source.find("netdata.conf"), std::string::npos);
  sys.env["DOCKER_USR"] = "netdata";
  EXPECT_EQ(FindAgentUser(sys, in.config_dir, FindThisNodesAgent(sys, in)).uid,
            999u);  // run.sh's -u wins
  // A running agent is the truth (check by hand); before a hand-off none of ours runs.
  sys.AddDir("/proc");
  sys.AddDir("/proc/77");
  sys.AddFile("/proc/77/comm", "netdata\n");
  sys.AddFile("/proc/77/status", "Name:\tnetdata\nUid:\t0\t450\t450\t450\n");
  sys.AddDir("/proc/77/fd");
  // Another agent (no file of this node's dirs open) is not this node's agent.
  EXPECT_EQ(FindAgentUser(sys, in.config_dir, FindThisNodesAgent(sys, in)).uid, 999u);
  sys.AddFile("/var/cache/netdata/netdata-meta.db", "");
  sys.AddSymlink("/proc/77/fd/5", "/var/cache/netdata/netdata-meta.db");
  AgentUser running = FindAgentUser(sys, in.config_dir, FindThisNodesAgent(sys, in));
  EXPECT_EQ(running.uid, 450u);
  EXPECT_EQ(running.name, "monitor");
  EXPECT_NE(running.source.find("running agent (pid 77)"), std::string::npos);
  Inputs gate = in;
  gate.hands_off = true;
  EXPECT_EQ(FindAgentUser(sys, gate.config_dir, FindThisNodesAgent(sys, gate)).uid, 999u);
}

// fault: gate | a running agent reading its own keys (uid 999), check by hand | claim.state pass, not "not readable by uid 201"
TEST(NeverStop, ClaimStateJudgesTheRunningAgentsOwnUser) {
  auto sys = Docker();
  sys.AddFile("/etc/passwd", "root:x:0:0::/:/bin/sh\nnetdata:x:999:997::/:/bin/false\n");
  Claimed(sys, "5c2f1f3e-1111-4222-8333-944455556666", 999, 997);
  sys.AddDir("/proc");
  sys.AddDir("/proc/12");
  sys.AddFile("/proc/12/comm", "netdata\n");
  sys.AddFile("/proc/12/status", "Uid:\t999\t999\t999\t999\n");
  sys.AddDir("/proc/12/fd");
  sys.AddFile("/var/cache/netdata/netdata-meta.db", "");
  sys.AddSymlink("/proc/12/fd/7", "/var/cache/netdata/netdata-meta.db");
  Result r = RunWithVersion(kClaimState, sys, "v1.37.1");
  EXPECT_EQ(r.status, Status::kPass) << Describe(r);
}

// 6. v2 claim sources fall back: claim.conf, then the environment, then cloud.d/token.
// fault: gate | a quoted token in claim.conf next to a good NETDATA_CLAIM_TOKEN (v2) | warn: the agent moves on to the environment; alone: certain fail
TEST(NeverStop, BrokenClaimConfNextToAGoodEnvironmentToken) {
  auto sys = Docker();
  sys.AddFile("/etc/netdata/claim.conf", std::string("[global]\n  token = \"") + kToken +
                                             "\"\n  url = https://app.netdata.cloud\n");
  sys.env["NETDATA_CLAIM_TOKEN"] = kToken;
  Result both = RunWithVersion(kClaimToken, sys, "v2.10.4");
  EXPECT_EQ(both.status, Status::kWarn) << Describe(both);
  EXPECT_NE(both.message.find("then claims with NETDATA_CLAIM_TOKEN"), std::string::npos)
      << both.message;
  // The same quoted token and nothing else: no source works in any version.
  sys.env.erase("NETDATA_CLAIM_TOKEN");
  Result alone = RunWithVersion(kClaimToken, sys, "v2.10.4");
  EXPECT_EQ(alone.status, Status::kFail) << Describe(alone);
  EXPECT_TRUE(alone.certain);
  EXPECT_NE(alone.certain_because.find("`claim-values-sent-as-given`"), std::string::npos)
      << alone.certain_because;
  EXPECT_NE(alone.certain_because.find("src/claim/claim-with-api.c"), std::string::npos);
}

// fault: gate | a quoted NETDATA_CLAIM_TOKEN and no other source | certain fail in every version (v1 and v2 both send it)
TEST(NeverStop, QuotedEnvironmentTokenAloneRefusesWhateverTheVersion) {
  for (const char* version : {"v1.37.1", "v2.10.4", ""}) {
    auto sys = Docker();
    sys.env["NETDATA_CLAIM_TOKEN"] = std::string("\"") + kToken + "\"";
    sys.env["NETDATA_CLAIM_URL"] = "https://app.netdata.cloud";
    Result r = RunWithVersion(kClaimToken, sys, version);
    EXPECT_EQ(r.status, Status::kFail) << version << ": " << Describe(r);
    EXPECT_TRUE(r.certain) << version;
    EXPECT_NE(r.certain_because.find("`claim-sources-fall-back`"), std::string::npos)
        << r.certain_because;
    EXPECT_NE(r.certain_because.find("`v1-claims-from-env-only`"), std::string::npos);
  }
}

// fault: gate | claim.conf unreadable by the agent's user next to a good NETDATA_CLAIM_TOKEN (v2) | warn: skipped after the privilege drop, the environment claims
TEST(NeverStop, UnreadableClaimConfNextToAGoodToken) {
  auto sys = Docker();
  sys.AddFile(
      "/etc/netdata/claim.conf",
      std::string("[global]\n  token = ") + kToken + "\n  url = https://app.netdata.cloud\n", 0600,
      0, 0);
  sys.env["NETDATA_CLAIM_TOKEN"] = kToken;
  Result config = RunWithVersion(kClaimConfig, sys, "v2.10.4");
  EXPECT_NE(config.status, Status::kFail) << Describe(config);
  EXPECT_FALSE(config.certain);
  Result token = RunWithVersion(kClaimToken, sys, "v2.10.4");
  EXPECT_EQ(token.status, Status::kPass) << Describe(token);
  EXPECT_EQ(token.details["source"], "NETDATA_CLAIM_TOKEN");
  // Without the environment the claim asked for cannot happen: certain for a v2 agent.
  sys.env.erase("NETDATA_CLAIM_TOKEN");
  Result lone = RunWithVersion(kClaimConfig, sys, "v2.10.4");
  EXPECT_EQ(lone.status, Status::kFail) << Describe(lone);
  EXPECT_TRUE(lone.certain);
}

// 7. claimed_id without hyphens: v2 parses it with uuid_parse_flexi, v1 with libuuid.
// fault: gate | cloud.d/claimed_id without hyphens | v2: pass; v1: fail; unknown: warn; never a refusal unless v1 will not claim again
TEST(NeverStop, ClaimedIdWithoutHyphensByVersion) {
  struct Case {
    const char* version;
    Status want;
  } cases[] = {{"v2.10.4", Status::kPass}, {"v1.37.1", Status::kFail}, {"", Status::kWarn}};
  for (const auto& c : cases) {
    auto sys = Docker();
    Claimed(sys, "5c2f1f3e111142228333944455556666", 201, 201);
    Result r = RunWithVersion(kClaimState, sys, c.version);
    EXPECT_EQ(r.status, c.want) << c.version << ": " << Describe(r);
    EXPECT_FALSE(r.certain) << c.version;
  }
}

// 9. An initContainer: no agent can run yet; the volume's status file is the previous run's.
// fault: gate | check --gate --require-cloud with status-netdata.json of an agent that was online | cloud.link skip: history never refuses
TEST(NeverStop, InitContainerDoesNotFailOnThePreviousRunsStatusFile) {
  auto sys = Docker();
  container::StatusFile sf;
  sf.path = "/var/lib/netdata/status-netdata.json";
  sf.aclk = "online";
  sf.status = "exited";
  sf.claim_id = "5c2f1f3e-1111-4222-8333-944455556666";
  sys.agent.status_file = sf;
  Inputs gate;
  gate.hands_off = true;
  Result r = RunWithVersion(kCloudLink, sys, "v2.10.4", gate);
  EXPECT_EQ(r.status, Status::kSkip) << Describe(r);
  EXPECT_NE(r.message.find("starts after these checks"), std::string::npos) << r.message;
  // By hand, the same file is what the stopped agent left: a finding.
  Result by_hand = RunWithVersion(kCloudLink, sys, "v2.10.4");
  EXPECT_EQ(by_hand.status, Status::kFail) << Describe(by_hand);
}

// 10. No volume at all: a warning unless Cloud is wanted.
// fault: gate | no volume (docker run quick start), claiming not configured | container.volume warn, never refuses
TEST(NeverStop, NoVolumeWithoutClaimingOnlyWarns) {
  auto sys = Docker(Fixture("docker_overlay_root.txt"));
  Result local = RunWithVersion(kContainerVolume, sys, "v2.10.4");
  EXPECT_EQ(local.status, Status::kWarn) << Describe(local);
  EXPECT_NE(local.message.find("harmless while the node is not claimed"), std::string::npos);
  sys.env["NETDATA_CLAIM_TOKEN"] = kToken;
  Result claiming = RunWithVersion(kContainerVolume, sys, "v2.10.4");
  EXPECT_EQ(claiming.status, Status::kFail) << Describe(claiming);
  EXPECT_FALSE(claiming.certain);
}

// fault: gate | /var/lib/netdata read-only (`:ro`) or in memory for a claimed node | certain fail
TEST(NeverStop, ReadOnlyOrInMemoryVarLibOfAClaimedNodeRefuses) {
  std::string mi = Fixture("docker_named_volume.txt");
  const std::string rw = "/var/lib/netdata rw,relatime";
  std::string ro = mi;
  ro.replace(ro.find(rw), rw.size(), "/var/lib/netdata ro,relatime");
  auto sys = Docker(ro);
  sys.AddDir("/var/lib/netdata/cloud.d", 0770, 201, 201);
  sys.AddFile("/var/lib/netdata/cloud.d/claimed_id", "5c2f1f3e-1111-4222-8333-944455556666", 0660,
              201, 201);
  Result r = RunWithVersion(kContainerVolume, sys, "v2.10.4");
  EXPECT_EQ(r.status, Status::kFail) << Describe(r);
  EXPECT_TRUE(r.certain);

  std::string tmpfs = mi;
  const size_t line = tmpfs.find("/var/lib/docker/volumes/netdatalib");
  const size_t begin = tmpfs.rfind('\n', line) + 1;
  const size_t end = tmpfs.find('\n', line);
  tmpfs.replace(begin, end - begin,
                "1032 1021 0:140 / /var/lib/netdata rw,nosuid,nodev - tmpfs tmpfs rw,size=65536k");
  auto mem = Docker(tmpfs);
  mem.AddDir("/var/lib/netdata/cloud.d", 0770, 201, 201);
  mem.AddFile("/var/lib/netdata/cloud.d/claimed_id", "5c2f1f3e-1111-4222-8333-944455556666", 0660,
              201, 201);
  Result m = RunWithVersion(kContainerVolume, mem, "v2.10.4");
  EXPECT_EQ(m.status, Status::kFail) << Describe(m);
  EXPECT_TRUE(m.certain);
  EXPECT_NE(m.certain_because.find("`state-in-var-lib`"), std::string::npos) << m.certain_because;
}

}  // namespace
}  // namespace preflight::checks
