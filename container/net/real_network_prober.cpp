#include "container/net/real_network_prober.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>

#include "container/net/ca_bundle.h"
#include "container/net/dns_resolver.h"
#include "container/net/http_parse.h"
#include "container/net/proxy.h"

namespace preflight::container {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxBody = 4096;

long MillisLeft(NetDeadline deadline) {
  return std::max<long>(
      1,
      static_cast<long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
}

// A budget for one phase: `share` of what is left, so a later phase always has time.
NetDeadline Portion(NetDeadline deadline, double share) {
  auto now = Clock::now();
  if (deadline <= now) return deadline;
  return now + std::chrono::duration_cast<Clock::duration>((deadline - now) * share);
}

std::string NameText(const X509_NAME* name) {
  if (name == nullptr) return "";
  std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string TimeText(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "";
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// One curl transfer and everything its callbacks collect.
struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* resolve = nullptr;
  char error[CURL_ERROR_SIZE] = "";
  HttpAnswer http;
  CertFacts cert;
  bool leaf_seen = false;
  CURLcode result = CURLE_OK;
  bool done = false;
  bool cut_by_deadline = false;
  bool via_proxy = false;
  bool is_websocket = false;
  bool tcp_connected = false;  // seen in curl's trace: the TCP handshake completed
  bool tls_answered = false;   // the peer sent TLS bytes
  TargetReach* out = nullptr;  // where Classify puts the outcome

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
  }
};

int ExIndex() {
  static int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Records the chain facts while keeping OpenSSL's verdict.
int VerifyCallback(int ok, X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return ok;
  auto* t = static_cast<Transfer*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ExIndex()));
  if (t == nullptr) return ok;
  if (!t->leaf_seen) {
    if (X509* leaf = X509_STORE_CTX_get0_cert(store)) {
      t->leaf_seen = true;
      t->cert.subject = NameText(X509_get_subject_name(leaf));
      t->cert.issuer = NameText(X509_get_issuer_name(leaf));
      t->cert.not_before = TimeText(X509_get0_notBefore(leaf));
      t->cert.not_after = TimeText(X509_get0_notAfter(leaf));
      t->cert.top_issuer = t->cert.issuer;
      t->cert.version = SSL_get_version(ssl);
      if (STACK_OF(X509)* chain = X509_STORE_CTX_get0_untrusted(store)) {
        int n = sk_X509_num(chain);
        t->cert.peer_certs = n;
        if (n > 0) t->cert.top_issuer = NameText(X509_get_issuer_name(sk_X509_value(chain, n - 1)));
      }
    }
  }
  if (!ok && t->cert.verify_error == 0) {
    t->cert.verify_error = X509_STORE_CTX_get_error(store);
    t->cert.verify_error_text = X509_verify_cert_error_string(t->cert.verify_error);
    if (X509* bad = X509_STORE_CTX_get_current_cert(store)) {
      t->cert.failing_subject = NameText(X509_get_subject_name(bad));
      t->cert.failing_issuer = NameText(X509_get_issuer_name(bad));
    }
  }
  return ok;
}

// curl ends a refused SOCKS5 request with "... (N)", N the RFC 1928 reply code: say what it is.
std::string SocksReplyMeaning(const std::string& error) {
  static const char* const kReplies[] = {
      "",
      "general SOCKS server failure",
      "connection not allowed by the proxy's rules",
      "network unreachable from the proxy",
      "host unreachable from the proxy (or its name does not resolve there)",
      "connection refused at the target",
      "TTL expired",
      "command not supported",
      "address type not supported",
  };
  const std::string_view prefix = "SOCKS5 connection to ";
  size_t open = error.rfind(". (");
  if (error.find(prefix) == std::string::npos || open == std::string::npos ||
      error.size() != open + 5 || error.back() != ')') {
    return "";
  }
  const char digit = error[open + 3];
  if (digit < '1' || digit > '8') return "";
  return std::string(": ") + kReplies[digit - '0'];
}

// What a failed handshake means, from OpenSSL's reason (curl's error text) and the version
// negotiated, when the chain got that far.
ConnectOutcome HandshakeOutcome(const std::string& detail, const std::string& version) {
  auto has = [&](const char* s) { return detail.find(s) != std::string::npos; };
  if (has("wrong version number") || has("packet length too long") || has("http request")) {
    return ConnectOutcome::kTlsNotTls;  // the bytes that came back were not a TLS record
  }
  if (has("unsupported protocol") || has("protocol version") || has("version too low") ||
      has("legacy sigalg") || version == "TLSv1" || version == "TLSv1.1" || version == "SSLv3") {
    return ConnectOutcome::kTlsOldVersion;
  }
  return ConnectOutcome::kTlsError;
}

CURLcode SslCtxCallback(CURL* /*easy*/, void* ssl_ctx, void* userptr) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  SSL_CTX_set_ex_data(ctx, ExIndex(), userptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &VerifyCallback);
  return CURLE_OK;
}

