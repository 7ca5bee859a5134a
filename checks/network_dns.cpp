// network.dns: every Cloud host resolves, through c-ares with /etc/hosts, resolv.conf, search
// and ndots as the container sees them; NXDOMAIN, SERVFAIL, timeout and no nameserver differ.
#include <algorithm>

#include "checks/catalog.h"
#include "checks/findings.h"
#include "checks/network_plan.h"
#include "checks/sections.h"
#include "container/base/text.h"
#include "container/net/network_presence.h"

namespace preflight::checks {
namespace {

// A list for a message: "a, b", or "none".
std::string NoneIfEmpty(const std::vector<std::string>& items) {
  return items.empty() ? "none" : container::Join(items);
}

using container::DnsAnswer;
using container::DnsOutcome;

void Judge(const DnsAnswer& a, const std::string& servers, Findings& f) {
  const std::string h = "`" + a.host + "`";
  switch (a.outcome) {
    case DnsOutcome::kOk:
    case DnsOutcome::kPinned:
      return;
    case DnsOutcome::kNxDomain:
      f.Fail(h + " does not exist according to the nameserver (" + servers + "): NXDOMAIN",
             "Make the DNS server resolve " + a.host +
                 " (a DNS filter or a private zone answers "
                 "that it does not exist), or pin it with --resolve HOST:443:ADDR.");
      return;
    case DnsOutcome::kServFail:
      f.Fail("The nameserver (" + servers + ") failed to resolve " + h + ": SERVFAIL",
             "Fix the nameserver's upstream (it cannot reach the internet's DNS), or point "
             "/etc/resolv.conf at a working one (docker run --dns, Kubernetes dnsConfig).");
      return;
    case DnsOutcome::kRefused:
      f.Fail("The nameserver (" + servers + ") refused to resolve " + h,
             "Allow this container's queries on the nameserver, or point /etc/resolv.conf at one "
             "that serves it (docker run --dns, Kubernetes dnsConfig).");
      return;
    case DnsOutcome::kPortClosed:
      f.Fail("Nothing takes DNS queries at the nameserver (" + servers + ") for " + h +
                 ": connection refused on UDP port 53, or on TCP port 53 where a truncated answer "
                 "must be asked again",
             "Make the nameserver serve UDP and TCP port 53 (answers with the TC bit are retried "
             "over TCP), or point /etc/resolv.conf at a working one (docker run --dns, "
             "Kubernetes dnsConfig).");
      return;
    case DnsOutcome::kBadReply:
      f.Fail("The nameserver (" + servers + ") sent a malformed DNS answer for " + h + " (" +
                 a.detail + ")",
             "Point /etc/resolv.conf at a working nameserver (docker run --dns, Kubernetes "
             "dnsConfig); a DNS proxy or firewall that rewrites answers causes this.");
      return;
    case DnsOutcome::kTimeout:
      f.Fail("No answer from the nameserver (" + servers + ") for " + h + " before the deadline",
             "Allow DNS (UDP and TCP port 53) from the container to " + servers +
                 ", or set a reachable nameserver (docker run --dns, Kubernetes dnsConfig).");
      return;
    case DnsOutcome::kNoNameserver:
      f.Fail(
          "/etc/resolv.conf names no nameserver and /etc/hosts has no entry for " + h,
          "Give the container a nameserver (docker run --dns, Kubernetes dnsPolicy: ClusterFirst "
          "or dnsConfig).");
      return;
    case DnsOutcome::kNoAddress:
      f.Fail(h + " exists but has no IPv4 or IPv6 address (" + servers + ")",
             "Make the DNS server return the A/AAAA records of " + a.host +
                 " (a filter strips them), or pin it with --resolve HOST:443:ADDR.");
      return;
    case DnsOutcome::kError:
      f.Fail("Resolving " + h + " failed: " + a.detail,
             "Check /etc/resolv.conf and /etc/hosts of the container, or pin the host with "
             "--resolve HOST:443:ADDR.");
      return;
  }
}

Result Run(Context& ctx) {
  const NetworkSetup s = BuildNetworkSetup(ctx);
  if (s.plan.targets.empty()) return Result::Error("no Cloud target: " + NoneIfEmpty(s.errors));
  const auto& dns = ctx.sys.Network().Resolve(s.plan, ctx.deadline);
  if (dns.skipped_by_proxy) {
    return Result::Skip("the proxy " +
                        container::RedactUrl(s.plan.claim_proxy.empty() ? s.plan.link_proxy
                                                                        : s.plan.claim_proxy) +
                        " resolves the Cloud's names, this container does not")
        .With(s.ToDetails());
  }
  if (!dns.error.empty()) return Result::Error(dns.error);
  Details details = Details::object();
  details["nameservers"] = dns.nameservers;
  details["search"] = dns.search;
  Details answers = Details::array();
  Findings f;
  const std::string servers = NoneIfEmpty(dns.nameservers);
  for (const auto& a : dns.answers) {
    Details d = Details::object();
    d["host"] = a.host;
    d["outcome"] = container::DnsOutcomeName(a.outcome);
    d["addresses"] = a.addresses;
    d["detail"] = a.detail;
    d["ms"] = a.ms;
    answers.push_back(std::move(d));
    Judge(a, servers, f);
  }
  details["answers"] = std::move(answers);
  // Every lookup failed: a container without a network (docker run --network none) fails them
  // all with what looks like a nameserver's refusal; say the real cause.
  const bool all_failed = !dns.answers.empty() && f.HasFail() &&
                          std::none_of(dns.answers.begin(), dns.answers.end(), [](const auto& a) {
                            return a.outcome == DnsOutcome::kOk || a.outcome == DnsOutcome::kPinned;
                          });
  if (all_failed) {
    auto read = [&](const char* path) {
      auto text = ctx.sys.ReadFile(path, 256 * 1024, true);
      return text.ok() ? *text : std::string();
    };
    const auto presence = container::ParseNetworkPresence(
        read("/proc/net/dev"), read("/proc/net/route"), read("/proc/net/ipv6_route"));
    if (presence.None()) {
      details["no_network"] = true;
      Result r = Result::Fail(
          "The container has no network: only the loopback interface (lo) and no route "
          "(/proc/net/dev, /proc/net/route), as with `docker run --network none`; no nameserver "
          "(" +
              servers + ") and no Cloud host can be reached",
          "Run the container on a network: drop `--network none` (or `network_mode: none` in "
          "compose) and use the default bridge, a user network or --network host.");
      r.section = std::string(section::kVerifyAccess);
      r.details = std::move(details);
      return r;
    }
  }
  return f.ToResult("Every Cloud host resolves (" + std::to_string(dns.answers.size()) +
                        " hosts, nameservers " + servers + ")",
                    std::move(details));
}

}  // namespace

const CheckDef kNetworkDns{
    "network.dns",
    "DNS for Netdata Cloud",
    section::kVerifyAccess,
    Kind::kOnline,
    {},
    &Run,
    "The Cloud hosts (app., api., mqtt.netdata.cloud or the claim URL host) resolve; NXDOMAIN, "
    "SERVFAIL, timeouts and a missing nameserver are told apart; when every lookup fails in a "
    "container with only the loopback interface and no route (`--network none`), that is the "
    "cause named (also in `run --supervise`'s --link-timeout diagnosis).",
};

}  // namespace preflight::checks
