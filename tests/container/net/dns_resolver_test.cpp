// --resolve pins and resolv.conf nameserver detection (the resolver itself is tested end to
// end against dnsmasq in tests/blackbox/network_faults_test.cpp).
#include "container/net/dns_resolver.h"

#include <gtest/gtest.h>

namespace preflight::container {
namespace {

// fault: input | --resolve "", "host", "host:443", ":443:1.2.3.4", port "x" or 1234567, a non-address | rejected
TEST(ResolvePin, ParsesLikeCurl) {
  Pin p;
  ASSERT_TRUE(ParsePin("api.netdata.cloud:443:127.0.0.1", p));
  EXPECT_EQ(p.host, "api.netdata.cloud");
  EXPECT_EQ(p.port, 443);
  EXPECT_EQ(p.address, "127.0.0.1");
  ASSERT_TRUE(ParsePin("mqtt.netdata.cloud:443:[::1]", p));
  EXPECT_EQ(p.address, "::1");
  for (const char* bad : {"", "host", "host:443", ":443:1.2.3.4", "h:x:1.2.3.4", "h:443:nothost",
                          "h:1234567:1.2.3.4"}) {
    EXPECT_FALSE(ParsePin(bad, p)) << bad;
  }
}

TEST(ResolvConf, NameserverDetection) {
  EXPECT_TRUE(HasNameserver("nameserver 10.96.0.10\nsearch svc.cluster.local\n"));
  EXPECT_TRUE(HasNameserver("# c\n  nameserver ::1"));
  EXPECT_FALSE(HasNameserver("search example.org\noptions ndots:5\n"));
  EXPECT_FALSE(HasNameserver("# nameserver 1.1.1.1\n"));
  EXPECT_FALSE(HasNameserver(""));
}

}  // namespace
}  // namespace preflight::container
