// container.identity: one node identity (machine GUID, claimed id, keys in /var/lib/netdata) must
// belong to one running agent. Three ways it does not: the identity is baked into the image (every
// container from it is the same node), two live containers share the volume, or the disk of a
// claimed VM was cloned. The owner lease (container/state/owner_lease.h) tells the last two apart.
#include <algorithm>
#include <cerrno>
#include <iterator>
#include <optional>

#include "checks/agent_model.h"
#include "checks/catalog.h"
#include "checks/claim_settings.h"
#include "checks/findings.h"
#include "checks/sections.h"
#include "container/host/container_env.h"
#include "container/host/process_start.h"
#include "container/host/process_table.h"
#include "container/host/volume_kind.h"
#include "container/state/owner_lease.h"

namespace preflight::checks {
namespace {

using container::LeaseRelation;
using container::OwnerLease;

/// GUIDs that shipped inside distribution packages (src/daemon/machine-guid.c): the agent
/// treats them as no GUID at all.
constexpr const char* kBlacklistedGuids[] = {"8a795b0c-2311-11e6-8563-000c295076a6",
                                             "4aed1458-1c3e-11e6-a53f-000c290fc8f5"};

/// Files that make up the node identity, relative to --var-lib.
constexpr const char* kIdentityFiles[] = {"registry/netdata.public.unique.id", "cloud.d/claimed_id",
                                          "cloud.d/private.pem", "cloud.d/cloud.conf"};

std::string ResetFix(const std::string& var_lib) {
  return "Stop the agent, delete " + var_lib + "/registry/netdata.public.unique.id, " + var_lib +
         "/cloud.d/, " + var_lib + "/status-netdata.json and " +
         container::OwnerLeasePath(var_lib) +
         ", then start it again: it creates a new identity and claims anew (claim.conf or "
         "NETDATA_CLAIM_* kept).";
}

std::string Holder(const OwnerLease& l) {
  std::string s = l.container_id.empty()
                      ? "host " + l.host
                      : "container " + l.container_id.substr(0, 12) + " (host " + l.host + ")";
  return s;
}

/// Identity files of `var_lib` that exist, with their mtimes.
std::vector<std::pair<std::string, int64_t>> IdentityFiles(const Context& ctx) {
  std::vector<std::pair<std::string, int64_t>> found;
  for (const char* rel : kIdentityFiles) {
    auto st = ctx.sys.Stat(ctx.in.var_lib + "/" + rel, false);
    if (st.ok()) found.emplace_back(rel, st->mtime);
  }
  return found;
}

/// When this container started: the mtime of the /etc/hostname the runtime bind-mounts (Docker
/// rewrites it at every start, Kubernetes at pod creation). 0 when the runtime mounted none.
int64_t ContainerStarted(const Context& ctx, const container::MountTable& table) {
  const container::MountEntry* m = container::FindMountFor(table, "/etc/hostname");
  if (m == nullptr || m->mount_point != "/etc/hostname") return 0;
  auto st = ctx.sys.Stat("/etc/hostname", true);
  return st.ok() ? st->mtime : 0;
}

/// Identity in the image layer: identity files older than this container came with the image.
/// "Older than this container" is certain when our own lease says when this container first ran,
/// or when this is the entrypoint (hands_off) of a container that has no lease yet: its first
/// start. A check by hand in a container without our lease only knows the last start: a warning.
void CheckBaked(Context& ctx, const container::MountTable& table,
                const container::ContainerEnv& env, const OwnerLease* own, Findings& f,
                Details& details) {
  if (!env.in_container) return;
  std::string path = ctx.sys.RealPath(ctx.in.var_lib).value_or(ctx.in.var_lib);
  const container::MountEntry* m = container::FindMountFor(table, path);
  if (m == nullptr) return;
  const auto kind = container::ClassifyMount(*m, true);
  details["var_lib_kind"] = std::string(container::VolumeKindName(kind));
  if (kind != container::VolumeKind::kImageLayer && kind != container::VolumeKind::kContainerRoot) {
    return;
  }
  const auto files = IdentityFiles(ctx);
  if (files.empty()) return;
  const int64_t since = own != nullptr ? own->acquired : ContainerStarted(ctx, table);
  const bool certain = since != 0 && (own != nullptr || ctx.in.hands_off);
  details["container_since"] = since;
  details["container_since_source"] = own != nullptr ? "owner lease" : "/etc/hostname";
  std::string older;
  for (const auto& [rel, mtime] : files) {
    if (since == 0 || mtime < since) older += (older.empty() ? "" : ", ") + rel;
  }
  if (older.empty()) {
    details["identity_origin"] = "written by this container into its own layer";
    return;
  }
  // Files the agent running here wrote at its own start (a new GUID, the claim) are this
  // container's, whatever the container's start time says (a `docker restart` rewrites
  // /etc/hostname): they are not baked into the image.
  {
    if (const auto& agent = ctx.RunningAgent()) {
      if (auto started = container::ProcessStartUnix(ctx.sys, agent->pid)) {
        std::string before_agent;
        for (const auto& [rel, mtime] : files) {
          if ((since == 0 || mtime < since) && mtime < *started) {
            before_agent += (before_agent.empty() ? "" : ", ") + rel;
          }
        }
        details["agent_started"] = *started;
        if (before_agent.empty()) {
          details["identity_origin"] =
              "written by the running agent (pid " + std::to_string(agent->pid) + ") at its start";
          return;
        }
        older = before_agent;
      }
    }
  }
  details["identity_origin"] = certain ? "image" : "unknown";
  const std::string what =
      ctx.in.var_lib + " is not a volume and already holds " + older +
      (since == 0 ? "" : ", older than this container") +
      ": the identity is baked into the image, so every container from this image is the same "
      "node";
  const std::string fix = "Rebuild the image without " + ctx.in.var_lib +
                          "/registry and cloud.d (delete them in the Dockerfile), and mount a "
                          "volume at " +
                          ctx.in.var_lib + " (`-v netdatalib:/var/lib/netdata`).";
  if (certain) {
    f.Fail(what, fix);
  } else {
    f.Warn(what + " (unless an earlier start of this same container wrote them)", fix);
  }
}

/// The holder of a fresh lease is alive for certain only while its supervisor holds the owner
/// lock (on this kernel: same boot id). A free lock proves it gone (`docker rm -f`, SIGKILL):
/// its heartbeat can never renew. Without the lock it may be either.
enum class Liveness { kAlive, kGone, kUnknown };

Liveness HolderLiveness(Context& ctx, const OwnerLease& h, const OwnerLease& self, Details& lease) {
  if (!h.locked || h.boot_id.empty() || h.boot_id != self.boot_id) return Liveness::kUnknown;
  const container::LockState lock = ctx.sys.OwnerLock(ctx.in.var_lib);
  lease["lock"] = container::LockStateName(lock);
  if (lock == container::LockState::kHeld) return Liveness::kAlive;
  if (lock == container::LockState::kFree) return Liveness::kGone;
  return Liveness::kUnknown;
}

void CheckLease(Context& ctx, const container::ContainerEnv& env, const std::string& guid,
                OwnerLease self, const Expected<std::optional<OwnerLease>>& held, Findings& f,
                Details& details) {
  const int64_t now = self.heartbeat;
  Details lease;
  lease["path"] = container::OwnerLeasePath(ctx.in.var_lib);
  lease["take"] = ctx.in.hands_off;
  bool may_take = ctx.in.hands_off;
  if (!held.ok() && held.error().code == ELOOP) {
    lease["state"] = "symlink";
    f.Warn(lease["path"].get<std::string>() +
               " is a symlink: refusing to read or write the owner "
               "lease through it",
           "Delete the symlink " + lease["path"].get<std::string>() +
               " (the tool writes a regular file there).");
    details["lease"] = lease;
    return;
  }
  if (!held.ok() && held.error().code == EISDIR) {  // never replaced by a write: say so
    lease["state"] = "directory";
    f.Warn(held.error().message, "Remove the directory " + lease["path"].get<std::string>() +
                                     " (the tool writes a regular file there).");
    details["lease"] = lease;
    return;
  }
  if (!held.ok()) {
    lease["state"] = "unreadable";
    lease["error"] = held.error().message;  // a torn or foreign file: replaced when we take it
  } else if (!held->has_value()) {
    lease["state"] = "none";
  } else {
    const OwnerLease& h = **held;
    LeaseRelation rel = container::RelateLease(h, self, env.in_container, now);
    const std::string age = std::to_string(now - h.heartbeat) + " s ago";
    lease["holder"] = Holder(h);
    lease["heartbeat_age_s"] = now - h.heartbeat;
    lease["supervised"] = h.supervised;
    lease["locked"] = h.locked;
    const bool fresh = rel == LeaseRelation::kFresh || rel == LeaseRelation::kFreshUnsupervised;
    const Liveness alive = fresh ? HolderLiveness(ctx, h, self, lease) : Liveness::kUnknown;
    if (alive == Liveness::kGone) {
      // Killed before it could release (docker rm -f): free to take, nothing to report.
      rel = LeaseRelation::kStale;
      lease["gone"] = "the holder's supervisor no longer holds the owner lock";
    }
    lease["state"] = std::string(container::LeaseRelationName(rel));
    if (rel == LeaseRelation::kOurs) {
      self.acquired = h.acquired;
    } else if (rel == LeaseRelation::kOtherMachine) {
      may_take = false;
      lease["machine_id_then"] = h.machine_id;
      f.Fail("the identity in " + ctx.in.var_lib + " (GUID " + guid.substr(0, 8) +
                 "...) was recorded under /etc/machine-id " + h.machine_id.substr(0, 8) +
                 "... and this machine is " + self.machine_id.substr(0, 8) +
                 "...: the claiming info is cloned (a VM image of a claimed node)",
             ResetFix(ctx.in.var_lib));
    } else if (rel == LeaseRelation::kFresh) {
      may_take = false;
      const std::string two = "two containers use one identity; Cloud will flap between them: " +
                              lease["path"].get<std::string>() + " is held by " + Holder(h);
      const std::string fix = "Give each agent its own volume for " + ctx.in.var_lib +
                              " (never share one between two running containers), or stop the "
                              "other one.";
      if (!ctx.in.hands_off) {
        f.Warn("this identity is held by a running agent in " + Holder(h) + " (heartbeat " + age +
                   "); this check only reads the lease. If that is not this node's own agent "
                   "container, two agents share one identity and Cloud will flap between them",
               "Make sure only one running container mounts " + ctx.in.var_lib +
                   " for its agent; a troubleshooting container sharing it may ignore this.");
      } else if (alive == Liveness::kAlive) {
        // Its supervisor holds the owner lock right now: a second agent is certain.
        f.CertainFail(two + ", whose supervisor is running (it holds the owner lock)", fix,
                      "observed: another live process holds flock on " + ctx.in.var_lib +
                          "/preflight (container/state/owner_lock.h); " +
                          Because(Behaviour::kStateInVarLib));
      } else {
        // A fresh heartbeat of a holder that may have been killed since: evidence, not proof.
        f.Fail(two + ", whose supervisor renewed it " + age +
                   " (if that container was removed, this passes once the heartbeat is " +
                   std::to_string(container::kLeaseFreshFor.count()) + " s old)",
               fix);
      }
    } else if (rel == LeaseRelation::kFreshUnsupervised) {
      f.Warn(Holder(h) + " took the lease of this identity " + age +
                 " and nothing renews it (not run with --supervise): if it still runs, two "
                 "containers share one identity and Cloud will flap between them",
             "Give each agent its own volume for " + ctx.in.var_lib +
                 ", and run the entrypoint with `run --supervise` so the lease proves liveness.");
    } else {
      lease["taken_over_from"] = Holder(h);  // stale or released: free to take
    }
  }
  // The command writes it once its gate lets the agent start: a refused start holds nothing.
  if (may_take) ctx.lease_to_take = self;
  details["lease"] = lease;
}

Result RunContainerIdentity(Context& ctx) {
  const container::MountTable& table = ctx.Mounts();
  const container::ContainerEnv& env = ctx.Container();
  Details details;
  details["in_container"] = env.in_container;
  Details signals = Details::array();
  for (const auto& s : env.signals) signals.push_back(s);
  details["container_signals"] = signals;
  if (!env.container_id.empty()) {
    details["container_id"] = env.container_id;
    details["container_id_source"] = env.id_source;
  }
  if (!env.in_container) {
    details["rules"] = "host (no image layer; clones are told by /etc/machine-id)";
  }
  const std::string guid = container::ReadMachineGuid(ctx.sys, ctx.in.var_lib);
  details["machine_guid"] = guid.empty() ? "none yet" : guid;
  ClaimedId claimed = ctx.Claimed();
  details["claimed"] = claimed.found;

  Findings f;
  // The agent treats these as no GUID and writes a new one (agent model:
  // regenerates-invalid-guid): the node appears as a new node, nothing breaks.
  const bool blacklisted = std::any_of(std::begin(kBlacklistedGuids), std::end(kBlacklistedGuids),
                                       [&guid](const char* bad) { return guid == bad; });
  if (blacklisted || guid == "00000000-0000-0000-0000-000000000000") {
    f.Warn(std::string("the machine GUID ") +
               (blacklisted ? guid + " is one that shipped inside distribution packages"
                            : "is all zeros") +
               ": the agent treats it as no GUID and writes a new one at this start (" +
               Cite(Behaviour::kRegeneratesInvalidGuid) +
               "), so this node appears in Netdata Cloud as a new node",
           "Nothing to do if a new node is expected; to keep the old node's history, restore "
           "its registry/netdata.public.unique.id from a backup before the agent starts.");
  }
  // Read once: the lease tells when this container first ran (baked?) and who holds the identity.
  const auto held = container::ReadOwnerLease(ctx.sys, ctx.in.var_lib);
  const OwnerLease self = container::SelfLease(ctx.sys, env, ctx.in.var_lib);
  std::optional<OwnerLease> own;
  if (held.ok() && held->has_value() &&
      container::RelateLease(**held, self, env.in_container, self.heartbeat) ==
          LeaseRelation::kOurs) {
    own = **held;
  }
  CheckBaked(ctx, table, env, own ? &*own : nullptr, f, details);
  CheckLease(ctx, env, guid, self, held, f, details);
  std::string pass = guid.empty() ? "no identity yet: the agent will create one here"
                                  : "identity " + guid.substr(0, 8) + "... is this node's own";
  pass += env.in_container ? " (container " + env.container_id.substr(0, 12) + ")"
                           : " (host rules: not in a container)";
  return f.ToResult(pass, details);
}

}  // namespace

const CheckDef kContainerIdentity{
    "container.identity",
    "Identity not cloned",
    section::kNotCloned,
    Kind::kOffline,
    {},
    &RunContainerIdentity,
    "A node identity (machine GUID, claimed id, keys) used by two agents makes Netdata Cloud flap "
    "between them. The check fails for an identity baked into the image layer (every container "
    "from the image is the same node), for a volume whose owner lease (<var-lib>/preflight/"
    "owner.json) is held by another live container, and, on a host, for an identity recorded "
    "under another /etc/machine-id (a cloned VM); a GUID that shipped in distribution packages "
    "or is all zeros is a warning (the agent writes a new one: a new node). Only a holder proved "
    "alive refuses a start: its supervisor holds flock on <var-lib>/preflight, which the kernel "
    "drops when it dies, so a container removed with `docker rm -f` is taken over at once. Only "
    "`run` and `check --gate` take the lease, and only when they hand off; a `check` by hand "
    "only reads it.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
