// network.tls: TCP to every resolved address of every Cloud host (IPv4 and IPv6), then a TLS
// handshake with SNI verified against the CA bundle; names the issuer of a replaced chain.
#include <map>
#include <optional>

#include "checks/catalog.h"
#include "checks/findings.h"
#include "checks/network_plan.h"
#include "checks/sections.h"

namespace preflight::checks {
namespace {

using container::ConnectOutcome;
using container::TargetReach;

constexpr const char* kAllow443 =
    "Allow outbound TCP port 443 to api.netdata.cloud, app.netdata.cloud and mqtt.netdata.cloud "
    "in the firewall, security group or Kubernetes NetworkPolicy.";

std::string Where(const TargetReach& r) {
  std::string w = r.endpoint.Name();
  if (!r.address.empty() && !r.via_proxy) w += " (" + r.address + ")";
  if (r.via_proxy) w += " through the proxy";
  return w;
}

std::string Issuer(const TargetReach& r) {
  if (!r.cert.failing_issuer.empty()) return r.cert.failing_issuer;
  if (!r.cert.top_issuer.empty()) return r.cert.top_issuer;
  return r.cert.issuer.empty() ? "an unknown issuer" : r.cert.issuer;
}

// What one failed connection means, in words: what, and the one fix for it.
struct Wording {
  std::string what;
  std::string fix;
};

Wording Say(std::string what, std::string fix) { return {std::move(what), std::move(fix)}; }

// The words for a connection's outcome; none for one that worked.
std::optional<Wording> Word(const TargetReach& r, const container::CaBundle& ca) {
  const std::string w = Where(r);
  switch (r.outcome) {
    case ConnectOutcome::kOk:
      return std::nullopt;
    case ConnectOutcome::kNotResolved:
      return Say("No address to connect to for " + w + " (" + r.detail + ")",
                 "Fix name resolution first (see network.dns), or pin the host with --resolve.");
    case ConnectOutcome::kRefused:
      return Say(
          "TCP connect to " + w + " was refused (RST): a firewall rejects it or nothing listens",
          kAllow443);
    case ConnectOutcome::kTimeout:
      return Say(
          "TCP connect to " + w + " timed out: the SYN was dropped (blackholed by a firewall)",
          kAllow443);
    case ConnectOutcome::kUnreachable:
      return Say(
          "No route to " + w + " (" + r.detail + ")",
          "Give the container a route to the internet (default gateway, egress NAT), or allow "
          "the Cloud's addresses in the routing policy.");
    case ConnectOutcome::kProxyFailed:
      return Say("The proxy did not tunnel to " + w + ": " + r.detail,
                 "Fix the proxy (see network.proxy) so it CONNECTs to *.netdata.cloud:443.");
    case ConnectOutcome::kTlsTimeout:
      return Say("TCP to " + w +
                     " connected but the TLS handshake got no answer: something in between "
                     "accepts connections and stays silent",
                 "Let TLS to *.netdata.cloud:443 through the firewall or proxy unmodified (no "
                 "inspection, no tarpit).");
    case ConnectOutcome::kTlsUnknownCa:
      return Say("The certificate chain of " + w + " is issued by `" + Issuer(r) +
                     "`, not a CA of " + (ca.path.empty() ? "the CA bundle" : ca.path) +
                     ": a TLS-intercepting proxy or firewall replaces Netdata Cloud's certificate",
                 "Exempt *.netdata.cloud from TLS inspection in that proxy or firewall (the agent "
                 "cannot trust its certificate), or add its CA with --ca-file / SSL_CERT_FILE.");
    case ConnectOutcome::kTlsExpired:
      return Say(
          "The certificate of " + w + " (" + r.cert.subject + ") expired on " + r.cert.not_after,
          "Check the clock of this machine (date -u); if it is right, a middlebox serves an "
          "expired certificate: exempt *.netdata.cloud from its TLS inspection.");
    case ConnectOutcome::kTlsNotYetValid:
      return Say("The certificate of " + w + " is valid only from " + r.cert.not_before +
                     ": the clock of this machine is behind",
                 "Set the clock right (NTP on the host; containers share the host's clock).");
    case ConnectOutcome::kTlsWrongHost:
      return Say("The certificate presented by " + w + " is for `" + r.cert.subject + "`, not " +
                     r.endpoint.host + ": something in between answers for the Cloud",
                 "Find what intercepts " + r.endpoint.host +
                     " (DNS override, transparent proxy) and let the Cloud's own server answer.");
    case ConnectOutcome::kTlsIncomplete:
      return Say(
          "The certificate of " + w + " is issued by `" + r.cert.issuer +
              "`, which is not a CA of " + (ca.path.empty() ? "the CA bundle" : ca.path) +
              ", and the server sent no intermediate certificate with it: either the server "
              "omits its intermediate certificate, or a TLS-intercepting proxy or firewall "
              "replaces Netdata Cloud's certificate",
          "If the server is yours, serve the full chain (leaf and intermediate, e.g. "
          "fullchain.pem); otherwise exempt *.netdata.cloud from TLS inspection, or add its CA "
          "with --ca-file / SSL_CERT_FILE.");
    case ConnectOutcome::kTlsNotTls:
      return Say(
          w + " does not speak TLS: its answer to the TLS handshake is not TLS (" + r.detail +
              "), e.g. plain HTTP on port 443",
          "Point --cloud-url (or the proxy) at an https:// endpoint; if a firewall or transparent "
          "proxy answers port 443 in plain text, let TLS to *.netdata.cloud:443 through.");
    case ConnectOutcome::kTlsOldVersion:
      return Say(
          w + " offers only an outdated TLS version" +
              (r.cert.version.empty() ? std::string() : " (" + r.cert.version + ")") +
              ", older than TLS 1.2, which is refused (" + r.detail + ")",
          "Netdata Cloud speaks TLS 1.2 and 1.3: update or bypass the proxy or firewall that "
          "downgrades the connection (let TLS to *.netdata.cloud:443 through unmodified).");
    case ConnectOutcome::kTlsError:
      return Say("The TLS handshake with " + w + " failed: " + r.detail,
                 "Let TLS to *.netdata.cloud:443 through the firewall or proxy unmodified.");
    case ConnectOutcome::kNotRun:
      return Say("The connection to " + w + " could not start before the deadline",
                 "Give the checks more time with --deadline.");
  }
  return std::nullopt;
}

// The finding of one failed connection: a fail, or a warning when the agent can fall back.
void Judge(const TargetReach& r, const container::CaBundle& ca, Status status, Findings& f) {
  std::optional<Wording> words = Word(r, ca);
  if (!words) return;
  if (status == Status::kFail) {
    f.Fail(std::move(words->what), std::move(words->fix));
  } else {
    f.Warn(std::move(words->what), std::move(words->fix));
  }
}

Details ConnectionDetails(const TargetReach& r) {
  Details d = Details::object();
  d["target"] = r.endpoint.Name();
  d["address"] = r.address;
  d["via_proxy"] = r.via_proxy;
  d["outcome"] = container::ConnectOutcomeName(r.outcome);
  if (r.outcome != ConnectOutcome::kOk) d["detail"] = r.detail;
  d["tcp_ms"] = r.tcp_ms;
  d["tls_ms"] = r.tls_ms;
  if (!r.cert.subject.empty()) d["subject"] = r.cert.subject;
  if (!r.cert.issuer.empty()) d["issuer"] = r.cert.issuer;
  if (!r.cert.not_after.empty()) d["not_after"] = r.cert.not_after;
  return d;
}

Result Run(Context& ctx) {
  const NetworkSetup s = BuildNetworkSetup(ctx);
  if (s.plan.targets.empty()) return Result::Error("no Cloud target");
  const auto& reach = ctx.sys.Network().Reach(s.plan, ctx.deadline);
  Details details = Details::object();
  Details ca = Details::object();
  ca["path"] = reach.ca.path;
  ca["source"] = reach.ca.source;
  ca["certificates"] = reach.ca.certificates;
  details["ca_bundle"] = std::move(ca);
  Findings f;
  if (!reach.ca.error.empty()) {
    f.Fail("No usable CA bundle: " + reach.ca.error,
           "Install the CA certificates (ca-certificates) in the image, or name a bundle with "
           "--ca-file or SSL_CERT_FILE.");
  }
  // Per target: a working address makes a dead one a warning (the agent falls back), except
  // an unreachable IPv6 path, which is normal in a container without IPv6.
  std::map<std::string, bool> target_ok;
  for (const auto& r : reach.targets)
    target_ok[r.endpoint.Name()] |= r.outcome == ConnectOutcome::kOk;
  Details conns = Details::array();
  int ok = 0;
  for (const auto& r : reach.targets) {
    conns.push_back(ConnectionDetails(r));
    if (r.outcome == ConnectOutcome::kOk) {
      ++ok;
      continue;
    }
    const bool fallback = target_ok[r.endpoint.Name()];
    const bool ipv6 = r.address.find(':') != std::string::npos;
    if (fallback && ipv6 && r.outcome == ConnectOutcome::kUnreachable) continue;
    Judge(r, reach.ca, fallback ? Status::kWarn : Status::kFail, f);
  }
  details["connections"] = std::move(conns);
  return f.ToResult("TLS verified to " + TargetList(s.plan) + " (" + std::to_string(ok) +
                        " connections, CA bundle " + reach.ca.path + " from " + reach.ca.source +
                        ")",
                    std::move(details));
}

}  // namespace

const CheckDef kNetworkTls{
    "network.tls",
    "TCP and TLS to Netdata Cloud",
    section::kVerifyAccess,
    Kind::kOnline,
    {"network.proxy", "network.dns"},
    &Run,
    "TCP 443 connects to every address of the Cloud hosts (refused, blackholed and unreachable "
    "told apart) and TLS verifies with SNI against the CA bundle; a chain from a private issuer "
    "means a TLS-intercepting proxy or firewall, which the agent will refuse.",
};

}  // namespace preflight::checks
