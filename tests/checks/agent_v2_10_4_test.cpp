// The real answers of a Netdata v2.10.4 agent built with Cloud, in 8 states
// (tests/testdata/netdata-v2.10.4, see its README): each state's socket, HTTP and status-file
// answers go through the parsers cloud.link's client uses, then cloud.link and the verdict
// judge them as this agent version. The assertions are what a user would read.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "checks/verdict.h"
#include "container/agent/agent_parse.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using testing::FakeSystem;

const std::string kToken(135, 't');

std::string Read(const std::string& state, const std::string& file) {
  std::ifstream in(std::string(PREFLIGHT_TESTDATA_DIR) + "/netdata-v2.10.4/" + state + "/" + file);
  EXPECT_TRUE(in.good()) << state << "/" << file;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// netdatacli output as captured: the answer, then "[exit N]".
std::string CliAnswer(const std::string& text) { return text.substr(0, text.rfind("[exit")); }

// curl -i output: headers, a blank line, the body.
std::string HttpBody(const std::string& text) {
  auto at = text.find("\r\n\r\n");
  if (at != std::string::npos) return text.substr(at + 4);
  at = text.find("\n\n");
  return at == std::string::npos ? text : text.substr(at + 2);
}

// "== /var/lib/netdata/status-netdata.json" then the file.
std::string StatusFileText(const std::string& text) { return text.substr(text.find('\n') + 1); }

/// Loads a running state's answers into the fake agent, as the real client would return them.
void LoadRunning(FakeSystem& sys, const std::string& state) {
  auto aclk =
      container::ParseAclkStateJson(CliAnswer(Read(state, "netdatacli_aclk-state_json.txt")));
  ASSERT_TRUE(aclk.ok()) << state << ": " << aclk.error().message;
  aclk->source = "netdatacli aclk-state json";
  sys.agent.Running(*aclk);
  auto cloud = container::ParseCloudStatus(HttpBody(Read(state, "curl_api_v3_info.txt")));
  ASSERT_TRUE(cloud.ok()) << state << ": " << cloud.error().message;
  cloud->source = "GET http://127.0.0.1:19999/api/v3/info";  // as the real client names it
  sys.agent.cloud = *cloud;
}

struct Seen {
  Result link;
  Verdict verdict;
};

/// cloud.link as v2.10.4, then the verdict of a report holding it.
Seen Judge(FakeSystem& sys) {
  Inputs inputs;
  Seen seen;
  seen.link = RunWithVersion(kCloudLink, sys, "v2.10.4", inputs);
  Report report;
  CheckRun run;
  run.def = FindCheck("cloud.link");
  run.result = seen.link;
  report.checks.push_back(run);
  seen.verdict = Decide(report);
  return seen;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// fault: cloud | real v2.10.4, no claim configured (A_unclaimed) | cloud.link pass "claiming is not configured"; verdict node absent even with only cloud.link selected
TEST(AgentV2104, UnclaimedIsAbsentWhateverTheSelection) {
  FakeSystem sys;
  LoadRunning(sys, "A_unclaimed");
  auto cloud = *sys.agent.cloud;
  EXPECT_EQ(cloud.status, "available");
  EXPECT_EQ(cloud.reason, "Agent is not claimed yet");
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kPass) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "claiming is not configured")) << Describe(s.link);
  EXPECT_EQ(s.verdict.expected_node_state, "absent") << s.verdict.summary;
  EXPECT_TRUE(Has(s.verdict.summary, "not in Netdata Cloud")) << s.verdict.summary;
}

// fault: cloud | real v2.10.4 claiming at start against a black hole (B0) | aclk-state "Agent is initializing": cloud.link warn "still initializing", names the claim at start; never "hung", never certain
TEST(AgentV2104, InitializingWhileClaimingIsSaid) {
  FakeSystem sys;
  sys.env["NETDATA_CLAIM_TOKEN"] = kToken;
  // The captured socket answer at +4 s and +23 s.
  const std::string truth = Read("B0_initializing_claim_blackhole", "truth.txt");
  ASSERT_TRUE(Has(truth, "Agent is initializing"));
  auto aclk = container::ParseAclkStateText("Agent is initializing\n");
  ASSERT_TRUE(aclk.ok());
  EXPECT_TRUE(aclk->initializing);
  sys.agent.Running(*aclk);
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kWarn) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "\"Agent is initializing\"")) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "claims at start")) << Describe(s.link);
  EXPECT_FALSE(s.link.certain);

  // API only (no socket shared): HTTP accepted and not answered for ~30 s, `ping` answers pong.
  sys.agent.aclk = Error{ETIMEDOUT, "GET /api/v1/aclk: no answer within 3000 ms"};
  s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kWarn) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "still initializing")) << Describe(s.link);
  EXPECT_FALSE(Has(s.link.message, "hung")) << Describe(s.link);
  EXPECT_FALSE(s.link.certain);
}

