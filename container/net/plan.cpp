// NetworkPlan identity and the names of outcomes.
#include <ares.h>
#include <curl/curl.h>

#include "container/net/network_prober.h"

namespace preflight::container {

std::string NetworkPlan::Key() const {
  std::string key;
  for (const auto& t : targets) key += t.Name() + ",";
  key += "|" + websocket.Name() + "|";
  for (const auto& r : resolve) key += r + ",";
  key += "|" + ca_file + "|" + claim_proxy + "|" + link_proxy + "|" + proxy_to_test;
  return key;
}

const DnsAnswer* DnsReport::Find(const std::string& host) const {
  for (const auto& a : answers) {
    if (a.host == host) return &a;
  }
  return nullptr;
}

const TargetReach* ReachReport::Find(const Endpoint& endpoint) const {
  for (const auto& t : targets) {
    if (t.endpoint.host == endpoint.host && t.endpoint.port == endpoint.port) return &t;
  }
  return nullptr;
}

const char* DnsOutcomeName(DnsOutcome outcome) {
  switch (outcome) {
    case DnsOutcome::kOk:
      return "ok";
    case DnsOutcome::kPinned:
      return "pinned";
    case DnsOutcome::kNxDomain:
      return "nxdomain";
    case DnsOutcome::kServFail:
      return "servfail";
    case DnsOutcome::kRefused:
      return "refused";
    case DnsOutcome::kPortClosed:
      return "port_closed";
    case DnsOutcome::kBadReply:
      return "bad_reply";
    case DnsOutcome::kTimeout:
      return "timeout";
    case DnsOutcome::kNoNameserver:
      return "no_nameserver";
    case DnsOutcome::kNoAddress:
      return "no_address";
    case DnsOutcome::kError:
      return "error";
  }
  return "?";
}

const char* ConnectOutcomeName(ConnectOutcome outcome) {
  switch (outcome) {
    case ConnectOutcome::kOk:
      return "ok";
    case ConnectOutcome::kNotResolved:
      return "not_resolved";
    case ConnectOutcome::kRefused:
      return "refused";
    case ConnectOutcome::kTimeout:
      return "timeout";
    case ConnectOutcome::kUnreachable:
      return "unreachable";
    case ConnectOutcome::kProxyFailed:
      return "proxy_failed";
    case ConnectOutcome::kTlsTimeout:
      return "tls_timeout";
    case ConnectOutcome::kTlsUnknownCa:
      return "tls_unknown_ca";
    case ConnectOutcome::kTlsExpired:
      return "tls_expired";
    case ConnectOutcome::kTlsNotYetValid:
      return "tls_not_yet_valid";
    case ConnectOutcome::kTlsWrongHost:
      return "tls_wrong_host";
    case ConnectOutcome::kTlsIncomplete:
      return "tls_incomplete_chain";
    case ConnectOutcome::kTlsNotTls:
      return "tls_not_tls";
    case ConnectOutcome::kTlsOldVersion:
      return "tls_old_version";
    case ConnectOutcome::kTlsError:
      return "tls_error";
    case ConnectOutcome::kNotRun:
      return "not_run";
  }
  return "?";
}

void NetGlobalInit() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  ares_library_init(ARES_LIB_INIT_ALL);
}

}  // namespace preflight::container
