# Shared by the bench scripts: peak RSS of a command, the machine line, hyperfine medians.
# Source it; needs GNU time and python3 (installed by scripts/bootstrap.sh).

# peak_rss_kib CMD ARGS...: runs the command (output discarded) and prints its peak resident
# set size in KiB as the kernel accounts it (GNU time's %M; time itself is tiny, so the fork
# before exec does not inflate the figure the way a python parent would).
peak_rss_kib() {
  local f
  f=$(mktemp)
  /usr/bin/time -f %M -o "$f" "$@" >/dev/null 2>&1
  tail -n 1 "$f"
  rm -f "$f"
}

# machine_line: one line naming the machine the figures were measured on.
machine_line() {
  printf '%s, %s cores, %s, kernel %s' "$(. /etc/os-release && echo "$PRETTY_NAME")" "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(uname -r)"
}

# median_ms JSON: the median of a hyperfine --export-json file, in milliseconds, per command.
hyperfine_medians() {
  python3 - "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["median"]*1000:.3f}\t{r["command"]}')
PY
}
