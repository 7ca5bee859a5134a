// libFuzzer target: hostile claim settings end to end — NETDATA_CLAIM_* values, claim.conf and
// the cloud.d files as the claim checks read them. The input is split at NUL bytes into:
//   token, url, rooms, proxy, extra opts, claim.conf, cloud.d/claimed_id, cloud.d/cloud.conf,
//   cloud.d/private.pem; the first byte picks the agent generation.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "checks/catalog.h"
#include "checks/claim_settings.h"
#include "fakes/fake_system.h"

namespace {

using namespace preflight;

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

  // The suite's own fake: nothing beyond the files and environment the fuzzer writes; no agent
  // answers (FakeAgent's default), nothing is written.
  testing::FakeSystem sys;
  const char* names[] = {"NETDATA_CLAIM_TOKEN", "NETDATA_CLAIM_URL", "NETDATA_CLAIM_ROOMS",
                         "NETDATA_CLAIM_PROXY", "NETDATA_EXTRA_CLAIM_OPTS"};
  for (size_t i = 0; i < 5; ++i) {
    if (!p[i].empty()) sys.env[names[i]] = p[i];
  }
  if (!p[5].empty()) sys.AddFile("/etc/netdata/claim.conf", p[5], 0640, 0, 201);
  sys.AddDir("/var/lib/netdata", 0770, 201, 201);
  if (!p[6].empty() || !p[7].empty() || !p[8].empty()) {
    sys.AddDir("/var/lib/netdata/cloud.d", 0770, 201, 201);
  }
  const char* files[] = {"claimed_id", "cloud.conf", "private.pem"};
  for (size_t i = 0; i < 3; ++i) {
    if (!p[6 + i].empty())
      sys.AddFile(std::string("/var/lib/netdata/cloud.d/") + files[i], p[6 + i], 0660, 201, 201);
  }

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
