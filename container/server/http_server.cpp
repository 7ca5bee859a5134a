#include "container/server/http_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <map>
#include <vector>

#include "container/base/unique_fd.h"

namespace preflight::container {
namespace {

constexpr size_t kMaxHeaders = 8 * 1024;  // enough for any probe or scraper
constexpr size_t kMaxBody = 1024;         // we only serve GET
constexpr size_t kShedAtOnce = 8;         // connections closed per accept that ran out of fds

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return status < 400 ? "OK" : "Error";
  }
}

struct EventFree {
  void operator()(event* e) const { event_free(e); }
};
using EventPtr = std::unique_ptr<event, EventFree>;

timeval ToTimeval(std::chrono::milliseconds d) {
  return timeval{static_cast<time_t>(d.count() / 1000),
                 static_cast<suseconds_t>((d.count() % 1000) * 1000)};
}

uint16_t LocalPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return 0;
}

}  // namespace

Expected<ListenAddress> ParseListenAddress(std::string_view text) {
  auto bad = [&](const char* why) {
    return Error{EINVAL, "--listen `" + std::string(text) + "`: " + why +
                             " (e.g. 127.0.0.1:19998, [::1]:19998, :19998)"};
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("no :PORT");
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') return bad("unclosed '['");
    host = host.substr(1, host.size() - 2);
  }
  if (port.empty() || port.size() > 5) return bad("bad port");
  unsigned p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return bad("bad port");
    p = p * 10 + static_cast<unsigned>(c - '0');
  }
  if (p > 65535) return bad("port above 65535");
  ListenAddress a;
  a.host = host.empty() ? "0.0.0.0" : (host == "localhost" ? "127.0.0.1" : std::string(host));
  in6_addr a6;
  in_addr a4;
  if (::inet_pton(AF_INET, a.host.c_str(), &a4) != 1 &&
      ::inet_pton(AF_INET6, a.host.c_str(), &a6) != 1) {
    return bad("the host must be an IP address");
  }
  a.port = static_cast<uint16_t>(p);
  return a;
}

struct HttpServer::Impl {
  event_base* base = nullptr;
  evhttp* http = nullptr;
  evhttp_bound_socket* bound = nullptr;
  Handler handler;
  HttpLimits limits;
  std::vector<EventPtr> events;
  std::vector<std::unique_ptr<std::function<void()>>> ticks;
  std::map<int, std::pair<EventPtr, std::unique_ptr<std::function<void()>>>> watches;
  EventPtr resume_accept;
  // Accepted connections by fd: (socket inode, steady milliseconds when first seen). Not
  // seconds: connections first seen in the same second tied, and the tie fell to the lowest
  // fd, which a just-accepted connection reuses, so the newest could be shed as "oldest".
  std::map<int, std::pair<ino_t, int64_t>> connections;
  int stopped_by = 0;
  UniqueFd reserve;  // see ReleaseReserve

  ~Impl() {
    ByHttp().erase(http);
    watches.clear();
    events.clear();
    resume_accept.reset();
    if (http != nullptr) evhttp_free(http);
    if (base != nullptr) event_base_free(base);
  }

