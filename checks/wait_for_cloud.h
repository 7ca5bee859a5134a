#pragma once
/// `--wait-for-cloud DURATION`: retry the network checks until they pass or the time is up.
/// A v2 agent tries to claim once, at start, and never again; starting it before the network
/// (a proxy sidecar, a CNI, a VPN) is ready loses the claim until the next restart.

#include <chrono>
#include <functional>

#include "checks/report.h"
#include "checks/runner.h"

namespace preflight::checks {

struct WaitPolicy {
  std::chrono::milliseconds budget{0};          ///< the whole wait; rounds never start after it
  std::chrono::milliseconds first_delay{1000};  ///< pause after the first failed round
  std::chrono::milliseconds max_delay{15000};   ///< the pause doubles up to this cap
};

struct WaitOutcome {
  Report report;                        ///< the network checks of the last round
  int rounds = 0;                       ///< rounds run (1 when the first passed)
  bool ready = false;                   ///< the last round had no fail or error
  std::chrono::milliseconds waited{0};  ///< wall time from the first round to the end
};

/// The `network.*` checks of `catalog` that `selection` selects (never the offline checks,
/// never cloud.*: the agent is not running yet).
std::vector<const CheckDef*> NetworkChecks(const Selection& selection,
                                           const std::vector<const CheckDef*>& catalog = Catalog());

/// Runs NetworkChecks round after round until a round has no fail or error, or the budget
/// is spent. Each round gets `inputs.deadline`, cut to what is left of the budget; between
/// rounds it sleeps (sys.Sleep) with capped exponential back-off. Time is measured with
/// sys.Now(), so a fake clock drives it in tests. `on_round` hears every round's report
/// (e.g. to log "network not ready: ..."). At least one round always runs.
/// `world`: the facts of this run, read once for every round.
WaitOutcome WaitForCloud(World& world, const Inputs& inputs, const Selection& selection,
                         const WaitPolicy& policy,
                         const std::function<void(const Report&, int round)>& on_round = {},
                         const std::vector<const CheckDef*>& catalog = Catalog());

}  // namespace preflight::checks
