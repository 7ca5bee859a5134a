#include "checks/catalog.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace preflight::checks {
namespace {

TEST(Catalog, HasExactlyTheContractIdsInGuideOrder) {
  std::vector<std::string> ids;
  for (const CheckDef* def : Catalog()) ids.emplace_back(def->id);
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "agent.version", "claim.token", "claim.config", "claim.script", "claim.state",
                     "container.seccomp", "container.volume", "container.identity",
                     "container.lifetime", "network.proxy", "network.dns", "network.tls",
                     "network.https", "network.websocket", "cloud.link"}));
}

TEST(Catalog, EveryCheckIsWellFormed) {
  std::set<std::string_view> seen;
  const std::regex id_re("^[a-z]+\\.[a-z_]+$");
  for (const CheckDef* def : Catalog()) {
    SCOPED_TRACE(std::string(def->id));
    EXPECT_TRUE(seen.insert(def->id).second) << "duplicate id";
    EXPECT_TRUE(std::regex_match(std::string(def->id), id_re));
    EXPECT_FALSE(def->title.empty());
    EXPECT_FALSE(def->why.empty());
    EXPECT_FALSE(def->section.empty());
    EXPECT_NE(def->run, nullptr);
    const bool online = def->id.rfind("network.", 0) == 0 || def->id.rfind("cloud.", 0) == 0;
    EXPECT_EQ(def->kind == Kind::kOnline, online)
        << "--offline skips exactly network.* and cloud.*";
    for (auto need : def->needs) {
      const CheckDef* dep = FindCheck(need);
      ASSERT_NE(dep, nullptr) << need;
      // A dependency must run earlier.
      auto pos = [](const CheckDef* d) {
        const auto& c = Catalog();
        return std::find(c.begin(), c.end(), d) - c.begin();
      };
      EXPECT_LT(pos(dep), pos(def));
    }
  }
}

TEST(Catalog, SuggestsTheClosestId) {
  EXPECT_EQ(SuggestCheck("claim.tokne"), "claim.token");
  EXPECT_EQ(SuggestCheck("tls"), "network.tls");
  EXPECT_EQ(SuggestCheck("container.seccom"), "container.seccomp");
  EXPECT_EQ(SuggestCheck("completely-unrelated-words"), "");
}

}  // namespace
}  // namespace preflight::checks
