#!/usr/bin/env bash
# Wall time of the three container checks, unconfined and under an old Docker seccomp profile
# (the probe then forks children). Prints a table; run after `make build` (needs hyperfine and
# the seccomp_launcher test tool of the release build).
set -uo pipefail  # the checks may exit 1 (a failing check): that is data here
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/release/netdata-preflight
launcher=$top/build/release/tests/seccomp_launcher
profiles=$top/tests/testdata/seccomp
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/lib" "$dir/etc" "$dir/cache"
args=(check --offline --only container.seccomp,container.volume,container.identity --format json
      --var-lib "$dir/lib" --config-dir "$dir/etc" --cache-dir "$dir/cache")
printf '| case | mean (ms) | container.seccomp duration_ms |\n|---|---|---|\n'
run_case() {
  local name=$1; shift
  local mean probe
  mean=$(hyperfine -N -i -w 3 -r 30 --export-json "$dir/h.json" "$*" >/dev/null 2>&1 &&
         python3 -c "import json;print(round(json.load(open('$dir/h.json'))['results'][0]['mean']*1000,2))")
  probe=$("$@" 2>/dev/null | python3 -c "import json,sys;print([c for c in json.load(sys.stdin)['checks'] if c['id']=='container.seccomp'][0]['duration_ms'])")
  printf '| %s | %s | %s |\n' "$name" "$mean" "$probe"
}
run_case "unconfined" "$bin" "${args[@]}"
for p in docker-v20.10.9 docker-v29-current; do
  run_case "$p" "$launcher" "$profiles/$p.json" -- "$bin" "${args[@]}"
done
run_case "docker-v20.10.9 kill-process" "$launcher" "$profiles/docker-v20.10.9.json" \
  --default-action SCMP_ACT_KILL_PROCESS -- "$bin" "${args[@]}"
