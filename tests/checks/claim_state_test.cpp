// claim.state against a fake cloud.d: every outcome of the claim state, one row each.
#include <gtest/gtest.h>

#include <functional>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "checks/claim_settings.h"
#include "fakes/fake_system.h"
#include "fakes/test_keys.h"

namespace preflight::checks {
namespace {

using testing::EcKey;
using testing::FakeSystem;
using testing::OtherRsaKey;
using testing::RsaKey;

constexpr const char* kDir = "/var/lib/netdata/cloud.d";
constexpr const char* kId = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
constexpr uid_t kNd = 201;

/// /var/lib/netdata as the image has it (201:0, 0770), no cloud.d yet.
void Image(FakeSystem& s) {
  s.AddDir("/var/lib/netdata", 0770, kNd, 0);
  s.AddFile(
      "/etc/passwd",
      "root:x:0:0:root:/root:/bin/bash\nnetdata:x:201:201::/var/lib/netdata:/usr/sbin/nologin\n");
}
/// cloud.d of a node claimed by the agent: 0770 201:201, files 0660.
void Claimed(FakeSystem& s) {
  Image(s);
  s.AddDir(kDir, 0770, kNd, kNd);
  s.AddFile(std::string(kDir) + "/claimed_id", kId, 0660, kNd, kNd);
  s.AddFile(std::string(kDir) + "/private.pem", RsaKey().private_pem, 0600, kNd, kNd);
  s.AddFile(std::string(kDir) + "/public.pem", RsaKey().public_pem, 0660, kNd, kNd);
  s.AddFile(std::string(kDir) + "/cloud.conf",
            "[global]\n\turl = https://app.netdata.cloud\n\tclaimed_id = " + std::string(kId) +
                "\n\t# proxy = env\n",
            0660, kNd, kNd);
}
void Token(FakeSystem& s) { s.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 'k'); }
std::string At(const char* name) { return std::string(kDir) + "/" + name; }

struct Case {
  const char* name;
  std::function<void(FakeSystem&)> setup;
  const char* generation;  ///< "" = agent.version did not run
  Status status;
  const char* message;           ///< substring of the message
  const char* remediation = "";  ///< substring of the remediation
  int claimed = -1;              ///< details.claimed: -1 absent, 0 false, 1 true
};

const Case kCases[] = {
    // Not claimed.
    {"NotClaimedAndNotClaimingIsSkipped", [](FakeSystem& s) { Image(s); }, "v2", Status::kSkip,
     "claiming is not configured", "", 0},
    {"LeftoverKeysWithoutClaimOrTokenAreSkipped",
     [](FakeSystem& s) {
       Image(s);
       s.AddDir(kDir, 0700, 0, 0);
       s.AddFile(At("private.pem"), "junk", 0600, 0, 0);
     },
     "v2", Status::kSkip, "not claimed", "", 0},
    {"ClaimWantedNoCloudDYetTheAgentWillClaim", [](FakeSystem& s) { Image(s), Token(s); }, "v2",
     Status::kPass, "the agent will claim at start from environment", "", 0},
    {"ClaimWantedV1EntrypointClaims", [](FakeSystem& s) { Image(s), Token(s); }, "v1",
     Status::kPass, "the v1 entrypoint runs netdata-claim.sh", "", 0},
    {"ClaimWantedVarLibRootOwnedCannotCreateCloudD",
     [](FakeSystem& s) {
       Image(s), Token(s);
       s.AddDir("/var/lib/netdata", 0755, 0, 0);
     },
     "v2", Status::kWarn, "cannot create cloud.d there", "chown -R 201:201 /var/lib/netdata", 0},
    {"ClaimWantedEmptyCloudDUsable",
     [](FakeSystem& s) { Image(s), Token(s), s.AddDir(kDir, 0770, kNd, kNd); }, "v2", Status::kPass,
     "not claimed yet", "", 0},
    // The named failure: a volume pre-populated as root.
    {"RootOwnedCloudDInPrePopulatedVolumeFails",
     [](FakeSystem& s) { Image(s), Token(s), s.AddDir(kDir, 0755, 0, 0); }, "v2", Status::kWarn,
     "owned by root (0:0, mode 0755): the agent, running as netdata (uid 201, gid 201), cannot "
     "create its keys and claimed_id there (it logs \"Cannot write private key file\")",
     "chown -R 201:201 /var/lib/netdata/cloud.d", 0},
    {"RootOwnedCloudDIsFineForV1RootEntrypointWhichChownsIt",
     [](FakeSystem& s) { Image(s), Token(s), s.AddDir(kDir, 0755, 0, 0); }, "v1", Status::kPass,
     "the claim script runs as root and hands cloud.d to the netdata user itself", "", 0},
    {"RootOwnedFilesInAnAgentOwnedDirFailWhenClaiming",
     [](FakeSystem& s) {
       Image(s), Token(s), s.AddDir(kDir, 0770, kNd, kNd);
       s.AddFile(At("private.pem"), RsaKey().private_pem, 0600, 0, 0);
       s.AddFile(At("public.pem"), RsaKey().public_pem, 0644, 0, 0);
     },
     "", Status::kWarn, "cloud.d/private.pem, cloud.d/public.pem are owned by root",
     "chown -R 201:201 /var/lib/netdata/cloud.d", 0},
    {"UserIdsComeFromEtcPasswd",
     [](FakeSystem& s) {
       Image(s), Token(s), s.AddDir(kDir, 0770, kNd, kNd);
       s.AddFile("/etc/passwd", "netdata:x:999:996::/var/lib/netdata:/bin/false\n");
     },
     "v2", Status::kWarn, "running as netdata (uid 999, gid 996)", "chown -R 999:996", 0},
    {"DockerUsrRootCanUseRootOwnedState",
     [](FakeSystem& s) {
       Image(s), Token(s), s.AddDir(kDir, 0700, 0, 0);
       s.env["DOCKER_USR"] = "root";
     },
     "v2", Status::kPass, "usable by root (uid 0", "", 0},
    {"DockerUsrIsShownPrintableOnly",
     [](FakeSystem& s) {
       Image(s), Token(s), s.AddDir(kDir, 0770, kNd, kNd);
       s.env["DOCKER_USR"] = "\x1b[31mevil";
     },
     "v2", Status::kPass, "usable by ?[31mevil (uid 201", "", 0},
    {"NonRootProcessIsTheAgentUserAndAccessDecides",
     [](FakeSystem& s) {
       Image(s), Token(s), s.AddDir(kDir, 0770, kNd, kNd);
       s.euid = 1000;
       s.files[kDir].access_error = EACCES;
     },
     "v2", Status::kFail, "running as this user (uid 1000)", "chown -R 1000 ", 0},
    // Claimed.
    {"ClaimedWithMatchingKeysPasses", Claimed, "v2", Status::kPass,
     "claimed as 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 (cloud.d/cloud.conf); RSA 2048 key pair "
     "matches",
     "", 1},
    {"ClaimedIdFileAloneCountsForV1",
     [](FakeSystem& s) {
       Claimed(s);
       s.files.erase(At("cloud.conf"));
       s.AddFile(At("private.pem"), OtherRsaKey().private_pem, 0600, kNd, kNd);
       s.AddFile(At("public.pem"), OtherRsaKey().public_pem, 0660, kNd, kNd);
     },
     "v1", Status::kPass, "claimed as 0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 (cloud.d/claimed_id)",
     "", 1},
    {"GroupReadableViaFsGroupIsUsable",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddDir(kDir, 02770, 0, kNd);
       s.AddFile(At("private.pem"), RsaKey().private_pem, 0640, 0, kNd);
       s.AddFile(At("claimed_id"), kId, 0640, 0, kNd);
       s.AddFile(At("cloud.conf"), "[global]\n", 0640, 0, kNd);
     },
     "v2", Status::kPass, "usable by netdata", "", 1},
    {"ClaimedButPrivateKeyUnreadableByTheAgent",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddFile(At("private.pem"), RsaKey().private_pem, 0600, 0, 0);
     },
     "v2", Status::kWarn, "cloud.d/private.pem is owned by root (0:0, mode 0600)",
     "chown -R 201:201", 1},
    {"ClaimedButCloudDNotSearchable", [](FakeSystem& s) { Claimed(s), s.AddDir(kDir, 0700, 0, 0); },
     "v2", Status::kWarn, "cannot read its claim state",
     "chown -R 201:201 /var/lib/netdata/cloud.d", 1},
    {"ClaimedButPrivateKeyMissing",
     [](FakeSystem& s) { Claimed(s), s.files.erase(At("private.pem")); }, "v2", Status::kFail,
     "private.pem is missing", "restart with the claim token set", 1},
    {"ClaimedButPrivateKeyCorrupt",
     [](FakeSystem& s) {
       Claimed(s);
       std::string pem = RsaKey().private_pem;
       pem[pem.size() / 2] = pem[pem.size() / 2] == 'A' ? 'B' : 'A';
       pem.erase(pem.size() / 3, 200);
       s.AddFile(At("private.pem"), pem, 0600, kNd, kNd);
     },
     "v2", Status::kFail, "private.pem does not parse as a private key", "", 1},
    {"ClaimedButPrivateKeyIsNotRsa",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddFile(At("private.pem"), EcKey().private_pem, 0600, kNd, kNd);
       s.AddFile(At("public.pem"), EcKey().public_pem, 0660, kNd, kNd);
     },
     "v2", Status::kFail, "is an EC key; the agent needs RSA", "", 1},
    {"ClaimedButPublicKeyIsNotItsHalf",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddFile(At("public.pem"), OtherRsaKey().public_pem, 0660, kNd, kNd);
     },
     "v2", Status::kFail, "public.pem is not the public half of cloud.d/private.pem", "", 1},
    {"ClaimedButPublicKeyGarbage",
     [](FakeSystem& s) { Claimed(s), s.AddFile(At("public.pem"), "hello", 0660, kNd, kNd); }, "v2",
     Status::kFail, "public.pem does not parse", "", 1},
    {"ClaimedWithoutPublicKeyIsFine",
     [](FakeSystem& s) { Claimed(s), s.files.erase(At("public.pem")); }, "v2", Status::kPass,
     "RSA 2048 key parses", "", 1},
    // The claimed id itself.
    {"CorruptClaimedIdNotClaimingFails",
     [](FakeSystem& s) {
       Claimed(s);
       s.files.erase(At("cloud.conf"));
       s.AddFile(At("claimed_id"), "\x01garbage\xff", 0660, kNd, kNd);
     },
     "v2", Status::kFail,
     "`?garbage?` (9 characters), which the agent (version unknown) does not accept as a UUID",
     "Delete /var/lib/netdata/cloud.d/claimed_id", 0},
    {"CorruptClaimedIdV1NeverClaimsAgain",
     [](FakeSystem& s) {
       Claimed(s), Token(s);
       s.files.erase(At("cloud.conf"));
       s.AddFile(At("claimed_id"), "not-a-uuid", 0660, kNd, kNd);
     },
     "v1", Status::kFail, "the v1 entrypoint never claims again while the file exists", "", 0},
    {"CorruptClaimedIdV2ClaimsAgainAsNewNode",
     [](FakeSystem& s) {
       Claimed(s), Token(s);
       s.AddFile(At("cloud.conf"), "[global]\n  claimed_id = 1234\n", 0660, kNd, kNd);
     },
     "v2", Status::kWarn, "cloud.d/cloud.conf holds `1234`", "", 0},
    {"ClaimedIdWithLeadingSpaceIsRejectedByEveryAgent",
     [](FakeSystem& s) {
       Claimed(s);
       s.files.erase(At("cloud.conf"));
       s.AddFile(At("claimed_id"), std::string(" ") + kId, 0660, kNd, kNd);
     },
     "v2", Status::kFail, "starts with whitespace", "", 0},
    {"ClaimedIdWithTrailingNewlineWarnsForV1",
     [](FakeSystem& s) {
       Claimed(s);
       s.files.erase(At("cloud.conf"));
       s.AddFile(At("claimed_id"), std::string(kId) + "\n", 0660, kNd, kNd);
     },
     "v1", Status::kWarn, "older agents (e.g. v1.37", "printf %s", 1},
    {"ClaimedIdWithTrailingNewlineIsFineForV2",
     [](FakeSystem& s) {
       Claimed(s);
       s.files.erase(At("cloud.conf"));
       s.AddFile(At("claimed_id"), std::string(kId) + "\n", 0660, kNd, kNd);
     },
     "v2", Status::kPass, "claimed as", "", 1},
    {"EmptyClaimedIdWithoutClaimingIsSkipped",
     [](FakeSystem& s) {
       Image(s), s.AddDir(kDir, 0770, kNd, kNd);
       s.AddFile(At("claimed_id"), "\n", 0660, kNd, kNd);
     },
     "v2", Status::kSkip, "is empty) and claiming is not configured", "", 0},
    {"EmptyClaimedIdBlocksTheV1Entrypoint",
     [](FakeSystem& s) {
       Image(s), Token(s), s.AddDir(kDir, 0770, kNd, kNd);
       s.AddFile(At("claimed_id"), "", 0660, kNd, kNd);
     },
     "v1", Status::kFail, "the v1 entrypoint does not claim while the file exists",
     "Delete /var/lib/netdata/cloud.d/claimed_id", 0},
    {"EmptyClaimedIdIsHarmlessForV2",
     [](FakeSystem& s) {
       Image(s), Token(s), s.AddDir(kDir, 0770, kNd, kNd);
       s.AddFile(At("claimed_id"), "", 0660, kNd, kNd);
     },
     "v2", Status::kPass, "the agent will claim at start", "", 0},
    // cloud.conf.
    {"CloudConfDisabledFailsForV1",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddFile(At("cloud.conf"), "[global]\n  enabled = no\n", 0660, kNd, kNd);
     },
     "v1", Status::kFail, "`enabled = no`", "enabled = yes", 1},
    {"CloudConfDisabledIsIgnoredByV2",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddFile(At("cloud.conf"), "[global]\n  enabled = no\n", 0660, kNd, kNd);
     },
     "v2", Status::kPass, "claimed as", "", 1},
    {"CloudConfDisabledUnknownGenerationWarns",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddFile(At("cloud.conf"), "[global]\n  enabled = no\n", 0660, kNd, kNd);
     },
     "", Status::kWarn, "v2 agents ignore it", "", 1},
    {"CloudConfGarbageLineWarns",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddFile(At("cloud.conf"), "[global]\nthis is not ini\n", 0660, kNd, kNd);
     },
     "v2", Status::kWarn, "cloud.conf line 2", "", 1},
    {"CloudConfUnreadableWarns",
     [](FakeSystem& s) {
       Claimed(s);
       s.files[At("cloud.conf")].read_error = EIO;
     },
     "v2", Status::kWarn, "cannot read cloud.d/cloud.conf", "", 1},
    {"ClaimedIdIsADirectory",
     [](FakeSystem& s) {
       Claimed(s);
       s.files.erase(At("cloud.conf"));
       s.AddDir(At("claimed_id"), 0755, kNd, kNd);
     },
     "v2", Status::kFail, "cloud.d/claimed_id is a directory, not a file", "", 0},
    // Symlinks: reported, never read through.
    {"SymlinkedCloudDIsReportedNotRead",
     [](FakeSystem& s) {
       Image(s);
       s.AddSymlink(kDir, "/elsewhere/cloud.d");
       s.AddDir("/elsewhere/cloud.d", 0770, kNd, kNd);
     },
     "v2", Status::kWarn, "is a symlink; netdata-preflight does not read claim state through",
     "mount the volume", -1},
    {"DanglingSymlinkedCloudDFails",
     [](FakeSystem& s) { Image(s), s.AddSymlink(kDir, "/nowhere"); }, "v2", Status::kFail,
     "symlink to a path that does not exist", "rm /var/lib/netdata/cloud.d", -1},
    {"CloudDIsAFile", [](FakeSystem& s) { Image(s), s.AddFile(kDir, "x", 0644, kNd, kNd); }, "v2",
     Status::kFail, "exists but is not a directory", "", 0},
    {"SymlinkedPrivateKeyIsNotFollowed",
     [](FakeSystem& s) {
       Claimed(s);
       s.AddSymlink(At("private.pem"), "/etc/shadow");
       s.AddFile("/etc/shadow", "root:*:::::::\n", 0600, 0, 0);
     },
     "v2", Status::kWarn, "cloud.d/private.pem is a symlink", "Replace the symlink", 1},
    {"DanglingSymlinkedPrivateKeyFails",
     [](FakeSystem& s) { Claimed(s), s.AddSymlink(At("private.pem"), "/gone"); }, "v2",
     Status::kFail, "private.pem is a symlink to a path that does not exist", "", 1},
    {"SymlinkedClaimedIdIsNotFollowed",
     [](FakeSystem& s) {
       Claimed(s);
       s.files.erase(At("cloud.conf"));
       s.AddSymlink(At("claimed_id"), "/elsewhere/id");
       s.AddFile("/elsewhere/id", kId);
     },
     "v2", Status::kWarn, "cloud.d/claimed_id is a symlink", "", 0},
};

