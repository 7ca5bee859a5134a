// container.volume: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kContainerVolume{
    "container.volume",
    "Persistent /var/lib/netdata",
    section::kPersisted,
    Kind::kOffline,
    {},
    &NotImplemented,
    "/var/lib/netdata (and /etc/netdata, /var/cache/netdata) is on a persistent, writable volume, not the container's own layer or tmpfs, with free space.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
