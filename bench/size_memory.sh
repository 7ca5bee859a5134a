#!/usr/bin/env bash
# Stripped size and peak memory, beside tini-static and dumb-init
#   bench/size_memory.sh BINARY     (prints a markdown table)
# Targets (issue 7): stripped binary <= 6 MiB; peak RSS of `check` <= 8 MiB.
set -euo pipefail
bin=$(realpath "${1:?usage: size_memory.sh BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/var" "$tmp/etc" "$tmp/cache"
# Owned as the netdata image owns its volumes (uid/gid 201), so the checks judge a good volume.
chmod 755 "$tmp"; chown 201:201 "$tmp/var" "$tmp/etc" "$tmp/cache" 2>/dev/null || true
dirs=(--var-lib "$tmp/var" --config-dir "$tmp/etc" --cache-dir "$tmp/cache")

size_of() { strip -o "$tmp/s" "$1" && stat -c %s "$tmp/s"; }
kib() { awk -v b="$1" 'BEGIN { printf "%.0f KiB (%.2f MiB)", b / 1024, b / 1048576 }'; }

echo "| what | netdata-preflight | tini-static | dumb-init | target |"
echo "|---|---|---|---|---|"
echo "| stripped size | $(kib "$(size_of "$bin")") | $(kib "$(size_of /usr/bin/tini-static)") | $(kib "$(size_of /usr/bin/dumb-init)") | <= 6 MiB |"
strip -o "$tmp/written" "$bin"  # a file strip has just written, as `make build` leaves it
check_rss_written=$(peak_rss_kib "$tmp/written" check --offline "${dirs[@]}")
for f in "$bin" /usr/bin/tini-static /usr/bin/dumb-init; do evict_page_cache "$f"; done
peak_rss_kib "$bin" version >/dev/null  # read back from disk
check_rss=$(peak_rss_kib "$bin" check --offline "${dirs[@]}")
tini_rss=$(peak_rss_kib /usr/bin/tini-static -s -- /bin/true)
dumb_rss=$(peak_rss_kib /usr/bin/dumb-init /bin/true)
echo "| peak RSS, \`check --offline\` / init running /bin/true | ${check_rss} KiB | ${tini_rss} KiB | ${dumb_rss} KiB | <= 8192 KiB |"
echo "| same, binary as just written by strip (large page-cache folios) | ${check_rss_written} KiB | | | |"
