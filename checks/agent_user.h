#pragma once
/// The user the agent will run as, and whether that user may use a file: the claim checks ask
/// it about cloud.d and claim.conf, which root can always read but the agent may not.

#include <optional>
#include <string>
#include <string_view>

#include "checks/inputs.h"
#include "container/file_info.h"
#include "container/host/process_table.h"
#include "container/system.h"

namespace preflight::checks {

/// Who the agent runs as, from the most certain source: a netdata process running here (`check`
/// by hand); else a non-root entrypoint, which cannot switch users (this process's own user);
/// else root starts it with `-u $DOCKER_USR` (the official image's run.sh; default netdata), or,
/// without run.sh, with netdata.conf's `[global] run as user` (default netdata). The uid and gid
/// come from /etc/passwd (201:201 in the official image, 999 in Debian's package).
struct AgentUser {
  std::string name;  ///< printable
  uid_t uid = 201;
  gid_t gid = 201;
  /// The agent runs as this (non-root) process's own user: access(2) answers for it.
  bool self = false;
  /// Where the user comes from: "the running agent (pid N)", "this process", "DOCKER_USR",
  /// "netdata.conf run as user", "the default"; then where its ids come from.
  std::string source = "the image's default";
  /// Root starts the agent, which switches to this user itself: root-time behaviours of the
  /// agent (agent model: chowns-state-at-start) apply. False for a running agent (already
  /// switched) and for a non-root entrypoint.
  bool started_as_root = true;

  /// "netdata (uid 201, gid 201)".
  std::string Label() const;
  /// For chown: uid:gid, or just the uid when the group is not known.
  std::string Owner() const;
};

/// `running`: this node's agent, when one runs here (FindThisNodesAgent).
AgentUser FindAgentUser(container::System& sys, const std::string& config_dir,
                        const std::optional<container::RunningProcess>& running);

/// The netdata process of this node running here: one that holds files under --var-lib or
/// --cache-dir open (another agent on the same PID namespace does not). None before a hand-off
/// (Inputs::hands_off): no agent of this container runs yet, whatever runs is another one.
std::optional<container::RunningProcess> FindThisNodesAgent(container::System& sys,
                                                            const Inputs& in);

/// Whether `user` may access `path` (facts `info`) for `want` (R_OK | W_OK | X_OK), by its
/// mode bits (or access(2) when the agent is this process's user).
bool Allows(container::System& sys, const AgentUser& user, const std::string& path,
            const container::FileInfo& info, int want);

/// "root (0:0, mode 0700)" or "uid:gid 1000:1000 (mode 0755)".
std::string Ownership(const container::FileInfo& info);

/// At most `max` printable characters of a value that is not a secret (others become '?').
std::string Printable(std::string_view value, size_t max = 40);

}  // namespace preflight::checks
