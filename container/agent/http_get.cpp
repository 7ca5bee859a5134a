#include "container/agent/http_get.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cstring>

#include "container/agent/socket_io.h"
#include "container/base/text.h"

namespace preflight::container {
namespace {

Error Proto(std::string m) { return Error{EPROTO, std::move(m)}; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool ParseUnsigned(std::string_view s, int base, uint64_t max, uint64_t& out) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t n = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    if (n > max) return false;
  }
  out = n;
  return true;
}

// True once the response in `data` is complete, so we need not wait for the server's close.
// Cheap: only the headers are looked at, the body is not copied.
bool ResponseComplete(std::string_view data) {
  size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return false;
  std::string_view head = data.substr(0, head_end);
  size_t body_size = data.size() - head_end - 4;
  while (!head.empty()) {
    size_t e = head.find("\r\n");
    std::string_view line = head.substr(0, e);
    head = e == std::string_view::npos ? "" : head.substr(e + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = TrimSpace(line.substr(0, colon));
    std::string_view value = TrimSpace(line.substr(colon + 1));
    uint64_t length = 0;
    if (IEquals(name, "content-length") && ParseUnsigned(value, 10, uint64_t{1} << 40, length)) {
      return body_size >= length;
    }
    if (IEquals(name, "transfer-encoding") && IEquals(value, "chunked")) {
      return data.size() >= 5 && data.substr(data.size() - 5) == "0\r\n\r\n";
    }
  }
  return false;
}

}  // namespace

Expected<HttpUrl> ParseHttpUrl(std::string_view url) {
  const std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) {
    return Error{EINVAL,
                 "`" + std::string(url) + "` is not an http:// URL (e.g. http://127.0.0.1:19999)"};
  }
  std::string_view rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  HttpUrl u;
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return Error{EINVAL, "`" + std::string(url) + "`: unclosed '['"};
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Error{EINVAL, "`" + std::string(url) + "`: junk after ']'"};
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (host.empty()) return Error{EINVAL, "`" + std::string(url) + "` has no host"};
  if (!port.empty() || authority.back() == ':') {
    uint64_t p = 0;
    if (!ParseUnsigned(port, 10, 65535, p) || p == 0) {
      return Error{EINVAL, "`" + std::string(url) + "` has a bad port (1-65535)"};
    }
    u.port = static_cast<uint16_t>(p);
  }
  u.host = IEquals(host, "localhost") ? "127.0.0.1" : std::string(host);
  in6_addr a6;
  in_addr a4;
  if (::inet_pton(AF_INET, u.host.c_str(), &a4) != 1 &&
      ::inet_pton(AF_INET6, u.host.c_str(), &a6) != 1) {
    return Error{EINVAL, "`" + std::string(url) +
                             "`: the host must be an IP address or localhost (no DNS in probes)"};
  }
  u.base_path = std::string(path);
  return u;
}

namespace {

// The first bytes of an answer, printable, to show what answered instead (e.g. `SSH-2.0-...`).
std::string Opening(std::string_view raw) {
  std::string out;
  for (char c : raw.substr(0, 32)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

}  // namespace

Expected<HttpResponse> ParseHttpResponse(std::string_view raw) {
  // Not HTTP at all (another service on the port): say so, whatever else is wrong with it.
  if (raw.substr(0, 7) != std::string_view("HTTP/1.").substr(0, std::min<size_t>(raw.size(), 7))) {
    return Proto("not an HTTP/1.x response (it starts with `" + Opening(raw) + "`)");
  }
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return Proto("HTTP response headers are incomplete");
  std::string_view head = raw.substr(0, head_end);
  std::string_view body = raw.substr(head_end + 4);
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.substr(0, 7) != "HTTP/1." || status_line.size() < 12 || status_line[8] != ' ') {
    return Proto("not an HTTP/1.x response");
  }
  uint64_t code = 0;
  if (!ParseUnsigned(status_line.substr(9, 3), 10, 999, code) || code < 100) {
    return Proto("HTTP status code is not a number");
  }
  HttpResponse resp;
  resp.status = static_cast<int>(code);
  bool chunked = false;
  bool have_length = false;
  uint64_t length = 0;
  std::string_view headers = eol == std::string_view::npos ? "" : head.substr(eol + 2);
  while (!headers.empty()) {
    size_t e = headers.find("\r\n");
    std::string_view line = headers.substr(0, e);
    headers = e == std::string_view::npos ? "" : headers.substr(e + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = TrimSpace(line.substr(0, colon));
    std::string_view value = TrimSpace(line.substr(colon + 1));
    if (IEquals(name, "content-length")) {
      if (!ParseUnsigned(value, 10, uint64_t{1} << 40, length)) return Proto("bad Content-Length");
      have_length = true;
    } else if (IEquals(name, "transfer-encoding") && IEquals(value, "chunked")) {
      chunked = true;
    }
  }
  if (chunked) {
    std::string out;
    for (;;) {
      size_t e = body.find("\r\n");
      if (e == std::string_view::npos) return Proto("HTTP chunk size line is incomplete");
      std::string_view size_text = body.substr(0, e);
      size_text = size_text.substr(0, size_text.find(';'));
      uint64_t size = 0;
      if (!ParseUnsigned(TrimSpace(size_text), 16, uint64_t{1} << 40, size)) {
        return Proto("bad HTTP chunk size");
      }
      body.remove_prefix(e + 2);
      if (size == 0) break;
      if (body.size() < size + 2) return Proto("HTTP chunk is incomplete");
      out.append(body.substr(0, size));
      body.remove_prefix(size + 2);
    }
    resp.body = std::move(out);
  } else if (have_length) {
    if (body.size() < length) {
      return Proto("HTTP body is shorter than its Content-Length (" + std::to_string(body.size()) +
                   " of " + std::to_string(length) + " bytes): the answer was cut off");
    }
    resp.body = std::string(body.substr(0, length));
  } else {
    resp.body = std::string(body);  // to the end: the caller read until close
  }
  return resp;
}

Expected<HttpResponse> HttpGet(const HttpUrl& url, std::string_view path, Deadline deadline,
                               size_t max_bytes) {
  const std::string what = url.host + ":" + std::to_string(url.port);
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (::inet_pton(AF_INET, url.host.c_str(), &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET;
    s4->sin_port = htons(url.port);
    len = sizeof *s4;
  } else if (::inet_pton(AF_INET6, url.host.c_str(), &s6->sin6_addr) == 1) {
    family = AF_INET6;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(url.port);
    len = sizeof *s6;
  } else {
    return Error{EINVAL, "`" + url.host + "` is not an IP address"};
  }
  auto fd = ConnectBefore(family, reinterpret_cast<sockaddr*>(&ss), len, what, deadline);
  if (!fd.ok()) return fd.error();
  int one = 1;
  ::setsockopt(fd->get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::string host = family == AF_INET6 ? "[" + url.host + "]" : url.host;
  std::string req = "GET " + url.base_path + std::string(path) + " HTTP/1.1\r\nHost: " + host +
                    ":" + std::to_string(url.port) +
                    "\r\nUser-Agent: netdata-preflight\r\nAccept: application/json\r\n"
                    "Connection: close\r\n\r\n";
  if (auto s = WriteAllBefore(fd->get(), req, what, deadline); !s.ok()) return s.error();
  auto raw = ReadAllBefore(fd->get(), max_bytes, what, deadline, &ResponseComplete);
  if (!raw.ok()) return raw.error();
  if (raw->empty()) return Error{EPROTO, "GET `" + what + "`: connection closed without an answer"};
  return ParseHttpResponse(*raw);
}

}  // namespace preflight::container
