#include "cmd/probe_state.h"

namespace preflight::cmd {

Expected<Requirement> ParseRequirement(std::string_view text) {
  if (text == "running") return Requirement::kRunning;
  if (text == "claimed") return Requirement::kClaimed;
  if (text == "online") return Requirement::kOnline;
  return Error{EINVAL, "--require: `" + std::string(text) +
                           "` is not a state; use running, claimed or online"};
}

std::string_view RequirementName(Requirement r) {
  switch (r) {
    case Requirement::kRunning:
      return "running";
    case Requirement::kClaimed:
      return "claimed";
    case Requirement::kOnline:
      return "online";
  }
  return "running";
}

ProbeAnswer ProbeAgent(container::AgentClient& agent, const container::AgentTarget& target,
                       Requirement need, container::Deadline deadline) {
  ProbeAnswer a;
  if (need == Requirement::kRunning) {
    auto ping = agent.Ping(target, deadline);
    if (!ping.ok()) {
      a.line = "agent not running: " + ping.error().message;
      return a;
    }
    a.running = ping->ready;
    a.ready = ping->ready;
    a.line = ping->ready ? "running (" + ping->via + ")" : ping->detail + " (" + ping->via + ")";
    return a;
  }
  auto st = agent.Aclk(target, deadline);
  if (!st.ok()) {
    a.line = (st.error().code == EAGAIN ? "agent initializing: " : "agent not running: ") +
             st.error().message;
    return a;
  }
  a.running = true;
  if (st->initializing) {
    a.line = "running, initializing (" + st->source + ")";
    return a;
  }
  if (st->available == false) {
    a.cloud_unsupported = true;
    a.claimed = 0;
    a.online = 0;
    a.line = "running, not claimed: built without Netdata Cloud (ACLK Available: No) (" +
             st->source + ")";
    return a;
  }
  if (st->claimed) a.claimed = *st->claimed ? 1 : 0;
  if (st->online) a.online = *st->online ? 1 : 0;
  a.line = std::string("running, ") + (a.claimed == 1 ? "claimed" : "not claimed") + ", " +
           (a.online == 1 ? "online" : "offline");
  if (st->banned == true) a.line += ", banned by Netdata Cloud";
  a.line += " (" + st->source + ")";
  a.ready = need == Requirement::kClaimed ? a.claimed == 1 : a.online == 1;
  return a;
}

}  // namespace preflight::cmd
