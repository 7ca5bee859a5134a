#pragma once
/// Running one check against a FakeSystem, as the runner would, with what agent.version would
/// have recorded before it.

#include <gtest/gtest.h>

#include <string>

#include "checks/check.h"
#include "fakes/fake_system.h"

namespace preflight::checks {

/// Runs `def` with `generation` ("v1", "v2"; "" = agent.version did not run) and the agent
/// binary `binary` recorded as agent.version's details.
inline Result RunOne(const CheckDef& def, testing::FakeSystem& sys, const std::string& generation,
                     const Inputs& inputs = Inputs{}, const std::string& binary = "") {
  Context ctx(sys, inputs);
  if (!generation.empty()) {
    Result version = Result::Pass("netdata");
    version.details["generation"] = generation;
    if (!binary.empty()) version.details["binary"] = binary;
    ctx.Record("agent.version", version);
  }
  return def.run(ctx);
}

/// Runs `def` as if agent.version had found `version` (e.g. "v1.40.1"; "" = the version is
/// unknown: agent.version did not run), the way the runner records it.
inline Result RunWithVersion(const CheckDef& def, testing::FakeSystem& sys,
                             const std::string& version, const Inputs& inputs = Inputs{}) {
  Context ctx(sys, inputs);
  if (!version.empty()) {
    Result r = Result::Pass("netdata " + version);
    r.details["version"] = version;
    r.details["generation"] =
        version.rfind("v1.", 0) == 0 && version.rfind("v1.99", 0) != 0 ? "v1" : "v2";
    ctx.Record("agent.version", r);
  }
  return def.run(ctx);
}

/// "pass: message | fix: remediation", for assertion messages.
inline std::string Describe(const Result& r) {
  return std::string(StatusName(r.status)) + ": " + r.message + " | fix: " + r.remediation +
         " | details: " + r.details.dump();
}

/// The assertions every table-driven check test makes: the status, substrings of the message
/// and the remediation, and that a warn or fail always names its fix.
inline void ExpectOutcome(const Result& r, Status status, const char* message,
                          const char* remediation) {
  EXPECT_EQ(r.status, status) << Describe(r);
  EXPECT_NE(r.message.find(message), std::string::npos) << Describe(r);
  EXPECT_NE(r.remediation.find(remediation), std::string::npos) << Describe(r);
  if (r.status == Status::kWarn || r.status == Status::kFail) {
    EXPECT_FALSE(r.remediation.empty()) << Describe(r);
  }
}

}  // namespace preflight::checks
