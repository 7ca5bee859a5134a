#!/usr/bin/env bash
# Full network diagnosis vs the troubleshooting guide's manual curl sequence
#   bench/diagnosis.sh BINARY     (prints a markdown table)
# Against the loopback fake cloud (tests/fixtures/fake_cloud.py, certificates made by
# tests/fixtures/make_certs.sh) serving app., api. and mqtt.cloud.test on 127.0.0.1, DNS pinned
# with --resolve, TLS trusted with --ca-file. A/B in one hyperfine run. Target: preflight
# (proxy, DNS, TLS, HTTPS and WebSocket checks, a verdict) faster than the curl sequence (the
# GET plus a WebSocket upgrade per host, one after another; also timed: only the upgrade to
# mqtt., the same wire work as preflight).
set -euo pipefail
bin=$(realpath "${1:?usage: diagnosis.sh BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
need hyperfine curl python3 openssl
RUNS=${RUNS:-100}
work=$(mktemp -d)
cloud=
cleanup() {
  [ -z "$cloud" ] || { kill "$cloud" 2>/dev/null; wait "$cloud" 2>/dev/null; } || true
  rm -rf "$work"
}
trap cleanup EXIT
sh "$top/tests/fixtures/make_certs.sh" "$work/certs"
# --ws-hold 0: the fake cloud closes right after the 101, as curl (which reads on after a 101
# until the peer closes) would otherwise be timed waiting; preflight stops at the 101 itself.
python3 "$top/tests/fixtures/fake_cloud.py" --cert "$work/certs/good.pem" \
  --key "$work/certs/good.key" --hosts 127.0.0.1 --ws-hold 0 --ready-file "$work/ready" &
cloud=$!
wait_file "$work/ready"
port=$(cat "$work/ready")
hosts=(app.cloud.test api.cloud.test mqtt.cloud.test)
urls=() pins=() curl_pins=""
for h in "${hosts[@]}"; do
  urls+=("https://$h:$port") pins+=("$h:$port:127.0.0.1")
  curl_pins+=" --resolve $h:$port:127.0.0.1"
done
preflight="$bin check --only network --cloud-url $(IFS=,; echo "${urls[*]}") --resolve $(IFS=,; echo "${pins[*]}") --ca-file $work/certs/ca.pem --deadline 5s"
c="curl -sS -o /dev/null --cacert $work/certs/ca.pem$curl_pins"
up="-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'"
up+=" -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Protocol: mqtt'"
# curl exits 52 after the 101 (it waits for a final response); the 101 is what the guide reads.
# B, as issue 7 words it: the GET plus a WebSocket upgrade per host (6 curls).
per_host=""
for h in "${hosts[@]}"; do per_host+="$c https://$h:$port/; $c $up https://$h:$port/mqtt 2>/dev/null; "; done
per_host+="true"
# C, the same wire work as preflight: a GET per host, the upgrade to mqtt. only (4 curls).
seq_cmd=""
for h in "${hosts[@]}"; do seq_cmd+="$c https://$h:$port/; "; done
seq_cmd+="$c $up https://mqtt.cloud.test:$port/mqtt 2>/dev/null; true"
# Both must work before they are timed: preflight passes, curl sees 404 and 101.
$preflight >"$work/preflight.out" 2>&1 || { echo "diagnosis.sh: preflight did not pass:" >&2; cat "$work/preflight.out" >&2; exit 1; }
codes=$(for h in "${hosts[@]}"; do $c -w '%{http_code} ' "https://$h:$port/"; done
        $c -w '%{http_code}' -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
          -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
          -H 'Sec-WebSocket-Protocol: mqtt' "https://mqtt.cloud.test:$port/mqtt" 2>/dev/null || true)
[ "$codes" = "404 404 404 101" ] || { echo "diagnosis.sh: curl sequence answered '$codes', not '404 404 404 101'" >&2; exit 1; }
hyperfine --warmup 10 --runs "$RUNS" --export-json "$work/hf.json" \
  -n "netdata-preflight check --only network" "$preflight" \
  -n "curl, GET + upgrade per host" "sh -c \"$per_host\"" \
  -n "curl, 3 GETs + the upgrade to mqtt." "sh -c \"$seq_cmd\"" >"$work/hf.log" 2>&1 \
  || { cat "$work/hf.log" >&2; exit 1; }
python3 - "$work/hf.json" "$RUNS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
pf = r[0]
print("| command | what it does | median | mean ± σ | CPU (user+sys) |")
print("|---|---|---:|---:|---:|")
what = ["proxy, DNS, TLS to 3 hosts, HTTPS to 3 hosts, WebSocket upgrade, verdict",
        "6 curl processes in one `sh -c`: GET / and the upgrade on each of 3 hosts (issue 7's sequence)",
        "4 curl processes in one `sh -c`: GET / on 3 hosts, the upgrade to mqtt. (preflight's wire work)"]
for x, w in zip(r, what):
    print(f"| {x['command']} | {w} | {x['median']*1e3:.1f} ms | {x['mean']*1e3:.1f} ± {x['stddev']*1e3:.1f} ms | {(x['user']+x['system'])*1e3:.1f} ms |")
print()
for cu, name in ((r[1], "GET + upgrade per host"), (r[2], "3 GETs + the upgrade to mqtt.")):
    ratio = pf["median"] / cu["median"]
    print(f"- preflight / curl {name} (median): {ratio:.2f}x (target < 1x): {'ok' if ratio < 1 else 'MISSED'}")
print(f"\n{sys.argv[2]} runs each after 10 warm-ups, A/B/C in one hyperfine run (its shell overhead in all three).")
PY
echo
echo "Exact commands (PORT and DIR vary per run):"
echo
echo "    A: ${preflight//$work/DIR}" | sed "s/$port/PORT/g"
echo "    B: sh -c \"${per_host//$work/DIR}\"" | sed "s/$port/PORT/g"
echo "    C: sh -c \"${seq_cmd//$work/DIR}\"" | sed "s/$port/PORT/g"
