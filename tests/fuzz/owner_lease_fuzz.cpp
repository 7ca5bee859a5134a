// libFuzzer: ParseOwnerLease (owner.json); what parses must serialize and parse back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "container/state/owner_lease.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace preflight::container;
  auto lease = ParseOwnerLease(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!lease.ok()) return 0;
  auto again = ParseOwnerLease(SerializeOwnerLease(*lease));
  if (!again.ok() || again->heartbeat != lease->heartbeat || again->pid != lease->pid) abort();
  (void)RelateLease(*lease, *again, true, lease->heartbeat);
  return 0;
}
