#include "container/net/dns_resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>

#include <algorithm>
#include <memory>

namespace preflight::container {
namespace {

using Clock = std::chrono::steady_clock;

struct Lookup {
  DnsAnswer* answer;
  bool done = false;
  Clock::time_point start;
  bool no_nameserver = false;
};

DnsOutcome MapStatus(int status, bool no_nameserver) {
  switch (status) {
    case ARES_SUCCESS:
      return DnsOutcome::kOk;
    case ARES_ENOTFOUND:
      return DnsOutcome::kNxDomain;
    case ARES_ENODATA:
      return DnsOutcome::kNoAddress;
    case ARES_ESERVFAIL:
      return DnsOutcome::kServFail;
    case ARES_EREFUSED:
      return no_nameserver ? DnsOutcome::kNoNameserver : DnsOutcome::kRefused;
    case ARES_ECONNREFUSED:  // also what c-ares says for SERVFAIL/REFUSED: asked again below
      return no_nameserver ? DnsOutcome::kNoNameserver : DnsOutcome::kPortClosed;
    case ARES_EBADRESP:
      return DnsOutcome::kBadReply;
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
      return no_nameserver ? DnsOutcome::kNoNameserver : DnsOutcome::kTimeout;
    default:
      return DnsOutcome::kError;
  }
}

void OnAnswer(void* arg, int status, int /*timeouts*/, ares_addrinfo* res) {
  auto* lookup = static_cast<Lookup*>(arg);
  lookup->done = true;
  DnsAnswer& a = *lookup->answer;
  a.ms = std::chrono::duration<double, std::milli>(Clock::now() - lookup->start).count();
  a.outcome = MapStatus(status, lookup->no_nameserver);
  if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
    a.detail = "no answer before the deadline";
  } else {
    a.detail = ares_strerror(status);
  }
  if (res != nullptr) {
    for (ares_addrinfo_node* n = res->nodes; n != nullptr; n = n->ai_next) {
      char buf[INET6_ADDRSTRLEN] = "";
      if (n->ai_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(n->ai_addr)->sin_addr, buf, sizeof buf);
      } else if (n->ai_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(n->ai_addr)->sin6_addr, buf,
                  sizeof buf);
      }
      if (buf[0] != '\0' &&
          std::find(a.addresses.begin(), a.addresses.end(), buf) == a.addresses.end()) {
        a.addresses.emplace_back(buf);
      }
    }
    ares_freeaddrinfo(res);
  }
  if (a.outcome == DnsOutcome::kOk && a.addresses.empty()) a.outcome = DnsOutcome::kNoAddress;
}

struct ChannelDeleter {
  void operator()(ares_channel c) const { ares_destroy(c); }
};

// Looks every answer's host up on `channel`, all in parallel, until done or `deadline`.
void RunLookups(ares_channel channel, const std::vector<DnsAnswer*>& answers, bool no_nameserver,
                NetDeadline deadline) {
  std::vector<Lookup> lookups(answers.size());
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  for (size_t i = 0; i < answers.size(); ++i) {
    lookups[i].answer = answers[i];
    lookups[i].no_nameserver = no_nameserver;
    if ((*answers[i]).outcome == DnsOutcome::kPinned) {
      lookups[i].done = true;
      continue;
    }
    lookups[i].start = Clock::now();
    ares_getaddrinfo(channel, (*answers[i]).host.c_str(), "443", &hints, &OnAnswer, &lookups[i]);
  }

  auto pending = [&] {
    return std::any_of(lookups.begin(), lookups.end(), [](const Lookup& l) { return !l.done; });
  };
  while (pending()) {
    auto now = Clock::now();
    if (now >= deadline) break;
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
    pollfd fds[ARES_GETSOCK_MAXNUM];
    nfds_t n = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events == 0) continue;
      fds[n].fd = socks[i];
      fds[n].events = events;
      fds[n].revents = 0;
      ++n;
    }
    timeval max_tv{};
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    max_tv.tv_sec = static_cast<time_t>(left.count() / 1000000);
    max_tv.tv_usec = static_cast<suseconds_t>(left.count() % 1000000);
    timeval tv{};
    timeval* t = ares_timeout(channel, &max_tv, &tv);
    int ms = static_cast<int>(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
    int ready = poll(fds, n, std::max(ms, 1));
    if (ready <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      continue;
    }
    for (nfds_t i = 0; i < n; ++i) {
      ares_socket_t r =
          (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
      ares_socket_t w = (fds[i].revents & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;
      if (r != ARES_SOCKET_BAD || w != ARES_SOCKET_BAD) ares_process_fd(channel, r, w);
    }
  }
  // The deadline: what is still pending becomes a timeout (callbacks run from ares_cancel).
  ares_cancel(channel);
}

}  // namespace

