// The text renderer and the termination-log summary: colour rules, order, bounds.
#include "cmd/report_text.h"

#include <gtest/gtest.h>

#include "checks/catalog.h"
#include "checks/findings.h"

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
    if (!s.empty()) {
      EXPECT_EQ(s.back(), '\n');
    }
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

// fault: input | TERM=dumb on a terminal | no colour escapes (and NO_COLOR still turns colour off)
TEST(ColourWanted, NotOnADumbTerminal) {
  EXPECT_FALSE(ColourWanted(true, nullptr, "dumb"));
  EXPECT_TRUE(ColourWanted(true, nullptr, "xterm-256color"));
  EXPECT_FALSE(ColourWanted(true, "1", "xterm"));
}

// fault: input | a check with 6 findings (one hidden finding was "/var/lib/netdata does not exist") | the text report and the summary show every finding, indented under the check, each sentence ending with a period before "Fix:"
TEST(RenderText, EveryFindingIsShownIndented) {
  checks::Findings f;
  f.Warn("/var/lib/netdata is on the container's root filesystem: the node reappears as a new node",
         "Mount a persistent volume at /var/lib/netdata.");
  for (int i = 1; i <= 4; ++i)
    f.Warn("finding " + std::to_string(i), "Fix " + std::to_string(i) + ".");
  f.Warn("/var/lib/netdata does not exist.", "Create it.");
  checks::Report r = WarnThenFail();
  r.checks.push_back(
      {checks::FindCheck("container.volume"), f.ToResult("fine", checks::Details::object())});
  const std::string text = RenderText(r, false);
  EXPECT_EQ(text.find("see details"), std::string::npos) << text;
  EXPECT_NE(text.find("(and 5 more findings)"), std::string::npos) << text;
  EXPECT_NE(text.find("also warn: /var/lib/netdata does not exist. Fix: Create it."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("also warn: finding 4. Fix: Fix 4."), std::string::npos) << text;
  EXPECT_EQ(text.find("also warn: /var/lib/netdata is on"), std::string::npos)
      << "the primary finding is not repeated:\n"
      << text;
  const auto also = text.find("  also warn: finding 1.");
  ASSERT_NE(also, std::string::npos);
  EXPECT_EQ(text[also - 1], ' ') << "indented under the check";
  EXPECT_NE(RenderSummary(r, 4096).find("also warn: /var/lib/netdata does not exist."),
            std::string::npos);
  EXPECT_NE(
      f.ToResult("", {}).details["findings"][0].get<std::string>().find("new node. Fix: Mount"),
      std::string::npos);
}

// fault: input | a 420-character message on an 80-column terminal | wrapped at 80 columns with a hanging indent; a file or pipe (width 0) keeps one line per check
TEST(RenderText, WrapsAtTheTerminalWidth) {
  checks::Report r = WarnThenFail();
  std::string longer;
  for (int i = 0; i < 60; ++i) longer += "word" + std::to_string(i) + " ";
  r.checks[2].result.message = longer;
  const std::string wrapped = RenderText(r, TextStyle{false, 80});
  size_t start = 0;
  int lines = 0;
  while (start < wrapped.size()) {
    size_t end = wrapped.find('\n', start);
    if (end == std::string::npos) end = wrapped.size();
    const std::string line = wrapped.substr(start, end - start);
    // A URL is one word: cut, it would no longer open.
    if (line.find("https://") == std::string::npos) {
      EXPECT_LE(line.size(), 80u) << line;
    }
    start = end + 1;
    ++lines;
  }
  EXPECT_NE(wrapped.find("\n                     word"), std::string::npos) << wrapped;
  const std::string flat = RenderText(r, false);
  EXPECT_NE(flat.find(longer.substr(0, longer.size() - 1)), std::string::npos);
  EXPECT_EQ(WrapLine("short", 80, 4), "short");
  EXPECT_EQ(WrapLine("aaaa bbbb cccc", 13, 2), "aaaa bbbb\n  cccc");
}

// fault: input | a verdict naming a guide section | the text report prints the guide's full URL, not the anchor alone
TEST(RenderText, GuideIsAFullUrl) {
  const std::string text = RenderText(WarnThenFail(), false);
  EXPECT_NE(
      text.find(
          "guide: https://learn.netdata.cloud/docs/configuring/"
          "troubleshoot-agent-cloud-connectivity-issues#the-claiming-process-was-unsuccessful"),
      std::string::npos)
      << text;
}

}  // namespace
}  // namespace preflight::cmd
