#include "container/parse/passwd.h"

#include <cstdint>

namespace preflight::container {
namespace {

/// A decimal id of at most 10 digits that fits 32 bits.
std::optional<uint32_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

/// The next ':'-separated field of `line`, consumed.
std::string_view NextField(std::string_view* line) {
  auto colon = line->find(':');
  std::string_view field = line->substr(0, colon);
  *line = colon == std::string_view::npos ? std::string_view() : line->substr(colon + 1);
  return field;
}

}  // namespace

std::optional<UserIds> FindUser(std::string_view passwd, std::string_view name) {
  if (name.empty()) return std::nullopt;
  while (!passwd.empty()) {
    auto nl = passwd.find('\n');
    std::string_view line = passwd.substr(0, nl);
    passwd = nl == std::string_view::npos ? std::string_view() : passwd.substr(nl + 1);
    if (NextField(&line) != name) continue;
    NextField(&line);  // password
    auto uid = ParseId(NextField(&line));
    auto gid = ParseId(NextField(&line));
    if (!uid || !gid) return std::nullopt;
    return UserIds{*uid, *gid};
  }
  return std::nullopt;
}

std::optional<NamedUser> FindUserById(std::string_view passwd, uid_t uid) {
  while (!passwd.empty()) {
    auto nl = passwd.find('\n');
    std::string_view line = passwd.substr(0, nl);
    passwd = nl == std::string_view::npos ? std::string_view() : passwd.substr(nl + 1);
    std::string_view name = NextField(&line);
    NextField(&line);  // password
    auto id = ParseId(NextField(&line));
    auto gid = ParseId(NextField(&line));
    if (!id || *id != uid || !gid || name.empty()) continue;
    return NamedUser{std::string(name), UserIds{*id, *gid}};
  }
  return std::nullopt;
}

}  // namespace preflight::container
