// libFuzzer: ParseProcStatus (/proc/self/status) and ParseGlibcVersion (libc.so.6 bytes).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "container/host/libc_detect.h"
#include "container/parse/proc_status.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = preflight::container::ParseProcStatus(text);
  (void)preflight::container::SeccompModeName(s.seccomp);
  int major = 0, minor = 0;
  (void)preflight::container::ParseGlibcVersion(text, major, minor);
  return 0;
}
