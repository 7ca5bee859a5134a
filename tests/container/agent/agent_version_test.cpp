#include "container/agent/agent_version.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace preflight::container {
namespace {

struct VersionCase {
  const char* output;
  int major, minor, patch;
  const char* text;
  bool v2;
};

TEST(ParseAgentVersion, EveryShapeNetdataPrints) {
  const VersionCase cases[] = {
      {"netdata v1.37.1\n", 1, 37, 1, "v1.37.1", false},
      {"netdata v2.11.0\n", 2, 11, 0, "v2.11.0", true},
      {"netdata v2.11.0-84-nightly\n", 2, 11, 0, "v2.11.0-84-nightly", true},
      {"netdata v1.43.2-12-g1a2b3c4\n", 1, 43, 2, "v1.43.2-12-g1a2b3c4", false},
      {"netdata v1.44.0-rc2", 1, 44, 0, "v1.44.0-rc2", false},
      {"netdata 1.45.0\n", 1, 45, 0, "v1.45.0", false},  // the leading v is optional
      {"v1.99.0\n", 1, 99, 0, "v1.99.0", true},
      {"Version: netdata v1.37.1\nConfigure options: ...\n", 1, 37, 1, "v1.37.1", false},
      {"2026-01-01 warning: something\nnetdata v2.0.0\n", 2, 0, 0, "v2.0.0", true},
      {"netdata v1.37\n", 1, 37, 0, "v1.37.0", false},
      {"  netdata   v2.3.1  \r\n", 2, 3, 1, "v2.3.1", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.output);
    auto v = ParseAgentVersion(c.output);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(v->major, c.major);
    EXPECT_EQ(v->minor, c.minor);
    EXPECT_EQ(v->patch, c.patch);
    EXPECT_EQ(v->text, c.text);
    EXPECT_EQ(v->IsV2(), c.v2);
  }
}

// fault: agent | `netdata -V` output without a version: empty, "command not found", "vX.Y.Z", "v1", a 20-digit major | EINVAL error, never a crash
TEST(ParseAgentVersion, NoVersionIsAnErrorNotACrash) {
  for (const char* output :
       {"", "\n\n", "netdata", "command not found", "netdata vX.Y.Z", "netdata v1", "netdata v.1.2",
        "netdata v1.2.3x", "netdata v99999999999999999999.1.1", "2026-01-01 12:00:00 started"}) {
    SCOPED_TRACE(output);
    auto v = ParseAgentVersion(output);
    EXPECT_FALSE(v.ok());
    if (!v.ok()) {
      EXPECT_EQ(v.error().code, EINVAL);
    }
  }
}

// fault: agent | version suffix with an ANSI escape and 500 characters | escape removed, suffix ≤ 64 characters
TEST(ParseAgentVersion, SuffixIsSanitisedAndBounded) {
  auto v = ParseAgentVersion("netdata v1.2.3-\x1b[31mred" + std::string(500, 'x'));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->suffix.find('\x1b'), std::string::npos);
  EXPECT_LE(v->suffix.size(), 64u);
}

TEST(AgentVersion, OlderThanComparesMajorThenMinor) {
  auto v = *ParseAgentVersion("netdata v1.31.9");
  EXPECT_TRUE(v.OlderThan(1, 32));
  EXPECT_FALSE((*ParseAgentVersion("netdata v1.32.0")).OlderThan(1, 32));
  EXPECT_FALSE((*ParseAgentVersion("netdata v2.0.0")).OlderThan(1, 32));
  EXPECT_TRUE((*ParseAgentVersion("netdata v0.99.0")).OlderThan(1, 32));
}

TEST(ParseBuildInfo, RealDebianNetdataCore1371) {
  // Captured from `netdata -W buildinfo` of Debian bookworm's netdata-core 1.37.1-2.
  std::ifstream f(std::string(PREFLIGHT_SOURCE_DIR) +
                  "/tests/fuzz/corpus/agent_version/debian-1.37.1-buildinfo.txt");
  std::stringstream ss;
  ss << f.rdbuf();
  ASSERT_FALSE(ss.str().empty());
  BuildInfo info = ParseBuildInfo(ss.str());
  ASSERT_TRUE(info.cloud.has_value());
  EXPECT_FALSE(*info.cloud);
  EXPECT_EQ(info.cloud_text, "NO (by user request)");
  ASSERT_TRUE(info.aclk.has_value());
  EXPECT_FALSE(*info.aclk);
}

TEST(ParseBuildInfo, V2Layout) {
  BuildInfo info = ParseBuildInfo(
      "Features:\n    Netdata Cloud ______________________ : YES\n"
      "    ACLK (Agent-Cloud Link: MQTT over WebSockets over TLS) : YES\n"
      "    dbengine (compression) _____________ : YES\n");
  EXPECT_EQ(info.cloud, std::optional<bool>(true));
  EXPECT_EQ(info.aclk, std::optional<bool>(true));
}

// fault: agent | `-W buildinfo` garbage ("", ":::", "Netdata Cloud: maybe") | Cloud and ACLK support left unknown, not guessed
TEST(ParseBuildInfo, UnknownTextLeavesFactsEmpty) {
  for (const char* text : {"", "garbage", ":::", " : ", "Netdata Cloud", "Netdata Cloud: maybe"}) {
    BuildInfo info = ParseBuildInfo(text);
    EXPECT_FALSE(info.cloud.has_value()) << text;
    EXPECT_FALSE(info.aclk.has_value()) << text;
  }
}

}  // namespace
}  // namespace preflight::container
