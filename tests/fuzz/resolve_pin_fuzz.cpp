// libFuzzer target: --resolve HOST:PORT:ADDR pins and resolv.conf nameserver detection.
#include <cstddef>
#include <cstdint>
#include <string>

#include "container/net/dns_resolver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  preflight::container::Pin pin;
  preflight::container::ParsePin(text, pin);
  preflight::container::HasNameserver(text);
  return 0;
}
