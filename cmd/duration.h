#pragma once
/// Durations on the command line: "10s", "500ms", "2m", "1h", "1d", "1m30s"; a bare number
/// on its own is seconds ("5" = "5s"), everywhere a DURATION is taken.

#include <chrono>
#include <string_view>

#include "container/base/expected.h"

namespace preflight::cmd {

/// The longest duration taken (a sanity bound, far above any real wait).
inline constexpr std::chrono::hours kMaxDuration{24 * 365};

/// Pure. The error names the value and shows the accepted forms.
Expected<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace preflight::cmd
