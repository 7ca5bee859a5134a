#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time each, from its seed corpus
# (tests/fuzz/corpus/<parser>/), and prints a markdown table: target, executions, new corpus
# entries, result. Exits non-zero when any target finds a crash, leak or sanitizer error.
#   scripts/fuzz.sh BUILD_DIR SECONDS_PER_TARGET [PARALLEL_TARGETS]
# FUZZ_ONLY="mountinfo ini ..." limits the run to those parsers.
set -uo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS [PARALLEL]}
seconds=${2:-20}
parallel=${3:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$build/fuzz-work
mkdir -p "$work"
shopt -s nullglob
targets=("$build"/tests/fuzz/*_fuzz)
if [ -n "${FUZZ_ONLY:-}" ]; then
  targets=()
  for p in $FUZZ_ONLY; do targets+=("$build/tests/fuzz/${p}_fuzz"); done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no fuzz targets were built in $build/tests/fuzz" >&2
  exit 1
fi

# One target: fuzz it, then leave its table row in $work/<parser>.row.
run_one() {
  local bin=$1 name parser corpus seeds log rc execs entries result
  name=$(basename "$bin")
  parser=${name%_fuzz}
  corpus=$work/$parser
  mkdir -p "$corpus"
  seeds=$top/tests/fuzz/corpus/$parser
  [ -d "$seeds" ] || seeds=""
  log=$work/$parser.log
  # -rss_limit_mb bounds memory; artifacts land beside the log for the report.
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/$parser-" "$corpus" ${seeds:+"$seeds"} >"$log" 2>&1
  rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  entries=$(ls "$corpus" | wc -l)
  if [ $rc -eq 0 ]; then result=ok; else result="FAILED (see $log)"; fi
  echo "| $parser | $seconds | ${execs:-?} | $entries | $result |" >"$work/$parser.row"
}

# PARALLEL targets at a time (each libFuzzer run is one process), rows printed in target order.
running=0
for bin in "${targets[@]}"; do
  rm -f "$work/$(basename "${bin%_fuzz}").row"
  run_one "$bin" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then wait -n; running=$((running - 1)); fi
done
wait

failed=0
echo "| target | seconds | executions | corpus | result |"
echo "|---|---|---|---|---|"
for bin in "${targets[@]}"; do
  row=$work/$(basename "${bin%_fuzz}").row
  if [ -f "$row" ]; then cat "$row"; else echo "| $(basename "$bin") | $seconds | ? | ? | FAILED (no result) |"; failed=1; fi
  grep -q FAILED "$row" 2>/dev/null && failed=1
done
exit $failed
