#pragma once
/// A pure reading of /etc/passwd: the uid and gid of a named user (the agent's `netdata` user,
/// uid/gid 201 in the official image; another number in distribution packages).

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace preflight::container {

struct UserIds {
  uid_t uid = 0;
  gid_t gid = 0;
};

/// The entry `name:x:UID:GID:...` in passwd(5) text, or nullopt when there is none or its
/// numbers do not parse. Never fails otherwise.
std::optional<UserIds> FindUser(std::string_view passwd, std::string_view name);

struct NamedUser {
  std::string name;
  UserIds ids;
};

/// The first entry whose uid is `uid`, or nullopt. Never fails.
std::optional<NamedUser> FindUserById(std::string_view passwd, uid_t uid);

}  // namespace preflight::container
