// libFuzzer target: the INI dialect of claim.conf, cloud.conf and netdata.conf.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "container/parse/ini.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  preflight::container::IniFile ini = preflight::container::ParseIni(text);
  int last = 0;
  for (const auto& e : ini.entries) {
    // Keys are trimmed and never empty; lines only go forward.
    if (e.key.empty() || e.line < last) std::abort();
    if (preflight::container::TrimSpace(e.value).size() != e.value.size()) std::abort();
    last = e.line;
  }
  for (const char* key : {"token", "url", "rooms", "proxy", "insecure", "claimed_id", "enabled"}) {
    if (const auto* e = ini.Find("global", key); e != nullptr && e->key != key) std::abort();
  }
  return 0;
}
