// container.lifetime: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kContainerLifetime{
    "container.lifetime",
    "Earlier runs reached Cloud",
    section::kKilledEarly,
    Kind::kOffline,
    {},
    &NotImplemented,
    "Earlier runs recorded by `run` did not exit or get killed before the link to Netdata Cloud "
    "came up.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
