// The built binary's `probe`, `serve` and `check --only cloud.link` against the fake agent
// (a real unix socket + HTTP server serving captures) and the real Debian 1.37.1 agent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "blackbox/debian_agent.h"
#include "blackbox/http_client.h"
#include "blackbox/run_util.h"
#include "fakes/fake_agent_server.h"

namespace preflight::testing {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using Clock = std::chrono::steady_clock;

class ProbeFakeAgent : public ::testing::Test {
 protected:
  ProcessResult Probe(std::vector<std::string> extra, std::chrono::milliseconds limit = 10s) {
    std::vector<std::string> args = {"probe", "--cli-socket", agent.socket_path(), "--api",
                                     agent.api()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunPreflight(args, {}, limit);
  }
  TempDir dir;
  FakeAgentServer agent{dir.path(), "v2.x/online"};
};

// fault: agent | agent claimed but its link offline, probe --require online | exit 1, one line "not ready: running, claimed, offline"
// fault: agent | agent banned by Netdata Cloud (1.44 capture) | probe exit 1, one line naming "banned by Netdata Cloud"
// fault: agent | agent built without Netdata Cloud (1.37 capture) | probe --require claimed exit 1 "built without Netdata Cloud"
// fault: agent | agent still initializing | probe exit 1 "initializing" for --require running and online
TEST_F(ProbeFakeAgent, OneLineAndExit0Or1PerRequirement) {
  struct Case {
    const char* scenario;
    const char* require;
    int exit;
    const char* says;
  } cases[] = {
      {"v2.x/online", "running", 0, "ready: running"},
      {"v2.x/online", "online", 0, "claimed, online"},
      {"v2.x/offline", "online", 1, "not ready: running, claimed, offline"},
      {"v2.x/offline", "claimed", 0, "claimed"},
      {"v2.x/available", "claimed", 1, "not claimed"},
      {"v1.44/banned", "online", 1, "banned by Netdata Cloud"},
      {"v1.37/unsupported", "claimed", 1, "built without Netdata Cloud"},
      {"v2.x/initializing", "running", 1, "initializing"},
      {"v2.x/initializing", "online", 1, "initializing"},
  };
  for (const auto& c : cases) {
    agent.Use(c.scenario);
    auto r = Probe({"--require", c.require});
    EXPECT_EQ(r.exit_code, c.exit) << c.scenario << " " << c.require << ": " << r.out << r.err;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.scenario << ": " << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
}

// fault: agent | agent socket and API accept and never answer | probe exit 1 "not ready" within --timeout 300 ms + 200 ms
TEST_F(ProbeFakeAgent, NeverHangsBeyondTheTimeout) {
  agent.Use("hang");
  auto start = Clock::now();
  auto r = Probe({"--timeout", "300ms"});
  auto took = Clock::now() - start;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("not ready"), std::string::npos) << r.out;
  EXPECT_LT(took, 300ms + 200ms + kSanitizerSlack)
      << "probe took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
}

// fault: agent | explicit --cli-socket that does not exist | probe exit 1 naming the socket path
// fault: input | probe --require live, --timeout 0s | exit 64 naming "running, claimed or online"
// fault: input | --api `nonsense` or https:// to probe, check, serve and run (a typo that would read as "agent not running" forever) | exit 64, one line naming --api and an http:// example, nothing started
TEST_F(ProbeFakeAgent, ApiOnlyAndUsageErrors) {
  // An explicit --cli-socket is authoritative: when it is not there, the probe says so.
  auto gone = RunPreflight({"probe", "--cli-socket", dir.path() + "/none"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.out.find(dir.path() + "/none"), std::string::npos) << gone.out;
  auto bad = RunPreflight({"probe", "--require", "live"});
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_NE(bad.err.find("running, claimed or online"), std::string::npos) << bad.err;
  auto zero = RunPreflight({"probe", "--timeout", "0s"});
  EXPECT_EQ(zero.exit_code, 64);
  const std::vector<std::vector<std::string>> bad_api = {
      {"probe", "--api", "nonsense"},
      {"probe", "--api", "https://127.0.0.1:19999"},
      {"check", "--offline", "--api", "nonsense"},
      {"serve", "--api", "nonsense"},
      {"run", "--api", "nonsense", "--", "/bin/true"},
  };
  for (const auto& args : bad_api) {
    auto r = RunPreflight(args);
    EXPECT_EQ(r.exit_code, 64) << args[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("--api"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("http://127.0.0.1:19999"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "") << args[0];
  }
}

class ServeFakeAgent : public ::testing::Test {
 protected:
  void Start(const std::string& require, const std::string& scenario) {
    agent.Use(scenario);
    port = FreeLoopbackPort();
    serve = std::make_unique<Background>(
        std::vector<std::string>{BinaryPath(),   "serve",
                                 "--listen",     "127.0.0.1:" + std::to_string(port),
                                 "--interval",   "1s",
                                 "--require",    require,
                                 "--only",       "claim.token,cloud.link",
                                 "--cli-socket", agent.socket_path(),
                                 "--api",        agent.api(),
                                 "--var-lib",    dir.path(),
                                 "--config-dir", dir.path(),
                                 "--log-level",  "info"},
        dir.path() + "/serve.log");
    for (int i = 0; i < 100 && Get(port, "/healthz").status != 200; ++i) ::usleep(50 * 1000);
  }
  // Waits until `path` answers `status` (the first probe and check run take a moment).
  HttpAnswer WaitFor(const std::string& path, int status) {
    HttpAnswer a;
    for (int i = 0; i < 100; ++i) {
      a = Get(port, path);
      if (a.status == status) break;
      ::usleep(100 * 1000);
    }
    return a;
  }
  std::string Log() const {
    std::ifstream in(dir.path() + "/serve.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  TempDir dir;
  FakeAgentServer agent{dir.path(), "v2.x/online"};
  uint16_t port = 0;
  std::unique_ptr<Background> serve;
};

// fault: serve | agent link offline under serve --require online | /readyz 503 naming offline and "required: online"; metrics show cloud.link fail, link_state offline; 200 once online
TEST_F(ServeFakeAgent, EndpointsReadinessReportAndMetrics) {
  Start("online", "v2.x/offline");
  ASSERT_EQ(Get(port, "/healthz").status, 200) << Log();
  auto not_ready = WaitFor("/readyz", 503);
  EXPECT_NE(not_ready.body.find("offline"), std::string::npos) << not_ready.body;
  EXPECT_NE(not_ready.body.find("required: online"), std::string::npos) << not_ready.body;
  auto report = WaitFor("/report", 200);
  ASSERT_EQ(report.status, 200) << Log();
  auto doc = nlohmann::json::parse(report.body, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << report.body;
  EXPECT_EQ(doc["schema"], 1);
  bool saw_link = false;
  for (const auto& c : doc["checks"]) saw_link = saw_link || c["id"] == "cloud.link";
  EXPECT_TRUE(saw_link) << report.body;
  auto metrics = Get(port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  std::string file = dir.Write("metrics.txt", metrics.body);
  auto parsed = RunProcess(
      {"/usr/bin/python3", "-c",
       "import sys\nfrom prometheus_client.parser import text_string_to_metric_families\n"
       "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
       "  for s in f.samples: print(s.name, dict(sorted(s.labels.items())), s.value)\n",
       file});
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err << metrics.body;
  EXPECT_NE(
      parsed.out.find("netdata_preflight_check_status {'id': 'cloud.link', 'status': 'fail'} 1.0"),
      std::string::npos)
      << parsed.out;
  EXPECT_NE(parsed.out.find("netdata_preflight_link_state {'state': 'offline'} 1.0"),
            std::string::npos)
      << parsed.out;
  EXPECT_NE(parsed.out.find("netdata_preflight_build_info"), std::string::npos);
  EXPECT_NE(parsed.out.find("netdata_preflight_last_check_duration_seconds"), std::string::npos);
  EXPECT_EQ(Get(port, "/nope").status, 404);

  agent.Use("v2.x/online");  // the next agent probe (every 5 s) sees it online
  auto ready = WaitFor("/readyz", 200);
  EXPECT_EQ(ready.status, 200) << ready.body;
  auto online = Get(port, "/metrics");
  EXPECT_NE(online.body.find("netdata_preflight_link_seconds_since_online 0"), std::string::npos)
      << online.body;
}

// fault: serve | slowloris client sending one byte a second | /readyz still answers 200 in < 1 s each second
// fault: serve | 300 idle connections held open | /readyz and /healthz still answer 200
// fault: serve | request with a 1 MiB header | not served (no 200); the server stays up
TEST_F(ServeFakeAgent, HostileClientsDoNotStallIt) {
  Start("running", "v2.x/online");
  ASSERT_EQ(WaitFor("/readyz", 200).status, 200) << Log();
  // 1. A client that sends one byte per second.
  int slow = ConnectLoopback(port);
  ASSERT_GE(slow, 0);
  // 2. Many idle connections.
  std::vector<int> idle;
  for (int i = 0; i < 300; ++i) {
    int fd = ConnectLoopback(port);
    if (fd >= 0) idle.push_back(fd);
  }
  EXPECT_EQ(idle.size(), 300u);
  // 3. A 1 MiB header, sent from this process while the others hang on.
  std::string huge =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n";
  auto big = RawRequest(port, huge, 3s);
  EXPECT_NE(big.status, 200) << "a 1 MiB header was served";
  const char* slowloris = "GET /healthz HTTP/1.1\r\n";
  for (int second = 0; second < 4; ++second) {
    ::send(slow, slowloris + second, 1, MSG_NOSIGNAL);
    auto start = Clock::now();
    auto a = Get(port, "/readyz", 2s);
    EXPECT_EQ(a.status, 200) << "request during the slow client, second " << second;
    EXPECT_LT(Clock::now() - start, 1s);
    ::usleep(1000 * 1000);
  }
  for (int fd : idle) ::close(fd);
  ::close(slow);
  EXPECT_EQ(Get(port, "/healthz").status, 200);
}

// fault: serve | malformed request lines: TLS bytes, no HTTP version, HTTP/9.9, an empty line, a NUL in the URI, a 9 000-byte URI | 400 for each; /healthz still 200 in < 500 ms after each
// fault: serve | unknown method `BREW` | 501 Not Implemented (RFC 9110's answer), not served
// fault: serve | a NUL byte inside a header value | served correctly (200), the server stays up
// fault: serve | 50 requests pipelined on one connection | 50 answers on that one connection, all 200; /healthz fast afterwards
TEST_F(ServeFakeAgent, MalformedAndPipelinedRequestsAre4xxOrServed) {
  Start("running", "v2.x/online");
  ASSERT_EQ(Get(port, "/healthz").status, 200) << Log();
  struct Case {
    const char* name;
    std::string request;
    int status;
  };
  const std::string close = "Host: x\r\nConnection: close\r\n\r\n";
  const Case cases[] = {
      {"TLS ClientHello bytes",
       std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(50, 'A') +
           "\r\n\r\n",
       400},
      {"no HTTP version", "GET /healthz\r\n\r\n", 400},
      {"HTTP/9.9", "GET /healthz HTTP/9.9\r\n" + close, 400},
      {"empty request line", "\r\n\r\n", 400},
      {"NUL in the URI", "GET /heal\0thz HTTP/1.1\r\n"s + close, 400},
      {"9000-byte URI", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n" + close, 400},
      {"unknown method", "BREW /healthz HTTP/1.1\r\n" + close, 501},
      {"NUL in a header", "GET /healthz HTTP/1.1\r\nX-A: a\0b\r\n"s + close, 200},
  };
  for (const auto& c : cases) {
    auto a = RawRequest(port, c.request, 2s);
    EXPECT_EQ(a.status, c.status) << c.name << ": " << a.raw.substr(0, 200);
    auto start = Clock::now();
    EXPECT_EQ(Get(port, "/healthz").status, 200) << "after " << c.name;
    EXPECT_LT(Clock::now() - start, 500ms) << "after " << c.name;
  }
  std::string pipelined;
  for (int i = 0; i < 49; ++i) pipelined += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  pipelined += "GET /healthz HTTP/1.1\r\n" + close;
  auto all = RawRequest(port, pipelined, 3s);
  size_t answers = 0, oks = 0;
  for (size_t at = all.raw.find("HTTP/1.1 "); at != std::string::npos;
       at = all.raw.find("HTTP/1.1 ", at + 1)) {
    ++answers;
    oks += all.raw.compare(at, 12, "HTTP/1.1 200") == 0;
  }
  EXPECT_EQ(answers, 50u) << all.raw.substr(0, 300);
  EXPECT_EQ(oks, 50u);
  auto start = Clock::now();
  EXPECT_EQ(Get(port, "/healthz").status, 200);
  EXPECT_LT(Clock::now() - start, 500ms);
}

// fault: signals | SIGTERM or SIGINT to `serve` | exits 0 within 3 s and the port closes
TEST_F(ServeFakeAgent, SigtermAndSigintStopItCleanly) {
  for (int sig : {SIGTERM, SIGINT}) {
    Start("running", "v2.x/online");
    ASSERT_EQ(Get(port, "/healthz").status, 200) << Log();
    int status = serve->StopWith(sig, 3s);
    ASSERT_NE(status, -1) << "serve did not stop on signal " << sig;
    EXPECT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(Get(port, "/healthz", 500ms).status, 0);
  }
}

// fault: input | serve --listen nowhere, --interval 0s | exit 64 naming --listen
TEST(ServeUsage, BadListenAndInterval) {
  auto listen = RunPreflight({"serve", "--listen", "nowhere"});
  EXPECT_EQ(listen.exit_code, 64);
  EXPECT_NE(listen.err.find("--listen"), std::string::npos) << listen.err;
  auto interval = RunPreflight({"serve", "--interval", "0s"});
  EXPECT_EQ(interval.exit_code, 64);
}

// The real Debian netdata-core 1.37.1, started from the unpacked package.
class DebianAgent1371 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!DebianAgent::Available() || !IsRoot()) return;
    agent_ = new DebianAgent();
    ready_ = agent_->WaitReady();
    if (!ready_) start_log_ = agent_->Log();
  }
  static void TearDownTestSuite() {
    delete agent_;
    agent_ = nullptr;
  }
  void SetUp() override {
    if (!DebianAgent::Available()) GTEST_SKIP() << "no unpacked agent at " << DebianAgent::Binary();
    if (!IsRoot()) GTEST_SKIP() << "needs root for its private mount namespace (/tmp/netdata-ipc)";
    // A failure in SetUpTestSuite reads as "skipped" to ctest: fail each test loudly instead.
    if (!ready_) FAIL() << "the Debian agent did not come up:\n" << start_log_;
  }
  static DebianAgent* agent_;
  static bool ready_;
  static std::string start_log_;
};
DebianAgent* DebianAgent1371::agent_ = nullptr;
bool DebianAgent1371::ready_ = false;
std::string DebianAgent1371::start_log_;

// fault: agent | real Debian 1.37.1 agent (built --disable-cloud), probe --require claimed/online | exit 1 "not claimed: built without Netdata Cloud", naming the GET of /api/v1/aclk
TEST_F(DebianAgent1371, ProbeSaysRunningOverTheSocketAndTheApi) {
  auto sock = RunPreflight({"probe", "--cli-socket", agent_->socket()});
  EXPECT_EQ(sock.exit_code, 0) << sock.out << sock.err;
  EXPECT_NE(sock.out.find("ready: running (socket " + agent_->socket()), std::string::npos)
      << sock.out;
  auto claimed = RunPreflight({"probe", "--require", "claimed", "--cli-socket", agent_->socket()});
  EXPECT_EQ(claimed.exit_code, 1);
  EXPECT_NE(claimed.out.find("not claimed: built without Netdata Cloud"), std::string::npos)
      << claimed.out;
  auto api = RunPreflight(
      {"probe", "--require", "online", "--cli-socket", "none", "--api", agent_->api()});
  EXPECT_EQ(api.exit_code, 1);
  EXPECT_NE(api.out.find("built without Netdata Cloud"), std::string::npos) << api.out;
  EXPECT_NE(api.out.find("GET " + agent_->api() + "/api/v1/aclk"), std::string::npos) << api.out;
}

// fault: agent | real Debian 1.37.1 agent (built --disable-cloud) | cloud.link fail "built without Netdata Cloud" with a claim token set, expected node state absent; without claiming configured a warn "… so it monitors locally"
TEST_F(DebianAgent1371, CloudLinkSaysUnclaimedAndBuiltWithoutCloud) {
  auto link_of = [&](const std::map<std::string, std::string>& env) {
    auto r = RunPreflight({"check", "--only", "cloud.link", "--format", "json", "--cli-socket",
                           agent_->socket(), "--api", agent_->api()},
                          env);
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(doc.is_object() && doc["checks"].size() == 1u) << r.out << r.err;
    return doc.is_object() ? doc : nlohmann::json::object();
  };
  auto wanted = link_of({{"NETDATA_CLAIM_TOKEN", std::string(135, 'c')}});
  const auto& link = wanted["checks"][0];
  EXPECT_EQ(link["status"], "fail") << link.dump();
  EXPECT_NE(link["message"].get<std::string>().find("built without Netdata Cloud"),
            std::string::npos);
  EXPECT_EQ(link["details"]["running"], true);
  EXPECT_EQ(link["details"]["claimed"], false);
  EXPECT_EQ(link["details"]["available"], false);
  EXPECT_EQ(wanted["verdict"]["expected_node_state"], "absent");

  // Nobody asked this agent for Cloud: it is said, and nothing fails.
  auto local = link_of({});
  EXPECT_EQ(local["checks"][0]["status"], "warn") << local.dump();
  EXPECT_NE(local["checks"][0]["message"].get<std::string>().find("so it monitors locally"),
            std::string::npos);
}

}  // namespace
}  // namespace preflight::testing
