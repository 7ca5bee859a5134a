#pragma once
/// What a run reads of the world that several checks, or the command itself, need: the claim
/// settings, the claimed id, the mount table, the container, the agent's user, the running
/// agent and the run records. Read once per run, on first use, and shared by every round of
/// checks (`run --online`, `--wait-for-cloud`) and by the command (redaction, the run record).
/// Nothing a check does changes them within a run; a new process (serve's check children, the
/// supervisor's diagnosis) reads them anew.

#include <optional>

#include "checks/agent_user.h"
#include "checks/claim_settings.h"
#include "checks/inputs.h"
#include "container/host/container_env.h"
#include "container/state/run_records.h"
#include "container/system.h"

namespace preflight::checks {

class World {
 public:
  /// `preread`: claim settings already read for the same places (SameClaimSources), e.g. by
  /// main before the command line was parsed; they are used instead of reading them again.
  World(container::System& sys, const Inputs& inputs,
        std::optional<ClaimSettings> preread = std::nullopt)
      : sys(sys), in(inputs), claim_(std::move(preread)) {}
  /// `in` is kept by reference: a temporary would dangle.
  World(container::System& sys, Inputs&& inputs, std::optional<ClaimSettings> = {}) = delete;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  container::System& sys;
  const Inputs& in;

  const ClaimSettings& Claim();
  const ClaimedId& Claimed();
  const container::MountTable& Mounts();
  const container::ContainerEnv& Container();
  /// Container() if someone asked for it, else nullopt (nothing is read).
  const std::optional<container::ContainerEnv>& ContainerIfRead() const { return container_; }
  /// Who the agent will run as (FindAgentUser: the running agent, DOCKER_USR, netdata.conf).
  const AgentUser& User();
  /// This node's agent running here (FindThisNodesAgent).
  const std::optional<container::RunningProcess>& RunningAgent();
  /// The run records already in <var-lib> (read-only: a corrupt file stays where it is).
  const container::LoadedRuns& Runs();

 private:
  std::optional<ClaimSettings> claim_;
  std::optional<ClaimedId> claimed_;
  std::optional<container::MountTable> mounts_;
  std::optional<container::ContainerEnv> container_;
  std::optional<AgentUser> user_;
  std::optional<std::optional<container::RunningProcess>> running_;
  std::optional<container::LoadedRuns> runs_;
};

/// Whether the claim settings read for `a` are those of `b`: LoadClaimSettings reads
/// `<config_dir>/claim.conf`, the environment and `<var_lib>/cloud.d`, nothing else.
bool SameClaimSources(const Inputs& a, const Inputs& b);

}  // namespace preflight::checks
