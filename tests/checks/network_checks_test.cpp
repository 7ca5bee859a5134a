// The five network checks against a scripted FakeNetwork: each fault its own finding, its
// remediation and its seed section; the plan they hand the prober.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "checks/catalog.h"
#include "checks/check_test_util.h"
#include "checks/network_plan.h"
#include "checks/sections.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using container::ConnectOutcome;
using container::DnsAnswer;
using container::DnsOutcome;
using container::TargetReach;

container::ProxyProbe Probe(std::string proxy, std::string target, bool reachable, int code,
                            bool tunnel, bool timed_out = false, std::string error = "") {
  container::ProxyProbe p;
  p.tested = true;
  p.proxy = std::move(proxy);
  p.target = std::move(target);
  p.reachable = reachable;
  p.connect_code = code;
  p.tunnel_ok = tunnel;
  p.timed_out = timed_out;
  p.error = std::move(error);
  return p;
}

class NetworkChecksTest : public ::testing::Test {
 protected:
  Result RunCheck(const CheckDef& def) {
    Context ctx(sys, inputs);
    ctx.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    return def.run(ctx);
  }
  static TargetReach Ok(const std::string& host, const std::string& addr, int status = 404) {
    TargetReach r;
    r.endpoint = {host, 443};
    r.address = addr;
    r.outcome = ConnectOutcome::kOk;
    r.http.answered = true;
    r.http.status = status;
    r.cert.subject = "CN = " + host;
    return r;
  }
  void AllGood() {
    for (const char* h : {"app.netdata.cloud", "api.netdata.cloud", "mqtt.netdata.cloud"}) {
      DnsAnswer a;
      a.host = h;
      a.outcome = DnsOutcome::kOk;
      a.addresses = {"192.0.2.1"};
      sys.network.dns.answers.push_back(a);
      sys.network.reach.targets.push_back(Ok(h, "192.0.2.1"));
    }
    sys.network.dns.nameservers = {"10.0.0.53"};
    sys.network.reach.ca = {"/etc/ssl/certs/ca-certificates.crt", "debian", false, 140, ""};
    sys.network.reach.websocket = Ok("mqtt.netdata.cloud", "192.0.2.1", 101);
    sys.network.reach.upgraded = true;
  }
  testing::FakeSystem sys;
  Inputs inputs;
};

TEST_F(NetworkChecksTest, DefaultPlanTargetsTheThreeCloudHostsOn443) {
  AllGood();
  EXPECT_EQ(RunCheck(kNetworkDns).status, Status::kPass);
  const auto& plan = sys.network.last_plan;
  ASSERT_EQ(plan.targets.size(), 3u);
  EXPECT_EQ(plan.targets[0].Name(), "app.netdata.cloud:443");
  EXPECT_EQ(plan.targets[1].Name(), "api.netdata.cloud:443");
  EXPECT_EQ(plan.targets[2].Name(), "mqtt.netdata.cloud:443");
  EXPECT_EQ(plan.websocket.Name(), "mqtt.netdata.cloud:443");
  EXPECT_TRUE(plan.claim_proxy.empty());
  EXPECT_TRUE(plan.link_proxy.empty());
}

TEST_F(NetworkChecksTest, ClaimUrlHostIsATargetAndCloudUrlOverridesAll) {
  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 'a');
  sys.env["NETDATA_CLAIM_URL"] = "https://cloud.example.org:8443";
  RunCheck(kNetworkDns);
  EXPECT_EQ(sys.network.last_plan.targets[0].Name(), "cloud.example.org:8443");
  inputs.cloud_url = "https://a.test:1443,https://mqtt.b.test";
  inputs.resolve = {"a.test:1443:127.0.0.1"};
  inputs.ca_file = "/tmp/ca.pem";
  RunCheck(kNetworkDns);
  const auto& plan = sys.network.last_plan;
  ASSERT_EQ(plan.targets.size(), 2u);
  EXPECT_EQ(plan.targets[0].Name(), "a.test:1443");
  EXPECT_EQ(plan.websocket.Name(), "mqtt.b.test:443");
  EXPECT_EQ(plan.resolve, inputs.resolve);
  EXPECT_EQ(plan.ca_file, "/tmp/ca.pem");
}

// ---- network.proxy ----------------------------------------------------------------------

