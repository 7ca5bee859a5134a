// Writes run records to <VAR_LIB>/preflight/runs.json as fast as it can, forever, through the
// production store (RealSystem::WriteFileAtomic): the kill -9 test shoots it at random instants.
#include <unistd.h>

#include <string>

#include "container/real_system.h"
#include "container/state/run_records.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  preflight::container::RealSystem sys(environ);
  for (int64_t i = 1;; ++i) {
    preflight::container::RunRecord r;
    r.start_ms = 1767225600000 + i;
    r.pid = static_cast<int>(getpid());
    r.mode = "supervise";
    r.end_ms = r.start_ms + 1000;
    r.exit_code = static_cast<int>(i % 256);
    r.link_online_s = 12.5;
    r.container_id = std::string(64, static_cast<char>('a' + i % 6));
    r.boot_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    if (!preflight::container::StoreRunRecord(sys, argv[1], r).ok()) return 1;
  }
}
