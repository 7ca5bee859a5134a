// container.lifetime against run records put into a fake System.
#include <gtest/gtest.h>

#include "checks/catalog.h"
#include "checks/sections.h"
#include "container/state/run_records.h"
#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using container::RunRecord;

constexpr int64_t kT0 = 1767225600000;

RunRecord Supervised(int64_t start_s, std::optional<int64_t> lived_s, std::optional<double> link_s,
                     int exit_code = 0) {
  RunRecord r;
  r.start_ms = kT0 + start_s * 1000;
  r.pid = 1;
  r.mode = "supervise";
  r.claimed_at_start = true;
  r.boot_id = "boot-a";
  if (lived_s) {
    r.end_ms = r.start_ms + *lived_s * 1000;
    r.exit_code = exit_code;
    if (exit_code > 128) r.signal = exit_code - 128;
  }
  r.link_online_s = link_s;
  return r;
}

class ContainerLifetimeTest : public ::testing::Test {
 protected:
  Result Run(const std::vector<RunRecord>& runs) {
    sys.AddDir("/var/lib/netdata").AddDir("/var/lib/netdata/preflight");
    sys.AddFile("/var/lib/netdata/preflight/runs.json", container::SerializeRunRecords(runs));
    return RunRaw();
  }
  Result RunRaw() {
    Context ctx(sys, inputs);
    return kContainerLifetime.run(ctx);
  }
  testing::FakeSystem sys;
  Inputs inputs;
};

// fault: lifetime | the last run, or the last 2 runs, died before the link came up | container.lifetime warn "the last run ended" / "the last 2 runs", killed-early section, remediation naming OOM and stop
// fault: lifetime | the last 3 runs in a row died before the link came up | container.lifetime fail "the last 3 runs in a row"
// fault: lifetime | runs killed -9, their end never recorded | container.lifetime fail "end never recorded" (each life bounded by the next start)
TEST_F(ContainerLifetimeTest, Table) {
  struct Case {
    const char* name;
    std::vector<RunRecord> runs;
    Status want;
    const char* message_has;
  };
  RunRecord exec;
  exec.start_ms = kT0;
  exec.claimed_at_start = true;
  RunRecord unclaimed = Supervised(0, 20, std::nullopt);
  unclaimed.claimed_at_start = false;
  unclaimed.claimed_at_end = false;
  RunRecord refused = Supervised(0, 0, std::nullopt, 78);
  refused.mode = "refused";
  const std::vector<Case> cases = {
      {"last run reached the cloud",
       {Supervised(0, 15, std::nullopt), Supervised(100, 3600, 8.5)},
       Status::kPass,
       "reached Netdata Cloud 8.5 s"},
      {"one early death",
       {Supervised(0, 3600, 9), Supervised(4000, 20, std::nullopt)},
       Status::kWarn,
       "the last run ended"},
      {"two in a row",
       {Supervised(0, 30, std::nullopt, 143), Supervised(100, 20, std::nullopt, 137)},
       Status::kWarn,
       "the last 2 runs"},
      {"three in a row fail",
       {Supervised(0, 9, std::nullopt, 1), Supervised(100, 12, std::nullopt, 137),
        Supervised(200, 40, std::nullopt, 143)},
       Status::kFail,
       "the last 3 runs in a row"},
      {"streak broken by a connected run",
       {Supervised(0, 9, std::nullopt), Supervised(100, 9, std::nullopt), Supervised(200, 900, 5),
        Supervised(1200, 9, std::nullopt)},
       Status::kWarn,
       "the last run ended"},
      {"a long life without link is not an early death",
       {Supervised(0, 9, std::nullopt), Supervised(100, 9, std::nullopt),
        Supervised(200, 3600, std::nullopt)},
       Status::kPass,
       "long enough"},
      {"killed -9: bounded by the next start",
       {Supervised(0, std::nullopt, std::nullopt), Supervised(30, std::nullopt, std::nullopt),
        Supervised(60, 10, std::nullopt), Supervised(90, std::nullopt, std::nullopt)},
       Status::kFail,
       "end never recorded"},
      {"newest without end is ignored (may be running)",
       {Supervised(0, 3600, 7), Supervised(4000, std::nullopt, std::nullopt)},
       Status::kPass,
       "reached"},
      {"exec mode cannot tell", {exec}, Status::kSkip, "only `run --supervise`"},
      {"unclaimed nodes never link",
       {unclaimed, unclaimed},
       Status::kSkip,
       "supervised run of a claimed agent"},
      {"refused runs started nothing", {refused}, Status::kSkip, ""},
  };
  for (const auto& c : cases) {
    sys = testing::FakeSystem();
    Result r = Run(c.runs);
    EXPECT_EQ(r.status, c.want) << c.name << ": " << r.message;
    EXPECT_NE(r.message.find(c.message_has), std::string::npos) << c.name << ": " << r.message;
    if (r.status == Status::kWarn || r.status == Status::kFail) {
      EXPECT_EQ(r.section, section::kKilledEarly) << c.name;
      EXPECT_NE(r.remediation.find("OOM"), std::string::npos) << c.name;
      EXPECT_NE(r.remediation.find("stop"), std::string::npos) << c.name;
    }
  }
}

