#include "container/host/process_start.h"

#include <unistd.h>

#include <charconv>
#include <string>

namespace preflight::container {

std::optional<uint64_t> ParseStartTicks(std::string_view stat) {
  // "pid (comm) state ppid ..." : fields after the last ')' start with field 3 (state).
  auto close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  int field = 2;
  while (!rest.empty()) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    auto end = rest.find(' ');
    std::string_view token = rest.substr(0, end);
    ++field;
    if (field == 22) {
      uint64_t ticks = 0;
      auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), ticks);
      if (ec != std::errc() || p != token.data() + token.size()) return std::nullopt;
      return ticks;
    }
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  return std::nullopt;
}

std::optional<int64_t> ParseBootTime(std::string_view proc_stat) {
  size_t pos = 0;
  while (pos < proc_stat.size()) {
    auto nl = proc_stat.find('\n', pos);
    std::string_view line =
        proc_stat.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (line.substr(0, 6) == "btime ") {
      std::string_view v = line.substr(6);
      int64_t t = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
      if (ec != std::errc() || t <= 0) return std::nullopt;
      return t;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return std::nullopt;
}

std::optional<int64_t> ProcessStartUnix(const System& sys, int pid) {
  auto stat = sys.ReadFile("/proc/" + std::to_string(pid) + "/stat", 4096, true);
  auto proc_stat = sys.ReadFile("/proc/stat", 1 << 20, true);
  if (!stat.ok() || !proc_stat.ok()) return std::nullopt;
  const auto ticks = ParseStartTicks(*stat);
  const auto boot = ParseBootTime(*proc_stat);
  const long hz = ::sysconf(_SC_CLK_TCK);
  if (!ticks || !boot || hz <= 0) return std::nullopt;
  return *boot + static_cast<int64_t>(*ticks / static_cast<uint64_t>(hz));
}

}  // namespace preflight::container
