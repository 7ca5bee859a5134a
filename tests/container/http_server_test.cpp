// The evhttp server of `serve`, run in a forked child (no threads): a slow client is cut
// after the lifetime, an idle one after the idle timeout, others are answered meanwhile,
// SIGTERM ends Run() with the signal's number.
#include "container/http_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>

#include "blackbox/http_client.h"

namespace preflight::container {
namespace {

using namespace std::chrono_literals;
using preflight::testing::ConnectLoopback;
using preflight::testing::Get;

// fault: input | --listen "19998", "host:80", "127.0.0.1:", port 65536, "[::1:80", "[:80", "1.2.3.4:8x" | rejected with an error naming --listen
TEST(ParseListenAddress, FormsAndErrors) {
  auto a = ParseListenAddress("127.0.0.1:19998");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 19998);
  EXPECT_EQ(ParseListenAddress("[::1]:80")->host, "::1");
  EXPECT_EQ(ParseListenAddress(":19998")->host, "0.0.0.0");
  EXPECT_EQ(ParseListenAddress("localhost:1")->host, "127.0.0.1");
  for (const char* bad :
       {"19998", "host:80", "127.0.0.1:", "127.0.0.1:65536", "[::1:80", "[:80", "1.2.3.4:8x"}) {
    auto r = ParseListenAddress(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("--listen"), std::string::npos);
    }
  }
}

// A server with short limits in a child process; its port comes back through a pipe.
class ServerChild {
 public:
  ServerChild() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[0]);
      HttpLimits limits;
      limits.idle = 1s;
      limits.lifetime = 2s;
      auto server = HttpServer::Listen(
          {"127.0.0.1", 0},
          [](const HttpServer::Request& r) {
            HttpServer::Response resp;
            resp.body = "path " + r.path + "\n";
            return resp;
          },
          limits);
      if (!server.ok()) ::_exit(2);
      uint16_t port = (*server)->port();
      if (::write(fds[1], &port, sizeof port) != sizeof port) ::_exit(3);
      ::close(fds[1]);
      ::_exit((*server)->Run());
    }
    ::close(fds[1]);
    EXPECT_EQ(::read(fds[0], &port_, sizeof port_), static_cast<ssize_t>(sizeof port_));
    ::close(fds[0]);
  }
  ~ServerChild() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  uint16_t port() const { return port_; }
  int Terminate() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// Seconds until the server closes `fd`, sending one byte of `trickle` every 300 ms (none when
// empty); -1 if it stayed open for `budget`.
double SecondsUntilClosed(int fd, const std::string& trickle, std::chrono::seconds budget) {
  auto start = std::chrono::steady_clock::now();
  size_t sent = 0;
  while (std::chrono::steady_clock::now() - start < budget) {
    if (!trickle.empty()) {
      ::send(fd, trickle.data() + (sent++ % trickle.size()), 1, MSG_NOSIGNAL);
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 300) > 0) {
      char c;
      if (::recv(fd, &c, 1, MSG_DONTWAIT) <= 0) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
    }
  }
  return -1;
}

// fault: serve | client trickling a header one byte per 300 ms | cut after the connection lifetime (1.5–5 s) while other requests get 200
// fault: serve | idle connection that never sends | closed after the idle timeout
TEST(HttpServer, ServesAndCutsSlowAndIdleClients) {
  ServerChild server;
  auto ok = Get(server.port(), "/x?y=1");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "path /x\n");
  int idle = ConnectLoopback(server.port());
  int slow = ConnectLoopback(server.port());
  ASSERT_GE(idle, 0);
  ASSERT_GE(slow, 0);
  // The slow client keeps the idle timeout from firing; the lifetime (2 s, checked every
  // second) still ends it. Meanwhile others are answered.
  double slow_closed = SecondsUntilClosed(slow, "GET / HTTP/1.1\r\nX-A: aaaaaaaaaaaaaaaaaaaa", 8s);
  EXPECT_GT(slow_closed, 1.5);
  EXPECT_LT(slow_closed, 5.0);
  EXPECT_EQ(Get(server.port(), "/still").status, 200);
  double idle_closed = SecondsUntilClosed(idle, "", 4s);
  EXPECT_GE(idle_closed, 0.0) << "the idle connection was never closed";
  ::close(idle);
  ::close(slow);
}

// fault: serve | POST with a body; a 64 KiB header | not served (no 200); the next GET still 200
TEST(HttpServer, RejectsPostAndOversizedHeaders) {
  ServerChild server;
  auto post = preflight::testing::RawRequest(server.port(),
                                             "POST / HTTP/1.0\r\nContent-Length: 1\r\n\r\nx", 3s);
  EXPECT_NE(post.status, 200) << post.raw;
  auto big = preflight::testing::RawRequest(
      server.port(), "GET / HTTP/1.0\r\nX-Big: " + std::string(64 * 1024, 'b') + "\r\n\r\n", 3s);
  EXPECT_NE(big.status, 200);
  EXPECT_EQ(Get(server.port(), "/after").status, 200);
}

// fault: signals | SIGTERM to the server's event loop | Run() returns with SIGTERM's number
TEST(HttpServer, SigtermEndsRunWithTheSignal) {
  ServerChild server;
  ASSERT_EQ(Get(server.port(), "/").status, 200);
  int status = server.Terminate();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), SIGTERM);
}

}  // namespace
}  // namespace preflight::container
