// claim.script: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kClaimScript{
    "claim.script",
    "Claim script (v1 agents)",
    section::kClaimingKickstart,
    Kind::kOffline,
    {},
    &NotImplemented,
    "v1 agents claim with netdata-claim.sh: it is found on the search path, is a file and is executable. An executable script that access() reports as not executable means seccomp, not permissions.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
