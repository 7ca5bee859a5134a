#!/usr/bin/env python3
"""container.seccomp under qemu-user must say it cannot judge a filter, never pass one.

This is `docker run --platform linux/arm64` on an x86_64 host: the emulator makes every syscall
(its own clone3 answer is ENOSYS whatever the filter says) and the host's filter judges the
emulator's x86_64 syscalls. Run the arch's static binary under qemu-user under Docker's v24.0.0
profile applied by this machine's seccomp launcher (v24: the emulator's own threads start; it
answers ENOSYS for clone3, which a naive probe would call a pass): a warning that names the
emulation. Without a filter there is nothing to judge, emulated or not: the kernel's own
"Seccomp: 0" (qemu passes /proc/self/status through) is a pass.

usage: emulated_seccomp.py --arch aarch64|armv7l --binary BIN --launcher HOST_LAUNCHER
                           --profiles DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

QEMU = {"aarch64": "qemu-aarch64-static", "armv7l": "qemu-arm-static", "i386": "qemu-i386-static"}


def run(prefix, binary, qemu):
    with tempfile.TemporaryDirectory() as d:
        for sub in ("var/lib/netdata", "etc/netdata", "var/cache/netdata"):
            os.makedirs(os.path.join(d, sub))
        cmd = prefix + [qemu, binary, "check", "--offline", "--only", "container.seccomp",
                        "--format", "json", "--var-lib", d + "/var/lib/netdata", "--config-dir",
                        d + "/etc/netdata", "--cache-dir", d + "/var/cache/netdata", "--agent",
                        d + "/no-agent"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        sys.exit("emulated_seccomp: no JSON from %s (exit %d): %s" % (cmd, r.returncode, r.stderr))
    return [c for c in doc["checks"] if c["id"] == "container.seccomp"][0]


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--arch", "--binary", "--launcher", "--profiles"):
        ap.add_argument(opt, required=True)
    args = ap.parse_args()
    qemu = shutil.which(QEMU[args.arch])
    if qemu is None:
        sys.exit("emulated_seccomp: %s not installed (scripts/bootstrap.sh installs "
                 "qemu-user-static)" % QEMU[args.arch])
    if not os.path.exists(args.binary):
        sys.exit("emulated_seccomp: %s missing: run `make dist` (make test builds it)" % args.binary)
    profile = os.path.join(args.profiles, "docker-v24.0.0.json")
    failures = []
    s = run([], args.binary, qemu)
    print("emulated_seccomp: %s under %s, no filter: %s: %s"
          % (args.arch, os.path.basename(qemu), s["status"], s["message"]))
    if s["status"] != "pass" or "disabled" not in s["message"]:
        failures.append("no filter: status %s, want pass (seccomp disabled): %s"
                        % (s["status"], s["message"]))
    s = run([args.launcher, profile, "--"], args.binary, qemu)
    print("emulated_seccomp: %s under %s, docker-v24.0.0: %s: %s"
          % (args.arch, os.path.basename(qemu), s["status"], s["message"]))
    if s["status"] != "warn":
        failures.append("docker-v24.0.0: status %s, want warn (cannot judge)" % s["status"])
    if "emulation" not in s["message"] or "qemu" not in s["details"].get("emulator", ""):
        failures.append("docker-v24.0.0: emulation not named: %s" % s)
    if "--platform" not in s.get("remediation", ""):
        failures.append("docker-v24.0.0: remediation %s" % s.get("remediation"))
    if failures:
        print("emulated_seccomp: FAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
