#pragma once
/// Where the running agent is, from the `inputs` options.

#include "checks/inputs.h"
#include "container/agent/agent_client.h"

namespace preflight::checks {

inline constexpr const char* kDefaultApi = "http://127.0.0.1:19999";

/// --api counts as given when it differs from the default: only then does it win over
/// NETDATA_LISTENER_PORT.
inline container::AgentTarget AgentTargetFrom(const Inputs& in) {
  container::AgentTarget t;
  t.api = in.api.empty() ? kDefaultApi : in.api;
  t.api_explicit = !in.api.empty() && in.api != kDefaultApi;
  t.cli_socket = in.cli_socket;
  t.var_lib = in.var_lib;
  t.cache_dir = in.cache_dir;
  return t;
}

}  // namespace preflight::checks
