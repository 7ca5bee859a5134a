#include "checks/claim_attempts.h"

#include <unistd.h>

#include "container/parse/ini.h"

namespace preflight::checks {
namespace {

/// Why the environment is not tried: getenv's `!token || !*token`.
std::string EnvTokenMissing(const ClaimSettings& s) {
  if (!s.env_token.set) return "NETDATA_CLAIM_TOKEN is not set";
  return s.env_token.value.empty() ? "NETDATA_CLAIM_TOKEN is set but empty" : "";
}

bool NonEmpty(const ClaimValue& v) { return v.set && !container::TrimSpace(v.value).empty(); }

}  // namespace

std::vector<ClaimAttempt> ClaimAttempts(const ClaimSettings& s, bool v1,
                                        const std::string& conf_unreadable) {
  std::vector<ClaimAttempt> out;
  if (v1) {
    // run.sh: [ -n "$NETDATA_CLAIM_URL" ] && [ -n "$NETDATA_CLAIM_TOKEN" ] (URL: claim.config).
    ClaimAttempt env{"environment", s.env_token, s.env_url, s.env_rooms, s.env_proxy, ""};
    env.not_tried = EnvTokenMissing(s);
    out.push_back(std::move(env));
    return out;
  }
  if (s.claim_conf_present) {
    ClaimAttempt conf{"claim.conf", s.conf_token, s.conf_url, s.conf_rooms, s.conf_proxy, ""};
    if (!s.claim_conf_error.empty()) {
      conf.not_tried = "it cannot be read (" + s.claim_conf_error + ")";
    } else if (!conf_unreadable.empty()) {
      conf.not_tried = conf_unreadable;
    } else if (!NonEmpty(s.conf_token)) {
      conf.not_tried = "it has no `token` under [global]";
    } else if (s.conf_url.set && !NonEmpty(s.conf_url)) {
      conf.not_tried = "its `url` is empty";  // an absent url defaults to app.netdata.cloud
    }
    out.push_back(std::move(conf));
  }
  ClaimAttempt env{"environment", s.env_token, s.env_url, s.env_rooms, s.env_proxy, ""};
  // getenv: `!token || !*token` skips the source; whitespace is a (broken) token.
  env.not_tried = EnvTokenMissing(s);
  if (s.env_token.set || s.env_url.set) out.push_back(std::move(env));
  if (s.file_token.set) {
    ClaimAttempt file{"cloud.d", s.file_token, {}, s.file_rooms, {}, ""};
    if (s.file_token.value.empty()) file.not_tried = "cloud.d/token is empty";
    out.push_back(std::move(file));
  }
  return out;
}

std::string ClaimConfUnreadable(container::System& sys, const AgentUser& user,
                                const ClaimSettings& s, const std::string& config_dir) {
  if (!s.claim_conf_present || !s.claim_conf_error.empty() || user.self) return "";
  auto dir = sys.Stat(config_dir, true);
  if (dir.ok() && !Allows(sys, user, config_dir, *dir, X_OK)) {
    return config_dir + " is owned by " + Ownership(*dir) + " and " + user.Label() +
           " cannot enter it";
  }
  auto info = sys.Stat(s.claim_conf_path, true);
  if (info.ok() && !Allows(sys, user, s.claim_conf_path, *info, R_OK)) {
    return "it is owned by " + Ownership(*info) + " and " + user.Label() + " cannot read it";
  }
  return "";
}

std::vector<bool> PossibleGenerations(const std::string& generation) {
  if (generation == "v1") return {true};
  if (generation == "v2") return {false};
  return {true, false};
}

}  // namespace preflight::checks
