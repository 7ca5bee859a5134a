// Black-box: `list`, `explain`, options from PREFLIGHT_<NAME>, and colour only on a terminal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

using Json = nlohmann::json;

TEST(CliContract, ListShowsEveryCheckInOrderAndSaysWhichAreNotImplemented) {
  auto json = RunPreflight({"list", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json list = Json::parse(json.out);
  ASSERT_EQ(list.size(), 15u);
  auto text = RunPreflight({"list"});
  ASSERT_EQ(text.exit_code, 0);
  size_t pos = 0;
  for (const auto& c : list) {
    const std::string id = c["id"];
    auto at = text.out.find(id + " ", pos);
    ASSERT_NE(at, std::string::npos) << id << " missing or out of order:\n" << text.out;
    auto eol = text.out.find('\n', at);
    const std::string line = text.out.substr(at, eol - at);
    EXPECT_EQ(line.find("(not implemented yet)") != std::string::npos,
              !c["implemented"].get<bool>())
        << line;
    pos = eol;
  }
  for (const char* id :
       {"claim.token", "claim.config", "claim.script", "claim.state", "agent.version"}) {
    int seen = 0;
    for (const auto& c : list) {
      if (c["id"] != id) continue;
      ++seen;
      EXPECT_TRUE(c["implemented"].get<bool>()) << id;
    }
    EXPECT_EQ(seen, 1) << id << " must be listed exactly once";
  }
  EXPECT_EQ(RunPreflight({"list", "--format", "yaml"}).exit_code, 64);
  auto md = RunPreflight({"list"}, {{"PREFLIGHT_FORMAT", "markdown"}});
  EXPECT_EQ(md.out.rfind("# Checks", 0), 0u) << "PREFLIGHT_FORMAT reaches list too";
}

// fault: input | misspelled check id to `explain` (state, claim.tokn, agent.versoin, CLAIM.TOKEN) | exit 64 with "did you mean `<id>`?", nothing on stdout; no suggestion for a far-off name
TEST(CliContract, ExplainNamesWhatAndWhereAndSuggestsOnATypo) {
  auto r = RunPreflight({"explain", "claim.state"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("claim.state — ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("DOCKER_USR"), std::string::npos);
  EXPECT_NE(r.out.find("guide section: troubleshoot-agent-cloud-connectivity#"
                       "the-claiming-process-was-unsuccessful"),
            std::string::npos);
  for (const auto& [typo, meant] :
       std::vector<std::pair<std::string, std::string>>{{"state", "claim.state"},
                                                        {"claim.tokn", "claim.token"},
                                                        {"agent.versoin", "agent.version"},
                                                        {"CLAIM.TOKEN", "claim.token"}}) {
    auto bad = RunPreflight({"explain", typo});
    SCOPED_TRACE(typo);
    EXPECT_EQ(bad.exit_code, 64);
    EXPECT_NE(bad.err.find("did you mean `" + meant + "`?"), std::string::npos) << bad.err;
    EXPECT_TRUE(bad.out.empty());
  }
  auto far = RunPreflight({"explain", "frobnicate-everything"});
  EXPECT_EQ(far.exit_code, 64);
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
  EXPECT_EQ(RunPreflight({"explain"}).exit_code, 64) << "the id is required";
}

// fault: input | PREFLIGHT_FAIL_ON=sometimes in the environment | exit 64 naming --fail-on
TEST(CliContract, EveryCheckOptionAlsoFromTheEnvironment) {
  TempDir d;
  const std::string var_lib = d.Mkdir("var/lib/netdata");
  const std::string conf = d.Mkdir("etc/netdata");
  const std::map<std::string, std::string> base = {
      {"PREFLIGHT_VAR_LIB", var_lib},    {"PREFLIGHT_CONFIG_DIR", conf},
      {"PREFLIGHT_CACHE_DIR", d.path()}, {"PREFLIGHT_AGENT", d.path() + "/none"},
      {"PREFLIGHT_FORMAT", "json"},      {"PREFLIGHT_OFFLINE", "true"},
      {"NETDATA_CLAIM_TOKEN", "<TOKEN>"}};
  auto r = RunPreflight({"check"}, base);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  Json doc = Json::parse(r.out);
  int network = 0, agent = 0;
  for (const auto& c : doc["checks"]) {
    if (c["id"].get<std::string>().rfind("network.", 0) == 0) {
      ++network;
      EXPECT_EQ(c["status"], "skip") << "PREFLIGHT_OFFLINE";
    }
    if (c["id"] == "agent.version") {
      ++agent;
      EXPECT_NE(c["message"].get<std::string>().find(d.path() + "/none"), std::string::npos)
          << "PREFLIGHT_AGENT";
    }
  }
  EXPECT_GE(network, 1) << "the network checks are reported (skipped), not left out";
  EXPECT_EQ(agent, 1);
  auto only = base;
  only["PREFLIGHT_ONLY"] = "claim.token";
  only["PREFLIGHT_FAIL_ON"] = "never";
  r = RunPreflight({"check"}, only);
  EXPECT_EQ(r.exit_code, 0) << "PREFLIGHT_FAIL_ON=never";
  doc = Json::parse(r.out);
  ASSERT_EQ(doc["checks"].size(), 1u);
  EXPECT_EQ(doc["checks"][0]["status"], "fail");
  auto skip = base;
  skip["PREFLIGHT_SKIP"] = "claim.token";
  EXPECT_EQ(RunPreflight({"check"}, skip).out.find("\"claim.token\""), std::string::npos);
  // The flag wins over the environment.
  r = RunPreflight({"check", "--only", "claim.config"}, only);
  EXPECT_EQ(Json::parse(r.out)["checks"][0]["id"], "claim.config");
  // A bad value from the environment is a usage error naming the option.
  auto bad = base;
  bad["PREFLIGHT_FAIL_ON"] = "sometimes";
  r = RunPreflight({"check"}, bad);
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_NE(r.err.find("--fail-on"), std::string::npos) << r.err;
}

/// Runs the binary with stdout and stderr on a new pseudo-terminal; returns what it printed.
std::string RunOnTerminal(const std::vector<std::string>& args,
                          const std::vector<std::string>& env) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return "<no pty>";
  std::string slave_name = ptsname(master);
  std::vector<std::string> argv = {BinaryPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> env_copy = env;
  env_copy.push_back("PATH=/usr/bin:/bin");
  for (auto& e : env_copy) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    int slave = open(slave_name.c_str(), O_RDWR);
    if (slave < 0) _exit(127);
    dup2(slave, 1);
    dup2(slave, 2);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    execve(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 20000) <= 0) break;
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has closed the slave
    out.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  return out;
}

TEST(CliContract, ColourOnlyOnATerminalAndNeverWithNoColor) {
  TempDir d;
  const std::vector<std::string> args = {
      "check",  "--offline",    "--only", "claim.token", "--var-lib",
      d.path(), "--config-dir", d.path(), "--agent",     d.path() + "/none"};
  const std::string tty = RunOnTerminal(args, {"NETDATA_CLAIM_TOKEN=<TOKEN>"});
  if (tty == "<no pty>")
    GTEST_SKIP() << "this kernel/container offers no pseudo-terminal (/dev/ptmx)";
  EXPECT_NE(tty.find("claim.token"), std::string::npos) << tty;
  EXPECT_NE(tty.find("\033[31m"), std::string::npos) << "a failure is red on a terminal:\n" << tty;
  const std::string no_color = RunOnTerminal(args, {"NETDATA_CLAIM_TOKEN=<TOKEN>", "NO_COLOR=1"});
  EXPECT_NE(no_color.find("claim.token"), std::string::npos) << no_color;
  EXPECT_EQ(no_color.find("\033["), std::string::npos) << no_color;
  auto piped = RunPreflight(args, {{"NETDATA_CLAIM_TOKEN", "<TOKEN>"}});
  EXPECT_NE(piped.out.find("claim.token"), std::string::npos);
  EXPECT_EQ(piped.out.find("\033["), std::string::npos) << "a pipe gets plain text";
  const std::string json =
      RunOnTerminal({"check", "--offline", "--format", "json", "--var-lib", d.path(),
                     "--config-dir", d.path(), "--agent", d.path() + "/none"},
                    {});
  EXPECT_EQ(json.find("\033["), std::string::npos) << "JSON is never coloured";
}

}  // namespace
}  // namespace preflight::testing
