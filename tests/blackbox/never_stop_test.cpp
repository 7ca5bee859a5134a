// Black-box: `run` never stops a working agent. The static binary against real directories, the
// real Debian agent (v1.37.1) and a v2 agent stand-in: the refusals that remain are the certain
// ones, and `run` restarted many times on one volume keeps starting the program. Not in a
// container (host rules for the lease): the container scenarios run against a real Docker
// engine in tests/engine/.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "blackbox/debian_agent.h"
#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

class NeverStop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!IsRoot()) GTEST_SKIP() << "needs root to create root- and 201-owned volumes (CI is root)";
    var_lib_ = dir_.Mkdir("var/lib/netdata");
    dir_.Mkdir("etc/netdata");
    dir_.Mkdir("var/cache/netdata");
    ::chmod(dir_.path().c_str(), 0755);
    for (const char* d : {"var/lib/netdata", "etc/netdata", "var/cache/netdata"}) {
      ASSERT_EQ(::chown((dir_.path() + "/" + d).c_str(), 201, 201), 0);
    }
    marker_ = dir_.path() + "/started";
    // A v2 agent stand-in: `netdata -V` as v2.10.4 prints it (tests/testdata/netdata-v2.10.4).
    v2_agent_ = dir_.Write("agent/netdata", "#!/bin/sh\necho 'netdata v2.10.4'\n", 0755);
  }

  std::map<std::string, std::string> Env() const {
    return {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"},
            {"PREFLIGHT_VAR_LIB", var_lib_},
            {"PREFLIGHT_CONFIG_DIR", dir_.path() + "/etc/netdata"},
            {"PREFLIGHT_CACHE_DIR", dir_.path() + "/var/cache/netdata"}};
  }

  /// `run [--supervise] --agent AGENT -- sh -c 'echo started >> marker'`.
  ProcessResult Run(const std::string& agent, bool supervise,
                    const std::map<std::string, std::string>& extra = {}) {
    auto env = Env();
    for (const auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> args = {"run", "--agent", agent};
    if (supervise) args.push_back("--supervise");
    for (const char* a : {"--", "/bin/sh", "-c"}) args.push_back(a);
    args.push_back("echo started >> " + marker_);
    return RunPreflight(args, env);
  }

  int Starts() const {
    std::istringstream in(Slurp(marker_));
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line == "started";
    return n;
  }

  void Claim() {
    const std::string cloud = var_lib_ + "/cloud.d";
    ASSERT_EQ(::mkdir(cloud.c_str(), 0770), 0);
    dir_.Write("var/lib/netdata/cloud.d/claimed_id", "5c2f1f3e-1111-4222-8333-944455556666");
    ASSERT_EQ(::system(("openssl genrsa -out " + cloud + "/private.pem 2048 2>/dev/null && " +
                        "openssl rsa -in " + cloud + "/private.pem -pubout -out " + cloud +
                        "/public.pem 2>/dev/null && chown -R 201:201 " + cloud)
                           .c_str()),
              0);
  }

  TempDir dir_;
  std::string var_lib_, marker_, v2_agent_;
};

// fault: gate | `run --supervise` restarted again and again on one volume of a claimed node whose runs end at once (a restart loop) | every start hands off; container.lifetime reports the loop, never refuses
TEST_F(NeverStop, RestartLoopNeverLocksTheAgentOut) {
  Claim();
  for (int i = 0; i < 8; ++i) {
    auto r = Run(v2_agent_, true);
    ASSERT_EQ(r.exit_code, 0) << "start " << i << ": " << r.err;
  }
  EXPECT_EQ(Starts(), 8);
  // The history is still reported by `check`: strict, and it says why.
  auto check = RunPreflight({"check", "--offline", "--agent", v2_agent_, "--only",
                             "container.lifetime", "--format", "json"},
                            Env());
  auto report = nlohmann::json::parse(check.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << check.out << check.err;
  ASSERT_EQ(report["checks"].size(), 1u);
  EXPECT_EQ(report["checks"][0]["id"], "container.lifetime");
  EXPECT_EQ(report["checks"][0]["status"], "fail") << check.out;
  EXPECT_EQ(report["checks"][0]["details"]["certain"], false);
}

// fault: gate | root-owned bind-mounted /var/lib/netdata: real Debian agent v1.37.1 vs a v2.10.4 agent | v1.37.1 (≤ v1.40, no chown at start): exit 78; v2.10.4 (chowns at start): hands off
TEST_F(NeverStop, RootOwnedVolumeRefusesOnlyTheAgentThatCannotChownIt) {
  if (!DebianAgent::Available()) GTEST_SKIP() << "bootstrap.sh unpacks Debian's agent: not found";
  ASSERT_EQ(::chown(var_lib_.c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod(var_lib_.c_str(), 0755), 0);
  auto v2 = Run(v2_agent_, false);
  EXPECT_EQ(v2.exit_code, 0) << v2.err;
  EXPECT_EQ(Starts(), 1);
  auto v1 = Run(DebianAgent::Binary(), false);
  EXPECT_EQ(v1.exit_code, 78) << v1.err;
  EXPECT_NE(v1.err.find("chowns only directories it creates"), std::string::npos) << v1.err;
  EXPECT_EQ(Starts(), 1) << "the refused start ran nothing";
}

// fault: gate | a refused start (quoted token, no other source) | exit 78 and no owner lease is taken; the same volume with the token fixed starts
TEST_F(NeverStop, RefusedStartTakesNoLease) {
  const std::string quoted = "\"" + FakeClaimToken() + "\"";
  auto refused = Run(v2_agent_, false, {{"NETDATA_CLAIM_TOKEN", quoted}});
  EXPECT_EQ(refused.exit_code, 78) << refused.err;
  EXPECT_NE(refused.err.find("claim.token"), std::string::npos) << refused.err;
  EXPECT_EQ(::access((var_lib_ + "/preflight/owner.json").c_str(), F_OK), -1)
      << "a refused start must not hold the identity";
  auto fixed = Run(v2_agent_, false, {{"NETDATA_CLAIM_TOKEN", FakeClaimToken()}});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(::access((var_lib_ + "/preflight/owner.json").c_str(), F_OK), 0);
  EXPECT_EQ(Starts(), 1);
}

// fault: gate | no volume knowledge needed: a claim.conf the agent cannot read next to a good NETDATA_CLAIM_TOKEN | hands off (the v2 agent claims from the environment)
TEST_F(NeverStop, UnreadableClaimConfWithAGoodTokenStarts) {
  dir_.Write("etc/netdata/claim.conf",
             "[global]\n  token = " + FakeClaimToken('z') + "\n  url = https://app.netdata.cloud\n",
             0600);
  ASSERT_EQ(::chown((dir_.path() + "/etc/netdata/claim.conf").c_str(), 0, 0), 0);
  auto r = Run(v2_agent_, false, {{"NETDATA_CLAIM_TOKEN", FakeClaimToken()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Starts(), 1);
}

}  // namespace
}  // namespace preflight::testing
