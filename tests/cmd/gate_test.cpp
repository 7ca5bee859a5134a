// The hand-off policy of `run` and `check --gate`.
#include "cmd/gate.h"

#include <gtest/gtest.h>

namespace preflight::cmd {
namespace {

using checks::Kind;
using checks::Result;
using checks::Status;

Result Dummy(checks::Context&) { return Result::Pass(""); }
const checks::CheckDef kOff{"claim.token", "t", "s", Kind::kOffline, {}, &Dummy, "w"};
const checks::CheckDef kNet{"network.dns", "t", "s", Kind::kOnline, {}, &Dummy, "w"};

checks::Report Make(Status offline, Status network, bool certain = true) {
  checks::Report r;
  Result a;
  a.status = offline;
  a.certain = certain;
  a.message = "offline says so";
  Result b;
  b.status = network;
  b.message = "network says so";
  r.checks = {{&kOff, a}, {&kNet, b}};
  return r;
}

TEST(Gate, Table) {
  struct Case {
    Status offline, network;
    const char* fail_on;
    bool require_cloud;
    bool refuse;
    const char* reason_has;
  };
  const Case cases[] = {
      {Status::kPass, Status::kPass, "fail", false, false, ""},
      {Status::kFail, Status::kPass, "fail", false, true, "claim.token: offline says so"},
      {Status::kWarn, Status::kPass, "fail", false, false, ""},
      {Status::kWarn, Status::kPass, "warn", false, true, "claim.token"},
      {Status::kError, Status::kPass, "fail", false, false, ""},
      {Status::kError, Status::kPass, "warn", false, true, "claim.token"},
      {Status::kSkip, Status::kPass, "warn", false, false, ""},
      {Status::kFail, Status::kPass, "never", false, false, ""},
      // The network never blocks by default...
      {Status::kPass, Status::kFail, "fail", false, false, ""},
      {Status::kPass, Status::kFail, "warn", false, false, ""},
      // ...unless --require-cloud, and then an unevaluated network check blocks too.
      {Status::kPass, Status::kFail, "fail", true, true, "network.dns: network says so"},
      {Status::kPass, Status::kError, "fail", true, true, "network.dns"},
      {Status::kPass, Status::kWarn, "fail", true, false, ""},
      {Status::kPass, Status::kWarn, "warn", true, true, "network.dns"},
      {Status::kPass, Status::kSkip, "fail", true, false, ""},
      {Status::kPass, Status::kFail, "never", true, true, "network.dns"},
  };
  for (const auto& c : cases) {
    auto d = DecideGate(Make(c.offline, c.network), c.fail_on, c.require_cloud);
    const std::string name = std::string(checks::StatusName(c.offline)) + "/" +
                             std::string(checks::StatusName(c.network)) + " fail-on=" + c.fail_on +
                             (c.require_cloud ? " require-cloud" : "");
    EXPECT_EQ(d.refuse, c.refuse) << name;
    EXPECT_NE(d.reason.find(c.reason_has), std::string::npos) << name << ": " << d.reason;
  }
}

// Never stop a working agent: an offline fail that rests on an inference, history or an unknown
// (certain = false) is reported only; --fail-on warn lets a strict operator refuse on it.
TEST(Gate, OnlyCertainFailuresRefuseByDefault) {
  EXPECT_FALSE(DecideGate(Make(Status::kFail, Status::kPass, false), "fail", false).refuse);
  EXPECT_FALSE(DecideGate(Make(Status::kFail, Status::kPass, false), "fail", true).refuse);
  auto strict = DecideGate(Make(Status::kFail, Status::kPass, false), "warn", false);
  EXPECT_TRUE(strict.refuse);
  EXPECT_EQ(strict.reason, "claim.token: offline says so");
  EXPECT_TRUE(DecideGate(Make(Status::kFail, Status::kPass, true), "fail", false).refuse);
  // A certain finding on a warn status does not exist; a warn never refuses by default.
  EXPECT_FALSE(DecideGate(Make(Status::kWarn, Status::kPass, true), "fail", false).refuse);
}

// A certainty must say why: without a reason it is a plain fail, which never refuses.
TEST(Gate, ACertaintyWithoutAReasonIsAPlainFail) {
  Result unexplained = Result::CertainFail("m", "f", "");
  EXPECT_EQ(unexplained.status, Status::kFail);
  EXPECT_FALSE(unexplained.certain);
  Result explained = Result::CertainFail("m", "f", "observed: clone3 answered EPERM");
  EXPECT_TRUE(explained.certain);
  EXPECT_EQ(explained.certain_because, "observed: clone3 answered EPERM");
}

}  // namespace
}  // namespace preflight::cmd
