#pragma once
/// A one-thread HTTP server for `serve`: libevent's evhttp on one event loop, with timers
/// and SIGTERM/SIGINT handled by the same loop (no threads, ever). Requests are bounded:
/// headers 8 KiB, body 1 KiB, 5 s per connection, GET and HEAD only.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "container/expected.h"

namespace preflight::container {

struct ListenAddress {
  std::string host;  ///< IP literal
  uint16_t port = 0;
};

/// Parses HOST:PORT, [V6]:PORT, or :PORT (all interfaces). Port 0 = any free port. Pure.
Expected<ListenAddress> ParseListenAddress(std::string_view text);

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
  static Expected<std::unique_ptr<HttpServer>> Listen(const ListenAddress& addr, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The bound port (useful with port 0).
  uint16_t port() const;
  /// Calls `tick` every `period`, the first time as soon as Run starts.
  void Every(std::chrono::milliseconds period, std::function<void()> tick);
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
