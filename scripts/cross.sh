#!/usr/bin/env bash
# The fully static netdata-preflight for one architecture, built on any Debian bookworm machine as
# root (CI, a developer's machine, or a Dockerfile build stage on $BUILDPLATFORM): no emulated
# compile, Debian's cross toolchains against a sysroot of the target's -dev packages.
#
#   scripts/cross.sh ARCH OUTDIR              strips the binary into OUTDIR/netdata-preflight-NAME
#   scripts/cross.sh download ARCH DIR PKG... the target's .deb of each PKG into DIR (tests/arch)
#
# ARCH: x86_64|amd64, aarch64|arm64, armv7l|armv7|armhf|arm|arm/v7, i386|386|i686 (Docker's
# $TARGETARCH$TARGETVARIANT spellings included); NAME is uname -m's: x86_64, aarch64, armv7l, i386.
# Environment: DEPS (cache: build/deps), CROSS_BUILD (cmake tree: build/cross/NAME),
# CROSS_TARGETS (more cmake targets to build, e.g. the test binaries tests/arch runs), JOBS.
# Cached per architecture in DEPS/cross/DEBARCH: the sysroot, OpenSSL and libcurl.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps=${DEPS:-$top/build/deps}
jobs=${JOBS:-$(nproc)}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
die() { echo "cross: $*" >&2; exit 1; }

# Sets name, debarch, triplet, multiarch (Debian's library directory name), ossl (OpenSSL's
# Configure target) and qemu for an ARCH spelling.
resolve_arch() {
  case "$1" in
    x86_64 | amd64 | linux/amd64)
      name=x86_64 debarch=amd64 triplet=x86_64-linux-gnu ossl=linux-x86_64 qemu=x86_64 ;;
    aarch64 | arm64 | arm64v8 | linux/arm64)
      name=aarch64 debarch=arm64 triplet=aarch64-linux-gnu ossl=linux-aarch64 qemu=aarch64 ;;
    armv7l | armv7 | armhf | arm | armv7hf | arm/v7 | linux/arm/v7)
      name=armv7l debarch=armhf triplet=arm-linux-gnueabihf ossl=linux-armv4 qemu=arm ;;
    i386 | i686 | 386 | x86 | linux/386)
      name=i386 debarch=i386 triplet=i686-linux-gnu ossl=linux-x86 qemu=i386 ;;  # untested
    *) die "unknown architecture '$1' (use x86_64, aarch64, armv7l or i386)" ;;
  esac
  multiarch=$triplet
  if [ "$debarch" = i386 ]; then multiarch=i386-linux-gnu; fi
}

ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "cross: installing ${missing[*]}"
  ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 || as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=600 -y -q \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# A private apt state for the target architecture over the machine's own sources: it lists and
# downloads DEBARCH packages without `dpkg --add-architecture` (nothing on the machine changes).
target_apt() {
  local xapt=$deps/cross/apt-$debarch
  xapt_opts=(-o "Dir::State::Lists=$xapt/lists" -o "Dir::Cache=$xapt/cache"
             -o "Dir::State::status=$xapt/status" -o "APT::Architecture=$debarch"
             -o "APT::Architectures::=$debarch" -o "Debug::NoLocking=1")
  [ -f "$xapt/.updated" ] && return 0
  mkdir -p "$xapt/lists/partial" "$xapt/cache/archives/partial"
  : > "$xapt/status"
  apt-get "${xapt_opts[@]}" update -q >/dev/null || die "apt-get update for $debarch failed"
  touch "$xapt/.updated"
}

# download DIR PKG...: the target's .deb of each package (the newest the sources list).
download() {
  local dir=$1; shift
  target_apt
  mkdir -p "$dir"
  (cd "$dir" && apt-get "${xapt_opts[@]}" download "$@" >/dev/null 2>"$dir/download.log") \
    || die "could not download $* for $debarch (see $dir/download.log)"
}

