#include "checks/claim_settings.h"

#include <cerrno>

#include "container/base/uuid.h"
#include "container/parse/ini.h"

namespace preflight::checks {
namespace {

constexpr size_t kMaxClaimConf = 64 * 1024;

ClaimValue FromEnv(const container::EnvMap& env, const char* name) {
  ClaimValue v;
  auto it = env.find(name);
  if (it != env.end()) {
    v.set = true;
    v.value = it->second;
    v.source = name;
  }
  return v;
}

ClaimValue FromIni(const container::IniFile& ini, const char* key) {
  ClaimValue v;
  if (const auto* e = ini.Find("global", key)) {
    v.set = true;
    v.value = e->value;
    v.source = std::string("claim.conf ") + key;
  }
  return v;
}

ClaimValue FromFile(container::System& sys, const std::string& path, const char* source) {
  ClaimValue v;
  auto text = sys.ReadFile(path, 64 * 1024, /*follow_symlinks=*/false);
  if (text.ok()) {
    v.set = true;
    // Untrimmed: the agent sends the file as it reads it (read_by_filename()), so a trailing
    // newline is part of the token and claim.token must see it (agent model
    // `split-token-sent-as-is`).
    v.value = *text;
    v.source = source;
  }
  return v;
}

// claim.conf as the agent would read it (through a symlink, like the agent), but never a
// FIFO or device (a read of one is empty or hangs: never "valid defaults") and never cut
// short (a token cut at 64 KiB would be judged as another token).
Expected<std::string> ReadClaimConf(container::System& sys, const std::string& path) {
  auto info = sys.Stat(path, /*follow_symlinks=*/true);
  if (info.ok() && info->type != container::FileType::kRegular &&
      info->type != container::FileType::kDirectory) {
    return Error{EINVAL, "it is not a regular file (a FIFO, socket or device), so it was not read"};
  }
  auto text = sys.ReadFile(path, kMaxClaimConf + 1, /*follow_symlinks=*/true);
  if (text.ok() && text->size() > kMaxClaimConf) {
    return Error{EFBIG, "it is larger than 64 KiB, far beyond any claim.conf, so it was not read"};
  }
  return text;
}

bool IsTrue(const std::string& s) { return s == "yes" || s == "true" || s == "1" || s == "on"; }

}  // namespace

ClaimSettings LoadClaimSettings(container::System& sys, const Inputs& inputs) {
  ClaimSettings s;
  const auto& env = sys.Env();
  // 1. claim.conf (v2 agents; read first by the agent).
  s.claim_conf_path = inputs.config_dir + "/claim.conf";
  auto conf = ReadClaimConf(sys, s.claim_conf_path);
  if (conf.ok()) {
    s.claim_conf_present = true;
    auto ini = container::ParseIni(*conf);
    s.claim_conf_bad_lines = ini.bad_lines;
    for (const auto& e : ini.entries) {
      if (e.key == "token" && e.section != "global") {
        s.claim_conf_token_elsewhere_line = e.line;
        break;
      }
    }
    s.conf_token = FromIni(ini, "token");
    s.conf_url = FromIni(ini, "url");
    s.conf_rooms = FromIni(ini, "rooms");
    s.conf_proxy = FromIni(ini, "proxy");
    s.conf_insecure = FromIni(ini, "insecure");
  } else if (conf.error().code != ENOENT && conf.error().code != ENOTDIR) {
    s.claim_conf_present = true;
    s.claim_conf_error = conf.error().message;
  }
  // 2. The environment (v1 run.sh and v2 daemon).
  s.env_token = FromEnv(env, "NETDATA_CLAIM_TOKEN");
  s.env_url = FromEnv(env, "NETDATA_CLAIM_URL");
  s.env_rooms = FromEnv(env, "NETDATA_CLAIM_ROOMS");
  s.env_proxy = FromEnv(env, "NETDATA_CLAIM_PROXY");
  if (auto it = env.find("NETDATA_EXTRA_CLAIM_OPTS"); it != env.end()) s.extra_opts = it->second;
  s.env_insecure_ignored = env.count("NETDATA_CLAIM_INSECURE") > 0;
  // 3. Split files in cloud.d (v2; deleted by the agent after success).
  if (CloudDirBlocked(sys, inputs).empty()) {
    s.file_token = FromFile(sys, inputs.var_lib + "/cloud.d/token", "cloud.d/token");
    s.file_rooms = FromFile(sys, inputs.var_lib + "/cloud.d/rooms", "cloud.d/rooms");
    // v2 agents write the claim token here after a successful claim (cloud_conf_regenerate()).
    auto cloud_conf = sys.ReadFile(inputs.var_lib + "/cloud.d/cloud.conf", 64 * 1024, false);
    if (cloud_conf.ok()) {
      const container::IniFile ini = container::ParseIni(*cloud_conf);
      if (const auto* e = ini.Find("global", "token")) {
        s.cloud_conf_token = {true, e->value, "cloud.d/cloud.conf token"};
      }
    }
  }

  // The agent takes the first source that has a token, as a whole.
  if (s.conf_token.set) {
    s.source = "claim.conf";
    s.token = s.conf_token;
    s.url = s.conf_url;
    s.rooms = s.conf_rooms;
    s.proxy = s.conf_proxy;
    s.insecure = s.conf_insecure.set && IsTrue(s.conf_insecure.value);
  } else if (s.env_token.set) {
    s.source = "environment";
    s.token = s.env_token;
    s.url = s.env_url;
    s.rooms = s.env_rooms;
    s.proxy = s.env_proxy;
    // Only the word -insecure in NETDATA_EXTRA_CLAIM_OPTS is honoured.
    std::string_view opts = s.extra_opts;
    while (!opts.empty()) {
      auto start = opts.find_first_not_of(" \t\n");
      if (start == std::string_view::npos) break;
      auto end = opts.find_first_of(" \t\n", start);
      if (opts.substr(start, end - start) == "-insecure") s.insecure = true;
      opts = end == std::string_view::npos ? std::string_view() : opts.substr(end);
    }
  } else if (s.file_token.set) {
    s.source = "cloud.d";
    s.token = s.file_token;
    s.rooms = s.file_rooms;
  }
  return s;
}

ClaimedId ReadClaimedId(container::System& sys, const Inputs& inputs) {
  ClaimedId id;
  const std::string dir = inputs.var_lib + "/cloud.d";
  // O_NOFOLLOW guards only the last component: a symlinked cloud.d is refused here.
  if (std::string why = CloudDirBlocked(sys, inputs); !why.empty()) {
    id.blocked = why;
    return id;
  }
  auto conf = sys.ReadFile(dir + "/cloud.conf", 64 * 1024, /*follow_symlinks=*/false);
  if (!conf.ok() && conf.error().code == ELOOP) id.blocked = "cloud.d/cloud.conf is a symlink";
  if (conf.ok()) {
    // Named: Find() points into the IniFile, which must outlive the pointer.
    const container::IniFile ini = container::ParseIni(*conf);
    if (const auto* e = ini.Find("global", "claimed_id")) {
      if (!e->value.empty()) {
        id.found = true;
        id.value = e->value;
        id.source = "cloud.d/cloud.conf";
        id.valid = container::IsUuid(id.value);
        id.valid_flexi = container::IsUuidFlexi(id.value);
        return id;
      }
    }
  }
  auto file = sys.ReadFile(dir + "/claimed_id", 4096, /*follow_symlinks=*/false);
  if (!file.ok() && file.error().code == ELOOP) id.blocked = "cloud.d/claimed_id is a symlink";
  if (file.ok()) {
    std::string_view value = container::TrimSpace(*file);
    if (!value.empty()) {
      id.found = true;
      id.value = std::string(value);
      id.source = "cloud.d/claimed_id";
      id.leading_space = value.data() != file->data();
      id.valid = container::IsUuid(value) && !id.leading_space;
      id.valid_flexi = !id.leading_space && container::IsUuidFlexi(value);
      id.padded = !id.leading_space && value.size() != file->size();
    }
  }
  return id;
}

std::string CloudDirBlocked(container::System& sys, const Inputs& inputs) {
  auto info = sys.Stat(inputs.var_lib + "/cloud.d", /*follow_symlinks=*/false);
  if (!info.ok() || info->type == container::FileType::kDirectory) return "";
  return info->type == container::FileType::kSymlink ? "cloud.d is a symlink"
                                                     : "cloud.d is not a directory";
}

std::vector<std::string> ClaimSecrets(const ClaimSettings& settings) {
  std::vector<std::string> secrets;
  for (const ClaimValue* v : {&settings.conf_token, &settings.env_token, &settings.file_token,
                              &settings.cloud_conf_token}) {
    if (!v->set) continue;
    // The raw value and its trimmed/unquoted core: either could be echoed somewhere.
    std::string raw = v->value;
    std::string core(container::TrimSpace(raw));
    while (core.size() >= 2 && (core.front() == '"' || core.front() == '\'') &&
           core.back() == core.front()) {
      core = core.substr(1, core.size() - 2);
    }
    for (const std::string& s : {raw, core}) {
      if (s.size() >= 8) secrets.push_back(s);  // shorter values are not secrets worth masking
    }
  }
  return secrets;
}

std::string TokenHint(const std::string& token) {
  std::string hint = std::to_string(token.size()) + " characters";
  if (token.size() >= 8) {
    std::string head;
    for (char c : token.substr(0, 4)) head += (c >= 0x21 && c < 0x7f && c != '"') ? c : '?';
    hint += ", starting \"" + head + "\"";
  }
  return hint;
}

}  // namespace preflight::checks
