// libFuzzer: the seccomp profile reader of the test launcher (tests/tools/seccomp_profile.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/tools/seccomp_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  preflight::testing::Profile profile;
  std::string error;
  (void)preflight::testing::ParseProfile(
      std::string_view(reinterpret_cast<const char*>(data), size),
      preflight::testing::ProfileTarget{}, profile, error);
  return 0;
}
