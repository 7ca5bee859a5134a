#pragma once
/// The readiness question shared by `probe` and `serve`'s /readyz and /metrics: does the
/// agent meet the required state (running < claimed < online)?

#include <string>
#include <string_view>

#include "container/agent/agent_client.h"

namespace preflight::cmd {

enum class Requirement { kRunning, kClaimed, kOnline };

/// "running", "claimed", "online"; the error names the option and the accepted values.
Expected<Requirement> ParseRequirement(std::string_view text);
std::string_view RequirementName(Requirement r);

/// What the agent said, reduced to what probes and metrics need.
struct ProbeAnswer {
  bool ready = false;         ///< the requirement asked for holds
  bool running = false;       ///< the agent answered
  bool initializing = false;  ///< it answered "initializing" (HTTP 503, ping status 1, v2.8+ text)
  int claimed = -1;           ///< -1 unknown, 0 no, 1 yes
  int online = -1;
  bool banned = false;
  bool cloud_unsupported = false;  ///< built without Netdata Cloud
  /// One human line: "running, claimed, online (netdatacli aclk-state
  /// (/run/netdata/netdata.pipe))".
  std::string line;
};

/// One request: `ping` for running, `aclk-state` for claimed and online. Bounded by `deadline`.
ProbeAnswer ProbeAgent(container::AgentClient& agent, const container::AgentTarget& target,
                       Requirement need, container::Deadline deadline);

/// Whether `answer` meets `need` (running means running and done initializing).
bool Meets(const ProbeAnswer& answer, Requirement need);

/// The link in one word for metrics: down, initializing, unsupported, unclaimed, banned,
/// offline, online, unknown.
std::string_view LinkState(const ProbeAnswer& answer);

}  // namespace preflight::cmd
