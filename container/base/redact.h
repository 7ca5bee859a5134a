#pragma once
/// The last line of defence for the claim token: every byte the tool writes (stdout,
/// --output, the termination log, HTTP bodies, log lines, usage errors) passes through Redact.

#include <string>
#include <vector>

namespace preflight {

/// Replaces every occurrence of each secret with "<redacted>". Secrets shorter than 8
/// characters are ignored (too likely to match ordinary text).
std::string Redact(std::string text, const std::vector<std::string>& secrets);

/// The process-wide secrets, registered once at start (cmd/main.cpp) from the claim sources.
void SetProcessSecrets(std::vector<std::string> secrets);
const std::vector<std::string>& ProcessSecrets();

/// Redact(text, ProcessSecrets()).
inline std::string Redact(std::string text) { return Redact(std::move(text), ProcessSecrets()); }

}  // namespace preflight
