#!/usr/bin/env bash
# The cost of `run`'s hand-off (offline checks + a run record + execve) next to the inits
# people use instead, A/B in the same hyperfine run. Target: at most 1.5x tini-static.
#   bench/handoff.sh [BINARY]     (default build/netdata-preflight)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/build/netdata-preflight}
command -v hyperfine >/dev/null || { echo "handoff.sh: hyperfine missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A volume like the agent's, so that the run record is part of the cost, as in a container.
mkdir -p "$work/var/lib/netdata" "$work/etc/netdata" "$work/var/cache/netdata"
# Owned as the netdata image owns its volumes (uid/gid 201): container.volume passes them.
chmod 755 "$work"
chown 201:201 "$work/var/lib/netdata" "$work/etc/netdata" "$work/var/cache/netdata" 2>/dev/null || true
export PREFLIGHT_VAR_LIB=$work/var/lib/netdata PREFLIGHT_CONFIG_DIR=$work/etc/netdata PREFLIGHT_CACHE_DIR=$work/var/cache/netdata

hyperfine -N --warmup 50 --runs "${RUNS:-500}" --export-json "$work/hf.json" \
  -n preflight "$bin run --offline -- /bin/true" \
  -n tini-static "/usr/bin/tini-static -s -- /bin/true" \
  -n dumb-init "/usr/bin/dumb-init /bin/true" \
  -n true "/bin/true" >"$work/hyperfine.log" 2>&1 || { cat "$work/hyperfine.log" >&2; exit 1; }

python3 - "$work/hf.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base = results["tini-static"]["median"]
print("| command | median | mean | σ | ratio to tini-static |")
print("|---|---:|---:|---:|---:|")
for name in ("preflight", "tini-static", "dumb-init", "true"):
    r = results[name]
    print(f"| {name} | {r['median']*1e3:.3f} ms | {r['mean']*1e3:.3f} ms | {r['stddev']*1e3:.3f} | {r['median']/base:.2f}x |")
ratio = results["preflight"]["median"] / base
print(f"\npreflight / tini-static (median): {ratio:.2f}x (target <= 1.5x): {'ok' if ratio <= 1.5 else 'MISSED'}")
PY

# Resident memory while supervising: the lean supervisor (re-exec'd as `__supervise`). On
# kernels that map whole large page-cache folios on a fault (6.18), the figure depends on how
# the binary's file got into the page cache: a file just written by `strip` sits in large
# folios; a copied one (like an image layer extraction) in small ones. Both are shown.
cp "$bin" "$work/netdata-preflight.copy"
"$bin" run --offline --supervise -- /bin/sleep 3 &
sup=$!
sleep 1.5
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$1/status"; }
echo
echo "| supervisor | VmRSS while supervising sleep |"
echo "|---|---:|"
echo "| netdata-preflight run --supervise | $(rss $sup) |"
wait $sup || true
"$work/netdata-preflight.copy" run --offline --supervise -- /bin/sleep 3 &
sup=$!
sleep 1.5
echo "| same binary, copied (cp) | $(rss $sup) |"
wait $sup || true
/usr/bin/tini-static -s -- /bin/sleep 3 &
t=$!
sleep 1.5
echo "| tini-static -s | $(rss $t) |"
wait $t || true
