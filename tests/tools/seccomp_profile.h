#pragma once
/// Reads a Docker/moby seccomp profile (profiles/seccomp/default.json) into the rules a runtime
/// would load for one architecture, kernel and capability set — what runc does with it.
/// Header-only and pure so that the fuzz target uses it without libseccomp's library.

#include <seccomp.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::testing {

struct ProfileArg {
  unsigned index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  scmp_compare op = SCMP_CMP_EQ;
};

struct ProfileRule {
  std::vector<std::string> names;
  uint32_t action = SCMP_ACT_ALLOW;
  std::vector<ProfileArg> args;
};

struct Profile {
  uint32_t default_action = SCMP_ACT_ERRNO(EPERM);
  std::vector<ProfileRule> rules;
  size_t skipped = 0;  ///< entries that do not apply (capability, architecture, kernel)
};

/// Docker's name of the architecture this is built for ("amd64", "arm64", "arm", "x86"): the
/// profile's `includes.arches` select arch-only rules (arm's set_tls, cacheflush, ...).
constexpr const char* BuildTargetDockerArch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "x86";
#else
#error "seccomp_profile.h: no Docker architecture name for this target"
#endif
}

/// What the container is: Docker's architecture name, kernel "major.minor", and caps.
struct ProfileTarget {
  std::string arch = BuildTargetDockerArch();
  int kernel_major = 6;
  int kernel_minor = 0;
  std::set<std::string> caps = {
      "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
      "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
      "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
      "CAP_KILL",    "CAP_AUDIT_WRITE"};  // Docker's default set
};

/// SCMP_ACT_* by name; errno_ret applies to ERRNO (EPERM when absent) and TRACE. False if unknown.
inline bool ProfileAction(std::string_view name, int errno_ret, uint32_t& out) {
  if (name == "SCMP_ACT_ALLOW")
    out = SCMP_ACT_ALLOW;
  else if (name == "SCMP_ACT_ERRNO")
    out = SCMP_ACT_ERRNO(static_cast<uint16_t>(errno_ret));
  else if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD")
    out = SCMP_ACT_KILL;
  else if (name == "SCMP_ACT_KILL_PROCESS")
    out = SCMP_ACT_KILL_PROCESS;
  else if (name == "SCMP_ACT_TRAP")
    out = SCMP_ACT_TRAP;
  else if (name == "SCMP_ACT_TRACE")
    out = SCMP_ACT_TRACE(static_cast<uint16_t>(errno_ret));
  else if (name == "SCMP_ACT_LOG")
    out = SCMP_ACT_LOG;
  else
    return false;
  return true;
}

inline bool ProfileOp(std::string_view name, scmp_compare& out) {
  if (name == "SCMP_CMP_NE")
    out = SCMP_CMP_NE;
  else if (name == "SCMP_CMP_LT")
    out = SCMP_CMP_LT;
  else if (name == "SCMP_CMP_LE")
    out = SCMP_CMP_LE;
  else if (name == "SCMP_CMP_EQ")
    out = SCMP_CMP_EQ;
  else if (name == "SCMP_CMP_GE")
    out = SCMP_CMP_GE;
  else if (name == "SCMP_CMP_GT")
    out = SCMP_CMP_GT;
  else if (name == "SCMP_CMP_MASKED_EQ")
    out = SCMP_CMP_MASKED_EQ;
  else
    return false;
  return true;
}

namespace profile_detail {

using Json = nlohmann::json;

inline bool StringList(const Json& j, const char* key, std::vector<std::string>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_array()) return false;
  for (const auto& v : *it) {
    if (!v.is_string()) return false;
    out.push_back(v.get<std::string>());
  }
  return true;
}

