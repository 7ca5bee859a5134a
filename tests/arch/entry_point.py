#!/usr/bin/env python3
"""The ELF entry point of another architecture's static binary (cmd/main.cpp), under qemu-user.

Its entry point blocks SIGHUP, SIGINT and SIGTERM before glibc's start-up, keeping the mask it
found for the programs it starts. Checked through what the shipped binary already says and does,
no test flag:
  1. its trace log (`--log-level trace`) says the stop signals were held since the ELF entry
     point, not since .preinit_array (the fall-back, on an arch without an entry of its own);
  2. started with SIGUSR1 blocked, `run` hands the program exactly that mask (SigBlk in the
     program's /proc status): the mask the entry point saved, the stop signals not left blocked.

usage: entry_point.py --arch aarch64|armv7l --binary BIN
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

QEMU = {"aarch64": "qemu-aarch64-static", "armv7l": "qemu-arm-static"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True, choices=sorted(QEMU))
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    qemu = shutil.which(QEMU[args.arch])
    if not qemu:
        print(f"entry_point: {QEMU[args.arch]} not installed (scripts/bootstrap.sh installs "
              "qemu-user-static)", file=sys.stderr)
        return 1
    if not os.access(args.binary, os.X_OK):
        print(f"entry_point: {args.binary} missing: run `make dist`", file=sys.stderr)
        return 1
    failed = False
    with tempfile.TemporaryDirectory() as d:
        dirs = {}
        for name in ("lib", "etc", "cache"):
            dirs[name] = os.path.join(d, name)
            os.mkdir(dirs[name])
        common = ["--offline", "--only", "claim.token", "--var-lib", dirs["lib"],
                  "--config-dir", dirs["etc"], "--cache-dir", dirs["cache"]]
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        # 1. The trace line.
        r = subprocess.run([qemu, args.binary, "check", *common, "--log-level", "trace"],
                           capture_output=True, text=True, env=env, timeout=120)
        if "stop signals held since the ELF entry point" not in r.stderr:
            print(f"FAIL {args.arch}: the entry point did not run (exit {r.returncode}):\n"
                  f"{r.stderr}", file=sys.stderr)
            failed = True
        else:
            print(f"ok {args.arch}: stop signals held since the ELF entry point")
        # 2. The mask handed on: SIGUSR1 blocked by the parent, nothing else (grep, not a
        #    shell: dash clears its mask at start).
        r = subprocess.run([qemu, args.binary, "run", *common, "--fail-on", "never", "--",
                            "/bin/grep", "SigBlk", "/proc/self/status"],
                           capture_output=True, text=True, env=env, timeout=120,
                           preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK,
                                                                     [signal.SIGUSR1]))
        want = f"{1 << (signal.SIGUSR1 - 1):016x}"
        got = r.stdout.split()[-1] if r.stdout.split() else ""
        if r.returncode != 0 or got != want:
            print(f"FAIL {args.arch}: the program's SigBlk is {got or 'missing'}, want {want} "
                  f"(exit {r.returncode}):\n{r.stdout}{r.stderr}", file=sys.stderr)
            failed = True
        else:
            print(f"ok {args.arch}: the program got the inherited mask ({want})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
