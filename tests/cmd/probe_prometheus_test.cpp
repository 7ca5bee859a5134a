// probe's readiness logic and serve's /metrics renderer; the metrics are parsed by the
// Prometheus text-format parser of python3-prometheus-client.
#include <gtest/gtest.h>

#include "blackbox/run_util.h"
#include "cmd/probe_state.h"
#include "cmd/report_prometheus.h"
#include "fakes/fake_agent.h"

namespace preflight::cmd {
namespace {

using container::AclkState;
using preflight::testing::FakeAgent;

container::Deadline Soon() { return container::DeadlineIn(std::chrono::seconds(1)); }

AclkState State(bool claimed, bool online) {
  AclkState st;
  st.available = true;
  st.claimed = claimed;
  st.online = online;
  return st;
}

TEST(ParseRequirement, ThreeStatesAndAClearError) {
  EXPECT_EQ(*ParseRequirement("online"), Requirement::kOnline);
  auto bad = ParseRequirement("live");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("running, claimed or online"), std::string::npos);
}

// fault: agent | agent not running (nothing on the socket or API) | probe not ready, "not running"
TEST(ProbeAgent, RunningAsksPingOnly) {
  FakeAgent agent;
  agent.Running(State(false, false));
  ProbeAnswer a = ProbeAgent(agent, {}, Requirement::kRunning, Soon());
  EXPECT_TRUE(a.ready);
  EXPECT_EQ(agent.calls, std::vector<std::string>{"ping"});
  FakeAgent down;
  ProbeAnswer d = ProbeAgent(down, {}, Requirement::kRunning, Soon());
  EXPECT_FALSE(d.ready);
  EXPECT_NE(d.line.find("not running"), std::string::npos);
}

// fault: agent | agent built without Netdata Cloud, probe --require claimed | not ready, "built without Netdata Cloud", link state unsupported
TEST(ProbeAgent, ClaimedAndOnlineAskAclkStateOnce) {
  struct Case {
    bool claimed, online;
    Requirement need;
    bool ready;
  } cases[] = {
      {true, true, Requirement::kOnline, true},
      {true, false, Requirement::kOnline, false},
      {true, false, Requirement::kClaimed, true},
      {false, false, Requirement::kClaimed, false},
  };
  for (const auto& c : cases) {
    FakeAgent agent;
    agent.Running(State(c.claimed, c.online));
    ProbeAnswer a = ProbeAgent(agent, {}, c.need, Soon());
    EXPECT_EQ(a.ready, c.ready) << a.line;
    EXPECT_EQ(agent.calls, std::vector<std::string>{"aclk"});
  }
  FakeAgent debian;
  AclkState none;
  none.available = false;
  debian.Running(none);
  ProbeAnswer d = ProbeAgent(debian, {}, Requirement::kClaimed, Soon());
  EXPECT_FALSE(d.ready);
  EXPECT_TRUE(d.cloud_unsupported);
  EXPECT_NE(d.line.find("built without Netdata Cloud"), std::string::npos);
  EXPECT_EQ(LinkState(d), "unsupported");
}

// fault: agent | /api/v1/aclk answers 503 (initializing) or 401 (bearer protection) | running but not ready: link state "initializing" / "unknown"
TEST(ProbeAgent, InitializingAndBearerProtected) {
  FakeAgent init;
  init.aclk = Error{EAGAIN, "HTTP 503"};
  ProbeAnswer i = ProbeAgent(init, {}, Requirement::kOnline, Soon());
  EXPECT_TRUE(i.running);
  EXPECT_TRUE(i.initializing);
  EXPECT_FALSE(Meets(i, Requirement::kRunning));
  EXPECT_EQ(LinkState(i), "initializing");
  FakeAgent bearer;
  bearer.aclk = Error{EACCES, "HTTP 401"};
  ProbeAnswer b = ProbeAgent(bearer, {}, Requirement::kOnline, Soon());
  EXPECT_TRUE(b.running);
  EXPECT_FALSE(b.ready);
  EXPECT_EQ(LinkState(b), "unknown");
}

// Runs the Prometheus parser on `text`; prints "name sample{labels} value" lines.
std::string ParseWithPrometheusClient(const std::string& text) {
  preflight::testing::TempDir dir;
  std::string file = dir.Write("metrics.txt", text);
  auto r = preflight::testing::RunProcess(
      {"/usr/bin/python3", "-c",
       "import sys\n"
       "from prometheus_client.parser import text_string_to_metric_families\n"
       "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
       "  for s in f.samples:\n"
       "    print(f.type, s.name, ','.join(k+'='+v for k,v in sorted(s.labels.items())), "
       "s.value)\n",
       file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(RenderPrometheus, ParsesAndCarriesEveryFamily) {
  auto report = nlohmann::ordered_json::parse(R"({"schema":1,"verdict":{"status":"fail",
      "expected_node_state":"unseen"},"checks":[
      {"id":"claim.token","status":"pass","duration_ms":0.5},
      {"id":"cloud.link","status":"fail","duration_ms":3.25}]})");
  ProbeAnswer link;
  link.running = true;
  link.claimed = 1;
  link.online = 0;
  MetricsSnapshot s;
  s.report = &report;
  s.link = &link;
  s.seconds_since_online = 42;
  s.last_check_seconds = 1.5;
  s.last_check_timestamp = 1767225600;
  s.version = "0.1.0";
  const std::string text = RenderPrometheus(s);
  const std::string parsed = ParseWithPrometheusClient(text);
  for (const char* want : {
           "gauge netdata_preflight_check_status id=claim.token,status=pass 1.0",
           "gauge netdata_preflight_check_status id=cloud.link,status=fail 1.0",
           "gauge netdata_preflight_check_status id=cloud.link,status=pass 0.0",
           "gauge netdata_preflight_check_duration_seconds id=cloud.link 0.00325",
           "gauge netdata_preflight_verdict status=fail 1.0",
           "gauge netdata_preflight_expected_node_state state=unseen 1.0",
           "gauge netdata_preflight_agent_up  1.0",
           "gauge netdata_preflight_link_claimed  1.0",
           "gauge netdata_preflight_link_online  0.0",
           "gauge netdata_preflight_link_state state=offline 1.0",
           "gauge netdata_preflight_link_state state=online 0.0",
           "gauge netdata_preflight_link_seconds_since_online  42.0",
           "gauge netdata_preflight_last_check_duration_seconds  1.5",
           "gauge netdata_preflight_build_info version=0.1.0 1.0",
       }) {
    EXPECT_NE(parsed.find(want), std::string::npos) << want << "\n--- parsed:\n" << parsed;
  }
}

// fault: serve | check id with a quote, backslash and newline as a metric label | /metrics escapes it and still parses with the Prometheus parser
TEST(RenderPrometheus, BeforeAnythingIsKnownAndWithHostileLabels) {
  MetricsSnapshot empty;
  empty.version = "0.1.0";
  const std::string parsed = ParseWithPrometheusClient(RenderPrometheus(empty));
  EXPECT_NE(parsed.find("netdata_preflight_build_info"), std::string::npos);
  EXPECT_EQ(parsed.find("netdata_preflight_agent_up"), std::string::npos);
  auto report = nlohmann::ordered_json::parse(
      R"({"checks":[{"id":"a\"b\\c\nd","status":"warn","duration_ms":1}]})");
  MetricsSnapshot s;
  s.report = &report;
  s.version = "x";
  const std::string hostile = ParseWithPrometheusClient(RenderPrometheus(s));
  EXPECT_NE(hostile.find("id=a\"b\\c\nd,status=warn 1.0"), std::string::npos) << hostile;
}

