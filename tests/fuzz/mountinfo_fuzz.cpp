// libFuzzer: ParseMountInfo, FindMountFor, ClassifyMount and the container id from mounts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "container/host/container_env.h"
#include "container/host/volume_kind.h"
#include "container/parse/mountinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = preflight::container::ParseMountInfo(text);
  for (const char* path : {"/", "/var/lib/netdata", "/var/lib/netdata/registry", "/etc/netdata"}) {
    if (const auto* m = preflight::container::FindMountFor(table, path)) {
      (void)preflight::container::ClassifyMount(*m, true);
      (void)preflight::container::NamedVolumeName(*m);
      (void)m->ReadOnly();
    }
  }
  (void)preflight::container::ContainerIdFromMounts(table);
  (void)preflight::container::ContainerIdFromCgroup(text);
  return 0;
}
