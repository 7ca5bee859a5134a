// The fault matrix of the network checks, end to end: the built binary against real parts
// (the fake cloud with certificates made now by the openssl CLI, dnsmasq, tinyproxy, a
// nameserver that drops, a tun device that blackholes) inside network and mount
// namespaces this test creates. Each fault gives its own finding, and every run ends within
// --deadline + 200 ms (the contract's bound).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "blackbox/network_lab.h"

namespace preflight::testing {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

const std::string kFixtures = std::string(PREFLIGHT_SOURCE_DIR) + "/tests/fixtures";
constexpr int kDeadlineMs = 2000;

class NamespaceNetwork : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!IsRoot()) {
      skip_ = "needs root for network and mount namespaces";
      return;
    }
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) {
      skip_ = std::string("unshare(CLONE_NEWNET|CLONE_NEWNS): ") + strerror(errno);
      return;
    }
    dir_ = new TempDir();
    const std::string d = dir_->path();
    for (const std::string& cmd :
         {std::string("mount --make-rprivate /"), std::string("ip link set lo up"),
          // A tun device nobody reads drops what is sent to it: connects to 10.200.0.2 are
          // blackholed.
          std::string("ip tuntap add bh0 mode tun && ip addr add 10.200.0.1/24 dev bh0 && "
                      "ip link set bh0 up"),
          std::string("ip route add unreachable 10.201.0.0/24"),
          "sh " + kFixtures + "/make_certs.sh " + d + "/certs"}) {
      setup_error_ += Sh(cmd);
    }
    WriteText(d + "/hosts",
              "127.0.0.1 localhost\n127.0.0.1 hosts-only.cloud.test\n127.0.0.1 p.cloud.test\n");
    WriteText(d + "/resolv.conf", "nameserver 127.0.0.1\n");
    setup_error_ += Sh("mount --bind " + d + "/hosts /etc/hosts");
    setup_error_ += Sh("mount --bind " + d + "/resolv.conf /etc/resolv.conf");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_EQ(setup_error_, "");
    WriteText(dir_->path() + "/resolv.conf", "nameserver 127.0.0.1\n");
  }

  std::string Dir() const { return dir_->path(); }
  std::string Cert(const std::string& name) const { return Dir() + "/certs/" + name; }

  /// The fake cloud on 127.0.0.1:443 and [::1]:443.
  std::unique_ptr<Background> Cloud(const std::string& fault = "none",
                                    const std::string& cert = "good") {
    const std::string ready = Dir() + "/cloud.ready." + std::to_string(++seq_);
    auto p = std::make_unique<Background>(std::vector<std::string>{
        "python3", kFixtures + "/fake_cloud.py", "--cert", Cert(cert + ".pem"), "--key",
        Cert(cert + ".key"), "--hosts", "127.0.0.1,::1", "--port", "443", "--fault", fault,
        "--ready-file", ready});
    EXPECT_TRUE(WaitFor([&] { return FileExists(ready); }, milliseconds(10000)));
    return p;
  }
  std::unique_ptr<Background> Dnsmasq() {
    auto p = std::make_unique<Background>(std::vector<std::string>{
        "dnsmasq", "-k", "--user=root", "--group=root", "--pid-file=", "--no-resolv", "--no-hosts",
        "--listen-address=127.0.0.1", "--bind-interfaces", "--port=53",
        "--host-record=cloud.test,127.0.0.1,::1", "--host-record=v4.test,127.0.0.1",
        "--address=/nx.test/", "--address=/local/"});
    // Ready when it answers: a query for a known name resolves.
    EXPECT_TRUE(WaitFor(
        [&] {
          return Sh("getent hosts v4.test >/dev/null || "
                    "python3 -c \"import socket;socket.getaddrinfo('v4.test',1)\"")
              .empty();
        },
        milliseconds(10000)));
    return p;
  }
  std::unique_ptr<Background> DnsFault(const std::string& mode, const std::string& addr) {
    const std::string ready = Dir() + "/dns.ready." + std::to_string(++seq_);
    auto p = std::make_unique<Background>(std::vector<std::string>{
        "python3", kFixtures + "/dns_fault.py", mode, "--addr", addr, "--ready-file", ready});
    EXPECT_TRUE(WaitFor([&] { return FileExists(ready); }, milliseconds(10000)));
    return p;
  }
  /// tinyproxy on 127.0.0.1:`port` with extra config lines.
  std::unique_ptr<Background> Tinyproxy(int port, const std::string& extra) {
    const std::string conf = Dir() + "/tinyproxy." + std::to_string(port) + ".conf";
    WriteText(conf, "User root\nGroup root\nPort " + std::to_string(port) +
                        "\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nLogLevel Critical\n" +
                        extra);
    auto p = std::make_unique<Background>(std::vector<std::string>{"tinyproxy", "-d", "-c", conf});
    EXPECT_TRUE(WaitFor(
        [&] {
          return Sh("python3 -c \"import socket;socket.create_connection(('127.0.0.1'," +
                    std::to_string(port) + "),1)\"")
              .empty();
        },
        milliseconds(10000)));
    return p;
  }

  /// tests/fixtures/socks5_proxy.py on 127.0.0.1:`port`, CONNECTs logged to Socks5Log().
  std::unique_ptr<Background> Socks5(int port, const std::vector<std::string>& extra = {}) {
    const std::string ready = Dir() + "/socks.ready." + std::to_string(++seq_);
    std::vector<std::string> argv = {"python3",      kFixtures + "/socks5_proxy.py",
                                     "--port",       std::to_string(port),
                                     "--log",        Socks5Log(),
                                     "--ready-file", ready};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto p = std::make_unique<Background>(argv);
    EXPECT_TRUE(WaitFor([&] { return FileExists(ready); }, milliseconds(10000)));
    return p;
  }
  std::string Socks5Log() const { return Dir() + "/socks5.log"; }

  struct Run {
    Json report;
    double wall_ms = 0;
    int exit_code = -1;
    std::string raw;
    const Json& Check(const std::string& id) const {
      for (const auto& c : report["checks"]) {
        if (c["id"] == id) return c;
      }
      static const Json kNone = Json::object();
      return kNone;
    }
    std::string Status(const std::string& id) const { return Check(id).value("status", "?"); }
    std::string Message(const std::string& id) const { return Check(id).value("message", ""); }
  };

  /// Runs the five network checks against `cloud_url`, timed.
  Run Preflight(const std::string& cloud_url, std::vector<std::string> extra = {},
                std::map<std::string, std::string> env = {}) {
    std::vector<std::string> args = {
        "check",        "--only",     "network",
        "--cloud-url",  cloud_url,    "--ca-file",
        Cert("ca.pem"), "--deadline", std::to_string(kDeadlineMs) + "ms",
        "--format",     "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto start = std::chrono::steady_clock::now();
    auto r = RunPreflight(args, env, std::chrono::seconds(30));
    Run run;
    run.wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    run.exit_code = r.exit_code;
    run.raw = r.out + r.err;
    run.report = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(run.report.is_discarded()) << run.raw;
    // The contract's bound: all network checks end within --deadline + 200 ms.
    EXPECT_LE(run.wall_ms, kDeadlineMs + 200 + kSanitizerSlack.count()) << run.raw;
    return run;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string skip_;
  static inline std::string setup_error_;
  static inline int seq_ = 0;  // unique ready-file names across the tests of a process
};

TEST_F(NamespaceNetwork, HealthyCloudOverDnsmasqPassesOnIpv4AndIpv6) {
  auto dns = Dnsmasq();
  auto cloud = Cloud();
  Run r = Preflight("https://cloud.test");
  for (const char* id :
       {"network.proxy", "network.dns", "network.tls", "network.https", "network.websocket"}) {
    EXPECT_EQ(r.Status(id), "pass") << id << ": " << r.Message(id) << "\n" << r.raw;
  }
  EXPECT_EQ(r.exit_code, 0);
  const auto& conns = r.Check("network.tls")["details"]["connections"];
  ASSERT_EQ(conns.size(), 2u) << conns.dump();
  std::set<std::string> addrs = {conns[0]["address"], conns[1]["address"]};
  EXPECT_EQ(addrs, (std::set<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(r.Check("network.tls")["details"]["ca_bundle"]["source"], "--ca-file");
  EXPECT_EQ(r.Check("network.https")["details"]["answers"][0]["status"], 404);
  EXPECT_EQ(r.Check("network.websocket")["details"]["status"], 101);
}

TEST_F(NamespaceNetwork, EtcHostsIsHonoured) {
  auto dns = Dnsmasq();  // knows nothing of hosts-only.test
  auto cloud = Cloud();
  Run r = Preflight("https://hosts-only.cloud.test",
                    {"--skip", "network.tls,network.https,network.websocket"});
  EXPECT_EQ(r.Status("network.dns"), "pass") << r.raw;
}

TEST_F(NamespaceNetwork, SearchDomainsAndNdotsAreHonoured) {
  auto dns = Dnsmasq();
  // As in a Kubernetes pod: a short name, completed by the search list because of ndots.
  WriteText(Dir() + "/resolv.conf",
            "nameserver 127.0.0.1\nsearch svc.local test\noptions ndots:2\n");
  Run r = Preflight("https://v4", {"--skip", "network.tls,network.https,network.websocket"});
  EXPECT_EQ(r.Status("network.dns"), "pass") << r.raw;
  EXPECT_EQ(r.Check("network.dns")["details"]["answers"][0]["addresses"][0], "127.0.0.1");
  EXPECT_EQ(r.Check("network.dns")["details"]["search"][1], "test");
}

// fault: dns | nameserver answers NXDOMAIN | network.dns fail naming NXDOMAIN; network.tls skipped pointing at network.dns
// fault: dns | nameserver refuses the query | network.dns fail saying the query was refused
// fault: dns | nameserver answers SERVFAIL | network.dns fail naming SERVFAIL
// fault: dns | nameserver drops every query | network.dns fail "No answer from the nameserver (127.0.0.2)", within deadline + 200 ms
// fault: dns | resolv.conf names no nameserver | network.dns fail saying resolv.conf names no nameserver; all five DNS messages distinct
TEST_F(NamespaceNetwork, DnsFaultsAreDistinct) {
  auto dns = Dnsmasq();
  Run nx = Preflight("https://nx.test");
  EXPECT_EQ(nx.Status("network.dns"), "fail");
  EXPECT_NE(nx.Message("network.dns").find("NXDOMAIN"), std::string::npos) << nx.raw;
  EXPECT_EQ(nx.Status("network.tls"), "skip");
  EXPECT_NE(nx.Message("network.tls").find("network.dns"), std::string::npos);

  Run refused = Preflight("https://unknown.test");
  EXPECT_NE(refused.Message("network.dns").find("refused"), std::string::npos) << refused.raw;

  auto servfail = DnsFault("servfail", "127.0.0.3");
  WriteText(Dir() + "/resolv.conf", "nameserver 127.0.0.3\n");
  Run sf = Preflight("https://cloud.test");
  EXPECT_NE(sf.Message("network.dns").find("SERVFAIL"), std::string::npos) << sf.raw;

  auto drop = DnsFault("drop", "127.0.0.2");
  WriteText(Dir() + "/resolv.conf", "nameserver 127.0.0.2\n");
  Run timeout = Preflight("https://cloud.test");
  EXPECT_NE(timeout.Message("network.dns").find("No answer from the nameserver (127.0.0.2)"),
            std::string::npos)
      << timeout.raw;

  WriteText(Dir() + "/resolv.conf", "search example.internal\noptions ndots:5\n");
  Run none = Preflight("https://cloud.test");
  EXPECT_NE(none.Message("network.dns").find("names no nameserver"), std::string::npos) << none.raw;

  std::set<std::string> distinct = {nx.Message("network.dns"), refused.Message("network.dns"),
                                    sf.Message("network.dns"), timeout.Message("network.dns"),
                                    none.Message("network.dns")};
  EXPECT_EQ(distinct.size(), 5u);
}

// fault: dns | nameserver answer cut in the middle of its answer record | network.dns fail "sent a malformed DNS answer … (Misformatted DNS reply)", remediation naming a DNS proxy that rewrites answers
// fault: dns | nameserver answers with another query id, or with 64 bytes of noise | ignored as c-ares should; network.dns fail "No answer from the nameserver", within deadline + 200 ms
// fault: dns | nameserver sets the TC bit and nothing listens on TCP port 53 | network.dns fail "connection refused … on TCP port 53 where a truncated answer must be asked again", not "refused to resolve"
TEST_F(NamespaceNetwork, MalformedDnsAnswersFailNamingDns) {
  struct Case {
    const char* mode;
    const char* addr;
    const char* status;
    const char* message_part;
  };
  const Case cases[] = {
      {"good", "127.0.0.4", "pass", "Every Cloud host resolves"},  // the fixture itself is right
      {"truncated", "127.0.0.5", "fail", "sent a malformed DNS answer for `cloud.test`"},
      {"wrongid", "127.0.0.6", "fail", "No answer from the nameserver (127.0.0.6)"},
      {"garbage", "127.0.0.7", "fail", "No answer from the nameserver (127.0.0.7)"},
      {"tc", "127.0.0.8", "fail", "on TCP port 53 where a truncated answer must be asked again"},
  };
  std::vector<std::unique_ptr<Background>> servers;
  for (const auto& c : cases) servers.push_back(DnsFault(c.mode, c.addr));
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mode);
    WriteText(Dir() + "/resolv.conf", std::string("nameserver ") + c.addr + "\n");
    Run r =
        Preflight("https://cloud.test", {"--skip", "network.tls,network.https,network.websocket"});
    EXPECT_EQ(r.Status("network.dns"), c.status) << r.raw;
    EXPECT_NE(r.Message("network.dns").find(c.message_part), std::string::npos) << r.raw;
    EXPECT_EQ(r.Message("network.dns").find("refused to resolve"), std::string::npos) << r.raw;
  }
}

// fault: network | TCP connect to the Cloud refused | network.tls fail saying refused; network.https skipped
// fault: network | Cloud address blackholed (packets dropped) | network.tls fail saying timed out, within deadline + 200 ms
// fault: network | no route to the Cloud address | network.tls fail saying No route
TEST_F(NamespaceNetwork, TcpRefusedBlackholedUnreachableAreDistinct) {
  Run refused = Preflight("https://cloud.test:4431", {"--resolve", "cloud.test:4431:127.0.0.1"});
  EXPECT_NE(refused.Message("network.tls").find("refused"), std::string::npos) << refused.raw;
  Run blackholed = Preflight("https://cloud.test", {"--resolve", "cloud.test:443:10.200.0.2"});
  EXPECT_NE(blackholed.Message("network.tls").find("timed out"), std::string::npos)
      << blackholed.raw;
  Run unreachable = Preflight("https://cloud.test", {"--resolve", "cloud.test:443:10.201.0.2"});
  EXPECT_NE(unreachable.Message("network.tls").find("No route"), std::string::npos)
      << unreachable.raw;
  for (const Run* r : {&refused, &blackholed, &unreachable}) {
    EXPECT_EQ(r->Status("network.tls"), "fail");
    EXPECT_EQ(r->Status("network.https"), "skip");
  }
}

// fault: tls | TLS-intercepting middlebox (certificate from an unknown CA) | network.tls fail naming the issuer `Corp TLS Inspection CA`
// fault: tls | server certificate expired | network.tls fail "expired on 2021-01-01"
// fault: tls | server certificate not yet valid (clock skew) | network.tls fail "valid only from 2099-01-01"
// fault: tls | certificate for another host name | network.tls fail naming the certificate's subject `CN = other.example`
TEST_F(NamespaceNetwork, TlsFaultsAreDistinct) {
  struct Case {
    const char* cert;
    const char* message_part;
  };
  const Case cases[] = {
      {"unknownca", "issued by `O = Preflight Tests, CN = Corp TLS Inspection CA`"},
      {"expired", "expired on 2021-01-01"},
      {"notyet", "valid only from 2099-01-01"},
      {"wrongname", "is for `CN = other.example`"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cert);
    auto cloud = Cloud("none", c.cert);
    Run r = Preflight("https://cloud.test", {"--resolve", "cloud.test:443:127.0.0.1"});
    EXPECT_EQ(r.Status("network.tls"), "fail");
    EXPECT_NE(r.Message("network.tls").find(c.message_part), std::string::npos) << r.raw;
  }
}

// fault: tls | server speaks only TLS 1.0, or only TLS 1.1 (OpenSSL security level 0) | network.tls fail "offers only an outdated TLS version (TLSv1…), older than TLS 1.2", remediation naming the proxy that downgrades
// fault: tls | plain-text HTTP answering on the TLS port | network.tls fail "does not speak TLS … e.g. plain HTTP on port 443"
// fault: tls | server omits its intermediate certificate (leaf ← intermediate ← root; only the root trusted) | network.tls fail "the server sent no intermediate certificate with it", remediation "serve the full chain"; the same leaf with its intermediate passes
TEST_F(NamespaceNetwork, TlsVersionPlainTextAndMissingIntermediateAreNamed) {
  struct Case {
    const char* fault;
    const char* cert;
    const char* status;
    const char* message_part;
    const char* fix_part;
  };
  const Case cases[] = {
      {"tls10", "good", "fail", "offers only an outdated TLS version", "downgrades"},
      {"tls11", "good", "fail", "offers only an outdated TLS version", "downgrades"},
      {"plainhttp", "good", "fail", "does not speak TLS", "https:// endpoint"},
      {"none", "chained", "fail",
       "issued by `CN = Preflight Test Intermediate CA, O = Preflight Tests`",
       "serve the full chain"},
      {"none", "fullchain", "pass", "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.fault) + " " + c.cert);
    auto cloud = Cloud(c.fault, c.cert);
    Run r = Preflight("https://cloud.test", {"--resolve", "cloud.test:443:127.0.0.1"});
    EXPECT_EQ(r.Status("network.tls"), c.status) << r.raw;
    EXPECT_NE(r.Message("network.tls").find(c.message_part), std::string::npos) << r.raw;
    EXPECT_NE(r.Check("network.tls").value("remediation", "").find(c.fix_part), std::string::npos)
        << r.raw;
    if (std::string(c.cert) == "chained") {
      EXPECT_NE(r.Message("network.tls").find("sent no intermediate certificate"),
                std::string::npos);
    }
  }
}

// fault: network | Cloud HTTPS answers 403 | network.https fail "answered 403"
// fault: network | firewall returns an HTML block page | network.https fail naming an HTML block page
// fault: network | WebSocket upgrade refused 403 by a FortiGate, HTTPS fine | network.websocket fail naming FortiGate and "your firewall blocks WebSockets, even outbound"; network.https pass
// fault: network | connection reset on the WebSocket upgrade | network.websocket fail saying reset; firewall-blocks-WebSockets remediation
// fault: network | WebSocket upgrade answered 401 (no credentials yet) | network.websocket pass noting 401 (the endpoint is reachable)
// fault: tls | peer accepts TCP and never sends a TLS byte | network.tls fail "stays silent", within deadline + 200 ms
// fault: tls | TCP reset during the TLS handshake | network.tls fail "reset by peer"
TEST_F(NamespaceNetwork, HttpAndWebSocketFaultsAreDistinct) {
  struct Case {
    const char* fault;
    const char* check;
    const char* status;
    const char* message_part;
  };
  const Case cases[] = {
      {"http403", "network.https", "fail", "answered 403"},
      {"blockpage", "network.https", "fail", "HTML block page"},
      {"ws_refused", "network.websocket", "fail", "answered 403 Forbidden by FortiGate"},
      {"ws_reset", "network.websocket", "fail", "reset"},
      {"ws_auth", "network.websocket", "pass", "401"},
      {"silent", "network.tls", "fail", "stays silent"},
      {"rst", "network.tls", "fail", "reset by peer"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.fault);
    auto cloud = Cloud(c.fault);
    Run r = Preflight("https://cloud.test", {"--resolve", "cloud.test:443:127.0.0.1"});
    EXPECT_EQ(r.Status(c.check), c.status) << r.raw;
    EXPECT_NE(r.Message(c.check).find(c.message_part), std::string::npos) << r.raw;
    if (std::string(c.status) == "fail" && std::string(c.check) == "network.websocket") {
      EXPECT_NE(r.Message(c.check).find("your firewall blocks WebSockets, even outbound"),
                std::string::npos);
      EXPECT_EQ(r.Status("network.https"), "pass");
    }
  }
}

TEST_F(NamespaceNetwork, TinyproxyTunnelsAndDnsIsSkipped) {
  auto cloud = Cloud();
  auto proxy = Tinyproxy(3128, "ConnectPort 443\n");
  Run r = Preflight(
      "https://p.cloud.test", {},
      {{"https_proxy", "http://127.0.0.1:3128"}, {"http_proxy", "http://127.0.0.1:3128"}});
  EXPECT_EQ(r.Status("network.proxy"), "pass") << r.raw;
  EXPECT_EQ(r.Status("network.dns"), "skip");
  EXPECT_NE(r.Message("network.dns").find("resolves the Cloud's names"), std::string::npos);
  EXPECT_EQ(r.Status("network.tls"), "pass") << r.raw;
  EXPECT_EQ(r.Status("network.https"), "pass") << r.raw;
  EXPECT_EQ(r.Status("network.websocket"), "pass") << r.raw;
  EXPECT_EQ(r.Check("network.tls")["details"]["connections"][0]["via_proxy"], true);
}

// fault: proxy | proxy demands credentials, none given | network.proxy fail "demands credentials (407"
// fault: proxy | wrong proxy password | network.proxy fail "rejected the credentials"; the password never appears in output
// fault: proxy | proxy refuses CONNECT to port 443 | network.proxy fail "refuses CONNECT"; network.tls skipped
// fault: proxy | proxy port closed | network.proxy fail "cannot be reached"
// fault: proxy | proxy password in https_proxy | never appears in any output (wrong or right password)
TEST_F(NamespaceNetwork, ProxyFaultsAreDistinctAndCredentialsNeverShown) {
  auto cloud = Cloud();
  auto auth = Tinyproxy(3129, "BasicAuth alice s3cretpw\n");
  auto ports = Tinyproxy(3130, "ConnectPort 563\n");
  Run noauth = Preflight(
      "https://p.cloud.test", {},
      {{"https_proxy", "http://127.0.0.1:3129"}, {"http_proxy", "http://127.0.0.1:3129"}});
  EXPECT_NE(noauth.Message("network.proxy").find("demands credentials (407"), std::string::npos)
      << noauth.raw;
  Run wrong = Preflight("https://p.cloud.test", {},
                        {{"https_proxy", "http://alice:wr0ngpw@127.0.0.1:3129"},
                         {"http_proxy", "http://alice:wr0ngpw@127.0.0.1:3129"}});
  EXPECT_NE(wrong.Message("network.proxy").find("rejected the credentials"), std::string::npos)
      << wrong.raw;
  EXPECT_EQ(wrong.raw.find("wr0ngpw"), std::string::npos) << wrong.raw;
  Run right = Preflight("https://p.cloud.test", {},
                        {{"https_proxy", "http://alice:s3cretpw@127.0.0.1:3129"},
                         {"http_proxy", "http://alice:s3cretpw@127.0.0.1:3129"}});
  EXPECT_EQ(right.Status("network.proxy"), "pass") << right.raw;
  EXPECT_EQ(right.Status("network.websocket"), "pass") << right.raw;
  EXPECT_EQ(right.raw.find("s3cretpw"), std::string::npos) << right.raw;
  Run refused = Preflight(
      "https://p.cloud.test", {},
      {{"https_proxy", "http://127.0.0.1:3130"}, {"http_proxy", "http://127.0.0.1:3130"}});
  EXPECT_NE(refused.Message("network.proxy").find("refuses CONNECT"), std::string::npos)
      << refused.raw;
  EXPECT_EQ(refused.Status("network.tls"), "skip");
  Run down = Preflight(
      "https://p.cloud.test", {},
      {{"https_proxy", "http://127.0.0.1:3999"}, {"http_proxy", "http://127.0.0.1:3999"}});
  EXPECT_NE(down.Message("network.proxy").find("cannot be reached"), std::string::npos) << down.raw;
}

// fault: proxy | socks5h:// proxy (a real SOCKS5 server) in https_proxy and http_proxy, agent version unknown | network.proxy warn "depends on the agent's version" (socks5 from the environment from v2.10.0); the proxy resolves the name (CONNECT by domain), network.dns skipped; TLS, HTTPS and WebSocket pass through it
// fault: proxy | socks5:// proxy | network.proxy warn (version unknown); the container resolves the name (CONNECT by IPv4 address); TLS, HTTPS and WebSocket pass through it
// fault: proxy | SOCKS5 proxy down (port closed) | network.proxy fail "cannot be reached", "start the proxy"; network.tls skipped
// fault: proxy | SOCKS5 proxy whose rules refuse the Cloud (reply 2), or that cannot reach the name (reply 4) | network.proxy fail "did not open a tunnel" with "(2): connection not allowed by the proxy's rules" / "(4): host unreachable from the proxy"
TEST_F(NamespaceNetwork, Socks5ProxyTunnelsAndItsFaultsAreNamed) {
  auto cloud = Cloud();
  auto socks = Socks5(1080, {"--map", "cloud.test=127.0.0.1"});
  auto deny = Socks5(1081, {"--deny"});
  auto via = [](const std::string& url) {
    return std::map<std::string, std::string>{{"https_proxy", url}, {"http_proxy", url}};
  };
  auto log = [&] {
    std::ifstream in(Socks5Log());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    WriteText(Socks5Log(), "");
    return text;
  };
  Run h = Preflight("https://cloud.test", {}, via("socks5h://127.0.0.1:1080"));
  // No agent here, so its version is unknown: socks5 from the environment reaches the link only
  // from v2.10.0 (agent model link-socks-from-env), which network.proxy says as a warning.
  EXPECT_EQ(h.Status("network.proxy"), "warn") << h.raw;
  EXPECT_NE(h.Message("network.proxy").find("depends on the agent's version"), std::string::npos)
      << h.raw;
  EXPECT_EQ(h.Status("network.dns"), "skip") << h.raw;
  for (const char* id : {"network.tls", "network.https", "network.websocket"}) {
    EXPECT_EQ(h.Status(id), "pass") << id << "\n" << h.raw;
  }
  EXPECT_EQ(h.Check("network.tls")["details"]["connections"][0]["via_proxy"], true);
  EXPECT_NE(log().find("CONNECT domain cloud.test 443"), std::string::npos);

  Run local = Preflight("https://cloud.test", {"--resolve", "cloud.test:443:127.0.0.1"},
                        via("socks5://127.0.0.1:1080"));
  EXPECT_EQ(local.Status("network.proxy"), "warn") << local.raw;  // version unknown, as above
  for (const char* id : {"network.dns", "network.tls", "network.https", "network.websocket"}) {
    EXPECT_EQ(local.Status(id), "pass") << id << "\n" << local.raw;
  }
  const std::string connects = log();
  EXPECT_NE(connects.find("CONNECT ipv4 127.0.0.1 443"), std::string::npos) << connects;
  EXPECT_EQ(connects.find("domain"), std::string::npos) << connects;

  Run down = Preflight("https://cloud.test", {}, via("socks5h://127.0.0.1:1099"));
  EXPECT_EQ(down.Status("network.proxy"), "fail") << down.raw;
  EXPECT_NE(down.Message("network.proxy").find("cannot be reached"), std::string::npos) << down.raw;
  EXPECT_EQ(down.Status("network.tls"), "skip");

  Run refused = Preflight("https://cloud.test", {}, via("socks5h://127.0.0.1:1081"));
  EXPECT_NE(refused.Message("network.proxy")
                .find("did not open a tunnel to cloud.test:443: Can't complete SOCKS5 connection "
                      "to cloud.test. (2): connection not allowed by the proxy's rules"),
            std::string::npos)
      << refused.raw;
  Run unknown = Preflight("https://other.test", {}, via("socks5h://127.0.0.1:1080"));
  EXPECT_NE(unknown.Message("network.proxy").find("(4): host unreachable from the proxy"),
            std::string::npos)
      << unknown.raw;
}

// fault: proxy | only HTTPS_PROXY (uppercase) set | network.proxy warn: claim goes via the proxy, the link (ACLK) connects directly
TEST_F(NamespaceNetwork, OnlyUppercaseHttpsProxyWarnsTheLinkGoesDirect) {
  auto dns = Dnsmasq();
  auto cloud = Cloud();
  auto proxy = Tinyproxy(3131, "");
  Run r = Preflight("https://p.cloud.test", {}, {{"HTTPS_PROXY", "http://127.0.0.1:3131"}});
  EXPECT_EQ(r.Status("network.proxy"), "warn") << r.raw;
  EXPECT_NE(r.Message("network.proxy").find("link (ACLK) connects directly"), std::string::npos);
  // The claim request goes through the proxy, the link's upgrade directly: both work here.
  EXPECT_EQ(r.Check("network.tls")["details"]["connections"][0]["via_proxy"], true);
  EXPECT_EQ(r.Check("network.websocket")["details"]["via_proxy"], false);
  EXPECT_EQ(r.Status("network.websocket"), "pass") << r.raw;
}

// fault: proxy | proxy accepts and never answers CONNECT | network.proxy fail "never answered CONNECT", within deadline + 200 ms; network.tls skipped
TEST_F(NamespaceNetwork, SilentProxyEndsWithinTheDeadline) {
  auto silent = Cloud("silent");  // accepts on 127.0.0.1:443 and never says a word
  Run r =
      Preflight("https://p.cloud.test", {},
                {{"https_proxy", "http://127.0.0.1:443"}, {"http_proxy", "http://127.0.0.1:443"}});
  EXPECT_EQ(r.Status("network.proxy"), "fail") << r.raw;
  EXPECT_NE(r.Message("network.proxy").find("never answered CONNECT"), std::string::npos) << r.raw;
  EXPECT_EQ(r.Status("network.tls"), "skip");
}

// fault: network | dropping nameserver plus a silent Cloud on the pinned host | network.dns fail; report duration and wall time within deadline + 200 ms
TEST_F(NamespaceNetwork, SilentPeerOnEveryHopStillEndsWithinTheDeadline) {
  // A nameserver that drops, and a cloud that accepts and never answers.
  auto cloud = Cloud("silent");
  auto drop = DnsFault("drop", "127.0.0.2");
  WriteText(Dir() + "/resolv.conf", "nameserver 127.0.0.2\n");
  Run r = Preflight("https://cloud.test,https://pinned.test",
                    {"--resolve", "pinned.test:443:127.0.0.1"});
  EXPECT_EQ(r.Status("network.dns"), "fail") << r.raw;
  EXPECT_LE(r.report["duration_ms"].get<double>(), kDeadlineMs + 200);
}

}  // namespace
}  // namespace preflight::testing
