// libFuzzer target: UUID text (claimed ids, room ids) and the /etc/passwd reader.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "container/base/uuid.h"
#include "container/parse/passwd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (preflight::container::IsUuid(text)) {
    if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
        text[23] != '-') {
      std::abort();
    }
  }
  (void)preflight::container::FindUser(text, "netdata");
  return 0;
}
