#include "cmd/gate.h"

#include "container/state/owner_lease.h"

namespace preflight::cmd {
namespace {

bool BlocksOffline(const checks::Result& r, const std::string& fail_on) {
  if (fail_on == "never") return false;
  if (fail_on == "warn") {
    return r.status == checks::Status::kFail || r.status == checks::Status::kWarn ||
           r.status == checks::Status::kError;
  }
  // Only certainty refuses: anything less is an outage this tool would cause.
  return r.status == checks::Status::kFail && r.certain;
}

// --require-cloud means "the cloud must be verified reachable": a network check that could
// not evaluate (an error, e.g. the deadline) is not that.
bool BlocksOnline(const checks::Result& r, const std::string& fail_on) {
  if (r.status == checks::Status::kFail || r.status == checks::Status::kError) return true;
  return fail_on == "warn" && r.status == checks::Status::kWarn;
}

}  // namespace

GateDecision DecideGate(const checks::Report& report, const std::string& fail_on,
                        bool require_cloud) {
  GateDecision d;
  for (const auto& run : report.checks) {
    const bool online = run.def->kind == checks::Kind::kOnline;
    const bool blocks = online ? require_cloud && BlocksOnline(run.result, fail_on)
                               : BlocksOffline(run.result, fail_on);
    if (!blocks) continue;
    d.refuse = true;
    d.reason = std::string(run.def->id) + ": " + run.result.message;
    // Say what makes it certain: the agent versions and source, or what was observed.
    if (run.result.certain && !run.result.certain_because.empty()) {
      d.reason += " [certain: " + run.result.certain_because + "]";
    }
    return d;
  }
  return d;
}

Status TakeLease(container::System& sys, const std::string& var_lib, const checks::Report& report) {
  if (!report.lease_to_take) return Status::Ok();
  auto s = container::WriteOwnerLease(sys, var_lib, *report.lease_to_take);
  // No var-lib at all has nothing to hold (container.volume said so).
  if (!s.ok() && s.error().code == ENOENT) return Status::Ok();
  return s;
}

}  // namespace preflight::cmd
