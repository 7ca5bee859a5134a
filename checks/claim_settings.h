#pragma once
/// The claim settings the agent will use, read from the agent's own sources in the agent's
/// order (reference/netdata-facts.md §1): /etc/netdata/claim.conf, then NETDATA_CLAIM_*
/// and NETDATA_EXTRA_CLAIM_OPTS, then cloud.d/token and cloud.d/rooms (v2 only).
/// Shared by the claim checks, the network checks (proxy, URL) and cmd/ (redaction).

#include <optional>
#include <string>
#include <vector>

#include "checks/inputs.h"
#include "container/system.h"

namespace preflight::checks {

/// One setting and where it came from.
struct ClaimValue {
  bool set = false;
  std::string value;
  std::string source;  ///< "claim.conf", "NETDATA_CLAIM_TOKEN", "cloud.d/token", ...
};

struct ClaimSettings {
  std::string claim_conf_path;
  bool claim_conf_present = false;
  std::string claim_conf_error;  ///< set when it exists but cannot be read
  std::vector<int> claim_conf_bad_lines;
  /// The line of the first `token` outside [global] (invisible to the agent); 0 when none.
  int claim_conf_token_elsewhere_line = 0;

  // What each source says.
  ClaimValue conf_token, conf_url, conf_rooms, conf_proxy, conf_insecure;
  ClaimValue env_token, env_url, env_rooms, env_proxy;
  ClaimValue file_token, file_rooms;  ///< cloud.d/token, cloud.d/rooms
  /// cloud.d/cloud.conf `token`: a successful claim writes the token there in plain text. Not a
  /// claim source; read only so that no output ever shows it (ClaimSecrets).
  ClaimValue cloud_conf_token;
  std::string extra_opts;             ///< NETDATA_EXTRA_CLAIM_OPTS
  bool env_insecure_ignored = false;  ///< NETDATA_CLAIM_INSECURE is set (no agent reads it)

  // What a v2 agent will use: the first source that has a token wins as a whole.
  std::string source;  ///< "claim.conf", "environment", "cloud.d", or "" (not claiming)
  ClaimValue token, url, rooms, proxy;
  bool insecure = false;

  /// Claiming is wanted: a token is set somewhere, or claim.conf exists.
  bool Wanted() const { return token.set || claim_conf_present || env_url.set; }
};

/// Reads the sources through `sys`. Never fails: unreadable sources are recorded.
ClaimSettings LoadClaimSettings(container::System& sys, const Inputs& inputs);

/// The claimed id the agent would find at start: cloud.d/cloud.conf `claimed_id` (v2), else
/// cloud.d/claimed_id. Nothing is read through a symlink: not a symlinked cloud.d, not a
/// symlink at the files themselves (`blocked` then says which).
struct ClaimedId {
  bool found = false;  ///< a non-empty value exists (valid or not)
  std::string value;   ///< trimmed
  std::string source;  ///< "cloud.d/cloud.conf" or "cloud.d/claimed_id"
  /// A UUID the agent accepts: canonical form, nothing before it (every agent's parser stops
  /// at leading whitespace).
  bool valid = false;
  bool leading_space = false;  ///< whitespace before the value (the agent rejects it)
  /// What v2 agents accept (uuid_parse_flexi: 0 or 4 hyphens); v1 agents need `valid`.
  bool valid_flexi = false;
  /// Whitespace after the UUID (e.g. written with `echo`): current agents stop reading after
  /// 16 bytes, older ones (libuuid's uuid_parse, e.g. v1.37) reject the file.
  bool padded = false;
  std::string blocked;  ///< why the state was not read, e.g. "cloud.d is a symlink"

  /// What an agent counts as claimed: a value that parses as a UUID for some agent version
  /// (claim.state tells the versions apart).
  bool Claimed() const { return found && (valid || valid_flexi); }
};
ClaimedId ReadClaimedId(container::System& sys, const Inputs& inputs);

/// "" when <var-lib>/cloud.d is a real directory or absent; else why it is not read through
/// ("cloud.d is a symlink", "cloud.d is not a directory").
std::string CloudDirBlocked(container::System& sys, const Inputs& inputs);

/// Every distinct token value found in any source, and the one a successful claim wrote into
/// cloud.d/cloud.conf (for redaction of all output).
std::vector<std::string> ClaimSecrets(const ClaimSettings& settings);

/// How a token may be shown: its length and first 4 characters, never more.
/// e.g. `135 characters, starting "abcd"`.
std::string TokenHint(const std::string& token);

}  // namespace preflight::checks
