// claim.script against a fake filesystem: the guide's four outcomes, EPERM-means-seccomp, and
// the skips (v2, not claiming, already claimed).
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using testing::FakeSystem;

constexpr const char* kScript = "/usr/sbin/netdata-claim.sh";
constexpr const char* kV1Script =
    "#!/usr/bin/env bash\n# netdata-claim.sh\nCLAIMING_DIR=\"${NETDATA_VARLIB_DIR}/cloud.d\"\n"
    "# shellcheck disable=SC2050\nif [ \"yes\" = \"no\" ]; then\n    echo >&2 \"This agent was "
    "built with --disable-cloud and cannot be claimed\"\n    exit 3\nfi\n";

/// The real netdata-claim.sh of Debian's netdata-core 1.37.1 package.
std::string DebianScript() {
  std::ifstream f(std::string(PREFLIGHT_DEPS_DIR) + "/netdata/usr/sbin/netdata-claim.sh");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void Claiming(FakeSystem& s) {
  s.env["NETDATA_CLAIM_TOKEN"] = "t0ken";
  s.env["NETDATA_CLAIM_URL"] = "https://app.netdata.cloud";
  s.env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
}
void Script(FakeSystem& s, mode_t mode = 0755) { s.AddFile(kScript, kV1Script, mode); }

struct Case {
  const char* name;
  std::function<void(FakeSystem&)> setup;
  Status status;
  const char* message;
  const char* remediation = "";
  const char* generation = "v1";
};

const Case kCases[] = {
    {"V2ClaimsByItself", [](FakeSystem& s) { Claiming(s), Script(s); }, Status::kSkip,
     "v2 agents claim by themselves", "", "v2"},
    {"NotClaiming", [](FakeSystem& s) { Script(s); }, Status::kSkip, "claiming is not configured"},
    {"AlreadyClaimed",
     [](FakeSystem& s) {
       Claiming(s);
       s.AddFile("/var/lib/netdata/cloud.d/claimed_id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
     },
     Status::kSkip, "already claimed (cloud.d/claimed_id): the entrypoint does not run"},
    {"CorruptClaimedIdStillStopsTheEntrypoint",
     [](FakeSystem& s) {
       Claiming(s);
       s.AddFile("/var/lib/netdata/cloud.d/claimed_id", "garbage");
     },
     Status::kSkip, "exists (though it is not a valid id: see claim.state)"},
    // The guide's four outcomes.
    {"NoneFound", Claiming, Status::kFail, "no netdata-claim.sh found in any of the 8 search paths",
     "Reinstall the agent"},
    {"PathMissing",
     [](FakeSystem& s) { Claiming(s), s.AddSymlink(kScript, "/usr/libexec/netdata/gone.sh"); },
     Status::kFail, "is a symlink whose target does not exist"},
    {"NotAFile", [](FakeSystem& s) { Claiming(s), s.AddDir(kScript); }, Status::kFail,
     "/usr/sbin/netdata-claim.sh exists but is not a file (it is a directory"},
    {"NotExecutable", [](FakeSystem& s) { Claiming(s), Script(s, 0644); }, Status::kFail,
     "the claiming script at /usr/sbin/netdata-claim.sh is not executable (mode 0644)",
     "chmod 0755 /usr/sbin/netdata-claim.sh"},
    // Executable by mode, refused by access(): seccomp vs a real permission problem.
    {"EpermFromAccessIsSeccomp",
     [](FakeSystem& s) {
       Claiming(s), Script(s);
       s.files[kScript].access_error = EPERM;
     },
     Status::kFail, "access(X_OK) fails with EPERM", "See container.seccomp"},
    {"EaccesFromAccessIsPermissions",
     [](FakeSystem& s) {
       Claiming(s), Script(s);
       s.files[kScript].access_error = EACCES;
     },
     Status::kFail, "is not executable by this user: access(X_OK) says Permission denied"},
    {"FoundAndExecutable", [](FakeSystem& s) { Claiming(s), Script(s); }, Status::kPass,
     "found the claim script /usr/sbin/netdata-claim.sh (a file, executable)"},
    {"UnknownGenerationWithScriptIsChecked", [](FakeSystem& s) { Claiming(s), Script(s); },
     Status::kPass, "found the claim script", "", ""},
    {"UnknownGenerationWithoutScriptIsSkipped", Claiming, Status::kSkip,
     "no netdata agent was found", "", ""},
    {"DebianScriptBuiltWithoutCloud",
     [](FakeSystem& s) { Claiming(s), s.AddFile(kScript, DebianScript(), 0755); }, Status::kWarn,
     "built with --disable-cloud and cannot be claimed", "official netdata/netdata"},
    {"PathComesFirst",
     [](FakeSystem& s) {
       Claiming(s), Script(s);
       s.env["PATH"] = "relative/bin:/custom/bin";
       s.AddFile("/custom/bin/netdata-claim.sh", kV1Script, 0755);
     },
     Status::kPass, "found the claim script /custom/bin/netdata-claim.sh"},
};

class ClaimScriptTest : public ::testing::TestWithParam<Case> {};

// fault: claiming | v1 claim, no netdata-claim.sh anywhere (NoneFound) | claim.script fail "no netdata-claim.sh found in any of the 8 search paths", "Reinstall the agent"
// fault: claiming | netdata-claim.sh a dangling symlink (PathMissing) | claim.script fail "is a symlink whose target does not exist"
// fault: claiming | netdata-claim.sh is a directory (NotAFile) | claim.script fail "exists but is not a file (it is a directory"
// fault: claiming | netdata-claim.sh mode 0644 (NotExecutable) | claim.script fail "is not executable (mode 0644)", `chmod 0755 /usr/sbin/netdata-claim.sh`
// fault: seccomp | access(X_OK) on the claim script refused with EPERM by a seccomp filter (EpermFromAccessIsSeccomp) | claim.script fail "access(X_OK) fails with EPERM", "See container.seccomp"
// fault: claiming | access(X_OK) on the claim script denied with EACCES (EaccesFromAccessIsPermissions) | claim.script fail "is not executable by this user: access(X_OK) says Permission denied"
// fault: agent | real Debian netdata-claim.sh templated for --disable-cloud (DebianScriptBuiltWithoutCloud) | claim.script warn "built with --disable-cloud and cannot be claimed", "official netdata/netdata"
TEST_P(ClaimScriptTest, Outcome) {
  const Case& c = GetParam();
  FakeSystem sys;
  c.setup(sys);
  Result r = RunOne(kClaimScript, sys, c.generation);
  ExpectOutcome(r, c.status, c.message, c.remediation);
}

INSTANTIATE_TEST_SUITE_P(Cases, ClaimScriptTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ClaimScript, FourOutcomesHaveDistinctMessages) {
  std::set<std::string> messages;
  for (const char* name : {"NoneFound", "PathMissing", "NotAFile", "NotExecutable"}) {
    for (const Case& c : kCases) {
      if (std::string(c.name) != name) continue;
      FakeSystem sys;
      c.setup(sys);
      messages.insert(RunOne(kClaimScript, sys, "v1").message);
    }
  }
  EXPECT_EQ(messages.size(), 4u);
}

// fault: seccomp | EPERM from access(X_OK) on an executable claim script | details see=container.seccomp, access_errno EPERM; message "this is not a permission problem"
TEST(ClaimScript, SeccompResultPointsAtContainerSeccomp) {
  FakeSystem sys;
  Claiming(sys), Script(sys);
  sys.files[kScript].access_error = EPERM;
  Result r = RunOne(kClaimScript, sys, "v1");
  EXPECT_EQ(r.details["see"], "container.seccomp");
  EXPECT_EQ(r.details["access_errno"], "EPERM");
  EXPECT_NE(r.message.find("this is not a permission problem"), std::string::npos) << r.message;
}

TEST(ClaimScript, SearchesTheAgentBinaryDirectoryToo) {
  FakeSystem sys;
  Claiming(sys);
  sys.AddFile("/srv/netdata/sbin/netdata-claim.sh", kV1Script, 0755);
  Result r = RunOne(kClaimScript, sys, "v1", Inputs{}, "/srv/netdata/sbin/netdata");
  EXPECT_EQ(r.status, Status::kPass) << Describe(r);
  EXPECT_EQ(r.details["path"], "/srv/netdata/sbin/netdata-claim.sh");
  const auto& searched = r.details["searched"];
  EXPECT_EQ(searched.front(), "/usr/local/bin/netdata-claim.sh") << "PATH first";
  EXPECT_EQ(searched.back(), "/srv/netdata/sbin/netdata-claim.sh") << "agent's dir last";
}

TEST(ClaimScript, DebianScriptIsTheRealOne) {
  std::string text = DebianScript();
  ASSERT_FALSE(text.empty()) << "Debian's netdata-claim.sh is unpacked by bootstrap under "
                             << PREFLIGHT_DEPS_DIR;
}

}  // namespace
}  // namespace preflight::checks
