// claim.state: what cloud.d/ says about the claim — a claimed_id the agent accepts, an RSA key
// pair that parses and matches, a readable cloud.conf — and whether the user the agent runs as
// can use it (a volume pre-populated as root is the classic "Cannot write private key file").
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <optional>

#include "checks/agent_generation.h"
#include "checks/agent_model.h"
#include "checks/agent_user.h"
#include "checks/catalog.h"
#include "checks/claim_settings.h"
#include "checks/findings.h"
#include "checks/sections.h"
#include "container/base/uuid.h"
#include "container/parse/ini.h"
#include "container/parse/pem_key.h"

namespace preflight::checks {
namespace {

using container::FileInfo;
using container::FileType;

/// One file of cloud.d, looked at without following a symlink.
struct Entry {
  std::string name;
  std::string path;
  bool exists = false;
  bool regular = false;  ///< a regular file (not a symlink, directory, ...)
  FileInfo info;
  std::string text;        ///< content, when regular and readable
  std::string read_error;  ///< why it could not be read, when regular
};

Entry Look(container::System& sys, const std::string& dir, const std::string& name,
           size_t max_bytes, Findings* f) {
  Entry e;
  e.name = name;
  e.path = dir + "/" + name;
  auto info = sys.Stat(e.path, /*follow_symlinks=*/false);
  if (!info.ok()) return e;
  e.exists = true;
  e.info = *info;
  if (info->type == FileType::kSymlink) {
    if (!sys.Stat(e.path, true).ok()) {
      f->Fail("cloud.d/" + name +
                  " is a symlink to a path that does not exist, so the agent "
                  "cannot read or write it",
              "Remove the symlink " + e.path +
                  " (the agent recreates the file) or restore its "
                  "target.");
    } else {
      f->Warn("cloud.d/" + name +
                  " is a symlink; netdata-preflight does not read claim state "
                  "through symlinks, so it was not checked",
              "Replace the symlink " + e.path + " with the regular file it points to.");
    }
    return e;
  }
  if (info->type != FileType::kRegular) {
    f->Fail("cloud.d/" + name + " is a " +
                (info->type == FileType::kDirectory ? "directory" : "special file") +
                ", not a file (a bind mount of a missing host file creates a directory)",
            "Remove " + e.path +
                " (and the mount that creates it); the agent writes this file "
                "itself.");
    return e;
  }
  e.regular = true;
  auto text = sys.ReadFile(e.path, max_bytes, /*follow_symlinks=*/false);
  if (text.ok()) {
    e.text = std::move(*text);
  } else {
    e.read_error = text.error().message;
  }
  return e;
}

/// What the verdict and the other checks need to know about the claim.
struct State {
  std::string generation;
  AgentFacts agent;
  bool wanted = false;
  std::string claim_source;  ///< where the agent will take the claim settings from
  AgentUser user;
  std::string dir;
};

std::string WhoClaims(const State& st) {
  if (st.generation == "v1")
    return "the v1 entrypoint runs netdata-claim.sh before the agent starts";
  return "the agent will claim at start from " +
         (st.claim_source.empty() ? std::string("its claim settings") : st.claim_source);
}

/// Claiming will write into cloud.d as the agent's user: everything except a v1 entrypoint
/// running as root (its claim script runs as root, then chowns cloud.d to netdata).
bool AgentWritesState(const State& st) { return !(st.generation == "v1" && !st.user.self); }

std::string ChownFix(const State& st, const std::string& path) {
  return "Run `chown -R " + st.user.Owner() + " " + path + "` (the agent's user " + st.user.name +
         "; a volume pre-populated as root keeps root's ownership), or delete " + path +
         " so the agent recreates it.";
}

/// cloud.d (or var-lib) that the agent's user cannot use. v1.41+ agents started as root chown
/// cloud.d and its files at start (agent model: chowns-state-at-start) where root may write
/// them: then nothing to report. Unknown version: a warning. Otherwise certain.
void Unusable(container::System& sys, const State& st, const std::string& path, std::string message,
              std::string fix, Findings* f) {
  const Holds chowns =
      st.user.started_as_root ? st.agent.Does(Behaviour::kChownsStateAtStart) : Holds::kNo;
  const bool root_writes = sys.Euid() == 0 && sys.Access(path, W_OK) == 0;
  if (chowns == Holds::kYes && root_writes) return;
  if (chowns == Holds::kDepends && root_writes) {
    f->Warn(message +
                "; agents v1.41 and later, started as root, chown it at start, older ones "
                "fail, and the agent's version is unknown",
            fix + " Or pass --agent PATH so the version can be checked.");
    return;
  }
  f->CertainFail(message + (chowns == Holds::kNo && st.user.started_as_root
                                ? " (" + st.agent.Name() +
                                      " does not chown existing directories "
                                      "at start; v1.41 and later do)"
                                : ""),
                 fix,
                 // <= v1.40 chown only what they create; a non-root start chowns nothing, in
                 // any version; a root that cannot write cannot chown either.
                 Because(Behaviour::kChownsStateAtStart));
}

/// The claimed_id: a UUID the agent accepts.
void CheckClaimedId(const ClaimedId& id, const State& st, Findings* f) {
  if (!id.found) return;
  const std::string redo = "Delete " + st.dir + "/claimed_id (and `claimed_id` in " + st.dir +
                           "/cloud.conf) and restart with the claim token set, so that the node "
                           "claims again.";
  // v2 parses with uuid_parse_flexi (0 or 4 hyphens), v1 with libuuid (agent model:
  // claimed-id-flexible): a hyphen-less id is a claim for one and garbage for the other.
  const Holds flexible = st.agent.Does(Behaviour::kClaimedIdFlexible);
  const bool accepted = id.valid || (id.valid_flexi && flexible == Holds::kYes);
  if (!accepted && id.valid_flexi && flexible == Holds::kDepends) {
    f->Warn(id.source + " holds `" + Printable(id.value) +
                "`, a UUID without its hyphens: v2 agents accept it, v1 agents (libuuid) count "
                "the node as unclaimed, and the agent's version is unknown",
            "Rewrite it in the canonical form with hyphens (8-4-4-4-12), or pass --agent PATH so "
            "the version can be checked.");
    return;
  }
  if (!accepted) {
    std::string what =
        id.source +
        (id.leading_space && container::IsUuid(id.value)
             ? " starts with whitespace, which the agent does not skip"
             : " holds `" + Printable(id.value) + "` (" + std::to_string(id.value.size()) +
                   " characters), which " + st.agent.Name() + " does not accept as a UUID" +
                   (id.valid_flexi ? " (v1 agents need the hyphens)" : ""));
    if (st.generation != "v1" && st.wanted) {
      f->Warn(what +
                  ": the agent ignores it and claims again at start, as a new node (the old "
                  "one stays offline in Cloud)",
              redo);
    } else if (st.generation == "v1" && st.wanted) {
      // run.sh sees the file and never claims: the claim asked for cannot happen.
      f->CertainFail(what +
                         ": the agent ignores it and counts the node as unclaimed, and the v1 "
                         "entrypoint never claims again while the file exists",
                     redo,
                     Because(Behaviour::kV1ClaimsFromEnvOnly) + "; " +
                         Because(Behaviour::kClaimedIdFlexible) + " (v1: libuuid)");
    } else {
      f->Fail(what + ": the agent ignores it and counts the node as unclaimed" +
                  (st.generation == "v1" ? ", and the v1 entrypoint never claims again while the "
                                           "file exists"
                                         : std::string()),
              redo);
    }
    return;
  }
  if (id.padded && st.generation != "v2") {
    f->Warn(id.source +
                " has a line break or spaces after the UUID; older agents (e.g. v1.37, "
                "libuuid's uuid_parse) reject the file and count the node as unclaimed",
            "Rewrite it without the line break: printf %s " + id.value + " > " + st.dir +
                "/claimed_id");
  }
}

/// private.pem parses as RSA; public.pem parses and is its public half.
Details CheckKeys(const Entry& priv, const Entry& pub, bool claimed, const State& st, Findings* f) {
  Details key = Details::object();
  const std::string regenerate =
      claimed ? "Restore " + st.dir + " from a backup of this node, or delete " + st.dir +
                    " and restart with the claim token set (the node claims again, as a new node)."
              : "Delete " + priv.path + " and " + pub.path +
                    " so the agent generates a new key pair when it claims.";
  std::optional<container::KeyFacts> private_key;
  if (!priv.exists) {
    if (claimed) {
      f->Fail(
          "the node is claimed but cloud.d/private.pem is missing: the agent cannot "
          "authenticate to Netdata Cloud (\"unable to load private key\")",
          regenerate);
    }
  } else if (priv.regular && priv.read_error.empty()) {
    auto parsed = container::ParsePrivateKeyPem(priv.text);
    if (!parsed.ok()) {
      f->Fail("cloud.d/private.pem does not parse as a private key (" + parsed.error().message +
                  "): the agent cannot " + (claimed ? "authenticate to Netdata Cloud" : "claim"),
              regenerate);
    } else if (parsed->type != "RSA") {
      f->Fail("cloud.d/private.pem is an " + parsed->type +
                  " key; the agent needs RSA (Cloud "
                  "encrypts its challenge with RSA-OAEP)",
              regenerate);
    } else {
      private_key = *parsed;
      key["type"] = parsed->type;
      key["bits"] = parsed->bits;
    }
  }
  if (!pub.exists || !pub.regular || !pub.read_error.empty()) return key;
  auto parsed = container::ParsePublicKeyPem(pub.text);
  if (!parsed.ok()) {
    f->Fail("cloud.d/public.pem does not parse as a public key (" + parsed.error().message + ")" +
                (claimed ? "" : ": Cloud rejects the claim (\"invalid public key\")"),
            regenerate);
    return key;
  }
  if (private_key) {
    const bool match = parsed->public_der == private_key->public_der;
    key["public_matches"] = match;
    if (!match) {
      f->Fail(
          "cloud.d/public.pem is not the public half of cloud.d/private.pem (one of them was "
          "replaced): Cloud " +
              std::string(claimed ? "holds the key sent at claim time, and the link fails "
                                    "(\"otp challenge decryption failed\")"
                                  : "would get a key the agent cannot answer for"),
          regenerate);
    }
  }
  return key;
}

/// cloud.conf: readable, parseable; `enabled = no` turns a v1 agent's link off.
void CheckCloudConf(const Entry& conf, const State& st, Findings* f) {
  if (!conf.regular || !conf.read_error.empty()) return;
  auto ini = container::ParseIni(conf.text);
  if (!ini.bad_lines.empty()) {
    f->Warn("cloud.d/cloud.conf line " + std::to_string(ini.bad_lines.front()) +
                " is neither `[section]`, `key = value` nor a comment; the agent ignores it",
            "Fix or delete the line; the agent rewrites cloud.conf when it claims.");
  }
  const auto* enabled = ini.Find("global", "enabled");
  if (enabled == nullptr || st.generation == "v2") return;  // v2 cannot turn Cloud off
  std::string value = enabled->value;
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (value != "no" && value != "false" && value != "off" && value != "0") return;
  const std::string msg = "cloud.d/cloud.conf says `enabled = " + enabled->value +
                          "` under [global]: a v1 agent keeps its Cloud link off";
  const std::string fix = "Set `enabled = yes` in " + conf.path + " (or delete the line).";
  if (st.generation == "v1") {
    f->Fail(msg, fix);
  } else {
    f->Warn(msg + " (v2 agents ignore it)", fix);
  }
}

/// The agent's user can read what it needs and, when it will claim, write cloud.d.
void CheckUsable(container::System& sys, const FileInfo& dir_info,
                 const std::vector<const Entry*>& files, bool claimed, const State& st,
                 Findings* f) {
  const bool will_write = !claimed && st.wanted && AgentWritesState(st);
  const int dir_need = will_write ? (R_OK | W_OK | X_OK) : (R_OK | X_OK);
  if (!Allows(sys, st.user, st.dir, dir_info, dir_need)) {
    std::string cannot = will_write ? "cannot create its keys and claimed_id there (it logs "
                                      "\"Cannot write private key file\")"
                                    : "cannot read its claim state";
    std::string typical = dir_info.uid == 0 ? "; typical of a volume pre-populated as root" : "";
    Unusable(sys, st, st.dir,
             st.dir + " is owned by " + Ownership(dir_info) + ": the agent, running as " +
                 st.user.Label() + ", " + cannot + typical,
             ChownFix(st, st.dir), f);
    return;  // the files inside have the same cause
  }
  std::vector<std::string> unusable;
  const FileInfo* example = nullptr;
  for (const Entry* e : files) {
    if (!e->regular) continue;
    // The agent reads all of them; it rewrites them when it claims.
    int need = will_write ? (R_OK | W_OK) : R_OK;
    if (e->name == "public.pem" && !will_write) continue;  // not used once claimed
    if (!Allows(sys, st.user, e->path, e->info, need)) {
      unusable.push_back(e->name);
      if (example == nullptr) example = &e->info;
    }
  }
  if (unusable.empty()) return;
  std::string names;
  for (const auto& n : unusable) names += (names.empty() ? "cloud.d/" : ", cloud.d/") + n;
  Unusable(sys, st, st.dir,
           names + (unusable.size() > 1 ? " are" : " is") + " owned by " + Ownership(*example) +
               ": the agent, running as " + st.user.Label() + ", cannot " +
               (will_write ? "read and rewrite" : "read") +
               (unusable.size() > 1 ? " them" : " it") +
               (example->uid == 0 ? "; typical of a volume pre-populated as root" : ""),
           ChownFix(st, st.dir), f);
}

/// cloud.d does not exist yet: claiming creates it inside var-lib.
Result NotCreatedYet(container::System& sys, const State& st, Details details) {
  if (!st.wanted) {
    return Result::Skip("the node is not claimed (no " + st.dir +
                        ") and claiming is not configured: no claim state to check")
        .With(std::move(details));
  }
  Findings f;
  const std::string parent = st.dir.substr(0, st.dir.rfind('/'));
  if (auto info = sys.Stat(parent, true);
      info.ok() && AgentWritesState(st) &&
      !Allows(sys, st.user, parent, *info, R_OK | W_OK | X_OK)) {
    Unusable(sys, st, parent,
             parent + " is owned by " + Ownership(*info) + ": the agent, running as " +
                 st.user.Label() + ", cannot create cloud.d there to claim",
             ChownFix(st, parent), &f);
  }
  return f.ToResult("the node is not claimed yet: " + WhoClaims(st) + " and creates " + st.dir,
                    std::move(details));
}

/// cloud.d is a symlink: report, never read through it.
Result SymlinkedDir(container::System& sys, const State& st, Details details) {
  auto target = sys.Stat(st.dir, true);
  Result r;
  if (!target.ok()) {
    r = Result::Fail(st.dir +
                         " is a symlink to a path that does not exist: the agent cannot "
                         "store its claim there",
                     "Replace the symlink with a directory (rm " + st.dir +
                         "), and mount the persistent volume at the agent's /var/lib/netdata "
                         "itself.");
  } else if (target->type != FileType::kDirectory) {
    r = Result::Fail(st.dir +
                         " is a symlink to something that is not a directory: the agent "
                         "cannot store its claim there",
                     "Remove the symlink " + st.dir + " so the agent can create the directory.");
  } else {
    r = Result::Warn(st.dir +
                         " is a symlink; netdata-preflight does not read claim state "
                         "through symlinks, so the claim was not checked",
                     "Replace the symlink with the directory itself (mount the volume at the "
                     "agent's /var/lib/netdata, not a link inside it).");
  }
  details.erase("claimed");  // unknown: the verdict must not assume either way
  r.details = std::move(details);
  return r;
}

/// The facts about the claim the checks below judge against.
State GatherState(Context& ctx) {
  ClaimSettings settings = ctx.Claim();
  State st;
  st.generation = AgentGeneration(ctx);
  st.agent = ctx.Agent();
  st.wanted = settings.Wanted();
  st.claim_source = settings.source;
  st.user = ctx.User();
  st.dir = ctx.in.var_lib + "/cloud.d";
  return st;
}

/// cloud.d itself, looked at without following a symlink: missing, unreadable, a symlink or not
/// a directory ends the check here; a directory (nullopt) goes on to its files.
std::optional<Result> JudgeDirEntry(container::System& sys, const State& st,
                                    const Expected<FileInfo>& dir_info, Details& details) {
  if (!dir_info.ok()) {
    if (dir_info.error().code == ENOENT) return NotCreatedYet(sys, st, std::move(details));
    return Result::Error("cannot inspect " + st.dir + ": " + dir_info.error().message)
        .With(std::move(details));
  }
  if (dir_info->type == FileType::kSymlink) return SymlinkedDir(sys, st, std::move(details));
  if (dir_info->type != FileType::kDirectory) {
    return Result::Fail(st.dir +
                            " exists but is not a directory: the agent cannot store its "
                            "claim there",
                        "Remove " + st.dir + " so the agent can create the directory.")
        .With(std::move(details));
  }
  return std::nullopt;
}

/// The files of cloud.d the agent uses.
struct CloudFiles {
  Entry claimed_id;
  Entry conf;
  Entry priv;
  Entry pub;
  std::vector<const Entry*> All() const { return {&claimed_id, &conf, &priv, &pub}; }
};

/// Reads cloud.d's files; one this process cannot read (when it is not the agent's user) is a
/// warning, since it goes unchecked.
CloudFiles LookAtFiles(container::System& sys, const State& st, Findings* f) {
  CloudFiles files;
  files.claimed_id = Look(sys, st.dir, "claimed_id", 4096, f);
  files.conf = Look(sys, st.dir, "cloud.conf", 64 * 1024, f);
  files.priv = Look(sys, st.dir, "private.pem", 64 * 1024, f);
  files.pub = Look(sys, st.dir, "public.pem", 64 * 1024, f);
  for (const Entry* e : files.All()) {
    // As the agent's own user, an unreadable file is reported by CheckUsable instead.
    if (e->regular && !e->read_error.empty() && !st.user.self) {
      f->Warn("cannot read cloud.d/" + e->name + " (" + e->read_error + "), so it was not checked",
              ChownFix(st, st.dir));
    }
  }
  return files;
}

/// An empty claimed_id blocks a v1 claim for good: run.sh claims only
/// `[ ! -f .../claimed_id ]`.
void CheckEmptyIdFile(const Entry& claimed_file, const State& st, Findings* f) {
  const bool empty_id_file = claimed_file.regular && claimed_file.read_error.empty() &&
                             container::TrimSpace(claimed_file.text).empty();
  if (empty_id_file && st.wanted && st.generation == "v1") {
    f->Fail(
        "cloud.d/claimed_id exists but is empty: the v1 entrypoint does not claim while the "
        "file exists, and the agent counts the node as unclaimed",
        "Delete " + claimed_file.path + " and restart the container.");
  }
}

/// The words of a pass: the claim (with its key) or who will claim, and who can use cloud.d.
std::string StateMessage(const State& st, const ClaimedId& id, bool claimed, bool ownership_matters,
                         const Details& details) {
  std::string pass;
  if (claimed) {
    pass = "claimed as " + id.value + " (" + id.source + ")";
    if (details["key"].contains("bits")) {
      pass += "; RSA " + std::to_string(details["key"]["bits"].get<int>()) + " key" +
              (details["key"].value("public_matches", false) ? " pair matches" : " parses");
    }
  } else {
    pass = "the node is not claimed yet: " + WhoClaims(st);
  }
  pass += ownership_matters ? "; " + st.dir + " is usable by " + st.user.Label()
                            : std::string(
                                  "; the claim script runs as root and hands cloud.d to "
                                  "the netdata user itself");
  return pass;
}

Result RunClaimState(Context& ctx) {
  const State st = GatherState(ctx);
  Details details;
  details["claimed"] = false;
  details["directory"] = st.dir;
  details["generation"] = st.generation;
  details["agent_user"] = st.user.Label();

  auto dir_info = ctx.sys.Stat(st.dir, /*follow_symlinks=*/false);
  if (std::optional<Result> ended = JudgeDirEntry(ctx.sys, st, dir_info, details)) {
    return std::move(*ended);
  }

  // The single source of the claimed-id lookup, shared with claim.token and claim.script.
  ClaimedId id = ctx.Claimed();
  const bool claimed = id.Claimed();
  const bool id_entry = ctx.sys.Stat(st.dir + "/claimed_id", false).ok();
  if (!id.found && id.blocked.empty() && !id_entry && !st.wanted) {
    return Result::Skip("the node is not claimed (no claimed_id in " + st.dir +
                        ") and claiming is not configured: no claim state to check")
        .With(std::move(details));
  }
  details["claimed"] = claimed;
  if (id.found) {
    details["claimed_id"] = id.valid ? id.value : Printable(id.value);
    details["claimed_id_source"] = id.source;
  }

  Findings f;
  const CloudFiles files = LookAtFiles(ctx.sys, st, &f);
  CheckClaimedId(id, st, &f);
  CheckEmptyIdFile(files.claimed_id, st, &f);
  if (!claimed && !st.wanted && f.empty()) {
    return Result::Skip("the node is not claimed (" + files.claimed_id.path +
                        " is empty) and claiming is not configured: no claim state to check")
        .With(std::move(details));
  }
  details["key"] = CheckKeys(files.priv, files.pub, claimed, st, &f);
  CheckCloudConf(files.conf, st, &f);
  // Ownership matters when the agent reads a claim, or writes one as its own user (a v1
  // entrypoint claims as root and chowns cloud.d itself).
  const bool ownership_matters = claimed || (st.wanted && AgentWritesState(st));
  if (ownership_matters) CheckUsable(ctx.sys, *dir_info, files.All(), claimed, st, &f);

  std::string pass = StateMessage(st, id, claimed, ownership_matters, details);
  Result r = f.ToResult(pass, std::move(details));
  // A claimed node whose state is broken is claimed but cannot connect (Unseen), another
  // section of the guide than a claim that fails.
  if (claimed && r.status == Status::kFail) r.section = std::string(section::kClaimedCannotConnect);
  return r;
}

}  // namespace

const CheckDef kClaimState{
    "claim.state",
    "Claim state in cloud.d",
    section::kClaimingUnsuccessful,
    Kind::kOffline,
    {},
    &RunClaimState,
    "cloud.d/ (under --var-lib) holds the claim: a claimed_id the agent accepts as a UUID "
    "(cloud.conf `claimed_id` first, then cloud.d/claimed_id), an RSA private.pem that parses "
    "and a public.pem that is its public half, and a readable cloud.conf, all usable by the user "
    "the agent runs as (a running agent's own uid; else DOCKER_USR or netdata.conf `run as "
    "user`, with its ids from /etc/passwd). A volume pre-populated as root makes agents up to "
    "v1.40 (and any agent started as non-root) fail with \"Cannot write private key file\"; "
    "v1.41 and later, started as root, chown cloud.d at start. v2 agents accept a claimed_id "
    "without hyphens, v1 agents do not; a corrupt claimed_id makes the agent count the node as "
    "unclaimed; a replaced key makes the link fail. Symlinks are reported, never read through. "
    "Not claimed and not claiming: skipped.",
    /*implemented=*/true,
};

}  // namespace preflight::checks
