// cloud.link: table-driven against the fake agent client: every link state the agent can
// report, and the agent down with and without a status file.
#include <gtest/gtest.h>

#include "checks/catalog.h"
#include "checks/sections.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using container::AclkState;
using container::CloudStatus;
using preflight::testing::FakeSystem;

AclkState Claimed(bool online) {
  AclkState st;
  st.available = true;
  st.claimed = true;
  st.online = online;
  st.banned = false;
  st.claim_id = "5f0e1d2c-8b7a-4c3d-9e8f-112233445566";
  st.cloud_url = "https://app.netdata.cloud";
  return st;
}

AclkState Unclaimed() {
  AclkState st;
  st.available = true;
  st.claimed = false;
  st.online = false;
  return st;
}

CloudStatus Cloud(std::string status, std::string reason) {
  CloudStatus cs;
  cs.status = std::move(status);
  cs.reason = std::move(reason);
  cs.source = "GET http://127.0.0.1:19999/api/v3/info";
  return cs;
}

Result RunIt(FakeSystem& sys, const std::vector<std::pair<std::string, Result>>& earlier = {}) {
  Inputs in;
  Context ctx(sys, in);
  for (const auto& [id, r] : earlier) ctx.Record(id, r);
  return kCloudLink.run(ctx);
}

struct Case {
  const char* name;
  AclkState aclk;
  std::optional<CloudStatus> cloud;
  Status status;
  const char* message_has;
  std::string_view section;
  const char* node_state;
};

class CloudLinkTable : public ::testing::TestWithParam<Case> {};

// fault: agent | /api/v1/aclk says banned (banned_aclk_state) | cloud.link fail "banned", not-banned section, node offline
// fault: agent | /api/v3/info cloud status banned (banned_cloud_status) | cloud.link fail "banned", not-banned section, node offline
// fault: agent | link offline after being online, reason TLS verification failed (offline_tls) | cloud.link fail quoting "TLS certificate verification failed", previously-connected section
// fault: agent | claimed, never online, reason https client timeout (never_online_timeout) | cloud.link fail quoting it, claimed-cannot-connect section, node unseen
// fault: agent | claimed, offline, no reason yet (offline_no_reason_yet) | cloud.link warn "may still be connecting", node unseen
// fault: agent | claim refused 403: token expired or invalid (claim_403) | cloud.link fail "token is expired", claiming-unsuccessful section, node absent
// fault: agent | claim refused 409: cloned node already claimed (claim_409_cloned) | cloud.link fail "already claimed", not-cloned section, node absent
// fault: agent | v1.44 cloud status disabled (v144_disabled) | cloud.link fail "disabled", claiming-unsuccessful section
// fault: agent | agent built without Netdata Cloud, claiming not configured (built_without_cloud) | cloud.link warn "built without Netdata Cloud … so it monitors locally", node absent
// fault: agent | agent still initializing (initializing) | cloud.link warn "initializing"
TEST_P(CloudLinkTable, JudgesWhatTheAgentSays) {
  const Case& c = GetParam();
  FakeSystem sys;
  sys.agent.Running(c.aclk);
  if (c.cloud) sys.agent.cloud = *c.cloud;
  Result r = RunIt(sys);
  EXPECT_EQ(r.status, c.status) << r.message;
  EXPECT_NE(r.message.find(c.message_has), std::string::npos) << r.message;
  if (!c.section.empty()) {
    EXPECT_EQ(r.section, c.section);
  }
  EXPECT_EQ(r.node_state, c.node_state);
  if (r.status == Status::kFail || r.status == Status::kWarn) {
    EXPECT_FALSE(r.remediation.empty());
  }
  EXPECT_EQ(r.details.value("running", false), true);
}

AclkState Banned() {
  AclkState st = Claimed(false);
  st.banned = true;
  return st;
}
AclkState EverOnline() {
  AclkState st = Claimed(false);
  st.last_connect = "2024-08-23 07:40:00";
  st.reconnect_count = 3;
  return st;
}
AclkState NoCloud() {
  AclkState st;
  st.available = false;
  return st;
}
AclkState Initializing() {
  AclkState st;
  st.initializing = true;
  return st;
}

