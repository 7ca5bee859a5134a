// The plan the five network checks share: targets, pins, CA option, and both proxies.
#include "checks/network_plan.h"

#include "checks/agent_model.h"
#include "checks/claim_settings.h"
#include "container/parse/ini.h"

namespace preflight::checks {
namespace {

using container::Endpoint;

constexpr const char* kApiHost = "api.netdata.cloud";
constexpr const char* kMqttHost = "mqtt.netdata.cloud";

void AddTarget(container::NetworkPlan& plan, const Endpoint& ep) {
  for (const auto& t : plan.targets) {
    if (t.host == ep.host && t.port == ep.port) return;
  }
  plan.targets.push_back(ep);
}

// "a, b ,c" -> {"a", "b", "c"}
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = text.find(',', pos);
    auto item = container::TrimSpace(
        std::string_view(text).substr(pos, comma == std::string::npos ? comma : comma - pos));
    if (!item.empty()) out.emplace_back(item);
    pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
  }
  return out;
}

// The link's proxy setting: netdata.conf [cloud] proxy (legacy) wins over cloud.conf.
std::pair<std::string, std::string> LinkSetting(Context& ctx) {
  auto read = [&](const std::string& path, const char* section,
                  const char* label) -> std::optional<std::pair<std::string, std::string>> {
    auto text = ctx.sys.ReadFile(path, 256 * 1024, true);
    if (!text.ok()) return std::nullopt;
    auto ini = container::ParseIni(*text);
    if (const auto* e = ini.Find(section, "proxy")) return std::make_pair(e->value, label);
    return std::nullopt;
  };
  if (auto v = read(ctx.in.config_dir + "/netdata.conf", "cloud", "netdata.conf [cloud] proxy")) {
    return *v;
  }
  if (auto v = read(ctx.in.var_lib + "/cloud.d/cloud.conf", "global", "cloud.conf proxy"))
    return *v;
  return {"env", "default (env)"};
}

std::string Unquote(std::string v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  return v;
}

Details ChoiceDetails(const container::ProxyChoice& c) {
  Details d = Details::object();
  d["url"] = c.url.empty() ? "" : container::RedactUrl(c.url);
  d["source"] = c.source;
  if (!c.why.empty()) d["why"] = c.why;
  return d;
}

}  // namespace

std::string TargetList(const container::NetworkPlan& plan) {
  std::string out;
  for (const auto& t : plan.targets) out += (out.empty() ? "" : ", ") + t.Name();
  return out;
}

