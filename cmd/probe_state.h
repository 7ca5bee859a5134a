#pragma once
/// The readiness question shared by `probe` and `serve`'s /readyz: does the agent meet the
/// required state (running < claimed < online)?

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
  bool ready = false;
  bool running = false;
  int claimed = -1;  ///< -1 unknown, 0 no, 1 yes
  int online = -1;
  bool cloud_unsupported = false;  ///< built without Netdata Cloud
  std::string
      line;  ///< one human line: "running, claimed, online (socket /run/netdata/netdata.pipe)"
};

/// One request: `ping` for running, `aclk-state` for claimed and online. Bounded by `deadline`.
ProbeAnswer ProbeAgent(container::AgentClient& agent, const container::AgentTarget& target,
                       Requirement need, container::Deadline deadline);

}  // namespace preflight::cmd