size_t OnHeader(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (auto status = ParseStatusLine(line)) {
    // A new response (after 100 Continue, or a redirect) starts over.
    t->http = HttpAnswer{};
    t->http.answered = true;
    t->http.status = status->code;
    t->http.reason = status->reason;
  } else if (auto header = ParseHeaderLine(line)) {
    if (header->first == "server") t->http.server = header->second.substr(0, 200);
    if (header->first == "content-type") t->http.content_type = header->second.substr(0, 200);
    if (header->first == "via") t->http.via = header->second.substr(0, 200);
  }
  return size * n;
}

// curl's trace tells how far a connection got even when the transfer fails (its CONNECT_TIME
// stays 0 until the TLS handshake is done).
int OnTrace(CURL* /*easy*/, curl_infotype type, char* data, size_t size, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  std::string_view text(data, size);
  if (type == CURLINFO_TEXT && text.rfind("Connected to ", 0) == 0) t->tcp_connected = true;
  if (type == CURLINFO_SSL_DATA_OUT || type == CURLINFO_HEADER_OUT) t->tcp_connected = true;
  if (type == CURLINFO_SSL_DATA_IN) t->tls_answered = true;
  return 0;
}

size_t OnBody(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  size_t room = kMaxBody - std::min(kMaxBody, t->http.body.size());
  t->http.body.append(data, std::min(room, size * n));
  return size * n;
}

std::string ResolveEntry(const std::string& host, int port, const std::vector<std::string>& addrs) {
  std::string entry = host + ":" + std::to_string(port) + ":";
  for (size_t i = 0; i < addrs.size(); ++i) {
    if (i > 0) entry += ",";
    entry += addrs[i].find(':') != std::string::npos ? "[" + addrs[i] + "]" : addrs[i];
  }
  return entry;
}

// Options every transfer shares: bounded, quiet, no environment proxies of its own.
void CommonSetup(Transfer& t, const std::string& url, const std::string& proxy,
                 const std::vector<std::string>& resolve, NetDeadline deadline) {
  t.easy = curl_easy_init();
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, MillisLeft(deadline));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, MillisLeft(deadline));
  // "" disables libcurl's own reading of *_proxy variables: we decide the proxy.
  curl_easy_setopt(e, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "Netdata/rocks newhttpclient");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &OnTrace);
  curl_easy_setopt(e, CURLOPT_DEBUGDATA, &t);
  curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
  // HTTP/1.1 as the agent speaks it; no connection or session reuse, so every transfer
  // makes its own TCP and TLS handshake and reports its own certificate chain.
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
  for (const auto& r : resolve) t.resolve = curl_slist_append(t.resolve, r.c_str());
  if (t.resolve != nullptr) curl_easy_setopt(e, CURLOPT_RESOLVE, t.resolve);
}

void TlsSetup(Transfer& t, const std::string& ca_pem) {
  CURL* e = t.easy;
  if (!ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(ca_pem.data()), ca_pem.size(), CURL_BLOB_NOCOPY};
    curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
  }
  curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &SslCtxCallback);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, &t);
}

