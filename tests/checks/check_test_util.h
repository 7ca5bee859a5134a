#pragma once
/// Running one check against a FakeSystem, as the runner would, with what agent.version would
/// have recorded before it.

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

/// "pass: message | fix: remediation", for assertion messages.
inline std::string Describe(const Result& r) {
  return std::string(StatusName(r.status)) + ": " + r.message + " | fix: " + r.remediation +
         " | details: " + r.details.dump();
}

}  // namespace preflight::checks
