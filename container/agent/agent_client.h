#pragma once
/// Clients of the running agent: the netdatacli socket, the HTTP API and the status file
/// (status-netdata.json, readable while the agent is down). Every call is bounded by a
/// deadline; none retries. Parsing is separate and pure (agent_parse.h).
///
/// Errors carry an errno-style code the callers branch on:
///   ENOENT        nothing to talk to (no socket found, no status file)
///   ECONNREFUSED  nothing listens (the agent is not running)
///   ETIMEDOUT     no answer before the deadline
///   EAGAIN        the agent answers but is still initializing (HTTP 503, "Agent is initializing")
///   EACCES        refused: socket permission or HTTP 401 (bearer protection)
///   ENOTSUP       this agent does not have the command or endpoint (HTTP 404, unknown command)
///   EPROTO        the answer could not be understood

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "container/base/expected.h"

namespace preflight::container {

using Deadline = std::chrono::steady_clock::time_point;

/// --cli-socket none: never look for a socket, ask the HTTP API.
inline constexpr const char* kApiOnly = "none";

/// Where the agent is. Empty fields mean "discover" (see each call).
struct AgentTarget {
  std::string api =
      "http://127.0.0.1:19999";  ///< http://HOST:PORT; NETDATA_LISTENER_PORT applies to the default
  bool api_explicit = false;     ///< --api given: NETDATA_LISTENER_PORT does not override it
  /// empty = discover (NETDATA_PIPENAME, run dirs, /tmp/netdata-ipc) then the API; a path =
  /// that socket only; "none" (kApiOnly) = the HTTP API only.
  std::string cli_socket;
  std::string var_lib = "/var/lib/netdata";
  std::string cache_dir = "/var/cache/netdata";
};

/// A netdatacli reply: `X<status>\0` then an optional `O`/`E` message.
struct CliReply {
  int status = 0;   ///< 0 success, 1 failure, 2 busy
  std::string out;  ///< the `O` message
  std::string err;  ///< the `E` message
};

/// The ACLK state, from `aclk-state [json]` or /api/v1/aclk. Unknown fields stay empty.
struct AclkState {
  bool initializing = false;      ///< "Agent is initializing" (v2.8+ before full init)
  std::optional<bool> available;  ///< built with Cloud support ("ACLK Available")
  std::optional<bool> claimed;
  std::optional<bool> online;
  std::optional<bool> banned;  ///< "Banned By Cloud" (v1.34+)
  std::string claim_id;
  std::string cloud_url;
  std::string proxy;  ///< v2.7+
  std::optional<int64_t> reconnect_count;
  std::string last_connect;  ///< "YYYY-MM-DD HH:MM:SS" as given, empty when never
  std::string last_disconnect;
  std::string next_attempt;
  std::string node_id;  ///< of the `self` node instance, when known
  std::string source;   ///< "netdatacli aclk-state json", "GET /api/v1/aclk", ...
};

/// /api/v1/info: the identity and the four cloud flags.
struct AgentInfo {
  std::string version;       ///< "v1.37.1"
  std::string machine_guid;  ///< `uid`
  std::optional<bool> cloud_enabled;
  std::optional<bool> cloud_available;  ///< built with ACLK (v1.37–v1.47; always true on v2)
  std::optional<bool> claimed;          ///< `agent-claimed`
  std::optional<bool> aclk_connected;   ///< `aclk-available`: connected now (not "compiled in")
};

/// `agents[0].cloud` of /api/v3/info or /api/v2/info (v1.41+), with `agents[0].nodes`.
struct CloudStatus {
  /// online, offline, available, banned, indirect (v2); also unavailable, disabled (v1.41–v1.47).
  std::string status;
  std::string reason;
  std::string claim_id;
  std::string url;
  std::optional<int64_t> since;    ///< unix seconds
  std::optional<int64_t> next_in;  ///< seconds to the next connection attempt
  std::string version;             ///< agent version when the answer names it
  std::string source;              ///< "GET /api/v3/info" or "GET /api/v2/info"
  /// `agents[0].nodes` (v2.0+): `sending` counts this agent's nodes whose stream to a parent is
  /// connected now (itself and the children it passes on), `receiving` the children online here.
  std::optional<int64_t> nodes_sending;
  std::optional<int64_t> nodes_receiving;
};

/// status-netdata.json (v2.4+): the last thing the agent wrote about itself.
struct StatusFile {
  std::string path;       ///< where it was found
  std::string timestamp;  ///< `@timestamp`, RFC 3339
  std::string version;    ///< agent version
  std::string status;     ///< none, initializing, running, exiting, exited
  std::string aclk;       ///< online, offline, available, banned, indirect
  std::vector<std::string> exit_reason;
  std::string claim_id;  ///< empty when all-zero
  std::string node_id;
  std::optional<int64_t> restarts;
  std::optional<int64_t> crashes;
  std::optional<int64_t> pid;
};

/// The answer to "is it up?".
struct AgentPing {
  bool ready = false;  ///< answering (pong / 200)
  std::string via;     ///< "socket /run/netdata/netdata.pipe" or "http://127.0.0.1:19999"
  std::string detail;  ///< why not ready, when not
};

class AgentClient {
 public:
  virtual ~AgentClient() = default;

  /// `ping` on the socket; without a socket, GET /api/v1/info (503 = initializing).
  virtual Expected<AgentPing> Ping(const AgentTarget& target, Deadline deadline) = 0;
  /// `aclk-state json` (then the text form) on the socket; without a socket, GET /api/v1/aclk.
  virtual Expected<AclkState> Aclk(const AgentTarget& target, Deadline deadline) = 0;
  /// GET /api/v1/info.
  virtual Expected<AgentInfo> Info(const AgentTarget& target, Deadline deadline) = 0;
  /// GET /api/v3/info, then /api/v2/info; ENOTSUP before v1.41.
  virtual Expected<CloudStatus> Cloud(const AgentTarget& target, Deadline deadline) = 0;
  /// The newest status-netdata.json of var_lib, cache_dir, /tmp, /run, /var/run.
  virtual Expected<StatusFile> ReadStatusFile(const AgentTarget& target) = 0;
};

/// The deadline `timeout` from now.
inline Deadline DeadlineIn(std::chrono::milliseconds timeout) {
  return std::chrono::steady_clock::now() + timeout;
}

}  // namespace preflight::container