TEST_F(NetworkChecksTest, ProxyNoneIsAPassWithoutProbing) {
  Result r = RunCheck(kNetworkProxy);
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_EQ(sys.network.proxy_calls, 0);
}

// fault: proxy | only HTTPS_PROXY (uppercase) set | network.proxy warn "link (ACLK) connects directly", remediation lowercase `https_proxy`; claim via proxy, link direct
TEST_F(NetworkChecksTest, ProxyOnlyUppercaseHttpsProxyWarnsThatTheLinkGoesDirect) {
  sys.env["HTTPS_PROXY"] = "http://proxy.corp:3128";
  sys.network.proxy = Probe("http://proxy.corp:3128", "app.netdata.cloud:443", true, 200, true);
  Result r = RunCheck(kNetworkProxy);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("HTTPS_PROXY"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("link (ACLK) connects directly"), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find("lowercase `https_proxy`"), std::string::npos);
  EXPECT_EQ(sys.network.last_plan.claim_proxy, "http://proxy.corp:3128");
  EXPECT_EQ(sys.network.last_plan.link_proxy, "");
}

// fault: proxy | only http_proxy set | network.proxy warn "claiming connects directly"
TEST_F(NetworkChecksTest, ProxyOnlyHttpProxyWarnsThatClaimingGoesDirect) {
  sys.env["http_proxy"] = "http://proxy.corp:3128";
  sys.network.proxy = Probe("http://proxy.corp:3128", "app.netdata.cloud:443", true, 200, true);
  Result r = RunCheck(kNetworkProxy);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("claiming connects directly"), std::string::npos) << r.message;
}

// fault: proxy | NO_PROXY=.netdata.cloud beside https_proxy | network.proxy warn "NO_PROXY matches" (exempts claiming only)
TEST_F(NetworkChecksTest, ProxyNoProxyExemptsClaimingOnly) {
  sys.env["https_proxy"] = "http://proxy.corp:3128";
  sys.env["NO_PROXY"] = ".netdata.cloud";
  sys.network.proxy = Probe("http://proxy.corp:3128", "app.netdata.cloud:443", true, 200, true);
  Result r = RunCheck(kNetworkProxy);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("NO_PROXY matches"), std::string::npos) << r.message;
}

struct ProxyCase {
  const char* name;
  container::ProxyProbe probe;
  Status status;
  const char* message_part;
  const char* fix_part;
};

