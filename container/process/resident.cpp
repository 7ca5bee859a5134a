#include "container/process/resident.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "container/base/text.h"
#include "container/base/unique_fd.h"

namespace preflight::container::process {
namespace {

bool IsHeader(std::string_view line) {
  // "00400000-00401000 r--p 00000000 fe:00 5310813   /path": a range first, fields have "Name:".
  auto dash = line.find('-');
  auto space = line.find(' ');
  return dash != std::string_view::npos && space != std::string_view::npos && dash < space &&
         line.substr(0, space).find(':') == std::string_view::npos;
}

struct Mapping {
  uintptr_t start = 0, end = 0;
  bool candidate = false;  // our file, not writable
  bool anonymous = true;   // until "Anonymous: 0 kB" says otherwise
};

Mapping ParseHeader(std::string_view line, std::string_view path) {
  Mapping m;
  const std::string range(line.substr(0, line.find(' ')));
  char* end = nullptr;
  m.start = std::strtoull(range.c_str(), &end, 16);
  if (end == nullptr || *end != '-') return m;
  char* end2 = nullptr;
  m.end = std::strtoull(end + 1, &end2, 16);
  if (end2 == end + 1 || m.end <= m.start) return m;
  // Fields: range perms offset dev inode path.
  std::string_view rest = line.substr(line.find(' ') + 1);
  const std::string_view perms = rest.substr(0, 4);
  size_t fields = 0;
  while (fields < 4 && !rest.empty()) {
    auto space = rest.find(' ');
    if (space == std::string_view::npos) return m;
    rest = TrimSpace(rest.substr(space + 1));
    ++fields;
  }
  m.candidate = perms.size() == 4 && perms[1] != 'w' && !path.empty() && TrimSpace(rest) == path;
  return m;
}

}  // namespace

std::vector<std::pair<uintptr_t, uintptr_t>> CleanFileRanges(std::string_view smaps,
                                                             std::string_view path) {
  std::vector<std::pair<uintptr_t, uintptr_t>> out;
  Mapping current;
  auto flush = [&] {
    if (current.candidate && !current.anonymous) out.emplace_back(current.start, current.end);
  };
  while (!smaps.empty()) {
    auto nl = smaps.find('\n');
    std::string_view line = smaps.substr(0, nl);
    smaps.remove_prefix(nl == std::string_view::npos ? smaps.size() : nl + 1);
    if (IsHeader(line)) {
      flush();
      current = ParseHeader(line, path);
    } else if (line.rfind("Anonymous:", 0) == 0) {
      current.anonymous = TrimSpace(line.substr(10)) != "0 kB";
    }
  }
  flush();
  return out;
}

size_t DropCleanExecutablePages() {
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return 0;
  UniqueFd fd(::open("/proc/self/smaps", O_RDONLY | O_CLOEXEC));
  if (!fd) return 0;
  std::string smaps;
  char buf[8192];
  ssize_t got;
  while ((got = ::read(fd.get(), buf, sizeof buf)) > 0) smaps.append(buf, static_cast<size_t>(got));
  size_t dropped = 0;
  for (const auto& [start, end] :
       CleanFileRanges(smaps, std::string_view(exe, static_cast<size_t>(n)))) {
    if (::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED) == 0)
      dropped += end - start;
  }
  return dropped;
}

}  // namespace preflight::container::process
