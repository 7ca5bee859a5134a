// network.proxy: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kNetworkProxy{
    "network.proxy",
    "Proxy for claiming and link",
    section::kVerifyAccess,
    Kind::kOnline,
    {},
    &NotImplemented,
    "The proxy used for claiming (libcurl rules) and for the link (lowercase http_proxy, https_proxy) agree, and the proxy is reachable, allows CONNECT to 443 and accepts our credentials.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