// fault: proxy | proxy answers 407 | network.proxy fail "(407", remediation USER:PASSWORD; credentials never shown
// fault: proxy | proxy answers 403 to CONNECT | network.proxy fail "refuses CONNECT", remediation "ConnectPort 443"
// fault: proxy | proxy down (connection refused) | network.proxy fail "cannot be reached", "start the proxy"
// fault: proxy | proxy silent | network.proxy fail "did not answer"
TEST_F(NetworkChecksTest, ProxyProbeFaultsAreDistinct) {
  const ProxyCase cases[] = {
      {"ok", Probe("p", "t", true, 200, true), Status::kPass, "tunnels", ""},
      {"407", Probe("p", "t", true, 407, false), Status::kFail, "(407", "USER:PASSWORD"},
      {"403", Probe("p", "t", true, 403, false), Status::kFail, "refuses CONNECT",
       "ConnectPort 443"},
      {"down", Probe("p", "t", false, 0, false, false, "Connection refused"), Status::kFail,
       "cannot be reached", "start the proxy"},
      {"silent", Probe("p", "t", false, 0, false, true), Status::kFail, "did not answer", "proxy"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    sys.env = {{"http_proxy", "http://u:s3cret@proxy.corp:3128"},
               {"https_proxy", "http://u:s3cret@proxy.corp:3128"}};
    sys.network.proxy = c.probe;
    Result r = RunCheck(kNetworkProxy);
    EXPECT_EQ(r.status, c.status) << r.message;
    EXPECT_NE(r.message.find(c.message_part), std::string::npos) << r.message;
    EXPECT_NE(r.remediation.find(c.fix_part), std::string::npos) << r.remediation;
    EXPECT_EQ(r.details.dump().find("s3cret"), std::string::npos) << r.details.dump();
    EXPECT_EQ(r.message.find("s3cret"), std::string::npos);
  }
}

// fault: proxy | proxy rejects the given credentials (407 with user:pass) | network.proxy fail "rejected the credentials"
TEST_F(NetworkChecksTest, ProxyCredentialsRejectedIsItsOwnMessage) {
  sys.env = {{"http_proxy", "http://u:bad@proxy:3128"}, {"https_proxy", "http://u:bad@proxy:3128"}};
  sys.network.proxy = Probe("http://***@proxy:3128", "t", true, 407, false);
  Result r = RunCheck(kNetworkProxy);
  EXPECT_NE(r.message.find("rejected the credentials"), std::string::npos) << r.message;
}

// fault: proxy | cloud.conf proxy socks5h:// while claiming goes direct | the link proxy is tested; network.proxy warn
TEST_F(NetworkChecksTest, ProxyFromCloudConfIsTheLinkProxy) {
  sys.AddFile("/var/lib/netdata/cloud.d/cloud.conf",
              "[global]\n  proxy = socks5h://10.1.1.1:1080\n");
  sys.network.proxy = Probe("socks5h://10.1.1.1:1080", "t", true, 0, true);
  Result r = RunCheck(kNetworkProxy);
  EXPECT_EQ(sys.network.last_plan.link_proxy, "socks5h://10.1.1.1:1080");
  EXPECT_EQ(sys.network.last_plan.proxy_to_test, "socks5h://10.1.1.1:1080");
  EXPECT_EQ(r.status, Status::kWarn);  // claiming (env) goes direct
}

// fault: proxy | NETDATA_CLAIM_PROXY set, node not claimed yet | link uses the claim's proxy (written into cloud.conf on a successful claim); no "link connects directly" warning
TEST_F(NetworkChecksTest, ClaimProxyBecomesTheLinkProxyBeforeTheFirstClaim) {
  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 't');
  sys.env["NETDATA_CLAIM_PROXY"] = "http://proxy.corp:3128";
  sys.network.proxy = Probe("http://proxy.corp:3128", "app.netdata.cloud:443", true, 200, true);
  Result r = RunWithVersion(kNetworkProxy, sys, "v2.10.4", inputs);
  EXPECT_EQ(sys.network.last_plan.link_proxy, "http://proxy.corp:3128");
  EXPECT_EQ(r.status, Status::kPass) << Describe(r);
  EXPECT_TRUE(r.details["link_proxy"]["from_claim"].get<bool>());
  // Once claimed, cloud.conf holds whatever the claim wrote: it is read, not guessed.
  sys.AddFile("/var/lib/netdata/cloud.d/cloud.conf",
              "[global]\n  proxy = none\n  claimed_id = 0a912770-cf4c-41ab-b70b-279f5bd3a94e\n");
  sys.AddFile("/var/lib/netdata/cloud.d/claimed_id", "0a912770-cf4c-41ab-b70b-279f5bd3a94e");
  r = RunWithVersion(kNetworkProxy, sys, "v2.10.4", inputs);
  EXPECT_EQ(sys.network.last_plan.link_proxy, "");
  EXPECT_EQ(r.status, Status::kWarn) << Describe(r);
}

// fault: proxy | only https_proxy on v2.2.6 vs v2.3.0 | v2.2.x link reads only http_proxy: warn "Set lowercase `http_proxy`"; v2.3.0 link uses https_proxy
TEST_F(NetworkChecksTest, LinkReadsHttpsProxyFromV230) {
  sys.env["https_proxy"] = "http://proxy.corp:3128";
  sys.network.proxy = Probe("http://proxy.corp:3128", "app.netdata.cloud:443", true, 200, true);
  Result r = RunWithVersion(kNetworkProxy, sys, "v2.3.0", inputs);
  EXPECT_EQ(sys.network.last_plan.link_proxy, "http://proxy.corp:3128");
  EXPECT_EQ(r.status, Status::kPass) << Describe(r);
  r = RunWithVersion(kNetworkProxy, sys, "v2.2.6", inputs);
  EXPECT_EQ(sys.network.last_plan.link_proxy, "");
  EXPECT_EQ(r.status, Status::kWarn) << Describe(r);
  EXPECT_NE(r.remediation.find("Set lowercase `http_proxy`"), std::string::npos) << Describe(r);
  EXPECT_FALSE(r.certain);
  // Unknown version: the answer depends on it, and the report says so.
  r = RunWithVersion(kNetworkProxy, sys, "", inputs);
  EXPECT_NE(r.message.find("depends on the agent's version"), std::string::npos) << Describe(r);
}

