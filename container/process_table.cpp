#include "container/process_table.h"

#include "container/proc_status.h"

namespace preflight::container {

std::optional<RunningProcess> FindRunningProcess(const System& sys, std::string_view comm) {
  auto entries = sys.ListDir("/proc");
  if (!entries.ok()) return std::nullopt;
  size_t seen = 0;
  for (const auto& name : *entries) {
    if (name.empty() || name.size() > 9 || name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    if (++seen > 4096) break;  // bounded: a host's whole process table is not ours to walk
    const std::string dir = "/proc/" + name;
    auto text = sys.ReadFile(dir + "/comm", 64, true);
    if (!text.ok() || text->substr(0, text->find('\n')) != comm) continue;
    auto status = sys.ReadFile(dir + "/status", 16 * 1024, true);
    if (!status.ok()) continue;  // it exited meanwhile
    const ProcStatus parsed = ParseProcStatus(*status);
    if (parsed.euid < 0) continue;
    return RunningProcess{std::stoi(name), static_cast<unsigned>(parsed.euid)};
  }
  return std::nullopt;
}

}  // namespace preflight::container
