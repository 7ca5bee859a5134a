# Shared by the bench scripts: peak RSS of a command, and the machine line of a table.
# Source it; needs python3 (installed by scripts/bootstrap.sh).

# peak_rss_kib CMD ARGS...: runs the command (output discarded) and prints its peak resident
# set size in KiB, from getrusage(RUSAGE_CHILDREN) — the kernel's own accounting.
peak_rss_kib() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
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
