#include "checks/wait_for_cloud.h"

#include <algorithm>

namespace preflight::checks {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

bool RoundPassed(const Report& report) {
  for (const auto& run : report.checks) {
    if (run.result.status == Status::kFail || run.result.status == Status::kError) return false;
  }
  return true;
}

}  // namespace

std::vector<const CheckDef*> NetworkChecks(const Selection& selection,
                                           const std::vector<const CheckDef*>& catalog) {
  std::vector<const CheckDef*> out;
  for (const CheckDef* def : catalog) {
    if (def->kind != Kind::kOnline || !IsNetworkCheck(def->id)) continue;
    if (IsSelected(*def, selection)) out.push_back(def);
  }
  return out;
}

WaitOutcome WaitForCloud(World& world, const Inputs& inputs, const Selection& selection,
                         const WaitPolicy& policy,
                         const std::function<void(const Report&, int round)>& on_round,
                         const std::vector<const CheckDef*>& catalog) {
  container::System& sys = world.sys;
  const auto checks = NetworkChecks(selection, catalog);
  Selection round_selection;  // the catalog above is already the selection
  const auto start = sys.Now();
  const auto end = start + policy.budget;
  milliseconds delay = policy.first_delay;
  WaitOutcome outcome;
  while (true) {
    Inputs round_inputs = inputs;
    const auto left = duration_cast<milliseconds>(end - sys.Now());
    // The last round may be shorter than --deadline, never shorter than a usable minimum.
    round_inputs.deadline = std::max(milliseconds(200), std::min(inputs.deadline, left));
    outcome.report = RunChecks(world, round_inputs, round_selection, checks);
    ++outcome.rounds;
    outcome.ready = RoundPassed(outcome.report);
    if (on_round) on_round(outcome.report, outcome.rounds);
    const auto remaining = duration_cast<milliseconds>(end - sys.Now());
    if (outcome.ready || remaining <= milliseconds(0)) break;
    // A round may start at the very end of the budget: the last chance is not slept away.
    sys.Sleep(std::min(delay, remaining));
    delay = std::min(policy.max_delay, delay * 2);
  }
  outcome.waited = duration_cast<milliseconds>(sys.Now() - start);
  return outcome;
}

}  // namespace preflight::checks
