// container.identity: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kContainerIdentity{
    "container.identity",
    "Identity not cloned",
    section::kNotCloned,
    Kind::kOffline,
    {},
    &NotImplemented,
    "The node identity is not baked into the image and not shared with another live container or a cloned machine.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
