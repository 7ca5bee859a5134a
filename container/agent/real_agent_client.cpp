#include "container/agent/real_agent_client.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "container/agent/agent_parse.h"
#include "container/agent/cli_socket.h"
#include "container/base/unique_fd.h"

namespace preflight::container {
namespace {

constexpr size_t kMaxStatusFile = 1 << 20;

std::string ApiName(const HttpUrl& u) {
  return "http://" + u.host + ":" + std::to_string(u.port) + u.base_path;
}

// Maps an HTTP status other than 200 to the error codes of agent_client.h.
Error HttpError(const HttpUrl& u, std::string_view path, int status) {
  std::string what = "GET " + ApiName(u) + std::string(path) + ": HTTP " + std::to_string(status);
  switch (status) {
    case 503:
      return Error{EAGAIN, what + " (the agent is still initializing)"};
    case 401:
    case 403:
      return Error{EACCES, what + " (bearer protection is on; use the netdatacli socket instead)"};
    case 404:
      return Error{ENOTSUP, what + " (this agent version does not have it)"};
    default:
      return Error{EPROTO, what};
  }
}

Expected<std::string> Get200(const HttpUrl& u, std::string_view path, Deadline deadline) {
  auto resp = HttpGet(u, path, deadline);
  if (!resp.ok()) return resp.error();
  if (resp->status != 200) return HttpError(u, path, resp->status);
  return std::move(resp->body);
}

// `aclk-state json`, then the text form: agents that do not know the json argument either
// ignore it (text answer) or refuse the command.
Expected<AclkState> AclkViaSocket(const std::string& sock, Deadline deadline) {
  std::string refused;
  for (const char* command : {"aclk-state json", "aclk-state"}) {
    auto reply = CliCall(sock, command, deadline);
    if (!reply.ok()) return reply.error();
    if (reply->status != 0) {
      refused = "netdatacli `" + std::string(command) + "` failed (status " +
                std::to_string(reply->status) + "): " + reply->err + reply->out;
      continue;
    }
    auto st = ParseAclkStateJson(reply->out);
    if (!st.ok()) st = ParseAclkStateText(reply->out);
    if (!st.ok()) return Error{EPROTO, "`" + sock + "`: " + st.error().message};
    st->source = "netdatacli " + std::string(command) + " (" + sock + ")";
    return st;
  }
  return Error{ENOTSUP, refused};
}

// The socket to ask, unless --cli-socket none asks for the HTTP API only.
Expected<std::string> SocketFor(const AgentTarget& t, const EnvMap& env) {
  if (t.cli_socket == kApiOnly) return Error{ENOENT, "--cli-socket none: HTTP API only"};
  return FindCliSocket(env, t.cli_socket);
}

// --cli-socket PATH: that socket and nothing else.
bool SocketOnly(const AgentTarget& t) { return !t.cli_socket.empty() && t.cli_socket != kApiOnly; }

// Which of two RFC 3339 UTC timestamps is newer (same format: a string compare).
bool Newer(const StatusFile& a, const StatusFile& b) { return a.timestamp > b.timestamp; }

}  // namespace

Expected<HttpUrl> EffectiveApi(const AgentTarget& target, const EnvMap& env) {
  auto u = ParseHttpUrl(target.api);
  if (!u.ok()) return Error{EINVAL, "--api: " + u.error().message};
  if (!target.api_explicit) {
    if (auto it = env.find("NETDATA_LISTENER_PORT"); it != env.end() && !it->second.empty()) {
      auto p = ParseHttpUrl("http://127.0.0.1:" + it->second);
      if (!p.ok()) {
        return Error{EINVAL, "NETDATA_LISTENER_PORT `" + it->second + "` is not a port (1-65535)"};
      }
      u->port = p->port;
    }
  }
  return u;
}

Expected<AgentPing> RealAgentClient::Ping(const AgentTarget& target, Deadline deadline) {
  auto sock = SocketFor(target, env_);
  Error socket_error;
  if (sock.ok()) {
    auto reply = CliCall(*sock, "ping", deadline);
    if (reply.ok()) {
      AgentPing p;
      p.via = "socket " + *sock;
      p.ready = reply->status == 0;
      if (!p.ready) {
        p.detail = reply->status == 1
                       ? "the agent is initializing"
                       : "netdatacli ping answered status " + std::to_string(reply->status);
      }
      return p;
    }
    socket_error = reply.error();
    if (SocketOnly(target)) return socket_error;  // asked for this socket only
  } else if (SocketOnly(target)) {
    return sock.error();
  }
  auto api = EffectiveApi(target, env_);
  if (!api.ok()) return api.error();
  auto resp = HttpGet(*api, "/api/v1/info", deadline);
  if (!resp.ok()) {
    if (!socket_error.message.empty()) {
      return Error{socket_error.code, socket_error.message + "; " + resp.error().message};
    }
    return resp.error();
  }
  AgentPing p;
  p.via = ApiName(*api);
  p.ready = resp->status == 200 || resp->status == 401;  // 401: running, bearer-protected
  if (resp->status == 503) {
    p.detail = "the agent is initializing (HTTP 503)";
  } else if (!p.ready) {
    p.detail = "GET /api/v1/info answered HTTP " + std::to_string(resp->status);
  }
  return p;
}

Expected<AclkState> RealAgentClient::Aclk(const AgentTarget& target, Deadline deadline) {
  auto sock = SocketFor(target, env_);
  Error socket_error;
  if (sock.ok()) {
    auto st = AclkViaSocket(*sock, deadline);
    if (st.ok() || SocketOnly(target)) return st;
    socket_error = st.error();
  } else if (SocketOnly(target)) {
    return sock.error();
  }
  auto api = EffectiveApi(target, env_);
  if (!api.ok()) return api.error();
  auto body = Get200(*api, "/api/v1/aclk", deadline);
  if (!body.ok()) {
    if (!socket_error.message.empty()) {
      return Error{socket_error.code, socket_error.message + "; " + body.error().message};
    }
    return body.error();
  }
  auto st = ParseAclkStateJson(*body);
  if (!st.ok()) return Error{EPROTO, "GET /api/v1/aclk: " + st.error().message};
  st->source = "GET " + ApiName(*api) + "/api/v1/aclk";
  return st;
}

Expected<AgentInfo> RealAgentClient::Info(const AgentTarget& target, Deadline deadline) {
  auto api = EffectiveApi(target, env_);
  if (!api.ok()) return api.error();
  auto body = Get200(*api, "/api/v1/info", deadline);
  if (!body.ok()) return body.error();
  return ParseAgentInfo(*body);
}

Expected<CloudStatus> RealAgentClient::Cloud(const AgentTarget& target, Deadline deadline) {
  auto api = EffectiveApi(target, env_);
  if (!api.ok()) return api.error();
  Error last;
  for (const char* path : {"/api/v3/info", "/api/v2/info"}) {
    auto body = Get200(*api, path, deadline);
    if (!body.ok()) {
      last = body.error();
      if (last.code == ENOTSUP) continue;  // v2 only before v2.0
      return last;
    }
    auto cs = ParseCloudStatus(*body);
    if (!cs.ok()) return cs.error();
    cs->source = "GET " + ApiName(*api) + path;
    return cs;
  }
  return Error{ENOTSUP, "the agent has neither /api/v3/info nor /api/v2/info (older than v1.41)"};
}

Expected<StatusFile> RealAgentClient::ReadStatusFile(const AgentTarget& target) {
  std::optional<StatusFile> best;
  std::string tried;
  Error parse_error;
  for (const std::string& dir : {target.var_lib, target.cache_dir, std::string("/tmp"),
                                 std::string("/run"), std::string("/var/run")}) {
    if (dir.empty()) continue;
    const std::string path = dir + "/status-netdata.json";
    tried += (tried.empty() ? "" : ", ") + path;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) continue;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    std::string data;
    char buf[16384];
    ssize_t n;
    while (data.size() < kMaxStatusFile && (n = ::read(fd.get(), buf, sizeof buf)) > 0) {
      data.append(buf, static_cast<size_t>(n));
    }
    auto sf = ParseStatusFile(data);
    if (!sf.ok()) {
      parse_error = Error{EPROTO, path + ": " + sf.error().message};
      continue;
    }
    sf->path = path;
    if (!best || Newer(*sf, *best)) best = std::move(*sf);
  }
  if (best) return *best;
  if (!parse_error.message.empty()) return parse_error;
  return Error{ENOENT, "no status-netdata.json (looked at " + tried + ")"};
}

}  // namespace preflight::container
