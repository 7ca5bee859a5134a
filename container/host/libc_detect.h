#pragma once
/// Which C library the agent image ships: glibc (and its version) or musl. The seccomp check
/// needs it because what a blocked syscall breaks depends on the C library that calls it.
/// We are static, so our own libc says nothing: the image's files are read instead.

#include <string>
#include <string_view>
#include <vector>

#include "container/system.h"

namespace preflight::container {

struct LibcInfo {
  bool glibc = false;
  int glibc_major = 0;
  int glibc_minor = 0;
  std::string glibc_path;  ///< the libc.so.6 the version was read from
  bool musl = false;
  std::string musl_path;       ///< the ld-musl-*.so.1 found
  std::string alpine_release;  ///< /etc/alpine-release, when present (e.g. "3.19.1")
  std::vector<std::string> searched;

  bool GlibcAtLeast(int major, int minor) const {
    return glibc && (glibc_major > major || (glibc_major == major && glibc_minor >= minor));
  }
  /// "glibc 2.36", "musl (Alpine 3.19.1)", "glibc 2.36 + musl", or "unknown".
  std::string Describe() const;
};

/// The directories searched for libc.so.6 and ld-musl-*.so.1, in order.
const std::vector<std::string>& LibcSearchDirs();

/// The glibc version inside the bytes of a libc.so.6: its banner "... release version 2.36"
/// (what running the library prints), else the highest "GLIBC_2.N" symbol version it defines.
/// The latter is exact at every release that added symbols, 2.33, 2.34 and 2.39 among them (the
/// thresholds that matter here), and a lower bound otherwise. Pure and total; false when neither
/// is found.
bool ParseGlibcVersion(std::string_view libc_bytes, int& major, int& minor);

/// Finds the image's C library through `sys` (reads the first 512 KiB of libc.so.6).
LibcInfo DetectLibc(const System& sys);

}  // namespace preflight::container