// Drives every transfer at once on this thread until all are done or the deadline passes.
void RunAll(std::vector<std::unique_ptr<Transfer>>& transfers, NetDeadline deadline) {
  std::unique_ptr<CURLM, CURLMcode (*)(CURLM*)> multi(curl_multi_init(), &curl_multi_cleanup);
  for (auto& t : transfers) curl_multi_add_handle(multi.get(), t->easy);
  int running = static_cast<int>(transfers.size());
  while (running > 0 && Clock::now() < deadline) {
    curl_multi_perform(multi.get(), &running);
    int queued = 0;
    while (CURLMsg* m = curl_multi_info_read(multi.get(), &queued)) {
      if (m->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
      t->result = m->data.result;
      t->done = true;
    }
    if (running == 0) break;
    int wait = static_cast<int>(std::min<long>(MillisLeft(deadline), 100));
    curl_multi_poll(multi.get(), nullptr, 0, wait, nullptr);
  }
  for (auto& t : transfers) {
    if (!t->done) {
      t->result = CURLE_OPERATION_TIMEDOUT;
      t->cut_by_deadline = true;
      t->done = true;
    }
    curl_multi_remove_handle(multi.get(), t->easy);
  }
}

// How far a finished transfer got, as curl and the OS saw it.
struct TransferFacts {
  long os_errno = 0;
  long connect_code = 0;  // the proxy's answer to CONNECT, 0 when none
  bool tcp_up = false;
  bool tls_up = false;
};

// Reads a finished transfer's facts; the measures, certificate and HTTP answer go into `out`.
TransferFacts ReadFacts(Transfer& t, TargetReach& out) {
  CURL* e = t.easy;
  TransferFacts facts;
  curl_off_t connect_us = 0, app_us = 0, total_us = 0;
  char* ip = nullptr;
  curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &facts.os_errno);
  curl_easy_getinfo(e, CURLINFO_HTTP_CONNECTCODE, &facts.connect_code);
  curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &app_us);
  curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
  out.address = ip != nullptr ? ip : "";
  out.tcp_ms = connect_us / 1000.0;
  out.tls_ms = app_us / 1000.0;
  out.total_ms = total_us / 1000.0;
  out.cert = t.cert;
  out.http = t.http;
  out.detail = t.error[0] != '\0' ? t.error : curl_easy_strerror(t.result);
  if (t.cut_by_deadline) out.detail = "no progress before the deadline";
  facts.tcp_up = connect_us > 0 || t.tcp_connected;
  facts.tls_up = app_us > 0;
  return facts;
}

// OpenSSL's verdict on a chain that did not verify (cert.verify_error != 0).
ConnectOutcome CertOutcome(const CertFacts& cert) {
  switch (cert.verify_error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return ConnectOutcome::kTlsExpired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return ConnectOutcome::kTlsNotYetValid;
    case X509_V_ERR_HOSTNAME_MISMATCH:
      return ConnectOutcome::kTlsWrongHost;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      // The leaf alone and no way up from it: its intermediate was not sent.
      return cert.peer_certs == 1 && cert.subject != cert.issuer ? ConnectOutcome::kTlsIncomplete
                                                                 : ConnectOutcome::kTlsUnknownCa;
    default:
      return ConnectOutcome::kTlsUnknownCa;
  }
}