// fault: proxy | socks5h:// in http_proxy on v2.9.3 vs v2.10.0 | before v2.10.0 the agent logs "defined but of unknown format" and connects directly; v2.10.0 uses it
TEST_F(NetworkChecksTest, SocksFromTheEnvironmentReachesTheLinkFromV2100) {
  sys.env["http_proxy"] = "socks5h://socks.corp:1080";
  sys.network.proxy = Probe("socks5h://socks.corp:1080", "t", true, 0, true);
  Result r = RunWithVersion(kNetworkProxy, sys, "v2.10.0", inputs);
  EXPECT_EQ(sys.network.last_plan.link_proxy, "socks5h://socks.corp:1080");
  EXPECT_EQ(r.message.find("unknown format"), std::string::npos) << Describe(r);
  r = RunWithVersion(kNetworkProxy, sys, "v2.9.3", inputs);
  EXPECT_EQ(r.details["link_proxy"]["url"], "");
  EXPECT_EQ(r.status, Status::kWarn) << Describe(r);
  EXPECT_NE(r.message.find("defined but of unknown format"), std::string::npos) << Describe(r);
  EXPECT_NE(r.remediation.find("http://"), std::string::npos);
}

// fault: proxy | http_proxy=HTTP://proxy:3128 (upper-case scheme) beside a good https_proxy | the link ignores it and does not fall back: warn "unknown format"
TEST_F(NetworkChecksTest, UppercaseSchemeIsIgnoredWithoutFallback) {
  sys.env["http_proxy"] = "HTTP://proxy.corp:3128";
  sys.env["https_proxy"] = "http://proxy.corp:3128";
  sys.network.proxy = Probe("http://proxy.corp:3128", "app.netdata.cloud:443", true, 200, true);
  Result r = RunWithVersion(kNetworkProxy, sys, "v2.10.4", inputs);
  EXPECT_EQ(sys.network.last_plan.link_proxy, "");
  EXPECT_EQ(r.status, Status::kWarn) << Describe(r);
  EXPECT_NE(r.message.find("ignores http_proxy"), std::string::npos) << Describe(r);
  sys.env["http_proxy"] = "http://proxy.corp:3128";
  r = RunWithVersion(kNetworkProxy, sys, "v2.10.4", inputs);
  EXPECT_EQ(sys.network.last_plan.link_proxy, "http://proxy.corp:3128");
}

// fault: proxy | v2.0.3 with https_proxy and no NETDATA_CLAIM_PROXY | claim and link both direct (default "" before v2.1.0, #19098); v2.1.0 claims via https_proxy
TEST_F(NetworkChecksTest, ClaimProxyDefaultWasDirectBeforeV210) {
  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 't');
  sys.env["https_proxy"] = "http://proxy.corp:3128";
  sys.network.proxy = Probe("http://proxy.corp:3128", "app.netdata.cloud:443", true, 200, true);
  RunWithVersion(kNetworkProxy, sys, "v2.0.3", inputs);
  EXPECT_EQ(sys.network.last_plan.claim_proxy, "");
  EXPECT_EQ(sys.network.last_plan.link_proxy, "");
  RunWithVersion(kNetworkProxy, sys, "v2.1.0", inputs);
  EXPECT_EQ(sys.network.last_plan.claim_proxy, "http://proxy.corp:3128");
}

// ---- network.dns ------------------------------------------------------------------------

