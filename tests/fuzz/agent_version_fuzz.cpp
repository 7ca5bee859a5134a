// libFuzzer target: what the netdata binary prints about itself (`netdata -V`,
// `netdata -W buildinfo`) and an installed netdata-claim.sh.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "container/agent/agent_version.h"
#include "container/agent/claim_script.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto version = preflight::container::ParseAgentVersion(text);
  if (version.ok()) {
    if (version->text.empty() || version->text[0] != 'v') std::abort();
    if (version->major < 0 || version->minor < 0 || version->patch < 0) std::abort();
    if (version->suffix.size() > 64) std::abort();
    (void)version->IsV2();
    (void)version->OlderThan(1, 32);
  }
  auto info = preflight::container::ParseBuildInfo(text);
  if (info.cloud_text.size() > 80 || info.aclk_text.size() > 80) std::abort();
  (void)preflight::container::ParseClaimScript(text);
  return 0;
}
