// The text renderer and the termination-log summary: colour rules, order, bounds.
#include "cmd/report_text.h"

#include <gtest/gtest.h>

#include "checks/catalog.h"

namespace preflight::cmd {
namespace {

using checks::Result;
using checks::Status;

/// A warn before a fail in run order, and an error: the summary must reorder them.
checks::Report WarnThenFail() {
  checks::Report r;
  r.checks.push_back({checks::FindCheck("agent.version"), Result::Warn("old-ish", "Upgrade.")});
  r.checks.push_back({checks::FindCheck("claim.token"), Result::Pass("fine")});
  r.checks.push_back({checks::FindCheck("claim.state"),
                      Result::Fail("cloud.d is owned by root", "Run chown -R 201:201.")});
  r.checks.push_back({checks::FindCheck("network.dns"), Result::Error("resolver broke")});
  r.verdict.status = Status::kFail;
  r.verdict.expected_node_state = "absent";
  r.verdict.section = "the-claiming-process-was-unsuccessful";
  r.verdict.summary = "The node will not appear in Netdata Cloud: claim.state: owned by root.";
  return r;
}

TEST(ColourWanted, OnlyOnATerminalAndNotWithNoColor) {
  EXPECT_TRUE(ColourWanted(true, nullptr));
  EXPECT_FALSE(ColourWanted(false, nullptr)) << "a pipe or file gets no escapes";
  EXPECT_FALSE(ColourWanted(true, "1"));
  EXPECT_FALSE(ColourWanted(true, "no")) << "any non-empty value turns colour off";
  EXPECT_TRUE(ColourWanted(true, "")) << "no-color.org: an empty NO_COLOR does not count";
}

TEST(RenderSummary, VerdictThenFailuresThenErrorsThenWarnings) {
  std::string s = RenderSummary(WarnThenFail(), 4096);
  EXPECT_EQ(s.rfind("netdata-preflight: FAIL: The node will not appear", 0), 0u) << s;
  auto fail = s.find("FAIL claim.state: cloud.d is owned by root\n  fix: Run chown -R 201:201.");
  auto error = s.find("ERROR network.dns: resolver broke");
  auto warn = s.find("WARN agent.version: old-ish");
  ASSERT_NE(fail, std::string::npos) << s;
  ASSERT_NE(error, std::string::npos) << s;
  ASSERT_NE(warn, std::string::npos) << s;
  EXPECT_LT(fail, error);
  EXPECT_LT(error, warn);
  EXPECT_EQ(s.find("claim.token"), std::string::npos) << "passing checks are not in the summary";
}

TEST(RenderSummary, CutsOnALineBoundaryWithinTheLimit) {
  checks::Report r = WarnThenFail();
  for (int i = 0; i < 100; ++i) {
    r.checks.push_back(
        {checks::FindCheck("claim.config"), Result::Fail(std::string(90, 'x'), "y")});
  }
  for (size_t limit : {size_t{4096}, size_t{200}, size_t{20}, size_t{1}, size_t{0}}) {
    std::string s = RenderSummary(r, limit);
    SCOPED_TRACE(limit);
    EXPECT_LE(s.size(), limit);
    if (!s.empty()) EXPECT_EQ(s.back(), '\n');
  }
  // The cause survives the cut: the first failure is always within 4 KiB.
  EXPECT_NE(RenderSummary(r, 4096).find("claim.state"), std::string::npos);
}

// fault: input | line breaks and tabs inside a check message | the text report keeps it on one line
TEST(RenderText, MessagesWithLineBreaksStayOneLine) {
  checks::Report r = WarnThenFail();
  r.checks[2].result.message = "line one\nline two\r\tend";
  std::string text = RenderText(r, false);
  EXPECT_NE(text.find("line one line two  end"), std::string::npos) << text;
}

}  // namespace
}  // namespace preflight::cmd