// The outcome from curl's result, the OS error and how far the connection got (out.detail
// and out.http.timed_out are set where the outcome needs them).
void JudgeCurlResult(const Transfer& t, bool via_proxy, const TransferFacts& facts,
                     TargetReach& out) {
  switch (t.result) {
    case CURLE_OK:
    case CURLE_HTTP_RETURNED_ERROR:  // a refused WebSocket upgrade: TLS was fine
      out.outcome = ConnectOutcome::kOk;
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
      out.outcome = ConnectOutcome::kNotResolved;
      break;
    case CURLE_COULDNT_RESOLVE_PROXY:
      out.outcome = ConnectOutcome::kProxyFailed;
      break;
    case CURLE_COULDNT_CONNECT:
      if (via_proxy) {
        out.outcome = ConnectOutcome::kProxyFailed;
      } else if (facts.os_errno == EHOSTUNREACH || facts.os_errno == ENETUNREACH) {
        out.outcome = ConnectOutcome::kUnreachable;
      } else if (facts.os_errno == ECONNRESET) {
        out.outcome = ConnectOutcome::kTlsError;  // accepted, then reset
        out.detail = "the connection was reset right after it was accepted";
      } else if (facts.os_errno == ETIMEDOUT) {
        out.outcome = ConnectOutcome::kTimeout;
      } else {
        out.outcome = ConnectOutcome::kRefused;
      }
      break;
    case CURLE_PROXY:
      out.outcome = ConnectOutcome::kProxyFailed;
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
      // The chain verified (no OpenSSL error): curl's own host name check failed.
      out.outcome = ConnectOutcome::kTlsWrongHost;
      break;
    case CURLE_SSL_CACERT_BADFILE:
      out.outcome = ConnectOutcome::kTlsUnknownCa;
      break;
    case CURLE_OPERATION_TIMEDOUT:
      if (!facts.tcp_up) {
        out.outcome = via_proxy ? ConnectOutcome::kProxyFailed : ConnectOutcome::kTimeout;
      } else if (!facts.tls_up) {
        out.outcome = (via_proxy && facts.connect_code == 0) ? ConnectOutcome::kProxyFailed
                                                             : ConnectOutcome::kTlsTimeout;
      } else {
        out.outcome = ConnectOutcome::kOk;
        out.http.timed_out = true;
      }
      break;
    default:
      // Reset or closed: during the handshake it is TLS's failure, after it the HTTP answer's.
      if (!facts.tcp_up && !via_proxy) {
        out.outcome = ConnectOutcome::kRefused;
      } else if (!facts.tls_up) {
        out.outcome = HandshakeOutcome(out.detail, t.cert.version);
      } else {
        out.outcome = ConnectOutcome::kOk;
      }
      break;
  }
}

// The words for a connection that worked but brought no HTTP answer.
void WordMissingAnswer(const Transfer& t, TargetReach& out) {
  out.http.error = out.http.timed_out ? "no HTTP answer before the deadline" : out.detail;
  if (t.result == CURLE_GOT_NOTHING) out.http.error = "the connection was closed without an answer";
  if (t.result == CURLE_RECV_ERROR) out.http.error = "the connection was reset: " + out.detail;
}

// What went wrong: a proxy's refused CONNECT, then OpenSSL's verdict on the chain (the most
// precise one, whatever curl made of it), then curl's result.
void Classify(Transfer& t, bool via_proxy, TargetReach& out) {
  const TransferFacts facts = ReadFacts(t, out);
  if (via_proxy && facts.connect_code != 0 && facts.connect_code / 100 != 2) {
    out.outcome = ConnectOutcome::kProxyFailed;
    out.detail = "the proxy answered " + std::to_string(facts.connect_code) + " to CONNECT";
    return;
  }
  if (t.cert.verify_error != 0) {
    out.outcome = CertOutcome(t.cert);
    out.detail = t.cert.verify_error_text;
    return;
  }
  JudgeCurlResult(t, via_proxy, facts, out);
  if (out.outcome == ConnectOutcome::kOk && !out.http.answered) WordMissingAnswer(t, out);
}

std::vector<Pin> Pins(const NetworkPlan& plan) {
  std::vector<Pin> pins;
  for (const auto& text : plan.resolve) {
    Pin pin;
    if (ParsePin(text, pin)) pins.push_back(pin);
  }
  return pins;
}

bool Usable(const DnsAnswer& a) {
  return (a.outcome == DnsOutcome::kOk || a.outcome == DnsOutcome::kPinned) && !a.addresses.empty();
}

// The hosts a probe connects to directly (not through a proxy that resolves names for us).
std::vector<std::string> DirectHosts(const NetworkPlan& plan) {
  std::vector<std::string> hosts;
  auto add = [&](const std::string& host) {
    if (!host.empty() && std::find(hosts.begin(), hosts.end(), host) == hosts.end()) {
      hosts.push_back(host);
    }
  };
  const bool claim_direct = plan.claim_proxy.empty() || !ProxyResolvesNames(plan.claim_proxy);
  const bool link_direct = plan.link_proxy.empty() || !ProxyResolvesNames(plan.link_proxy);
  if (claim_direct) {
    for (const auto& t : plan.targets) add(t.host);
  }
  if (link_direct) add(plan.websocket.host);
  return hosts;
}

