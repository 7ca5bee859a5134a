#include "container/state/owner_lease.h"

#include <cerrno>
#include <nlohmann/json.hpp>

#include "container/state/state_dir.h"

namespace preflight::container {
namespace {

using Json = nlohmann::json;

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  auto last = s.find_last_not_of(ws);
  s.erase(last == std::string::npos ? 0 : last + 1);
  return s;
}

/// A small file's first line, trimmed ("" when unreadable).
std::string ReadSmall(const System& sys, const std::string& path) {
  std::string text = sys.ReadFile(path, 256, true).value_or("");
  return Trim(text.substr(0, text.find('\n')));
}

std::string Cut(const std::string& s) { return s.substr(0, 256); }

int64_t Seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool SameHolder(const OwnerLease& a, const OwnerLease& b, bool in_container) {
  if (in_container) {
    if (!a.container_id.empty() || !b.container_id.empty()) return a.container_id == b.container_id;
    return a.host == b.host && a.boot_id == b.boot_id;
  }
  if (!a.machine_id.empty() && !b.machine_id.empty()) return a.machine_id == b.machine_id;
  return a.host == b.host;
}

}  // namespace

std::string SerializeOwnerLease(const OwnerLease& l) {
  Json j = {{"schema", 1},
            {"host", Cut(l.host)},
            {"container_id", Cut(l.container_id)},
            {"boot_id", Cut(l.boot_id)},
            {"machine_id", Cut(l.machine_id)},
            {"pid", l.pid},
            {"acquired", l.acquired},
            {"heartbeat", l.heartbeat},
            {"supervised", l.supervised},
            {"released", l.released},
            {"locked", l.locked},
            {"machine_guid", Cut(l.machine_guid)},
            {"claimed_id", Cut(l.claimed_id)}};
  // Invalid UTF-8 in a host name must not make dump() throw.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Expected<OwnerLease> ParseOwnerLease(std::string_view text) {
  if (text.size() > kLeaseMaxBytes) return Error{EINVAL, "owner.json is larger than 4 KiB"};
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Error{EINVAL, "owner.json is not a JSON object"};
  auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_number_integer() || schema->get<int64_t>() != 1) {
    return Error{EINVAL, "owner.json has no \"schema\": 1"};
  }
  OwnerLease l;
  auto str = [&j](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  auto num = [&j](const char* key, int64_t& out) {
    auto it = j.find(key);
    if (it == j.end()) return true;
    if (!it->is_number_integer()) return false;
    out = it->get<int64_t>();
    return true;
  };
  auto flag = [&j](const char* key, bool& out) {
    auto it = j.find(key);
    if (it == j.end()) return true;
    if (!it->is_boolean()) return false;
    out = it->get<bool>();
    return true;
  };
  int64_t pid = 0;
  bool ok = str("host", l.host) && str("container_id", l.container_id) &&
            str("boot_id", l.boot_id) && str("machine_id", l.machine_id) &&
            str("machine_guid", l.machine_guid) && str("claimed_id", l.claimed_id) &&
            num("pid", pid) && num("acquired", l.acquired) && num("heartbeat", l.heartbeat) &&
            flag("supervised", l.supervised) && flag("released", l.released) &&
            flag("locked", l.locked);
  if (!ok) return Error{EINVAL, "owner.json has a field of the wrong type"};
  if (j.find("heartbeat") == j.end()) return Error{EINVAL, "owner.json has no \"heartbeat\""};
  l.pid = pid > 0 && pid < (1 << 30) ? static_cast<int>(pid) : 0;
  return l;
}

std::string OwnerLeasePath(const std::string& var_lib) { return StateDir(var_lib) + "/owner.json"; }

std::string ReadMachineGuid(const System& sys, const std::string& var_lib) {
  std::string guid = ReadSmall(sys, var_lib + "/registry/netdata.public.unique.id").substr(0, 36);
  for (char& c : guid) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return guid;
}

OwnerLease SelfLease(const System& sys, const ContainerEnv& env, const std::string& var_lib) {
  OwnerLease l;
  l.host = sys.Hostname();
  l.container_id = env.container_id;
  l.boot_id = ReadSmall(sys, "/proc/sys/kernel/random/boot_id");
  l.machine_id = ReadSmall(sys, "/etc/machine-id");
  l.pid = sys.Pid();
  l.acquired = l.heartbeat = Seconds(sys.Now());
  l.machine_guid = ReadMachineGuid(sys, var_lib);
  l.claimed_id = ReadSmall(sys, var_lib + "/cloud.d/claimed_id");
  return l;
}

