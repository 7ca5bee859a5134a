// SaxParseSubset must be total (any bytes: true or false, never a crash), and whenever it
// says true it must have given the handler exactly the events nlohmann::json::sax_parse gives
// for the same text, which must then be valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "container/state/json_subset.h"
#include "container/state/sax_recorder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  preflight::testing::SaxRecorder fast;
  if (!preflight::container::SaxParseSubset(text, fast)) return 0;
  preflight::testing::SaxRecorder reference;
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &reference)) std::abort();
  if (fast.log != reference.log) std::abort();
  return 0;
}
