#!/usr/bin/env bash
# Installs every package the build and the tests need, builds minimal static OpenSSL and libcurl,
# and unpacks Debian's netdata-core agent for the tests. Idempotent: a second run does nothing.
#   bash scripts/bootstrap.sh                   install and build what is missing
#   bash scripts/bootstrap.sh --list-packages   print the Debian packages it installs
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps=${DEPS:-$top/build/deps}
mkdir -p "$deps"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages. BOOTSTRAP_PACKAGES=build (docker/Dockerfile's build stage) installs only what
#    building the binary and running the unit tests takes; the default, all, adds the tools of the
#    black-box, deploy and engine tests, the benchmarks and the fuzzers.
packages=(
  build-essential cmake ccache pkg-config file dpkg-dev
  libssl-dev libseccomp-dev libc-ares-dev zlib1g-dev libevent-dev
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev googletest
  util-linux procps openssl python3 python3-prometheus-client
)
case "${BOOTSTRAP_PACKAGES:-all}" in
  build) ;;
  all)
    packages+=(
      clang libclang-rt-14-dev
      strace iproute2 curl tinyproxy dnsmasq-base
      tini dumb-init hyperfine time python3-yaml
      # tests/engine: a real dockerd, Debian's compose, and mmdebstrap for the base images.
      docker.io docker-compose mmdebstrap
    ) ;;
  *) echo "bootstrap: BOOTSTRAP_PACKAGES is build or all, not '${BOOTSTRAP_PACKAGES}'" >&2; exit 64 ;;
esac
# --list-packages: print them (one line) and stop; tests/engine puts them in its build image.
if [ "${1:-}" = --list-packages ]; then
  echo "${packages[*]}"
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  # apt-get update exits 0 when a source cannot be fetched (it only warns); --error-on=any makes
  # that an error here, where it is the cause, not a later "Unable to locate package".
  as_root apt-get update -q --error-on=any \
    || { echo "bootstrap: apt-get update failed, and ${missing[*]} are not installed: make the Debian sources in /etc/apt reachable (in docker build: --network host)" >&2; exit 1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { echo "bootstrap: apt-get install ${missing[*]} failed" >&2; exit 1; }
fi

# 2. A private apt configuration with deb-src entries derived from the machine's own Debian sources,
#    so that `apt-get source` works without touching /etc/apt and without naming any host here.
aptdir=$deps/apt
apt_opts=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache::Archives=$aptdir/archives"
          -o "Debug::NoLocking=1")
ensure_src_lists() {
  [ -f "$aptdir/.updated" ] && return 0
  mkdir -p "$aptdir/lists/partial" "$aptdir/archives/partial"
  . /etc/os-release
  : > "$aptdir/sources.list"
  # One-line format: deb [opts] URI SUITE COMPONENTS  ->  deb-src ...
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v cn="$VERSION_CODENAME" '$1=="deb" && $0 ~ cn { $1="deb-src"; print }' "$f" >> "$aptdir/sources.list"
  done
  # deb822 format: a stanza per paragraph.
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v cn="$VERSION_CODENAME" 'BEGIN { RS = ""; ORS = "\n" }
      /Types:[ \t]*deb/ && $0 ~ ("Suites:[^\n]*" cn) && $0 !~ /Enabled:[ \t]*no/ {
        n = split($0, lines, "\n"); uris = ""; suites = ""; comps = ""; signed = "";
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^URIs:/) { uris = lines[i]; sub(/^URIs:[ \t]*/, "", uris) }
          if (lines[i] ~ /^Suites:/) { suites = lines[i]; sub(/^Suites:[ \t]*/, "", suites) }
          if (lines[i] ~ /^Components:/) { comps = lines[i]; sub(/^Components:[ \t]*/, "", comps) }
          if (lines[i] ~ /^Signed-By:/) { signed = lines[i]; sub(/^Signed-By:[ \t]*/, "", signed) }
        }
        split(uris, u, " "); split(suites, s, " ");
        for (a in u) for (b in s)
          printf "deb-src %s %s %s %s\n", (signed != "" ? "[signed-by=" signed "]" : ""), u[a], s[b], comps
      }' "$f" >> "$aptdir/sources.list"
  done
  [ -s "$aptdir/sources.list" ] || { echo "bootstrap: no Debian source entry found in /etc/apt to derive deb-src from" >&2; exit 1; }
  apt-get "${apt_opts[@]}" update -q >/dev/null
  touch "$aptdir/.updated"
}