// fault: lifetime | --restart on-failure loop of a container with a token, every run dead before the first claim | container.lifetime warn "ended before the agent claimed the node" (never fail, never certain); without a token the runs stay ignored
TEST_F(ContainerLifetimeTest, CrashLoopBeforeTheFirstClaimIsReported) {
  RunRecord early = Supervised(0, 8, std::nullopt, 1);
  early.claimed_at_start = false;
  early.claimed_at_end = false;
  std::vector<RunRecord> loop;
  for (int i = 0; i < 4; ++i) {
    early.start_ms = kT0 + i * 30 * 1000;
    early.end_ms = early.start_ms + 8000;
    loop.push_back(early);
  }
  sys.env["NETDATA_CLAIM_TOKEN"] = std::string(135, 't');
  Result r = Run(loop);
  EXPECT_EQ(r.status, Status::kWarn) << r.message;
  EXPECT_FALSE(r.certain);
  EXPECT_NE(r.message.find("the last 4 runs in a row ended"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("before the agent claimed the node"), std::string::npos) << r.message;
  EXPECT_TRUE(r.details["before_claim"].get<bool>());
  EXPECT_EQ(r.node_state, "absent");
  // The other side: no claiming configured, a never-claimed node is not expected to link.
  sys = testing::FakeSystem();
  EXPECT_EQ(Run(loop).status, Status::kSkip);
}

// fault: lifetime | three early deaths: exit 1 after 9 s, SIGKILL after 12 s, SIGTERM after 40 s | container.lifetime fail naming each lifetime and cause; remediation "exit 137 was seen" (OOM)
TEST_F(ContainerLifetimeTest, FailNamesTheLifetimesAndTheOomKill) {
  Result r = Run({Supervised(0, 9, std::nullopt, 1), Supervised(100, 12, std::nullopt, 137),
                  Supervised(200, 40, std::nullopt, 143)});
  ASSERT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.message.find("killed by signal 15 after 40 s"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("killed by signal 9 after 12 s"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("exited 1 after 9.0 s"), std::string::npos) << r.message;
  EXPECT_NE(r.remediation.find("exit 137 was seen"), std::string::npos) << r.remediation;
  EXPECT_EQ(r.details["early_runs"].size(), 3u);
}

TEST_F(ContainerLifetimeTest, NoRecordsIsASkipNamingTheFile) {
  Result r = RunRaw();
  EXPECT_EQ(r.status, Status::kSkip);
  EXPECT_NE(r.message.find("/var/lib/netdata/preflight/runs.json"), std::string::npos);
}

// fault: records | truncated runs.json read by `check` | container.lifetime warn "cannot be trusted"; the file is left in place
TEST_F(ContainerLifetimeTest, CorruptRecordsWarnAndAreNotMoved) {
  sys.AddFile("/var/lib/netdata/preflight/runs.json", "{\"schema\":1,\"ru");
  Result r = RunRaw();
  EXPECT_EQ(r.status, Status::kWarn);
  EXPECT_NE(r.message.find("cannot be trusted"), std::string::npos);
  EXPECT_TRUE(sys.files.count("/var/lib/netdata/preflight/runs.json")) << "a check only reads";
}

}  // namespace
}  // namespace preflight::checks
