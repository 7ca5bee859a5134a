#pragma once
/// A pure reading of an installed netdata-claim.sh (reference/netdata-facts.md §2a, §2b, §9):
/// which generation it is, and whether its build-time template made it refuse to claim.

#include <string_view>

namespace preflight::container {

struct ClaimScriptFacts {
  bool looks_like_claim_script = false;  ///< mentions claiming at all (e.g. "cloud.d", "-token=")
  bool v2_wrapper = false;               ///< `%%NEW_CLAIMING_METHOD%%`: writes claim.conf only
  /// Templated with enable_cloud=no (Debian): `if [ "no" = "no" ]; then ... --disable-cloud`.
  bool disabled_cloud = false;
  /// Templated without the ACLK dependencies: `if [ "" != "yes" ]; then ... dependencies for
  /// Cloud`.
  bool missing_cloud_deps = false;
};

/// Never fails; unknown text gives all-false facts.
ClaimScriptFacts ParseClaimScript(std::string_view text);

}  // namespace preflight::container