  // A connection that completes requests is a working client: its lifetime starts again.
  void Renew(evhttp_request* req) {
    evhttp_connection* conn = evhttp_request_get_connection(req);
    bufferevent* bev = conn != nullptr ? evhttp_connection_get_bufferevent(conn) : nullptr;
    const int fd = bev != nullptr ? static_cast<int>(bufferevent_getfd(bev)) : -1;
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) return;
    connections[fd] = {st.st_ino, NowMillis()};
  }

  static int64_t NowMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  static void OnRequest(evhttp_request* req, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    self->Renew(req);
    Request r;
    const char* uri = evhttp_request_get_uri(req);
    std::string_view u = uri != nullptr ? uri : "/";
    r.path = std::string(u.substr(0, u.find('?')));
    Response resp;
    try {
      resp = self->handler(r);
    } catch (const std::exception& e) {
      resp.status = 500;
      resp.body = std::string("internal error: ") + e.what() + "\n";
    }
    evkeyvalq* headers = evhttp_request_get_output_headers(req);
    evhttp_add_header(headers, "Content-Type", resp.content_type.c_str());
    evhttp_add_header(headers, "Cache-Control", "no-store");
    // HEAD: the headers a GET would get, Content-Length included, and no body (RFC 9110 9.3.2;
    // a body here would be read as the next response by a pipelining client).
    const bool head = evhttp_request_get_command(req) == EVHTTP_REQ_HEAD;
    if (head) {
      evhttp_add_header(headers, "Content-Length", std::to_string(resp.body.size()).c_str());
    }
    evbuffer* buf = evbuffer_new();
    if (buf == nullptr) {
      evhttp_send_error(req, 500, "out of memory");
      return;
    }
    if (!head) evbuffer_add(buf, resp.body.data(), resp.body.size());
    evhttp_send_reply(req, resp.status, ReasonPhrase(resp.status), buf);
    evbuffer_free(buf);
  }

  static void OnSignal(evutil_socket_t sig, short, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    self->stopped_by = static_cast<int>(sig);
    event_base_loopbreak(self->base);
  }

  static void OnCallback(evutil_socket_t, short, void* arg) {
    (*static_cast<std::function<void()>*>(arg))();
  }

  // Out of fds (EMFILE/ENFILE): pause accepting briefly instead of spinning on accept().
  // libevent passes the listener's own argument (the evhttp), hence the lookup.
  static std::map<evhttp*, Impl*>& ByHttp() {
    static std::map<evhttp*, Impl*> servers;
    return servers;
  }
  static void OnAcceptError(evconnlistener* lev, void* arg) {
    const int err = EVUTIL_SOCKET_ERROR();
    auto it = ByHttp().find(static_cast<evhttp*>(arg));
    if (it == ByHttp().end()) return;
    Impl* self = it->second;
    evconnlistener_disable(lev);
    // Out of fds: the oldest connections make room (evhttp closes them on the EOF this loop
    // turn), so that a probe's new connection is answered instead of waiting behind idle ones.
    const bool shed = (err == EMFILE || err == ENFILE) && self->ShedOldest(kShedAtOnce) > 0;
    timeval tv = ToTimeval(std::chrono::milliseconds(shed ? 1 : 100));
    event_add(self->resume_accept.get(), &tv);
  }

  // The fd kept in reserve for listing /proc/self/fd when every other one is taken.
  void ReleaseReserve() { reserve.Reset(); }
  void RefillReserve() {
    if (!reserve) reserve.Reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  }

  // The sockets of our connections, by fd: (inode, when first seen), from /proc/self/fd.
  std::map<int, std::pair<ino_t, int64_t>> ScanConnections() {
    const int listen_fd = evhttp_bound_socket_get_fd(bound);
    const uint16_t port = LocalPort(listen_fd);
    const int64_t now = NowMillis();
    std::map<int, std::pair<ino_t, int64_t>> seen;
    ReleaseReserve();
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir != nullptr) {
      const int dir_fd = ::dirfd(dir);
      while (dirent* e = ::readdir(dir)) {
        char* end = nullptr;
        long fd = std::strtol(e->d_name, &end, 10);
        if (end == e->d_name || *end != '\0' || fd == dir_fd || fd == listen_fd) continue;
        struct stat st {};
        if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
        if (LocalPort(static_cast<int>(fd)) != port) continue;
        auto it = connections.find(static_cast<int>(fd));
        int64_t first =
            it != connections.end() && it->second.first == st.st_ino ? it->second.second : now;
        seen[static_cast<int>(fd)] = {st.st_ino, first};
      }
      ::closedir(dir);
    }
    RefillReserve();
    return seen;
  }

  // Shuts down the `count` connections that completed a request (or were accepted) longest
  // ago; returns how many.
  size_t ShedOldest(size_t count) {
    auto seen = ScanConnections();
    std::vector<std::pair<int64_t, int>> by_age;
    for (const auto& [fd, info] : seen) by_age.push_back({info.second, fd});
    std::sort(by_age.begin(), by_age.end());
    size_t shed = 0;
    for (const auto& [first, fd] : by_age) {
      if (shed == count) break;
      if (::shutdown(fd, SHUT_RDWR) == 0) ++shed;
    }
    connections = std::move(seen);
    return shed;
  }

  static void OnResumeAccept(evutil_socket_t, short, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    evconnlistener_enable(evhttp_bound_socket_get_listener(self->bound));
  }

  // Cuts connections that have not completed a request for the lifetime: evhttp's timeout is
  // an idle timeout, which a client sending a byte now and then never trips. shutdown() makes
  // evhttp see EOF and free the connection itself. The inode tells a reused fd number from the
  // connection we saw.
  void ReapOldConnections() {
    const int64_t now = NowMillis();
    const int64_t lifetime_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(limits.lifetime).count();
    connections = ScanConnections();
    for (const auto& [fd, info] : connections) {
      if (now - info.second >= lifetime_ms) ::shutdown(fd, SHUT_RDWR);
    }
  }

  static void OnReap(evutil_socket_t, short, void* arg) {
    static_cast<Impl*>(arg)->ReapOldConnections();
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Expected<std::unique_ptr<HttpServer>> HttpServer::Listen(const ListenAddress& addr, Handler handler,
                                                         HttpLimits limits) {
  auto impl = std::make_unique<Impl>();
  impl->handler = std::move(handler);
  impl->limits = limits;
  impl->base = event_base_new();
  if (impl->base == nullptr) return Error{ENOMEM, "event_base_new failed"};
  impl->http = evhttp_new(impl->base);
  if (impl->http == nullptr) return Error{ENOMEM, "evhttp_new failed"};
  timeval idle = ToTimeval(limits.idle);
  evhttp_set_timeout_tv(impl->http, &idle);
  evhttp_set_max_headers_size(impl->http, kMaxHeaders);
  evhttp_set_max_body_size(impl->http, kMaxBody);
  evhttp_set_allowed_methods(impl->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
  evhttp_set_gencb(impl->http, &Impl::OnRequest, impl.get());
  errno = 0;
  impl->bound = evhttp_bind_socket_with_handle(impl->http, addr.host.c_str(), addr.port);
  if (impl->bound == nullptr) {
    int err = errno != 0 ? errno : EADDRINUSE;
    return Errno("listen", addr.host + ":" + std::to_string(addr.port), err);
  }
  impl->resume_accept.reset(evtimer_new(impl->base, &Impl::OnResumeAccept, impl.get()));
  impl->RefillReserve();
  Impl::ByHttp()[impl->http] = impl.get();
  evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(impl->bound), &Impl::OnAcceptError);
  for (int sig : {SIGTERM, SIGINT}) {
    EventPtr ev(evsignal_new(impl->base, sig, &Impl::OnSignal, impl.get()));
    if (!ev || event_add(ev.get(), nullptr) != 0) return Error{EINVAL, "cannot watch signals"};
    impl->events.push_back(std::move(ev));
  }
  EventPtr reap(event_new(impl->base, -1, EV_PERSIST, &Impl::OnReap, impl.get()));
  timeval second = ToTimeval(std::chrono::milliseconds(1000));
  event_add(reap.get(), &second);
  impl->events.push_back(std::move(reap));
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return LocalPort(evhttp_bound_socket_get_fd(impl_->bound)); }

std::string HttpServer::address() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  char host[INET6_ADDRSTRLEN] = "?";
  const int fd = evhttp_bound_socket_get_fd(impl_->bound);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (ss.ss_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, host, sizeof host);
      return "[" + std::string(host) + "]:" + std::to_string(port());
    }
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, host, sizeof host);
  }
  return std::string(host) + ":" + std::to_string(port());
}

