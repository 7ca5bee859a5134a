#pragma once
/// A pure reading of /etc/passwd: the uid and gid of a named user (the agent's `netdata` user,
/// uid/gid 201 in the official image; another number in distribution packages).

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace preflight::container {

struct UserIds {
  uid_t uid = 0;
  gid_t gid = 0;
};

/// The entry `name:x:UID:GID:...` in passwd(5) text, or nullopt when there is none or its
/// numbers do not parse. Never fails otherwise.
std::optional<UserIds> FindUser(std::string_view passwd, std::string_view name);

}  // namespace preflight::container
