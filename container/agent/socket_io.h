#pragma once
/// Deadline-bounded I/O on non-blocking sockets: the building blocks of the agent clients.

#include <sys/socket.h>

#include <string>
#include <string_view>

#include "container/agent/agent_client.h"
#include "container/base/unique_fd.h"

namespace preflight::container {

/// A non-blocking stream socket connected to `addr` before `deadline`. `what` names the
/// peer in errors ("connect `127.0.0.1:19999`: Connection refused").
Expected<UniqueFd> ConnectBefore(int family, const sockaddr* addr, socklen_t len,
                                 std::string_view what, Deadline deadline);

/// Writes all of `data` before `deadline`.
Status WriteAllBefore(int fd, std::string_view data, std::string_view what, Deadline deadline);

/// Reads until EOF, `max_bytes`, or `done(data)` says the message is complete, before
/// `deadline`. Exceeding `max_bytes` is an error (EMSGSIZE).
Expected<std::string> ReadAllBefore(int fd, size_t max_bytes, std::string_view what,
                                    Deadline deadline, bool (*done)(std::string_view) = nullptr);

}  // namespace preflight::container
