#pragma once
/// The owner lease `<var-lib>/preflight/owner.json`: which container (or machine) holds the node
/// identity stored in this /var/lib/netdata, and whether it is still alive (its heartbeat).
/// Two live agents sharing one identity make Netdata Cloud flap between them; a volume copied
/// into a cloned VM keeps the old lease under another /etc/machine-id.
///
/// Who writes it (the rule of the contract, see checks/inputs.h `hands_off`):
///   - only the commands that hand off to the agent (`run`, and `check --gate` of an
///     initContainer) take or refresh the lease; a one-shot `check` by hand only reads it, so a
///     troubleshooting container sharing the volume never steals the live agent's lease;
///   - the supervisor (`run --supervise`) calls RefreshOwnerLease() every
///     kLeaseHeartbeatInterval while the agent runs, and ReleaseOwnerLease() when it exits;
///   - a lease whose heartbeat is older than kLeaseFreshFor, or that was released, is stale
///     and may be taken over.
/// Written with System::WriteFileAtomic: atomic, never through a symlink, at most 4 KiB.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "container/base/expected.h"
#include "container/host/container_env.h"
#include "container/system.h"

namespace preflight::container {

/// How often a supervisor refreshes the heartbeat.
inline constexpr std::chrono::seconds kLeaseHeartbeatInterval{20};
/// A heartbeat older than this means the holder is gone (three missed heartbeats).
inline constexpr std::chrono::seconds kLeaseFreshFor{60};
/// Largest owner.json we read or write.
inline constexpr size_t kLeaseMaxBytes = 4096;

struct OwnerLease {
  std::string host;          ///< uname nodename of the holder
  std::string container_id;  ///< ContainerEnv::container_id ("" on a host)
  std::string boot_id;       ///< /proc/sys/kernel/random/boot_id of the holder's kernel
  std::string machine_id;    ///< /etc/machine-id the holder saw
  int pid = 0;
  int64_t acquired = 0;     ///< unix seconds when this holder took the lease
  int64_t heartbeat = 0;    ///< unix seconds of the last refresh
  bool supervised = false;  ///< a supervisor keeps the heartbeat fresh (run --supervise)
  bool released = false;    ///< the holder let go (its agent exited)
  /// The holder's supervisor holds the owner lock (owner_lock.h) while it lives: on the same
  /// kernel, a free lock proves the holder dead whatever its heartbeat says.
  bool locked = false;
  std::string machine_guid;  ///< registry/netdata.public.unique.id when written
  std::string claimed_id;    ///< cloud.d/claimed_id when written
};

/// JSON text of `lease` (schema 1), under kLeaseMaxBytes (long fields are cut).
std::string SerializeOwnerLease(const OwnerLease& lease);

/// Parses owner.json. Pure and total: anything but a schema-1 object with the string and number
/// fields of OwnerLease (unknown keys are ignored) is an Error naming what is wrong.
Expected<OwnerLease> ParseOwnerLease(std::string_view text);

/// "<var_lib>/preflight/owner.json".
std::string OwnerLeasePath(const std::string& var_lib);

/// The machine GUID in `<var_lib>/registry/netdata.public.unique.id` (trimmed, lowercased), or "".
std::string ReadMachineGuid(const System& sys, const std::string& var_lib);

/// This process as a lease holder: host, container id, boot id, machine-id, pid, GUID and
/// claimed id of `var_lib`, acquired = heartbeat = now.
OwnerLease SelfLease(const System& sys, const ContainerEnv& env, const std::string& var_lib);

/// The lease on disk: nullopt when there is none; an Error when it is a symlink (ELOOP), a
/// directory (EISDIR: no lease can ever be written there), not readable, or does not parse
/// (EINVAL).
Expected<std::optional<OwnerLease>> ReadOwnerLease(const System& sys, const std::string& var_lib);

/// Creates `<var_lib>/preflight` (0755, never through a symlink) and writes the lease atomically.
Status WriteOwnerLease(System& sys, const std::string& var_lib, const OwnerLease& lease);

enum class LeaseRelation {
  kOurs,               ///< the same container (or, on a host, the same machine)
  kStale,              ///< another holder, released or without a heartbeat for kLeaseFreshFor
  kFresh,              ///< another holder with a fresh heartbeat that a supervisor maintains
  kFreshUnsupervised,  ///< another holder, fresh, but nobody refreshes it: it may be gone
  kOtherMachine,  ///< host rules: written under another machine-id with the same GUID (a clone)
};

/// "ours", "stale", "fresh", "fresh-unsupervised", "other-machine".
std::string_view LeaseRelationName(LeaseRelation relation);

/// How the lease `held` relates to `self` at `now`. In a container the container id decides
/// (the hostname and boot id when no id is known); on a host the machine-id does. Pure.
LeaseRelation RelateLease(const OwnerLease& held, const OwnerLease& self, bool in_container,
                          int64_t now);

/// For the supervisor, every kLeaseHeartbeatInterval while the agent runs: sets heartbeat = now
/// and supervised = true on our lease (creating it when there is none or it is stale). Never
/// overwrites another holder's fresh lease: that is an Error with code EBUSY naming the holder,
/// for the log. Cheap (a few small /proc reads and one atomic write); never throws.
/// `locked`: this supervisor holds the owner lock (HoldOwnerLock), recorded in the lease.
Status RefreshOwnerLease(System& sys, const std::string& var_lib, bool locked = false);

/// For the supervisor, once, after the agent exited: marks our lease released so that the
/// container that replaces this one takes it over at once. Another holder's lease is left alone.
Status ReleaseOwnerLease(System& sys, const std::string& var_lib);

}  // namespace preflight::container
