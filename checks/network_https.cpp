// network.https: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kNetworkHttps{
    "network.https",
    "HTTPS answer from Netdata Cloud",
    section::kVerifyAccess,
    Kind::kOnline,
    {"network.tls"},
    &NotImplemented,
    "An HTTPS request to Netdata Cloud gets an HTTP answer; 403/429 and proxy block pages are recognised.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