class ClaimStateTest : public ::testing::TestWithParam<Case> {};

// fault: volume | /var/lib/netdata root-owned 0755 while claiming (ClaimWantedVarLibRootOwnedCannotCreateCloudD) | version unknown: claim.state warn (v1.41+ started as root chowns it at start; ≤ v1.40 certain fail, tests/checks/never_stop_test.cpp) "cannot create cloud.d there", remediation `chown -R 201:201 /var/lib/netdata`
// fault: volume | cloud.d root-owned 0755 in a pre-populated volume, v2 agent (RootOwnedCloudDInPrePopulatedVolumeFails) | version unknown: claim.state warn naming owner, mode, the agent's uid/gid and "Cannot write private key file"; `chown -R 201:201 …/cloud.d`
// fault: volume | root-owned private.pem/public.pem in an agent-owned cloud.d (RootOwnedFilesInAnAgentOwnedDirFailWhenClaiming) | version unknown: claim.state warn "cloud.d/private.pem, cloud.d/public.pem are owned by root"
// fault: volume | agent user remapped in /etc/passwd to 999:996 (UserIdsComeFromEtcPasswd) | version unknown: claim.state warn naming uid 999, gid 996; `chown -R 999:996`
// fault: volume | non-root container user (uid 1000) denied access to cloud.d (NonRootProcessIsTheAgentUserAndAccessDecides) | claim.state fail "running as this user (uid 1000)"; `chown -R 1000`
// fault: volume | claimed node's private.pem root-owned 0600 (ClaimedButPrivateKeyUnreadableByTheAgent) | version unknown: claim.state warn "cloud.d/private.pem is owned by root (0:0, mode 0600)"
// fault: volume | claimed node's cloud.d root-owned 0700 (ClaimedButCloudDNotSearchable) | version unknown: claim.state warn "cannot read its claim state"; `chown -R 201:201 …/cloud.d`
// fault: input | DOCKER_USR carrying an ANSI escape (DockerUsrIsShownPrintableOnly) | shown printable only ("?[31mevil")
// fault: claiming | claimed but private.pem missing (ClaimedButPrivateKeyMissing) | claim.state fail "private.pem is missing", remediation: restart with the claim token set
// fault: claiming | private.pem corrupted (ClaimedButPrivateKeyCorrupt) | claim.state fail "private.pem does not parse as a private key"
// fault: claiming | EC key instead of RSA (ClaimedButPrivateKeyIsNotRsa) | claim.state fail "is an EC key; the agent needs RSA"
// fault: claiming | public.pem of another key pair (ClaimedButPublicKeyIsNotItsHalf) | claim.state fail "public.pem is not the public half of cloud.d/private.pem"
// fault: claiming | public.pem garbage (ClaimedButPublicKeyGarbage) | claim.state fail "public.pem does not parse"
// fault: claiming | claimed_id binary garbage, not claiming (CorruptClaimedIdNotClaimingFails) | claim.state fail "`?garbage?` (9 characters), which the agent (version unknown) does not accept as a UUID"; "Delete …/cloud.d/claimed_id"
// fault: claiming | claimed_id not a UUID on a v1 agent with a token (CorruptClaimedIdV1NeverClaimsAgain) | claim.state fail "the v1 entrypoint never claims again while the file exists"
// fault: claiming | cloud.conf claimed_id `1234` on a v2 agent (CorruptClaimedIdV2ClaimsAgainAsNewNode) | claim.state warn "cloud.d/cloud.conf holds `1234`" (claims again as a new node)
// fault: claiming | claimed_id with a leading space (ClaimedIdWithLeadingSpaceIsRejectedByEveryAgent) | claim.state fail "starts with whitespace"
// fault: claiming | claimed_id with a trailing newline on v1 (ClaimedIdWithTrailingNewlineWarnsForV1) | claim.state warn "older agents (e.g. v1.37", remediation with `printf %s`
// fault: claiming | empty claimed_id on a v1 agent with a token (EmptyClaimedIdBlocksTheV1Entrypoint) | claim.state fail "the v1 entrypoint does not claim while the file exists"; "Delete …/cloud.d/claimed_id"
// fault: claiming | cloud.conf `enabled = no` on v1 (CloudConfDisabledFailsForV1) | claim.state fail naming `enabled = no`, remediation `enabled = yes`
// fault: claiming | cloud.conf `enabled = no`, generation unknown (CloudConfDisabledUnknownGenerationWarns) | claim.state warn "v2 agents ignore it"
// fault: claiming | cloud.conf garbage line (CloudConfGarbageLineWarns) | claim.state warn naming "cloud.conf line 2"
// fault: claiming | cloud.conf read fails with EIO (CloudConfUnreadableWarns) | claim.state warn "cannot read cloud.d/cloud.conf"
// fault: claiming | claimed_id is a directory (ClaimedIdIsADirectory) | claim.state fail "cloud.d/claimed_id is a directory, not a file"
// fault: claiming | cloud.d is a file (CloudDIsAFile) | claim.state fail "exists but is not a directory"
// fault: input | cloud.d a symlink (SymlinkedCloudDIsReportedNotRead) | claim.state warn "is a symlink; netdata-preflight does not read claim state through", "mount the volume"; claimed unknown
// fault: input | cloud.d a dangling symlink (DanglingSymlinkedCloudDFails) | claim.state fail "symlink to a path that does not exist", `rm /var/lib/netdata/cloud.d`
// fault: input | private.pem symlinked to /etc/shadow (SymlinkedPrivateKeyIsNotFollowed) | claim.state warn "cloud.d/private.pem is a symlink", "Replace the symlink"
// fault: input | private.pem a dangling symlink (DanglingSymlinkedPrivateKeyFails) | claim.state fail "private.pem is a symlink to a path that does not exist"
// fault: input | claimed_id a symlink (SymlinkedClaimedIdIsNotFollowed) | claim.state warn "cloud.d/claimed_id is a symlink"; not counted as claimed
TEST_P(ClaimStateTest, Outcome) {
  const Case& c = GetParam();
  FakeSystem sys;
  c.setup(sys);
  Result r = RunOne(kClaimState, sys, c.generation);
  ExpectOutcome(r, c.status, c.message, c.remediation);
  if (c.claimed < 0) {
    EXPECT_FALSE(r.details.contains("claimed")) << Describe(r);
  } else {
    ASSERT_TRUE(r.details.contains("claimed")) << Describe(r);
    EXPECT_EQ(r.details["claimed"].get<bool>(), c.claimed == 1) << Describe(r);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ClaimStateTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// fault: input | symlinked cloud.d whose target holds a claimed_id | the claimed id is not found ("cloud.d is a symlink")
TEST(ClaimState, EverySymlinkedTargetStaysUnread) {
  // The target of a symlinked cloud.d holds a claim: no check may see it.
  FakeSystem sys;
  Image(sys);
  sys.AddSymlink(kDir, "/elsewhere/cloud.d");
  sys.AddDir("/elsewhere/cloud.d", 0770, kNd, kNd);
  sys.AddFile("/elsewhere/cloud.d/claimed_id", kId);
  ClaimedId id = ReadClaimedId(sys, Inputs{});
  EXPECT_FALSE(id.found);
  EXPECT_EQ(id.blocked, "cloud.d is a symlink");
}

// fault: input | token file behind a symlinked cloud.d | not taken as a claim token source
TEST(ClaimState, SymlinkedCloudDTokenFileIsNotAClaimSource) {
  FakeSystem sys;
  Image(sys);
  sys.AddSymlink(kDir, "/elsewhere");
  sys.AddDir("/elsewhere");
  // FakeSystem resolves only whole paths: model what the kernel would read through the link.
  sys.AddFile(std::string(kDir) + "/token", std::string(135, 't'));
  EXPECT_FALSE(LoadClaimSettings(sys, Inputs{}).file_token.set);
}

TEST(ClaimState, ABrokenClaimNamesTheClaimedButCannotConnectSection) {
  FakeSystem sys;
  Claimed(sys);
  sys.files.erase(At("private.pem"));
  Result broken = RunOne(kClaimState, sys, "v2");
  ASSERT_EQ(broken.status, Status::kFail);
  EXPECT_EQ(broken.section, "the-agent-was-claimed-but-can-not-connect");
  FakeSystem unclaimed;
  Image(unclaimed), Token(unclaimed), unclaimed.AddDir(kDir, 0755, 0, 0);
  // A non-root agent cannot chown it at start: the claim fails for certain.
  unclaimed.euid = 1000;
  unclaimed.files[kDir].access_error = EACCES;
  Result cannot_claim = RunOne(kClaimState, unclaimed, "v2");
  ASSERT_EQ(cannot_claim.status, Status::kFail);
  EXPECT_EQ(cannot_claim.section, "") << "the check's own section: the claim fails";
}

TEST(ClaimState, CatalogSaysImplemented) {
  EXPECT_TRUE(kClaimState.implemented);
  EXPECT_NE(kClaimState.run, &NotImplemented);
}

}  // namespace
}  // namespace preflight::checks
