#pragma once
/// Whether the container has a network at all: `docker run --network none` leaves only the
/// loopback interface and no route, and every lookup then fails with errors that look like a
/// nameserver's fault (sendto: Network is unreachable, read as "refused"). Pure parsers of
/// /proc/net/dev, /proc/net/route and /proc/net/ipv6_route.

#include <string>
#include <string_view>
#include <vector>

namespace preflight::container {

struct NetworkPresence {
  std::vector<std::string> interfaces;  ///< every interface but `lo`
  bool route = false;                   ///< an IPv4 or IPv6 route through one of them
  /// Only loopback and no route: nothing outside the container can be reached.
  bool None() const { return interfaces.empty() && !route; }
};

/// `dev`: /proc/net/dev; `route`: /proc/net/route; `ipv6_route`: /proc/net/ipv6_route (any may
/// be empty when unreadable; an unreadable /proc/net/dev is not read as "no network").
NetworkPresence ParseNetworkPresence(std::string_view dev, std::string_view route,
                                     std::string_view ipv6_route);

}  // namespace preflight::container