/// Whether an entry applies: includes all met, excludes none met (runc's semantics).
inline bool Applies(const Json& entry, const ProfileTarget& t, bool& ok) {
  ok = true;
  auto inc = entry.find("includes");
  if (inc != entry.end() && inc->is_object()) {
    std::vector<std::string> caps, arches;
    ok = StringList(*inc, "caps", caps) && StringList(*inc, "arches", arches);
    for (const auto& c : caps) {
      if (!t.caps.count(c)) return false;
    }
    if (!arches.empty() && std::find(arches.begin(), arches.end(), t.arch) == arches.end()) {
      return false;
    }
    auto mk = inc->find("minKernel");
    if (mk != inc->end() && mk->is_string()) {
      int a = 0, b = 0;
      if (sscanf(mk->get<std::string>().c_str(), "%d.%d", &a, &b) >= 1 &&
          (t.kernel_major < a || (t.kernel_major == a && t.kernel_minor < b))) {
        return false;
      }
    }
  }
  auto exc = entry.find("excludes");
  if (exc != entry.end() && exc->is_object()) {
    std::vector<std::string> caps, arches;
    ok = ok && StringList(*exc, "caps", caps) && StringList(*exc, "arches", arches);
    for (const auto& c : caps) {
      if (t.caps.count(c)) return false;
    }
    if (std::find(arches.begin(), arches.end(), t.arch) != arches.end()) return false;
  }
  return true;
}

}  // namespace profile_detail

/// Parses `json` for `target`. Total: returns false with `error` set on anything malformed.
inline bool ParseProfile(std::string_view json, const ProfileTarget& target, Profile& out,
                         std::string& error) {
  using profile_detail::Json;
  Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "not a JSON object";
    return false;
  }
  auto def = doc.find("defaultAction");
  if (def == doc.end() || !def->is_string()) {
    error = "no defaultAction";
    return false;
  }
  int def_errno = EPERM;
  if (auto e = doc.find("defaultErrnoRet"); e != doc.end() && e->is_number_unsigned()) {
    def_errno = static_cast<int>(e->get<uint64_t>() & 0xffff);
  }
  if (!ProfileAction(def->get<std::string>(), def_errno, out.default_action)) {
    error = "unknown defaultAction " + def->get<std::string>();
    return false;
  }
  auto syscalls = doc.find("syscalls");
  if (syscalls == doc.end() || !syscalls->is_array()) {
    error = "no syscalls array";
    return false;
  }
  for (const auto& entry : *syscalls) {
    if (!entry.is_object()) {
      error = "a syscalls entry is not an object";
      return false;
    }
    bool ok = true;
    if (!profile_detail::Applies(entry, target, ok)) {
      ++out.skipped;
      continue;
    }
    if (!ok) {
      error = "malformed includes/excludes";
      return false;
    }
    ProfileRule rule;
    if (!profile_detail::StringList(entry, "names", rule.names)) {
      error = "names is not a list of strings";
      return false;
    }
    if (auto n = entry.find("name"); n != entry.end() && n->is_string()) {
      rule.names.push_back(n->get<std::string>());  // the pre-2018 single-name form
    }
    auto action = entry.find("action");
    int errno_ret = EPERM;
    if (auto e = entry.find("errnoRet"); e != entry.end() && e->is_number_unsigned()) {
      errno_ret = static_cast<int>(e->get<uint64_t>() & 0xffff);
    }
    if (action == entry.end() || !action->is_string() ||
        !ProfileAction(action->get<std::string>(), errno_ret, rule.action)) {
      error = "missing or unknown action";
      return false;
    }
    if (auto args = entry.find("args"); args != entry.end() && args->is_array()) {
      for (const auto& a : *args) {
        ProfileArg arg;
        auto index = a.find("index");
        auto value = a.find("value");
        auto op = a.find("op");
        if (!a.is_object() || index == a.end() || !index->is_number_unsigned() ||
            index->get<uint64_t>() > 5 || value == a.end() || !value->is_number_unsigned() ||
            op == a.end() || !op->is_string() || !ProfileOp(op->get<std::string>(), arg.op)) {
          error = "malformed args";
          return false;
        }
        arg.index = static_cast<unsigned>(index->get<uint64_t>());
        arg.value = value->get<uint64_t>();
        if (auto two = a.find("valueTwo"); two != a.end() && two->is_number_unsigned()) {
          arg.value_two = two->get<uint64_t>();
        }
        rule.args.push_back(arg);
      }
    }
    out.rules.push_back(std::move(rule));
  }
  return true;
}

}  // namespace preflight::testing
