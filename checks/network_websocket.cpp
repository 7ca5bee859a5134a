// network.websocket: the agent's own upgrade (GET /mqtt, Upgrade: websocket,
// Sec-WebSocket-Protocol: mqtt, version 13) reaches the Cloud's MQTT host.
#include "checks/catalog.h"
#include "checks/findings.h"
#include "checks/network_plan.h"
#include "checks/sections.h"
#include "container/net/http_parse.h"

namespace preflight::checks {
namespace {

using container::ConnectOutcome;
using container::WsVerdict;

constexpr const char* kBlocked = "your firewall blocks WebSockets, even outbound";
constexpr const char* kAllowWs =
    "Allow WebSocket upgrades (GET /mqtt with Upgrade: websocket) to mqtt.netdata.cloud:443 in "
    "the firewall or proxy (disable its WebSocket blocking or TLS inspection for *.netdata.cloud).";

Result Run(Context& ctx) {
  const NetworkSetup s = BuildNetworkSetup(ctx);
  if (s.plan.websocket.host.empty()) return Result::Error("no WebSocket target");
  const auto& reach = ctx.sys.Network().Reach(s.plan, ctx.deadline);
  const auto& ws = reach.websocket;
  const auto& h = ws.http;
  const std::string where = "wss://" + ws.endpoint.Name() + "/mqtt";
  Details details = Details::object();
  details["url"] = where;
  details["via_proxy"] = ws.via_proxy;
  details["outcome"] = container::ConnectOutcomeName(ws.outcome);
  details["status"] = h.status;
  if (!h.server.empty()) details["server"] = h.server;
  if (!h.via.empty()) details["via"] = h.via;
  if (!h.error.empty()) details["error"] = h.error;
  Findings f;
  if (ws.outcome != ConnectOutcome::kOk) {
    f.Fail("The connection for the WebSocket upgrade to " + where + " failed before the upgrade (" +
               container::ConnectOutcomeName(ws.outcome) + ": " + ws.detail + ")",
           "Fix the path to " + ws.endpoint.Name() +
               " first: the link's proxy (see network.proxy) or TCP/TLS (see network.tls).");
    return f.ToResult("", std::move(details));
  }
  const WsVerdict verdict =
      container::ClassifyWebSocketAnswer(h.answered, h.status, h.content_type, h.body);
  details["verdict"] = container::WsVerdictName(verdict);
  std::string status = std::to_string(h.status) + (h.reason.empty() ? "" : " " + h.reason);
  switch (verdict) {
    case WsVerdict::kUpgraded:
      if (!reach.upgraded) {
        f.Fail("The upgrade to " + where + " got 101 with a wrong Sec-WebSocket-Accept: " +
                   kBlocked + " (something in between answers for the Cloud)",
               kAllowWs);
      }
      break;
    case WsVerdict::kAuthRefused:
      break;
    case WsVerdict::kRefused:
      f.Fail("The upgrade to " + where + " was answered " + status +
                 (h.server.empty() ? "" : " by " + h.server) + " instead of 101: " + kBlocked,
             kAllowWs);
      break;
    case WsVerdict::kNoAnswer:
      f.Fail("The upgrade to " + where + " got no answer (" +
                 (h.error.empty() ? ws.detail : h.error) + "): " + kBlocked,
             kAllowWs);
      break;
  }
  return f.ToResult(verdict == WsVerdict::kAuthRefused
                        ? "The Cloud answered the upgrade to " + where + " with " + status +
                              ": WebSockets get through (only the agent's credentials are missing)."
                        : "The Cloud upgraded " + where + " to a WebSocket (101)",
                    std::move(details));
}

}  // namespace

const CheckDef kNetworkWebsocket{
    "network.websocket",
    "WebSocket upgrade to Netdata Cloud",
    section::kWebsockets,
    Kind::kOnline,
    {"network.tls"},
    &Run,
    "The agent's upgrade exactly (GET /mqtt, Upgrade: websocket, Sec-WebSocket-Protocol: mqtt, "
    "version 13) gets 101 or an authentication refusal from the Cloud; a reset, a close or a "
    "proxy's answer means a firewall that blocks WebSockets, even outbound.",
};

}  // namespace preflight::checks
