#include "cmd/gate.h"

namespace preflight::cmd {

GateDecision DecideGate(const checks::Report& report, const std::string& fail_on,
                        bool require_cloud) {
  GateDecision d;
  if (fail_on == "never") return d;
  for (const auto& run : report.checks) {
    const auto s = run.result.status;
    const bool blocking_level = s == checks::Status::kFail ||
                                (fail_on == "warn" && (s == checks::Status::kWarn || s == checks::Status::kError));
    if (!blocking_level) continue;
    const bool online = run.def->kind == checks::Kind::kOnline;
    if (online && !require_cloud) continue;
    d.refuse = true;
    d.reason = std::string(run.def->id) + ": " + run.result.message;
    return d;
  }
  return d;
}

}  // namespace preflight::cmd
