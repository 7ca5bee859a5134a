// The evhttp server of `serve`, run in a forked child (no threads): a slow client is cut
// after the lifetime, an idle one after the idle timeout, others are answered meanwhile,
// SIGTERM ends Run() with the signal's number.
#include "container/server/http_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
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
  /// `max_fds` > 0: the child's RLIMIT_NOFILE, to run it out of descriptors.
  explicit ServerChild(rlim_t max_fds = 0, std::chrono::seconds idle = 1s,
                       std::chrono::seconds lifetime = 2s) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[0]);
      if (max_fds > 0) {
        rlimit rl{max_fds, max_fds};
        if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) ::_exit(4);
      }
      HttpLimits limits;
      limits.idle = idle;
      limits.lifetime = lifetime;
      auto server = HttpServer::Listen(
          {"127.0.0.1", 0},
          [](const HttpServer::Request& r) {
            HttpServer::Response resp;
            resp.body = "path " + r.path + "\n";
            if (r.path == "/missing") resp.status = 404;
            if (r.path == "/unready") resp.status = 503;
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

// fault: serve | HEAD /healthz, then a pipelined GET on the same connection | HEAD gets the headers with Content-Length of the GET body and no body; the GET answer follows intact
TEST(HttpServer, HeadHasContentLengthAndNoBody) {
  ServerChild server;
  auto both = preflight::testing::RawRequest(
      server.port(),
      "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string& raw = both.raw;
  const auto second = raw.find("HTTP/1.1", 1);
  ASSERT_NE(second, std::string::npos) << raw;
  const std::string head = raw.substr(0, second);
  EXPECT_NE(head.find("Content-Length: 8\r\n"), std::string::npos) << head;  // "path /h\n"
  EXPECT_EQ(head.find("path /h"), std::string::npos) << "HEAD sent a body:\n" << raw;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << head;
  EXPECT_NE(raw.find("path /g\n", second), std::string::npos) << raw;
}

// fault: serve | a 404 and a 503 answer | status lines "404 Not Found" and "503 Service Unavailable", not "Error"
TEST(HttpServer, StandardReasonPhrases) {
  ServerChild server;
  auto missing = preflight::testing::RawRequest(server.port(), "GET /missing HTTP/1.0\r\n\r\n");
  EXPECT_EQ(missing.raw.substr(8, 16), " 404 Not Found\r\n") << missing.raw;
  auto unready = preflight::testing::RawRequest(server.port(), "GET /unready HTTP/1.0\r\n\r\n");
  EXPECT_EQ(unready.raw.substr(8, 26), " 503 Service Unavailable\r\n") << unready.raw;
  auto ok = preflight::testing::RawRequest(server.port(), "GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(ok.raw.substr(8, 9), " 200 OK\r\n") << ok.raw;
}

// fault: serve | RLIMIT_NOFILE 64 and 100 idle connections holding every fd | a new request is still answered within 1 s: the oldest idle connections are shed (a reserve fd finds them)
TEST(HttpServer, OutOfFdsShedsTheOldestIdleConnection) {
  ServerChild server(64, 60s, 120s);  // no timeout frees a slot during the test
  std::vector<int> idle;
  for (int i = 0; i < 100; ++i) {
    int fd = ConnectLoopback(server.port());  // the kernel's backlog takes what accept cannot
    if (fd >= 0) idle.push_back(fd);
  }
  ASSERT_GE(idle.size(), 70u);
  const auto start = std::chrono::steady_clock::now();
  auto answer = preflight::testing::RawRequest(server.port(), "GET /healthz HTTP/1.0\r\n\r\n", 4s);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(answer.status, 200) << answer.raw;
  EXPECT_LT(took, 1.0);
  // The oldest were the ones shed: the first connection was closed by the server.
  pollfd p{idle.front(), POLLIN, 0};
  char c;
  EXPECT_TRUE(::poll(&p, 1, 0) > 0 && ::recv(idle.front(), &c, 1, MSG_DONTWAIT) == 0)
      << "the oldest idle connection is still open";
  for (int fd : idle) ::close(fd);
}

}  // namespace
}  // namespace preflight::container