# Downloads the Debian source package $1 into the current directory: the newest version the
# machine's sources list, else the one of the release itself (an update suite's mirror may
# carry the binary packages without their sources).
fetch_source() {
  . /etc/os-release
  rm -f ./*.dsc ./*.tar.* 2>/dev/null || true
  apt-get "${apt_opts[@]}" source --download-only "$1" >/dev/null 2>&1 && return 0
  echo "bootstrap: newest source of $1 not downloadable; using the one of $VERSION_CODENAME" >&2
  rm -f ./*.dsc ./*.tar.* 2>/dev/null || true
  apt-get "${apt_opts[@]}" update -q >/dev/null 2>&1 || true
  apt-get "${apt_opts[@]}" source --download-only "$1/$VERSION_CODENAME" >/dev/null 2>&1
}

# 3. Minimal static OpenSSL from Debian's own openssl source: only what a TLS client and the
#    claim key check use (no engines, legacy ciphers, DTLS, SRP, CMS, ...), built -Os with one
#    section per function so the linker drops what is unused. Debian's libcrypto.a links every
#    algorithm of the default provider and alone would put the binary over its 6 MiB budget.
#    no-threads: the binary never creates a thread, so OpenSSL needs no locking.
flags_opt="-Os -ffunction-sections -fdata-sections -fPIC"
ssl_prefix=$deps/openssl
if [ ! -f "$ssl_prefix/lib/libcrypto.a" ]; then
  ensure_src_lists
  work=$deps/openssl-src
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && fetch_source openssl && dpkg-source --no-check -x ./*.dsc src >/dev/null)
  # shellcheck disable=SC2086
  (cd "$work/src" && ./Configure linux-"$(uname -m)" --prefix="$ssl_prefix" --libdir=lib \
     --openssldir=/usr/lib/ssl $flags_opt no-shared no-module no-legacy no-engine no-dso \
     no-comp no-dtls no-ssl3 no-srp no-psk no-idea no-camellia no-seed no-bf no-cast no-rc2 \
     no-rc4 no-rc5 no-md4 no-mdc2 no-whirlpool no-dsa no-sm2 no-sm3 no-sm4 no-siphash no-cms \
     no-ts no-ct no-ocsp no-gost no-aria no-scrypt no-ocb no-tests no-ui-console no-async \
     no-threads no-afalgeng no-padlockeng no-autoload-config no-srtp no-nextprotoneg no-ec2m \
     no-weak-ssl-ciphers no-rfc3779 no-cmp no-des no-filenames no-ssl-trace \
     >"$work/configure.log" 2>&1 \
     && make -j"$(nproc)" build_libs >"$work/make.log" 2>&1 && make install_dev >/dev/null 2>&1) \
    || { echo "bootstrap: static OpenSSL build failed; see $work/*.log" >&2; exit 1; }
  rm -rf "$work/src"
  echo "bootstrap: static OpenSSL in $ssl_prefix"
fi

# 4. Minimal static libcurl from Debian's own curl source (Debian's libcurl.a needs krb5/ldap
#    archives that do not exist), against the OpenSSL above: HTTP(S), proxies, WebSockets,
#    c-ares, no threaded resolver.
curl_prefix=$deps/libcurl
if [ ! -f "$curl_prefix/lib/libcurl.a" ]; then
  ensure_src_lists
  work=$deps/curl-src
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && fetch_source curl && dpkg-source --no-check -x ./*.dsc src >/dev/null)
  (cd "$work/src" && CFLAGS="$flags_opt" PKG_CONFIG_PATH="$ssl_prefix/lib/pkgconfig" \
     ./configure --prefix="$curl_prefix" --disable-shared --enable-static --with-pic \
     --with-openssl="$ssl_prefix" --enable-ares --enable-websockets --disable-threaded-resolver \
     --without-libpsl --without-libidn2 --without-brotli --without-zstd --without-nghttp2 \
     --without-libssh2 --without-librtmp --without-gssapi --disable-ldap --disable-ldaps \
     --disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
     --disable-smtp --disable-gopher --disable-mqtt --disable-smb --disable-file --disable-ftp \
     --disable-manual --disable-ntlm --disable-ntlm-wb --disable-docs --disable-tls-srp \
     --without-ca-bundle --without-ca-path >"$work/configure.log" 2>&1 \
     && make -j"$(nproc)" -C lib >"$work/make.log" 2>&1 \
     && make -C lib install >/dev/null && make -C include install >/dev/null) \
    || { echo "bootstrap: static libcurl build failed; see $work/*.log" >&2; exit 1; }
  rm -rf "$work/src"
  echo "bootstrap: static libcurl in $curl_prefix"
fi

# 5. Debian's netdata-core agent, unpacked (not installed as a service) for the agent tests,
#    and the shared libraries it needs to run.
agent=$deps/netdata
if [ ! -x "$agent/usr/sbin/netdata" ]; then
  ensure_src_lists
  libs=$(apt-cache depends --no-recommends --no-suggests netdata-core 2>/dev/null \
           | awk '/Depends:/ && $2 ~ /^lib/ { print $2 }' | sort -u)
  [ -n "$libs" ] && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $libs >/dev/null
  rm -rf "$agent" "$deps/netdata-deb" && mkdir -p "$deps/netdata-deb"
  (cd "$deps/netdata-deb" && apt-get download netdata-core >/dev/null 2>&1) \
    || { echo "bootstrap: could not download netdata-core" >&2; exit 1; }
  dpkg-deb -x "$deps"/netdata-deb/netdata-core_*.deb "$agent"
  echo "bootstrap: netdata-core unpacked in $agent"
fi
echo "bootstrap: ok"