// fault: serve | check run that gave no report, 3 times; a check that took 0.208 ms | check_runs_failed_total is a counter (TYPE counter, parsed as one); durations print as 0.000208, not 0.00020799999999999999
TEST(RenderPrometheus, FailedRunsAreACounterAndNumbersHaveNoFloatNoise) {
  auto report = nlohmann::ordered_json::parse(
      R"({"checks":[{"id":"claim.token","status":"pass","duration_ms":0.208}]})");
  MetricsSnapshot s;
  s.report = &report;
  s.check_runs_failed = 3;
  s.last_check_seconds = 0.1 + 0.2;
  s.version = "x";
  const std::string text = RenderPrometheus(s);
  EXPECT_NE(text.find("# TYPE netdata_preflight_check_runs_failed_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nnetdata_preflight_check_runs_failed_total 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("netdata_preflight_check_duration_seconds{id=\"claim.token\"} 0.000208\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("99999"), std::string::npos) << text;
  EXPECT_NE(text.find("netdata_preflight_last_check_duration_seconds 0.30000000000000004\n"),
            std::string::npos)
      << "a value that needs 17 digits keeps them:\n"
      << text;
  const std::string parsed = ParseWithPrometheusClient(text);
  EXPECT_NE(parsed.find("counter netdata_preflight_check_runs_failed_total  3.0"),
            std::string::npos)
      << parsed;
}

}  // namespace
}  // namespace preflight::cmd
