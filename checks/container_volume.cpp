// container.volume: /var/lib/netdata holds the node's identity and claim; on the container's own
// layer or in memory they are lost whenever the container is re-created, and the node comes back
// as a new node. /etc/netdata and /var/cache/netdata matter less: warnings only.
#include <unistd.h>

#include "checks/agent_model.h"
#include "checks/catalog.h"
#include "checks/findings.h"
#include "checks/sections.h"
#include "container/host/container_env.h"
#include "container/host/volume_kind.h"

namespace preflight::checks {
namespace {

using container::VolumeKind;

constexpr uint64_t kMinFreeBytes = 100ull << 20;
constexpr uint64_t kMinFreeInodes = 1000;

enum class Role { kVarLib, kConfig, kCache };

std::string Parent(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

/// "the netdata user (uid 201)", or "this user (uid 1000)" when the agent runs as this process.
std::string Who(const AgentUser& user) {
  return user.self ? user.Label()
                   : "the " + user.name + " user (uid " + std::to_string(user.uid) + ")";
}

std::string Mib(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

std::string RemedyFor(Role role, const std::string& path) {
  switch (role) {
    case Role::kVarLib:
      return "Mount a persistent volume at " + path +
             ": `-v netdatalib:/var/lib/netdata` (docker run / compose `volumes:`), or a "
             "PersistentVolumeClaim (or hostPath) in Kubernetes.";
    case Role::kConfig:
      return "Mount a volume at " + path +
             " (`-v netdataconfig:/etc/netdata`) if you edit its "
             "files inside the container (claim.conf, netdata.conf).";
    case Role::kCache:
      return "Mount a volume at " + path +
             " (`-v netdatacache:/var/cache/netdata`, or a PVC) to "
             "keep the metrics database and the node id across re-creations.";
  }
  return "";
}

std::string WhyLost(Role role) {
  switch (role) {
    case Role::kVarLib:
      return "identity and claim are lost on every restart that re-creates the container; the "
             "node reappears as a new node";
    case Role::kConfig:
      return "configuration edited inside the container is lost when it is re-created";
    case Role::kCache:
      return "the metrics database and node id are lost when the container is re-created";
  }
  return "";
}

std::string KindPhrase(VolumeKind kind, const container::MountEntry& m) {
  switch (kind) {
    case VolumeKind::kImageLayer:
      return m.mount_point == "/" ? "on the container's own layer (" + m.fs_type + " root)"
                                  : "on an overlay (" + m.fs_type + ") mount, a throw-away layer";
    case VolumeKind::kContainerRoot:
      return "on the container's root filesystem (" + m.fs_type + " " + m.source +
             "), normally its own layer";
    case VolumeKind::kInMemory:
      return "on " + m.fs_type + " (in memory)";
    case VolumeKind::kK8sProjected:
      return "on a Kubernetes configMap/secret/projected volume (in memory, read-only)";
    case VolumeKind::kK8sEmptyDir:
      return "on a Kubernetes emptyDir (deleted with the pod)";
    default:
      return "on " + std::string(container::VolumeKindName(kind));
  }
}

/// A directory the agent's user cannot write. Started as root, v1.41+ agents chown it to that
/// user before dropping privileges (agent model: chowns-state-at-start), which works where
/// root may write it (not on an NFS export that squashes root). Older agents, a non-root
/// start, or a chown that cannot work leave the agent unable to write: certain for var-lib.
void JudgeOwnership(Context& ctx, const AgentUser& user, Role role, const std::string& resolved,
                    const container::FileInfo& st, const std::string& mode, Findings& f,
                    Details& d) {
  const AgentFacts agent = ctx.Agent();
  const Holds chowns =
      user.started_as_root ? agent.Does(Behaviour::kChownsStateAtStart) : Holds::kNo;
  const bool root_writes = ctx.sys.Euid() == 0 && ctx.sys.Access(resolved, W_OK | X_OK) == 0;
  const std::string now = resolved + " (owner " + std::to_string(st.uid) + ":" +
                          std::to_string(st.gid) + ", mode " + mode + ") is not writable by " +
                          Who(user) + (user.self ? "" : ", the user the agent runs as");
  const std::string fix = "Run `chown -R " + user.Owner() + " " + resolved +
                          "` on the volume (or set " +
                          (user.self ? "the pod's fsGroup to a group of this user"
                                     : "fsGroup: " + std::to_string(user.gid)) +
                          " in Kubernetes).";
  if (chowns != Holds::kNo && root_writes) {
    d["chowned_at_start"] = Cite(Behaviour::kChownsStateAtStart);
    if (chowns == Holds::kYes) return;  // the agent makes it its own before it writes
    f.Warn(now +
               "; agents v1.41 and later, started as root, chown it at start, older ones "
               "cannot write it, and the agent's version is unknown",
           fix + " Or pass --agent PATH so the version can be checked.");
    return;
  }
  std::string why = !user.started_as_root
                        ? " (the agent does not start as root, so it cannot chown it)"
                    : chowns == Holds::kNo
                        ? " (" + agent.Name() + " chowns only directories it creates: " +
                              std::string(Describe(Behaviour::kChownsStateAtStart).other) + ")"
                        : " (root cannot write it either, so the agent's chown at start fails: "
                          "e.g. an NFS export that squashes root)";
  if (role == Role::kVarLib) {
    f.CertainFail(now + why, fix, Because(Behaviour::kChownsStateAtStart));
  } else {
    f.Warn(now + why, fix);
  }
}

void CheckDir(Context& ctx, const container::MountTable& table, const container::ContainerEnv& env,
              const AgentUser& user, Role role, const std::string& path, Findings& f,
              Details& out) {
  Details d;
  d["path"] = path;
  // The mount is found for the resolved path; a missing directory is judged by its parent.
  std::string probe = path;
  auto real = ctx.sys.RealPath(path);
  d["exists"] = real.ok();
  while (!real.ok() && probe != "/") {
    probe = Parent(probe);
    real = ctx.sys.RealPath(probe);
  }
  const std::string resolved = real.ok() ? *real : path;
  if (resolved != path) d["resolved"] = resolved;
  const container::MountEntry* m = container::FindMountFor(table, resolved);
  if (m == nullptr) {
    d["error"] = "no mount in /proc/self/mountinfo holds it";
    out.push_back(d);
    f.Warn("could not tell which mount holds " + path + " (/proc/self/mountinfo unreadable?)",
           "Run the check in the agent's container, where /proc is mounted.");
    return;
  }
  const VolumeKind kind = container::ClassifyMount(*m, env.in_container);
  d["kind"] = std::string(container::VolumeKindName(kind));
  d["mount_point"] = m->mount_point;
  d["fs_type"] = m->fs_type;
  d["source"] = m->source;
  d["root"] = m->root;
  if (auto name = container::NamedVolumeName(*m); !name.empty()) {
    d["volume"] = name;
    if (container::IsAnonymousVolumeName(name) && role != Role::kConfig) {
      // Persistent across restarts, not across re-creation: the new container gets a new one.
      d["anonymous"] = true;
      f.Warn(path + " is on an anonymous Docker volume (" + name.substr(0, 12) +
                 "..., Docker names anonymous volumes with a 64-hex id): it survives `docker "
                 "restart`, but `docker rm` + `docker run` (or `docker compose down` + `up`) "
                 "gives the new container a new, empty one" +
                 (role == Role::kVarLib ? ", and the node a new identity" : std::string()),
             "Use a named volume (docker run -v netdata" +
                 std::string(role == Role::kVarLib ? "lib" : "cache") + ":" + path +
                 "); `docker inspect -f '{{json .Mounts}}' CONTAINER` shows the volume's Name, "
                 "and `docker volume ls` lists anonymous ones by their 64-hex names.");
    }
  }
  d["read_only"] = m->ReadOnly();

  const bool var_lib = role == Role::kVarLib;
  if (kind == VolumeKind::kContainerRoot) {
    // Not certainly the container's layer (a VM made from an image looks the same): warn.
    f.Warn(path + " is " + KindPhrase(kind, *m) + " of what looks like a container (" +
               env.signals.front() + "): " + WhyLost(role),
           RemedyFor(role, path));
  } else if (!container::IsPersistent(kind)) {
    const std::string message = path + " is " + KindPhrase(kind, *m) + ": " + WhyLost(role);
    if (!var_lib) {
      f.Warn(message, RemedyFor(role, path));
    } else if (!ctx.CloudWanted()) {
      // Not claimed, not claiming: a new identity at each re-creation loses nothing asked for.
      f.Warn(message + " (harmless while the node is not claimed and claiming is not configured)",
             RemedyFor(role, path));
    } else if (kind == VolumeKind::kInMemory && ctx.Claimed().Claimed()) {
      // The claim of this node lives in memory: gone at the next restart, for certain.
      f.CertainFail(message, RemedyFor(role, path), Because(Behaviour::kStateInVarLib));
    } else {
      f.Fail(message, RemedyFor(role, path));
    }
  }
  if (m->ReadOnly() && role != Role::kConfig && kind != VolumeKind::kK8sProjected) {
    const std::string message = path + " is mounted read-only (" + m->mount_point +
                                "): the agent cannot write " +
                                (var_lib ? "its GUID, claim and keys" : "its database");
    const std::string fix = "Mount " + path + " read-write (drop `:ro` / `readOnly: true`).";
    if (!var_lib) {
      f.Warn(message, fix);
    } else if (ctx.CloudWanted()) {
      // The claim (or the claimed node's state) cannot be written.
      f.CertainFail(message, fix, Because(Behaviour::kStateInVarLib));
    } else {
      f.Fail(message, fix);
    }
  }
  if (!d["exists"].get<bool>()) {
    // Judging an ancestor's owner would advise a chown of /var/lib: say what is missing instead.
    f.Warn(path + " does not exist (it would be " + KindPhrase(kind, *m) + ")",
           "Pass --var-lib/--config-dir/--cache-dir where this agent keeps its files, or create " +
               path + " owned by " + Who(user) + ".");
  } else if (role != Role::kConfig && !m->ReadOnly()) {
    auto st = ctx.sys.Stat(resolved, true);
    if (st.ok()) {
      char mode[8];
      snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st->mode & 07777));
      d["owner"] = std::to_string(st->uid) + ":" + std::to_string(st->gid);
      d["mode"] = mode;
      // Creating files in a directory takes write and search permission.
      const bool ok = Allows(ctx.sys, user, resolved, *st, W_OK | X_OK);
      d["writable_by"] = user.name + " (" + user.Owner() + ", " + user.source + ")";
      if (!ok) JudgeOwnership(ctx, user, role, resolved, *st, mode, f, d);
    }
  }
  if (auto space = ctx.sys.StatFs(resolved); space.ok()) {
    d["bytes_free"] = space->bytes_free;
    d["inodes_free"] = space->inodes_free;
    if (space->bytes_total > 0 && space->bytes_free < kMinFreeBytes) {
      f.Warn(path + " has only " + Mib(space->bytes_free) +
                 " free: the agent fails to write "
                 "its state when the filesystem fills up",
             "Free space on, or grow, the volume holding " + path + " (at least " +
                 Mib(kMinFreeBytes) + ").");
    }
    if (space->inodes_total > 0 && space->inodes_free < kMinFreeInodes) {
      f.Warn(path + " has only " + std::to_string(space->inodes_free) + " free inodes",
             "Delete files on, or grow, the volume holding " + path + ".");
    }
  }
  out.push_back(d);
}

Result RunContainerVolume(Context& ctx) {
  const container::MountTable& table = ctx.Mounts();
  const container::ContainerEnv& env = ctx.Container();
  const AgentUser& user = ctx.User();
  Details details;
  details["in_container"] = env.in_container;
  Details signals = Details::array();
  for (const auto& s : env.signals) signals.push_back(s);
  details["container_signals"] = signals;
  if (!env.in_container)
    details["rules"] = "host (no container signal: persistent root, no image layer)";
  if (table.mounts.empty()) {
    return Result::Error("cannot read /proc/self/mountinfo: no mount table to judge by")
        .With(details);
  }
  Findings findings;
  Details dirs = Details::array();
  CheckDir(ctx, table, env, user, Role::kVarLib, ctx.in.var_lib, findings, dirs);
  CheckDir(ctx, table, env, user, Role::kConfig, ctx.in.config_dir, findings, dirs);
  CheckDir(ctx, table, env, user, Role::kCache, ctx.in.cache_dir, findings, dirs);
  details["dirs"] = dirs;
  const Details& var_lib = dirs.at(0);
  std::string where = var_lib.value("kind", std::string("?"));
  if (var_lib.contains("volume")) where += " " + var_lib["volume"].get<std::string>();
  if (var_lib.contains("root") && where.rfind("bind", 0) == 0) {
    where += " of " + var_lib["root"].get<std::string>();
  }
  return findings.ToResult(ctx.in.var_lib + " is persistent (" + where + " at " +
                               var_lib.value("mount_point", std::string("?")) +
                               "), writable and has room",
                           details);
}

}  // namespace

const CheckDef kContainerVolume{
    "container.volume",
    "Persistent /var/lib/netdata",
    section::kPersisted,
    Kind::kOffline,
    {},
    &RunContainerVolume,
    "/var/lib/netdata holds the machine GUID, the claim and the keys. On the container's own "
    "layer (overlay), on tmpfs or a Kubernetes emptyDir they are lost whenever the container is "
    "re-created and the node reappears in Netdata Cloud as a new node. The check finds the mount "
    "that holds --var-lib in /proc/self/mountinfo (longest prefix), requires a named volume (an "
    "anonymous one, a 64-hex name, is warned about: re-creating the container loses it), bind "
    "mount or PersistentVolume, read-write, writable by the user the agent runs as, with free "
    "space and inodes; /etc/netdata and /var/cache/netdata are judged the same way at warn level. "
    "A directory that user cannot write is fine when the agent chowns it at start (v1.41 and "
    "later, started as root, where root may write it). Without claiming, a throw-away var-lib "
    "only warns (nothing asked for is lost); a read-only var-lib of a node that wants Cloud, an "
    "in-memory one of a claimed node, and a var-lib the agent certainly cannot write refuse the "
    "start. Outside a container the host's filesystems count as persistent.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
