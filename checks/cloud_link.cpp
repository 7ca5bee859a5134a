// cloud.link: what the running agent itself says about its link to Netdata Cloud — claimed,
// online, banned and why — or, when it is down, what its status file last recorded.
#include <algorithm>

#include "checks/agent_model.h"
#include "checks/agent_target.h"
#include "checks/catalog.h"
#include "checks/sections.h"
#include "container/agent/agent_client.h"
#include "container/base/text.h"
#include "container/net/proxy.h"
#include "container/parse/ini.h"

namespace preflight::checks {
namespace {

constexpr auto kAgentBudget = std::chrono::seconds(3);  // a local agent answers in ms

constexpr const char* kBannedSteps =
    "Netdata Cloud has blocked this agent or its IP (usually for too many failed requests from "
    "an old agent): ask for the IP to be allowed with a ticket in the Netdata forum "
    "(https://community.netdata.cloud/) or change the node's IP, then restart the agent (the "
    "ban clears only on restart or `netdatacli reload-claiming-state`)";

/// The check whose domain explains an ACLK offline reason (src/aclk status strings).
struct ReasonMap {
  std::string_view check;
  std::string advice;
};

/// The port of a Cloud URL ("https://host:8443" -> "8443"; none -> "443").
std::string CloudPort(const std::string& url) {
  auto url_ok = container::ParseUrl(url, 443);
  return url_ok.ok() ? std::to_string(url_ok->port) : "443";
}

/// " (the Cloud URL is X, not the default https://app.netdata.cloud)" when it is another one.
std::string NonDefaultCloud(const std::string& url) {
  if (url.empty()) return "";
  // https://app.netdata.cloud, with or without :443 or a trailing slash.
  if (auto u = container::ParseUrl(url, 443); u.ok() && u->scheme == "https" &&
                                              u->host == "app.netdata.cloud" && u->port == 443 &&
                                              (u->path == "/" || u->path.empty())) {
    return "";
  }
  return "; the agent's Cloud URL is " + container::RedactUrl(url) +
         ", not the default https://app.netdata.cloud: make sure it is meant";
}

/// The first line of a claim failure reason ("Request failed with error: Timeout was
/// reached\nproxy: 'env',..." -> "Request failed with error: Timeout was reached").
std::string FirstLine(const std::string& reason) { return reason.substr(0, reason.find('\n')); }

ReasonMap MapReason(std::string_view reason, const std::string& port = "443") {
  if (container::Contains(reason, "resolve"))
    return {"network.dns", "the agent cannot resolve the Cloud's name"};
  if (container::Contains(reason, "proxy"))
    return {"network.proxy", "the proxy refused or failed the CONNECT"};
  if (container::Contains(reason, "TLS") || container::Contains(reason, "SSL")) {
    return {"network.tls",
            "TLS to the Cloud fails (an intercepting proxy or missing CA certificates)"};
  }
  if (container::Contains(reason, "WebSockets") || container::Contains(reason, "MQTT") ||
      container::Contains(reason, "CONNACK") || container::Contains(reason, "LWT")) {
    return {"network.websocket",
            "the WebSocket/MQTT link is cut (a firewall that blocks WebSockets)"};
  }
  if (container::Contains(reason, "connection refused") || reason == "timeout") {
    return {"network.tls", "TCP port " + port + " to the Cloud is not reachable"};
  }
  if (container::Contains(reason, "decryption failed") ||
      container::Contains(reason, "not claimed")) {
    return {"claim.state", "the claim files do not match what the Cloud knows (re-claim the node)"};
  }
  if (container::Contains(reason, "cloud url")) return {"claim.config", "the claim URL is wrong"};
  if (container::Contains(reason, "/env") || container::Contains(reason, "otp") ||
      container::Contains(reason, "https client") ||
      container::Contains(reason, "ping timed out") || container::Contains(reason, "progress") ||
      container::Contains(reason, "closed by remote") ||
      container::Contains(reason, "socket error") || container::Contains(reason, "poll()")) {
    return {"network.https", "HTTPS requests to the Cloud do not get through"};
  }
  return {"network.https", "the path to the Cloud is not open"};
}

/// The parent this agent streams to: stream.conf [stream] `enabled` (boolean) and `destination`
/// (src/streaming/stream-conf.c stream_conf_load()); "" when it does not stream.
std::string StreamDestination(Context& ctx) {
  auto text = ctx.sys.ReadFile(ctx.in.config_dir + "/stream.conf", 256 * 1024, true);
  if (!text.ok()) return "";
  const container::IniFile ini = container::ParseIni(*text);
  const auto* enabled = ini.Find("stream", "enabled");
  const auto* destination = ini.Find("stream", "destination");
  if (enabled == nullptr || destination == nullptr || destination->value.empty()) return "";
  const std::string& v = enabled->value;
  const bool on = v == "yes" || v == "true" || v == "on" || v == "1" || v == "auto";
  return on ? destination->value : "";
}

/// What is known about this node's stream to a parent: its stream.conf, and while the agent
/// runs, what it says now in /api/v3/info (v2.0+, agent model `reports-stream-state`).
struct StreamFacts {
  std::string destination;  ///< stream.conf [stream] destination when enabled, else ""
  bool running = false;     ///< the agent answered (else only its status file spoke)
  bool indirect = false;    ///< cloud.status `indirect`: it reaches Cloud through a parent now
  std::optional<bool> connected;  ///< its own stream is connected now; unset = not said
  int64_t sending = 0;            ///< nodes.sending, when the agent answered it
  std::string source;             ///< where nodes.sending was read ("GET /api/v3/info"), or ""
};

StreamFacts GatherStream(Context& ctx, const std::optional<container::CloudStatus>& cloud,
                         bool running) {
  StreamFacts f;
  f.destination = StreamDestination(ctx);
  f.running = running;
  if (!cloud) return f;
  f.indirect = cloud->status == "indirect";
  if (cloud->nodes_sending && cloud->nodes_receiving) {
    // Every sender is this node or a child online here: more senders than children = itself,
    // none = not itself; otherwise the senders may all be children it passes on.
    f.sending = *cloud->nodes_sending;
    f.source = cloud->source.empty() ? "/api/v3/info" : cloud->source;
    if (f.sending > *cloud->nodes_receiving) f.connected = true;
    if (f.sending == 0) f.connected = false;
  }
  return f;
}

/// How Netdata Cloud shows a node whose own link is down
/// (docs/netdata-cloud/node-states-and-transitions.md@v2.10.4).
enum class CloudShows {
  kOffline,        ///< no parent, or a stream to a parent that does not bring it to Cloud
  kStale,          ///< at best Stale: a parent may keep its earlier data, nothing live
  kLiveViaParent,  ///< its stream to a claimed parent is up (`indirect`)
};

CloudShows JudgeStream(const StreamFacts& f) {
  if (f.indirect) return CloudShows::kLiveViaParent;
  // Streaming now, yet not `indirect`: the parent does not bring it to Netdata Cloud.
  if (f.connected == true) return CloudShows::kOffline;
  return f.destination.empty() ? CloudShows::kOffline : CloudShows::kStale;
}

const char* CloudShowsName(CloudShows shows) {
  switch (shows) {
    case CloudShows::kLiveViaParent:
      return "live-via-parent";
    case CloudShows::kStale:
      return "stale";
    case CloudShows::kOffline:
      break;
  }
  return "offline";
}

/// " (stream.conf [stream] destination X)" naming the configured parent, or "".
std::string NamedParent(const StreamFacts& f) {
  return f.destination.empty()
             ? ""
             : " (stream.conf [stream] destination " + container::RedactUrl(f.destination) + ")";
}

/// Stale vs Offline, for a node that was online and lost its link, in the details and at the
/// end of the message.
void SayStaleOrOffline(const StreamFacts& f, Result& r) {
  const CloudShows shows = JudgeStream(f);
  r.details["streams_to"] = f.destination.empty() ? Details(nullptr) : Details(f.destination);
  r.details["cloud_shows"] = CloudShowsName(shows);
  if (f.connected) r.details["streams_now"] = *f.connected;
  if (f.connected == true) {
    r.message += "; it streams to a parent now" + NamedParent(f) + " (" + f.source +
                 ": nodes.sending " + std::to_string(f.sending) +
                 "), but not to one that brings it to Netdata Cloud (the agent says `offline`, not "
                 "`indirect`): Netdata Cloud shows it Offline until that parent is claimed and "
                 "connected to Netdata Cloud";
  } else if (f.destination.empty()) {
    r.message += "; it streams to no parent (stream.conf), so Netdata Cloud shows it Offline";
  } else if (f.connected == false) {
    r.message += "; stream.conf streams to " + container::RedactUrl(f.destination) +
                 ", but the agent is not connected to it now (" + f.source +
                 ": nodes.sending 0): Netdata Cloud shows this node Stale while that parent "
                 "keeps its earlier data and is connected to Netdata Cloud, else Offline";
  } else if (f.running) {
    r.message += "; stream.conf streams to " + container::RedactUrl(f.destination) +
                 ", and the agent's answer does not tell whether that stream is up (" +
                 (f.source.empty() ? Cite(Behaviour::kReportsStreamState)
                                   : f.source + ": nodes.sending " + std::to_string(f.sending) +
                                         " counts the children it passes on as well") +
                 "): while it is and the parent is connected to Netdata Cloud, the node is Live "
                 "through the parent; while it is not, Stale at best";
  } else {
    r.message += "; it streams to " + container::RedactUrl(f.destination) +
                 " (stream.conf [stream] destination): while that parent is connected, Netdata "
                 "Cloud shows this node Stale (its data served by the parent), not Offline";
  }
}

/// Claim failure reasons (cloud.reason while `available`) and what they mean.
Result ClaimFailed(Context& ctx, const std::string& full_reason, const std::string& url) {
  const std::string reason = FirstLine(full_reason);
  Result r = Result::Fail("the agent is not claimed: the last claim attempt failed: " + reason,
                          "Fix the claim and restart the agent so that it claims again");
  r.node_state = "absent";
  r.section = std::string(section::kClaimingUnsuccessful);
  // libcurl's errors (the agent logs "CLAIM: Request failed with error: <curl error>"): the
  // claim request never got an answer, so the network is at fault, not the claim settings.
  if (reason.rfind("Request failed with error:", 0) == 0) {
    const std::string curl = reason.substr(sizeof("Request failed with error:"));
    ReasonMap m = MapReason(curl, CloudPort(url));
    if (container::Contains(curl, "Timeout") || container::Contains(curl, "connect")) {
      m = {"network.https",
           "the claim request to " +
               (url.empty() ? std::string("the Cloud") : container::RedactUrl(url)) +
               " got no answer (TCP port " + CloudPort(url) +
               " blocked, a black-holing firewall or proxy)"};
    }
    r.message += " (the agent logs \"CLAIM: " + reason + "\")" + NonDefaultCloud(url);
    if (const Result* net = ctx.Earlier(m.check);
        net != nullptr && (net->status == Status::kFail || net->status == Status::kWarn)) {
      r.message += " (" + std::string(m.check) + ": " + net->message + ")";
    }
    r.remediation = "See " + std::string(m.check) + ": " + m.advice +
                    "; fix it and restart the agent so that it claims again";
    r.section = std::string(section::kClaimingUnsuccessful);
    r.details["explained_by"] = std::string(m.check);
    return r;
  }
  if (container::Contains(reason, "409") || container::Contains(reason, "already claimed")) {
    r.remediation =
        "This identity is already claimed elsewhere (a cloned /var/lib/netdata or image layer): "
        "give "
        "this node its own /var/lib/netdata (delete registry/netdata.public.unique.id, cloud.d/ "
        "and the "
        "status-netdata.json backups) and claim again";
    r.section = std::string(section::kNotCloned);
  } else if (container::Contains(reason, "403") || container::Contains(reason, "token")) {
    r.remediation =
        "The Cloud refused the claim token: copy the token and room ids again from Netdata Cloud "
        "(Add Nodes) into NETDATA_CLAIM_TOKEN/NETDATA_CLAIM_ROOMS or claim.conf";
  }
  return r;
}

Result FromStatusFile(Context& ctx, const container::AgentTarget& target, const Error& why) {
  auto sf = ctx.sys.Agent().ReadStatusFile(target);
  if (!sf.ok()) {
    Result r = Result::Skip("the agent is not running here (" + why.message +
                            ") and left no status-netdata.json");
    r.details["running"] = false;
    return r;
  }
  const bool claimed = !sf->claim_id.empty();
  const std::string exit =
      sf->exit_reason.empty() ? "none recorded" : container::Join(sf->exit_reason);
  const std::string at = sf->timestamp.empty() ? "an unknown time" : sf->timestamp;
  Result r;
  if (sf->aclk == "banned") {
    r = Result::Fail("the agent is not running; at " + at + " Netdata Cloud had banned it",
                     kBannedSteps);
    r.section = std::string(section::kNotBanned);
    r.node_state = "offline";
  } else if (sf->aclk == "online") {
    r = Result::Fail(
        "the agent is not running; it was online until " + at + ", exit reason: " + exit,
        "Start the agent again and find why it stopped (exit reason, `docker logs`, "
        "the container's restart policy)");
    r.section = std::string(section::kAgentRunning);
    r.node_state = "offline";
    SayStaleOrOffline(GatherStream(ctx, std::nullopt, /*running=*/false), r);
  } else if (claimed) {
    r = Result::Fail(
        "the agent is not running; at " + at + " it was claimed but " +
            (sf->aclk.empty() ? "its link state was not recorded" : "`" + sf->aclk + "`") +
            ", exit reason: " + exit,
        "Start the agent again and find why it stopped (exit reason, `docker logs`)");
    r.section = std::string(section::kAgentRunning);
  } else {
    r = Result::Warn(
        "the agent is not running; at " + at + " it was not claimed, exit reason: " + exit,
        "Start the agent; it claims at start when a claim token is configured");
    r.section = std::string(section::kAgentRunning);
  }
  r.details["running"] = false;
  r.details["status_file"] = sf->path;
  r.details["last_status"] = sf->status;
  r.details["last_aclk"] = sf->aclk;
  r.details["exit_reason"] = sf->exit_reason;
  if (sf->restarts) r.details["restarts"] = *sf->restarts;
  if (sf->crashes) r.details["crashes"] = *sf->crashes;
  r.details["claimed"] = claimed;
  r.details["claim_wanted"] = ctx.Claim().Wanted();
  r.details["online"] = false;
  if (sf->aclk == "online") r.details["ever_online"] = true;
  return r;
}

/// The v1.41–v1.47 and v2 `cloud.status` read as aclk-state (for agents that refuse the
/// aclk-state but answer /api/v3/info).
container::AclkState AclkFromCloud(const container::CloudStatus& cs) {
  container::AclkState st;
  st.source = cs.source;
  st.available = cs.status != "unavailable";
  st.claimed = cs.status == "online" || cs.status == "offline" || cs.status == "banned";
  st.online = cs.status == "online";
  st.banned = cs.status == "banned";
  st.claim_id = cs.claim_id;
  st.cloud_url = cs.url;
  return st;
}

// A failure when Cloud is wanted; else a warning: the agent monitors locally, as asked.
Result BuiltWithoutCloud(Context& ctx, Details d) {
  const std::string message =
      "the agent was built without Netdata Cloud support (ACLK Available: No): it can never "
      "connect";
  const std::string fix =
      "Install Netdata from the official packages or the netdata/netdata image; distribution "
      "builds with --disable-cloud (e.g. Debian's netdata 1.37.1) cannot be claimed";
  Result r = ctx.KeptOutOfCloud(message, fix);
  r.section = std::string(section::kClaimingUnsuccessful);
  r.node_state = "absent";
  d["available"] = false;
  d["claimed"] = false;
  d["online"] = false;
  r.details = std::move(d);
  return r;
}

/// Claimed, its own link down, its stream to a claimed parent up (`indirect`): Netdata Cloud
/// shows it Live through the parent; its own link keeps it Live only if that parent goes.
Result ThroughParent(Context& ctx, const container::AclkState& st,
                     const container::CloudStatus& cloud) {
  const StreamFacts f = GatherStream(ctx, cloud, /*running=*/true);
  const std::string url = !st.cloud_url.empty() ? st.cloud_url : cloud.url;
  const ReasonMap m = MapReason(cloud.reason, CloudPort(url));
  Result r = Result::Warn(
      "the agent's own link to Netdata Cloud is down (" +
          (cloud.reason.empty() ? std::string("no reason reported") : cloud.reason) +
          "), but it reaches Netdata Cloud through its parent" + NamedParent(f) +
          " (the agent says `indirect`): Netdata Cloud shows the node Live through that parent",
      "Nothing keeps the node from being Live while that parent is connected; its own link "
      "keeps it Live if the parent goes: see " +
          std::string(m.check) + ": " + m.advice);
  r.details["streams_to"] = f.destination.empty() ? Details(nullptr) : Details(f.destination);
  r.details["cloud_shows"] = CloudShowsName(CloudShows::kLiveViaParent);
  r.details["explained_by"] = std::string(m.check);
  return r;
}

Result NotClaimed(Context& ctx, const std::string& status, const std::string& reason,
                  const std::string& url) {
  if (status == "indirect") {
    Result r = Result::Pass(
        "the agent is not claimed itself but reaches Netdata Cloud through a claimed parent "
        "(indirect): it appears there via the parent");
    r.details["cloud_shows"] = CloudShowsName(CloudShows::kLiveViaParent);
    return r;
  }
  if (!reason.empty() && reason != "Agent is not claimed yet") {
    return ClaimFailed(ctx, reason, url);
  }
  // The claim settings themselves, not claim.token's result: with `--only cloud.link` that
  // check did not run, and a configured token was taken for none.
  if (!ctx.Claim().Wanted())
    return Result::Pass("the agent is running and not claimed (claiming is not configured)");
  Result r = Result::Fail(
      "the agent is running but not claimed, although claiming is configured",
      "Look for the claim error in the agent's log (`docker logs`, grep CLAIM) and restart the "
      "agent to claim again");
  r.section = std::string(section::kClaimingUnsuccessful);
  r.node_state = "absent";
  return r;
}

Result Offline(Context& ctx, const container::AclkState& st,
               const std::optional<container::CloudStatus>& cloud, bool ever_online, Details& d) {
  const std::string reason = cloud ? cloud->reason : "";
  const std::string url = !st.cloud_url.empty() ? st.cloud_url : cloud ? cloud->url : "";
  ReasonMap m = MapReason(reason, CloudPort(url));
  std::string msg =
      "the agent is claimed but offline: " + (reason.empty() ? "no reason reported" : reason);
  msg += NonDefaultCloud(url);
  if (cloud && cloud->next_in) msg += "; next attempt in " + std::to_string(*cloud->next_in) + "s";
  if (const Result* net = ctx.Earlier(m.check);
      net != nullptr && (net->status == Status::kFail || net->status == Status::kWarn)) {
    msg += " (" + std::string(m.check) + ": " + net->message + ")";
  }
  Result r;
  if (reason.empty() && !ever_online && st.reconnect_count.value_or(0) == 0) {
    r = Result::Warn(msg + "; it may still be connecting",
                     "Check again in a minute; if it stays offline, run the network checks");
  } else {
    r = Result::Fail(msg, "See " + std::string(m.check) + ": " + std::string(m.advice) +
                              "; fix it and the agent reconnects by itself");
  }
  r.section =
      std::string(ever_online ? section::kPreviouslyConnected : section::kClaimedCannotConnect);
  r.node_state = ever_online ? "offline" : "unseen";
  if (ever_online) SayStaleOrOffline(GatherStream(ctx, cloud, /*running=*/true), r);
  d["explained_by"] = std::string(m.check);
  if (r.details.is_object()) d.update(r.details);
  return r;
}

/// Judges the link from what the agent said: aclk-state, plus the v2 cloud object if any.
Result Judge(Context& ctx, const container::AclkState& st,
             const std::optional<container::CloudStatus>& cloud, Details d) {
  const std::string status = cloud ? cloud->status : "";
  const std::string reason = cloud ? cloud->reason : "";
  if (st.available == false || status == "unavailable") return BuiltWithoutCloud(ctx, std::move(d));
  if (st.claimed) d["claimed"] = *st.claimed;
  // The verdict's node state must not depend on whether claim.token was selected.
  d["claim_wanted"] = ctx.Claim().Wanted();
  if (st.online) d["online"] = *st.online;
  const bool ever_online = st.online == true || !st.last_connect.empty();
  if (st.claimed == true) d["ever_online"] = ever_online;
  if (st.banned) d["banned"] = *st.banned;
  if (!st.claim_id.empty()) d["claim_id"] = st.claim_id;
  if (!st.cloud_url.empty()) d["cloud_url"] = st.cloud_url;
  if (!st.node_id.empty()) d["node_id"] = st.node_id;
  if (st.reconnect_count) d["reconnect_count"] = *st.reconnect_count;
  if (!st.last_connect.empty()) d["last_connect"] = st.last_connect;
  if (cloud) {
    d["status"] = cloud->status;
    if (!cloud->reason.empty()) d["reason"] = cloud->reason;
    if (cloud->next_in) d["next_in"] = *cloud->next_in;
  }
  Result r;
  if (st.banned == true || status == "banned" || reason == "banned") {
    r = Result::Fail("Netdata Cloud banned this agent (Banned By Cloud: Yes)", kBannedSteps);
    r.section = std::string(section::kNotBanned);
    r.node_state = "offline";
  } else if (status == "disabled") {
    r = Result::Fail("the agent's Netdata Cloud support is disabled in its configuration",
                     "Set `enabled = yes` under [global] in /var/lib/netdata/cloud.d/cloud.conf "
                     "(or remove the line) and restart the agent");
    r.section = std::string(section::kClaimingUnsuccessful);
    r.node_state = "absent";
  } else if (st.claimed == true && status == "indirect") {
    r = ThroughParent(ctx, st, *cloud);
  } else if (st.claimed == false || status == "available" || status == "indirect") {
    r = NotClaimed(ctx, status, reason, cloud ? cloud->url : st.cloud_url);
  } else if (st.online == true) {
    r = Result::Pass("the agent is online" + (st.cloud_url.empty()
                                                  ? std::string()
                                                  : " (connected to " + st.cloud_url + ")"));
  } else {
    r = Offline(ctx, st, cloud, ever_online, d);
  }
  if (r.details.is_object()) d.update(r.details);  // e.g. explained_by of a claim failure
  r.details = std::move(d);
  return r;
}

Result FromCloudOnly(Context& ctx, const container::CloudStatus& cs, const Error& why) {
  Details d = Details::object();
  d["running"] = true;
  d["source"] = cs.source;
  d["bearer_protected"] = true;
  Result r = Judge(ctx, AclkFromCloud(cs), cs, std::move(d));
  r.message += " (v1/v2 API refused: " + why.message + ")";
  return r;
}

/// Before the hand-off (`run`, `check --gate`) this container's agent has not started: what
/// answers on the socket or port is another agent, and the status file is the previous run's.
/// Both are history: said, never a failure that could refuse this start.
Result BeforeHandOff(Context& ctx, const container::AgentTarget& target) {
  Result r = Result::Skip(
      "the agent starts after these checks (run / check --gate): there is no link to check yet");
  r.details["running"] = false;
  auto sf = ctx.sys.Agent().ReadStatusFile(target);
  if (!sf.ok()) return r;
  const std::string at = sf->timestamp.empty() ? "an unknown time" : sf->timestamp;
  r.details["status_file"] = sf->path;
  r.details["last_aclk"] = sf->aclk;
  r.details["last_status"] = sf->status;
  if (sf->aclk == "banned") {
    r = Result::Warn("the previous run of this agent recorded at " + at +
                         " that Netdata Cloud had banned it (status-netdata.json)",
                     kBannedSteps);
    r.section = std::string(section::kNotBanned);
    r.details["status_file"] = sf->path;
    r.details["last_aclk"] = sf->aclk;
    return r;
  }
  r.message +=
      "; the previous run recorded link `" + (sf->aclk.empty() ? "?" : sf->aclk) + "` at " + at;
  return r;
}

/// "; it claims at start (...) before it serves requests" when a v2 agent has a claim to make.
std::string ClaimingAtStart(Context& ctx) {
  if (!ctx.Claim().Wanted() || ctx.Claimed().Claimed()) return "";
  if (ctx.Agent().Does(Behaviour::kClaimsBeforeServingHttp) == Holds::kNo) return "";
  return ": a v2 agent with a claim to make claims at start before it serves requests (up to "
         "5 attempts, ~30 s when the Cloud does not answer; " +
         Cite(Behaviour::kClaimsBeforeServingHttp) + ")";
}

/// After an HTTP timeout: a Warn saying the agent is initializing when its socket answers
/// `ping`, or when a v2 agent has a claim to make; else a Skip (nothing to say).
Result Initializing(Context& ctx, const container::AgentTarget& target,
                    container::Deadline deadline, const std::string& what) {
  const std::string claiming = ClaimingAtStart(ctx);
  auto ping = ctx.sys.Agent().Ping(target, deadline);
  const bool pong = ping.ok() && ping->ready;
  if (!pong && claiming.empty()) return Result::Skip("");
  Result r = Result::Warn(
      "the agent " + what + (pong ? " but answers `ping` on " + ping->via : std::string()) +
          ": it is " + (pong ? "" : "probably ") + "still initializing" + claiming,
      "Check again in 30 seconds (probe --require online); if the HTTP API stays silent after "
      "that, look at the agent's log (docker logs CONTAINER, grep CLAIM)");
  r.details["running"] = true;
  r.details["initializing"] = true;
  return r;
}

Result RunCloudLink(Context& ctx) {
  const container::AgentTarget target = AgentTargetFrom(ctx.in);
  if (ctx.in.hands_off) return BeforeHandOff(ctx, target);
  const auto deadline = std::min(ctx.deadline, std::chrono::steady_clock::now() + kAgentBudget);
  container::AgentClient& agent = ctx.sys.Agent();

  auto aclk = agent.Aclk(target, deadline);
  if (!aclk.ok()) {
    const Error& e = aclk.error();
    if (e.code == ENOENT || e.code == ECONNREFUSED || e.code == ENOTSOCK) {
      return FromStatusFile(ctx, target, e);
    }
    if (e.code == ETIMEDOUT) {
      // A v2 agent claiming at start accepts HTTP connections and answers none until the
      // claim is done (up to ~30 s); its socket answers `ping` meanwhile.
      if (Result r =
              Initializing(ctx, target, deadline, "did not answer in time (" + e.message + ")");
          r.status != Status::kSkip) {
        return r;
      }
      // Something accepted the connection and then said nothing: not "not running".
      Result r = Result::Warn(
          "the agent did not answer in time (" + e.message + "); it may be hung or overloaded",
          "Look at the agent's log (docker logs CONTAINER) and restart the "
          "agent if it stays unresponsive");
      r.details["running"] = nullptr;
      return r;
    }
    if (e.code == EAGAIN) {
      Result r = Result::Warn("the agent is still initializing: " + e.message,
                              "Check again in a few seconds (probe --require online)");
      r.details["running"] = true;
      return r;
    }
    if (e.code == EACCES) {
      // Bearer protection guards v1/v2, not /api/v3/info: read the link state there.
      auto cs = agent.Cloud(target, deadline);
      if (cs.ok()) return FromCloudOnly(ctx, *cs, e);
      Result r = Result::Warn(
          "cannot ask the agent: " + e.message,
          "Share the agent's run directory (netdatacli socket) with this container, or point "
          "--cli-socket at it");
      r.details["running"] = true;
      r.details["bearer_protected"] = true;
      return r;
    }
    if (e.code == ENOTSUP) {
      return Result::Warn("the agent cannot report its link: " + e.message,
                          "Upgrade the agent to v1.32 or newer");
    }
    return Result::Error("cannot read the agent's link state: " + e.message);
  }
  const container::AclkState& st = *aclk;
  Details d = Details::object();
  d["running"] = true;
  d["source"] = st.source;
  if (st.initializing) {
    Result r = Result::Warn(
        "the agent is still initializing (aclk-state: \"Agent is "
        "initializing\"); its link state is not known yet" +
            ClaimingAtStart(ctx),
        "Check again in a few seconds (probe --require online)");
    r.details = d;
    r.details["initializing"] = true;
    return r;
  }
  if (st.available == true) d["available"] = true;
  // The v2 cloud object has what aclk-state lacks: the reason, and `indirect`.
  std::optional<container::CloudStatus> cloud;
  if (st.online != true && st.available != false) {
    auto cs = agent.Cloud(target, deadline);
    if (cs.ok()) cloud = *cs;
  }
  return Judge(ctx, st, cloud, std::move(d));
}

}  // namespace

const CheckDef kCloudLink{
    "cloud.link",
    "Agent's own link state",
    section::kClaimedCannotConnect,
    Kind::kOnline,
    {},
    &RunCloudLink,
    "What the running agent says: claimed, online, banned and why, or from status-netdata.json "
    "when it is down. A claim that failed at the connection level (the agent's \"CLAIM: Request "
    "failed with error: ...\") points at network.dns/tls/https; a v2 agent claiming at start "
    "(\"Agent is initializing\") is said to be initializing, not hung. Stale vs Offline: a node "
    "whose own link is down but whose stream to a claimed parent is up (the agent says "
    "`indirect`, v2.0+) is Live through the parent; one that streams now to a parent outside "
    "Netdata Cloud (nodes.sending) is Offline; one whose stream.conf names a parent it is not "
    "connected to, or that stopped, is Stale at best; one with no parent is Offline.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
