#include "checks/wait_for_cloud.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fakes/fake_system.h"

namespace preflight::checks {
namespace {

using std::chrono::milliseconds;

/// Fails until the fake clock reaches `g_ready_at`, then passes: a network that comes up late.
std::chrono::system_clock::time_point g_ready_at;
int g_calls = 0;
Result LateNetwork(Context& ctx) {
  ++g_calls;
  return ctx.sys.Now() >= g_ready_at ? Result::Pass("reachable")
                                     : Result::Fail("unreachable", "wait");
}
Result Offline(Context&) { return Result::Fail("offline check ran", "never"); }

const CheckDef kNet{"network.late", "Late", "s", Kind::kOnline, {}, &LateNetwork, "w"};
const CheckDef kOff{"claim.offline", "Offline", "s", Kind::kOffline, {}, &Offline, "w"};
const CheckDef kCloud{"cloud.link", "Link", "s", Kind::kOnline, {}, &Offline, "w"};
const std::vector<const CheckDef*> kCatalog = {&kOff, &kNet, &kCloud};

class WaitForCloudTest : public ::testing::Test {
 protected:
  void SetUp() override { g_calls = 0; }
  testing::FakeSystem sys;
  Inputs inputs;
  World world{sys, inputs};
};

TEST_F(WaitForCloudTest, OnlyTheNetworkChecksAreRetried) {
  auto checks = NetworkChecks(Selection{}, kCatalog);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0]->id, "network.late");
}

TEST_F(WaitForCloudTest, FirstRoundPassesNoSleep) {
  g_ready_at = sys.now;
  auto out = WaitForCloud(world, inputs, Selection{}, {milliseconds(60000)}, {}, kCatalog);
  EXPECT_TRUE(out.ready);
  EXPECT_EQ(out.rounds, 1);
  EXPECT_TRUE(sys.sleeps.empty());
  ASSERT_EQ(out.report.checks.size(), 1u) << "offline and cloud checks are not part of the wait";
}

// fault: network | network comes up 40 s late under --wait-for-cloud | retried with backoff 1, 2, 4, 8, 15, 15 s; ready in round 7
TEST_F(WaitForCloudTest, BacksOffExponentiallyUpToTheCapUntilReady) {
  g_ready_at = sys.now + std::chrono::seconds(40);
  WaitPolicy policy{milliseconds(120000), milliseconds(1000), milliseconds(15000)};
  auto out = WaitForCloud(world, inputs, Selection{}, policy, {}, kCatalog);
  EXPECT_TRUE(out.ready);
  // 1 + 2 + 4 + 8 + 15 + 15 = 45 s >= 40 s: ready in the 7th round.
  std::vector<milliseconds> expected = {milliseconds(1000),  milliseconds(2000),
                                        milliseconds(4000),  milliseconds(8000),
                                        milliseconds(15000), milliseconds(15000)};
  EXPECT_EQ(sys.sleeps, expected);
  EXPECT_EQ(out.rounds, 7);
}

// fault: network | network never comes up within the --wait-for-cloud budget | gives up after exactly the budget, last round at its end, network check fail
TEST_F(WaitForCloudTest, GivesUpWhenTheBudgetIsSpentAndTriesAtTheEnd) {
  g_ready_at = sys.now + std::chrono::hours(1);
  std::vector<int> heard;
  auto out = WaitForCloud(
      world, inputs, Selection{}, {milliseconds(5000)},
      [&](const Report&, int round) { heard.push_back(round); }, kCatalog);
  EXPECT_FALSE(out.ready);
  // Sleeps 1 s, 2 s, then only the 2 s left: the last round runs at the budget's end.
  std::vector<milliseconds> expected = {milliseconds(1000), milliseconds(2000), milliseconds(2000)};
  EXPECT_EQ(sys.sleeps, expected);
  EXPECT_EQ(out.rounds, 4);
  EXPECT_EQ(heard, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(out.waited, milliseconds(5000));
  EXPECT_EQ(out.report.checks[0].result.status, Status::kFail);
}

Result ReadsTheClaim(Context& ctx) {
  return ctx.Claim().token.set ? Result::Pass("token") : Result::Fail("no token", "set one");
}
const CheckDef kClaimReader{"network.claim", "Claim", "s", Kind::kOnline, {}, &ReadsTheClaim, "w"};

TEST_F(WaitForCloudTest, TheClaimSettingsAreReadOnceForEveryRound) {
  sys.AddFile("/etc/netdata/claim.conf", "[global]\nurl = https://app.netdata.cloud\n");
  auto out = WaitForCloud(world, inputs, Selection{}, {milliseconds(5000)}, {}, {&kClaimReader});
  EXPECT_EQ(out.rounds, 4);
  EXPECT_EQ(std::count(sys.reads.begin(), sys.reads.end(), "/etc/netdata/claim.conf"), 1)
      << "four rounds, one read of claim.conf";
}

TEST_F(WaitForCloudTest, EachRoundDeadlineIsCutToWhatIsLeft) {
  g_ready_at = sys.now + std::chrono::hours(1);
  inputs.deadline = milliseconds(10000);
  auto out = WaitForCloud(world, inputs, Selection{}, {milliseconds(0)}, {}, kCatalog);
  EXPECT_EQ(out.rounds, 1) << "a zero budget still runs one round";
  EXPECT_FALSE(out.ready);
}

}  // namespace
}  // namespace preflight::checks
