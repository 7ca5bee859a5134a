#pragma once
/// Where the checks look: the `inputs` options of the contract, as plain values.

#include <chrono>
#include <string>
#include <vector>

namespace preflight::checks {

struct Inputs {
  std::string var_lib = "/var/lib/netdata";
  std::string config_dir = "/etc/netdata";
  std::string cache_dir = "/var/cache/netdata";
  std::string agent;  ///< netdata binary; empty = search PATH and the usual locations
  std::string api = "http://127.0.0.1:19999";
  std::string cli_socket;            ///< empty = discover
  std::string cloud_url;             ///< empty = from the claim settings
  std::vector<std::string> resolve;  ///< HOST:PORT:ADDR pins, like curl --resolve
  std::string ca_file;
  std::chrono::milliseconds deadline{10000};
  /// Whether container.identity may take or refresh the owner lease
  /// (<var-lib>/preflight/owner.json). Only the commands that hand off to the agent set it:
  /// `run`, and `check --gate` (the initContainer). A one-shot `check` by hand, or from a
  /// troubleshooting container sharing the volumes, leaves it false: it only reads the lease and
  /// reports a live foreign holder as a warning, never taking the lease from the agent.
  bool take_lease = false;
  /// The agent starts after these checks (`run`, `check --gate`): no agent of this container is
  /// running yet, so agent.version does not ask the API when it finds no binary. Whatever
  /// answers there is another agent (the host's, or a previous pod's on a host network).
  bool agent_starts_after = false;
};

}  // namespace preflight::checks
