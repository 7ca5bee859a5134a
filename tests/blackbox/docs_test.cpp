// docs/checks.md is generated from the catalog; this keeps it from drifting.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "blackbox/run_util.h"

namespace preflight::testing {
namespace {

TEST(Docs, ChecksMarkdownMatchesTheCatalog) {
  auto r = RunPreflight({"list", "--format", "markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream f(std::string(PREFLIGHT_SOURCE_DIR) + "/docs/checks.md");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), r.out) << "docs/checks.md is stale: run `make docs`";
}

TEST(Docs, AgentBehaviourMarkdownMatchesTheModel) {
  auto r = RunPreflight({"list", "--agent-model"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.out.find("chowns-state-at-start"), std::string::npos);
  std::ifstream f(std::string(PREFLIGHT_SOURCE_DIR) + "/docs/agent-behaviour.md");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), r.out) << "docs/agent-behaviour.md is stale: run `make docs`";
}

TEST(Docs, ReliabilityMatrixMatchesTheFaultTests) {
  const std::string top = PREFLIGHT_SOURCE_DIR;
  auto r = RunProcess({"/usr/bin/python3", top + "/scripts/gen_reliability.py", top});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream f(top + "/docs/reliability.md");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), r.out) << "docs/reliability.md is stale: run `make docs`";
}

}  // namespace
}  // namespace preflight::testing