// fault: cloud | HTTP timeout with no claim to make and no pong | cloud.link warn "may be hung" (the other side of the initializing condition)
TEST(AgentV2104, SilentAgentWithoutAClaimToMakeMayBeHung) {
  FakeSystem sys;
  sys.agent.aclk = Error{ETIMEDOUT, "GET /api/v1/aclk: no answer within 3000 ms"};
  sys.agent.ping = Error{ETIMEDOUT, "GET /api/v1/info: no answer"};
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kWarn) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "hung")) << Describe(s.link);
}

// fault: claiming | real v2.10.4 claim timed out (B1) | cloud.link fail quoting "CLAIM: Request failed with error: Timeout was reached", pointing at network.https; node absent; not certain
TEST(AgentV2104, ClaimTimeoutPointsAtTheNetwork) {
  FakeSystem sys;
  sys.env["NETDATA_CLAIM_TOKEN"] = kToken;
  LoadRunning(sys, "B1_claim_failed_timeout");
  ASSERT_TRUE(Has(Read("B1_claim_failed_timeout", "daemon_log_claim_aclk.txt"),
                  "CLAIM: Request failed with error: Timeout was reached"));
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kFail) << Describe(s.link);
  EXPECT_FALSE(s.link.certain);
  EXPECT_TRUE(Has(s.link.message, "CLAIM: Request failed with error: Timeout was reached"))
      << Describe(s.link);
  EXPECT_FALSE(Has(s.link.message, "proxy: 'env'")) << "only the first line of the reason";
  EXPECT_TRUE(Has(s.link.remediation, "See network.https")) << Describe(s.link);
  EXPECT_FALSE(Has(s.link.remediation, "Fix the claim")) << Describe(s.link);
  EXPECT_EQ(s.link.details["explained_by"], "network.https");
  EXPECT_EQ(s.verdict.expected_node_state, "absent");
}

// fault: claiming | real v2.10.4 claim TLS verification failed (B2a, -insecure ignored) | cloud.link fail quoting "SSL peer certificate or SSH remote key was not OK", pointing at network.tls
TEST(AgentV2104, ClaimTlsFailurePointsAtNetworkTls) {
  FakeSystem sys;
  sys.env["NETDATA_CLAIM_TOKEN"] = kToken;
  sys.env["NETDATA_EXTRA_CLAIM_OPTS"] = "-insecure";
  LoadRunning(sys, "B2a_claim_failed_tls_verify");
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kFail) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "SSL peer certificate or SSH remote key was not OK"));
  EXPECT_TRUE(Has(s.link.remediation, "See network.tls")) << Describe(s.link);
  EXPECT_EQ(s.verdict.expected_node_state, "absent");
  // The agent logged `insecure: false`: claim.config says -insecure is ignored by v2.10.4.
  ASSERT_TRUE(
      Has(Read("B2a_claim_failed_tls_verify", "daemon_log_claim_aclk.txt"), "insecure: false"));
  Result config = RunWithVersion(kClaimConfig, sys, "v2.10.4");
  EXPECT_TRUE(Has(config.message, "does not turn certificate checks off")) << Describe(config);
}

// fault: claiming | real v2.10.4 claim answered 403 (B2b) | cloud.link fail "token is expired, not found, or invalid", remediation "The Cloud refused the claim token"
TEST(AgentV2104, ClaimRefusedByTheCloudIsAboutTheToken) {
  FakeSystem sys;
  sys.env["NETDATA_CLAIM_TOKEN"] = kToken;
  LoadRunning(sys, "B2b_claim_failed_403");
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kFail) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "Failed: token is expired, not found, or invalid"));
  EXPECT_TRUE(Has(s.link.remediation, "The Cloud refused the claim token")) << Describe(s.link);
  EXPECT_EQ(s.verdict.expected_node_state, "absent");
}

