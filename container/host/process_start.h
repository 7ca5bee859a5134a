#pragma once
/// When a process started, in unix seconds: /proc/<pid>/stat field 22 (starttime, clock ticks
/// since boot) plus /proc/stat `btime`. Tells "the running agent wrote this file at its start"
/// from "the file was there before".

#include <cstdint>
#include <optional>
#include <string_view>

#include "container/system.h"

namespace preflight::container {

/// Field 22 of a /proc/<pid>/stat line (after the parenthesised comm, which may hold spaces and
/// parentheses). nullopt when malformed. Pure.
std::optional<uint64_t> ParseStartTicks(std::string_view stat);

/// `btime` of /proc/stat. nullopt when absent. Pure.
std::optional<int64_t> ParseBootTime(std::string_view proc_stat);

/// The start of `pid` in unix seconds (rounded down), through `sys`; nullopt when unreadable.
std::optional<int64_t> ProcessStartUnix(const System& sys, int pid);

}  // namespace preflight::container
