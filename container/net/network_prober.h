#pragma once
/// Network probes toward Netdata Cloud: proxy, DNS, TCP, TLS, HTTPS and the WebSocket upgrade.
///
/// One run of the five network checks shares one probe: each phase is computed once per
/// (plan, deadline) and memoized, and later phases reuse earlier ones (the DNS answers are
/// pinned into the TCP/TLS connections, one TLS session cache serves every transfer). All
/// targets of a phase are probed in parallel on the calling thread (c-ares, curl multi); no
/// call returns later than its deadline.

#include <chrono>
#include <string>
#include <vector>

namespace preflight::container {

using NetDeadline = std::chrono::steady_clock::time_point;

/// A host and TCP port.
struct Endpoint {
  std::string host;
  int port = 443;
  std::string Name() const { return host + ":" + std::to_string(port); }
};

/// What to probe. Built by the checks from the inputs and the agent's settings.
struct NetworkPlan {
  std::vector<Endpoint> targets;     ///< distinct; an HTTPS `GET /` goes to each
  Endpoint websocket;                ///< where the agent's `GET /mqtt` upgrade goes
  std::vector<std::string> resolve;  ///< HOST:PORT:ADDR pins, like curl --resolve
  std::string ca_file;               ///< --ca-file; empty = discover (FindCaBundle)
  /// Proxy the claim request uses (libcurl's rules); carries the HTTPS `GET /` probes.
  std::string claim_proxy;
  /// Proxy the link uses (the ACLK's rules: http://, socks5h://, ...); carries the WebSocket
  /// upgrade. Empty = direct.
  std::string link_proxy;
  /// The proxy to test with CONNECT (the link's, else the claim's); empty = none.
  std::string proxy_to_test;

