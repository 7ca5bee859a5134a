// network.https: an HTTPS request to every Cloud host gets an HTTP answer (any answer proves the
// path; 404 for GET / is what the guide expects); 403/429 and proxy block pages are failures.
#include <set>

#include "checks/catalog.h"
#include "checks/findings.h"
#include "checks/network_plan.h"
#include "checks/sections.h"
#include "container/net/http_parse.h"

namespace preflight::checks {
namespace {

using container::ConnectOutcome;
using container::HttpVerdict;
using container::TargetReach;

std::string Who(const container::HttpAnswer& h) {
  std::string who;
  if (!h.server.empty()) who += "Server: " + h.server;
  if (!h.via.empty()) who += std::string(who.empty() ? "" : ", ") + "Via: " + h.via;
  return who.empty() ? "" : " (" + who + ")";
}

void Judge(const TargetReach& r, Findings& f, bool& banned) {
  const auto& h = r.http;
  const std::string host = r.endpoint.Name();
  if (!h.answered) {
    f.Fail("No HTTP answer from " + host + " after TLS: " + (h.error.empty() ? r.detail : h.error),
           "Let HTTPS to *.netdata.cloud through the firewall or proxy: it accepts the "
           "connection but kills or stalls the request.");
    return;
  }
  const std::string status = std::to_string(h.status) + (h.reason.empty() ? "" : " " + h.reason);
  switch (container::ClassifyHttpAnswer(h.status, h.content_type, h.body)) {
    case HttpVerdict::kReachable:
      return;
    case HttpVerdict::kBlocked:
      banned = true;
      f.Fail(
          host + " answered " + status + Who(h) +
              ": Netdata Cloud, or a firewall or proxy in between, blocks this IP",
          "Check `netdatacli aclk-state | grep \"Banned By Cloud\"` and ask Netdata to unblock "
          "your IP (or change it); if a proxy or firewall answered, allow *.netdata.cloud there.");
      return;
    case HttpVerdict::kBlockPage:
      banned = true;
      f.Fail(host + " was answered " + status + " by an HTML block page" + Who(h) +
                 ": a proxy or web filter blocks Netdata Cloud",
             "Allow https://api.netdata.cloud, app.netdata.cloud and mqtt.netdata.cloud in the "
             "proxy's or firewall's web filter.");
      return;
  }
}

Result Run(Context& ctx) {
  const NetworkSetup s = BuildNetworkSetup(ctx);
  if (s.plan.targets.empty()) return Result::Error("no Cloud target");
  const auto& reach = ctx.sys.Network().Reach(s.plan, ctx.deadline);
  Findings f;
  bool banned = false;
  Details answers = Details::array();
  std::set<std::string> judged;
  std::string summary;
  for (const auto& r : reach.targets) {
    // One answer per host: the first address whose TLS worked (network.tls covers the rest).
    if (r.outcome != ConnectOutcome::kOk || !judged.insert(r.endpoint.Name()).second) continue;
    Details d = Details::object();
    d["target"] = r.endpoint.Name();
    d["address"] = r.address;
    d["status"] = r.http.status;
    if (!r.http.server.empty()) d["server"] = r.http.server;
    if (!r.http.via.empty()) d["via"] = r.http.via;
    if (!r.http.content_type.empty()) d["content_type"] = r.http.content_type;
    if (!r.http.answered) d["error"] = r.http.error;
    d["ms"] = r.total_ms;
    answers.push_back(std::move(d));
    if (r.http.answered) {
      summary +=
          (summary.empty() ? "" : ", ") + r.endpoint.host + " " + std::to_string(r.http.status);
    }
    Judge(r, f, banned);
  }
  if (judged.empty()) return Result::Skip("no Cloud host completed TLS (see network.tls)");
  Details details = Details::object();
  details["answers"] = std::move(answers);
  Result r = f.ToResult("Every Cloud host answers HTTPS (" + summary + ")", std::move(details));
  if (banned) r.section = std::string(section::kNotBanned);
  return r;
}

}  // namespace

const CheckDef kNetworkHttps{
    "network.https",
    "HTTPS to Netdata Cloud",
    section::kVerifyAccess,
    Kind::kOnline,
    {"network.tls"},
    &Run,
    "An HTTPS request reaches the Cloud: any HTTP answer proves the path (the guide expects 404 "
    "for GET /); 403/429 mean a banned IP or a firewall, an HTML block page means a web filter.",
};

}  // namespace preflight::checks
