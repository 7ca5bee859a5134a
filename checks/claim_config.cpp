// claim.config: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kClaimConfig{
    "claim.config",
    "Claim settings",
    section::kClaimingDocker,
    Kind::kOffline,
    {},
    &NotImplemented,
    "The claim URL, rooms, proxy and insecure option are valid; v1 images get both URL and token; the environment and claim.conf do not contradict each other.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