INSTANTIATE_TEST_SUITE_P(
    States, CloudLinkTable,
    ::testing::Values(
        Case{"online", Claimed(true), std::nullopt, Status::kPass, "online", "", ""},
        Case{"banned_aclk_state", Banned(), std::nullopt, Status::kFail, "banned",
             section::kNotBanned, "offline"},
        Case{"banned_cloud_status", Claimed(false), Cloud("banned", "Agent is banned"),
             Status::kFail, "banned", section::kNotBanned, "offline"},
        Case{"offline_tls", EverOnline(), Cloud("offline", "TLS certificate verification failed"),
             Status::kFail, "TLS certificate verification failed", section::kPreviouslyConnected,
             "offline"},
        Case{"never_online_timeout", Claimed(false), Cloud("offline", "https client timeout"),
             Status::kFail, "https client timeout", section::kClaimedCannotConnect, "unseen"},
        Case{"offline_no_reason_yet", Claimed(false), std::nullopt, Status::kWarn,
             "may still be connecting", section::kClaimedCannotConnect, "unseen"},
        Case{"claim_403", Unclaimed(),
             Cloud("available", "Failed: token is expired, not found, or invalid"), Status::kFail,
             "token is expired", section::kClaimingUnsuccessful, "absent"},
        Case{"claim_409_cloned", Unclaimed(),
             Cloud("available", "Failed: agent is already claimed"), Status::kFail,
             "already claimed", section::kNotCloned, "absent"},
        Case{"indirect", Unclaimed(), Cloud("indirect", ""), Status::kPass, "indirect", "", ""},
        Case{"not_claimed_not_wanted", Unclaimed(), Cloud("available", "Agent is not claimed yet"),
             Status::kPass, "not claimed", "", ""},
        Case{"v144_disabled", Unclaimed(), Cloud("disabled", ""), Status::kFail, "disabled",
             section::kClaimingUnsuccessful, "absent"},
        // Claiming is not configured in the table: a local-only agent is warned, not failed.
        Case{"built_without_cloud", NoCloud(), std::nullopt, Status::kWarn,
             "built without Netdata Cloud support (ACLK Available: No): it can never connect; "
             "claiming is not configured and the node is not claimed, so it monitors locally",
             section::kClaimingUnsuccessful, "absent"},
        Case{"initializing", Initializing(), std::nullopt, Status::kWarn, "initializing", "", ""}),
    [](const auto& info) { return std::string(info.param.name); });

// fault: agent | link offline for proxy negotiation, TLS verification, DNS, https timeout, WebSocket protocol error, connection refused | cloud.link fail naming the network check that explains it (explained_by), quoting that check's finding when it ran
TEST(CloudLink, OfflineReasonNamesTheNetworkCheckThatExplainsIt) {
  struct Reason {
    const char* reason;
    const char* check;
  } reasons[] = {
      {"proxy negotiation failed", "network.proxy"},
      {"TLS certificate verification failed", "network.tls"},
      {"cannot resolve hostname", "network.dns"},
      {"https client timeout", "network.https"},
      {"disconnected, due to WebSockets protocol error", "network.websocket"},
      {"connection refused", "network.tls"},
  };
  for (const auto& r : reasons) {
    FakeSystem sys;
    sys.agent.Running(EverOnline());
    sys.agent.cloud = Cloud("offline", r.reason);
    Result res = RunIt(sys);
    EXPECT_EQ(res.status, Status::kFail) << r.reason;
    EXPECT_EQ(res.details.value("explained_by", ""), r.check) << r.reason;
    EXPECT_NE(res.remediation.find(r.check), std::string::npos) << res.remediation;
  }
  // And quotes that check's own finding when it ran before.
  FakeSystem sys;
  sys.agent.Running(EverOnline());
  sys.agent.cloud = Cloud("offline", "proxy negotiation failed");
  Result proxy = Result::Fail("CONNECT to proxy:3128 answered 403", "allow CONNECT");
  Result r = RunIt(sys, {{"network.proxy", proxy}});
  EXPECT_NE(r.message.find("CONNECT to proxy:3128 answered 403"), std::string::npos) << r.message;
}

