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
  libssl-dev libseccomp-dev libc-ares-dev zlib1g-dev libevent-dev lld
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev googletest
  util-linux procps openssl python3 python3-prometheus-client
)
case "${BOOTSTRAP_PACKAGES:-all}" in
  build) ;;
  all)
    packages+=(
      clang libclang-rt-14-dev clang-format
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

# 2.-4. Static OpenSSL and libcurl from Debian's sources (scripts/static_deps.sh; scripts/cross.sh
#    builds the same for other architectures).
. "$top/scripts/static_deps.sh"
static_deps_init "$deps"
build_static_openssl "$deps/openssl" "linux-$(uname -m)"
build_static_curl "$deps/libcurl" "$deps/openssl"

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
# 6. Other architectures (make dist, tests/arch): Debian's cross toolchains, qemu-user for the
#    unit tests and qemu-system for the seccomp boots; scripts/cross.sh builds the rest.
#    Not for BOOTSTRAP_PACKAGES=build (the Dockerfile's build stage builds one binary).
cross_packages=(crossbuild-essential-arm64 crossbuild-essential-armhf qemu-user-static qemu-system-arm)
[ "${BOOTSTRAP_PACKAGES:-all}" = build ] && cross_packages=()
missing=()
for p in "${cross_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "bootstrap: ok"