// The deadline is part of the key: every round (of --wait-for-cloud) has its own deadline,
// so a later round never sees an earlier round's answers.
std::string DeadlineKey(const NetworkPlan& plan, NetDeadline deadline) {
  return plan.Key() + "@" + std::to_string(deadline.time_since_epoch().count());
}

// A target connection to make: its entry in the report and how its name is pinned.
struct Pending {
  size_t index;                  // into ReachReport::targets
  std::vector<std::string> pin;  // CURLOPT_RESOLVE entries of this transfer
};

// The targets' entries in `report`, all of them first so that pointers into report.targets stay
// valid: one per address (or one through the proxy), a name that did not resolve already judged.
std::vector<Pending> PlanTargets(const NetworkPlan& plan, const DnsReport& dns,
                                 ReachReport& report) {
  std::vector<Pending> pending;
  for (const auto& ep : plan.targets) {
    const bool via = !plan.claim_proxy.empty();
    TargetReach base;
    base.endpoint = ep;
    base.via_proxy = via;
    if (via) {
      pending.push_back({report.targets.size(), plan.resolve});
      report.targets.push_back(base);
      continue;
    }
    const DnsAnswer* a = dns.Find(ep.host);
    if (a == nullptr || !Usable(*a)) {
      base.outcome = ConnectOutcome::kNotResolved;
      base.detail =
          a == nullptr ? "not resolved" : std::string("DNS: ") + DnsOutcomeName(a->outcome);
      report.targets.push_back(base);
      continue;
    }
    // Every address on its own: a dead IPv6 path hides behind a working IPv4 one otherwise.
    for (const auto& addr : a->addresses) {
      base.address = addr;
      pending.push_back({report.targets.size(), {ResolveEntry(ep.host, ep.port, {addr})}});
      report.targets.push_back(base);
    }
  }
  return pending;
}

// The WebSocket upgrade the agent's link makes, added to `transfers` unless its name did not
// resolve (then report.websocket says so).
void PlanWebsocket(const NetworkPlan& plan, const DnsReport& dns, const std::string& ca_pem,
                   NetDeadline deadline, ReachReport& report,
                   std::vector<std::unique_ptr<Transfer>>& transfers) {
  report.websocket.endpoint = plan.websocket;
  report.websocket.via_proxy = !plan.link_proxy.empty();
  if (plan.websocket.host.empty()) return;
  std::vector<std::string> pin = plan.resolve;
  if (!report.websocket.via_proxy) {
    const DnsAnswer* a = dns.Find(plan.websocket.host);
    if (a == nullptr || !Usable(*a)) {
      report.websocket.outcome = ConnectOutcome::kNotResolved;
      report.websocket.detail =
          a == nullptr ? "not resolved" : std::string("DNS: ") + DnsOutcomeName(a->outcome);
      return;
    }
    pin = {ResolveEntry(plan.websocket.host, plan.websocket.port, a->addresses)};
  }
  transfers.push_back(std::make_unique<Transfer>());
  Transfer& t = *transfers.back();
  t.out = &report.websocket;
  t.via_proxy = report.websocket.via_proxy;
  // The agent's upgrade (ws_client.c): curl adds Upgrade, Connection, Key and Version 13.
  CommonSetup(t, "wss://" + plan.websocket.Name() + "/mqtt", plan.link_proxy, pin, deadline);
  TlsSetup(t, ca_pem);
  t.headers = curl_slist_append(t.headers, "Sec-WebSocket-Protocol: mqtt");
  t.headers = curl_slist_append(t.headers, "Origin;");
  curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, t.headers);
  curl_easy_setopt(t.easy, CURLOPT_CONNECT_ONLY, 2L);
  t.is_websocket = true;
}

}  // namespace

RealNetworkProber::RealNetworkProber(const System& sys) : sys_(sys) {
  static bool initialised = false;  // one thread: no race
  if (!initialised) NetGlobalInit();
  initialised = true;
}
RealNetworkProber::~RealNetworkProber() = default;

