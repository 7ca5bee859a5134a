#!/usr/bin/env bash
# Wall time of the network checks against a Cloud that never answers, with --deadline 2s
#   bench/deadline.sh BINARY     (prints a markdown table; RUNS=10)
# Two blackholes: a TLS peer on 127.0.0.1 that accepts TCP and never sends a byte (the fake
# cloud's `silent` fault), and, as in tests/blackbox/network_faults_test.cpp, a tun device
# nobody reads inside a private network namespace (SYNs to 10.200.0.2 vanish). Target: the
# contract's bound, every run within deadline + 200 ms.
set -euo pipefail
bin=$(realpath "${1:?usage: deadline.sh BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
need hyperfine python3 openssl unshare ip
RUNS=${RUNS:-10}
DEADLINE_MS=2000
work=$(mktemp -d)
cloud=
cleanup() {
  [ -z "$cloud" ] || { kill "$cloud" 2>/dev/null; wait "$cloud" 2>/dev/null; } || true
  rm -rf "$work"
}
trap cleanup EXIT
sh "$top/tests/fixtures/make_certs.sh" "$work/certs"
python3 "$top/tests/fixtures/fake_cloud.py" --cert "$work/certs/good.pem" \
  --key "$work/certs/good.key" --hosts 127.0.0.1 --fault silent --ready-file "$work/ready" &
cloud=$!
wait_file "$work/ready"
port=$(cat "$work/ready")
base="$bin check --only network --ca-file $work/certs/ca.pem --deadline 2s"
silent="$base --cloud-url https://cloud.test:$port --resolve cloud.test:$port:127.0.0.1"
tun="$base --cloud-url https://cloud.test --resolve cloud.test:443:10.200.0.2"
# -i: the checks fail (that is the point); only the time is measured.
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$work/silent.json" \
  -n "silent TLS peer on 127.0.0.1" "$silent" >"$work/hf.log" 2>&1 || { cat "$work/hf.log" >&2; exit 1; }
# The namespace (and its tun device) ends with the unshare'd shell.
unshare -n sh -c "ip link set lo up && ip tuntap add bh0 mode tun && ip addr add 10.200.0.1/24 dev bh0 \
  && ip link set bh0 up && hyperfine -N -i --warmup 1 --runs $RUNS --export-json $work/tun.json \
  -n 'tun blackhole 10.200.0.2 (own netns)' '$tun'" >"$work/hf.log" 2>&1 || { cat "$work/hf.log" >&2; exit 1; }
$silent --format json >"$work/silent.report" 2>/dev/null || true
python3 - "$DEADLINE_MS" "$RUNS" "$work/silent.report" "$work/silent.json" "$work/tun.json" <<'PY'
import json, sys
deadline, runs = int(sys.argv[1]), sys.argv[2]
bound = deadline + 200
print(f"| blackhole | median | max | min | bound (deadline + 200 ms) | within |")
print("|---|---:|---:|---:|---:|---|")
for f in sys.argv[4:]:
    r = json.load(open(f))["results"][0]
    mx = max(r["times"]) * 1e3
    print(f"| {r['command']} | {r['median']*1e3:.0f} ms | {mx:.0f} ms | {r['min']*1e3:.0f} ms | {bound} ms | {'ok' if mx <= bound else 'MISSED'} |")
rep = json.load(open(sys.argv[3]))
msgs = "; ".join(f"{c['id']} {c['status']}" for c in rep["checks"])
print(f"\n`--deadline 2s`, {runs} runs each after 1 warm-up. What the silent-peer run reported: {msgs}.")
PY
