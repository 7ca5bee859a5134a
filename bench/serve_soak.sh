#!/usr/bin/env bash
# `serve` memory under a soak of 100 000 requests
# /healthz, /readyz, /metrics, /report in turn, over 8 keep-alive connections plus a new
# connection every 100th request: RSS before, halfway and after. Steady memory means the two later figures stay close to the first.
#   bench/serve_soak.sh [BINARY]   (REQUESTS=100000)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-${BIN:-$top/build/netdata-preflight}}")  # run.sh passes the binary as $1
REQUESTS=${REQUESTS:-100000}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --listen "127.0.0.1:$port" --interval 2s --offline --var-lib "$work" \
  --config-dir "$work" --cache-dir "$work" --api http://127.0.0.1:9 --cli-socket "$work/none" \
  2> "$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.05; done
sleep 3  # the first check run
python3 - "$port" "$pid" "$REQUESTS" <<'PY'
import http.client, sys, time
port, pid, total = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def rss():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
paths = ["/healthz", "/readyz", "/metrics", "/report"]
conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=5) for _ in range(8)]
rows = [("before", 0, rss())]
codes = {}
start = time.monotonic()
for i in range(total):
    if i % 100 == 0:
        conns[i % 8].close()
        conns[i % 8] = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c = conns[i % 8]
    c.request("GET", paths[i % 4])
    r = c.getresponse()
    r.read()
    codes[r.status] = codes.get(r.status, 0) + 1
    if i + 1 == total // 2:
        rows.append(("halfway", i + 1, rss()))
took = time.monotonic() - start
rows.append(("after", total, rss()))
print("| point | requests | RSS |")
print("|---|---:|---:|")
for name, n, kib in rows:
    print("| %s | %d | %.1f MiB |" % (name, n, kib / 1024))
print()
print("%d requests in %.1f s (%.0f/s); status codes %s" % (total, took, total / took, codes))
PY
