// Black-box: the claim checks of the built binary against real files, real symlinks and the
// real Debian netdata-core agent — each a clear result, never a crash.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "blackbox/run_util.h"
#include "container/parse/passwd.h"

namespace preflight::testing {
namespace {

using Json = nlohmann::json;

/// The agent's directories in a sandbox, and an agent path that does not exist (so the host's
/// own netdata, if any, never matters).
struct Sandbox {
  TempDir dir;
  std::string var_lib = dir.Mkdir("var/lib/netdata", 0770);
  std::string config = dir.Mkdir("etc/netdata");
  std::string cache = dir.Mkdir("var/cache/netdata");
  std::vector<std::string> Check(const std::string& only, const std::string& agent = "") const {
    return {"check",        "--offline",
            "--format",     "json",
            "--only",       only,
            "--var-lib",    var_lib,
            "--config-dir", config,
            "--cache-dir",  cache,
            "--agent",      agent.empty() ? dir.path() + "/no-agent-here" : agent};
  }
};

/// The result of check `id` in a JSON report.
Json Find(const Json& doc, const std::string& id) {
  for (const auto& c : doc["checks"]) {
    if (c["id"] == id) return c;
  }
  return Json();
}

/// The ids the binary will take for the agent's user (`netdata` in /etc/passwd, else 201:201).
container::UserIds AgentIds() {
  std::ifstream f("/etc/passwd");
  std::stringstream ss;
  ss << f.rdbuf();
  return container::FindUser(ss.str(), "netdata").value_or(container::UserIds{201, 201});
}

/// As root, hands `path` and everything under it to the agent's user, as the image has it.
void GiveToAgent(const std::string& path) {
  if (!IsRoot()) return;  // the test user is then the agent's user itself
  auto ids = AgentIds();
  ASSERT_EQ(lchown(path.c_str(), ids.uid, ids.gid), 0) << path;
  for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
    ASSERT_EQ(lchown(e.path().c_str(), ids.uid, ids.gid), 0) << e.path();
  }
}

Json Report(const ProcessResult& r) {
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1)
      << "exit " << r.exit_code << " signal " << r.signal << "\n"
      << r.err;
  try {
    return Json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out.substr(0, 2000);
    return Json::object();
  }
}

std::string Message(const Json& check) {
  return check.is_object() && check["message"].is_string() ? check["message"].get<std::string>()
                                                           : "";
}

const std::map<std::string, std::string> kClaiming = {
    {"NETDATA_CLAIM_TOKEN",
     "abcdEFGHijklMNOPqrstUVWXyz0123456789_-abcdEFGHijklMNOPqrstUVWXyz0123456789_-abcdEFGHijklMNOP"
     "qrstUVWXyz0123456789_-abcdEFGHijklMNOPqrstUVWX"},
    {"NETDATA_CLAIM_URL", "https://app.netdata.cloud"}};

// fault: claiming | cloud.d/claimed_id holding binary garbage | claim.state fail "does not accept as a UUID", remediation naming cloud.d/claimed_id
TEST(ClaimChecks, CorruptClaimedIdIsAClearFailure) {
  Sandbox s;
  s.dir.Mkdir("var/lib/netdata/cloud.d", 0770);
  s.dir.Write("var/lib/netdata/cloud.d/claimed_id", std::string("\x01\xfe not-a-uuid \x7f", 15));
  auto r = RunPreflight(s.Check("claim.state"));
  Json state = Find(Report(r), "claim.state");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(state["status"], "fail") << state;
  EXPECT_NE(Message(state).find("does not accept as a UUID"), std::string::npos) << state;
  EXPECT_EQ(state["details"]["claimed"], false);
  EXPECT_NE(state["remediation"].get<std::string>().find("cloud.d/claimed_id"), std::string::npos);
}

