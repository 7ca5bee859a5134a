// Black-box: the public contract of `check` — exit codes, JSON, selection, output files,
// termination log, redaction of the claim token, and hostile input.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

using Json = nlohmann::json;

// A sandbox of the agent's directories so that the host's own /var/lib/netdata never matters.
struct AgentDirs {
  TempDir dir;
  std::string var_lib = dir.Mkdir("var/lib/netdata");
  std::string config = dir.Mkdir("etc/netdata");
  std::string cache = dir.Mkdir("var/cache/netdata");
  std::vector<std::string> Args() const {
    return {"--var-lib",   var_lib, "--config-dir", config,
            "--cache-dir", cache,   "--agent",      dir.path() + "/no-agent-here"};
  }
};

std::vector<std::string> Cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Contract, JsonReportHasSchemaOneAndEveryCheck) {
  AgentDirs d;
  auto r = RunPreflight(Cat({"check", "--offline", "--format", "json"}, d.Args()));
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  Json doc = Json::parse(r.out);
  EXPECT_EQ(doc["schema"], 1);
  EXPECT_EQ(doc["command"], "check");
  EXPECT_TRUE(doc["started_at"].is_string());
  EXPECT_TRUE(doc["duration_ms"].is_number());
  for (const char* key : {"status", "expected_node_state", "section", "summary"}) {
    EXPECT_TRUE(doc["verdict"][key].is_string()) << key;
  }
  const std::set<std::string> states = {"live", "unseen", "offline", "absent", "unknown"};
  EXPECT_TRUE(states.count(doc["verdict"]["expected_node_state"].get<std::string>()));
  ASSERT_EQ(doc["checks"].size(), 15u);
  const std::set<std::string> statuses = {"pass", "warn", "fail", "skip", "error"};
  for (const auto& c : doc["checks"]) {
    EXPECT_TRUE(statuses.count(c["status"].get<std::string>())) << c;
    EXPECT_TRUE(c["details"].is_object());
    if (c["id"].get<std::string>().rfind("network.", 0) == 0 || c["id"] == "cloud.link") {
      EXPECT_EQ(c["status"], "skip") << "--offline skips " << c["id"];
    }
  }
}

TEST(Contract, OnlyAndSkipSelectChecks) {
  AgentDirs d;
  auto r = RunPreflight(
      Cat({"check", "--format", "json", "--only", "claim,agent.version", "--skip", "claim.script"},
          d.Args()));
  Json doc = Json::parse(r.out);
  std::vector<std::string> ids;
  for (const auto& c : doc["checks"]) ids.push_back(c["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"agent.version", "claim.token", "claim.config",
                                           "claim.state"}));
}

// fault: claiming | NETDATA_CLAIM_TOKEN wrapped in double quotes (compose list syntax) | claim.token fail: exit 1, exit 78 with --gate, exit 0 with --fail-on never
TEST(Contract, ExitCodeFollowsFailOn) {
  AgentDirs d;
  // A quoted token (compose list syntax) is a failure of claim.token.
  std::map<std::string, std::string> env = {{"NETDATA_CLAIM_TOKEN", "\"" + FakeClaimToken() + "\""},
                                            {"NETDATA_CLAIM_URL", "https://app.netdata.cloud"}};
  auto fail = RunPreflight(Cat({"check", "--offline", "--only", "claim.token"}, d.Args()), env);
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  auto never = RunPreflight(
      Cat({"check", "--offline", "--only", "claim.token", "--fail-on", "never"}, d.Args()), env);
  EXPECT_EQ(never.exit_code, 0);
  auto gate =
      RunPreflight(Cat({"check", "--gate", "--offline", "--only", "claim.token"}, d.Args()), env);
  EXPECT_EQ(gate.exit_code, 78);
  env["NETDATA_CLAIM_TOKEN"] = FakeClaimToken();
  auto pass = RunPreflight(Cat({"check", "--offline", "--only", "claim.token"}, d.Args()), env);
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
}

