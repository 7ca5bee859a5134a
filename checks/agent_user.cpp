#include "checks/agent_user.h"

#include <cstdio>

#include "container/base/text.h"
#include "container/host/process_table.h"
#include "container/parse/ini.h"
#include "container/parse/passwd.h"

namespace preflight::checks {

std::string AgentUser::Label() const {
  return name + " (uid " + std::to_string(uid) + (self ? "" : ", gid " + std::to_string(gid)) + ")";
}

std::string AgentUser::Owner() const {
  return std::to_string(uid) + (self ? "" : ":" + std::to_string(gid));
}

std::optional<container::RunningProcess> FindThisNodesAgent(container::System& sys,
                                                            const Inputs& in) {
  if (in.hands_off) return std::nullopt;
  return container::FindRunningProcess(sys, "netdata",
                                       {sys.RealPath(in.var_lib).value_or(in.var_lib),
                                        sys.RealPath(in.cache_dir).value_or(in.cache_dir)});
}

AgentUser FindAgentUser(container::System& sys, const std::string& config_dir,
                        const std::optional<container::RunningProcess>& running) {
  AgentUser user;
  auto passwd = sys.ReadFile("/etc/passwd", 1 << 20, true);
  if (running) {
    user.uid = running->euid;
    user.started_as_root = false;
    user.source = "the running agent (pid " + std::to_string(running->pid) + ")";
    user.name = "uid " + std::to_string(running->euid);
    if (passwd.ok()) {
      if (auto named = container::FindUserById(*passwd, running->euid)) {
        user.name = Printable(named->name);
        user.gid = named->ids.gid;
        return user;
      }
    }
    user.gid = running->euid;  // no passwd entry: the usual private group
    return user;
  }
  if (sys.Euid() != 0) {
    user.name = "this user";
    user.uid = sys.Euid();
    user.self = true;
    user.started_as_root = false;
    user.source = "this process";
    return user;
  }
  std::string name = "netdata";
  user.source = "the default";
  auto docker_usr = sys.Env().find("DOCKER_USR");
  if (docker_usr != sys.Env().end() && !docker_usr->second.empty()) {
    name = docker_usr->second;
    user.source = "DOCKER_USR";
  } else if (!sys.Stat("/usr/sbin/run.sh", true).ok()) {
    // Not the official image's entrypoint (it passes -u "$DOCKER_USR", default netdata): the
    // agent takes `run as user` from netdata.conf.
    if (auto conf = sys.ReadFile(config_dir + "/netdata.conf", 1 << 20, true); conf.ok()) {
      const container::IniFile ini = container::ParseIni(*conf);
      if (const auto* e = ini.Find("global", "run as user"); e != nullptr && !e->value.empty()) {
        name = e->value;
        user.source = "netdata.conf run as user";
      }
    }
  }
  user.name = Printable(name);
  if (passwd.ok()) {
    if (auto ids = container::FindUser(*passwd, name)) {
      user.uid = ids->uid;
      user.gid = ids->gid;
      user.source += ", ids from /etc/passwd";
      return user;
    }
  }
  user.source += ", the image's default ids";
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

std::string Ownership(const container::FileInfo& info) {
  std::string ids = std::to_string(info.uid) + ":" + std::to_string(info.gid);
  return info.uid == 0 ? "root (" + ids + ", mode " + container::Octal(info.mode) + ")"
                       : "uid:gid " + ids + " (mode " + container::Octal(info.mode) + ")";
}

std::string Printable(std::string_view value, size_t max) {
  std::string out;
  for (char c : value.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (value.size() > max) out += "...";
  return out;
}

}  // namespace preflight::checks
