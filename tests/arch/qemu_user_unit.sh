#!/usr/bin/env bash
# The unit tests (container_test, checks_test, cmd_test) built for another architecture, run
# under qemu-user: the pure parts (parsers, judgements, renderers) on that arch's word size,
# alignment and syscall numbers. Tests that need what qemu-user does not emulate are excluded by
# tests/arch/qemu_user_excluded.txt, each with its reason; they run natively and in tests/arch's VMs.
#   qemu_user_unit.sh ARCH CROSS_BUILD_DIR
set -euo pipefail
arch=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
case "$arch" in
  aarch64) qemu=qemu-aarch64-static ;;
  armv7l) qemu=qemu-arm-static ;;
  i386) qemu=qemu-i386-static ;;
  *) echo "qemu_user_unit: unknown arch $arch" >&2; exit 2 ;;
esac
command -v "$qemu" >/dev/null || { echo "qemu_user_unit: $qemu not installed (scripts/bootstrap.sh installs qemu-user-static)" >&2; exit 1; }
# A line "[ARCH] Pattern reason" applies to that architecture only.
filter=$(grep -v '^#' "$here/qemu_user_excluded.txt" \
  | awk -v a="[$arch]" 'NF && $1 !~ /^\[/ { print $1 } NF && $1 == a { print $2 }' | paste -sd: -)
# The emulation test in container_test asserts that qemu is detected here.
export PREFLIGHT_EXPECT_EMULATOR=1
rc=0
for t in container_test checks_test cmd_test; do
  bin=$build/tests/$t
  [ -x "$bin" ] || { echo "qemu_user_unit: $bin missing: run \`make dist\` (make test builds it)" >&2; exit 1; }
  echo "== $t ($arch, $qemu)"
  "$qemu" "$bin" --gtest_brief=1 ${filter:+--gtest_filter="-$filter"} || rc=1
done
exit $rc
