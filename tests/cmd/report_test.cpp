#include <gtest/gtest.h>

#include "checks/catalog.h"
#include "cmd/report_json.h"
#include "cmd/report_text.h"
#include "container/base/redact.h"

namespace preflight::cmd {
namespace {

using checks::Result;
using checks::Status;

checks::Report SampleReport() {
  checks::Report r;
  r.started_at = "2026-11-25T10:00:00Z";
  r.duration_ms = 12.34;
  auto add = [&](std::string_view id, Result res) {
    r.checks.push_back({checks::FindCheck(id), std::move(res)});
  };
  add("agent.version", Result::Pass("netdata v2.11.0"));
  Result token = Result::Fail("NETDATA_CLAIM_TOKEN has surrounding quotes", "Remove the quotes.");
  token.details["length"] = 137;
  add("claim.token", token);
  add("container.volume", Result::Warn("low on space", "Free some space."));
  add("network.dns", Result::Skip("--offline: network and cloud checks not run"));
  r.verdict.status = Status::kFail;
  r.verdict.expected_node_state = "absent";
  r.verdict.section = "troubleshoot-claiming-with-docker";
  r.verdict.summary = "The node will not appear in Netdata Cloud: claim.token: quotes.";
  return r;
}

TEST(ReportJson, MatchesSchemaOneExactly) {
  auto doc = nlohmann::ordered_json::parse(RenderJson(SampleReport()));
  std::vector<std::string> keys;
  for (auto& [k, v] : doc.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"schema", "tool", "command", "started_at",
                                            "duration_ms", "verdict", "checks"}));
  EXPECT_EQ(doc["schema"], 1);
  EXPECT_EQ(doc["tool"]["name"], "netdata-preflight");
  EXPECT_EQ(doc["verdict"]["status"], "fail");
  EXPECT_EQ(doc["verdict"]["expected_node_state"], "absent");
  ASSERT_EQ(doc["checks"].size(), 4u);
  std::vector<std::string> check_keys;
  for (auto& [k, v] : doc["checks"][1].items()) check_keys.push_back(k);
  EXPECT_EQ(check_keys, (std::vector<std::string>{"id", "title", "status", "message", "remediation",
                                                  "details", "duration_ms"}));
  EXPECT_EQ(doc["checks"][1]["id"], "claim.token");
  EXPECT_EQ(doc["checks"][1]["status"], "fail");
  EXPECT_EQ(doc["checks"][1]["details"]["length"], 137);
}

// fault: input | invalid UTF-8 bytes in a check message | the JSON report still parses (bytes replaced)
TEST(ReportJson, InvalidUtf8IsReplacedNotFatal) {
  auto r = SampleReport();
  r.checks[0].result.message = std::string("bad \xff\xfe bytes");
  EXPECT_TRUE(nlohmann::json::accept(RenderJson(r)));
}

TEST(ReportText, VerdictFirstThenOneLinePerCheckWithFixes) {
  std::string text = RenderText(SampleReport(), /*colour=*/false);
  EXPECT_EQ(text.rfind("FAIL  The node will not appear", 0), 0u) << text;
  EXPECT_NE(text.find("FAIL  claim.token"), std::string::npos);
  EXPECT_NE(text.find("fix: Remove the quotes."), std::string::npos);
  EXPECT_NE(text.find("fix: Free some space."), std::string::npos);
  EXPECT_EQ(text.find("\033["), std::string::npos) << "no colour unless asked";
  EXPECT_NE(RenderText(SampleReport(), true).find("\033[31m"), std::string::npos);
}

TEST(ReportText, SummaryPutsFailuresFirstAndFitsTheLimit) {
  auto r = SampleReport();
  std::string s = RenderSummary(r, 4096);
  auto fail_pos = s.find("FAIL claim.token");
  auto warn_pos = s.find("WARN container.volume");
  ASSERT_NE(fail_pos, std::string::npos);
  ASSERT_NE(warn_pos, std::string::npos);
  EXPECT_LT(fail_pos, warn_pos);
  for (int i = 0; i < 200; ++i)
    r.checks.push_back(
        {checks::FindCheck("claim.config"), Result::Fail(std::string(100, 'x'), "y")});
  EXPECT_LE(RenderSummary(r, 4096).size(), 4096u);
  EXPECT_LE(RenderSummary(r, 50).size(), 50u);
}

TEST(Redact, ReplacesEverySecretOccurrence) {
  EXPECT_EQ(Redact("a SECRET-TOKEN-1 b SECRET-TOKEN-1", {"SECRET-TOKEN-1"}),
            "a <redacted> b <redacted>");
  EXPECT_EQ(Redact("short abc", {"abc"}), "short abc") << "too short to be a secret";
}

}  // namespace
}  // namespace preflight::cmd