bool ParsePin(const std::string& text, Pin& pin) {
  auto first = text.find(':');
  if (first == std::string::npos || first == 0) return false;
  auto second = text.find(':', first + 1);
  if (second == std::string::npos) return false;
  pin.host = text.substr(0, first);
  std::string port = text.substr(first + 1, second - first - 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit))
    return false;
  pin.port = std::stoi(port);
  pin.address = text.substr(second + 1);
  if (pin.address.size() > 2 && pin.address.front() == '[' && pin.address.back() == ']') {
    pin.address = pin.address.substr(1, pin.address.size() - 2);
  }
  unsigned char buf[16];
  return inet_pton(AF_INET, pin.address.c_str(), buf) == 1 ||
         inet_pton(AF_INET6, pin.address.c_str(), buf) == 1;
}

bool HasNameserver(const std::string& resolv_conf) {
  size_t pos = 0;
  while (pos < resolv_conf.size()) {
    auto eol = resolv_conf.find('\n', pos);
    std::string line = resolv_conf.substr(pos, eol == std::string::npos ? eol : eol - pos);
    pos = eol == std::string::npos ? resolv_conf.size() : eol + 1;
    auto start = line.find_first_not_of(" \t");
    if (start != std::string::npos && line.compare(start, 10, "nameserver") == 0) return true;
  }
  return false;
}

DnsReport ResolveHosts(const std::vector<std::string>& hosts, const std::vector<Pin>& pins,
                       const std::string& resolv_conf, NetDeadline deadline) {
  DnsReport report;
  const bool no_nameserver = !HasNameserver(resolv_conf);
  report.answers.reserve(hosts.size());
  for (const auto& host : hosts) {
    DnsAnswer a;
    a.host = host;
    for (const auto& pin : pins) {
      if (pin.host == host) {
        a.outcome = DnsOutcome::kPinned;
        a.addresses.push_back(pin.address);
        a.detail = "--resolve " + pin.host + ":" + std::to_string(pin.port) + ":" + pin.address;
      }
    }
    report.answers.push_back(a);
  }

  const auto remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  ares_options opts{};
  // A few tries within the budget; the deadline below cuts whatever is left.
  opts.timeout = static_cast<int>(std::clamp<long long>(remaining.count() / 3, 100, 3000));
  opts.tries = 3;
  ares_channel raw = nullptr;
  int rc = ares_init_options(&raw, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  std::unique_ptr<std::remove_pointer_t<ares_channel>, ChannelDeleter> channel(raw);
  if (rc != ARES_SUCCESS) {
    report.error = std::string("c-ares could not start: ") + ares_strerror(rc);
    for (auto& a : report.answers) {
      if (a.outcome != DnsOutcome::kPinned) a.detail = report.error;
    }
    return report;
  }
  if (!no_nameserver) {
    ares_addr_port_node* servers = nullptr;
    if (ares_get_servers_ports(channel.get(), &servers) == ARES_SUCCESS) {
      for (auto* s = servers; s != nullptr; s = s->next) {
        char buf[INET6_ADDRSTRLEN] = "";
        inet_ntop(s->family, &s->addr, buf, sizeof buf);
        report.nameservers.push_back(std::string(buf) +
                                     (s->udp_port ? ":" + std::to_string(s->udp_port) : ""));
      }
      ares_free_data(servers);
    }
  }
  ares_options saved{};
  int mask = 0;
  if (ares_save_options(channel.get(), &saved, &mask) == ARES_SUCCESS) {
    for (int i = 0; i < saved.ndomains; ++i) report.search.emplace_back(saved.domains[i]);
    ares_destroy_options(&saved);
  }

  std::vector<DnsAnswer*> all;
  for (auto& a : report.answers) all.push_back(&a);
  RunLookups(channel.get(), all, no_nameserver, deadline);
  // c-ares (1.18) reports SERVFAIL or REFUSED from every nameserver as "connection refused";
  // ask again, taking the first answer as it is, to tell a failing nameserver from a refusing
  // one, and both from a closed port (still "connection refused" the second time).
  std::vector<DnsAnswer> again;
  for (const auto& a : report.answers) {
    if (a.outcome == DnsOutcome::kPortClosed) again.push_back(a);
  }
  if (!again.empty() && Clock::now() < deadline) {
    ares_options strict = opts;
    strict.flags = ARES_FLAG_NOCHECKRESP;
    ares_channel raw2 = nullptr;
    if (ares_init_options(&raw2, &strict, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS) ==
        ARES_SUCCESS) {
      std::unique_ptr<std::remove_pointer_t<ares_channel>, ChannelDeleter> second(raw2);
      std::vector<DnsAnswer*> ptrs;
      for (auto& a : again) {
        a.outcome = DnsOutcome::kError;
        ptrs.push_back(&a);
      }
      RunLookups(second.get(), ptrs, no_nameserver, deadline);
      for (const auto& a : again) {
        if (a.outcome != DnsOutcome::kServFail && a.outcome != DnsOutcome::kRefused) continue;
        for (auto& orig : report.answers) {
          if (orig.host == a.host) orig = a;
        }
      }
    }
  }
  return report;
}

}  // namespace preflight::container
