// libFuzzer target: ParseCliReply must be total (never crash, hang or throw) on any input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "container/agent/agent_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = preflight::container::ParseCliReply(
      std::string_view(reinterpret_cast<const char*>(data), size));
  (void)r.ok();
  return 0;
}
