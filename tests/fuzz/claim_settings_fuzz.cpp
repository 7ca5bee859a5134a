// libFuzzer target: hostile claim settings end to end — NETDATA_CLAIM_* values, claim.conf and
// the cloud.d files as the claim checks read them. The input is split at NUL bytes into:
//   token, url, rooms, proxy, extra opts, claim.conf, cloud.d/claimed_id, cloud.d/cloud.conf,
//   cloud.d/private.pem; the first byte picks the agent generation.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checks/catalog.h"
#include "checks/claim_settings.h"
#include "container/agent/agent_client.h"
#include "container/net/network_prober.h"
#include "container/seccomp_probe.h"
#include "container/system.h"

namespace {

using namespace preflight;

/// Nothing beyond the files and the environment the fuzzer writes.
class NoAgent : public container::AgentClient {
 public:
  Expected<container::AgentPing> Ping(const container::AgentTarget&, container::Deadline) override {
    return Error{ECONNREFUSED, "no agent"};
  }
  Expected<container::AclkState> Aclk(const container::AgentTarget&, container::Deadline) override {
    return Error{ECONNREFUSED, "no agent"};
  }
  Expected<container::AgentInfo> Info(const container::AgentTarget&, container::Deadline) override {
    return Error{ECONNREFUSED, "no agent"};
  }
  Expected<container::CloudStatus> Cloud(const container::AgentTarget&,
                                         container::Deadline) override {
    return Error{ECONNREFUSED, "no agent"};
  }
  Expected<container::StatusFile> ReadStatusFile(const container::AgentTarget&) override {
    return Error{ENOENT, "no status file"};
  }
};

class NoNetwork : public container::NetworkProber {
 public:
  const container::ProxyProbe& TestProxy(const container::NetworkPlan&,
                                         container::NetDeadline) override {
    return proxy_;
  }
  const container::DnsReport& Resolve(const container::NetworkPlan&,
                                      container::NetDeadline) override {
    return dns_;
  }
  const container::ReachReport& Reach(const container::NetworkPlan&,
                                      container::NetDeadline) override {
    return reach_;
  }

 private:
  container::ProxyProbe proxy_;
  container::DnsReport dns_;
  container::ReachReport reach_;
};

class MemorySystem : public container::System {
 public:
  container::EnvMap env;
  std::map<std::string, std::string> files;
  std::map<std::string, container::FileType> dirs;

  const container::EnvMap& Env() const override { return env; }
  Expected<std::string> ReadFile(const std::string& path, size_t max_bytes, bool) const override {
    auto it = files.find(path);
    if (it == files.end()) return Errno("open", path, ENOENT);
    return it->second.substr(0, max_bytes);
  }
  Expected<container::FileInfo> Stat(const std::string& path, bool) const override {
    container::FileInfo info;
    if (files.count(path)) {
      info.type = container::FileType::kRegular;
      info.mode = 0660;
      info.uid = info.gid = 201;
      info.size = files.at(path).size();
      return info;
    }
    if (dirs.count(path)) {
      info.type = container::FileType::kDirectory;
      info.mode = 0770;
      info.uid = info.gid = 201;
      return info;
    }
    return Errno("stat", path, ENOENT);
  }
  int Access(const std::string& path, int) const override {
    return files.count(path) || dirs.count(path) ? 0 : ENOENT;
  }
  Expected<std::vector<std::string>> ListDir(const std::string& path) const override {
    return Errno("opendir", path, ENOENT);
  }
  Expected<container::FsSpace> StatFs(const std::string& path) const override {
    return Errno("statvfs", path, ENOENT);
  }
  Expected<container::CommandResult> Run(const std::vector<std::string>&, std::chrono::milliseconds,
                                         size_t) const override {
    container::CommandResult r;
    r.exit_code = 127;
    return r;
  }
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::from_time_t(1767225600);
  }
  void Sleep(std::chrono::milliseconds) override {}
  unsigned Euid() const override { return 0; }
  int Pid() const override { return 1; }
  std::string Hostname() const override { return "fuzz"; }
  Status WriteFileAtomic(const std::string& path, const std::string&) override {
    return Errno("write", path, EROFS);
  }
  Status MakeDirs(const std::string& path, unsigned) override {
    return Errno("mkdir", path, EROFS);
  }
  Status Rename(const std::string& from, const std::string&) override {
    return Errno("rename", from, EROFS);
  }
  container::SeccompProber& Seccomp() override { return seccomp_; }
  container::NetworkProber& Network() override { return network_; }
  container::AgentClient& Agent() override { return agent_; }

 private:
  container::SeccompProber seccomp_;
  NoNetwork network_;
  NoAgent agent_;
};

std::vector<std::string> Split(std::string_view data, size_t parts) {
  std::vector<std::string> out;
  while (out.size() + 1 < parts) {
    auto nul = data.find('\0');
    out.emplace_back(data.substr(0, nul));
    data = nul == std::string_view::npos ? std::string_view() : data.substr(nul + 1);
  }
  out.emplace_back(data);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kGenerations[] = {"", "v1", "v2", "unknown"};
  const char* generation = kGenerations[data[0] % 4];
  std::vector<std::string> p =
      Split(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), 9);

  MemorySystem sys;
  const char* names[] = {"NETDATA_CLAIM_TOKEN", "NETDATA_CLAIM_URL", "NETDATA_CLAIM_ROOMS",
                         "NETDATA_CLAIM_PROXY", "NETDATA_EXTRA_CLAIM_OPTS"};
  for (size_t i = 0; i < 5; ++i) {
    if (!p[i].empty()) sys.env[names[i]] = p[i];
  }
  if (!p[5].empty()) sys.files["/etc/netdata/claim.conf"] = p[5];
  sys.dirs["/var/lib/netdata"] = container::FileType::kDirectory;
  if (!p[6].empty() || !p[7].empty() || !p[8].empty()) {
    sys.dirs["/var/lib/netdata/cloud.d"] = container::FileType::kDirectory;
  }
  if (!p[6].empty()) sys.files["/var/lib/netdata/cloud.d/claimed_id"] = p[6];
  if (!p[7].empty()) sys.files["/var/lib/netdata/cloud.d/cloud.conf"] = p[7];
  if (!p[8].empty()) sys.files["/var/lib/netdata/cloud.d/private.pem"] = p[8];

  checks::Inputs inputs;
  checks::Context ctx(sys, inputs);
  if (generation[0] != '\0') {
    checks::Result version = checks::Result::Pass("fuzz");
    version.details["generation"] = generation;
    ctx.Record("agent.version", version);
  }
  auto settings = checks::LoadClaimSettings(sys, inputs);
  (void)checks::ClaimSecrets(settings);
  (void)checks::TokenHint(settings.token.value);
  for (const checks::CheckDef* def :
       {&checks::kClaimToken, &checks::kClaimConfig, &checks::kClaimScript, &checks::kClaimState}) {
    checks::Result r = def->run(ctx);
    // Every warn and fail names its fix; every result serialises (valid UTF-8 or not).
    if ((r.status == checks::Status::kWarn || r.status == checks::Status::kFail) &&
        r.remediation.empty()) {
      std::abort();
    }
    (void)r.details.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  return 0;
}
