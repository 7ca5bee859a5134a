#pragma once
/// A one-thread HTTP server for `serve`: libevent's evhttp on one event loop, with timers,
/// fd watches and SIGTERM/SIGINT handled by the same loop (no threads, ever). Requests are
/// bounded: headers 8 KiB, body 1 KiB, GET and HEAD only; a connection idle for 5 s is
/// dropped, and a connection that has not completed a request for 15 s is cut (a client
/// sending one byte per second cannot hold a slot for long; keep-alive scrapers are not cut).
/// When the process runs out of fds, the oldest connections are shut down to make room (one fd
/// is kept in reserve to find them), so that a health probe is still answered; accepting pauses
/// for 100 ms instead of spinning when there is nothing to shed. HEAD gets the headers with
/// Content-Length and no body; reason phrases are the standard ones.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "container/base/expected.h"

namespace preflight::container {

struct ListenAddress {
  std::string host;  ///< IP literal
  uint16_t port = 0;
};

/// Parses HOST:PORT, [V6]:PORT, or :PORT (all interfaces). Port 0 = any free port. Pure.
Expected<ListenAddress> ParseListenAddress(std::string_view text);

/// How long a server connection may live, idle or not.
struct HttpLimits {
  std::chrono::seconds idle{5};
  std::chrono::seconds lifetime{15};
};

class HttpServer {
 public:
  struct Request {
    std::string path;  ///< without the query string
  };
  struct Response {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
  };
  using Handler = std::function<Response(const Request&)>;

  /// Binds and listens; the error names the address.
  static Expected<std::unique_ptr<HttpServer>> Listen(const ListenAddress& addr, Handler handler,
                                                      HttpLimits limits = HttpLimits());
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The bound port (useful with port 0).
  uint16_t port() const;
  /// The bound address as a client would write it: 127.0.0.1:19998, [::1]:19998.
  std::string address() const;
  /// Calls `tick` every `period`, the first time as soon as Run starts.
  void Every(std::chrono::milliseconds period, std::function<void()> tick);
  /// Calls `on_readable` whenever `fd` is readable, until Unwatch(fd). The fd stays the
  /// caller's.
  void Watch(int fd, std::function<void()> on_readable);
  void Unwatch(int fd);
  /// Serves until SIGTERM or SIGINT (or Stop); returns the signal number (0 for Stop).
  int Run();
  /// Makes Run return after the current callback.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace preflight::container
