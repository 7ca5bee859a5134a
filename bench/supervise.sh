#!/usr/bin/env bash
# The supervised hand-off (`run --supervise`, the image's ENTRYPOINT) and the supervisor's memory, beside tini-static, tini and dumb-init
# Wall time of `run --offline --supervise -- /bin/true` (checks, the program started and
# reaped, its run recorded from start to end) next to the inits, A/B in the same hyperfine
# runs, with the volume on the disk (records written durably) and in memory (tmpfs: the same
# writes, their fsyncs free). Target (issue 23): within 1.5x `tini-static -s -- /bin/true`.
# Then the same in memory with everything under Docker's current default seccomp profile, as
# the ENTRYPOINT runs in a container (container.seccomp then probes in a child of its own, and
# every syscall of every command pays the filter alike: hyperfine itself runs under it).
# Then the supervisor's steady resident memory (VmRSS while supervising sleep, after its lean
# re-exec) beside the inits'; target: within 1.2x dynamic tini's.
#   bench/supervise.sh BINARY [BASELINE]   BASELINE: another build, timed in the same runs
#   (ROUNDS hyperfine runs of RUNS starts each, default 3 x 60)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bin=$(realpath "${1:-$top/build/netdata-preflight}")
base=${2:-}
need hyperfine python3
for t in /usr/bin/tini-static /usr/bin/tini /usr/bin/dumb-init; do
  [ -x "$t" ] || { echo "supervise.sh: $t missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
done
work=$(mktemp -d)
mem=$(mktemp -d /dev/shm/supervise.XXXXXX)
trap 'rm -rf "$work" "$mem"' EXIT
rounds=${ROUNDS:-3}

# volume DIR: a volume like the agent's, owned as the netdata image owns it (uid/gid 201).
volume() {
  mkdir -p "$1/lib" "$1/etc" "$1/cache"
  chmod 755 "$1"
  chown 201:201 "$1/lib" "$1/etc" "$1/cache" 2>/dev/null || true
}
volume "$work/disk"
volume "$mem"

# ab NAME: ROUNDS hyperfine runs into $work/NAME.<round>.json, the order of the commands
# reversed every other round (a drift in the machine's load must not favour one side).
under=()  # a command to run hyperfine under (the seccomp launcher)
hyperfine=$(command -v hyperfine)
ab() {
  local name=$1 round i
  local fail=()
  # --fail-on never: container.volume fails an in-memory var-lib; what it says is not timed.
  local cmds=(-n preflight "$bin run --offline --fail-on never --supervise -- /bin/true")
  [ -n "$base" ] && cmds+=(-n "preflight, baseline" "$base run --offline --fail-on never --supervise -- /bin/true")
  cmds+=(-n tini-static "/usr/bin/tini-static -s -- /bin/true" -n tini "/usr/bin/tini -s -- /bin/true"
         -n dumb-init "/usr/bin/dumb-init /bin/true" -n true /bin/true)
  local backward=()
  for ((i = ${#cmds[@]} - 3; i >= 0; i -= 3)); do backward+=("${cmds[@]:i:3}"); done
  for ((round = 0; round < rounds; round++)); do
    local order=("${cmds[@]}")
    ((round % 2 == 0)) || order=("${backward[@]}")
    "${under[@]}" "$hyperfine" -N --warmup 10 --runs "${RUNS:-60}" --export-json "$work/$name.$round.json" \
      "${order[@]}" >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; exit 1; }
  done
}
table() {
  python3 - "$work" "$1" "$rounds" "$2" <<'PY'
import json, statistics, sys
work, name, rounds, where = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
times, ratios = {}, {}
for i in range(rounds):
    results = {r["command"]: r for r in json.load(open(f"{work}/{name}.{i}.json"))["results"]}
    for cmd, r in results.items():
        times.setdefault(cmd, []).extend(r["times"])
        ratios.setdefault(cmd, []).append(r["median"] / results["tini-static"]["median"])
print(f"\nVolume {where}:\n")
print("| command | median | mean | σ | ratio to tini-static (median of the rounds' ratios) |")
print("|---|---:|---:|---:|---:|")
for cmd, t in times.items():
    print(f"| {cmd} | {statistics.median(t)*1e3:.3f} ms | {statistics.mean(t)*1e3:.3f} ms | "
          f"{statistics.stdev(t)*1e3:.3f} | {statistics.median(ratios[cmd]):.2f}x |")
r = statistics.median(ratios["preflight"])
print(f"\n`run --supervise` / tini-static, {rounds} rounds ({', '.join(f'{x:.2f}' for x in ratios['preflight'])}): "
      f"{r:.2f}x (target <= 1.5x): {'ok' if r <= 1.5 else 'MISSED'}")
PY
}
(export PREFLIGHT_VAR_LIB=$work/disk/lib PREFLIGHT_CONFIG_DIR=$work/disk/etc PREFLIGHT_CACHE_DIR=$work/disk/cache; ab disk)
table disk "on this disk (the lease and the run record written durably at start and end)"
(export PREFLIGHT_VAR_LIB=$mem/lib PREFLIGHT_CONFIG_DIR=$mem/etc PREFLIGHT_CACHE_DIR=$mem/cache; ab mem)
table mem "in memory (tmpfs: the same writes, their fsyncs free)"
launcher=$top/build/release/tests/seccomp_launcher
[ -x "$launcher" ] || make -C "$top/build/release" seccomp_launcher >/dev/null 2>&1 || true
if [ -x "$launcher" ]; then
  under=("$launcher" "$top/tests/testdata/seccomp/docker-v29-current.json" --runc modern --)
  (export PREFLIGHT_VAR_LIB=$mem/lib PREFLIGHT_CONFIG_DIR=$mem/etc PREFLIGHT_CACHE_DIR=$mem/cache; ab filtered)
  under=()
  table filtered "in memory, every command under Docker's current default seccomp profile (tests/testdata/seccomp/docker-v29-current.json, modern runc), as in a container"
else
  echo
  echo "(no build/release/tests/seccomp_launcher, which \`make test\` builds: the run under Docker's seccomp profile was skipped)"
fi

# Steady VmRSS while supervising sleep: read 2.5 s after the start (the lean supervisor
# re-execs at its first tick, 1 s), each binary read from disk as at a container's first start.
for f in "$bin" ${base:+"$base"} /usr/bin/tini-static /usr/bin/tini /usr/bin/dumb-init; do evict_page_cache "$f"; done
rss_of() {
  "$@" 2>/dev/null &
  local pid=$!
  sleep 2.5
  awk '/VmRSS/ {print $2}' "/proc/$pid/status"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
export PREFLIGHT_VAR_LIB=$work/disk/lib PREFLIGHT_CONFIG_DIR=$work/disk/etc PREFLIGHT_CACHE_DIR=$work/disk/cache
ours=$(rss_of "$bin" run --offline --supervise -- /bin/sleep 10)
[ -n "$base" ] && baseline=$(rss_of "$base" run --offline --supervise -- /bin/sleep 10)
tini_static=$(rss_of /usr/bin/tini-static -s -- /bin/sleep 10)
tini=$(rss_of /usr/bin/tini -s -- /bin/sleep 10)
dumb=$(rss_of /usr/bin/dumb-init /bin/sleep 10)
echo
echo "| supervisor (2.5 s into supervising sleep) | VmRSS | ratio to tini (dynamic) |"
echo "|---|---:|---:|"
row() { python3 -c "import sys; print(f'| {sys.argv[1]} | {sys.argv[2]} kB | {int(sys.argv[2])/int(sys.argv[3]):.2f}x |')" "$1" "$2" "$tini"; }
row "netdata-preflight run --supervise" "$ours"
[ -n "$base" ] && row "same, baseline" "$baseline"
row "tini-static -s" "$tini_static"
row "tini -s" "$tini"
row "dumb-init" "$dumb"
python3 -c "import sys; r = int(sys.argv[1]) / int(sys.argv[2]); print(f'\nSupervisor VmRSS / tini: {r:.2f}x (target <= 1.2x): ' + ('ok' if r <= 1.2 else 'MISSED'))" "$ours" "$tini"
