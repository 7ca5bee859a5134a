#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time each, from its seed corpus
# (tests/fuzz/corpus/<parser>/), and prints a markdown table: target, executions, new corpus
# entries, result. Exits non-zero when any target finds a crash, leak or sanitizer error.
#   scripts/fuzz.sh BUILD_DIR SECONDS_PER_TARGET
set -uo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$build/fuzz-work
mkdir -p "$work"
failed=0
shopt -s nullglob
targets=("$build"/tests/fuzz/*_fuzz)
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no fuzz targets were built in $build/tests/fuzz" >&2
  exit 1
fi
echo "| target | seconds | executions | corpus | result |"
echo "|---|---|---|---|---|"
for bin in "${targets[@]}"; do
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
  if [ $rc -eq 0 ]; then result=ok; else result="FAILED (see $log)"; failed=1; fi
  echo "| $parser | $seconds | ${execs:-?} | $entries | $result |"
done
exit $failed
