#pragma once
/// What agent.version learnt, for the claim checks that behave differently on v1 and v2.

#include <string>

#include "checks/check.h"

namespace preflight::checks {

/// "v1" (claims with netdata-claim.sh), "v2" (claims by itself) or "unknown" (agent.version
/// did not run or found no agent).
inline std::string AgentGeneration(const Context& ctx) {
  const Result* r = ctx.Earlier("agent.version");
  if (r == nullptr || !r->details.is_object()) return "unknown";
  auto it = r->details.find("generation");
  if (it == r->details.end() || !it->is_string()) return "unknown";
  return it->get<std::string>();
}

/// The netdata binary agent.version used, or "".
inline std::string AgentBinary(const Context& ctx) {
  const Result* r = ctx.Earlier("agent.version");
  if (r == nullptr || !r->details.is_object()) return "";
  auto it = r->details.find("binary");
  return it != r->details.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace preflight::checks
