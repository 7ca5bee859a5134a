#!/usr/bin/env python3
"""container.seccomp in a real kernel of another architecture (qemu-system, TCG: no KVM needed).

qemu-user cannot test seccomp: no filter reaches the kernel as the program made it, and qemu
answers clone3 with ENOSYS itself. So this boots Debian's kernel of the architecture with an
initramfs holding busybox, the static binary, the static seccomp launcher (built for that
architecture: its profile rules are the arch's), the arch's libc.so.6 (the "image's" C library)
and Docker's real profiles; /init runs `check --offline` under every profile, one boot in all.
The verdicts must match those on x86_64 (tests/blackbox/seccomp_profiles_test.cpp), with the
arch's own syscall numbers.

usage: vm_seccomp.py --arch aarch64|armv7l --binary BIN --launcher BIN --profiles DIR
                     --cache DIR --cross-script scripts/cross.sh
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ARCHES = {
    # name: debarch, triplet, kernel flavour, qemu-system and its machine, console, statx nr
    "aarch64": dict(debarch="arm64", triplet="aarch64-linux-gnu", flavour="arm64",
                    qemu=["qemu-system-aarch64", "-M", "virt", "-cpu", "max"], statx=291),
    "armv7l": dict(debarch="armhf", triplet="arm-linux-gnueabihf", flavour="armmp-lpae",
                   qemu=["qemu-system-arm", "-M", "virt,highmem=off", "-cpu", "cortex-a15"],
                   statx=397),
}
X86_64_STATX = 332

# What every profile answers (old runc: EPERM for unknown syscalls), as on x86_64.
EXPECTED = {
    "docker-v19.03.15.json": ("blocked", "blocked", "fail"),
    "docker-v20.10.0.json": ("blocked", "allowed", "fail"),
    "docker-v20.10.9.json": ("blocked", "allowed", "fail"),
    "docker-v20.10.10.json": ("not-available", "allowed", "pass"),
    "docker-v24.0.0.json": ("not-available", "allowed", "pass"),
    "docker-v29-current.json": ("not-available", "allowed", "pass"),
}

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
echo "@@ARCH $(uname -m) $(uname -r)"
run() {
  name=$1; shift
  d=$(mktemp -d /tmp/run.XXXXXX)
  mkdir -p $d/var/lib/netdata $d/etc/netdata $d/var/cache/netdata
  "$@" /bin/netdata-preflight check --offline --format json --var-lib $d/var/lib/netdata \
    --config-dir $d/etc/netdata --cache-dir $d/var/cache/netdata --agent $d/no-agent \
    >$d/out 2>$d/err
  rc=$?
  echo "@@BEGIN $name"
  cat $d/out
  echo
  echo "@@STDERR"
  head -c 2000 $d/err
  echo
  echo "@@END $name $rc"
}
run unconfined
for p in /profiles/*.json; do
  run "$(basename $p)" /bin/seccomp_launcher $p --
done
run kill /bin/seccomp_launcher /profiles/docker-v20.10.9.json --default-action SCMP_ACT_KILL_PROCESS --
echo "@@DONE"
poweroff -f
"""


def newc(entries):
    """A newc cpio archive of (path, mode, data-or-None-for-dir)."""
    out = bytearray()
    ino = 1
    for path, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        data = data or b""
        name = path.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name), 0))
        ino += 1
        out += hdr.encode() + name
        out += b"\0" * ((4 - len(out) % 4) % 4)
        out += data
        out += b"\0" * ((4 - len(out) % 4) % 4)
    return bytes(out)


