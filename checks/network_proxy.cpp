// network.proxy: which proxy claiming uses (libcurl's environment rules) and which one the link
// uses (the ACLK's own rules), whether they agree, and whether the proxy tunnels to the Cloud.
#include "checks/agent_model.h"
#include "checks/catalog.h"
#include "checks/findings.h"
#include "checks/network_plan.h"
#include "checks/sections.h"

namespace preflight::checks {
namespace {

using container::ProxyChoice;
using container::RedactUrl;

std::string Shown(const ProxyChoice& c) {
  if (c.url.empty()) return "no proxy";
  return "the proxy " + RedactUrl(c.url) + " (from " + c.source + ")";
}

bool UnknownFormat(const ProxyChoice& c) {
  return c.url.empty() && c.why.find("unknown format") != std::string::npos;
}

void CheckAgreement(const NetworkSetup& s, const AgentFacts& agent, Findings& f) {
  const ProxyChoice& claim = s.claim_proxy;
  const ProxyChoice& link = s.link_proxy;
  if (UnknownFormat(link)) {
    // The agent ignores the value and connects directly (aclk_proxy.c, no fallback).
    const bool from_env = link.source == "http_proxy" || link.source == "https_proxy";
    f.Warn("The link (ACLK) of " + agent.Name() + " ignores " + link.source + ": " + link.why +
               " (" + Cite(Behaviour::kLinkProxyPrefixStrict) + ")",
           from_env && agent.Does(Behaviour::kLinkSocksFromEnv) != Holds::kYes
               ? "Write " + link.source +
                     " as http://[USER:PASSWORD@]HOST:PORT (lowercase "
                     "scheme; this agent takes socks5:// from the environment only from v2.10.0)."
               : "Write it as http://, socks5:// or socks5h://[USER:PASSWORD@]HOST:PORT (lowercase "
                 "scheme).");
    return;
  }
  if (claim.url == link.url) {
    // Same path for the claim and the link.
  } else if (link.url.empty()) {
    const bool https_read = agent.Does(Behaviour::kLinkReadsHttpsProxy) != Holds::kNo;
    f.Warn("Claiming uses " + Shown(claim) + " but the link (ACLK) connects directly: it reads " +
               (https_read ? "only lowercase http_proxy, then https_proxy,"
                           : "only lowercase http_proxy in " + agent.Name() +
                                 " (https_proxy "
                                 "from v2.3.0: " +
                                 Cite(Behaviour::kLinkReadsHttpsProxy) + "),") +
               " or `proxy` in cloud.conf",
           std::string(https_read ? "Set lowercase `https_proxy`" : "Set lowercase `http_proxy`") +
               " (or `proxy` in /var/lib/netdata/cloud.d/cloud.conf) to the same proxy so the link "
               "takes the path the claim takes.");
  } else if (claim.url.empty()) {
    f.Warn("The link (ACLK) uses " + Shown(link) + " but claiming connects directly (" +
               (claim.why.empty() ? "libcurl ignores http_proxy for https URLs" : claim.why) + ")",
           "Set `https_proxy` or NETDATA_CLAIM_PROXY (or `proxy` in claim.conf) to the same proxy "
           "so the claim request takes the path the link takes.");
  } else {
    f.Warn("Claiming uses " + Shown(claim) + " but the link uses " + Shown(link),
           "Give claiming and the link the same proxy (NETDATA_CLAIM_PROXY and `proxy` in "
           "cloud.d/cloud.conf), unless the two paths are meant to differ.");
  }
  if (!s.link_proxy_by_version.empty()) {
    f.Warn(
        "The link's proxy depends on the agent's version, which is unknown: the newest "
        "agent uses " +
            Shown(link) + ", " + s.link_proxy_by_version,
        "Run the checks where agent.version can find the agent (or give --agent), or set the "
        "proxy in a form every version reads: lowercase http_proxy=http://HOST:PORT.");
  }
}

void CheckProbe(const container::ProxyProbe& p, const std::string& source, bool has_credentials,
                Findings& f) {
  const std::string who = "The proxy " + p.proxy + " (from " + source + ")";
  // 407 asks for credentials; some proxies (tinyproxy) answer wrong ones with 401.
  if (p.connect_code == 407 || (p.connect_code == 401 && has_credentials)) {
    f.Fail(
        who + (has_credentials
                   ? " rejected the credentials in its URL (" + std::to_string(p.connect_code) + ")"
                   : " demands credentials (407 Proxy Authentication Required)"),
        "Put the proxy's user and password in the proxy URL (http://USER:PASSWORD@host:port) in " +
            source + ".");
  } else if (p.connect_code == 403) {
    f.Fail(who + " refuses CONNECT to " + p.target + " (403 Forbidden)",
           "Allow CONNECT to port 443 of *.netdata.cloud in the proxy's rules (tinyproxy "
           "ConnectPort 443, squid SSL_ports/http_access).");
  } else if (p.connect_code != 0 && p.connect_code / 100 != 2) {
    f.Fail(who + " answered " + std::to_string(p.connect_code) + " to CONNECT " + p.target,
           "Make the proxy tunnel (CONNECT) to *.netdata.cloud:443, or set the proxy to `none`.");
  } else if (!p.reachable) {
    f.Fail(who + (p.timed_out ? " did not answer before the deadline"
                              : " cannot be reached: " + p.error),
           "Fix the proxy's host and port in " + source +
               " or start the proxy before the agent (a sidecar proxy must be ready first).");
  } else if (!p.tunnel_ok && p.timed_out && p.connect_code == 0) {
    f.Fail(who + " accepted the connection but never answered CONNECT " + p.target +
               " before the deadline",
           "Fix or restart the proxy (it accepts connections and stays silent), or set the proxy "
           "to `none` if the network allows direct connections.");
  } else if (!p.tunnel_ok) {
    f.Fail(
        who + " accepted the connection but did not open a tunnel to " + p.target + ": " + p.error,
        "Make the proxy tunnel (CONNECT) to *.netdata.cloud:443, or set the proxy to `none`.");
  }
}

Result Run(Context& ctx) {
  const NetworkSetup s = BuildNetworkSetup(ctx);
  Details details = s.ToDetails();
  Findings f;
  for (const auto& e : s.errors) {
    if (e.rfind("proxy", 0) == 0) {
      f.Fail("The " + e, "Write the proxy as http://[USER:PASSWORD@]HOST:PORT, `env` or `none`.");
    }
  }
  CheckAgreement(s, ctx.Agent(), f);
  if (auto link = container::ParseUrl(s.link_proxy.url); link.ok() && link->scheme == "https") {
    f.Warn("The link's proxy " + RedactUrl(s.link_proxy.url) +
               " is an https:// proxy, which the ACLK "
               "does not support",
           "Give the link an http:// or socks5h:// proxy URL.");
  }
  if (s.plan.proxy_to_test.empty()) {
    return f.ToResult("No proxy: claiming and the link both connect directly", std::move(details));
  }
  const auto& probe = ctx.sys.Network().TestProxy(s.plan, ctx.deadline);
  const bool link_tested = s.plan.proxy_to_test == s.plan.link_proxy;
  const std::string source = link_tested ? s.link_proxy.source : s.claim_proxy.source;
  auto url = container::ParseUrl(s.plan.proxy_to_test);
  CheckProbe(probe, source, url.ok() && url->has_credentials(), f);
  Details p = Details::object();
  p["proxy"] = probe.proxy;
  p["target"] = probe.target;
  p["reachable"] = probe.reachable;
  p["connect_code"] = probe.connect_code;
  p["tunnel_ok"] = probe.tunnel_ok;
  if (!probe.error.empty()) p["error"] = RedactUrl(probe.error);
  p["ms"] = probe.ms;
  details["probe"] = std::move(p);
  return f.ToResult("The proxy " + probe.proxy + " tunnels to " + probe.target, std::move(details));
}

}  // namespace

const CheckDef kNetworkProxy{
    "network.proxy",
    "Proxy for claiming and the link",
    section::kVerifyAccess,
    Kind::kOnline,
    {},
    &Run,
    "Claiming (libcurl: https_proxy, HTTPS_PROXY, ALL_PROXY, NO_PROXY) and the link (lowercase "
    "http_proxy, then https_proxy from v2.3.0; only http:// from the environment before v2.10.0; "
    "a value not starting with http://, socks5:// or socks5h:// is ignored and the link connects "
    "directly) choose their proxy differently; a mismatch lets the claim succeed and the link "
    "fail. Before the first claim the link's proxy is the claim's (NETDATA_CLAIM_PROXY, "
    "claim.conf `proxy`): a successful claim writes it into cloud.d/cloud.conf; v2.0.0-v2.0.3 "
    "claim directly by default. The proxy must accept CONNECT to port 443 (403, 407 told apart).",
};

}  // namespace preflight::checks
