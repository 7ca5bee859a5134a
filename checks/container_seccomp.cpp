// container.seccomp: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kContainerSeccomp{
    "container.seccomp",
    "Seccomp profile",
    section::kClaimingDocker,
    Kind::kOffline,
    {},
    &NotImplemented,
    "The container's seccomp filter does not answer EPERM for the syscalls the agent's C library needs (clone3, faccessat2, ...), as the default profiles of old Docker releases do.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