// fault: cloud | real v2.10.4 claimed, /api/v1/env 404 (B3) | cloud.link fail "https client read error" pointing at network.https; flags the non-default Cloud URL https://127.0.0.1:8443; node unseen
TEST(AgentV2104, ClaimedOfflineFlagsANonDefaultCloudUrl) {
  FakeSystem sys;
  LoadRunning(sys, "B3_claimed_offline_env404");
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kFail) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "https client read error")) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "https://127.0.0.1:8443, not the default")) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.remediation, "See network.https")) << Describe(s.link);
  EXPECT_EQ(s.verdict.expected_node_state, "unseen");
}

// fault: cloud | real v2.10.4 claimed by hand, Cloud URL port 9 refused (B4) | cloud.link fail "connection refused": advice names TCP port 9, not 443
TEST(AgentV2104, ConnectionRefusedAdviceNamesTheRealPort) {
  FakeSystem sys;
  LoadRunning(sys, "B4_handclaimed_offline_refused");
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kFail) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "connection refused")) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.remediation, "TCP port 9 ")) << Describe(s.link);
  EXPECT_FALSE(Has(s.link.remediation, "443")) << Describe(s.link);
  EXPECT_EQ(s.verdict.expected_node_state, "unseen");
}

// The default Cloud URL is not flagged, and its port is 443 (the other side of B3/B4).
TEST(AgentV2104, DefaultCloudUrlIsNotFlagged) {
  FakeSystem sys;
  LoadRunning(sys, "B4_handclaimed_offline_refused");
  sys.agent.cloud->url = "https://app.netdata.cloud";
  auto aclk = *sys.agent.aclk;
  aclk.cloud_url = "https://app.netdata.cloud";
  sys.agent.aclk = aclk;
  Seen s = Judge(sys);
  EXPECT_FALSE(Has(s.link.message, "not the default")) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.remediation, "TCP port 443")) << Describe(s.link);
  aclk.cloud_url = "https://app.netdata.cloud:443/";
  sys.agent.aclk = aclk;
  EXPECT_FALSE(Has(Judge(sys).link.message, "not the default"));
}

// fault: cloud | a node that was online loses its link (B4's answers, once connected) | cloud.link says Offline without stream.conf, Stale when stream.conf streams to a parent
TEST(AgentV2104, StreamingToAParentMakesAnOfflineNodeStale) {
  FakeSystem sys;
  LoadRunning(sys, "B4_handclaimed_offline_refused");
  auto aclk = *sys.agent.aclk;
  aclk.last_connect = "2026-12-06 20:30:00";  // it had been online
  sys.agent.aclk = aclk;
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.node_state, "offline");
  EXPECT_EQ(s.link.details["cloud_shows"], "offline") << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "shows it Offline")) << Describe(s.link);
  sys.AddFile("/etc/netdata/stream.conf",
              "[stream]\n    enabled = yes\n    destination = parent.lan:19999\n"
              "    api key = 11111111-2222-3333-4444-555555555555\n");
  s = Judge(sys);
  EXPECT_EQ(s.link.details["cloud_shows"], "stale") << Describe(s.link);
  EXPECT_EQ(s.link.details["streams_to"], "parent.lan:19999");
  EXPECT_TRUE(Has(s.link.message, "Stale")) << Describe(s.link);
  // The real agent says its stream is down (nodes.sending 0): Stale at best, not Live.
  EXPECT_EQ(s.link.details["streams_now"], false) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message,
                  "stream.conf streams to parent.lan:19999, but the agent is not connected to it "
                  "now (GET http://127.0.0.1:19999/api/v3/info: nodes.sending 0)"))
      << Describe(s.link);
  EXPECT_EQ(s.verdict.expected_node_state, "offline");
  EXPECT_TRUE(Has(s.verdict.summary, "Offline in Netdata Cloud, or Stale while a parent"))
      << s.verdict.summary;
  // Streaming configured but disabled: Offline again.
  sys.AddFile("/etc/netdata/stream.conf",
              "[stream]\n    enabled = no\n    destination = parent.lan:19999\n");
  EXPECT_EQ(Judge(sys).link.details["cloud_shows"], "offline");
}

