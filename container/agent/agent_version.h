#pragma once
/// Pure parsers of what the netdata binary says about itself: `netdata -V` and
/// `netdata -W buildinfo` (reference/netdata-facts.md §7). string_view in, struct out; never a
/// throw, never a crash on hostile input.

#include <optional>
#include <string>
#include <string_view>

#include "container/base/expected.h"

namespace preflight::container {

/// A version as `netdata -V` prints it: `netdata v1.37.1`, `netdata v2.11.0-84-nightly`,
/// `netdata v1.44.0-rc2`, `netdata v1.43.2-12-g1a2b3c4` (the leading `v` is optional).
struct AgentVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  std::string text;    ///< "v1.37.1-84-nightly": the version word as printed (sanitised)
  std::string suffix;  ///< "-84-nightly", "-rc2", "" for a release

  /// v2 agents (>= v1.99.0, i.e. v2.0.0 and its v1.99 pre-releases) claim by themselves.
  bool IsV2() const { return major >= 2 || (major == 1 && minor >= 99); }
  /// True when this version is older than major.minor.
  bool OlderThan(int want_major, int want_minor) const {
    return major != want_major ? major < want_major : minor < want_minor;
  }
};

/// Finds the version in `netdata -V` output (the first line that has `netdata vX.Y.Z`, or a
/// bare `vX.Y.Z`). EINVAL with a one-line message when there is none.
Expected<AgentVersion> ParseAgentVersion(std::string_view output);

/// What `netdata -W buildinfo` says about Cloud support. Both the v1 layout
/// (`    Netdata Cloud:              NO (by user request)`) and the v2 one
/// (`    Netdata Cloud ______________ : YES`) are understood.
struct BuildInfo {
  std::optional<bool> cloud;  ///< the "Netdata Cloud" feature line
  std::optional<bool> aclk;   ///< the "ACLK" line (v1) or "ACLK (Agent-Cloud Link...)" (v2)
  std::string cloud_text;     ///< the value as printed, e.g. "NO (by user request)"
  std::string aclk_text;
};

/// Never fails: lines it does not know are ignored; unknown facts stay empty.
BuildInfo ParseBuildInfo(std::string_view text);

}  // namespace preflight::container
