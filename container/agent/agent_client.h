#pragma once
/// Clients of the running agent (netdatacli socket, HTTP API, status file).
/// Placeholder until the agent-link work fills it in.

namespace preflight::container {

class AgentClient {
 public:
  virtual ~AgentClient() = default;
};

}  // namespace preflight::container
