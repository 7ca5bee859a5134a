// The built binary's `probe` and `check --only cloud.link` against a broken agent
// (tests/fixtures/hostile_agent.py: a real netdatacli unix socket and a real HTTP API that
// answer garbage, cut-off JSON, 10 MiB, nothing, or close at once). Each fault gives its own
// one-line finding and exit code, within --timeout / the agent budget, never a crash or hang.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "blackbox/network_lab.h"

namespace preflight::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string kFixture = std::string(PREFLIGHT_SOURCE_DIR) + "/tests/fixtures/hostile_agent.py";

class HostileAgent : public ::testing::Test {
 protected:
  /// Starts the broken agent with `fault`; socket at dir/<fault>.sock, API on the port it wrote.
  void Start(const std::string& fault) {
    socket = dir.path() + "/" + fault + ".sock";
    const std::string ready = dir.path() + "/" + fault + ".ready";
    agent = std::make_unique<Background>(std::vector<std::string>{
        "python3", kFixture, "--fault", fault, "--socket", socket, "--ready-file", ready});
    ASSERT_TRUE(WaitFor([&] { return FileExists(ready); }, milliseconds(15000))) << fault;
    std::ifstream in(ready);
    std::string port;
    in >> port;
    api = "http://127.0.0.1:" + port;
  }

  struct Outcome {
    ProcessResult r;
    double ms = 0;
    std::string text() const { return r.out + r.err; }
  };
  Outcome Timed(const std::vector<std::string>& args) {
    auto start = Clock::now();
    Outcome o;
    o.r = RunPreflight(args, {}, std::chrono::seconds(20));
    o.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return o;
  }
  Outcome ProbeSocket() {
    return Timed({"probe", "--cli-socket", socket, "--api", api, "--timeout", "1s"});
  }
  Outcome ProbeApi() {
    return Timed(
        {"probe", "--require", "online", "--cli-socket", "none", "--api", api, "--timeout", "1s"});
  }
  /// cloud.link over the socket (or the API with `cli` = "none"); the report's only check.
  nlohmann::json Link(const std::string& cli, Outcome* out, const std::string& fail_on = "fail") {
    *out = Timed({"check", "--only", "cloud.link", "--format", "json", "--cli-socket", cli, "--api",
                  api, "--var-lib", dir.path(), "--cache-dir", dir.path(), "--fail-on", fail_on,
                  "--deadline", "1500ms"});
    auto doc = nlohmann::json::parse(out->r.out, nullptr, false);
    EXPECT_TRUE(doc.is_object()) << out->text();
    if (!doc.is_object() || doc["checks"].size() != 1) return nlohmann::json::object();
    return doc["checks"][0];
  }
  static std::string Message(const nlohmann::json& c) { return c.value("message", ""); }

  TempDir dir;
  std::unique_ptr<Background> agent;
  std::string socket;
  std::string api;
};

// fault: agent | netdatacli socket answers "pong" without the X<status>\0 prefix; the API answers an SSH banner | probe exit 1 "agent answer not understood" naming 'X<status>' / "not an HTTP/1.x response (it starts with `SSH-2.0-OpenSSH_9.2p1`)"; cloud.link error "cannot read the agent's link state" (exit 1: `check` counts an error as a failure)
TEST_F(HostileAgent, ReplyWithoutTheProtocolIsNotUnderstoodNotNotRunning) {
  Start("noprefix");
  auto sock = ProbeSocket();
  EXPECT_EQ(sock.r.exit_code, 1) << sock.text();
  EXPECT_NE(sock.r.out.find("not ready: agent answer not understood"), std::string::npos)
      << sock.text();
  EXPECT_NE(sock.r.out.find("does not start with 'X<status>'"), std::string::npos) << sock.text();
  auto http = ProbeApi();
  EXPECT_EQ(http.r.exit_code, 1) << http.text();
  EXPECT_NE(http.r.out.find("not an HTTP/1.x response (it starts with `SSH-2.0-OpenSSH_9.2p1"),
            std::string::npos)
      << http.text();
  Outcome o;
  auto link = Link(socket, &o);
  EXPECT_EQ(link.value("status", ""), "error") << o.text();
  EXPECT_NE(Message(link).find("cannot read the agent's link state"), std::string::npos);
  EXPECT_EQ(o.r.exit_code, 1) << "an agent that could not be read is not a success";
  auto strict = Link("none", &o, "warn");
  EXPECT_EQ(strict.value("status", ""), "error") << o.text();
  EXPECT_NE(Message(strict).find("not an HTTP/1.x response"), std::string::npos) << o.text();
  EXPECT_EQ(o.r.exit_code, 1);
}