NetworkSetup BuildNetworkSetup(Context& ctx) {
  NetworkSetup s;
  ClaimSettings claim = ctx.Claim();
  container::NetworkPlan& plan = s.plan;

  if (!ctx.in.cloud_url.empty()) {
    s.cloud_url = ctx.in.cloud_url;
    s.cloud_url_source = "--cloud-url";
    for (const auto& text : SplitList(ctx.in.cloud_url)) {
      auto url = container::ParseUrl(text, 443);
      if (!url.ok()) {
        s.errors.push_back("--cloud-url: " + url.error().message);
        continue;
      }
      AddTarget(plan, {url->host, url->port});
    }
    for (const auto& t : plan.targets) {
      if (t.host.rfind("mqtt.", 0) == 0) plan.websocket = t;
    }
    if (plan.websocket.host.empty() && !plan.targets.empty()) plan.websocket = plan.targets.front();
  } else {
    s.cloud_url = claim.url.set && !claim.url.value.empty() ? Unquote(claim.url.value)
                                                            : std::string(kDefaultCloudUrl);
    s.cloud_url_source = claim.url.set && !claim.url.value.empty() ? claim.url.source : "default";
    auto url = container::ParseUrl(s.cloud_url, 443);
    if (url.ok()) {
      AddTarget(plan, {url->host, url->port});
    } else {
      s.errors.push_back("claim URL (" + s.cloud_url_source + "): " + url.error().message);
    }
    AddTarget(plan, {kApiHost, 443});
    AddTarget(plan, {kMqttHost, 443});
    plan.websocket = {kMqttHost, 443};
  }

  plan.resolve = ctx.in.resolve;
  plan.ca_file = ctx.in.ca_file;

  const std::string claim_host = plan.targets.empty() ? "" : plan.targets.front().host;
  const AgentFacts agent = ctx.Agent();
  std::string claim_setting = claim.proxy.set ? Unquote(claim.proxy.value) : "env";
  std::string claim_setting_source = claim.proxy.set ? claim.proxy.source : "default (env)";
  // v2.0.0-v2.0.3: without NETDATA_CLAIM_PROXY the claim connects directly (#19098).
  if (!claim.proxy.set && claim.source == "environment" &&
      agent.Surely(Behaviour::kClaimProxyDefaultDirect)) {
    claim_setting = "none";
    claim_setting_source = "default of " + agent.version_text + " (direct)";
  }
  s.claim_proxy =
      container::ClaimProxy(claim_setting, claim_setting_source, ctx.sys.Env(), claim_host);
  auto [link_value, link_source] = LinkSetting(ctx);
  // A successful claim writes the claim's proxy into cloud.conf, and the link uses it from
  // then on: before the first claim, the claim's setting is the link's.
  if (link_source == "default (env)" && !claim.source.empty() && claim_setting != "env" &&
      !ctx.Claimed().Claimed() && agent.Does(Behaviour::kClaimProxyKeptForLink) != Holds::kNo) {
    link_value = claim_setting == "none" || claim_setting.empty() ? "none" : claim_setting;
    link_source = claim_setting_source +
                  ", which a successful claim writes into cloud.d/cloud.conf for the link";
    s.link_from_claim = true;
  }
  s.link_setting_source = link_source;
  container::LinkProxyRules rules;
  rules.reads_https_proxy = agent.Does(Behaviour::kLinkReadsHttpsProxy) != Holds::kNo;
  rules.socks_from_env = agent.Does(Behaviour::kLinkSocksFromEnv) != Holds::kNo;
  s.link_proxy = container::LinkProxy(Unquote(link_value), link_source, ctx.sys.Env(), rules);
  // Unknown version: the newest agent's rules decide; say when an older agent would differ.
  if (!agent.Known()) {
    const auto oldest = container::LinkProxy(Unquote(link_value), link_source, ctx.sys.Env(),
                                             {/*reads_https_proxy=*/false,
                                              /*socks_from_env=*/false});
    if (oldest.url != s.link_proxy.url) {
      s.link_proxy_by_version =
          "an agent older than v2.10.0 (" + Cite(Behaviour::kLinkSocksFromEnv) + ") or v2.3.0 (" +
          Cite(Behaviour::kLinkReadsHttpsProxy) + ") would use " +
          (oldest.url.empty() ? std::string("no proxy")
                              : "the proxy " + container::RedactUrl(oldest.url)) +
          (oldest.why.empty() ? std::string() : " (" + oldest.why + ")");
    }
  }
  for (auto* choice : {&s.claim_proxy, &s.link_proxy}) {
    if (choice->url.empty()) continue;
    if (auto url = container::ParseUrl(choice->url); !url.ok()) {
      s.errors.push_back("proxy from " + choice->source + ": " + url.error().message);
      choice->url.clear();
    }
  }
  plan.claim_proxy = s.claim_proxy.url;
  plan.link_proxy = s.link_proxy.url;
  plan.proxy_to_test = !plan.link_proxy.empty() ? plan.link_proxy : plan.claim_proxy;
  return s;
}

Details NetworkSetup::ToDetails() const {
  Details d = Details::object();
  Details targets = Details::array();
  for (const auto& t : plan.targets) targets.push_back(t.Name());
  d["targets"] = std::move(targets);
  d["websocket"] = plan.websocket.Name();
  d["cloud_url"] = container::RedactUrl(cloud_url);
  d["cloud_url_source"] = cloud_url_source;
  if (!plan.resolve.empty()) d["resolve"] = plan.resolve;
  d["claim_proxy"] = ChoiceDetails(claim_proxy);
  d["link_proxy"] = ChoiceDetails(link_proxy);
  if (link_from_claim) d["link_proxy"]["from_claim"] = true;
  if (!link_proxy_by_version.empty()) d["link_proxy"]["by_version"] = link_proxy_by_version;
  if (!errors.empty()) d["input_errors"] = errors;
  return d;
}

}  // namespace preflight::checks
