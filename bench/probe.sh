#!/usr/bin/env bash
# probe vs the usual health checks, against the real Debian netdata-core 1.37.1 agent
# Median wall time (hyperfine) and peak RSS. Target: probe <= 5 ms median, <= 4 MiB.
#   DEPS=/work/main/build/deps bench/probe.sh [BINARY]
# Prints a markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
BIN=$(realpath "${1:-${BIN:-$top/build/netdata-preflight}}")  # run.sh passes the binary as $1
source "$here/debian_agent.sh"
source "$here/lib.sh"
CLI=$ND/usr/sbin/netdatacli
RUNS=${RUNS:-200}
out=$(mktemp -d /var/tmp/preflight-bench.XXXXXX)  # not /tmp: the agent namespace has its own
trap 'stop_agent; rm -rf "$out"' EXIT
start_agent
# Everything runs inside the agent's mount namespace, where /tmp/netdata-ipc is.
in_ns() { nsenter -t "$AGENT_PID" -m -- "$@"; }
names=("netdata-preflight probe (socket)" "netdata-preflight probe --require online (socket)"
       "netdata-preflight probe (HTTP API)" "curl -fsS /api/v1/info" "netdatacli ping"
       "/bin/true (this machine's process-start floor)")
# [2] is the HTTP API route (--cli-socket none).
cmds=("$BIN probe --cli-socket /tmp/netdata-ipc"
      "$BIN probe --require online --cli-socket /tmp/netdata-ipc"
      "$BIN probe --cli-socket none --api http://127.0.0.1:$AGENT_PORT"
      "curl -fsS -o /dev/null http://127.0.0.1:$AGENT_PORT/api/v1/info"
      "$CLI ping"
      "/bin/true")
# One run each first, so the table can show what each answered (probe --require online
# exits 1 here: this agent can never be online; hyperfine -i keeps timing it).
answers[5]="exit 0"
for i in 0 1 3 4; do
  rc=0; ans=$(in_ns ${cmds[$i]} 2>&1 | head -c 120) || rc=$?; answers[$i]="exit $rc: ${ans:-(no output)}"
done
rc=0; ans=$(${cmds[2]} 2>&1 | head -c 120) || rc=$?; answers[2]="exit $rc: $ans"
in_ns hyperfine -N -i --warmup 20 --runs "$RUNS" --export-json "$out/socket.json" \
  "${cmds[0]}" "${cmds[1]}" "${cmds[3]}" "${cmds[4]}" "${cmds[5]}" >/dev/null
hyperfine -N -i --warmup 20 --runs "$RUNS" --export-json "$out/api.json" "${cmds[2]}" >/dev/null
peak_kib() { /usr/bin/time -f %M -o "$out/rss" "$@" >/dev/null 2>&1 || true; cat "$out/rss" | tail -1; }
echo "| command | median | mean ± σ | CPU (user+sys) | peak RSS | answer |"
echo "|---|---:|---:|---:|---:|---|"
python3 - "$out/socket.json" "$out/api.json" <<'PY' > "$out/times.tsv"
import json, sys
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        print("%s\t%.2f\t%.2f\t%.2f\t%.2f" % (r["command"], r["median"]*1e3, r["mean"]*1e3, r["stddev"]*1e3, (r["user"]+r["system"])*1e3))
PY
# Peak RSS with the binary read back from disk (see evict_page_cache in lib.sh); one more row
# shows the same probe from a file strip has just written.
for f in "$BIN" "$CLI" "$(command -v curl)"; do evict_page_cache "$f"; done
"$BIN" version >/dev/null
strip -o "$out/written" "$BIN"
for i in 0 1 3 4 2 5; do
  cmd=${cmds[$i]}
  if [ "$i" = 2 ]; then rss=$(peak_kib $cmd); else rss=$(in_ns bash -c "$(declare -f peak_kib); out=$out; peak_kib $cmd"); fi
  line=$(awk -F'\t' -v c="$cmd" '$1 == c' "$out/times.tsv")
  IFS=$'\t' read -r _ median mean sd cpu <<<"$line"
  echo "| ${names[$i]} | ${median} ms | ${mean} ± ${sd} ms | ${cpu} ms | $((rss / 1024)).$(( (rss % 1024) * 10 / 1024 )) MiB | ${answers[$i]//|/\\|} |"
done
written=$(in_ns bash -c "$(declare -f peak_kib); out=$out; peak_kib $out/written probe --cli-socket /tmp/netdata-ipc")
echo "| same probe (socket), binary as just written by strip (large page-cache folios) | | | | $((written / 1024)).$(( (written % 1024) * 10 / 1024 )) MiB | |"
echo
echo "Peak RSS is measured with each binary read from disk (page cache evicted first, as at a"
echo "container's first start); a file just written sits in large folios that the kernel maps whole."
echo "agent: Debian netdata-core 1.37.1 on 127.0.0.1:$AGENT_PORT; $RUNS runs each after 20 warm-ups; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$out"