// fault: agent | agent reply cut in the middle of the JSON (socket and API) | probe --require online exit 1 "HTTP body is shorter than its Content-Length (55 of 400 bytes)"; cloud.link error "not `aclk-state` output" / the same cut-off message
TEST_F(HostileAgent, ReplyCutMidJsonIsNamedCutOff) {
  Start("truncated");
  auto http = ProbeApi();
  EXPECT_EQ(http.r.exit_code, 1) << http.text();
  EXPECT_NE(
      http.r.out.find("shorter than its Content-Length (55 of 400 bytes): the answer was cut"),
      std::string::npos)
      << http.text();
  Outcome o;
  auto sock = Link(socket, &o);
  EXPECT_EQ(sock.value("status", ""), "error") << o.text();
  EXPECT_NE(Message(sock).find("not `aclk-state` output"), std::string::npos) << o.text();
  auto api_link = Link("none", &o);
  EXPECT_EQ(api_link.value("status", ""), "error") << o.text();
  EXPECT_NE(Message(api_link).find("(55 of 400 bytes)"), std::string::npos) << o.text();
}

// fault: agent | agent answers 10 MiB on the socket and on the API | probe exit 1 "answer larger than 1048576 / 4194304 bytes" in < 3 s; cloud.link error naming the size cap; no crash
TEST_F(HostileAgent, TenMebibyteReplyIsCappedNotRead) {
  Start("huge");
  auto sock = ProbeSocket();
  EXPECT_EQ(sock.r.exit_code, 1) << sock.text();
  EXPECT_NE(sock.r.out.find("agent answer not understood: read `" + socket +
                            "`: answer larger than 1048576 bytes"),
            std::string::npos)
      << sock.text();
  EXPECT_LT(sock.ms, 3000);
  auto http = ProbeApi();
  EXPECT_EQ(http.r.exit_code, 1) << http.text();
  EXPECT_NE(http.r.out.find("answer larger than 4194304 bytes"), std::string::npos) << http.text();
  Outcome o;
  auto link = Link(socket, &o);
  EXPECT_EQ(link.value("status", ""), "error") << o.text();
  EXPECT_NE(Message(link).find("answer larger than"), std::string::npos) << o.text();
  EXPECT_EQ(o.r.signal, 0);
}

// fault: agent | agent accepts on the socket and the API and never answers, seen by `check` | cloud.link warn "did not answer in time … may be hung or overloaded" (not "not running"), within --deadline 1.5 s + 200 ms; probe "agent not answering" within --timeout 1 s + 200 ms
TEST_F(HostileAgent, SilentAgentIsNotAnsweringNotNotRunning) {
  Start("silent");
  auto sock = ProbeSocket();
  EXPECT_EQ(sock.r.exit_code, 1) << sock.text();
  EXPECT_NE(sock.r.out.find("not ready: agent not answering: read `" + socket +
                            "`: no answer before the timeout"),
            std::string::npos)
      << sock.text();
  EXPECT_LE(sock.ms, 1000 + 200 + kSanitizerSlack.count());
  for (const std::string& cli : {socket, std::string("none")}) {
    Outcome o;
    auto link = Link(cli, &o);
    EXPECT_EQ(link.value("status", ""), "warn") << o.text();
    EXPECT_NE(Message(link).find("did not answer in time"), std::string::npos) << o.text();
    EXPECT_EQ(Message(link).find("not running"), std::string::npos) << o.text();
    EXPECT_NE(link.value("remediation", "").find("restart the agent"), std::string::npos);
    EXPECT_EQ(o.r.exit_code, 0);
    EXPECT_LE(o.ms, 1500 + 200 + kSanitizerSlack.count()) << "--deadline 1500ms: " << o.text();
  }
}

// fault: agent | agent accepts and closes at once (socket and API) | probe exit 1 "agent closed the connection without answering" (socket) / "connection closed without an answer" (API); cloud.link error naming it
TEST_F(HostileAgent, ImmediateCloseIsNamed) {
  Start("close");
  auto sock = ProbeSocket();
  EXPECT_EQ(sock.r.exit_code, 1) << sock.text();
  EXPECT_NE(sock.r.out.find("agent closed the connection without answering"), std::string::npos)
      << sock.text();
  auto http = ProbeApi();
  EXPECT_EQ(http.r.exit_code, 1) << http.text();
  EXPECT_TRUE(http.r.out.find("closed without an answer") != std::string::npos ||
              http.r.out.find("reset by peer") != std::string::npos)
      << http.text();
  Outcome o;
  auto link = Link("none", &o);
  EXPECT_EQ(link.value("status", ""), "error") << o.text();
  EXPECT_NE(Message(link).find("cannot read the agent's link state"), std::string::npos);
}

}  // namespace
}  // namespace preflight::testing