// fault: input | cloud.d a symlink to a directory outside var-lib holding a claim | claim.state warn "is a symlink; netdata-preflight does not read claim state"; the claim behind it is not read
// fault: input | cloud.d a dangling symlink | claim.state fail with an `rm` remediation
TEST(ClaimChecks, SymlinkedCloudDIsReportedAndNotReadThrough) {
  Sandbox s;
  // The link points outside var-lib, at a directory holding a "claim".
  std::string outside = s.dir.Mkdir("elsewhere/cloud.d", 0770);
  s.dir.Write("elsewhere/cloud.d/claimed_id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
  ASSERT_EQ(symlink(outside.c_str(), (s.var_lib + "/cloud.d").c_str()), 0);
  auto r = RunPreflight(s.Check("claim.state,claim.token"), kClaiming);
  Json doc = Report(r);
  Json state = Find(doc, "claim.state");
  EXPECT_EQ(state["status"], "warn") << state;
  EXPECT_NE(Message(state).find("is a symlink; netdata-preflight does not read claim state"),
            std::string::npos)
      << state;
  EXPECT_FALSE(state["details"].contains("claimed")) << "unknown, not assumed";
  EXPECT_EQ(Find(doc, "claim.token")["details"]["claimed"], false)
      << "the claimed_id behind the link was not read";
  // A dangling link is a failure naming the fix.
  ASSERT_EQ(unlink((s.var_lib + "/cloud.d").c_str()), 0);
  ASSERT_EQ(symlink("/nonexistent/cloud.d", (s.var_lib + "/cloud.d").c_str()), 0);
  Json dangling = Find(Report(RunPreflight(s.Check("claim.state"), kClaiming)), "claim.state");
  EXPECT_EQ(dangling["status"], "fail") << dangling;
  EXPECT_NE(dangling["remediation"].get<std::string>().find("rm "), std::string::npos);
}

// fault: input | cloud.d/private.pem a symlink to a secret file | claim.state warn "cloud.d/private.pem is a symlink"; the target's content never printed
TEST(ClaimChecks, SymlinkedKeyFileIsNotFollowed) {
  Sandbox s;
  s.dir.Mkdir("var/lib/netdata/cloud.d", 0770);
  s.dir.Write("var/lib/netdata/cloud.d/claimed_id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
  std::string secret = s.dir.Write("secret.txt", "TOP-SECRET-CONTENT\n");
  ASSERT_EQ(symlink(secret.c_str(), (s.var_lib + "/cloud.d/private.pem").c_str()), 0);
  GiveToAgent(s.var_lib);
  auto r = RunPreflight(s.Check("claim.state"));
  Json state = Find(Report(r), "claim.state");
  EXPECT_EQ(state["status"], "warn") << state;
  EXPECT_NE(Message(state).find("cloud.d/private.pem is a symlink"), std::string::npos) << state;
  EXPECT_EQ(r.out.find("TOP-SECRET"), std::string::npos);
}

// chmod 000 does not stop root, so a directory where claim.conf should be (what a bind mount of
// a missing host file creates) is the black-box "unreadable claim.conf"; the EACCES case is
// covered against the fake System (claim_config_test).
// fault: claiming | claim.conf is a directory (bind mount of a missing host file) | claim.config fail "claim.conf is a directory, not a file"; claim.token skipped, named once
TEST(ClaimChecks, ClaimConfThatCannotBeReadIsAClearFailure) {
  Sandbox s;
  s.dir.Mkdir("etc/netdata/claim.conf");
  auto r = RunPreflight(s.Check("claim.token,claim.config"));
  Json doc = Report(r);
  Json config = Find(doc, "claim.config");
  EXPECT_EQ(config["status"], "fail") << config;
  EXPECT_NE(Message(config).find("claim.conf is a directory, not a file"), std::string::npos)
      << config;
  EXPECT_EQ(Find(doc, "claim.token")["status"], "skip") << "left to claim.config, named once";
  if (!IsRoot()) {
    // As a normal user chmod 000 really is unreadable.
    TempDir t;
    std::string conf = t.Write("claim.conf", "[global]\ntoken = x\n", 0);
    auto u = RunPreflight({"check", "--offline", "--format", "json", "--only", "claim.config",
                           "--config-dir", t.path(), "--var-lib", t.path()});
    EXPECT_NE(Message(Find(Report(u), "claim.config")).find("cannot be read"), std::string::npos);
  }
}

// fault: volume | cloud.d root-owned 0755 on a pre-populated volume, agent version unknown | claim.state warn "is owned by root (0:0, mode 0755)" quoting "Cannot write private key file" (v1.41+ started as root chowns it; older fail); remediation `chown -R uid:gid`; pass once fixed
TEST(ClaimChecks, RootOwnedCloudDOfAPrePopulatedVolumeIsNamed) {
  if (!IsRoot()) GTEST_SKIP() << "needs root to create root-owned files for another agent user";
  Sandbox s;
  std::string cloud_d = s.dir.Mkdir("var/lib/netdata/cloud.d", 0755);  // root:root, as root made it
  const auto ids = AgentIds();
  ASSERT_EQ(chown(s.var_lib.c_str(), ids.uid, 0), 0);
  auto env = kClaiming;
  auto r = RunPreflight(s.Check("claim.state"), env);
  Json state = Find(Report(r), "claim.state");
  // Without agent.version the version is unknown: agents v1.41 and later, started as root, chown
  // cloud.d at start, older ones cannot write it. A warning, never a refusal.
  EXPECT_EQ(state["status"], "warn") << state;
  EXPECT_NE(Message(state).find("the agent's version is unknown"), std::string::npos) << state;
  EXPECT_NE(Message(state).find("is owned by root (0:0, mode 0755)"), std::string::npos) << state;
  EXPECT_NE(Message(state).find("Cannot write private key file"), std::string::npos) << state;
  EXPECT_NE(state["remediation"].get<std::string>().find("chown -R "), std::string::npos);
  EXPECT_NE(state["remediation"].get<std::string>().find("chown -R " + std::to_string(ids.uid) +
                                                         ":" + std::to_string(ids.gid)),
            std::string::npos);
  ASSERT_EQ(chown(cloud_d.c_str(), ids.uid, ids.gid), 0);
  Json fixed = Find(Report(RunPreflight(s.Check("claim.state"), env)), "claim.state");
  EXPECT_EQ(fixed["status"], "pass") << fixed;
}

// The real agent of Debian's netdata-core package (1.37.1, built --disable-cloud).
// fault: agent | real Debian netdata 1.37.1 built --disable-cloud | agent.version fail "built without Netdata Cloud support … this build can never connect"; claim.script warn "built with --disable-cloud"
TEST(ClaimChecks, RealDebianAgentIsABuildThatCanNeverConnect) {
  const std::string agent = std::string(PREFLIGHT_DEPS_DIR) + "/netdata/usr/sbin/netdata";
  ASSERT_EQ(access(agent.c_str(), X_OK), 0) << agent << " is unpacked by scripts/bootstrap.sh";
  Sandbox s;
  auto env = kClaiming;
  env["PATH"] = "/nonexistent";  // the claim script must come from the agent's own directory
  auto r = RunPreflight(s.Check("agent.version,claim.script", agent), env);
  Json doc = Report(r);
  EXPECT_EQ(r.exit_code, 1);
  Json version = Find(doc, "agent.version");
  EXPECT_EQ(version["status"], "fail") << version;
  EXPECT_NE(Message(version).find("is netdata v1.37.1, built without Netdata Cloud support"),
            std::string::npos)
      << version;
  EXPECT_NE(Message(version).find("this build can never connect"), std::string::npos);
  EXPECT_EQ(version["details"]["generation"], "v1");
  EXPECT_EQ(version["details"]["version"], "v1.37.1");
  EXPECT_EQ(version["details"]["cloud_support"], false);
  EXPECT_EQ(doc["verdict"]["expected_node_state"], "absent");
  // Its netdata-claim.sh beside it is templated to refuse (exit 3).
  Json script = Find(doc, "claim.script");
  EXPECT_EQ(script["status"], "warn") << script;
  EXPECT_NE(Message(script).find("built with --disable-cloud"), std::string::npos) << script;
}

}  // namespace
}  // namespace preflight::testing
