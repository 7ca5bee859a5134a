#include "container/base/uuid.h"

namespace preflight::container {

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

bool IsUuidFlexi(std::string_view text) {
  size_t hex = 0, hyphens = 0, i = 0;
  auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  // As uuid_parse_flexi: up to 16 bytes, each two hex digits, a hyphen allowed before any.
  while (i < text.size() && hex < 32) {
    if (text[i] == '-') {
      if (++hyphens > 4) return false;
      ++i;
    }
    if (i >= text.size() || !is_hex(text[i])) return false;
    if (i + 1 >= text.size() || !is_hex(text[i + 1])) return false;
    hex += 2;
    i += 2;
  }
  // Whatever follows the 16th byte is ignored.
  return hex == 32 && (hyphens == 0 || hyphens == 4);
}

}  // namespace preflight::container
