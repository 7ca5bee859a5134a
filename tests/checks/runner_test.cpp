#include "checks/runner.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <thread>

#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

Result PassRun(Context&) { return Result::Pass("fine"); }
Result FailRun(Context&) { return Result::Fail("broken", "fix it"); }
Result FailNoFixRun(Context&) { return Result::Fail("broken", ""); }
Result ThrowRun(Context&) { throw std::runtime_error("boom"); }
Result CrashRun(Context&) {
  // A real SIGSEGV: a store to the unmapped first page (not to nullptr, which UBSan would
  // stop before the fault).
  volatile uintptr_t address = 64;  // volatile: the compiler cannot see the address
  *reinterpret_cast<volatile int*>(address) = 1;
  return Result::Pass("unreachable");
}
Result SeesEarlierRun(Context& ctx) {
  const Result* r = ctx.Earlier("a.first");
  return r != nullptr ? Result::Pass("saw " + r->message)
                      : Result::Fail("did not see a.first", "x");
}
Result DeadlineRun(Context& ctx) {
  return ctx.deadline == std::chrono::steady_clock::time_point::max()
             ? Result::Fail("no deadline", "x")
             : Result::Pass("has deadline");
}
Result SlowRun(Context&) {
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  return Result::Pass("slow");
}

const CheckDef kFirst{"a.first", "First", "s", Kind::kOffline, {}, &PassRun, "w"};
const CheckDef kFailing{"a.failing", "Failing", "s", Kind::kOffline, {}, &FailRun, "w"};
const CheckDef kNeedsFailing{"b.dependent", "Dependent", "s", Kind::kOffline,
                             {"a.failing"}, &PassRun,    "w"};
const CheckDef kNeedsFirst{"b.happy",   "Happy",         "s", Kind::kOffline,
                           {"a.first"}, &SeesEarlierRun, "w"};
const CheckDef kThrows{"c.throws", "Throws", "s", Kind::kOffline, {}, &ThrowRun, "w"};
const CheckDef kCrashes{"c.crashes", "Crashes", "s", Kind::kOffline, {}, &CrashRun, "w"};
const CheckDef kNoFix{"c.nofix", "No fix", "s", Kind::kOffline, {}, &FailNoFixRun, "w"};
const CheckDef kOnline{"network.thing", "Online", "s", Kind::kOnline, {}, &DeadlineRun, "w"};
const CheckDef kSlowOnline{"network.slow", "Slow", "s", Kind::kOnline, {}, &SlowRun, "w"};
const CheckDef kLateOnline{"network.late", "Late", "s", Kind::kOnline, {}, &PassRun, "w"};

const CheckDef kNeedsDependent{"b.third",       "Third",  "s", Kind::kOffline,
                               {"b.dependent"}, &PassRun, "w"};

class RunnerTest : public ::testing::Test {
 protected:
  testing::FakeSystem sys;
  Inputs inputs;
};

TEST_F(RunnerTest, RunsInOrderAndSkipsWhatAFailedNeedMakesMeaningless) {
  Report r = RunChecks(sys, inputs, {}, {&kFirst, &kFailing, &kNeedsFailing, &kNeedsFirst});
  ASSERT_EQ(r.checks.size(), 4u);
  EXPECT_EQ(r.checks[0].result.status, Status::kPass);
  EXPECT_EQ(r.checks[1].result.status, Status::kFail);
  EXPECT_EQ(r.checks[2].result.status, Status::kSkip);
  EXPECT_EQ(r.checks[2].result.message, "a.failing failed");
  EXPECT_EQ(r.checks[3].result.status, Status::kPass);
  EXPECT_EQ(r.checks[3].result.message, "saw fine");
}

TEST_F(RunnerTest, ASkipForAFailedNeedCascadesAndNamesTheRootCause) {
  Report r = RunChecks(sys, inputs, {}, {&kFailing, &kNeedsFailing, &kNeedsDependent});
  ASSERT_EQ(r.checks.size(), 3u);
  EXPECT_EQ(r.checks[2].result.status, Status::kSkip);
  EXPECT_EQ(r.checks[2].result.message, "a.failing failed");
  // A need skipped for its own reason (does not apply here) is no reason to skip.
  Report ok = RunChecks(sys, inputs, {}, {&kFirst, &kNeedsFirst});
  EXPECT_EQ(ok.checks[1].result.status, Status::kPass);
}

TEST_F(RunnerTest, AnExceptionOrACrashIsAnErrorNotADeadProcess) {
  Report r = RunChecks(sys, inputs, {}, {&kThrows, &kCrashes, &kFirst});
  ASSERT_EQ(r.checks.size(), 3u);
  EXPECT_EQ(r.checks[0].result.status, Status::kError);
  EXPECT_NE(r.checks[0].result.message.find("boom"), std::string::npos);
  EXPECT_EQ(r.checks[1].result.status, Status::kError);
  EXPECT_NE(r.checks[1].result.message.find("crashed"), std::string::npos);
  EXPECT_EQ(r.checks[2].result.status, Status::kPass) << "the run goes on after a crash";
  // And a second crash in the same process is caught as well.
  Report again = RunChecks(sys, inputs, {}, {&kCrashes});
  EXPECT_EQ(again.checks[0].result.status, Status::kError);
}

