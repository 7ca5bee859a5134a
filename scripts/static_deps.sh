# Sourced by scripts/bootstrap.sh (this machine's architecture) and scripts/cross.sh (others):
# minimal static OpenSSL and libcurl built from Debian's own sources, each cached in its prefix.
# shellcheck shell=bash

# static_deps_init DEPS: where the private apt configuration (deb-src) lives.
static_deps_init() {
  aptdir=$1/apt
  apt_opts=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
            -o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache::Archives=$aptdir/archives"
            -o "Debug::NoLocking=1")
}

# A private apt configuration with deb-src entries derived from the machine's own Debian sources,
# so that `apt-get source` works without touching /etc/apt and without naming any host here.
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

# Minimal static OpenSSL from Debian's own openssl source: only what a TLS client and the
# claim key check use (no engines, legacy ciphers, DTLS, SRP, CMS, ...), built -Os with one
# section per function so the linker drops what is unused. Debian's libcrypto.a links every
# algorithm of the default provider and alone would put the binary over its 6 MiB budget.
# no-threads: the binary never creates a thread, so OpenSSL needs no locking.
#   build_static_openssl PREFIX CONFIGURE_TARGET [CROSS_PREFIX]
#   (targets: linux-x86_64, linux-aarch64, linux-armv4, linux-x86; CROSS_PREFIX "aarch64-linux-gnu-")
flags_opt="-Os -ffunction-sections -fdata-sections -fPIC"
build_static_openssl() {
  local prefix=$1 target=$2 cross=${3:-}
  [ -f "$prefix/lib/libcrypto.a" ] && return 0
  ensure_src_lists
  local work=$prefix-src cross_opt=()
  [ -n "$cross" ] && cross_opt=(--cross-compile-prefix="$cross")
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && fetch_source openssl && dpkg-source --no-check -x ./*.dsc src >/dev/null)
  # shellcheck disable=SC2086
  (cd "$work/src" && ./Configure "$target" "${cross_opt[@]}" --prefix="$prefix" --libdir=lib \
     --openssldir=/usr/lib/ssl $flags_opt no-shared no-module no-legacy no-engine no-dso \
     no-comp no-dtls no-ssl3 no-srp no-psk no-idea no-camellia no-seed no-bf no-cast no-rc2 \
     no-rc4 no-rc5 no-md4 no-mdc2 no-whirlpool no-dsa no-sm2 no-sm3 no-sm4 no-siphash no-cms \
     no-ts no-ct no-ocsp no-gost no-aria no-scrypt no-ocb no-tests no-ui-console no-async \
     no-threads no-afalgeng no-padlockeng no-autoload-config no-srtp no-nextprotoneg no-ec2m \
     no-weak-ssl-ciphers no-rfc3779 no-cmp no-des no-filenames no-ssl-trace \
     >"$work/configure.log" 2>&1 \
     && make -j"${DEPS_JOBS:-$(nproc)}" build_libs >"$work/make.log" 2>&1 && make install_dev >/dev/null 2>&1) \
    || { echo "bootstrap: static OpenSSL ($target) build failed; see $work/*.log" >&2; exit 1; }
  rm -rf "$work/src"
  echo "bootstrap: static OpenSSL ($target) in $prefix"
}

# Minimal static libcurl from Debian's own curl source (Debian's libcurl.a needs krb5/ldap
# archives that do not exist), against the OpenSSL above: HTTP(S), proxies, WebSockets,
# c-ares, no threaded resolver.
#   build_static_curl PREFIX OPENSSL_PREFIX [HOST_TRIPLET SYSROOT MULTIARCH]
#   (cross: c-ares and zlib come from SYSROOT/usr/{include,lib/MULTIARCH}, never the host's)
build_static_curl() {
  local prefix=$1 ssl=$2 host=${3:-} sysroot=${4:-} multiarch=${5:-${3:-}}
  [ -f "$prefix/lib/libcurl.a" ] && return 0
  ensure_src_lists
  local work=$prefix-src cross_env=(PKG_CONFIG_PATH="$ssl/lib/pkgconfig") cross_opt=()
  if [ -n "$host" ]; then
    cross_env=(PKG_CONFIG_LIBDIR="$ssl/lib/pkgconfig" CPPFLAGS="-I$sysroot/usr/include"
               LDFLAGS="-L$sysroot/usr/lib/$multiarch")
    cross_opt=(--host="$host")
  fi
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && fetch_source curl && dpkg-source --no-check -x ./*.dsc src >/dev/null)
  (cd "$work/src" && env CFLAGS="$flags_opt" "${cross_env[@]}" \
     ./configure "${cross_opt[@]}" --prefix="$prefix" --disable-shared --enable-static --with-pic \
     --with-openssl="$ssl" --enable-ares --enable-websockets --disable-threaded-resolver \
     --without-libpsl --without-libidn2 --without-brotli --without-zstd --without-nghttp2 \
     --without-libssh2 --without-librtmp --without-gssapi --disable-ldap --disable-ldaps \
     --disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
     --disable-smtp --disable-gopher --disable-mqtt --disable-smb --disable-file --disable-ftp \
     --disable-manual --disable-ntlm --disable-ntlm-wb --disable-docs --disable-tls-srp \
     --without-ca-bundle --without-ca-path >"$work/configure.log" 2>&1 \
     && make -j"${DEPS_JOBS:-$(nproc)}" -C lib >"$work/make.log" 2>&1 \
     && make -C lib install >/dev/null && make -C include install >/dev/null) \
    || { echo "bootstrap: static libcurl (${host:-native}) build failed; see $work/*.log" >&2; exit 1; }
  rm -rf "$work/src"
  echo "bootstrap: static libcurl (${host:-native}) in $prefix"
}
