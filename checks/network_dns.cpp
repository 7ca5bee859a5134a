// network.dns: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kNetworkDns{
    "network.dns",
    "DNS for Netdata Cloud",
    section::kVerifyAccess,
    Kind::kOnline,
    {},
    &NotImplemented,
    "The Cloud hosts (app., api., mqtt.netdata.cloud or the claim URL host) resolve; NXDOMAIN, SERVFAIL and timeouts are told apart.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
