#include "container/net/network_presence.h"

#include "container/base/text.h"

namespace preflight::container {
namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return out;
}

// The last whitespace-separated field (ipv6_route names the device last).
std::string_view LastField(std::string_view line) {
  line = TrimSpace(line);
  auto sp = line.find_last_of(" \t");
  return sp == std::string_view::npos ? line : line.substr(sp + 1);
}

// The first field (/proc/net/route names the device first).
std::string_view FirstField(std::string_view line) {
  line = TrimSpace(line);
  return line.substr(0, line.find_first_of(" \t"));
}

}  // namespace

NetworkPresence ParseNetworkPresence(std::string_view dev, std::string_view route,
                                     std::string_view ipv6_route) {
  NetworkPresence p;
  // /proc/net/dev: two header lines, then "  name: counters...".
  for (std::string_view line : Lines(dev)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos || line.find('|') != std::string_view::npos) continue;
    std::string_view name = TrimSpace(line.substr(0, colon));
    if (!name.empty() && name != "lo") p.interfaces.emplace_back(name);
  }
  if (dev.empty()) p.interfaces.emplace_back("?");  // unreadable: never claim "no network"
  bool header = true;
  for (std::string_view line : Lines(route)) {
    if (header) {  // "Iface\tDestination\t..."
      header = false;
      continue;
    }
    std::string_view name = FirstField(line);
    if (!name.empty() && name != "lo") p.route = true;
  }
  for (std::string_view line : Lines(ipv6_route)) {
    std::string_view name = LastField(line);
    if (!name.empty() && name != "lo") p.route = true;
  }
  return p;
}

}  // namespace preflight::container
