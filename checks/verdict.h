#pragma once
/// The troubleshooting guide's decision tree, applied to a run's results.
///
/// The primary finding is the first `fail` in catalog order (else the first `warn`). The
/// expected node state follows the guide:
///   claim cannot succeed                 -> absent  (the node will not appear)
///   claimed, the link cannot come up     -> unseen
///   was connected before, cannot now     -> offline
///   all good and the path was verified   -> live
///   nothing decisive was checked         -> unknown
/// A result may force a state (Result::node_state), e.g. a banned node is offline.

#include "checks/report.h"

namespace preflight::checks {

/// Facts that several checks publish in their details, read here:
///   claim.state   details.claimed (bool)
///   claim.token   details.wanted (bool)      claiming is configured
///   cloud.link    details.claimed, details.online, details.ever_online (bool)
///   container.lifetime details.ever_online (bool)
Verdict Decide(const Report& report);

}  // namespace preflight::checks