// fault: agent | agent built without Netdata Cloud while a claim token is set | cloud.link fail "built without Netdata Cloud", node absent, official-build remediation
TEST(CloudLink, BuiltWithoutCloudFailsWhenCloudIsWanted) {
  FakeSystem sys;
  sys.agent.Running(NoCloud());
  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 'a');
  Result r = RunIt(sys);
  EXPECT_EQ(r.status, Status::kFail) << r.message;
  EXPECT_EQ(r.message,
            "the agent was built without Netdata Cloud support (ACLK Available: No): it can never "
            "connect");
  EXPECT_EQ(r.remediation.rfind("Install Netdata from the official packages", 0), 0u);
  EXPECT_EQ(r.node_state, "absent");
  EXPECT_EQ(r.section, section::kClaimingUnsuccessful);
}

// fault: agent | agent unclaimed although a claim token is configured | cloud.link fail, node absent
TEST(CloudLink, UnclaimedWhileClaimingIsConfiguredFails) {
  FakeSystem sys;
  sys.agent.Running(Unclaimed());
  sys.agent.cloud = Cloud("available", "Agent is not claimed yet");
  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 'a');  // claim.token need not have run
  Result r = RunIt(sys);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.node_state, "absent");
}

// fault: agent | agent not running, status-netdata.json says it was online and exited on SIGTERM | cloud.link fail "was online until …", "exit reason: signal-sigterm", 7 restarts, node offline; banned file → not-banned section
TEST(CloudLink, AgentDownReadsTheStatusFile) {
  FakeSystem sys;  // the fake agent refuses connections by default
  container::StatusFile sf;
  sf.path = "/var/lib/netdata/status-netdata.json";
  sf.timestamp = "2024-08-23T08:01:13.000Z";
  sf.status = "exited";
  sf.aclk = "online";
  sf.claim_id = "5f0e1d2c-8b7a-4c3d-9e8f-112233445566";
  sf.exit_reason = {"signal-sigterm"};
  sf.restarts = 7;
  sys.agent.status_file = sf;
  Result r = RunIt(sys);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("was online until 2024-08-23T08:01:13.000Z"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("exit reason: signal-sigterm"), std::string::npos);
  EXPECT_EQ(r.node_state, "offline");
  EXPECT_EQ(r.details.value("running", true), false);
  EXPECT_EQ(r.details.value("restarts", 0), 7);

  sf.aclk = "banned";
  sys.agent.status_file = sf;
  Result banned = RunIt(sys);
  EXPECT_EQ(banned.section, section::kNotBanned);

  sys.agent.status_file = Error{ENOENT, "none"};
  Result none = RunIt(sys);
  EXPECT_EQ(none.status, Status::kSkip);
  EXPECT_NE(none.message.find("not running"), std::string::npos);
}

// fault: agent | /api/v1/aclk bearer-protected (HTTP 401) | falls back to /api/v3/info: cloud.link fail naming 401 and network.proxy; warn with a remediation when v3 is 401 too
TEST(CloudLink, BearerProtectionFallsBackToV3AndIsReported) {
  FakeSystem sys;
  sys.agent.aclk = Error{EACCES, "GET /api/v1/aclk: HTTP 401"};
  sys.agent.cloud = Cloud("offline", "proxy negotiation failed");
  sys.agent.cloud->claim_id = "5f0e1d2c-8b7a-4c3d-9e8f-112233445566";
  Result r = RunIt(sys);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.details.value("bearer_protected", false), true);
  EXPECT_EQ(r.details.value("explained_by", ""), "network.proxy");
  EXPECT_NE(r.message.find("401"), std::string::npos);

  sys.agent.cloud = Error{EACCES, "401 too"};
  Result blind = RunIt(sys);
  EXPECT_EQ(blind.status, Status::kWarn);
  EXPECT_FALSE(blind.remediation.empty());
}

TEST(CloudLink, EveryCallIsBoundedAndUsesTheInputs) {
  FakeSystem sys;
  sys.agent.Running(Claimed(true));
  Inputs in;
  in.api = "http://127.0.0.1:20000";
  in.cli_socket = "/sock";
  Context ctx(sys, in);
  kCloudLink.run(ctx);
  EXPECT_EQ(sys.agent.last_target.api, "http://127.0.0.1:20000");
  EXPECT_TRUE(sys.agent.last_target.api_explicit);
  EXPECT_EQ(sys.agent.last_target.cli_socket, "/sock");
  EXPECT_EQ(sys.agent.calls, std::vector<std::string>{"aclk"});  // online: nothing more to ask
}

}  // namespace
}  // namespace preflight::checks
