#pragma once
/// The production AgentClient: netdatacli socket first, HTTP API second, files for the
/// status file. One request per question; every call bounded by its deadline.

#include "container/agent/agent_client.h"
#include "container/agent/http_get.h"
#include "container/system.h"

namespace preflight::container {

class RealAgentClient final : public AgentClient {
 public:
  /// `env` must outlive the client (it is the System's snapshot).
  explicit RealAgentClient(const EnvMap& env) : env_(env) {}

  Expected<AgentPing> Ping(const AgentTarget& target, Deadline deadline) override;
  Expected<AclkState> Aclk(const AgentTarget& target, Deadline deadline) override;
  Expected<AgentInfo> Info(const AgentTarget& target, Deadline deadline) override;
  Expected<CloudStatus> Cloud(const AgentTarget& target, Deadline deadline) override;
  Expected<StatusFile> ReadStatusFile(const AgentTarget& target) override;

 private:
  const EnvMap& env_;
};

/// The API URL to use: `target.api`, with the port of NETDATA_LISTENER_PORT when the API
/// was not given explicitly (the netdata image's own variable). Pure.
Expected<HttpUrl> EffectiveApi(const AgentTarget& target, const EnvMap& env);

}  // namespace preflight::container
