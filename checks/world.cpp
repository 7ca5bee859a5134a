#include "checks/world.h"

namespace preflight::checks {

const ClaimSettings& World::Claim() {
  if (!claim_) claim_ = LoadClaimSettings(sys, in);
  return *claim_;
}

const ClaimedId& World::Claimed() {
  if (!claimed_) claimed_ = ReadClaimedId(sys, in);
  return *claimed_;
}

const container::MountTable& World::Mounts() {
  if (!mounts_) mounts_ = container::ReadMountTable(sys);
  return *mounts_;
}

const container::ContainerEnv& World::Container() {
  if (!container_) container_ = container::DetectContainer(sys, Mounts());
  return *container_;
}

const AgentUser& World::User() {
  if (!user_) user_ = FindAgentUser(sys, in.config_dir, RunningAgent());
  return *user_;
}

const std::optional<container::RunningProcess>& World::RunningAgent() {
  if (!running_) running_ = FindThisNodesAgent(sys, in);
  return *running_;
}

const container::LoadedRuns& World::Runs() {
  if (!runs_) runs_ = container::LoadRunRecords(sys, in.var_lib, /*set_aside=*/false);
  return *runs_;
}

bool SameClaimSources(const Inputs& a, const Inputs& b) {
  return a.config_dir == b.config_dir && a.var_lib == b.var_lib;
}

}  // namespace preflight::checks