// fault: dns | NXDOMAIN, SERVFAIL, timeout, no nameserver, REFUSED, port 53 closed, malformed answer, no A/AAAA record | eight distinct network.dns fails, each with its fix ("does not exist", "upstream", "port 53", "dnsPolicy", "Allow this container", "TCP port 53", "rewrites answers", "A/AAAA")
TEST_F(NetworkChecksTest, DnsFaultsAreDistinctFindings) {
  struct Case {
    DnsOutcome outcome;
    const char* message_part;
    const char* fix_part;
  };
  const Case cases[] = {
      {DnsOutcome::kNxDomain, "NXDOMAIN", "does not exist"},
      {DnsOutcome::kServFail, "SERVFAIL", "upstream"},
      {DnsOutcome::kTimeout, "No answer from the nameserver", "port 53"},
      {DnsOutcome::kNoNameserver, "names no nameserver", "dnsPolicy"},
      {DnsOutcome::kRefused, "refused", "Allow this container"},
      {DnsOutcome::kPortClosed, "connection refused", "UDP and TCP port 53"},
      {DnsOutcome::kBadReply, "malformed DNS answer", "rewrites answers"},
      {DnsOutcome::kNoAddress, "no IPv4 or IPv6 address", "A/AAAA"},
  };
  std::set<std::string> messages;
  for (const auto& c : cases) {
    SCOPED_TRACE(container::DnsOutcomeName(c.outcome));
    sys.network.dns = {};
    sys.network.dns.nameservers = {"10.0.0.53"};
    DnsAnswer a;
    a.host = "api.netdata.cloud";
    a.outcome = c.outcome;
    sys.network.dns.answers = {a};
    Result r = RunCheck(kNetworkDns);
    EXPECT_EQ(r.status, Status::kFail);
    EXPECT_NE(r.message.find(c.message_part), std::string::npos) << r.message;
    EXPECT_NE(r.remediation.find(c.fix_part), std::string::npos) << r.remediation;
    messages.insert(r.message);
  }
  EXPECT_EQ(messages.size(), std::size(cases));
}

TEST_F(NetworkChecksTest, DnsSkippedWhenTheProxyResolvesNames) {
  sys.network.dns.skipped_by_proxy = true;
  sys.env["http_proxy"] = "http://proxy:3128";
  sys.env["https_proxy"] = "http://proxy:3128";
  Result r = RunCheck(kNetworkDns);
  EXPECT_EQ(r.status, Status::kSkip);
  EXPECT_NE(r.message.find("resolves the Cloud's names"), std::string::npos) << r.message;
}

// ---- network.tls ------------------------------------------------------------------------

// fault: tls | TCP refused, timed out, no route; TLS silent, unknown CA, expired, not yet valid, wrong host, handshake error, proxy did not tunnel | ten distinct network.tls fails, each with a remediation ("clock of this machine is behind" for not-yet-valid)
// fault: network | docker run --network none: only lo, no route, every lookup "refused" | network.dns fail "The container has no network" (not "the nameserver refuses"); with an eth0 and a route the nameserver is blamed
TEST_F(NetworkChecksTest, NetworkNoneIsNamedInsteadOfTheNameserver) {
  for (const char* h : {"app.netdata.cloud", "api.netdata.cloud", "mqtt.netdata.cloud"}) {
    DnsAnswer a;
    a.host = h;
    a.outcome = DnsOutcome::kPortClosed;  // sendto: Network is unreachable, as c-ares reports it
    sys.network.dns.answers.push_back(a);
  }
  sys.network.dns.nameservers = {"192.168.1.1"};
  const std::string dev_header =
      "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n";
  sys.AddFile("/proc/net/dev", dev_header + "    lo: 0 0 0 0\n");
  sys.AddFile("/proc/net/route", "Iface\tDestination\tGateway\n");
  sys.AddFile("/proc/net/ipv6_route",
              "00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
              "00000000000000000000000000000000 00000000 00000001 00000000 00000001 lo\n");
  Result r = RunCheck(kNetworkDns);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_FALSE(r.certain);
  EXPECT_NE(r.message.find("The container has no network"), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find("--network none"), std::string::npos) << r.remediation;
  EXPECT_TRUE(r.details["no_network"].get<bool>());
  // The other side: an interface with a default route; the nameserver is at fault.
  sys.AddFile("/proc/net/dev", dev_header + "    lo: 0 0 0 0\n  eth0: 1046 13 0 0\n");
  sys.AddFile("/proc/net/route", "Iface\tDestination\tGateway\neth0\t00000000\t010011AC\t0003\n");
  r = RunCheck(kNetworkDns);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.message.find("no network"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("connection refused"), std::string::npos) << r.message;
}

