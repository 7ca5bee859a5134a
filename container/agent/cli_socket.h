#pragma once
/// The netdatacli transport: a unix stream socket; the client writes the command, half-closes,
/// and reads `X<status>\0` then an optional `O`/`E` message to EOF.

#include <string>
#include <string_view>
#include <vector>

#include "container/agent/agent_client.h"
#include "container/system.h"

namespace preflight::container {

/// Where each agent generation puts its socket, in the order the agent itself picks:
/// $NETDATA_PIPENAME, $NETDATA_RUN_DIR/netdata.pipe, /run/netdata/netdata.pipe,
/// /var/run/netdata/netdata.pipe, /tmp/netdata/netdata.pipe (v2.3+), /tmp/netdata-ipc (<= v2.2).
/// Pure.
std::vector<std::string> CliSocketCandidates(const EnvMap& env);

/// The first candidate that is a socket; `explicit_path` (from --cli-socket) wins when set.
/// ENOENT names every place looked at.
Expected<std::string> FindCliSocket(const EnvMap& env, const std::string& explicit_path);

/// Sends `command` to the socket at `path` and returns the parsed reply.
Expected<CliReply> CliCall(const std::string& path, std::string_view command, Deadline deadline);

}  // namespace preflight::container