/// B4's answers (claimed, own link refused, once online) with the stream state `status`,
/// nodes.sending and nodes.receiving put in, and stream.conf naming parent.lan.
FakeSystem StreamingChild(const std::string& status, int64_t sending, int64_t receiving) {
  FakeSystem sys;
  LoadRunning(sys, "B4_handclaimed_offline_refused");
  auto aclk = *sys.agent.aclk;
  aclk.last_connect = "2026-12-06 20:30:00";
  sys.agent.aclk = aclk;
  auto cloud = *sys.agent.cloud;
  EXPECT_EQ(cloud.nodes_sending, 0);  // the real answer, before it is changed
  cloud.status = status;
  cloud.nodes_sending = sending;
  cloud.nodes_receiving = receiving;
  sys.agent.cloud = cloud;
  sys.AddFile("/etc/netdata/stream.conf",
              "[stream]\n    enabled = yes\n    destination = parent.lan:19999\n");
  return sys;
}

// fault: cloud | claimed child, own link refused, its stream to a claimed parent up (`indirect`, nodes.sending 1) | cloud.link warn "Live through that parent" naming the parent; verdict live, not Offline
TEST(AgentV2104, AChildWhoseStreamIsUpIsLiveThroughItsParent) {
  FakeSystem sys = StreamingChild("indirect", 1, 0);
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kWarn) << Describe(s.link);
  EXPECT_EQ(s.link.details["cloud_shows"], "live-via-parent") << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message,
                  "the agent's own link to Netdata Cloud is down (connection refused), but it "
                  "reaches Netdata Cloud through its parent (stream.conf [stream] destination "
                  "parent.lan:19999) (the agent says `indirect`): Netdata Cloud shows the node "
                  "Live through that parent"))
      << Describe(s.link);
  EXPECT_TRUE(Has(s.link.remediation, "keeps it Live if the parent goes: see network.tls"))
      << Describe(s.link);
  EXPECT_EQ(s.verdict.expected_node_state, "live");
  EXPECT_EQ(s.verdict.status, Status::kWarn);
  EXPECT_TRUE(Has(s.verdict.summary, "reaches Netdata Cloud through its parent (`indirect`)"))
      << s.verdict.summary;
  // The same node with its stream down is not Live: the other side of the condition.
  sys = StreamingChild("offline", 0, 0);
  s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kFail) << Describe(s.link);
  EXPECT_EQ(s.link.details["cloud_shows"], "stale");
  EXPECT_EQ(s.verdict.expected_node_state, "offline");
}

// fault: cloud | child streaming now (nodes.sending 1 > receiving 0) but the agent says `offline`, not `indirect` | cloud.link fail: its parent does not bring it to Cloud, Offline (not Stale)
TEST(AgentV2104, AStreamToAParentOutsideCloudLeavesTheNodeOffline) {
  FakeSystem sys = StreamingChild("offline", 1, 0);
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kFail) << Describe(s.link);
  EXPECT_EQ(s.link.details["cloud_shows"], "offline") << Describe(s.link);
  EXPECT_EQ(s.link.details["streams_now"], true);
  EXPECT_TRUE(Has(s.link.message,
                  "it streams to a parent now (stream.conf [stream] destination "
                  "parent.lan:19999) (GET http://127.0.0.1:19999/api/v3/info: nodes.sending 1), "
                  "but not to one that "
                  "brings it to Netdata Cloud (the agent says `offline`, not `indirect`)"))
      << Describe(s.link);
  EXPECT_EQ(s.verdict.expected_node_state, "offline");
  EXPECT_TRUE(Has(s.verdict.summary, "The node will be Offline in Netdata Cloud: cloud.link"))
      << s.verdict.summary;
}

