// cloud.link: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kCloudLink{
    "cloud.link",
    "Agent's own link state",
    section::kClaimedCannotConnect,
    Kind::kOnline,
    {},
    &NotImplemented,
    "What the running agent says: claimed, online, banned and why, or from status-netdata.json when it is down.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
