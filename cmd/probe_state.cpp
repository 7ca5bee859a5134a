#include "cmd/probe_state.h"

#include <cerrno>

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

bool Meets(const ProbeAnswer& a, Requirement need) {
  switch (need) {
    case Requirement::kRunning:
      return a.running && !a.initializing;
    case Requirement::kClaimed:
      return a.running && a.claimed == 1;
    case Requirement::kOnline:
      return a.running && a.online == 1;
  }
  return false;
}

std::string_view LinkState(const ProbeAnswer& a) {
  if (!a.running) return "down";
  if (a.initializing) return "initializing";
  if (a.cloud_unsupported) return "unsupported";
  if (a.banned) return "banned";
  if (a.online == 1) return "online";
  if (a.claimed == 0) return "unclaimed";
  if (a.claimed == 1) return "offline";
  return "unknown";
}

namespace {

// Why the agent could not be asked, by what happened: nothing there, something that stays
// silent, or something that answers what no agent would say.
std::string DownLine(const Error& e) {
  switch (e.code) {
    case ETIMEDOUT:
      return "agent not answering: " + e.message;
    case EPROTO:
    case EMSGSIZE:
      return "agent answer not understood: " + e.message;
    case ECONNRESET:
    case EPIPE:
      return "agent closed the connection without answering: " + e.message;
    default:
      return "agent not running: " + e.message;
  }
}

ProbeAnswer ProbeRunning(container::AgentClient& agent, const container::AgentTarget& target,
                         container::Deadline deadline) {
  ProbeAnswer a;
  auto ping = agent.Ping(target, deadline);
  if (!ping.ok()) {
    a.line = DownLine(ping.error());
    return a;
  }
  a.running = true;
  a.initializing = !ping->ready;
  a.ready = ping->ready;
  a.line = ping->ready ? "running (" + ping->via + ")" : ping->detail + " (" + ping->via + ")";
  return a;
}

}  // namespace

ProbeAnswer ProbeAgent(container::AgentClient& agent, const container::AgentTarget& target,
                       Requirement need, container::Deadline deadline) {
  if (need == Requirement::kRunning) return ProbeRunning(agent, target, deadline);
  ProbeAnswer a;
  auto st = agent.Aclk(target, deadline);
  if (!st.ok()) {
    const Error& e = st.error();
    if (e.code == EAGAIN) {
      a.running = true;
      a.initializing = true;
      a.line = "agent initializing: " + e.message;
    } else if (e.code == EACCES || e.code == ENOTSUP) {
      a.running = true;  // it answered, but will not or cannot say
      a.line = "running, link state unknown: " + e.message;
    } else {
      a.line = DownLine(e);
    }
    return a;
  }
  a.running = true;
  if (st->initializing) {
    a.initializing = true;
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
  a.banned = st->banned == true;
  a.line = std::string("running, ") + (a.claimed == 1 ? "claimed" : "not claimed") + ", " +
           (a.online == 1 ? "online" : "offline");
  if (a.banned) a.line += ", banned by Netdata Cloud";
  a.line += " (" + st->source + ")";
  a.ready = Meets(a, need);
  return a;
}

}  // namespace preflight::cmd
