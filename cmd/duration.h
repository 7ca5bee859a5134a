#pragma once
/// Durations on the command line: "10s", "500ms", "2m", "1h", "1m30s"; a bare number is seconds.

#include <chrono>
#include <string_view>

#include "container/expected.h"

namespace preflight::cmd {

/// Pure. The error names the value and shows the accepted forms.
Expected<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace preflight::cmd