if [ "${1:-}" = "download" ]; then
  [ $# -ge 4 ] || die "usage: cross.sh download ARCH DIR PKG..."
  resolve_arch "$2"
  dir=$3
  shift 3
  download "$dir" "$@"
  exit 0
fi

[ $# -eq 2 ] || die "usage: cross.sh ARCH OUTDIR  (or: cross.sh download ARCH DIR PKG...)"
resolve_arch "$1"
out=$2
mkdir -p "$out"
out=$(cd "$out" && pwd)
host_debarch=$(dpkg --print-architecture)
build=${CROSS_BUILD:-$top/build/cross/$name}
targets=(netdata-preflight ${CROSS_TARGETS:-})
testing=OFF
[ ${#targets[@]} -gt 1 ] && testing=ON

base=(build-essential cmake ccache file dpkg-dev perl)
. "$top/scripts/static_deps.sh"
static_deps_init "$deps"
cmake_args=(-DCMAKE_BUILD_TYPE=MinSizeRel -DBUILD_TESTING="$testing"
            -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST)

if [ "$debarch" = "$host_debarch" ]; then
  # Native: the host's -dev packages, the same OpenSSL/libcurl cache as scripts/bootstrap.sh.
  pkgs=("${base[@]}" libseccomp-dev libc-ares-dev zlib1g-dev libevent-dev libcli11-dev
        libspdlog-dev libfmt-dev nlohmann-json3-dev)
  [ "$testing" = ON ] && pkgs+=(libgtest-dev libgmock-dev googletest)
  ensure_packages "${pkgs[@]}"
  xdeps=$deps
  build_static_openssl "$deps/openssl" "linux-$(uname -m)"
  build_static_curl "$deps/libcurl" "$deps/openssl"
  strip_tool=strip
else
  ensure_packages "${base[@]}" "crossbuild-essential-$debarch"
  xdeps=$deps/cross/$debarch
  sysroot=$xdeps/sysroot
  # The target's libraries (static archives) and headers, unpacked, never installed: libevent-dev
  # of two architectures cannot be installed side by side. Header-only libraries come along so
  # that no header of the host's /usr/include is ever seen.
  sysroot_pkgs=(libseccomp-dev libc-ares-dev zlib1g-dev libevent-dev libcli11-dev libspdlog-dev
                libfmt-dev nlohmann-json3-dev libgtest-dev libgmock-dev)
  if [ ! -f "$sysroot/.complete" ] || [ "$(cat "$sysroot/.complete")" != "${sysroot_pkgs[*]}" ]; then
    rm -rf "$sysroot" "$xdeps/debs"
    download "$xdeps/debs" "${sysroot_pkgs[@]}"
    for deb in "$xdeps"/debs/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
    # Only archives link into a static binary: the .so links point at packages not unpacked.
    find "$sysroot" -name '*.so' -delete
    echo "${sysroot_pkgs[*]}" > "$sysroot/.complete"
    echo "cross: sysroot for $debarch in $sysroot"
  fi
  DEPS_JOBS=$jobs build_static_openssl "$xdeps/openssl" "$ossl" "$triplet-"
  DEPS_JOBS=$jobs build_static_curl "$xdeps/libcurl" "$xdeps/openssl" "$triplet" "$sysroot" "$multiarch"
  # The unit tests read bootstrap.sh's unpacked netdata-core (its shell scripts) under DEPS.
  if [ -d "$deps/netdata" ]; then ln -sfn ../../netdata "$xdeps/netdata"; fi
  cmake_args+=(-DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchains/$triplet.cmake"
               -DPREFLIGHT_SYSROOT="$sysroot")
  strip_tool=$triplet-strip
fi

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$top}
# Configured every time (cheap once cached): `make dist` then `make test` turns the tests on.
mkdir -p "$build"
cmake -S "$top" -B "$build" -DPREFLIGHT_DEPS="$xdeps" "${cmake_args[@]}" >"$build/configure.log" 2>&1 \
  || { cat "$build/configure.log" >&2; die "cmake configure for $name failed"; }
cmake --build "$build" -j "$jobs" --target "${targets[@]}" >"$build/build.log" 2>&1 \
  || { tail -40 "$build/build.log" >&2; die "build for $name failed (see $build/build.log)"; }
bin=$out/netdata-preflight-$name
"$strip_tool" -o "$bin" "$build/netdata-preflight"
file -b "$bin" | grep -q "statically linked" || die "$bin is not statically linked: $(file -b "$bin")"
echo "cross: $bin ($(stat -c %s "$bin") bytes, $(file -b "$bin" | cut -d, -f1-2))"
