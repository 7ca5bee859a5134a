#pragma once
/// The last line of defence for the claim token: every byte the tool writes (stdout,
/// --output, the termination log, HTTP bodies) passes through Redact.

#include <string>
#include <vector>

namespace preflight::cmd {

/// Replaces every occurrence of each secret with "<redacted>". Secrets shorter than 8
/// characters are ignored (too likely to match ordinary text).
std::string Redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace preflight::cmd
