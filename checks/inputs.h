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
  /// This command hands off to the agent, which starts after these checks: `run`, and
  /// `check --gate` (the initContainer). Then container.identity may take or refresh the owner
  /// lease (<var-lib>/preflight/owner.json), and agent.version does not ask the API when it
  /// finds no binary (no agent of this container runs yet: whatever answers there is another
  /// one, the host's or a previous pod's on a host network). A one-shot `check` by hand, or from
  /// a troubleshooting container sharing the volumes, leaves it false: it only reads the lease
  /// and reports a live foreign holder as a warning, never taking the lease from the agent.
  bool hands_off = false;
};

}  // namespace preflight::checks
