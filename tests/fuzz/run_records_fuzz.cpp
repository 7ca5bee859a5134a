// ParseRunRecords must be total: any bytes give records or an error, never a crash; what it
// accepts serializes to text it accepts again. And it must agree with the document parser it
// replaced (tests/container/state/run_records_reference.h): the same records or the same error,
// and the same bytes when written.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "container/state/run_records.h"
#include "container/state/run_records_reference.h"

namespace {

using preflight::container::RunRecord;

bool Same(const RunRecord& a, const RunRecord& b) {
  // Doubles compare by bits' meaning; NaN cannot occur (the range check rejects it).
  return a.start_ms == b.start_ms && a.pid == b.pid && a.mode == b.mode && a.end_ms == b.end_ms &&
         a.exit_code == b.exit_code && a.signal == b.signal &&
         a.claimed_at_start == b.claimed_at_start && a.claimed_at_end == b.claimed_at_end &&
         a.link_online_s == b.link_online_s && a.container_id == b.container_id &&
         a.boot_id == b.boot_id && a.agent.has_value() == b.agent.has_value() &&
         (!a.agent ||
          (a.agent->path == b.agent->path && a.agent->ino == b.agent->ino &&
           a.agent->size == b.agent->size && a.agent->mtime_ns == b.agent->mtime_ns &&
           a.agent->ctime_ns == b.agent->ctime_ns && a.agent->version == b.agent->version &&
           a.agent->cloud == b.agent->cloud && a.agent->cloud_evidence == b.agent->cloud_evidence));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace preflight::container;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseRunRecords(text);
  auto reference = reference::ParseRunRecords(text);
  if (parsed.ok() != reference.ok()) std::abort();
  if (!parsed.ok()) {
    if (parsed.error().message != reference.error().message) std::abort();
  } else {
    if (parsed->size() != reference->size()) std::abort();
    for (size_t i = 0; i < parsed->size(); ++i) {
      if (!Same((*parsed)[i], (*reference)[i])) std::abort();
    }
    const std::string written = SerializeRunRecords(*parsed);
    if (written != reference::SerializeRunRecords(*reference)) std::abort();
    if (!ParseRunRecords(written).ok()) std::abort();
  }
  return 0;
}