void HttpServer::Every(std::chrono::milliseconds period, std::function<void()> tick) {
  impl_->ticks.push_back(std::make_unique<std::function<void()>>(std::move(tick)));
  EventPtr ev(event_new(impl_->base, -1, EV_PERSIST, &Impl::OnCallback, impl_->ticks.back().get()));
  timeval tv = ToTimeval(period);
  event_add(ev.get(), &tv);
  // The first run happens at once, not one period later.
  event_active(ev.get(), EV_TIMEOUT, 0);
  impl_->events.push_back(std::move(ev));
}

void HttpServer::Watch(int fd, std::function<void()> on_readable) {
  auto cb = std::make_unique<std::function<void()>>(std::move(on_readable));
  EventPtr ev(event_new(impl_->base, fd, EV_READ | EV_PERSIST, &Impl::OnCallback, cb.get()));
  event_add(ev.get(), nullptr);
  impl_->watches[fd] = {std::move(ev), std::move(cb)};
}

void HttpServer::Unwatch(int fd) {
  auto it = impl_->watches.find(fd);
  if (it == impl_->watches.end()) return;
  // The callback may be the one running now: free it after the current callback returns.
  auto entry = std::move(it->second);
  impl_->watches.erase(it);
  event_del(entry.first.get());
  event_base_once(
      impl_->base, -1, EV_TIMEOUT,
      [](evutil_socket_t, short, void* arg) {
        delete static_cast<std::pair<EventPtr, std::unique_ptr<std::function<void()>>>*>(arg);
      },
      new std::pair<EventPtr, std::unique_ptr<std::function<void()>>>(std::move(entry)), nullptr);
}

int HttpServer::Run() {
  impl_->stopped_by = 0;
  event_base_dispatch(impl_->base);
  return impl_->stopped_by;
}

void HttpServer::Stop() { event_base_loopbreak(impl_->base); }

}  // namespace preflight::container
