#pragma once
/// The small text helpers every layer needs, in one place: ASCII only (the agent's files, /proc
/// and HTTP are ASCII where these are used), no locale.

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace preflight::container {

/// `s` without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view TrimSpace(std::string_view s);

/// `s` with A-Z turned into a-z.
std::string ToLower(std::string_view s);

/// Whether `part` occurs in `text`.
inline bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// The items joined by `separator` ("" for none).
std::string Join(const std::vector<std::string>& items, std::string_view separator = ", ");

/// The permission bits of `mode` as 4 octal digits, e.g. "0755".
std::string Octal(mode_t mode);

}  // namespace preflight::container
