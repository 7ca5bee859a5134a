#include "checks/verdict.h"

#include <gtest/gtest.h>

#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {
namespace {

// Builds a report from (id, status, details) triples over the real catalog definitions.
Report Make(std::vector<std::tuple<std::string, Status, Details>> rows) {
  Report r;
  for (auto& [id, status, details] : rows) {
    CheckRun run;
    run.def = FindCheck(id);
    EXPECT_NE(run.def, nullptr) << id;
    run.result.status = status;
    run.result.message = id + " message";
    run.result.details = details;
    r.checks.push_back(run);
  }
  return r;
}

const Details kNone = Details::object();

// fault: claiming | claim.token fails while claiming is wanted | verdict fail, node absent, primary claim.token, "will not appear"
TEST(Verdict, ClaimFailureMeansTheNodeWillBeAbsent) {
  Verdict v = Decide(Make({{"claim.token", Status::kFail, {{"wanted", true}}},
                           {"claim.state", Status::kPass, {{"claimed", false}}}}));
  EXPECT_EQ(v.status, Status::kFail);
  EXPECT_EQ(v.expected_node_state, "absent");
  EXPECT_EQ(v.primary, "claim.token");
  EXPECT_EQ(v.section, section::kClaimingDocker);
  EXPECT_NE(v.summary.find("will not appear"), std::string::npos);
}

// fault: verdict | unclaimed agent, claiming not configured, only cloud.link selected | node state absent (was unknown): the state does not depend on the selection
TEST(Verdict, UnclaimedWithoutClaimingIsAbsentWithOnlyCloudLink) {
  Verdict v =
      Decide(Make({{"cloud.link", Status::kPass, {{"claimed", false}, {"claim_wanted", false}}}}));
  EXPECT_EQ(v.expected_node_state, "absent");
  EXPECT_NE(v.summary.find("Claiming is not configured"), std::string::npos) << v.summary;
  // Claiming configured (the agent claims at its next start): not absent by this rule.
  v = Decide(Make({{"cloud.link", Status::kPass, {{"claimed", false}, {"claim_wanted", true}}}}));
  EXPECT_NE(v.expected_node_state, "absent");
}

// fault: verdict | an unclaimed child that reaches Cloud through its claimed parent (cloud.link `indirect`), alone or with a failing network check | node Live through the parent, never "absent" or "offline"
TEST(Verdict, AChildReachingCloudThroughItsParentIsLive) {
  const Details indirect = {
      {"claimed", false}, {"claim_wanted", false}, {"cloud_shows", "live-via-parent"}};
  Verdict v = Decide(Make({{"cloud.link", Status::kPass, indirect}}));
  EXPECT_EQ(v.status, Status::kPass);
  EXPECT_EQ(v.expected_node_state, "live");
  EXPECT_EQ(v.summary,
            "The agent reaches Netdata Cloud through its parent (`indirect`): the node is Live "
            "there through the parent.");
  // Its own path to Cloud fails: still Live through the parent, and the failure is named.
  v = Decide(
      Make({{"network.tls", Status::kFail, kNone}, {"cloud.link", Status::kPass, indirect}}));
  EXPECT_EQ(v.status, Status::kFail);
  EXPECT_EQ(v.expected_node_state, "live");
  EXPECT_NE(v.summary.find("Failing: network.tls: network.tls message."), std::string::npos)
      << v.summary;
  // Without `indirect` the same report is not Live: the other side of the condition.
  v = Decide(Make({{"network.tls", Status::kFail, kNone},
                   {"cloud.link", Status::kPass, {{"claimed", false}, {"claim_wanted", false}}}}));
  EXPECT_NE(v.expected_node_state, "live");
}

// fault: network | claimed node whose network.tls fails | verdict unseen, claimed-cannot-connect section
TEST(Verdict, ClaimedButCannotConnectIsUnseen) {
  Verdict v = Decide(Make({{"claim.state", Status::kPass, {{"claimed", true}}},
                           {"network.tls", Status::kFail, kNone}}));
  EXPECT_EQ(v.expected_node_state, "unseen");
  EXPECT_EQ(v.section, section::kClaimedCannotConnect);
}

TEST(Verdict, WebsocketFailureNamesTheWebsocketSection) {
  Verdict v = Decide(Make({{"claim.state", Status::kPass, {{"claimed", true}}},
                           {"network.websocket", Status::kFail, kNone}}));
  EXPECT_EQ(v.expected_node_state, "unseen");
  EXPECT_EQ(v.section, section::kWebsockets);
}

// fault: network | WebSockets blocked on a node that is about to claim | claim succeeds over HTTPS; verdict unseen, websockets section
TEST(Verdict, WebsocketsBlockedBeforeTheClaimStillMeansUnseen) {
  Verdict v = Decide(Make({{"claim.token", Status::kPass, {{"wanted", true}}},
                           {"claim.state", Status::kPass, {{"claimed", false}}},
                           {"network.https", Status::kPass, kNone},
                           {"network.websocket", Status::kFail, kNone}}));
  EXPECT_EQ(v.expected_node_state, "unseen");
  EXPECT_EQ(v.section, section::kWebsockets);
  // Without a claim to make, a blocked link still means the node never appears.
  Verdict none = Decide(Make({{"claim.token", Status::kSkip, {{"wanted", false}}},
                              {"network.websocket", Status::kFail, kNone}}));
  EXPECT_EQ(none.expected_node_state, "absent");
}

// fault: network | node online before, now network.dns fails | verdict offline, still-connectable section, primary network.dns
TEST(Verdict, PreviouslyConnectedAndNowFailingIsOffline) {
  Verdict v = Decide(Make({{"claim.state", Status::kPass, {{"claimed", true}}},
                           {"network.dns", Status::kFail, kNone},
                           {"cloud.link", Status::kWarn, {{"ever_online", true}}}}));
  EXPECT_EQ(v.expected_node_state, "offline");
  EXPECT_EQ(v.section, section::kStillConnectable);
  EXPECT_EQ(v.primary, "network.dns") << "the first failure in guide order is the cause";
}

TEST(Verdict, AResultMayForceTheNodeState) {
  Report r = Make(
      {{"claim.state", Status::kPass, {{"claimed", true}}}, {"cloud.link", Status::kFail, kNone}});
  r.checks[1].result.node_state = "offline";
  r.checks[1].result.section = std::string(section::kNotBanned);
  Verdict v = Decide(r);
  EXPECT_EQ(v.expected_node_state, "offline");
  EXPECT_EQ(v.section, section::kNotBanned);
}

TEST(Verdict, AllGoodWithVerifiedPathIsLive) {
  Verdict v = Decide(Make({{"claim.token", Status::kPass, {{"wanted", true}}},
                           {"network.dns", Status::kPass, kNone},
                           {"network.tls", Status::kPass, kNone}}));
  EXPECT_EQ(v.status, Status::kPass);
  EXPECT_EQ(v.expected_node_state, "live");
}

TEST(Verdict, AllGoodWithoutNetworkIsUnknownNotLive) {
  Verdict v = Decide(Make(
      {{"claim.token", Status::kPass, {{"wanted", true}}}, {"network.dns", Status::kSkip, kNone}}));
  EXPECT_EQ(v.expected_node_state, "unknown");
}

// fault: input | the path to Netdata Cloud left unchecked by --offline, by `run` before its hand-off, by --only/--skip, or by network checks that all skipped | the verdict names that cause and its own way to check the path ("run without it", "--online checks it", "no network check was selected"), never another command's flag; it vouches for local checks only when one ran
TEST(Verdict, AnUncheckedPathNamesWhyAndHowToCheckIt) {
  struct Case {
    NetworkScope scope;
    std::vector<std::tuple<std::string, Status, Details>> rows;
    std::string summary;
  };
  const Details wanted = {{"wanted", true}};
  const std::vector<Case> cases = {
      {NetworkScope::kOffline,
       {{"claim.token", Status::kPass, wanted}, {"network.dns", Status::kSkip, kNone}},
       "The local checks found nothing wrong; the path to Netdata Cloud was not checked "
       "(--offline: run without it to check it)."},
      {NetworkScope::kBeforeHandOff,
       {{"claim.token", Status::kPass, wanted}},
       "The local checks found nothing wrong; the path to Netdata Cloud is not checked before "
       "the hand-off (--online checks it)."},
      {NetworkScope::kNotSelected,
       {{"claim.token", Status::kPass, wanted}},
       "The local checks found nothing wrong; the path to Netdata Cloud was not checked (no "
       "network check was selected)."},
      // `check --only cloud.link` with no agent running: nothing local ran.
      {NetworkScope::kNotSelected,
       {{"cloud.link", Status::kSkip, kNone}},
       "The path to Netdata Cloud was not checked (no network check was selected)."},
      {NetworkScope::kSelected,
       {{"claim.token", Status::kPass, wanted}, {"network.dns", Status::kSkip, kNone}},
       "The local checks found nothing wrong; the path to Netdata Cloud was not checked (every "
       "network check was skipped)."},
      // A local check that was itself skipped vouches for nothing.
      {NetworkScope::kOffline,
       {{"claim.token", Status::kSkip, wanted}, {"claim.state", Status::kSkip, kNone}},
       "The path to Netdata Cloud was not checked (--offline: run without it to check it)."},
  };
  for (const Case& c : cases) {
    Report report = Make(c.rows);
    report.network = c.scope;
    Verdict v = Decide(report);
    EXPECT_EQ(v.expected_node_state, "unknown") << c.summary;
    EXPECT_EQ(v.summary, c.summary);
  }
}

TEST(Verdict, NotClaimingAtAllIsAbsentButNotAFailure) {
  Verdict v = Decide(Make({{"claim.token", Status::kSkip, {{"wanted", false}}},
                           {"claim.state", Status::kPass, {{"claimed", false}}}}));
  EXPECT_EQ(v.status, Status::kPass);
  EXPECT_EQ(v.expected_node_state, "absent");
  EXPECT_NE(v.summary.find("Claiming is not configured"), std::string::npos) << v.summary;
}

// fault: input | claiming not configured, node not claimed, network.dns fails (check --online) | verdict fail naming network.dns, but the summary says claiming is not configured and never "will not appear" because of DNS
TEST(Verdict, NotClaimingWithANetworkFailureDoesNotBlameTheNetwork) {
  Verdict v = Decide(Make({{"claim.token", Status::kSkip, {{"wanted", false}}},
                           {"claim.state", Status::kPass, {{"claimed", false}}},
                           {"network.dns", Status::kFail, kNone}}));
  EXPECT_EQ(v.status, Status::kFail);
  EXPECT_EQ(v.primary, "network.dns");
  EXPECT_EQ(v.summary.find("will not appear"), std::string::npos) << v.summary;
  EXPECT_EQ(v.summary.rfind("Claiming is not configured", 0), 0u) << v.summary;
  EXPECT_NE(v.summary.find("Failing: network.dns: network.dns message."), std::string::npos)
      << v.summary;
}

// fault: input | `check --only claim.token` without any claim token (claim.state not run) | not PASS with "will not appear": the state is unknown and the summary says whether the node is claimed was not checked
TEST(Verdict, OnlyClaimTokenWithoutTokenDoesNotPredictAbsence) {
  Verdict v = Decide(Make({{"claim.token", Status::kSkip, {{"wanted", false}}}}));
  EXPECT_EQ(v.summary.find("will not appear"), std::string::npos) << v.summary;
  EXPECT_EQ(v.expected_node_state, "unknown");
  EXPECT_NE(v.status, Status::kPass) << "a skipped check vouches for nothing";
  EXPECT_NE(v.summary.find("was not checked (claim.state)"), std::string::npos) << v.summary;
  Verdict passed = Decide(Make({{"claim.token", Status::kPass, {{"wanted", false}}}}));
  EXPECT_EQ(passed.summary.find("will not appear"), std::string::npos) << passed.summary;
  EXPECT_EQ(passed.expected_node_state, "unknown");
}

// fault: network | network.proxy and network.dns pass, network.tls `error` (--deadline reached before it ran) | verdict not live: "could not be verified (see the network checks)", state unknown
TEST(Verdict, ANetworkCheckThatCouldNotLookLeavesThePathUnverified) {
  Verdict v = Decide(Make({{"claim.token", Status::kPass, {{"wanted", true}}},
                           {"network.proxy", Status::kPass, kNone},
                           {"network.dns", Status::kPass, kNone},
                           {"network.tls", Status::kError, kNone},
                           {"network.https", Status::kSkip, kNone}}));
  EXPECT_NE(v.expected_node_state, "live") << v.summary;
  EXPECT_EQ(v.expected_node_state, "unknown");
  EXPECT_NE(v.summary.find("could not be verified"), std::string::npos) << v.summary;
}

// fault: input | zero checks selected (an empty report) or every selected check skipped | verdict status skip, "Nothing was checked", never PASS
TEST(Verdict, NothingCheckedIsNeverAPass) {
  Verdict empty = Decide(Report{});
  EXPECT_EQ(empty.status, Status::kSkip);
  EXPECT_EQ(empty.summary, "Nothing was checked: no check was selected.");
  Verdict skipped = Decide(Make({{"cloud.link", Status::kSkip, kNone}}));
  EXPECT_EQ(skipped.status, Status::kSkip);
}

TEST(Verdict, AgentOnlineIsLiveAndWarningsAreMentioned) {
  Verdict v = Decide(Make({{"container.volume", Status::kWarn, kNone},
                           {"cloud.link", Status::kPass, {{"claimed", true}, {"online", true}}}}));
  EXPECT_EQ(v.status, Status::kWarn);
  EXPECT_EQ(v.expected_node_state, "live");
  EXPECT_EQ(v.primary, "container.volume");
  EXPECT_NE(v.summary.find("Warning: container.volume"), std::string::npos);
}

}  // namespace
}  // namespace preflight::checks
