// agent.version: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kAgentVersion{
    "agent.version",
    "Agent version and Cloud support",
    section::kClaimingUnsuccessful,
    Kind::kOffline,
    {},
    &NotImplemented,
    "The agent is v1.32 or newer and was built with Netdata Cloud support; records whether it claims v1-style (script) or v2-style (by itself).",
    /*implemented=*/false,
};

}  // namespace preflight::checks
