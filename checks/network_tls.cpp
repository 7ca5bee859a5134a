// network.tls: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kNetworkTls{
    "network.tls",
    "TCP and TLS to Netdata Cloud",
    section::kVerifyAccess,
    Kind::kOnline,
    {"network.dns"},
    &NotImplemented,
    "TCP 443 connects and the TLS handshake verifies; a chain from a non-public issuer names the intercepting proxy.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
