#!/usr/bin/env bash
# Runs every benchmark of bench/ against BINARY and writes docs/benchmarks.md: each table with
# the exact command that made it and the machine it ran on. `make bench` calls this.
#   bench/run.sh BINARY [SCRIPT...]   (default: all of them, in the order below)
set -uo pipefail
bin=$(realpath "${1:?usage: run.sh BINARY [SCRIPT...]}")
shift
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib.sh"
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=(handoff.sh supervise.sh page_faults.sh diagnosis.sh deadline.sh probe.sh size_memory.sh growth.sh serve_soak.sh)
out=$top/docs/benchmarks.md
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
{
  echo "# Benchmarks"
  echo
  echo "Made by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d): $(machine_line)."
  echo "Each table below was printed by the command above it; rerun it to reproduce."
  echo "hyperfine medians; every comparison ran A/B in the same hyperfine run."
  echo "The machine is shared with other engineers' builds and tests (see the load average): absolute"
  echo "times are inflated and noisy; the ratios within one run are the figures to compare."
} > "$tmp"
status=0
for s in "${scripts[@]}"; do
  [ -x "$here/$s" ] || { echo "bench: $s missing, skipped" >&2; continue; }
  echo "bench: $s" >&2
  title=$(sed -n '2s/^# *//p' "$here/$s")
  {
    echo
    echo "## ${title:-$s}"
    echo
    echo "\`bench/$s build/netdata-preflight\`"
    echo
  } >> "$tmp"
  if ! "$here/$s" "$bin" >> "$tmp" 2> >(sed "s/^/bench: $s: /" >&2); then
    echo "(this benchmark failed; see its stderr)" >> "$tmp"
    status=1
  fi
done
cp "$tmp" "$out"
echo "bench: wrote $out" >&2
exit $status