const ProxyProbe& RealNetworkProber::TestProxy(const NetworkPlan& plan, NetDeadline deadline) {
  std::string key = DeadlineKey(plan, deadline);
  if (key == proxy_key_) return proxy_;
  proxy_key_ = key;
  proxy_ = ProxyProbe{};
  if (plan.proxy_to_test.empty() || plan.targets.empty()) return proxy_;
  proxy_.tested = true;
  proxy_.proxy = RedactUrl(plan.proxy_to_test);
  proxy_.target = plan.targets.front().Name();
  // Half of what is left: DNS, TLS and HTTPS still need time when the proxy is silent.
  const NetDeadline budget = Portion(deadline, 0.5);
  std::vector<std::unique_ptr<Transfer>> transfers;
  transfers.push_back(std::make_unique<Transfer>());
  Transfer& t = *transfers.back();
  // http:// + tunnel + CONNECT_ONLY: the CONNECT and nothing after it.
  CommonSetup(t, "http://" + plan.targets.front().Name() + "/", plan.proxy_to_test, plan.resolve,
              budget);
  curl_easy_setopt(t.easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
  curl_easy_setopt(t.easy, CURLOPT_CONNECT_ONLY, 1L);
  RunAll(transfers, budget);
  long code = 0;
  curl_off_t connect_us = 0, total_us = 0;
  curl_easy_getinfo(t.easy, CURLINFO_HTTP_CONNECTCODE, &code);
  curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(t.easy, CURLINFO_TOTAL_TIME_T, &total_us);
  proxy_.connect_code = static_cast<int>(code);
  proxy_.reachable = connect_us > 0 || code != 0 || t.tcp_connected;
  proxy_.tunnel_ok = t.result == CURLE_OK;
  proxy_.timed_out = t.result == CURLE_OPERATION_TIMEDOUT;
  proxy_.ms = total_us / 1000.0;
  if (!proxy_.tunnel_ok) {
    proxy_.error = t.cut_by_deadline    ? "no answer before the deadline"
                   : t.error[0] != '\0' ? RedactUrl(t.error)
                                        : curl_easy_strerror(t.result);
    proxy_.error += SocksReplyMeaning(proxy_.error);
  }
  return proxy_;
}

const DnsReport& RealNetworkProber::Resolve(const NetworkPlan& plan, NetDeadline deadline) {
  std::string key = DeadlineKey(plan, deadline);
  if (key == dns_key_) return dns_;
  dns_key_ = key;
  dns_ = DnsReport{};
  std::vector<std::string> hosts = DirectHosts(plan);
  if (hosts.empty()) {
    dns_.skipped_by_proxy = !plan.claim_proxy.empty() || !plan.link_proxy.empty();
    return dns_;
  }
  std::string resolv_conf = sys_.ReadFile("/etc/resolv.conf", 64 * 1024, true).value_or("");
  // Half of what is left: a silent nameserver must not starve TCP and TLS.
  dns_ = ResolveHosts(hosts, Pins(plan), resolv_conf, Portion(deadline, 0.5));
  return dns_;
}

const ReachReport& RealNetworkProber::Reach(const NetworkPlan& plan, NetDeadline deadline) {
  std::string key = DeadlineKey(plan, deadline);
  if (key == reach_key_) return reach_;
  const DnsReport& dns = Resolve(plan, deadline);
  reach_key_ = key;
  reach_ = ReachReport{};
  reach_.ca = FindCaBundle(sys_, plan.ca_file);
  const std::string ca_pem = LoadCaPem(sys_, reach_.ca);

  std::vector<std::unique_ptr<Transfer>> transfers;
  for (const auto& p : PlanTargets(plan, dns, reach_)) {
    TargetReach& out = reach_.targets[p.index];
    transfers.push_back(std::make_unique<Transfer>());
    Transfer& t = *transfers.back();
    t.out = &out;
    t.via_proxy = out.via_proxy;
    CommonSetup(t, "https://" + out.endpoint.Name() + "/", plan.claim_proxy, p.pin, deadline);
    TlsSetup(t, ca_pem);
  }
  PlanWebsocket(plan, dns, ca_pem, deadline, reach_, transfers);
  RunAll(transfers, deadline);
  for (auto& t : transfers) {
    Classify(*t, t->via_proxy, *t->out);
    if (t->is_websocket) {
      reach_.upgraded = t->result == CURLE_OK && reach_.websocket.http.status == 101;
    }
  }
  return reach_;
}

}  // namespace preflight::container
