// claim.token: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kClaimToken{
    "claim.token",
    "Claim token",
    section::kClaimingDocker,
    Kind::kOffline,
    {},
    &NotImplemented,
    "NETDATA_CLAIM_TOKEN (or the claim.conf token) is present when claiming is wanted, and well-formed: no whitespace, quotes, placeholder text or characters the agent rejects.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
