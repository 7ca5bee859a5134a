#include "cmd/duration.h"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace preflight::cmd {

Expected<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const Error bad{EINVAL, "invalid duration `" + std::string(text) +
                              "`: use a number with a unit, like 500ms, 10s, 2m, 1h or 1d "
                              "(a bare number is seconds)"};
  if (text.empty() || text.size() > 32) return bad;
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start) return bad;
    // strtod, not stod: "." or "1.2.3" must be a usage error, never an exception.
    const std::string digits(text.substr(start, i - start));
    char* end = nullptr;
    double number = std::strtod(digits.c_str(), &end);
    if (end != digits.c_str() + digits.size()) return bad;
    size_t unit_start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      if (start != 0 || i != text.size()) return bad;  // a bare number only on its own
      unit = "s";
    }
    if (unit == "ms") {
      total_ms += number;
    } else if (unit == "s") {
      total_ms += number * 1000;
    } else if (unit == "m") {
      total_ms += number * 60000;
    } else if (unit == "h") {
      total_ms += number * 3600000;
    } else if (unit == "d") {
      total_ms += number * 86400000;
    } else {
      return bad;
    }
  }
  if (total_ms > std::chrono::duration<double, std::milli>(kMaxDuration).count()) {
    return Error{EINVAL, "invalid duration `" + std::string(text) + "`: more than 365d"};
  }
  return std::chrono::milliseconds(static_cast<long long>(total_ms));
}

}  // namespace preflight::cmd
