#include "checks/verdict.h"

#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {
namespace {

constexpr const char* kNotConfigured = "Claiming is not configured (no claim token, no claim.conf)";

// A tri-state fact read from a check's details: -1 unknown, 0 false, 1 true.
int Fact(const Report& report, std::string_view id, const char* key) {
  const Result* r = report.Find(id);
  if (r == nullptr || !r->details.is_object()) return -1;
  auto it = r->details.find(key);
  if (it == r->details.end() || !it->is_boolean()) return -1;
  return it->get<bool>() ? 1 : 0;
}

// A string fact read from a check's details; "" when absent.
std::string TextFact(const Report& report, std::string_view id, const char* key) {
  const Result* r = report.Find(id);
  if (r == nullptr || !r->details.is_object()) return "";
  auto it = r->details.find(key);
  return it != r->details.end() && it->is_string() ? it->get<std::string>() : "";
}

// cloud.link's `cloud_shows` when its own link is down: reached through a parent (`indirect`).
constexpr const char* kThroughParent =
    "The agent reaches Netdata Cloud through its parent (`indirect`): the node is Live there "
    "through the parent";

int Either(int a, int b) { return a == 1 || b == 1 ? 1 : (a == 0 || b == 0 ? 0 : -1); }

// Whether claiming is configured, from whichever check read the claim settings: claim.token
// (`wanted`) or cloud.link (`claim_wanted`), so that the node state does not depend on which of
// them was selected. -1 when neither ran.
int ClaimWanted(const Report& report) {
  return Either(Fact(report, "claim.token", "wanted"), Fact(report, "cloud.link", "claim_wanted"));
}

std::string StateSentence(const std::string& state) {
  if (state == "absent") return "The node will not appear in Netdata Cloud";
  if (state == "unseen") return "The node is claimed but will stay Unseen in Netdata Cloud";
  if (state == "offline") return "The node will be Offline in Netdata Cloud";
  if (state == "live") return "The node can be Live in Netdata Cloud";
  return "The node's Cloud state cannot be predicted";
}

// How the path to Netdata Cloud can still be checked, when this report did not verify it.
std::string UncheckedPath(NetworkScope scope, bool network_ran) {
  switch (scope) {
    case NetworkScope::kOffline:
      return "the path to Netdata Cloud was not checked (--offline: run without it to check it)";
    case NetworkScope::kBeforeHandOff:
      return "the path to Netdata Cloud is not checked before the hand-off (--online checks it)";
    case NetworkScope::kNotSelected:
      return "the path to Netdata Cloud was not checked (no network check was selected)";
    case NetworkScope::kSelected:
      break;
  }
  return network_ran ? "the path to Netdata Cloud could not be verified (see the network checks)"
                     : "the path to Netdata Cloud was not checked (every network check was "
                       "skipped)";
}

// What the report's checks established about the node, read once.
struct NodeFacts {
  int claimed = -1;  ///< tri-state, see Fact()
  int ever_online = -1;
  int claim_wanted = -1;
  int link_online = -1;
  std::string link_shows;  ///< cloud.link `cloud_shows` ("live-via-parent", "stale", ...)
  bool anything_ran = false;
  const CheckRun* primary = nullptr;  ///< the first fail, else the first warn/error
  bool any_warn = false;
};

NodeFacts Gather(const Report& report) {
  NodeFacts f;
  f.claimed = Either(Fact(report, "claim.state", "claimed"), Fact(report, "cloud.link", "claimed"));
  f.ever_online = Either(Fact(report, "cloud.link", "ever_online"),
                         Fact(report, "container.lifetime", "ever_online"));
  f.claim_wanted = ClaimWanted(report);
  f.link_online = Fact(report, "cloud.link", "online");
  f.link_shows = TextFact(report, "cloud.link", "cloud_shows");
  for (const auto& run : report.checks)
    f.anything_ran = f.anything_ran || run.result.status != Status::kSkip;
  for (const auto& run : report.checks) {
    if (run.result.status == Status::kFail) {
      f.primary = &run;
      break;
    }
  }
  for (const auto& run : report.checks) {
    if (run.result.status == Status::kWarn || run.result.status == Status::kError) {
      if (!f.any_warn && f.primary == nullptr) f.primary = &run;
      f.any_warn = true;
    }
  }
  return f;
}

// A failure: who is to blame decides the state.
Verdict DecideFailure(const NodeFacts& f) {
  const CheckRun* primary = f.primary;
  const int claimed = f.claimed;
  const int ever_online = f.ever_online;
  const int claim_wanted = f.claim_wanted;
  const std::string& link_shows = f.link_shows;
  Verdict v;
  v.status = Status::kFail;
  v.primary = std::string(primary->def->id);
  if (!primary->result.node_state.empty()) {
    v.expected_node_state = primary->result.node_state;
  } else if (claimed != 1) {
    // Claiming goes over HTTPS (checked before, and fine, or it would be the primary); only
    // the link's WebSocket is cut: the claim succeeds and the node stays Unseen.
    const bool claim_gets_through = primary->def->id == "network.websocket" && claim_wanted == 1;
    v.expected_node_state = claim_gets_through ? "unseen" : "absent";
  } else if (ever_online == 1) {
    v.expected_node_state = "offline";
  } else {
    v.expected_node_state = "unseen";
  }
  v.section = !primary->result.section.empty() ? primary->result.section
                                               : std::string(primary->def->section);
  // The same network fault means a different section of the guide at each stage.
  if (IsNetworkCheck(primary->def->id) && primary->result.section.empty()) {
    if (v.expected_node_state == "offline") {
      v.section = std::string(section::kStillConnectable);
    } else if (v.expected_node_state == "unseen" && primary->def->id != "network.websocket") {
      v.section = std::string(section::kClaimedCannotConnect);
    }
  }
  // Its stream to a claimed parent brings it to Cloud whatever keeps its own link down.
  if (link_shows == "live-via-parent") {
    v.expected_node_state = "live";
    v.summary = std::string(kThroughParent) + ". Failing: " + v.primary + ": " +
                primary->result.message + ".";
    return v;
  }
  // Without claiming the node is not meant for Cloud: a network or local failure is not why
  // it will not show there, and the sentence must not say so.
  const bool claims = primary->def->id.rfind("claim.", 0) == 0;
  if (claim_wanted == 0 && claimed != 1 && !claims && primary->result.node_state.empty()) {
    v.summary = std::string(kNotConfigured) + ": the agent monitors locally" +
                (claimed == 0 ? "" : " (whether it is already claimed was not checked)") +
                ". Failing: " + v.primary + ": " + primary->result.message + ".";
    return v;
  }
  // A parent may keep its earlier data (cloud.link says which parent and when).
  const std::string state = v.expected_node_state == "offline" && link_shows == "stale"
                                ? "The node will be Offline in Netdata Cloud, or Stale while a "
                                  "parent connected to it keeps its data"
                                : StateSentence(v.expected_node_state);
  v.summary = state + ": " + v.primary + ": " + primary->result.message + ".";
  return v;
}

// No failure: say how sure we are.
Verdict DecideWithoutFailure(const Report& report, const NodeFacts& f) {
  const CheckRun* primary = f.primary;
  const int claimed = f.claimed;
  const int claim_wanted = f.claim_wanted;
  const int link_online = f.link_online;
  const std::string& link_shows = f.link_shows;
  const bool any_warn = f.any_warn;
  Verdict v;
  v.status = any_warn ? Status::kWarn : Status::kPass;
  bool network_verified = false;
  bool network_ran = false;
  bool network_error = false;  // a hop that could not be looked at leaves the path unverified
  for (const auto& run : report.checks) {
    if (!IsNetworkCheck(run.def->id)) continue;
    if (run.result.status == Status::kPass || run.result.status == Status::kWarn)
      network_verified = true;
    if (run.result.status == Status::kError) network_error = true;
    if (run.result.status != Status::kSkip) network_ran = true;
  }
  network_verified = network_verified && !network_error;
  if (link_shows == "live-via-parent") {
    v.expected_node_state = "live";
    v.summary = std::string(kThroughParent) + ".";
  } else if (claimed == 0 && claim_wanted == 0) {
    v.expected_node_state = "absent";
    v.section = std::string(section::kClaimingUnsuccessful);
    v.summary = std::string(kNotConfigured) +
                " and the node is not claimed: the agent monitors locally, not in Netdata Cloud "
                "(set NETDATA_CLAIM_TOKEN or write claim.conf to add it).";
  } else if (claimed == -1 && claim_wanted == 0) {
    // `--only claim.token`: whether the node is claimed already (no token needed) is unknown.
    v.expected_node_state = "unknown";
    v.summary = std::string(kNotConfigured) +
                "; whether the node is already claimed was not checked (claim.state).";
  } else if (link_online == 1 || (network_ran && network_verified)) {
    v.expected_node_state = "live";
    v.summary = link_online == 1
                    ? "The agent is connected: the node is Live in Netdata Cloud."
                    : "Nothing found that keeps the node from being Live in Netdata Cloud.";
  } else {
    v.expected_node_state = "unknown";
    // Only what ran is vouched for: `--only cloud.link` ran no local check.
    bool local_ran = false;
    for (const auto& run : report.checks) {
      local_ran =
          local_ran || (run.def->kind == Kind::kOffline && run.result.status != Status::kSkip);
    }
    std::string path = UncheckedPath(report.network, network_ran);
    if (local_ran) {
      v.summary = "The local checks found nothing wrong; " + path + ".";
    } else {
      path[0] = 'T';
      v.summary = path + ".";
    }
  }
  if (any_warn && primary != nullptr) {
    v.primary = std::string(primary->def->id);
    v.section = std::string(primary->def->section);
    v.summary += " Warning: " + v.primary + ": " + primary->result.message + ".";
  }
  if (!f.anything_ran) v.status = Status::kSkip;  // every check skipped: nothing vouched for
  return v;
}

}  // namespace

Verdict Decide(const Report& report) {
  if (report.checks.empty()) {
    Verdict v;
    v.status = Status::kSkip;
    v.expected_node_state = "unknown";
    v.summary = "Nothing was checked: no check was selected.";
    return v;
  }
  const NodeFacts facts = Gather(report);
  if (facts.primary != nullptr && facts.primary->result.status == Status::kFail) {
    return DecideFailure(facts);
  }
  return DecideWithoutFailure(report, facts);
}

}  // namespace preflight::checks
