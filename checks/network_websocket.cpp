// network.websocket: placeholder until its issue lands.
#include "checks/catalog.h"
#include "checks/sections.h"

namespace preflight::checks {

const CheckDef kNetworkWebsocket{
    "network.websocket",
    "WebSocket upgrade to the MQTT endpoint",
    section::kWebsockets,
    Kind::kOnline,
    {"network.tls"},
    &NotImplemented,
    "The agent's WebSocket upgrade to wss://mqtt.netdata.cloud/mqtt is not blocked.",
    /*implemented=*/false,
};

}  // namespace preflight::checks
