// claim.config: the claim URL, rooms, proxy and insecure option the agent will use are values
// it accepts, and the sources (claim.conf, environment) do not silently contradict each other.
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "checks/agent_generation.h"
#include "checks/agent_model.h"
#include "checks/agent_user.h"
#include "checks/catalog.h"
#include "checks/claim_attempts.h"
#include "checks/claim_settings.h"
#include "checks/findings.h"
#include "checks/sections.h"
#include "container/base/uuid.h"
#include "container/net/proxy.h"
#include "container/parse/ini.h"

namespace preflight::checks {
namespace {

/// At most 60 printable characters of a value that is not a secret (URL, room id).
std::string Shown(std::string_view value) {
  std::string out;
  for (char c : value.substr(0, 60)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (value.size() > 60) out += "...";
  return out;
}

/// A URL safe to print: everything between `scheme://` and the last '@' masked (credentials
/// may hold '/', '#' or '?', which end the authority for a URL parser but not for a person),
/// then cut to 60 printable characters.
std::string SafeUrl(std::string_view value) {
  std::string masked(value);
  auto at = masked.rfind('@');
  if (at != std::string::npos) {
    auto sep = masked.find("://");
    size_t start = sep != std::string::npos && sep < at ? sep + 3 : 0;
    masked.replace(start, at - start, "***");
  }
  return Shown(masked);
}

/// A ParseUrl error without the text it quotes (which may hold credentials): the part after
/// the quoted URL, e.g. " has a bad port".
std::string UrlProblem(const std::string& message) {
  auto tick = message.rfind('`');
  return tick == std::string::npos ? message : message.substr(tick + 1);
}

/// A broken claim value: certain to fail the claim (`because` names why) only when no other
/// source can take over; "" makes it a plain fail.
void Bad(Findings* f, const std::string& because, std::string message, std::string fix) {
  f->CertainFail(std::move(message), std::move(fix), because);
}

bool Quoted(std::string_view v) {
  return v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front();
}

/// `https://host[:port][/path]`; "" when fine, else what is wrong.
void CheckUrl(const ClaimValue& url, const std::string& certain, Findings* f) {
  const std::string fix = "Set " + url.source +
                          " to https://app.netdata.cloud (or your Cloud's "
                          "https:// URL), without quotes or spaces.";
  std::string_view v = url.value;
  if (container::TrimSpace(v).empty()) {
    Bad(f, certain, url.source + " is set but empty", fix);
    return;
  }
  if (Quoted(container::TrimSpace(v))) {
    Bad(f, certain, url.source + " is wrapped in quotes, which become part of the URL", fix);
    return;
  }
  if (container::TrimSpace(v).size() != v.size() ||
      v.find_first_of(" \t\r\n") != std::string_view::npos) {
    Bad(f, certain, url.source + " contains whitespace", fix);
    return;
  }
  if (v.find("://") == std::string_view::npos) {
    Bad(f, certain, url.source + " `" + SafeUrl(v) + "` has no https:// scheme", fix);
    return;
  }
  auto parsed = container::ParseUrl(v);
  if (!parsed.ok()) {
    Bad(f, certain, url.source + " `" + SafeUrl(v) + "`" + UrlProblem(parsed.error().message), fix);
    return;
  }
  if (parsed->scheme != "https") {
    Bad(f, certain,
        url.source + " `" + SafeUrl(v) + "` uses " + parsed->scheme +
            "://; Netdata Cloud only speaks https",
        fix);
    return;
  }
  if (parsed->has_credentials()) {
    f->Warn(url.source + " contains user credentials, which Netdata Cloud does not use", fix);
  }
  if (parsed->path != "/") {
    // e.g. a Space URL copied from the browser: the claim goes to <url>/api/v1/spaces/nodes/<id>.
    f->Warn(url.source + " `" + SafeUrl(v) +
                "` has a path; the agent appends "
                "/api/v1/spaces/nodes/<id> to it, so the claim request misses the API",
            fix);
  }
}

/// Comma-separated room UUIDs; the agent trims items and skips empty ones.
size_t CheckRooms(const ClaimValue& rooms, const std::string& certain, Findings* f) {
  std::string_view list = rooms.value;
  if (Quoted(container::TrimSpace(list))) {
    Bad(f, certain,
        rooms.source + " is wrapped in quotes, which become part of the first and last room id",
        "Remove the quotes: " + rooms.source + " is a plain comma-separated list of room ids.");
    return 0;
  }
  size_t count = 0, index = 0;
  while (true) {
    auto comma = list.find(',');
    std::string_view item = container::TrimSpace(list.substr(0, comma));
    ++index;
    if (!item.empty()) {
      ++count;
      if (!container::IsUuid(item)) {
        Bad(f, certain,
            rooms.source + " item " + std::to_string(index) + " (`" + Shown(item) +
                "`) is not a room id (a UUID like 1d66b04f-7f1c-413f-9638-f0c6e281f721)",
            "Copy the room ids from Netdata Cloud (room settings), comma-separated, or leave " +
                rooms.source + " empty to add the node to the All nodes room only.");
        break;  // one named bad item is enough to act on
      }
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return count;
}

/// none, env, http://[user:pass@]host:port, socks5://, socks5h://.
// A bad proxy value is never certain: which proxy rule applies depends on the version and the
// libcurl the agent was built with (agent model: link-proxy-prefix-strict).
void CheckProxy(const ClaimValue& proxy, Findings* f) {
  const std::string certain;
  std::string_view v = container::TrimSpace(proxy.value);
  if (v.empty() || v == "env" || v == "none") return;
  const std::string shown = SafeUrl(v);
  const std::string fix =
      "Set " + proxy.source + " to none, env, http://[user:pass@]host:port or socks5h://host:port.";
  if (Quoted(v)) {
    Bad(f, certain, proxy.source + " is wrapped in quotes, which become part of the proxy URL",
        fix);
    return;
  }
  auto sep = v.find("://");
  std::string scheme = sep == std::string_view::npos ? "" : std::string(v.substr(0, sep));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "https") {
    f->Fail(proxy.source + " `" + shown +
                "` is an https:// proxy, which the agent's Cloud link "
                "does not support",
            "Use the proxy's plain http:// address (the link tunnels TLS through CONNECT), or a "
            "socks5h:// proxy.");
    return;
  }
  if (scheme != "http" && scheme != "socks5" && scheme != "socks5h") {
    Bad(f, certain,
        proxy.source + " `" + shown +
            "` is not none, env, or an http://, socks5:// or "
            "socks5h:// URL (the agent does not guess a scheme)",
        fix);
    return;
  }
  auto parsed = container::ParseUrl(v);
  if (!parsed.ok()) {
    Bad(f, certain, proxy.source + " `" + shown + "`" + UrlProblem(parsed.error().message), fix);
    return;
  }
}

/// The value the agent ignores or the two values that disagree, named once here (claim.token
/// leaves conflicts to this check).
void CheckConflicts(const ClaimSettings& s, const std::string& generation, Findings* f) {
  if (generation == "v1") return;  // v1 never reads claim.conf: reported separately
  const std::string who = generation == "v2" ? "this v2 agent" : "a v2 agent";
  if (!s.conf_token.set) {
    // claim.conf without a token is skipped as a whole: its other settings are not used.
    std::string unused;
    int count = 0;
    for (const ClaimValue* v : {&s.conf_url, &s.conf_rooms, &s.conf_proxy, &s.conf_insecure}) {
      if (!v->set) continue;
      unused += (count++ ? ", `" : "`") + v->source.substr(std::string("claim.conf ").size()) + "`";
    }
    if (s.env_token.set && count > 0) {
      f->Warn(s.claim_conf_path + " has no `token`, so " + who +
                  " skips it and claims from the "
                  "environment: its " +
                  unused + (count > 1 ? " are" : " is") + " not used",
              "Put the token in " + s.claim_conf_path +
                  " too, or move those settings to "
                  "NETDATA_CLAIM_*.");
    }
    return;
  }
  struct Pair {
    const ClaimValue* conf;
    const ClaimValue* env;
    bool secret;
  } pairs[] = {{&s.conf_token, &s.env_token, true},
               {&s.conf_url, &s.env_url, false},
               {&s.conf_rooms, &s.env_rooms, false},
               {&s.conf_proxy, &s.env_proxy, false}};
  for (const auto& p : pairs) {
    if (!p.env->set) continue;
    if (!p.conf->set) {
      f->Warn(p.env->source + " is ignored: " + s.claim_conf_path + " has a token, and " + who +
                  " takes all claim settings from the first source that has one",
              "Move the setting into " + s.claim_conf_path +
                  " or remove it from the "
                  "environment.");
    } else if (p.conf->value != p.env->value) {
      std::string detail = p.secret ? " (claim.conf: " + TokenHint(p.conf->value) +
                                          "; env: " + TokenHint(p.env->value) + ")"
                                    : "";
      f->Warn(p.conf->source + " and " + p.env->source + " differ" + detail + "; " + who +
                  " uses claim.conf" +
                  (generation == "v2" ? "" : " (a v1 agent uses the environment)"),
              "Keep one source: remove " + p.env->source + " or make both equal.");
    }
  }
}

/// claim.conf cannot be used by a v2 agent: with a token in another source it claims from
/// that one instead (a warning); otherwise the claim asked for cannot happen (certain for a
/// known v2 agent; v1 agents do not read claim.conf at all).
void Skipped(Findings* f, const std::string& generation, bool other_source, std::string message,
             std::string fix) {
  if (other_source) {
    f->Warn(message + "; the agent claims from the next source that has a token instead",
            std::move(fix));
  } else {
    // v2 tries claim.conf, the environment and cloud.d/token; none has a usable token here.
    Bad(f, generation == "v2" ? Because(Behaviour::kClaimSourcesFallBack) : "", std::move(message),
        std::move(fix));
  }
}

/// The fix for a claim.conf the agent cannot use, never a chown/chmod through a symlink: run as
/// written, that would open the link's target (anything, e.g. /etc/shadow) to the agent's group.
std::string ClaimConfFix(container::System& sys, const std::string& path,
                         const std::string& group) {
  auto link = sys.Stat(path, /*follow_symlinks=*/false);
  if (link.ok() && link->type == container::FileType::kSymlink) {
    auto target = sys.RealPath(path);
    return "Remove the symlink " + path + " (it points to " +
           (target.ok() ? *target : std::string("a path that does not resolve")) +
           ") and write claim.conf there as a regular file, 0640 root:" + group +
           "; do not change the mode or owner of the link's target.";
  }
  auto info = sys.Stat(path, /*follow_symlinks=*/true);
  if (info.ok() && info->type != container::FileType::kRegular) {
    return "Replace " + path + " with a regular file holding `[global]` and `token = ...` " +
           "(0640 root:" + group + ").";
  }
  if (info.ok() && info->size > 64 * 1024) {
    return "Replace " + path +
           " with the few lines the docs describe: `[global]`, `token = ...`, " +
           "`url = ...`, `rooms = ...`.";
  }
  return "Run `chown root:" + group + " " + path + " && chmod 0640 " + path +
         "` (as the docs require).";
}

/// Root reads claim.conf whatever its mode; a v2 agent reads it as its own user (the docs say
/// 0640 root:netdata), and silently falls back to the environment when it cannot.
void CheckAgentCanRead(container::System& sys, const AgentUser& user, const ClaimSettings& s,
                       const std::string& generation, const std::string& config_dir,
                       bool other_source, Findings* f) {
  if (!s.claim_conf_present || !s.claim_conf_error.empty() || generation == "v1") return;
  if (user.self) return;  // then our own read was the agent's: claim_conf_error covers it
  const std::string fix = ClaimConfFix(sys, s.claim_conf_path, std::to_string(user.gid)) + " (" +
                          std::to_string(user.gid) + " is the group of " + user.name + ".)";
  auto dir = sys.Stat(config_dir, true);
  if (dir.ok() && !Allows(sys, user, config_dir, *dir, X_OK)) {
    Skipped(f, generation, other_source,
            config_dir + " is owned by " + Ownership(*dir) + ": the agent, running as " +
                user.Label() + ", cannot reach claim.conf in it, so it never claims from it",
            "Run `chmod o+x " + config_dir + "` (or give it to the agent's group).");
    return;
  }
  auto info = sys.Stat(s.claim_conf_path, true);
  if (info.ok() && !Allows(sys, user, s.claim_conf_path, *info, R_OK)) {
    Skipped(f, generation, other_source,
            s.claim_conf_path + " is owned by " + Ownership(*info) + ": the agent, running as " +
                user.Label() +
                ", cannot read it, so it never claims from it (root can, which "
                "hides the problem)",
            fix);
  }
}

// NETDATA_EXTRA_CLAIM_OPTS on a v2 agent claiming from the environment: v2.0.0-v2.10.x test
// `strstr(opts, "-insecure") == 0` (inverted): -insecure is ignored, any other value turns
// certificate verification off; v2.11.0 honours the word -insecure.
void CheckExtraOpts(const ClaimSettings& s, const AgentFacts& agent, Details& details,
                    Findings* f) {
  if (s.extra_opts.empty()) return;
  const bool has_word = s.extra_opts.find("-insecure") != std::string::npos;
  // The value itself is never shown: it may carry a v1-style -token=... and may be huge.
  const std::string opts =
      has_word ? std::string("NETDATA_EXTRA_CLAIM_OPTS (which contains -insecure)")
               : "NETDATA_EXTRA_CLAIM_OPTS (" + std::to_string(s.extra_opts.size()) +
                     " characters, without -insecure)";
  const Holds inverted = agent.Does(Behaviour::kInsecureOptInverted);
  const std::string cite = Cite(Behaviour::kInsecureOptInverted);
  if (inverted == Holds::kYes) {
    details["insecure"] = !has_word;
    if (has_word) {
      f->Warn(opts +
                  " does not turn certificate checks off "
                  "in " +
                  agent.Name() + ": its test is inverted (" + cite +
                  "); the claim verifies the certificate (the agent logs `insecure: false`)",
              "Make the certificate verify (mount the CA of an intercepting proxy into the "
              "image's trust store); to skip the check on v2.0.0-v2.10.x use `insecure = yes` in "
              "claim.conf, or upgrade to v2.11.0 where -insecure works. Remove "
              "NETDATA_EXTRA_CLAIM_OPTS.");
    } else {
      f->Warn(opts +
                  " turns certificate verification of "
                  "the claim OFF in " +
                  agent.Name() + ": any value without -insecure does (" + cite + ")",
              "Remove NETDATA_EXTRA_CLAIM_OPTS: v2 agents read no other option from it.");
    }
  } else if (inverted == Holds::kDepends) {
    details["insecure"] = nullptr;
    f->Warn(opts + (has_word ? " turns" : " does not turn") +
                " certificate checks off only in v2.11.0 and later; v2.0.0-v2.10.x invert the "
                "test (" +
                cite + "), and the agent's version is unknown",
            "Remove NETDATA_EXTRA_CLAIM_OPTS; to skip certificate checks (not recommended) use "
            "`insecure = yes` in claim.conf, which every v2 agent reads.");
  }
}

/// claim.conf as a file the agent reads: a readable file, well-formed lines, readable by the
/// agent's user, and its token in [global] where the agent looks.
void CheckClaimConfFile(Context& ctx, const ClaimSettings& s, const std::string& generation,
                        bool other_source, Findings* f) {
  if (!s.claim_conf_error.empty()) {
    auto info = ctx.sys.Stat(s.claim_conf_path, true);
    if (info.ok() && info->type == container::FileType::kDirectory) {
      Skipped(f, generation, other_source,
              s.claim_conf_path +
                  " is a directory, not a file (a bind mount of a missing host "
                  "file creates one)",
              "Replace it with a file: mount the host's claim.conf file itself (it must exist "
              "before the container starts), 0640 root:netdata.");
    } else {
      Skipped(f, generation, other_source,
              s.claim_conf_path + " exists but cannot be read (" + s.claim_conf_error +
                  "), so the agent cannot claim from it",
              ClaimConfFix(ctx.sys, s.claim_conf_path, "netdata"));
    }
  }
  if (!s.claim_conf_bad_lines.empty()) {
    std::string lines;
    for (size_t i = 0; i < s.claim_conf_bad_lines.size() && i < 10; ++i) {
      lines += (i ? ", " : "") + std::to_string(s.claim_conf_bad_lines[i]);
    }
    f->Warn(s.claim_conf_path + " line" + (s.claim_conf_bad_lines.size() > 1 ? "s " : " ") + lines +
                (s.claim_conf_bad_lines.size() > 1 ? " are" : " is") +
                " neither `[section]`, `key = value` nor a comment; the agent ignores " +
                (s.claim_conf_bad_lines.size() > 1 ? "them" : "it"),
            "Fix those lines: claim.conf is `[global]` followed by `token = ...`, `url = ...`, "
            "`rooms = ...`, `proxy = ...`, `insecure = no`.");
  }
  CheckAgentCanRead(ctx.sys, ctx.User(), s, generation, ctx.in.config_dir, other_source, f);
  // A token in another section (or before [global]) is invisible to the agent.
  if (s.claim_conf_present && s.claim_conf_error.empty() && !s.conf_token.set &&
      s.claim_conf_token_elsewhere_line > 0) {
    Skipped(f, generation, other_source,
            s.claim_conf_path + " line " + std::to_string(s.claim_conf_token_elsewhere_line) +
                " sets `token` outside the [global] section, where the agent does not look",
            "Put `[global]` on a line before `token = ...` in " + s.claim_conf_path + ".");
  }
}

/// A v1 agent claims only from the environment, and only with both URL and token: run.sh
/// tests [ -n "$NETDATA_CLAIM_URL" ] && [ -n "$NETDATA_CLAIM_TOKEN" ] (claim.conf unread).
void CheckV1Sources(const ClaimSettings& s, Findings* f) {
  const bool url = s.env_url.set && !s.env_url.value.empty();
  const bool token = s.env_token.set && !s.env_token.value.empty();
  if (s.claim_conf_present && !token) {
    f->CertainFail(s.claim_conf_path +
                       " is used only by v2 agents; this v1 agent claims from "
                       "NETDATA_CLAIM_TOKEN and NETDATA_CLAIM_URL, which are not set",
                   "Set NETDATA_CLAIM_TOKEN and NETDATA_CLAIM_URL=https://app.netdata.cloud, or "
                   "upgrade to a v2 image.",
                   Because(Behaviour::kV1ClaimsFromEnvOnly));
  } else if (url != token) {
    f->CertainFail(
        std::string("v1 images claim only when both NETDATA_CLAIM_URL and NETDATA_CLAIM_TOKEN "
                    "are set; only ") +
            (url ? "NETDATA_CLAIM_URL" : "NETDATA_CLAIM_TOKEN") + " is",
        url ? "Set NETDATA_CLAIM_TOKEN to your Space's claim token."
            : "Set NETDATA_CLAIM_URL=https://app.netdata.cloud as well.",
        Because(Behaviour::kV1ClaimsFromEnvOnly));
  }
}

/// The value the agent will use: v1 the environment's, otherwise the winning source's;
/// without a token anywhere (source ""), whatever is set.
const ClaimValue& UsedValue(const ClaimSettings& s, bool v1, const ClaimValue& conf,
                            const ClaimValue& env, const ClaimValue& winner) {
  if (v1) return env;
  if (!s.source.empty()) return winner;
  return conf.set ? conf : env;
}

/// Why a bad value is certain to fail the claim, or "": only when the agent (of known
/// generation) tries no other source after this one, since the value goes to Cloud as given.
std::string OnlySource(Context& ctx, const ClaimSettings& s, const std::string& generation,
                       bool v1) {
  size_t tried = 0;
  if (generation != "unknown") {
    const std::string unreadable =
        v1 ? "" : ClaimConfUnreadable(ctx.sys, ctx.User(), s, ctx.in.config_dir);
    for (const auto& a : ClaimAttempts(s, v1, unreadable)) tried += a.Tried() ? 1 : 0;
  }
  return tried == 1 ? Because(Behaviour::kClaimValuesSentAsGiven) : "";
}

/// The values the agent will use (URL, rooms, proxy, insecure) are ones it accepts; `details`
/// gets what is used, for the summary.
void CheckUsedValues(Context& ctx, const ClaimSettings& s, const std::string& generation,
                     Details& details, Findings* f) {
  const bool v1 = generation == "v1";
  const ClaimValue& url = UsedValue(s, v1, s.conf_url, s.env_url, s.url);
  const ClaimValue& rooms = UsedValue(s, v1, s.conf_rooms, s.env_rooms, s.rooms);
  const ClaimValue& proxy = UsedValue(s, v1, s.conf_proxy, s.env_proxy, s.proxy);
  details["source"] = v1 ? "environment" : s.source;
  const std::string only_source = OnlySource(ctx, s, generation, v1);
  if (url.set) CheckUrl(url, only_source, f);
  details["url"] =
      url.set ? SafeUrl(url.value) : std::string("https://app.netdata.cloud (default)");
  details["rooms"] = rooms.set ? CheckRooms(rooms, only_source, f) : 0;
  if (proxy.set) CheckProxy(proxy, f);
  details["proxy"] =
      proxy.set ? SafeUrl(container::TrimSpace(proxy.value)) : std::string("env (default)");
  details["insecure"] = v1 ? s.extra_opts.find("-insecure") != std::string::npos : s.insecure;
  if (!v1 && s.source == "environment") CheckExtraOpts(s, ctx.Agent(), details, f);
  if (s.env_insecure_ignored) {
    f->Warn("NETDATA_CLAIM_INSECURE is set, but no agent reads it: it has no effect",
            "Remove NETDATA_CLAIM_INSECURE; to skip certificate checks (not recommended) set "
            "NETDATA_EXTRA_CLAIM_OPTS=-insecure.");
  }
  if (v1 && s.claim_conf_present && s.env_token.set) {
    f->Warn(s.claim_conf_path + " is ignored by this v1 agent (only v2 agents read it)",
            "Remove claim.conf or upgrade to a v2 image; the environment is what is used.");
  }
}

/// The words of a pass: where the settings come from and the values used.
std::string ValidMessage(const ClaimSettings& s, bool v1, const Details& details) {
  std::string where = v1 || s.source == "environment" ? "the environment"
                      : s.source.empty()              ? "the defaults"
                                                      : s.source;
  return "claim settings from " + where + " are valid (URL " + details["url"].get<std::string>() +
         ", " + std::to_string(details["rooms"].get<size_t>()) + " room(s), proxy " +
         details["proxy"].get<std::string>() + ")";
}

Result RunClaimConfig(Context& ctx) {
  ClaimSettings s = ctx.Claim();
  const std::string generation = AgentGeneration(ctx);
  Details details;
  details["wanted"] = s.Wanted();
  details["generation"] = generation;
  if (!s.Wanted()) {
    return Result::Skip("claiming is not configured (no NETDATA_CLAIM_* and no " +
                        s.claim_conf_path + "): no claim settings to check")
        .With(details);
  }

  Findings f;
  // v2 agents fall back from claim.conf to the environment, then to cloud.d/token.
  const bool other_source = (s.env_token.set && !s.env_token.value.empty()) ||
                            (s.file_token.set && !s.file_token.value.empty());
  CheckClaimConfFile(ctx, s, generation, other_source, &f);
  if (generation == "v1") CheckV1Sources(s, &f);
  CheckUsedValues(ctx, s, generation, details, &f);
  CheckConflicts(s, generation, &f);
  return f.ToResult(ValidMessage(s, generation == "v1", details), details);
}

}  // namespace

const CheckDef kClaimConfig{
    "claim.config",
    "Claim URL, rooms, proxy",
    section::kClaimingDocker,
    Kind::kOffline,
    {},
    &RunClaimConfig,
    "The claim URL is https, rooms are comma-separated room UUIDs, the proxy is none, env, "
    "http://, socks5:// or socks5h:// (https:// proxies are not supported by the link), "
    "-insecure comes only from NETDATA_EXTRA_CLAIM_OPTS (ignored by v2.0.0-v2.10.x, where any "
    "other value turns certificate checks off; honoured from v2.11.0), and claim.conf and "
    "NETDATA_CLAIM_* do "
    "not contradict each other. v1 images claim only when both NETDATA_CLAIM_URL and "
    "NETDATA_CLAIM_TOKEN are set; v2 agents take all settings from the first source with a "
    "token. A wrong value makes the one claim attempt fail.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