// fault: claiming | initContainer gate refuses while its report goes to a file | the refusal and failing checks still go to stderr (kubectl logs)
TEST(Contract, GateRefusalWithOutputFileStillExplainsOnStderr) {
  AgentDirs d;
  const std::string out = d.dir.path() + "/report.json";
  auto r = RunPreflight(Cat({"check", "--gate", "--offline", "--only", "claim.token", "--format",
                             "json", "--output", out},
                            d.Args()),
                        {{"NETDATA_CLAIM_TOKEN", "\"" + FakeClaimToken() + "\""}});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("refusing hand-off"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("claim.token"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(FakeClaimToken()), std::string::npos) << "the token leaked";
}

// fault: claiming | single-quoted claim token, report sent to --output | termination log ≤ 4 KiB starting "netdata-preflight: FAIL" naming claim.token; an absent log is not created
TEST(Contract, OutputFileAndTerminationLog) {
  AgentDirs d;
  const std::string out = d.dir.path() + "/report.json";
  const std::string tlog = d.dir.Write("termination-log", "");
  auto r = RunPreflight(
      Cat({"check", "--offline", "--format", "json", "--output", out, "--termination-log", tlog},
          d.Args()),
      {{"NETDATA_CLAIM_TOKEN", "'" + FakeClaimToken('b') + "'"}});
  EXPECT_TRUE(r.out.empty()) << "the report went to --output";
  EXPECT_TRUE(Json::accept(Slurp(out)));
  std::string summary = Slurp(tlog);
  EXPECT_LE(summary.size(), 4096u);
  EXPECT_EQ(summary.rfind("netdata-preflight: FAIL", 0), 0u) << summary;
  EXPECT_NE(summary.find("claim.token"), std::string::npos);
  // A termination log that does not exist is not created.
  const std::string absent = d.dir.path() + "/not-there";
  (void)RunPreflight(Cat({"check", "--offline", "--termination-log", absent}, d.Args()));
  struct stat st {};
  EXPECT_NE(stat(absent.c_str(), &st), 0);
}

// fault: input | --output into a directory that does not exist | exit 73 (cannot create, not 70: no bug) with an error naming the path
TEST(Contract, OutputToAnUnwritablePlaceIsAClearError) {
  AgentDirs d;
  auto r = RunPreflight(
      Cat({"check", "--offline", "--output", "/nonexistent-dir/report.txt"}, d.Args()));
  EXPECT_EQ(r.exit_code, 73);
  EXPECT_NE(r.err.find("/nonexistent-dir/report.txt"), std::string::npos) << r.err;
}

// The token must never appear: not in stdout, stderr, files, JSON or logs.
// fault: input | claim token in env (quoted, trailing newline), claim.conf, cloud.d/token, cloud.d/cloud.conf and as an --only value, trace logging | no 8-character window of it in stdout, stderr, --output or termination log of 10 commands
TEST(Contract, ClaimTokenNeverAppearsInAnyOutput) {
  AgentDirs d;
  const std::string token = "SECRETtokenXYZ" + std::string(100, 'q') + "ENDofTOKEN123456789_-";
  d.dir.Write("etc/netdata/claim.conf",
              "[global]\n  token = " + token + "x\n  url = https://app.netdata.cloud\n");
  d.dir.Write("var/lib/netdata/cloud.d/token", token + "y\n");
  // A successful v2 claim writes the token in plain text into cloud.conf.
  d.dir.Write("var/lib/netdata/cloud.d/cloud.conf",
              "[global]\n\turl = https://app.netdata.cloud\n\ttoken = " + token + "z\n");
  const std::string out = d.dir.path() + "/out";
  const std::string tlog = d.dir.Write("tlog", "");
  std::map<std::string, std::string> env = {{"NETDATA_CLAIM_TOKEN", " \"" + token + "\"\n"},
                                            {"PREFLIGHT_LOG_LEVEL", "trace"}};
  std::vector<std::vector<std::string>> runs = {
      Cat({"check", "--offline"}, d.Args()),
      Cat({"check", "--offline", "--format", "json", "--output", out, "--termination-log", tlog},
          d.Args()),
      Cat({"check", "--deadline", "1s", "--format", "json"}, d.Args()),
      Cat({"check", "--gate", "--offline"}, d.Args()),
      {"list"},
      {"explain", "claim.token"},
      {"version"},
      {"probe", "--timeout", "200ms", "--api", "http://127.0.0.1:9"},
      Cat({"run", "--offline", "--fail-on", "never"}, Cat(d.Args(), {"--", "/bin/true"})),
      {"check", "--only", token},
  };
  for (const auto& args : runs) {
    auto r = RunPreflight(args, env, std::chrono::seconds(30));
    std::string all = r.out + r.err + Slurp(out) + Slurp(tlog);
    SCOPED_TRACE(args[0]);
    // No 8-character window of the token may appear (its first 4 characters may).
    for (size_t i = 0; i + 8 <= token.size(); ++i) {
      ASSERT_EQ(all.find(token.substr(i, 8)), std::string::npos)
          << "token fragment at " << i << " leaked in `" << args[0] << "`:\n"
          << all.substr(0, 2000);
    }
  }
}

// fault: input | the claim token in a claim.conf at PREFLIGHT_CONFIG_DIR given as an option's value (a Kubernetes env: block, a pasted token) | the usage error says <redacted>: main reads the claim settings where the environment points before parsing, not only at /etc/netdata
TEST(Contract, AUsageErrorRedactsATokenFromTheClaimConfTheEnvironmentNames) {
  AgentDirs d;
  const std::string token = "SECRETtokenXYZ" + std::string(40, 'q') + "ENDofTOKEN";
  d.dir.Write("etc/netdata/claim.conf",
              "[global]\n  token = " + token + "\n  url = https://app.netdata.cloud\n");
  const std::map<std::string, std::string> env = {{"PREFLIGHT_CONFIG_DIR", d.config},
                                                  {"PREFLIGHT_VAR_LIB", d.var_lib}};
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"check", "--offline", "--deadline", token},
           {"check", "--offline", "--format", token},
           {"run", "--offline", "--fail-on", token, "--", "/bin/true"}}) {
    auto r = RunPreflight(args, env, std::chrono::seconds(30));
    SCOPED_TRACE(args[2]);
    EXPECT_EQ(r.exit_code, 64) << r.err;
    EXPECT_NE(r.err.find("<redacted>"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("SECRETtoken"), std::string::npos) << r.err;
  }
}

