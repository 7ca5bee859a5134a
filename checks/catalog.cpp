#include "checks/catalog.h"

#include <algorithm>
#include <cctype>

namespace preflight::checks {

const std::vector<const CheckDef*>& Catalog() {
  // Run order follows the guide; agent.version first because the claim checks depend on
  // the agent generation (v1 claims with a script, v2 by itself).
  static const std::vector<const CheckDef*> catalog = {
      &kAgentVersion,      &kClaimToken,       &kClaimConfig,     &kClaimScript,
      &kClaimState,        &kContainerSeccomp, &kContainerVolume, &kContainerIdentity,
      &kContainerLifetime, &kNetworkProxy,     &kNetworkDns,      &kNetworkTls,
      &kNetworkHttps,      &kNetworkWebsocket, &kCloudLink,
  };
  return catalog;
}

const CheckDef* FindCheck(std::string_view id) {
  for (const CheckDef* def : Catalog()) {
    if (def->id == id) return def;
  }
  return nullptr;
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string SuggestCheck(std::string_view typed) {
  // Ids are lower case; "CLAIM.TOKEN" is still a typo of claim.token.
  std::string lower(typed);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view id = lower;
  const CheckDef* best = nullptr;
  size_t best_distance = 4;  // farther than this is not a typo
  for (const CheckDef* def : Catalog()) {
    size_t d = EditDistance(id, def->id);
    // "tls" alone should still find "network.tls".
    auto dot = def->id.find('.');
    if (dot != std::string_view::npos)
      d = std::min(d, EditDistance(id, def->id.substr(dot + 1)) + 1);
    if (d < best_distance) {
      best_distance = d;
      best = def;
    }
  }
  return best != nullptr ? std::string(best->id) : std::string();
}

Result NotImplemented(Context& /*ctx*/) { return Result::Skip("not implemented yet"); }

}  // namespace preflight::checks