Expected<std::optional<OwnerLease>> ReadOwnerLease(const System& sys, const std::string& var_lib) {
  const std::string path = OwnerLeasePath(var_lib);
  auto st = sys.Stat(path, false);
  if (!st.ok()) {
    if (st.error().code == ENOENT) return std::optional<OwnerLease>();
    return st.error();
  }
  if (st->type == FileType::kSymlink) {
    return Error{ELOOP, path + " is a symlink: refusing to read or write through it"};
  }
  // Not a torn file a write would replace: no rename goes over a directory, so the lease stays
  // off until someone removes it. Said as such, never read as "no lease".
  if (st->type == FileType::kDirectory) {
    return Error{EISDIR, path +
                             " is a directory, not the lease file: no lease can be taken or "
                             "checked until it is removed"};
  }
  auto text = sys.ReadStateFile(path, kLeaseMaxBytes + 1);
  if (!text.ok()) return text.error();
  auto lease = ParseOwnerLease(*text);
  if (!lease.ok()) return Error{EINVAL, path + ": " + lease.error().message};
  return std::optional<OwnerLease>(*lease);
}

Status WriteOwnerLease(System& sys, const std::string& var_lib, const OwnerLease& lease) {
  if (auto s = MakeStateDir(sys, var_lib); !s.ok()) return s;
  return sys.WriteFileAtomic(OwnerLeasePath(var_lib), SerializeOwnerLease(lease));
}

std::string_view LeaseRelationName(LeaseRelation relation) {
  switch (relation) {
    case LeaseRelation::kOurs:
      return "ours";
    case LeaseRelation::kStale:
      return "stale";
    case LeaseRelation::kFresh:
      return "fresh";
    case LeaseRelation::kFreshUnsupervised:
      return "fresh-unsupervised";
    case LeaseRelation::kOtherMachine:
      return "other-machine";
  }
  return "stale";
}

LeaseRelation RelateLease(const OwnerLease& held, const OwnerLease& self, bool in_container,
                          int64_t now) {
  if (!in_container && !held.machine_id.empty() && !self.machine_id.empty() &&
      held.machine_id != self.machine_id) {
    // Same identity files under another machine-id: the disk was copied (a cloned VM image).
    // A new GUID means the identity was already reset; the old lease is then just stale.
    const bool same_guid = !held.machine_guid.empty() && held.machine_guid == self.machine_guid;
    const bool same_claim = !held.claimed_id.empty() && held.claimed_id == self.claimed_id;
    return same_guid || same_claim ? LeaseRelation::kOtherMachine : LeaseRelation::kStale;
  }
  if (SameHolder(held, self, in_container)) return LeaseRelation::kOurs;
  const int64_t age = now - held.heartbeat;
  if (held.released || age > kLeaseFreshFor.count()) return LeaseRelation::kStale;
  return held.supervised ? LeaseRelation::kFresh : LeaseRelation::kFreshUnsupervised;
}

namespace {

Status UpdateOwnLease(System& sys, const std::string& var_lib, bool release, bool locked) {
  auto held = ReadOwnerLease(sys, var_lib);
  if (!held.ok() && held.error().code != EINVAL) return held.error();  // symlink, unreadable
  // Nothing held, or let go already: a release has nothing to do, and who we are (the mounts,
  // the container id) need not be read: a program that ended at once never took the lease.
  const bool holds = held.ok() && held->has_value();
  if (release && (!holds || (**held).released)) return Status::Ok();
  const ContainerEnv env = ReadContainerEnv(sys);
  OwnerLease self = SelfLease(sys, env, var_lib);
  if (holds) {
    const OwnerLease& h = **held;
    LeaseRelation rel = RelateLease(h, self, env.in_container, self.heartbeat);
    if (rel != LeaseRelation::kOurs) {
      if (release) return Status::Ok();  // not ours to release
      if (rel != LeaseRelation::kStale) {
        return Error{
            EBUSY, OwnerLeasePath(var_lib) + " is held by " +
                       (h.container_id.empty() ? "host " + h.host : "container " + h.container_id) +
                       " (" + std::string(LeaseRelationName(rel)) +
                       "): not refreshing another holder's lease"};
      }
    } else {
      self.acquired = h.acquired;  // the same holder keeps its acquisition time
    }
  }
  self.supervised = !release;
  self.released = release;
  self.locked = locked && !release;
  return WriteOwnerLease(sys, var_lib, self);
}

}  // namespace

Status RefreshOwnerLease(System& sys, const std::string& var_lib, bool locked) {
  return UpdateOwnLease(sys, var_lib, false, locked);
}

Status ReleaseOwnerLease(System& sys, const std::string& var_lib) {
  return UpdateOwnLease(sys, var_lib, true, false);
}

}  // namespace preflight::container
