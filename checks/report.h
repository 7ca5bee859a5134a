#pragma once
/// A finished run: every result in catalog order plus the verdict. Rendering lives in cmd/.

#include <optional>
#include <string>
#include <vector>

#include "checks/check.h"

namespace preflight::checks {

/// The seed's answer to "why is my node not Live?".
struct Verdict {
  Status status = Status::kPass;  ///< pass, warn or fail only
  /// live | unseen | offline | absent | unknown (contract).
  std::string expected_node_state = "unknown";
  std::string section;  ///< seed anchor of the primary finding
  std::string summary;  ///< one sentence
  std::string primary;  ///< id of the check the summary is about; empty when all is well
};

struct CheckRun {
  const CheckDef* def = nullptr;
  Result result;
};

/// Whether the network checks are in a report, and if not why: the verdict's advice on how
/// to check the path to Netdata Cloud depends on it.
enum class NetworkScope {
  kSelected,       ///< selected and run (whatever each one found)
  kOffline,        ///< --offline: reported as skipped
  kBeforeHandOff,  ///< `run` without --online: not run before the hand-off
  kNotSelected,    ///< --only / --skip left out every network check
};

struct Report {
  std::string command = "check";
  std::string started_at;  ///< RFC 3339, UTC
  double duration_ms = 0;
  std::vector<CheckRun> checks;
  Verdict verdict;
  NetworkScope network = NetworkScope::kSelected;
  /// What agent.version learnt of the agent binary (Context::agent), for the run record.
  std::optional<container::KnownAgent> agent;
  /// The container the container.* checks found (Context::Container), when they ran: `run`
  /// records the same container id as the owner lease, without reading it again.
  std::optional<container::ContainerEnv> container;
  /// The owner lease container.identity found free for this hand-off (Context::lease_to_take):
  /// `run` and `check --gate` write it only when they hand off.
  std::optional<container::OwnerLease> lease_to_take;

  /// The result for `id`, or nullptr when it was not run.
  const Result* Find(std::string_view id) const;
};

}  // namespace preflight::checks
