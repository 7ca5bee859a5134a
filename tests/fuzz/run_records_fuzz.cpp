// ParseRunRecords must be total: any bytes give records or an error, never a crash; what it
// accepts serializes to text it accepts again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "container/run_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace preflight::container;
  auto parsed = ParseRunRecords(std::string_view(reinterpret_cast<const char*>(data), size));
  if (parsed.ok() && !ParseRunRecords(SerializeRunRecords(*parsed)).ok()) std::abort();
  ParseContainerId(std::string_view(reinterpret_cast<const char*>(data), size),
                   std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