TEST_F(NetworkChecksTest, TlsFaultsAreDistinctFindings) {
  struct Case {
    ConnectOutcome outcome;
    const char* message_part;
  };
  const Case cases[] = {
      {ConnectOutcome::kRefused, "refused"},
      {ConnectOutcome::kTimeout, "timed out"},
      {ConnectOutcome::kUnreachable, "No route"},
      {ConnectOutcome::kTlsTimeout, "stays silent"},
      {ConnectOutcome::kTlsUnknownCa, "Corp Inspection CA"},
      {ConnectOutcome::kTlsExpired, "expired on 2021-01-01"},
      {ConnectOutcome::kTlsNotYetValid, "clock of this machine is behind"},
      {ConnectOutcome::kTlsWrongHost, "is for `CN = other.example`"},
      {ConnectOutcome::kTlsError, "handshake with"},
      {ConnectOutcome::kProxyFailed, "proxy did not tunnel"},
  };
  std::set<std::string> fixes;
  for (const auto& c : cases) {
    SCOPED_TRACE(container::ConnectOutcomeName(c.outcome));
    sys.network.reach = {};
    TargetReach t = Ok("api.netdata.cloud", "192.0.2.7");
    t.outcome = c.outcome;
    t.cert.subject = "CN = other.example";
    t.cert.failing_issuer = "O = Corp, CN = Corp Inspection CA";
    t.cert.not_after = "2021-01-01 00:00:00 UTC";
    t.cert.not_before = "2099-01-01 00:00:00 UTC";
    sys.network.reach.targets = {t};
    sys.network.reach.ca = {"/etc/ssl/cert.pem", "alpine", false, 100, ""};
    Result r = RunCheck(kNetworkTls);
    EXPECT_EQ(r.status, Status::kFail);
    EXPECT_NE(r.message.find(c.message_part), std::string::npos) << r.message;
    EXPECT_FALSE(r.remediation.empty());
    fixes.insert(r.message);
  }
  EXPECT_EQ(fixes.size(), std::size(cases));
}

// fault: tls | certificate issued by Zscaler Root CA (TLS inspection) | network.tls fail naming "Zscaler Root CA" as a "TLS-intercepting proxy or firewall", "Exempt *.netdata.cloud from TLS inspection"
TEST_F(NetworkChecksTest, TlsUnknownCaNamesTheMiddlebox) {
  TargetReach t = Ok("api.netdata.cloud", "192.0.2.7");
  t.outcome = ConnectOutcome::kTlsUnknownCa;
  t.cert.failing_issuer = "CN = Zscaler Root CA";
  sys.network.reach.targets = {t};
  Result r = RunCheck(kNetworkTls);
  EXPECT_NE(r.message.find("Zscaler Root CA"), std::string::npos);
  EXPECT_NE(r.message.find("TLS-intercepting proxy or firewall"), std::string::npos);
  EXPECT_NE(r.remediation.find("Exempt *.netdata.cloud from TLS inspection"), std::string::npos);
}

// fault: network | IPv6 path unreachable beside working IPv4 | network.tls pass; a blackholed (timed out) IPv6 path is a warn naming the address
TEST_F(NetworkChecksTest, TlsUnreachableIpv6BesideWorkingIpv4IsNotAFinding) {
  AllGood();
  TargetReach v6 = Ok("api.netdata.cloud", "2001:db8::1");
  v6.outcome = ConnectOutcome::kUnreachable;
  sys.network.reach.targets.push_back(v6);
  EXPECT_EQ(RunCheck(kNetworkTls).status, Status::kPass);
  v6.outcome = ConnectOutcome::kTimeout;  // a blackholed IPv6 path is a warning
  sys.network.reach.targets.back() = v6;
  Result r = RunCheck(kNetworkTls);
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("2001:db8::1"), std::string::npos);
}

// fault: tls | no CA certificates in the container | network.tls fail, remediation --ca-file
TEST_F(NetworkChecksTest, TlsReportsTheCaBundleUsed) {
  AllGood();
  Result r = RunCheck(kNetworkTls);
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_EQ(r.details["ca_bundle"]["source"], "debian");
  sys.network.reach.ca.error = "no CA certificates found";
  r = RunCheck(kNetworkTls);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.remediation.find("--ca-file"), std::string::npos);
}