// fault: cloud | a parent passing on children (nodes.sending 2 = receiving 2), or an agent whose answer has no `nodes` (v1.41-v1.47) | whether its own stream is up is not guessed: "does not tell", Stale at best
TEST(AgentV2104, AnAmbiguousStreamStateIsNotGuessed) {
  FakeSystem sys = StreamingChild("offline", 2, 2);
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.details["cloud_shows"], "stale") << Describe(s.link);
  EXPECT_FALSE(s.link.details.contains("streams_now")) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message,
                  "the agent's answer does not tell whether that stream is up "
                  "(GET http://127.0.0.1:19999/api/v3/info: nodes.sending 2 counts the children"))
      << Describe(s.link);
  auto cloud = *sys.agent.cloud;
  cloud.nodes_sending.reset();
  cloud.nodes_receiving.reset();
  sys.agent.cloud = cloud;
  s = Judge(sys);
  EXPECT_TRUE(Has(s.link.message, "agent model") || Has(s.link.message, "v2.0.0 and later"))
      << Describe(s.link);
  EXPECT_FALSE(s.link.details.contains("streams_now"));
}

// fault: cloud | an agent that was online and stopped, stream.conf naming a parent | Stale while that parent is connected (its data served by the parent), from stream.conf alone
TEST(AgentV2104, AStoppedChildIsStaleAtBest) {
  FakeSystem sys;
  auto sf = container::ParseStatusFile(
      StatusFileText(Read("C_stopped_after_handclaim", "status-netdata.json.txt")));
  ASSERT_TRUE(sf.ok());
  sf->aclk = "online";  // it had been online when it stopped
  sf->path = "/var/lib/netdata/status-netdata.json";
  sys.agent.status_file = *sf;
  sys.AddFile("/etc/netdata/stream.conf",
              "[stream]\n    enabled = yes\n    destination = parent.lan:19999\n");
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.details["cloud_shows"], "stale") << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message,
                  "while that parent is connected, Netdata Cloud shows this node "
                  "Stale (its data served by the parent), not Offline"))
      << Describe(s.link);
}

// fault: cloud | real v2.10.4 stopped after a hand claim (C) | only status-netdata.json: cloud.link fail "not running", claimed, last link `offline`
TEST(AgentV2104, StoppedAgentIsReadFromItsStatusFile) {
  FakeSystem sys;
  const std::string cli = Read("C_stopped_after_handclaim", "netdatacli_ping.txt");
  ASSERT_TRUE(Has(cli, "Cannot connect to '/run/netdata/netdata.pipe'"));
  auto sf = container::ParseStatusFile(
      StatusFileText(Read("C_stopped_after_handclaim", "status-netdata.json.txt")));
  ASSERT_TRUE(sf.ok()) << sf.error().message;
  EXPECT_EQ(sf->status, "exited");
  EXPECT_EQ(sf->aclk, "offline");
  EXPECT_EQ(sf->claim_id, "d9e84651-c7ec-4769-893c-c3402135d95b");
  sf->path = "/var/lib/netdata/status-netdata.json";
  sys.agent.status_file = *sf;
  Seen s = Judge(sys);
  EXPECT_EQ(s.link.status, Status::kFail) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "the agent is not running")) << Describe(s.link);
  EXPECT_TRUE(Has(s.link.message, "claimed but `offline`")) << Describe(s.link);
  EXPECT_EQ(s.link.details["claimed"], true);
}

// Every state's /api/v1/info and aclk-state text parse, and agree with the JSON form.
TEST(AgentV2104, EveryRunningStateParses) {
  for (const char* state :
       {"A_unclaimed", "B1_claim_failed_timeout", "B2a_claim_failed_tls_verify",
        "B2b_claim_failed_403", "B3_claimed_offline_env404", "B4_handclaimed_offline_refused"}) {
    auto text = container::ParseAclkStateText(CliAnswer(Read(state, "netdatacli_aclk-state.txt")));
    auto json =
        container::ParseAclkStateJson(CliAnswer(Read(state, "netdatacli_aclk-state_json.txt")));
    ASSERT_TRUE(text.ok() && json.ok()) << state;
    EXPECT_EQ(text->claimed, json->claimed) << state;
    EXPECT_EQ(text->online, json->online) << state;
    EXPECT_EQ(text->claim_id, json->claim_id) << state;
    auto info = container::ParseAgentInfo(HttpBody(Read(state, "curl_api_v1_info.txt")));
    ASSERT_TRUE(info.ok()) << state << ": " << info.error().message;
    EXPECT_EQ(info->version, "v2.10.4") << state;
    auto sf = container::ParseStatusFile(StatusFileText(Read(state, "status-netdata.json.txt")));
    EXPECT_TRUE(sf.ok()) << state;
  }
}

}  // namespace
}  // namespace preflight::checks
