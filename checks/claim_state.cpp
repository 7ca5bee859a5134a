// claim.state: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kClaimState{
    "claim.state",
    "Claim state in cloud.d",
    section::kClaimingUnsuccessful,
    Kind::kOffline,
    {},
    &NotImplemented,
    "cloud.d/ holds a claimed_id that is a UUID, a private key that parses and a public key that matches it, a readable cloud.conf, all usable by the netdata user (uid 201).",
    /*implemented=*/false,
};

}  // namespace preflight::checks