TEST_F(RunnerTest, AFailureWithoutRemediationGetsOne) {
  Report r = RunChecks(sys, inputs, {}, {&kNoFix});
  EXPECT_NE(r.checks[0].result.remediation.find("explain c.nofix"), std::string::npos);
}

TEST_F(RunnerTest, SelectionByIdAndCategory) {
  const std::vector<const CheckDef*> all = {&kFirst, &kFailing, &kNeedsFirst, &kOnline};
  Selection only_a;
  only_a.only = {"a"};
  EXPECT_EQ(RunChecks(sys, inputs, only_a, all).checks.size(), 2u);
  Selection skip;
  skip.skip = {"a.failing", "network.*"};
  Report r = RunChecks(sys, inputs, skip, all);
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_EQ(r.checks[0].def->id, "a.first");
  EXPECT_EQ(r.checks[1].def->id, "b.happy");
}

TEST_F(RunnerTest, OfflineReportsOnlineChecksAsSkippedAndOfflineOnlyLeavesThemOut) {
  Selection offline;
  offline.offline = true;
  Report r = RunChecks(sys, inputs, offline, {&kFirst, &kOnline});
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_EQ(r.checks[1].result.status, Status::kSkip);
  EXPECT_NE(r.checks[1].result.message.find("--offline"), std::string::npos);
  Selection offline_only;
  offline_only.offline_only = true;
  EXPECT_EQ(RunChecks(sys, inputs, offline_only, {&kFirst, &kOnline}).checks.size(), 1u);
}

// The verdict's advice on the unchecked path depends on why the network checks are missing.
TEST_F(RunnerTest, TheReportSaysWhyTheNetworkChecksAreMissing) {
  Selection all;
  EXPECT_EQ(RunChecks(sys, inputs, all, {&kFirst, &kLateOnline}).network, NetworkScope::kSelected);
  Selection offline;
  offline.offline = true;
  EXPECT_EQ(RunChecks(sys, inputs, offline, {&kFirst, &kLateOnline}).network,
            NetworkScope::kOffline);
  Selection before_hand_off;
  before_hand_off.offline_only = true;
  EXPECT_EQ(RunChecks(sys, inputs, before_hand_off, {&kFirst, &kLateOnline}).network,
            NetworkScope::kBeforeHandOff);
  before_hand_off.offline = true;  // `run --offline`: still only --online would check the path
  EXPECT_EQ(RunChecks(sys, inputs, before_hand_off, {&kFirst, &kLateOnline}).network,
            NetworkScope::kBeforeHandOff);
  // Not selected wins over --offline: without the network checks, --offline changed nothing.
  Selection only_first;
  only_first.only = {"a.first"};
  only_first.offline = true;
  EXPECT_EQ(RunChecks(sys, inputs, only_first, {&kFirst, &kLateOnline}).network,
            NetworkScope::kNotSelected);
  EXPECT_EQ(RunChecks(sys, inputs, all, {&kFirst}).network, NetworkScope::kNotSelected);
}

// fault: network | network checks overrun --deadline | checks started past the deadline are an error naming --deadline
TEST_F(RunnerTest, OnlineChecksGetTheSharedDeadlineAndLateOnesAreErrors) {
  Report r = RunChecks(sys, inputs, {}, {&kOnline});
  EXPECT_EQ(r.checks[0].result.status, Status::kPass) << r.checks[0].result.message;
  inputs.deadline = std::chrono::milliseconds(50);
  r = RunChecks(sys, inputs, {}, {&kSlowOnline, &kLateOnline});
  EXPECT_EQ(r.checks[0].result.status, Status::kPass);
  EXPECT_EQ(r.checks[1].result.status, Status::kError);
  EXPECT_NE(r.checks[1].result.message.find("--deadline"), std::string::npos);
}

TEST_F(RunnerTest, RecordsDurationsAndStartTime) {
  Report r = RunChecks(sys, inputs, {}, {&kSlowOnline});
  EXPECT_GE(r.checks[0].result.duration_ms, 100.0);
  EXPECT_GE(r.duration_ms, r.checks[0].result.duration_ms);
  EXPECT_EQ(r.started_at, "2026-01-01T00:00:00Z");
}

TEST(Selection, ValidationNamesTheBadIdAndSuggests) {
  Selection s;
  s.only = {"claim.tokn"};
  auto status = ValidateSelection(s);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("`claim.tokn`"), std::string::npos);
  EXPECT_NE(status.error().message.find("did you mean `claim.token`"), std::string::npos);
  s.only = {"claim", "network.*", "cloud.link"};
  EXPECT_TRUE(ValidateSelection(s).ok());
}

}  // namespace
}  // namespace preflight::checks