TEST_F(NetworkChecksTest, TlsNeedsDnsAndProxy) {
  const auto& needs = kNetworkTls.needs;
  EXPECT_NE(std::find(needs.begin(), needs.end(), "network.dns"), needs.end());
  EXPECT_NE(std::find(needs.begin(), needs.end(), "network.proxy"), needs.end());
  EXPECT_EQ(kNetworkHttps.needs, std::vector<std::string_view>{"network.tls"});
  EXPECT_EQ(kNetworkWebsocket.needs, std::vector<std::string_view>{"network.tls"});
}

// ---- network.https ----------------------------------------------------------------------

TEST_F(NetworkChecksTest, HttpsAnyAnswerIsReachable) {
  AllGood();
  sys.network.reach.targets[0].http.status = 200;
  sys.network.reach.targets[1].http.status = 401;
  EXPECT_EQ(RunCheck(kNetworkHttps).status, Status::kPass);
}

// fault: network | Cloud HTTPS answers 403, 429, or an HTML block page | network.https fail naming 403 / 429 / "block page", not-banned section
TEST_F(NetworkChecksTest, HttpsBlocksPointAtTheBannedIpSection) {
  struct Case {
    int status;
    const char* content_type;
    const char* body;
    const char* message_part;
  };
  const Case cases[] = {
      {403, "application/json", "{}", "403"},
      {429, "application/json", "{}", "429"},
      {200, "text/html", "<html><title>Blocked</title>Access denied by policy</html>",
       "block page"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.status);
    sys.network.reach = {};
    AllGood();
    auto& h = sys.network.reach.targets[1].http;
    h.status = c.status;
    h.content_type = c.content_type;
    h.body = c.body;
    Result r = RunCheck(kNetworkHttps);
    EXPECT_EQ(r.status, Status::kFail);
    EXPECT_NE(r.message.find(c.message_part), std::string::npos) << r.message;
    EXPECT_EQ(r.section, section::kNotBanned);
  }
}

// fault: network | TLS up but no HTTP answer before the deadline | network.https fail "No HTTP answer"
TEST_F(NetworkChecksTest, HttpsNoAnswerAfterTlsFails) {
  AllGood();
  auto& h = sys.network.reach.targets[0].http;
  h = {};
  h.error = "no HTTP answer before the deadline";
  Result r = RunCheck(kNetworkHttps);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("No HTTP answer"), std::string::npos);
}

// ---- network.websocket ------------------------------------------------------------------

// fault: network | WebSocket upgrade answered 403 HTML or 400 by a proxy, reset, or 101 with a bad accept key | network.websocket fail "your firewall blocks WebSockets, even outbound", "Allow WebSocket upgrades"; 401 from the Cloud passes
TEST_F(NetworkChecksTest, WebsocketVerdicts) {
  struct Case {
    const char* name;
    bool answered;
    int status;
    bool upgraded;
    const char* content_type;
    Status expect;
  };
  const Case cases[] = {
      {"101", true, 101, true, "", Status::kPass},
      {"401 from the cloud", true, 401, false, "application/json", Status::kPass},
      {"403 html from a proxy", true, 403, false, "text/html", Status::kFail},
      {"400 from a proxy", true, 400, false, "text/plain", Status::kFail},
      {"reset", false, 0, false, "", Status::kFail},
      {"101 bad accept", true, 101, false, "", Status::kFail},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    sys.network.reach = {};
    AllGood();
    auto& ws = sys.network.reach.websocket;
    ws.http = {};
    ws.http.answered = c.answered;
    ws.http.status = c.status;
    ws.http.content_type = c.content_type;
    if (!c.answered) ws.http.error = "the connection was reset";
    sys.network.reach.upgraded = c.upgraded;
    Result r = RunCheck(kNetworkWebsocket);
    EXPECT_EQ(r.status, c.expect) << r.message;
    if (c.expect == Status::kFail) {
      EXPECT_NE(r.message.find("your firewall blocks WebSockets, even outbound"), std::string::npos)
          << r.message;
      EXPECT_NE(r.remediation.find("Allow WebSocket upgrades"), std::string::npos);
    }
  }
}

TEST_F(NetworkChecksTest, WebsocketSectionIsTheWebsocketsOne) {
  EXPECT_EQ(kNetworkWebsocket.section, section::kWebsockets);
}

}  // namespace
}  // namespace preflight::checks