  /// Identity of the plan, for memoization.
  std::string Key() const;
};

// ---- DNS ---------------------------------------------------------------------------------

enum class DnsOutcome {
  kOk,            ///< addresses found (from /etc/hosts or DNS)
  kPinned,        ///< --resolve gave the address; no lookup
  kNxDomain,      ///< the name does not exist
  kServFail,      ///< the nameserver failed (SERVFAIL)
  kRefused,       ///< the nameserver answered REFUSED
  kPortClosed,    ///< connection refused: nothing takes DNS on UDP, or on TCP after a TC answer
  kBadReply,      ///< the answer was malformed (cut off, counts that do not match)
  kTimeout,       ///< no answer in time
  kNoNameserver,  ///< resolv.conf names no nameserver and /etc/hosts has no entry
  kNoAddress,     ///< the name exists but has no A/AAAA record
  kError,         ///< anything else (detail says what)
};

/// "ok", "pinned", "nxdomain", "servfail", "refused", "timeout", "no_nameserver", ...
const char* DnsOutcomeName(DnsOutcome outcome);

struct DnsAnswer {
  std::string host;
  DnsOutcome outcome = DnsOutcome::kError;
  std::vector<std::string> addresses;  ///< IPv4 and IPv6, as text
  std::string detail;                  ///< the resolver's own words
  double ms = 0;
};

struct DnsReport {
  /// Set when every probe goes through a proxy that resolves names for us: no lookup was made.
  bool skipped_by_proxy = false;
  std::vector<std::string> nameservers;  ///< from resolv.conf as c-ares read it
  std::vector<std::string> search;       ///< search domains
  std::vector<DnsAnswer> answers;        ///< one per host reached directly (not via a proxy)
  std::string error;                     ///< the resolver could not start
  const DnsAnswer* Find(const std::string& host) const;
};

// ---- Proxy -------------------------------------------------------------------------------

struct ProxyProbe {
  bool tested = false;     ///< false when the plan has no proxy to test
  std::string proxy;       ///< redacted URL
  std::string target;      ///< host:port asked for with CONNECT
  bool reachable = false;  ///< TCP to the proxy connected
  int connect_code = 0;    ///< the proxy's answer to CONNECT (200, 403, 407...); 0 = none
  bool tunnel_ok = false;  ///< CONNECT (or SOCKS) succeeded
  bool timed_out = false;
  std::string error;  ///< curl's words when it failed
  double ms = 0;
};

// ---- TCP / TLS / HTTP --------------------------------------------------------------------

enum class ConnectOutcome {
  kOk,              ///< TCP and TLS (verified) succeeded
  kNotResolved,     ///< no address to connect to
  kRefused,         ///< TCP RST: nothing listens, or a firewall rejects
  kTimeout,         ///< TCP SYN unanswered (blackholed)
  kUnreachable,     ///< no route (EHOSTUNREACH / ENETUNREACH)
  kProxyFailed,     ///< the proxy did not tunnel
  kTlsTimeout,      ///< TCP connected, the TLS handshake got no answer
  kTlsUnknownCa,    ///< chain does not lead to a trusted CA
  kTlsExpired,      ///< a certificate of the chain expired
  kTlsNotYetValid,  ///< a certificate of the chain is not yet valid (or the clock is wrong)
  kTlsWrongHost,    ///< the certificate is for another name
  kTlsIncomplete,   ///< the peer sent only its leaf, whose issuer is not a trusted CA
  kTlsNotTls,       ///< the peer answered the ClientHello with something else (plain HTTP)
  kTlsOldVersion,   ///< the peer speaks only TLS 1.0/1.1 (or SSL), which is refused
  kTlsError,        ///< the handshake failed otherwise (reset, protocol error)
  kNotRun,          ///< the deadline came before it could start
};

/// "ok", "not_resolved", "refused", "timeout", "unreachable", "proxy_failed", "tls_timeout", ...
const char* ConnectOutcomeName(ConnectOutcome outcome);

/// Facts of the certificate chain the peer presented.
struct CertFacts {
  std::string subject;     ///< leaf subject (one line)
  std::string issuer;      ///< leaf issuer
  std::string top_issuer;  ///< issuer of the last certificate the peer sent (the root's name)
  std::string not_before;  ///< leaf, "YYYY-MM-DD HH:MM:SS UTC"
  std::string not_after;
  int verify_error = 0;           ///< OpenSSL X509_V_ERR_*; 0 = verified
  std::string verify_error_text;  ///< X509_verify_cert_error_string
  std::string failing_subject;    ///< the certificate the error is about
  std::string failing_issuer;
  int peer_certs = 0;   ///< certificates the peer sent (1 = the leaf alone)
  std::string version;  ///< TLS version negotiated when the chain was seen ("TLSv1")
};

/// One HTTP answer (or why there was none).
struct HttpAnswer {
  bool answered = false;  ///< a status line arrived
  int status = 0;
  std::string reason;
  std::string server;        ///< Server: header
  std::string content_type;  ///< Content-Type: header
  std::string via;           ///< Via: header (proxies add it)
  std::string body;          ///< the first bytes of the body (at most 4 KiB)
  std::string error;         ///< when not answered: reset, closed, timed out...
  bool timed_out = false;
};

struct TargetReach {
  Endpoint endpoint;
  std::string address;     ///< the IP connected to (or the proxy's)
  bool via_proxy = false;  ///< the connection went through a proxy tunnel
  ConnectOutcome outcome = ConnectOutcome::kNotRun;
  std::string detail;  ///< curl's / OpenSSL's words
  CertFacts cert;
  HttpAnswer http;  ///< GET / (or the upgrade answer for the websocket probe)
  double tcp_ms = 0, tls_ms = 0, total_ms = 0;
};

/// The CA bundle used to verify, and where it was found.
struct CaBundle {
  std::string path;    ///< file or directory; empty = none found
  std::string source;  ///< "--ca-file", "SSL_CERT_FILE", "SSL_CERT_DIR", "debian", "alpine", ...
  bool is_dir = false;
  int certificates = 0;  ///< PEM certificates loaded
  std::string error;     ///< set when none was usable
};

struct ReachReport {
  CaBundle ca;
  /// GET / to every plan target: one entry per resolved address (IPv4 and IPv6) when
  /// connecting directly, one entry per target through a proxy or when unresolved.
  std::vector<TargetReach> targets;
  TargetReach websocket;  ///< GET /mqtt upgrade to plan.websocket (first usable address)
  bool upgraded = false;  ///< websocket answered 101 with a valid accept key
  /// The first entry of `endpoint` (nullptr when none).
  const TargetReach* Find(const Endpoint& endpoint) const;
};

class NetworkProber {
 public:
  virtual ~NetworkProber() = default;

  /// Tests plan.proxy_to_test with a CONNECT to the first target. Bounded by `deadline`.
  virtual const ProxyProbe& TestProxy(const NetworkPlan& plan, NetDeadline deadline) = 0;
  /// Resolves every target (skipped when plan.proxy resolves names). Bounded by `deadline`.
  virtual const DnsReport& Resolve(const NetworkPlan& plan, NetDeadline deadline) = 0;
  /// TCP, TLS, `GET /` to every target and the WebSocket upgrade, all at once, reusing
  /// Resolve's answers (running it first when needed). Bounded by `deadline`.
  virtual const ReachReport& Reach(const NetworkPlan& plan, NetDeadline deadline) = 0;
};

/// Process-wide library initialisation (curl, c-ares); call once, early in main().
void NetGlobalInit();

}  // namespace preflight::container
