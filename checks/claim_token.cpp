// claim.token: when claiming is wanted, the token the agent will send is one unbroken string
// of the characters Netdata Cloud issues, not a placeholder, not wrapped in quotes.
#include <cctype>
#include <optional>

#include "checks/agent_generation.h"
#include "checks/agent_model.h"
#include "checks/catalog.h"
#include "checks/claim_attempts.h"
#include "checks/claim_settings.h"
#include "checks/sections.h"
#include "container/base/text.h"
#include "container/parse/ini.h"

namespace preflight::checks {
namespace {

/// Real tokens are 135 characters; outside this band the token is likely cut or pasted twice.
constexpr size_t kMinLength = 100;
constexpr size_t kMaxLength = 200;

struct Problem {
  Status status;
  std::string what;  ///< after "<source> " : "is empty", ...
  std::string fix;
  /// The claim is certain to fail with this token. False for whitespace around a good token:
  /// the agent sends it as it is, but no rejection by Cloud has been observed.
  bool certain = true;
};

/// Why no source with a usable token means no claim, in every generation.
std::string NoTokenAnywhere() {
  return Because(Behaviour::kClaimSourcesFallBack) + "; " +
         Because(Behaviour::kV1ClaimsFromEnvOnly);
}

bool NonEmptyToken(const ClaimValue& v) { return v.set && !v.value.empty(); }

bool IsEnv(const ClaimValue& v) { return v.source.rfind("NETDATA_", 0) == 0; }

/// Where the value is set, for "set X to ..." fixes.
std::string Where(const ClaimValue& v) {
  if (IsEnv(v)) return v.source;
  if (v.source == "cloud.d/token") return "the file cloud.d/token";
  return "`token` in claim.conf";
}

/// A character, described without echoing anything that could be part of a real token.
std::string Describe(unsigned char c) {
  if (c == '"') return "a double quote";
  if (c == '\'') return "a single quote";
  if (c == '\r') return "a carriage return (\\r, a Windows line ending)";
  if (c < 0x20 || c == 0x7f) return "a control character (byte " + std::to_string(c) + ")";
  if (c >= 0x80) return "a non-ASCII byte (e.g. a typographic character pasted from a document)";
  return std::string("'") + static_cast<char>(c) + "'";
}

bool InBase64Url(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; }
/// The union of what kickstart (`[:alnum:] ._=-`) and /api/v3/claim (`[A-Za-z0-9.,-:/_]`) pass.
bool InAcceptedUnion(unsigned char c) {
  return InBase64Url(c) || c == '.' || c == ',' || c == ':' || c == '/' || c == '=';
}

/// Text that is an example from documentation, not a token.
bool IsPlaceholder(std::string_view core) {
  std::string low = container::ToLower(core);
  for (char& c : low) c = (c == ' ' || c == '\t') ? '_' : c;  // "your claim token" too
  static const char* const kExact[] = {
      "token",     "changeme",    "change_me",           "change-me",  "placeholder", "your_token",
      "yourtoken", "claim_token", "claimtoken",          "secret",     "none",        "null",
      "undefined", "todo",        "netdata_claim_token", "your-token", "mytoken",     "my_token"};
  for (const char* p : kExact) {
    if (low == p) return true;
  }
  static const char* const kContains[] = {"your_claim_token", "your-claim-token", "yourclaimtoken",
                                          "claim_token_here", "token_here",       "token-here",
                                          "insert_token",     "paste_token",      "<token>"};
  for (const char* p : kContains) {
    if (low.find(p) != std::string::npos) return true;
  }
  if (low.size() >= 2 && low.front() == '<' && low.back() == '>') return true;
  // An unexpanded variable: $VAR, ${VAR}, $(cmd) (e.g. `$$` escaping in compose went wrong).
  if (low.front() == '$' || low.find("${") != std::string::npos ||
      low.find("$(") != std::string::npos) {
    return true;
  }
  if (low.rfind("your", 0) == 0 && low.find("token") != std::string::npos) return true;
  // xxxx, ****, 0000, ...: one character repeated.
  if (low.size() >= 3 && low.find_first_not_of(low[0]) == std::string::npos) return true;
  return false;
}

/// The first problem with the raw token value, or nullopt when it is well-formed.
std::optional<Problem> Analyze(const ClaimValue& v) {
  const std::string& raw = v.value;
  const std::string where = Where(v);
  const std::string copy_again =
      "Copy the claim token again from Netdata Cloud (Space settings > Nodes > Connect nodes) "
      "and set " +
      where + " to exactly that string.";
  if (raw.empty()) {
    return Problem{Status::kFail, "is set but empty", copy_again};
  }
  std::string_view core = container::TrimSpace(raw);
  if (core.empty()) {
    return Problem{Status::kFail, "contains only whitespace", copy_again};
  }
  if (core.size() >= 2 && (core.front() == '"' || core.front() == '\'') &&
      core.back() == core.front()) {
    std::string fix =
        IsEnv(v) ? "Remove the quotes: in docker-compose list syntax write `- " + v.source +
                       "=TOKEN` (the quotes of `- " + v.source +
                       "=\"TOKEN\"` become part of the value), or use the map syntax `" + v.source +
                       ": \"TOKEN\"`; in `docker run -e` quote the whole argument."
                 : "Remove the quotes around the token in " + where + ": the agent keeps them.";
    return Problem{Status::kFail,
                   "is wrapped in quotes, which become part of the token and make Cloud reject it",
                   fix};
  }
  if (core.size() != raw.size()) {
    const bool newline = raw.back() == '\n' || raw.back() == '\r';
    return Problem{Status::kFail,
                   newline ? "ends with a line break (typical of a secret file or `echo` output); "
                             "it is sent as part of the token"
                           : "has leading or trailing whitespace, which is sent as part of the "
                             "token",
                   IsEnv(v) ? "Strip the whitespace: e.g. create the secret with `printf %s "
                              "TOKEN` (not echo) or trim the value before setting " +
                                  v.source + "."
                            : "Remove the whitespace around the token in " + where + ".",
                   /*certain=*/false};
  }
  // Before the whitespace test: "<YOUR CLAIM TOKEN>" is a placeholder, not a wrapped token.
  if (IsPlaceholder(core)) {
    return Problem{Status::kFail, "is placeholder text from an example, not a claim token",
                   "Replace the placeholder with your Space's claim token from Netdata Cloud "
                   "(Space settings > Nodes > Connect nodes)."};
  }
  for (size_t i = 0; i < core.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(core[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return Problem{Status::kFail,
                     "contains " +
                         std::string(c == ' '    ? "a space"
                                     : c == '\t' ? "a tab"
                                                 : "a line break") +
                         " at position " + std::to_string(i + 1) +
                         " (a token is one unbroken string; wrapped or pasted twice?)",
                     copy_again};
    }
  }
  for (size_t i = 0; i < core.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(core[i]);
    if (!InAcceptedUnion(c)) {
      return Problem{Status::kFail,
                     "contains " + Describe(c) + " at position " + std::to_string(i + 1) +
                         "; the agent and Cloud accept only letters, digits and _ - . , : / =",
                     copy_again};
    }
  }
  for (size_t i = 0; i < core.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(core[i]);
    if (!InBase64Url(c)) {
      return Problem{Status::kWarn,
                     "contains " + Describe(c) + " at position " + std::to_string(i + 1) +
                         "; Netdata Cloud tokens use only letters, digits, _ and -",
                     copy_again};
    }
  }
  if (core.size() < kMinLength || core.size() > kMaxLength) {
    return Problem{Status::kWarn,
                   "is " + std::to_string(core.size()) +
                       " characters long; Netdata Cloud tokens are 135 (cut short, or two pasted "
                       "together?)",
                   copy_again};
  }
  return std::nullopt;
}

/// What the token of each source the agent tries will do, for one generation.
struct Outcome {
  std::vector<std::pair<const ClaimAttempt*, std::optional<Problem>>> tried;
  const ClaimAttempt* works = nullptr;  ///< the first tried source whose token is not broken
};

Outcome Judge(const std::vector<ClaimAttempt>& attempts) {
  Outcome o;
  for (const auto& a : attempts) {
    if (!a.Tried()) continue;
    auto problem = Analyze(a.token);
    o.tried.emplace_back(&a, problem);
    if (!o.works && (!problem || problem->status != Status::kFail)) o.works = &a;
  }
  return o;
}

Result RunClaimToken(Context& ctx) {
  const ClaimSettings& s = ctx.Claim();
  const ClaimedId& claimed = ctx.Claimed();
  const std::string generation = AgentGeneration(ctx);
  // v1 images claim from the environment only (run.sh); v2 from the first source that works.
  const bool v1 = generation == "v1";
  // What a v2 agent's user can read of claim.conf; v1 never reads it. Looked at once.
  const std::string unreadable = ClaimConfUnreadable(ctx.sys, ctx.User(), s, ctx.in.config_dir);
  const std::vector<ClaimAttempt> attempts = ClaimAttempts(s, v1, v1 ? "" : unreadable);
  const Outcome outcome = Judge(attempts);

  Details details;
  details["wanted"] = s.Wanted();
  details["claimed"] = claimed.Claimed();
  Details sources = Details::array();
  for (const auto& a : attempts) {
    Details d;
    d["source"] = a.source;
    d["tried"] = a.Tried();
    if (!a.Tried()) d["not_tried"] = a.not_tried;
    if (a.token.set) d["hint"] = TokenHint(a.token.value);
    sources.push_back(d);
  }
  details["sources"] = sources;
  const ClaimAttempt* first = outcome.tried.empty() ? nullptr : outcome.tried.front().first;
  if (first) {
    details["source"] = first->token.source;
    details["length"] = first->token.value.size();
    details["hint"] = TokenHint(first->token.value);
  }

  if (!s.Wanted() && !claimed.Claimed()) {
    return Result::Skip("claiming is not configured (no NETDATA_CLAIM_TOKEN, no " +
                        s.claim_conf_path +
                        ") and the node is not claimed: it will not appear in Netdata Cloud")
        .With(details);
  }
  if (first == nullptr) {
    if (claimed.Claimed()) {
      return Result::Pass("no claim token set; the node is already claimed (" + claimed.source +
                          "), so none is needed")
          .With(details);
    }
    if (!s.claim_conf_error.empty()) {
      return Result::Skip("the token cannot be checked: " + s.claim_conf_path +
                          " is unreadable (see claim.config)")
          .With(details);
    }
    if (v1 && s.token.set) {
      // run.sh passes only NETDATA_CLAIM_TOKEN; claim.config names the claim.conf mistake.
      return Result::Skip(
                 "this v1 agent takes the token only from NETDATA_CLAIM_TOKEN, "
                 "which is not set; " +
                 s.token.source + " is read by v2 agents only (see claim.config)")
          .With(details);
    }
    if (!unreadable.empty() && NonEmptyToken(s.conf_token)) {
      return Result::Skip("the agent cannot read " + s.claim_conf_path + " (" + unreadable +
                          "), so it has no token to claim with (see claim.config)")
          .With(details);
    }
    if (s.env_token.set && s.env_token.value.empty()) {
      return Result::CertainFail(
                 "NETDATA_CLAIM_TOKEN is set but empty: the agent skips it and has no token to "
                 "claim with",
                 "Copy the claim token again from Netdata Cloud (Space settings > Nodes > Connect "
                 "nodes) "
                 "and set NETDATA_CLAIM_TOKEN to exactly that string.",
                 NoTokenAnywhere())
          .With(details);
    }
    std::string why = s.claim_conf_present ? s.claim_conf_path + " exists but has no `token`"
                                           : std::string(
                                                 "NETDATA_CLAIM_URL is set but "
                                                 "NETDATA_CLAIM_TOKEN is not");
    // The claim asked for cannot happen in any agent: no source has a token.
    return Result::CertainFail(why + ": the agent cannot claim without a token",
                               "Set NETDATA_CLAIM_TOKEN (or `token =` under [global] in "
                               "claim.conf) to your Space's claim token from Netdata "
                               "Cloud.",
                               NoTokenAnywhere())
        .With(details);
  }

  const std::optional<Problem>& problem = outcome.tried.front().second;
  if (claimed.Claimed()) {
    return (problem ? Result::Warn("the node is already claimed (" + claimed.source +
                                       ") and the token is not used again, but " +
                                       first->token.source + " " + problem->what,
                                   problem->fix)
                    : Result::Pass("the node is already claimed (" + claimed.source +
                                   "); the token is not used again"))
        .With(details);
  }
  if (outcome.works != nullptr && outcome.works != first) {
    // A v2 agent tries the broken source first, Cloud rejects it, and it moves on.
    const auto& next = *outcome.works;
    return Result::Warn(first->token.source + " " + problem->what +
                            "; the agent tries it first, the claim fails, and it then "
                            "claims with " +
                            next.token.source + " (" + TokenHint(next.token.value) + ")",
                        problem->fix + " Or remove it, so that the agent claims with " +
                            next.token.source + " at once.")
        .With(details);
  }
  if (problem) {
    if (problem->status != Status::kFail) {
      return Result::Warn(first->token.source + " " + problem->what, problem->fix).With(details);
    }
    // Certain only when no source works in any generation the agent could be.
    bool certain = problem->certain;
    for (bool gen_v1 : PossibleGenerations(generation)) {
      const auto other = ClaimAttempts(s, gen_v1, gen_v1 ? "" : unreadable);
      if (Judge(other).works != nullptr) certain = false;
    }
    std::string others;
    if (outcome.tried.size() > 1)
      others = " (and no other source the agent tries has a usable token)";
    // The token goes to Cloud as given, and no source the agent tries (in any generation it
    // could be) has a usable one.
    return Result::CertainFail(
               first->token.source + " " + problem->what + others, problem->fix,
               certain ? Because(Behaviour::kClaimValuesSentAsGiven) + "; " + NoTokenAnywhere()
                       : "")
        .With(details);
  }
  return Result::Pass("claim token from " + first->token.source + " is well-formed (" +
                      TokenHint(first->token.value) + ")")
      .With(details);
}

}  // namespace

const CheckDef kClaimToken{
    "claim.token",
    "Claim token",
    section::kClaimingDocker,
    Kind::kOffline,
    {},
    &RunClaimToken,
    "NETDATA_CLAIM_TOKEN (or the claim.conf token) is present when claiming is wanted, and "
    "well-formed: no whitespace, quotes, placeholder text or characters the agent rejects. A "
    "malformed token makes the claim fail with 403 (v2: once, at start, with no retry; v1: the "
    "entrypoint exits), and the node never appears in Netdata Cloud. v2 agents try claim.conf, "
    "the environment and cloud.d/token in that order and move on when a claim fails: a broken "
    "token next to a usable one in a later source is a warning; the check refuses a start only "
    "when no source the agent tries has a usable token. The token is never shown: only its "
    "length and first 4 characters.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
