// ParseNetworkPresence over what the kernel shows in a `docker run --network none` container
// and in one on the default bridge.
#include "container/net/network_presence.h"

#include <gtest/gtest.h>

namespace preflight::container {
namespace {

constexpr const char* kDevHeader =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n";
constexpr const char* kRouteHeader =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

TEST(NetworkPresence, NetworkNoneHasOnlyLoopbackAndNoRoute) {
  const std::string dev =
      std::string(kDevHeader) +
      "    lo:       0       0    0    0    0     0          0         0        "
      "0       0    0    0    0     0       0          0\n";
  const std::string ipv6 =
      "00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000000 00000001 00000000 00000001       lo\n";
  auto p = ParseNetworkPresence(dev, kRouteHeader, ipv6);
  EXPECT_TRUE(p.None());
  EXPECT_TRUE(p.interfaces.empty());
}

TEST(NetworkPresence, BridgeHasAnInterfaceAndADefaultRoute) {
  const std::string dev = std::string(kDevHeader) +
                          "    lo:       0       0    0    0    0     0          0         0\n"
                          "  eth0:    1046      13    0    0    0     0          0         0\n";
  const std::string route =
      std::string(kRouteHeader) + "eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
  auto p = ParseNetworkPresence(dev, route, "");
  EXPECT_FALSE(p.None());
  ASSERT_EQ(p.interfaces.size(), 1u);
  EXPECT_EQ(p.interfaces[0], "eth0");
  EXPECT_TRUE(p.route);
  // An interface without a route (link down, no address) is still a network we do not judge.
  EXPECT_FALSE(ParseNetworkPresence(dev, kRouteHeader, "").None());
}

TEST(NetworkPresence, UnreadableProcIsNeverNoNetwork) {
  EXPECT_FALSE(ParseNetworkPresence("", "", "").None());
  EXPECT_FALSE(ParseNetworkPresence("garbage\n\x01\x02:::", "x", "y z").None());
}

}  // namespace
}  // namespace preflight::container
