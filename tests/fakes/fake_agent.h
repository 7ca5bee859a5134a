#pragma once
/// A scripted AgentClient for check and command tests: each answer is whatever the test put
/// in (default: the agent is not running and left no status file). Records the calls.

#include <cerrno>
#include <string>
#include <vector>

#include "container/agent/agent_client.h"

namespace preflight::testing {

class FakeAgent : public container::AgentClient {
 public:
  Expected<container::AgentPing> ping = NotRunning();
  Expected<container::AclkState> aclk = NotRunning();
  Expected<container::AgentInfo> info = NotRunning();
  Expected<container::CloudStatus> cloud = NotRunning();
  Expected<container::StatusFile> status_file = Error{ENOENT, "no status-netdata.json (fake)"};
  std::vector<std::string> calls;
  container::AgentTarget last_target;

  static Error NotRunning() {
    return Error{ECONNREFUSED, "connect `/run/netdata/netdata.pipe`: Connection refused (fake)"};
  }

  /// A running agent whose aclk-state is `state` (and whose v2 cloud object is `cs`, if any).
  FakeAgent& Running(container::AclkState state) {
    container::AgentPing p;
    p.ready = true;
    p.via = "socket /run/netdata/netdata.pipe";
    ping = p;
    if (state.source.empty()) state.source = "netdatacli aclk-state (/run/netdata/netdata.pipe)";
    aclk = state;
    cloud = Error{ENOTSUP, "no /api/v2/info (fake)"};
    return *this;
  }

  Expected<container::AgentPing> Ping(const container::AgentTarget& t,
                                      container::Deadline) override {
    calls.push_back("ping");
    last_target = t;
    return ping;
  }
  Expected<container::AclkState> Aclk(const container::AgentTarget& t,
                                      container::Deadline) override {
    calls.push_back("aclk");
    last_target = t;
    return aclk;
  }
  Expected<container::AgentInfo> Info(const container::AgentTarget& t,
                                      container::Deadline) override {
    calls.push_back("info");
    last_target = t;
    return info;
  }
  Expected<container::CloudStatus> Cloud(const container::AgentTarget& t,
                                         container::Deadline) override {
    calls.push_back("cloud");
    last_target = t;
    return cloud;
  }
  Expected<container::StatusFile> ReadStatusFile(const container::AgentTarget& t) override {
    calls.push_back("status_file");
    last_target = t;
    return status_file;
  }
};

}  // namespace preflight::testing
