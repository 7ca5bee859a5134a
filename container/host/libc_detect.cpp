#include "container/host/libc_detect.h"

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
      // The GLIBC_2.N version names live in .dynstr, in the first ~150 KiB: no need to read
      // the whole 2 MiB library (the banner, deeper in .rodata, is used when a file is small).
      auto bytes = sys.ReadFile(path, kLibcReadBytes, true);
      int major = 0, minor = 0;
      if (bytes.ok() && ParseGlibcVersion(*bytes, major, minor)) {
        info.glibc = true;
        info.glibc_major = major;
        info.glibc_minor = minor;
        info.glibc_path = path;
      }
    }
    if (!info.musl && (dir == "/lib" || dir == "/usr/lib")) {  // where ld-musl lives
      auto names = sys.ListDir(dir);
      if (!names.ok()) continue;
      for (const auto& name : *names) {
        if (name.rfind("ld-musl-", 0) == 0 && name.size() > 13 &&
            name.compare(name.size() - 5, 5, ".so.1") == 0) {
          info.musl = true;
          info.musl_path = dir + "/" + name;
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
