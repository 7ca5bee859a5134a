// Black-box: the built static binary, run as a user would.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

TEST(Cli, VersionAndList) {
  auto r = RunPreflight({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("netdata-preflight ", 0), 0u) << r.out;
  // `--version` (answered before any subcommand is set up) says the same first line.
  auto flag = RunPreflight({"--version"});
  EXPECT_EQ(flag.exit_code, 0);
  EXPECT_EQ(flag.out, r.out.substr(0, r.out.find('\n') + 1));
  EXPECT_TRUE(flag.err.empty()) << flag.err;
  r = RunPreflight({"list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("claim.token"), std::string::npos);
  EXPECT_NE(r.out.find("cloud.link"), std::string::npos);
}

// fault: input | unknown flag, misspelled --only id, --deadline soon, --format yaml, --fail-on sometimes, --resolve nonsense, unknown or missing subcommand | exit 64, one stderr line naming the input ("did you mean" for typos), nothing on stdout
TEST(Cli, UsageErrorsExit64WithOneLineNamingTheInput) {
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  } cases[] = {
      {{"check", "--frobnicate"}, "--frobnicate"},
      {{"check", "--only", "claim.tokne"}, "did you mean `claim.token`"},
      {{"check", "--deadline", "soon"}, "--deadline"},
      {{"check", "--format", "yaml"}, "--format"},
      {{"check", "--fail-on", "sometimes"}, "--fail-on"},
      {{"check", "--resolve", "nonsense"}, "--resolve"},
      {{"explain", "network.tsl"}, "did you mean `network.tls`"},
      {{"frobnicate"}, "frobnicate"},
      {{}, "subcommand"},
  };
  for (const auto& c : cases) {
    auto r = RunPreflight(c.args);
    SCOPED_TRACE(c.mentions);
    EXPECT_EQ(r.exit_code, 64) << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

// fault: input | PREFLIGHT_DEADLINE=forever | exit 64 naming --deadline
TEST(Cli, EnvironmentProvidesOptionsAndFlagsWin) {
  auto r = RunPreflight({"check", "--format", "json", "--offline"}, {{"PREFLIGHT_FORMAT", "text"}});
  ASSERT_EQ(r.exit_code == 0 || r.exit_code == 1, true) << r.err;
  EXPECT_TRUE(nlohmann::json::accept(r.out));
  r = RunPreflight({"check", "--offline"}, {{"PREFLIGHT_FORMAT", "json"}});
  EXPECT_TRUE(nlohmann::json::accept(r.out)) << r.out;
  r = RunPreflight({"check"}, {{"PREFLIGHT_DEADLINE", "forever"}});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_NE(r.err.find("--deadline"), std::string::npos);
}

}  // namespace
}  // namespace preflight::testing
