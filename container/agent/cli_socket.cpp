#include "container/agent/cli_socket.h"

#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>

#include "container/agent/agent_parse.h"
#include "container/agent/socket_io.h"

namespace preflight::container {
namespace {

constexpr size_t kMaxReply = 1 << 20;  // aclk-state json of a parent with many children fits

bool IsSocket(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace

std::vector<std::string> CliSocketCandidates(const EnvMap& env) {
  std::vector<std::string> out;
  if (auto it = env.find("NETDATA_PIPENAME"); it != env.end() && !it->second.empty()) {
    out.push_back(it->second);
  }
  if (auto it = env.find("NETDATA_RUN_DIR"); it != env.end() && !it->second.empty()) {
    out.push_back(it->second + "/netdata.pipe");
  }
  for (const char* dir : {"/run/netdata", "/var/run/netdata", "/tmp/netdata"}) {
    out.push_back(std::string(dir) + "/netdata.pipe");
  }
  out.push_back("/tmp/netdata-ipc");
  return out;
}

Expected<std::string> FindCliSocket(const EnvMap& env, const std::string& explicit_path) {
  if (!explicit_path.empty()) {
    if (!IsSocket(explicit_path)) {
      struct stat st {};
      if (::stat(explicit_path.c_str(), &st) != 0) return Errno("--cli-socket", explicit_path);
      return Error{ENOTSOCK, "--cli-socket `" + explicit_path + "` is not a socket"};
    }
    return explicit_path;
  }
  std::string tried;
  for (const auto& c : CliSocketCandidates(env)) {
    if (IsSocket(c)) return c;
    tried += (tried.empty() ? "" : ", ") + c;
  }
  return Error{ENOENT, "no netdatacli socket found (looked at " + tried + ")"};
}

Expected<CliReply> CliCall(const std::string& path, std::string_view command, Deadline deadline) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return Error{ENAMETOOLONG, "netdatacli socket path `" + path + "` is longer than 107 bytes"};
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  auto fd = ConnectBefore(AF_UNIX, reinterpret_cast<sockaddr*>(&addr), sizeof addr, path, deadline);
  if (!fd.ok()) return fd.error();
  if (auto s = WriteAllBefore(fd->get(), command, path, deadline); !s.ok()) return s.error();
  // The agent answers only after it sees EOF on its side.
  ::shutdown(fd->get(), SHUT_WR);
  auto raw = ReadAllBefore(fd->get(), kMaxReply, path, deadline);
  if (!raw.ok()) return raw.error();
  auto reply = ParseCliReply(*raw);
  if (!reply.ok()) return Error{EPROTO, "`" + path + "`: " + reply.error().message};
  return reply;
}

}  // namespace preflight::container
