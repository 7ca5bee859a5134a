#!/usr/bin/env python3
"""Writes cmd/start.order: the functions a start runs, for the linker to place together.

The binary is 5.5 MB of static code; a start of `run --supervise` runs about 1,300 of its
functions, scattered over it, and every 64 kB window of text it touches costs a page fault (10-37
us on a VM: more than the instructions). ld.lld's --symbol-ordering-file puts the listed
functions first and together (cmd/CMakeLists.txt), so a start faults in a few windows instead of
dozens. First come the functions of the lean supervisor's loop (the re-exec'd PID 1 that stays
for the container's life, once it has given its start-up pages back: container/process/
resident.h): its resident memory is the 64 kB windows that loop touches, about twenty when its
few dozen functions lie among the start's.

The functions are the ones tests/tools/step_trace sees run, natively and single-stepped (the
CPU's own variants of the string functions, glibc's ifunc resolvers, the seccomp probe's child),
in three starts: under Docker's seccomp profile on a fresh volume, again with claiming configured
and runs.json written, and one that stays as the lean supervisor for its first ticks. A stale
list costs a few page faults, never behaviour.

  python3 scripts/start_order.py [--build build/release] [--out cmd/start.order]
Needs a release build with its test tools (make test builds them). Takes about four minutes.
"""
import argparse
import bisect
import os
import shutil
import subprocess
import sys
import tempfile


def functions(binary):
    """(start, end, name) of every function symbol, sorted by start."""
    out = subprocess.run(["nm", "-n", "-S", "--defined-only", binary], capture_output=True,
                         text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwWi":
            start = int(parts[0], 16)
            syms.append((start, start + int(parts[1], 16), parts[3]))
    return syms


def trace(tool, binary, argv, env, options=()):
    """{(exec number, phase): [addresses]} of one traced run."""
    out = subprocess.run([tool, binary] + list(options) + ["--"] + argv, env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"start_order.py: step_trace {' '.join(argv)} failed ({out.returncode}): "
                 f"{out.stderr.strip()[-300:]}")
    execs = {}
    for line in out.stdout.splitlines():
        n, phase, pc = line.split()
        execs.setdefault((int(n), int(phase)), []).append(int(pc, 16))
    return execs


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(top, "build", "release"))
    ap.add_argument("--out", default=os.path.join(top, "cmd", "start.order"))
    args = ap.parse_args()
    binary = os.path.join(args.build, "netdata-preflight")
    tool = os.path.join(args.build, "tests", "step_trace")
    launcher = os.path.join(args.build, "tests", "seccomp_launcher")
    for path in (binary, tool, launcher):
        if not os.access(path, os.X_OK):
            sys.exit(f"start_order.py: no {path}: build the release tree's tools first "
                     "(make -C build/release netdata-preflight step_trace seccomp_launcher)")

    syms = functions(binary)
    starts = [s[0] for s in syms]
    madvise = next((s[0] for s in syms if s[2] == "__madvise"), None)
    if madvise is None:
        sys.exit("start_order.py: no __madvise in the binary (the lean supervisor's drop)")

    def names(addresses):
        seen = []
        for pc in addresses:
            i = bisect.bisect_right(starts, pc) - 1
            if i >= 0 and syms[i][0] <= pc < max(syms[i][1], syms[i][0] + 1):
                seen.append(syms[i][2])
        return seen

    work = tempfile.mkdtemp(prefix="start-order.")
    try:
        for d in ("lib", "etc", "cache"):
            os.makedirs(os.path.join(work, d))
        env = dict(os.environ, PREFLIGHT_VAR_LIB=os.path.join(work, "lib"),
                   PREFLIGHT_CONFIG_DIR=os.path.join(work, "etc"),
                   PREFLIGHT_CACHE_DIR=os.path.join(work, "cache"))
        claim = dict(env, NETDATA_CLAIM_TOKEN="a" * 135, NETDATA_CLAIM_ROOMS="room",
                     NETDATA_CLAIM_URL="https://app.netdata.cloud")
        run = [binary, "run", "--offline", "--fail-on", "never", "--supervise", "--"]
        profile = os.path.join(top, "tests", "testdata", "seccomp", "docker-v29-current.json")
        filtered = trace(tool, binary, [launcher, profile, "--runc", "modern", "--"] + run +
                         ["/bin/true"], env)
        restart = trace(tool, binary, run + ["/bin/true"], claim)
        # Exec 2 is the lean supervisor; phase 1 on, after its first madvise: its loop. Its first
        # ticks (1 s each) are stepped for 40 s, then it is stopped.
        stays = trace(tool, binary, run + ["/bin/sleep", "600"], env,
                      ["--phase-at", f"{madvise:x}", "--stop", "2:40"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    loop = [pc for (n, phase), pcs in stays.items() if n == 2 and phase >= 1 for pc in pcs]
    if not loop:
        sys.exit("start_order.py: the lean supervisor's loop was not reached")
    starts_seen = [pc for (n, _), pcs in list(filtered.items()) + list(restart.items()) +
                   list(stays.items()) if n == 1 for pc in pcs]

    order, listed = [], set()
    for name in names(loop) + names(starts_seen):
        if name not in listed:
            listed.add(name)
            order.append(name)
    if len(order) < 500:
        sys.exit(f"start_order.py: only {len(order)} functions seen: did the starts run?")
    with open(args.out, "w") as f:
        f.write("# The functions netdata-preflight runs, placed first and together by ld.lld\n"
                "# (cmd/CMakeLists.txt): the lean supervisor's loop, then a start's. Written by\n"
                "# scripts/start_order.py; a stale entry costs a page fault, never behaviour.\n")
        f.write("\n".join(order) + "\n")
    print(f"start_order.py: {len(order)} functions ({len(set(names(loop)))} of the lean loop) "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
