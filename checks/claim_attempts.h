#pragma once
/// The claim attempts the agent will make at start, in its own order (agent model:
/// `daemon-claims`, `claim-sources-fall-back`, `claim-conf-needs-token-and-url`,
/// `claim-after-privilege-drop`, `v1-claims-from-env-only`). A v2 agent moves on to the next
/// source when a claim fails, so one broken source next to a good one is a warning, and the
/// claim fails for certain only when no source it tries can work.

#include <string>
#include <vector>

#include "checks/agent_user.h"
#include "checks/claim_settings.h"

namespace preflight::checks {

struct ClaimAttempt {
  std::string source;  ///< "claim.conf", "environment", "cloud.d"
  ClaimValue token, url, rooms, proxy;
  /// Why the agent does not try this source ("" = it does), e.g. "it has no `token`".
  std::string not_tried;
  bool Tried() const { return not_tried.empty(); }
};

/// Every source the agent looks at, tried or not, in its order. `v1`: the v1 entrypoint
/// (environment only). `conf_unreadable`: why the agent's user cannot read claim.conf after
/// dropping root ("" when it can), see ClaimConfUnreadable.
std::vector<ClaimAttempt> ClaimAttempts(const ClaimSettings& s, bool v1,
                                        const std::string& conf_unreadable);

/// Why `user` (the agent after dropping root) cannot read claim.conf, or "" when it can (or
/// when it is this process's own user, whose read ClaimSettings already made).
std::string ClaimConfUnreadable(container::System& sys, const AgentUser& user,
                                const ClaimSettings& s, const std::string& config_dir);

/// The generations an agent of unknown version could be: {v1, v2}; a known one: itself.
/// Each entry is "is v1".
std::vector<bool> PossibleGenerations(const std::string& generation);

}  // namespace preflight::checks
