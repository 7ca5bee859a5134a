// libFuzzer: ParseNetworkPresence (/proc/net/dev, route, ipv6_route) and the process start
// parsers (/proc/<pid>/stat field 22, /proc/stat btime).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "container/host/process_start.h"
#include "container/net/network_presence.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // One input split three ways so that every parser sees every shape.
  const size_t a = size / 3, b = 2 * size / 3;
  (void)preflight::container::ParseNetworkPresence(text.substr(0, a), text.substr(a, b - a),
                                                   text.substr(b));
  (void)preflight::container::ParseNetworkPresence(text, text, text).None();
  (void)preflight::container::ParseStartTicks(text);
  (void)preflight::container::ParseBootTime(text);
  return 0;
}
