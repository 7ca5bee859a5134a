// --wait-for-cloud against a real fault that clears: the fake cloud comes up a few seconds
// after the first round, and the rounds (real System, real prober, loopback only) see it;
// the prober's memo never hands a later round an earlier round's answers.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "blackbox/network_lab.h"
#include "checks/wait_for_cloud.h"
#include "container/net/network_prober.h"
#include "container/real_system.h"

namespace preflight::testing {
namespace {

using std::chrono::milliseconds;

const std::string kFixtures = std::string(PREFLIGHT_SOURCE_DIR) + "/tests/fixtures";

class LateCloud : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Sh("sh " + kFixtures + "/make_certs.sh " + dir.path() + "/certs"), "");
    port = FreeLoopbackPort();
    container::NetGlobalInit();
  }
  std::unique_ptr<Background> StartCloud(double delay_s) {
    return std::make_unique<Background>(std::vector<std::string>{
        "python3", kFixtures + "/fake_cloud.py", "--cert", dir.path() + "/certs/good.pem", "--key",
        dir.path() + "/certs/good.key", "--port", std::to_string(port), "--delay",
        std::to_string(delay_s), "--ready-file", dir.path() + "/ready"});
  }
  checks::Inputs In() const {
    checks::Inputs in;
    in.var_lib = dir.path() + "/var";
    in.config_dir = dir.path() + "/etc";
    in.cloud_url = "https://cloud.test:" + std::to_string(port);
    in.resolve = {"cloud.test:" + std::to_string(port) + ":127.0.0.1"};
    in.ca_file = dir.path() + "/certs/ca.pem";
    in.deadline = milliseconds(1000);
    return in;
  }
  TempDir dir;
  int port = 0;
  char path_env[32] = "PATH=/usr/bin:/bin";
  char* envp[2] = {path_env, nullptr};
};

// fault: network | Cloud refuses connections at start, comes up 3 s later | --wait-for-cloud: first round network.tls fail (refused), rounds retry until pass within the budget
TEST_F(LateCloud, WaitForCloudRetriesUntilTheCloudComesUp) {
  container::RealSystem sys(envp);
  auto cloud = StartCloud(3.0);
  std::vector<std::string> tls_status;
  checks::WaitPolicy policy;
  policy.budget = milliseconds(30000);
  policy.first_delay = milliseconds(500);
  policy.max_delay = milliseconds(2000);
  const checks::Inputs in = In();
  checks::World world(sys, in);
  auto outcome = checks::WaitForCloud(world, in, checks::Selection{}, policy,
                                      [&](const checks::Report& report, int) {
                                        if (const auto* tls = report.Find("network.tls")) {
                                          tls_status.emplace_back(checks::StatusName(tls->status));
                                        }
                                      });
  EXPECT_TRUE(outcome.ready);
  ASSERT_GE(tls_status.size(), 2u) << "the cloud came up before the first round";
  EXPECT_EQ(tls_status.front(), "fail");  // refused: nothing listens yet
  EXPECT_EQ(tls_status.back(), "pass");
  EXPECT_EQ(outcome.rounds, static_cast<int>(tls_status.size()));
  EXPECT_LT(outcome.waited, policy.budget);
}

TEST_F(LateCloud, ProberMemoizesPerRoundNeverAcrossRounds) {
  container::RealSystem sys(envp);
  container::NetworkPlan plan;
  plan.targets = {{"cloud.test", port}};
  plan.websocket = plan.targets.front();
  plan.resolve = In().resolve;
  plan.ca_file = In().ca_file;
  auto& prober = sys.Network();
  const auto round1 = std::chrono::steady_clock::now() + milliseconds(1000);
  EXPECT_EQ(prober.Reach(plan, round1).targets.at(0).outcome, container::ConnectOutcome::kRefused);
  auto cloud = StartCloud(0);
  ASSERT_TRUE(WaitFor([&] { return FileExists(dir.path() + "/ready"); }, milliseconds(10000)));
  // Same round (same plan and deadline): the checks of one run share one probe.
  EXPECT_EQ(prober.Reach(plan, round1).targets.at(0).outcome, container::ConnectOutcome::kRefused);
  // The next round probes afresh.
  const auto round2 = std::chrono::steady_clock::now() + milliseconds(1000);
  const auto& fresh = prober.Reach(plan, round2);
  EXPECT_EQ(fresh.targets.at(0).outcome, container::ConnectOutcome::kOk) << fresh.targets[0].detail;
  EXPECT_TRUE(fresh.upgraded);
}

}  // namespace
}  // namespace preflight::testing
