// netdata-preflight: checks what keeps a Netdata node from being Live in Netdata Cloud.
#include "cmd/dispatch.h"
#include "cmd/stop_signals.h"

namespace {
// Before main and every static initialiser: the stop signals are held from the first moment
// (a PID 1 drops one it has no handler for; `docker stop` just after start was lost).
void HoldAtStart(int, char**, char**) { preflight::cmd::HoldStopSignals(); }
}  // namespace
__attribute__((section(".preinit_array"), used)) void (*const kHoldAtStart)(int, char**,
                                                                            char**) = HoldAtStart;

int main(int argc, char** argv) { return preflight::cmd::Main(argc, argv); }
