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

# machine_line: one line naming the machine the figures were measured on, with its load average
# (the 2 cores are shared with other builds: a loaded machine inflates every figure).
machine_line() {
  printf '%s, %s cores, %s, kernel %s, load average %s' "$(. /etc/os-release && echo "$PRETTY_NAME")" \
    "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(uname -r)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# need TOOL...: exits with a clear error naming the first missing tool.
need() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || { echo "$(basename "$0"): $t missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
  done
}

# free_port: an unused TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_file FILE: waits up to 10 s for FILE to exist (a fixture's ready file).
wait_file() {
  local i
  for i in $(seq 1 200); do [ -e "$1" ] && return 0; sleep 0.05; done
  echo "$(basename "$0"): $1 did not appear within 10 s" >&2
  return 1
}

# hyperfine_medians JSON: the median of a hyperfine --export-json file, in milliseconds, per command.
hyperfine_medians() {
  python3 - "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f'{r["median"]*1000:.3f}\t{r["command"]}')
PY
}

# evict_page_cache FILE: drops FILE's clean pages from the page cache (POSIX_FADV_DONTNEED), so
# the next exec reads it from disk as a container's first start does. Why it matters: a file
# just written (by `strip`, say) sits in the page cache in large folios, and kernels since 6.x map
# a large folio whole on a fault, so the same binary shows a peak RSS higher by a megabyte or more
# until its pages are read back. The figures show both layouts.
evict_page_cache() {
  python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$1"
}
