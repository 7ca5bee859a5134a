#pragma once
/// Asynchronous DNS with c-ares on the calling thread: /etc/hosts, resolv.conf, search
/// domains and ndots are honoured by c-ares itself (as a Kubernetes pod needs).

#include <string>
#include <vector>

#include "container/net/network_prober.h"

namespace preflight::container {

/// A --resolve pin: HOST:PORT:ADDR.
struct Pin {
  std::string host;
  int port = 0;
  std::string address;
};

/// Parses HOST:PORT:ADDR ("[::1]" or "::1" for IPv6); false when malformed.
bool ParsePin(const std::string& text, Pin& pin);

/// Resolves every host (pinned hosts are not looked up), all in parallel, until `deadline`.
/// `resolv_conf` is the text of /etc/resolv.conf (to tell "no nameserver" from a refusal).
DnsReport ResolveHosts(const std::vector<std::string>& hosts, const std::vector<Pin>& pins,
                       const std::string& resolv_conf, NetDeadline deadline);

/// Whether resolv.conf text names at least one nameserver.
bool HasNameserver(const std::string& resolv_conf);

}  // namespace preflight::container
