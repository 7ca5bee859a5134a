#!/usr/bin/env python3
"""A fake Netdata Agent v2.11 HTTP API for the deploy tests (run as the container's run.sh).

Serves /api/v1/info, /api/v1/aclk and /api/v3/info (reference/netdata-facts.md §5c, §5d) on
127.0.0.1:$NETDATA_LISTENER_PORT of the container's network namespace. Mode `banned`: claimed,
was online before, now banned by Cloud (what `netdatacli aclk-state` shows as
"Banned By Cloud: Yes").
"""
import argparse
import http.server
import json
import os
import signal
import sys

CLAIM_ID = "6d2f5a3c-1b4e-4f8a-9c7d-2e1f0a9b8c7d"
GUID = "0b3e1c2d-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
NODE_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def documents(mode):
    banned = mode == "banned"
    aclk = {"aclk-available": True, "aclk-version": 2, "protocols-supported": ["Protobuf"],
            "agent-claimed": True, "claimed-id": CLAIM_ID, "cloud-url": "https://app.netdata.cloud",
            "aclk_proxy": "none", "online": not banned, "used-cloud-protocol": "Protobuf",
            "mqtt-version": 5, "reconnect-count": 3, "banned-by-cloud": banned,
            "last-connect-time-utc": "2026-11-30 10:00:00", "last-disconnect-time-utc": "2026-11-30 12:00:00",
            "next-connection-attempt-utc": "2026-12-01 23:59:00", "last-backoff-value": 60.0,
            "node-instances": [{"hostname": "netdata-host", "mguid": GUID, "claimed_id": CLAIM_ID,
                                "node-id": NODE_ID, "streaming-hops": 0, "relationship": "self"}]}
    cloud = {"id": 4, "status": "banned" if banned else "online", "since": 1764590000, "age": 30,
             "claim_id": CLAIM_ID, "url": "https://app.netdata.cloud",
             "reason": "Agent is banned from Netdata Cloud" if banned else ""}
    info = {"version": "v2.11.0", "uid": GUID, "cloud-enabled": True, "cloud-available": True,
            "agent-claimed": True, "aclk-available": not banned,
            "mirrored_hosts_status": [{"hostname": "netdata-host", "hops": 0, "reachable": True,
                                       "guid": GUID, "node_id": NODE_ID, "claim_id": CLAIM_ID}]}
    v3 = {"agents": [{"mg": GUID, "nd": NODE_ID, "nm": "netdata-host", "now": 1764590030, "ai": 0,
                      "application": {"package": {"version": "v2.11.0"}}, "cloud": cloud}]}
    return {"/api/v1/info": info, "/api/v1/aclk": aclk, "/api/v3/info": v3, "/api/v2/info": v3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="banned", choices=["banned", "online"])
    a = ap.parse_args()
    docs = documents(a.mode)

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            doc = docs.get(self.path.split("?")[0])
            body = json.dumps(doc if doc is not None else {"error": "not found"}).encode()
            self.send_response(200 if doc is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    port = int(os.environ.get("NETDATA_LISTENER_PORT", "19999"))
    server = http.server.HTTPServer(("127.0.0.1", port), H)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"fake agent ({a.mode}) on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