def fetch_assets(a, cache, cross):
    """Debian's kernel and busybox-static of the architecture, downloaded once into cache."""
    kernel = os.path.join(cache, "vmlinuz")
    busybox = os.path.join(cache, "busybox")
    if os.path.exists(kernel) and os.path.exists(busybox):
        return kernel, busybox
    debs = os.path.join(cache, "debs")
    shutil.rmtree(debs, ignore_errors=True)
    meta = "linux-image-" + a["flavour"]
    subprocess.run(["bash", cross, "download", a["debarch"], debs, meta, "busybox-static"],
                   check=True)
    meta_deb = [f for f in os.listdir(debs) if f.startswith(meta + "_")][0]
    depends = subprocess.run(["dpkg-deb", "-f", os.path.join(debs, meta_deb), "Depends"],
                             check=True, capture_output=True, text=True).stdout
    image = [d.strip().split(" ")[0] for d in depends.split(",")
             if d.strip().startswith("linux-image-")][0]
    subprocess.run(["bash", cross, "download", a["debarch"], debs, image], check=True)
    unpacked = os.path.join(cache, "root")
    shutil.rmtree(unpacked, ignore_errors=True)
    for f in os.listdir(debs):
        if f.startswith(image + "_") or f.startswith("busybox-static_"):
            subprocess.run(["dpkg-deb", "-x", os.path.join(debs, f), unpacked], check=True)
    boot = os.path.join(unpacked, "boot")
    vmlinuz = [f for f in os.listdir(boot) if f.startswith("vmlinuz-")][0]
    shutil.copy(os.path.join(boot, vmlinuz), kernel + ".tmp")
    shutil.copy(os.path.join(unpacked, "bin", "busybox"), busybox)
    os.rename(kernel + ".tmp", kernel)
    shutil.rmtree(unpacked)
    shutil.rmtree(debs)
    return kernel, busybox


def read(path):
    with open(path, "rb") as f:
        return f.read()


def boot(a, kernel, initrd, log):
    cmd = a["qemu"] + ["-m", "512", "-nographic", "-no-reboot", "-nic", "none",
                       "-kernel", kernel, "-initrd", initrd,
                       "-append", "console=ttyAMA0 panic=-1 quiet loglevel=1 rdinit=/init"]
    start = time.monotonic()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    elapsed = time.monotonic() - start
    out = r.stdout.decode(errors="replace").replace("\r", "")
    with open(log, "w") as f:
        f.write(out + r.stderr.decode(errors="replace"))
    return out, elapsed


def parse(out):
    runs, cur, body = {}, None, []
    for line in out.split("\n"):
        if line.startswith("@@BEGIN "):
            cur, body = line.split(" ", 1)[1], []
        elif line.startswith("@@END ") and cur is not None:
            text = "\n".join(body)
            json_text, _, err = text.partition("\n@@STDERR\n")
            rc = int(line.rsplit(" ", 1)[1])
            try:
                doc = json.loads(json_text)
            except ValueError:
                doc = None
            runs[cur] = (rc, doc, err)
            cur = None
        elif cur is not None:
            body.append(line)
    return runs


