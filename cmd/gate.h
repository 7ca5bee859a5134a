#pragma once
/// The hand-off policy shared by `run` and `check --gate` (DESIGN: Gate policy). The gate never
/// causes an outage: it refuses only on an offline finding that is certain to stop what the user
/// asked for, for the agent in the image (Result::certain: an observed failure, or a behaviour
/// of that agent version from the agent's own source). Findings that rest on an inference, on
/// history or on an unknown are reported and never refuse. The network never refuses unless
/// --require-cloud: the agent monitors locally without Cloud, and a network blip must not
/// become an outage.

#include <string>

#include "checks/report.h"
#include "container/system.h"

namespace preflight::cmd {

struct GateDecision {
  bool refuse = false;
  std::string reason;  ///< one line, for stderr
};

/// Refuses on the first offline check that failed with certainty (`fail_on` "fail", the
/// default); with `fail_on` "warn" the strict operator refuses on any offline fail, warn or
/// error; "never" ignores the offline checks. With `require_cloud`, also on the first network or
/// cloud check that failed or could not evaluate (whatever `fail_on` says: --require-cloud is
/// the explicit ask). Pure.
GateDecision DecideGate(const checks::Report& report, const std::string& fail_on,
                        bool require_cloud);

/// Writes the owner lease the checks found free (Report::lease_to_take), for a start the gate
/// let through. The caller says a failure (never fatal): `run`'s supervisor and deferred
/// writes already do, once.
Status TakeLease(container::System& sys, const std::string& var_lib, const checks::Report& report);

}  // namespace preflight::cmd
