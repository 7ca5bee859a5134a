#include "container/host/process_table.h"

#include "container/parse/proc_status.h"

namespace preflight::container {

namespace {

/// Whether the process behind `/proc/<pid>` has an fd on a file under one of `dirs`.
bool HoldsFileUnder(const System& sys, const std::string& proc_dir,
                    const std::vector<std::string>& dirs) {
  auto fds = sys.ListDir(proc_dir + "/fd");
  if (!fds.ok()) return false;  // another user's process: cannot tell, so not ours to judge
  size_t seen = 0;
  for (const auto& fd : *fds) {
    if (++seen > 512) break;
    auto target = sys.RealPath(proc_dir + "/fd/" + fd);
    if (!target.ok()) continue;
    for (const auto& dir : dirs) {
      if (!dir.empty() && target->compare(0, dir.size() + 1, dir + "/") == 0) return true;
    }
  }
  return false;
}

}  // namespace

std::optional<RunningProcess> FindRunningProcess(const System& sys, std::string_view comm,
                                                 const std::vector<std::string>& dirs) {
  auto entries = sys.ListDir("/proc");
  if (!entries.ok()) return std::nullopt;
  size_t seen = 0;
  for (const auto& name : *entries) {
    if (name.empty() || name.size() > 9 ||
        name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    if (++seen > 4096) break;  // bounded: a host's whole process table is not ours to walk
    const std::string dir = "/proc/" + name;
    auto text = sys.ReadFile(dir + "/comm", 64, true);
    if (!text.ok() || text->substr(0, text->find('\n')) != comm) continue;
    if (!HoldsFileUnder(sys, dir, dirs)) continue;  // another agent (a test's, the host's)
    auto status = sys.ReadFile(dir + "/status", 16 * 1024, true);
    if (!status.ok()) continue;  // it exited meanwhile
    const ProcStatus parsed = ParseProcStatus(*status);
    if (parsed.euid < 0) continue;
    return RunningProcess{std::stoi(name), static_cast<unsigned>(parsed.euid)};
  }
  return std::nullopt;
}

}  // namespace preflight::container
