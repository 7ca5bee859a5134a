#pragma once
/// A minimal HTTP/1.1 GET to the local agent over a non-blocking TCP socket: one request,
/// bounded size and time, no redirects, no TLS, no name service (IP literals and
/// "localhost" only — a probe must cost milliseconds and never block on DNS).

#include <cstdint>
#include <string>
#include <string_view>

#include "container/agent/agent_client.h"

namespace preflight::container {

struct HttpUrl {
  std::string host;  ///< IP literal (IPv6 without brackets)
  uint16_t port = 80;
  std::string base_path;  ///< prefix before /api/..., no trailing '/'
};

/// Parses http://HOST[:PORT][/PATH]. Pure. "localhost" becomes 127.0.0.1.
Expected<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpResponse {
  int status = 0;
  std::string body;
};

/// Parses a complete HTTP/1.x response: status line, headers, body by Content-Length,
/// chunked, or to the end. Pure.
Expected<HttpResponse> ParseHttpResponse(std::string_view raw);

/// GET base_path + path. Errors: ECONNREFUSED, ETIMEDOUT, EMSGSIZE (over `max_bytes`), EPROTO.
Expected<HttpResponse> HttpGet(const HttpUrl& url, std::string_view path, Deadline deadline,
                               size_t max_bytes = 4 << 20);

}  // namespace preflight::container
