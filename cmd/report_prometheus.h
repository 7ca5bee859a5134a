#pragma once
/// /metrics of `serve`: the Prometheus text exposition format (version 0.0.4). Pure.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cmd/probe_state.h"

namespace preflight::cmd {

/// What the sidecar knows at one moment.
struct MetricsSnapshot {
  /// The last JSON report (schema 1), or null before the first check run finished.
  const nlohmann::ordered_json* report = nullptr;
  /// The last agent probe, when there was one.
  const ProbeAnswer* link = nullptr;
  /// Seconds since this sidecar last saw the link online (0 while online); empty = never.
  std::optional<double> seconds_since_online;
  /// Wall time of the last check run (the child, start to report), seconds.
  std::optional<double> last_check_seconds;
  /// Unix time when the last check run finished.
  std::optional<double> last_check_timestamp;
  int check_runs_failed = 0;  ///< check runs that gave no report (crash, timeout)
  std::string version;
};

/// Families (gauges but for the one counter, prefix netdata_preflight_):
///   check_status{id,status}       1 for the check's current status, 0 for the other four
///   check_duration_seconds{id}
///   verdict{status}, expected_node_state{state}   state sets like check_status
///   agent_up, link_claimed, link_online            0/1 (absent while unknown)
///   link_state{state}             1 for the current one of LinkState()'s words
///   link_seconds_since_online     (absent until seen online)
///   last_check_duration_seconds, last_check_timestamp_seconds
///   check_runs_failed_total       a counter: check runs that gave no report
///   build_info{version}           1
std::string RenderPrometheus(const MetricsSnapshot& snapshot);

}  // namespace preflight::cmd