// fault: input | 1 MiB of binary garbage in claim.conf, claimed_id, private.pem, cloud.conf and eight 128 KiB claim env variables | exit 0/1, no crash; report < 64 KiB, each message one line < 1500 chars; claim.token, claim.config, claim.state fail with a remediation
TEST(Contract, HostileInputGivesClearResultsNotCrashes) {
  AgentDirs d;
  std::string garbage(1 << 20, 'x');
  for (size_t i = 0; i < garbage.size(); i += 7) garbage[i] = static_cast<char>(1 + i % 254);
  d.dir.Write("etc/netdata/claim.conf", garbage);
  d.dir.Write("var/lib/netdata/cloud.d/claimed_id", garbage.substr(0, 5000));
  d.dir.Write("var/lib/netdata/cloud.d/private.pem", garbage.substr(9, 70000));
  d.dir.Write("var/lib/netdata/cloud.d/cloud.conf", garbage.substr(11, 200000));
  // Linux caps one environment string at 128 KiB (MAX_ARG_STRLEN), so the 1 MiB of garbage the
  // environment can carry is spread over eight claim-related variables of ~128 KiB each;
  // claim.conf above carries a single 1 MiB value.
  const size_t kMaxEnv = 131072 - 64;
  std::map<std::string, std::string> env;
  const char* names[] = {"NETDATA_CLAIM_TOKEN",
                         "NETDATA_CLAIM_URL",
                         "NETDATA_CLAIM_ROOMS",
                         "NETDATA_CLAIM_PROXY",
                         "NETDATA_EXTRA_CLAIM_OPTS",
                         "NETDATA_CLAIM_INSECURE",
                         "http_proxy",
                         "https_proxy"};
  size_t total = 0;
  for (size_t i = 0; i < 8; ++i) {
    env[names[i]] = garbage.substr(i + 1, kMaxEnv);
    total += kMaxEnv;
  }
  ASSERT_GE(total, size_t{1000000});
  for (const char* format : {"json", "text"}) {
    auto r = RunPreflight(Cat({"check", "--offline", "--format", format}, d.Args()), env);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1)
        << "exit " << r.exit_code << " signal " << r.signal << r.err;
    // The garbage is named, never echoed: the report stays small.
    EXPECT_LT(r.out.size(), 64u * 1024) << format;
    if (std::string(format) != "json") continue;
    Json doc = Json::parse(r.out);
    for (const auto& c : doc["checks"]) {
      const std::string id = c["id"], message = c["message"];
      SCOPED_TRACE(id);
      EXPECT_FALSE(message.empty());
      EXPECT_LT(message.size(), 1500u) << message.substr(0, 300);
      EXPECT_EQ(message.find('\n'), std::string::npos);
      if (c["status"] == "warn" || c["status"] == "fail") {
        EXPECT_FALSE(c["remediation"].get<std::string>().empty());
      }
    }
    for (const char* id : {"claim.token", "claim.config", "claim.state"}) {
      int seen = 0;
      for (const auto& c : doc["checks"]) {
        if (c["id"] != id) continue;
        ++seen;
        EXPECT_EQ(c["status"], "fail") << c;
      }
      EXPECT_EQ(seen, 1) << id << " must be in the report exactly once";
    }
  }
}

}  // namespace
}  // namespace preflight::testing
