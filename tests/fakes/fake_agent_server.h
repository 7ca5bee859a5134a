#pragma once
/// A fake running agent for component and black-box tests: a real unix socket speaking the
/// netdatacli protocol (read to the client's half-close, answer `X<status>\0O<message>`)
/// and a real loopback HTTP server answering /api/v1/info, /api/v1/aclk, /api/v2/info and
/// /api/v3/info from the captures in tests/fixtures/agent/<version>/<state>/. It runs in a
/// forked child (no threads); Use() switches the state for the next request.
///
/// Modes besides the captures: "hang" (accept, never answer), "bearer:<capture>" (v2 and v1
/// answer 401, v3 serves the capture).

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace preflight::testing {

class FakeAgentServer {
 public:
  /// Serves `scenario` ("v2.x/online") with the socket at `dir`/netdata.pipe.
  FakeAgentServer(const std::string& dir, const std::string& scenario) : dir_(dir) {
    Use(scenario);
    socket_path_ = dir + "/netdata.pipe";
    ::unlink(socket_path_.c_str());
    int unix_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un ua{};
    ua.sun_family = AF_UNIX;
    std::strncpy(ua.sun_path, socket_path_.c_str(), sizeof ua.sun_path - 1);
    if (::bind(unix_fd, reinterpret_cast<sockaddr*>(&ua), sizeof ua) != 0 ||
        ::listen(unix_fd, 64) != 0) {
      std::abort();
    }
    int tcp_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in ta{};
    ta.sin_family = AF_INET;
    ta.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof ta;
    if (::bind(tcp_fd, reinterpret_cast<sockaddr*>(&ta), sizeof ta) != 0 ||
        ::listen(tcp_fd, 64) != 0 ||
        ::getsockname(tcp_fd, reinterpret_cast<sockaddr*>(&ta), &len) != 0) {
      std::abort();
    }
    port_ = ntohs(ta.sin_port);
    pid_ = ::fork();
    if (pid_ == 0) {
      Serve(unix_fd, tcp_fd);
      ::_exit(0);
    }
    ::close(unix_fd);
    ::close(tcp_fd);
  }
  ~FakeAgentServer() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    ::unlink(socket_path_.c_str());
  }
  FakeAgentServer(const FakeAgentServer&) = delete;
  FakeAgentServer& operator=(const FakeAgentServer&) = delete;

  /// Switches what the next request sees: a capture ("v1.44/banned") or a mode ("hang").
  void Use(const std::string& scenario) {
    std::ofstream(dir_ + "/scenario.tmp") << scenario;
    ::rename((dir_ + "/scenario.tmp").c_str(), (dir_ + "/scenario").c_str());
  }
  const std::string& socket_path() const { return socket_path_; }
  uint16_t port() const { return port_; }
  std::string api() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Requests served so far are not counted; the child logs each to `dir`/requests.
  std::vector<std::string> Requests() const {
    std::ifstream in(dir_ + "/requests");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  static std::string FixtureDir() {
    return std::string(PREFLIGHT_SOURCE_DIR) + "/tests/fixtures/agent";
  }

 private:
  static std::string Slurp(const std::string& path, bool* found = nullptr) {
    std::ifstream in(path, std::ios::binary);
    if (found != nullptr) *found = static_cast<bool>(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // "hang", "bearer:<capture>" or "<capture>".
  std::string Raw() const { return Slurp(dir_ + "/scenario"); }
  std::string Scenario() const {
    std::string s = Raw();
    size_t c = s.find(':');
    return c == std::string::npos ? s : s.substr(c + 1);
  }
  std::string Mode() const {
    std::string s = Raw();
    size_t c = s.find(':');
    return c == std::string::npos ? (s == "hang" ? s : "") : s.substr(0, c);
  }
  bool Exists(const std::string& name) const {
    return ::access((FixtureDir() + "/" + Scenario() + "/" + name).c_str(), F_OK) == 0;
  }
  std::string Fixture(const std::string& name, bool* found) const {
    return Slurp(FixtureDir() + "/" + Scenario() + "/" + name, found);
  }
  void Log(const std::string& what) const {
    std::ofstream(dir_ + "/requests", std::ios::app) << what << "\n";
  }

  // Reads until `complete(data)` or EOF; at most 64 KiB.
  static std::string ReadRequest(int fd, bool (*complete)(const std::string&)) {
    std::string data;
    char buf[4096];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) break;
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
      if (data.size() > 65536 || (complete != nullptr && complete(data))) break;
    }
    return data;
  }
  static void WriteAll(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  std::string CliAnswer(const std::string& command) const {
    const bool init = Exists("INITIALIZING");
    auto ok = [](const std::string& msg) { return std::string("X0\0O", 4) + msg; };
    if (command == "ping") return init ? std::string("X1\0Opong", 8) : ok("pong");
    if (command == "aclk-state" || command == "aclk-state json") {
      if (init) return ok("Agent is initializing");
      bool found = false;
      std::string body = Fixture(command == "aclk-state" ? "aclk-state.txt" : "aclk.json", &found);
      if (found) return ok(body);
    }
    return std::string("X1\0E", 4) + "Illegal command. Please type \"help\" for instructions.";
  }

  std::string HttpAnswer(const std::string& request) const {
    std::string path = request.substr(0, request.find("\r\n"));
    if (path.rfind("GET ", 0) == 0) path = path.substr(4, path.find(' ', 4) - 4);
    Log("GET " + path);
    auto reply = [](int code, const std::string& body) {
      return "HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Type: application/json\r\n" +
             "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
             body;
    };
    if (Exists("INITIALIZING")) return reply(503, "Netdata is starting. Please try again later.");
    const bool bearer = Mode() == "bearer";
    if (bearer && path != "/api/v3/info") return reply(401, "You need to be authorized");
    std::string file = path == "/api/v1/info"   ? "info.json"
                       : path == "/api/v1/aclk" ? "aclk.json"
                       : path == "/api/v2/info" ? "v2-info.json"
                       : path == "/api/v3/info" ? "v3-info.json"
                                                : "";
    bool found = false;
    std::string body = file.empty() ? "" : Fixture(file, &found);
    if (!found) return reply(404, "Unsupported API version: " + path);
    return reply(200, body);
  }

  void Serve(int unix_fd, int tcp_fd) {
    for (;;) {
      pollfd p[2] = {{unix_fd, POLLIN, 0}, {tcp_fd, POLLIN, 0}};
      if (::poll(p, 2, -1) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if ((p[i].revents & POLLIN) == 0) continue;
        int c = ::accept4(p[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        if (Mode() == "hang") {
          hung_.push_back(c);  // keep it open, never answer
          continue;
        }
        if (i == 0) {
          std::string cmd = ReadRequest(c, nullptr);  // to the half-close
          Log("cli " + cmd);
          WriteAll(c, CliAnswer(cmd));
        } else {
          std::string req = ReadRequest(
              c, [](const std::string& d) { return d.find("\r\n\r\n") != std::string::npos; });
          WriteAll(c, HttpAnswer(req));
        }
        ::close(c);
      }
    }
  }

  std::string dir_;
  std::string socket_path_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::vector<int> hung_;
};

}  // namespace preflight::testing
