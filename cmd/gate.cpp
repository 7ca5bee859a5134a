#include "cmd/gate.h"

namespace preflight::cmd {
namespace {

bool Blocks(checks::Status s, const std::string& fail_on, bool online) {
  if (s == checks::Status::kFail) return true;
  // --require-cloud means "the cloud must be verified reachable": a network check that could
  // not evaluate (an error, e.g. the deadline) is not that.
  if (online && s == checks::Status::kError) return true;
  return fail_on == "warn" && (s == checks::Status::kWarn || s == checks::Status::kError);
}

}  // namespace

GateDecision DecideGate(const checks::Report& report, const std::string& fail_on,
                        bool require_cloud) {
  GateDecision d;
  for (const auto& run : report.checks) {
    const bool online = run.def->kind == checks::Kind::kOnline;
    if (online && !require_cloud) continue;
    // --fail-on never lowers the bar for the offline checks only; --require-cloud is explicit.
    if (!online && fail_on == "never") continue;
    if (!Blocks(run.result.status, fail_on, online)) continue;
    d.refuse = true;
    d.reason = std::string(run.def->id) + ": " + run.result.message;
    return d;
  }
  return d;
}

}  // namespace preflight::cmd
