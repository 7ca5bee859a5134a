#pragma once
/// Test-side HTTP/1.0 GET over loopback with a timeout, and a background process, for the
/// black-box tests of `serve`.

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace preflight::testing {

/// A connected loopback TCP socket (blocking), or -1.
inline int ConnectLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

struct HttpAnswer {
  int status = 0;  ///< 0 = no answer
  std::string body;
  std::string raw;
};

/// Sends `request` on a new connection and reads to EOF (or `timeout`).
inline HttpAnswer RawRequest(uint16_t port, const std::string& request,
                             std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
  HttpAnswer a;
  int fd = ConnectLoopback(port);
  if (fd < 0) return a;
  size_t off = 0;
  while (off < request.size()) {
    ssize_t n = ::send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  auto end = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    a.raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (a.raw.rfind("HTTP/1.", 0) == 0 && a.raw.size() > 12) a.status = std::stoi(a.raw.substr(9, 3));
  size_t body = a.raw.find("\r\n\r\n");
  if (body != std::string::npos) a.body = a.raw.substr(body + 4);
  return a;
}

inline HttpAnswer Get(uint16_t port, const std::string& path,
                      std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
  return RawRequest(port, "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", timeout);
}

/// A program running in the background, stdout+stderr to `log`; killed when destroyed.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& log) {
    std::vector<char*> args;
    std::vector<std::string> copy = argv;
    for (auto& s : copy) args.push_back(s.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  /// Sends `sig` and waits up to `budget`; the wait status, or -1 if it did not end.
  int StopWith(int sig, std::chrono::milliseconds budget) {
    ::kill(pid_, sig);
    auto end = std::chrono::steady_clock::now() + budget;
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      ::usleep(20 * 1000);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace preflight::testing