def seccomp_of(doc):
    for c in doc["checks"]:
        if c["id"] == "container.seccomp":
            return c
    return None


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--arch", "--binary", "--launcher", "--profiles", "--cache", "--cross-script"):
        ap.add_argument(opt, required=True)
    args = ap.parse_args()
    a = ARCHES[args.arch]
    for f in (args.binary, args.launcher):
        if not os.path.exists(f):
            sys.exit("vm_seccomp: %s missing: run `make dist` (make test builds it)" % f)
    if shutil.which(a["qemu"][0]) is None:
        sys.exit("vm_seccomp: %s not installed (scripts/bootstrap.sh installs qemu-system-arm)"
                 % a["qemu"][0])
    os.makedirs(args.cache, exist_ok=True)
    kernel, busybox = fetch_assets(a, args.cache, args.cross_script)

    libc = "/usr/%s/lib/libc.so.6" % a["triplet"]
    profiles = sorted(f for f in os.listdir(args.profiles) if f.endswith(".json"))
    entries = [("bin", 0o40755, None), ("proc", 0o40755, None), ("sys", 0o40755, None),
               ("tmp", 0o41777, None), ("dev", 0o40755, None), ("lib", 0o40755, None),
               ("lib/" + a["triplet"], 0o40755, None), ("profiles", 0o40755, None),
               ("init", 0o100755, INIT.encode()),
               ("bin/busybox", 0o100755, read(busybox)),
               ("bin/netdata-preflight", 0o100755, read(args.binary)),
               ("bin/seccomp_launcher", 0o100755, read(args.launcher)),
               ("lib/%s/libc.so.6" % a["triplet"], 0o100644, read(libc))]
    entries += [("profiles/" + p, 0o100644, read(os.path.join(args.profiles, p)))
                for p in profiles]
    failures = []

    def expect(cond, what):
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        initrd = os.path.join(tmp, "initrd.cpio")
        with open(initrd, "wb") as f:
            f.write(newc(entries))
        log = os.path.join(args.cache, "last-boot.log")
        out, elapsed = boot(a, kernel, initrd, log)
    print("vm_seccomp: %s booted and ran %d checks (every profile, none, a kill profile) in %.1f s (console: %s)"
          % (args.arch, len(profiles) + 2, elapsed, log))
    if "@@DONE" not in out:
        sys.exit("vm_seccomp: the VM did not finish its runs; console:\n" + out[-3000:])
    arch_line = [l for l in out.split("\n") if l.startswith("@@ARCH ")]
    expect(arch_line and arch_line[0].split()[1] == args.arch, "uname -m: %s" % arch_line)
    runs = parse(out)

    def judged(name):
        rc, doc, err = runs.get(name, (None, None, ""))
        if doc is None:
            failures.append("%s: no JSON report (exit %s): %s" % (name, rc, err[:500]))
            return None, None
        expect(rc in (0, 1), "%s: exit %s (killed?): %s" % (name, rc, err[:300]))
        for c in doc["checks"]:
            if c["id"].startswith("container."):
                expect(c["status"] != "error", "%s: %s is error: %s" % (name, c["id"], c))
        s = seccomp_of(doc)
        expect(s is not None, "%s: no container.seccomp" % name)
        return doc, s

    doc, s = judged("unconfined")
    if s:
        expect(s["status"] == "pass" and s["details"]["mode"] == "disabled",
               "unconfined: %s" % s)
        ncheck = len(doc["checks"])
    for p in profiles:
        if p not in EXPECTED:
            failures.append("%s: no expected verdict in vm_seccomp.py" % p)
            continue
        clone3, faccessat2, status = EXPECTED[p]
        doc, s = judged(p)
        if not s:
            continue
        d = s["details"]
        sc = d.get("syscalls", {})
        expect(len(doc["checks"]) == ncheck, "%s: %d checks, %d unconfined"
               % (p, len(doc["checks"]), ncheck))
        expect(s["status"] == status, "%s: status %s, want %s: %s"
               % (p, s["status"], status, s["message"]))
        expect(d.get("mode") == "filter", "%s: mode %s" % (p, d.get("mode")))
        expect(d.get("arch") == args.arch, "%s: arch %s" % (p, d.get("arch")))
        expect(d.get("libc", "").startswith("glibc 2."), "%s: libc %s" % (p, d.get("libc")))
        expect("emulator" not in d, "%s: emulator reported in a real VM" % p)
        expect(sc.get("clone3", {}).get("verdict") == clone3,
               "%s: clone3 %s, want %s" % (p, sc.get("clone3"), clone3))
        expect(sc.get("faccessat2", {}).get("verdict") == faccessat2,
               "%s: faccessat2 %s, want %s" % (p, sc.get("faccessat2"), faccessat2))
        expect(sc.get("statx", {}).get("nr") == a["statx"] != X86_64_STATX,
               "%s: statx nr %s, want %s (this arch's own number)"
               % (p, sc.get("statx", {}).get("nr"), a["statx"]))
        if status == "fail":
            expect("cannot start threads" in json.dumps(s), "%s: no thread failure" % p)
            expect("20.10.10" in s["remediation"], "%s: remediation %s" % (p, s["remediation"]))
            expect(doc["verdict"]["status"] == "fail", "%s: verdict %s" % (p, doc["verdict"]))
        print("  %-24s clone3 %-13s faccessat2 %-8s -> %s" % (
            p, sc.get("clone3", {}).get("verdict"), sc.get("faccessat2", {}).get("verdict"),
            s["status"]))
    doc, s = judged("kill")
    if s:
        sc = s["details"]["syscalls"]
        expect(s["status"] == "fail", "kill: status %s" % s["status"])
        expect(sc["clone3"]["verdict"] == "killed" and sc["clone3"].get("signal") == 31,
               "kill: clone3 %s" % sc["clone3"])
        expect(sc["faccessat2"]["verdict"] == "allowed", "kill: faccessat2 %s" % sc["faccessat2"])
        expect(s["details"]["probe_children"] >= 3, "kill: %s children"
               % s["details"]["probe_children"])
    if failures:
        print("vm_seccomp: %s FAILED:\n  %s" % (args.arch, "\n  ".join(failures)))
        return 1
    print("vm_seccomp: %s: every profile's verdict as on x86_64" % args.arch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
