// The agent-behaviour model: every behaviour has a row, and each answers on both sides of its
// version boundary; an unknown version answers for every version that could be there.
#include "checks/agent_model.h"

#include <gtest/gtest.h>

#include <set>

namespace preflight::checks {
namespace {

AgentFacts Version(const char* text) {
  auto v = container::ParseAgentVersion(std::string("netdata ") + text);
  EXPECT_TRUE(v.ok()) << text;
  return AgentFacts::Of(*v);
}

TEST(AgentModel, EveryBehaviourHasOneRowWithItsSource) {
  std::set<std::string> keys;
  for (const auto& def : AgentModel()) {
    EXPECT_TRUE(keys.insert(std::string(def.key)).second) << def.key;
    EXPECT_FALSE(def.what.empty()) << def.key;
    EXPECT_FALSE(def.source.empty()) << def.key;
    EXPECT_EQ(&Describe(def.id), &def) << def.key;
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(Behaviour::kReportsStreamState) + 1);
}

TEST(AgentModel, ChownAtStartBeginsAtV141) {
  EXPECT_EQ(Version("v1.40.1").Does(Behaviour::kChownsStateAtStart), Holds::kNo);
  EXPECT_EQ(Version("v1.37.1").Does(Behaviour::kChownsStateAtStart), Holds::kNo);
  EXPECT_EQ(Version("v1.41.0").Does(Behaviour::kChownsStateAtStart), Holds::kYes);
  EXPECT_EQ(Version("v2.10.4").Does(Behaviour::kChownsStateAtStart), Holds::kYes);
  EXPECT_EQ(AgentFacts::Unknown().Does(Behaviour::kChownsStateAtStart), Holds::kDepends);
}

TEST(AgentModel, ClaimedIdParsingChangesWithV2) {
  EXPECT_EQ(Version("v1.47.5").Does(Behaviour::kClaimedIdFlexible), Holds::kNo);
  EXPECT_EQ(Version("v2.0.0").Does(Behaviour::kClaimedIdFlexible), Holds::kYes);
  // v1.99.x are v2.0.0's pre-releases.
  EXPECT_EQ(Version("v1.99.0").Does(Behaviour::kClaimedIdFlexible), Holds::kYes);
  EXPECT_EQ(Version("v1.47.5").Does(Behaviour::kV1ClaimsFromEnvOnly), Holds::kYes);
  EXPECT_EQ(Version("v2.0.0").Does(Behaviour::kV1ClaimsFromEnvOnly), Holds::kNo);
  EXPECT_EQ(AgentFacts::Unknown().Does(Behaviour::kV1ClaimsFromEnvOnly), Holds::kDepends);
}

TEST(AgentModel, ClosedRangesEndWhereTheFixLanded) {
  EXPECT_EQ(Version("v1.47.5").Does(Behaviour::kInsecureOptInverted), Holds::kNo);
  EXPECT_EQ(Version("v2.0.0").Does(Behaviour::kInsecureOptInverted), Holds::kYes);
  EXPECT_EQ(Version("v2.10.4").Does(Behaviour::kInsecureOptInverted), Holds::kYes);
  EXPECT_EQ(Version("v2.11.0").Does(Behaviour::kInsecureOptInverted), Holds::kNo);
  EXPECT_EQ(Version("v2.11.0-84-nightly").Does(Behaviour::kInsecureOptInverted), Holds::kNo);
  EXPECT_EQ(Version("v2.0.3").Does(Behaviour::kClaimProxyDefaultDirect), Holds::kYes);
  EXPECT_EQ(Version("v2.1.0").Does(Behaviour::kClaimProxyDefaultDirect), Holds::kNo);
  // aclk_proxy.c@v2.9.0 accepts only http:// from the environment; v2.10.0 (#21831) adds socks5.
  EXPECT_EQ(Version("v2.6.2").Does(Behaviour::kLinkSocksFromEnv), Holds::kNo);
  EXPECT_EQ(Version("v2.9.3").Does(Behaviour::kLinkSocksFromEnv), Holds::kNo);
  EXPECT_EQ(Version("v2.10.0").Does(Behaviour::kLinkSocksFromEnv), Holds::kYes);
  EXPECT_EQ(Version("v2.2.6").Does(Behaviour::kLinkReadsHttpsProxy), Holds::kNo);
  EXPECT_EQ(Version("v2.3.0").Does(Behaviour::kLinkReadsHttpsProxy), Holds::kYes);
  EXPECT_EQ(Version("v2.7.2").Does(Behaviour::kAnswersWhileInitializing), Holds::kNo);
  EXPECT_EQ(Version("v2.8.0").Does(Behaviour::kAnswersWhileInitializing), Holds::kYes);
  EXPECT_EQ(Version("v2.2.6").Does(Behaviour::kWritesStatusFile), Holds::kNo);
  EXPECT_EQ(Version("v2.3.0").Does(Behaviour::kWritesStatusFile), Holds::kYes);
  EXPECT_EQ(Version("v1.47.5").Does(Behaviour::kSplitTokenSentAsIs), Holds::kNo);
  EXPECT_EQ(Version("v2.0.0").Does(Behaviour::kSplitTokenSentAsIs), Holds::kYes);
}

TEST(AgentModel, BehavioursOfEveryVersionHoldWhenTheVersionIsUnknown) {
  EXPECT_EQ(AgentFacts::Unknown().Does(Behaviour::kRegeneratesInvalidGuid), Holds::kYes);
  EXPECT_EQ(AgentFacts::Unknown().Name(), "the agent (version unknown)");
  EXPECT_EQ(Version("v2.10.4").Name(), "netdata v2.10.4");
}

TEST(AgentModel, RangesReadAsPeopleWriteThem) {
  EXPECT_EQ(Describe(Behaviour::kChownsStateAtStart).versions.Text(), "v1.41.0 and later");
  EXPECT_EQ(Describe(Behaviour::kInsecureOptInverted).versions.Text(), "v2.0.0 to v2.10.x");
  EXPECT_EQ(Describe(Behaviour::kV1ClaimsFromEnvOnly).versions.Text(), "before v2.0.0");
  EXPECT_EQ(Describe(Behaviour::kRegeneratesInvalidGuid).versions.Text(), "all versions");
  EXPECT_NE(Cite(Behaviour::kChownsStateAtStart).find("src/daemon/daemon.c"), std::string::npos);
  const std::string md = AgentModelMarkdown();
  for (const auto& def : AgentModel()) {
    EXPECT_NE(md.find("`" + std::string(def.key) + "`"), std::string::npos) << def.key;
  }
}

}  // namespace
}  // namespace preflight::checks
