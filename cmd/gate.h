#pragma once
/// The hand-off policy shared by `run` and `check --gate`: offline findings at or above
/// --fail-on refuse the hand-off; network findings never do unless --require-cloud, because
/// the agent monitors locally without Cloud and a network blip must not become an outage.

#include <string>

#include "checks/report.h"

namespace preflight::cmd {

struct GateDecision {
  bool refuse = false;
  std::string reason;  ///< one line, for stderr
};

/// Refuses on the first offline check at or above `fail_on` (fail | warn | never) and, with
/// `require_cloud`, on the first network or cloud check that failed or could not evaluate
/// (whatever `fail_on` says: --require-cloud is the explicit ask). Pure.
GateDecision DecideGate(const checks::Report& report, const std::string& fail_on,
                        bool require_cloud);

}  // namespace preflight::cmd
