#include "checks/agent_user.h"

#include <cstdio>

#include "container/passwd.h"

namespace preflight::checks {

std::string AgentUser::Label() const {
  return name + " (uid " + std::to_string(uid) + (self ? "" : ", gid " + std::to_string(gid)) + ")";
}

std::string AgentUser::Owner() const {
  return std::to_string(uid) + (self ? "" : ":" + std::to_string(gid));
}

AgentUser FindAgentUser(container::System& sys) {
  AgentUser user;
  if (sys.Euid() != 0) {
    user.name = "this user";
    user.uid = sys.Euid();
    user.self = true;
    user.source = "this process";
    return user;
  }
  auto docker_usr = sys.Env().find("DOCKER_USR");
  const std::string name =
      docker_usr != sys.Env().end() && !docker_usr->second.empty() ? docker_usr->second : "netdata";
  user.name = Printable(name);
  if (auto passwd = sys.ReadFile("/etc/passwd", 1 << 20, true); passwd.ok()) {
    if (auto ids = container::FindUser(*passwd, name)) {
      user.uid = ids->uid;
      user.gid = ids->gid;
      user.source = "/etc/passwd";
    }
  }
  return user;
}

bool Allows(container::System& sys, const AgentUser& user, const std::string& path,
            const container::FileInfo& info, int want) {
  if (user.self) return sys.Access(path, want) == 0;
  if (user.uid == 0) return true;
  unsigned bits = info.uid == user.uid   ? (info.mode >> 6) & 7u
                  : info.gid == user.gid ? (info.mode >> 3) & 7u
                                         : info.mode & 7u;
  return (bits & static_cast<unsigned>(want)) == static_cast<unsigned>(want);
}

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string Ownership(const container::FileInfo& info) {
  std::string ids = std::to_string(info.uid) + ":" + std::to_string(info.gid);
  return info.uid == 0 ? "root (" + ids + ", mode " + Octal(info.mode) + ")"
                       : "uid:gid " + ids + " (mode " + Octal(info.mode) + ")";
}

std::string Printable(std::string_view value, size_t max) {
  std::string out;
  for (char c : value.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (value.size() > max) out += "...";
  return out;
}

}  // namespace preflight::checks
