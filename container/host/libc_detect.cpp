#include "container/host/libc_detect.h"

#include "container/parse/elf.h"

namespace preflight::container {
namespace {

constexpr size_t kLibcReadBytes = 512 * 1024;

bool Digit(char c) { return c >= '0' && c <= '9'; }

/// Reads "N.M" at `pos`; false when there is no such number there.
bool ReadVersion(std::string_view s, size_t pos, int& major, int& minor) {
  int a = 0, b = 0;
  size_t i = pos, start = pos;
  while (i < s.size() && Digit(s[i]) && i - start < 4) a = a * 10 + (s[i++] - '0');
  if (i == start || i >= s.size() || s[i] != '.') return false;
  start = ++i;
  while (i < s.size() && Digit(s[i]) && i - start < 4) b = b * 10 + (s[i++] - '0');
  if (i == start) return false;
  major = a;
  minor = b;
  return true;
}

/// The glibc version of the library at `path`: the newest GLIBC_2.N it defines, from the names
/// of its version definitions (four small reads, container/parse/elf.h), else from all of its
/// .dynstr; else, when the file is no ELF the parser knows, from its first kLibcReadBytes (a
/// small file: its banner too).
bool GlibcVersionOf(const System& sys, const std::string& path, int& major, int& minor) {
  auto header = sys.ReadFileAt(path, 0, kElfHeaderBytes);
  if (!header.ok()) return false;
  if (auto table = ElfSectionTable(*header)) {
    auto sections = sys.ReadFileAt(path, table->offset, static_cast<size_t>(table->size));
    if (!sections.ok()) return false;
    if (auto defs = ElfVersionDefinitions(*header, *sections)) {
      auto entries = sys.ReadFileAt(path, defs->defs.offset, static_cast<size_t>(defs->defs.size));
      auto span =
          entries.ok() ? ElfVersionNames(*entries, defs->count, defs->strings.size) : std::nullopt;
      if (span) {
        auto names = sys.ReadFileAt(path, defs->strings.offset + span->offset,
                                    static_cast<size_t>(span->size));
        if (names.ok() && ParseGlibcVersion(*names, major, minor)) return true;
      }
    }
    if (auto dynstr = ElfDynstr(*header, *sections)) {
      auto names = sys.ReadFileAt(path, dynstr->offset, static_cast<size_t>(dynstr->size));
      return names.ok() && ParseGlibcVersion(*names, major, minor);
    }
  }
  auto bytes = sys.ReadFile(path, kLibcReadBytes, true);
  return bytes.ok() && ParseGlibcVersion(*bytes, major, minor);
}

}  // namespace

std::string LibcInfo::Describe() const {
  std::string s;
  if (glibc) s = "glibc " + std::to_string(glibc_major) + "." + std::to_string(glibc_minor);
  if (musl) {
    if (!s.empty()) s += " + ";
    s += "musl";
    if (!alpine_release.empty()) s += " (Alpine " + alpine_release + ")";
  }
  return s.empty() ? "unknown" : s;
}

const std::vector<std::string>& LibcSearchDirs() {
  // Debian's multiarch directories of every architecture the netdata image ships (amd64, arm64,
  // armv7 = armhf, i386), then the plain ones of other distributions.
  static const std::vector<std::string> dirs = {"/lib/x86_64-linux-gnu",
                                                "/usr/lib/x86_64-linux-gnu",
                                                "/lib/aarch64-linux-gnu",
                                                "/usr/lib/aarch64-linux-gnu",
                                                "/lib/arm-linux-gnueabihf",
                                                "/usr/lib/arm-linux-gnueabihf",
                                                "/lib/i386-linux-gnu",
                                                "/usr/lib/i386-linux-gnu",
                                                "/lib64",
                                                "/usr/lib64",
                                                "/lib",
                                                "/usr/lib"};
  return dirs;
}

bool ParseGlibcVersion(std::string_view bytes, int& major, int& minor) {
  constexpr std::string_view kBanner = "release version ";
  for (size_t pos = bytes.find(kBanner); pos != std::string_view::npos;
       pos = bytes.find(kBanner, pos + 1)) {
    if (ReadVersion(bytes, pos + kBanner.size(), major, minor)) return true;
  }
  // Stripped or re-branded banners: the newest symbol version the library defines.
  constexpr std::string_view kSymver = "GLIBC_";
  bool found = false;
  for (size_t pos = bytes.find(kSymver); pos != std::string_view::npos;
       pos = bytes.find(kSymver, pos + 1)) {
    int a = 0, b = 0;
    if (!ReadVersion(bytes, pos + kSymver.size(), a, b)) continue;
    if (!found || a > major || (a == major && b > minor)) {
      major = a;
      minor = b;
      found = true;
    }
  }
  return found;
}

LibcInfo DetectLibc(const System& sys) {
  LibcInfo info;
  for (const auto& dir : LibcSearchDirs()) {
    info.searched.push_back(dir);
    if (!info.glibc) {
      const std::string path = dir + "/libc.so.6";
      int major = 0, minor = 0;
      if (GlibcVersionOf(sys, path, major, minor)) {
        info.glibc = true;
        info.glibc_major = major;
        info.glibc_minor = minor;
        info.glibc_path = path;
      }
    }
    if (!info.musl && (dir == "/lib" || dir == "/usr/lib")) {  // where ld-musl lives
      // musl's loader of each architecture the netdata image ships, by name: a few stats
      // instead of listing /lib and /usr/lib (hundreds of entries in a Debian image).
      for (const char* arch : {"x86_64", "aarch64", "armhf", "arm", "i386"}) {
        const std::string path = dir + "/ld-musl-" + arch + ".so.1";
        if (sys.Stat(path, true).ok()) {
          info.musl = true;
          info.musl_path = path;
          break;
        }
      }
    }
  }
  if (auto alpine = sys.ReadFile("/etc/alpine-release", 64, true); alpine.ok()) {
    std::string r = *alpine;
    while (!r.empty() && (r.back() == '\n' || r.back() == ' ' || r.back() == '\r')) r.pop_back();
    info.alpine_release = r;
  }
  return info;
}

}  // namespace preflight::container
