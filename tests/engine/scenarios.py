#!/usr/bin/env python3
"""The engine tier: docker/ run for real against Debian's Docker engine (see engine_lib.py).

  python3 scenarios.py setup       start dockerd, build the images (CTest fixture Engine_Setup)
  python3 scenarios.py SCENARIO    one scenario (CTest test Engine_<scenario>)
  python3 scenarios.py teardown    remove the containers, end dockerd by its pid

Exit 0 = pass, 1 = fail, 77 = skipped (the reason is printed).

Expectations follow the gate policy of issue 22 (DESIGN.md "Gate policy": refuse only what is
certain for the agent in the image). Scenarios marked `[issue 22]` (CTest label issue22) fail on a
tree without it: there `run` still refuses (78) what the policy only reports.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine_lib as L  # noqa: E402
from engine_lib import check, docker  # noqa: E402

V1, V2 = L.IMG_PREFLIGHT["v1"], L.IMG_PREFLIGHT["v2"]
LIB = "/var/lib/netdata"
ENTRY = ["--entrypoint", L.PREFLIGHT]
# A supervised program that only marks its start (the agent itself is not what these look at).
MARK_AND_SLEEP = ["sh", "-c", f'echo "{L.STARTED} (stand-in program)" >&2; exec sleep 100000']


# --------------------------------------------------------------------------------------------
# Session
# --------------------------------------------------------------------------------------------

def setup():
    os.makedirs(L.STATE_DIR, exist_ok=True)
    L.save_state({"ready": False})
    t0 = time.monotonic()
    try:
        pid = L.start_daemon()
    except SystemExit as e:
        if e.code == L.SKIP:
            L.save_state({"skip": "the Engine_Setup test skipped: see its output"})
        raise
    L.save_state({"ready": False, "pid": pid})
    version = docker("version", "--format", "docker {{.Server.Version}}, API {{.Server.APIVersion}}").out.strip()
    runc = docker("info", "--format", "{{.RuncCommit.ID}}").out.strip()
    L.log(f"dockerd pid {pid} up in {time.monotonic() - t0:.1f}s: {version}, runc {runc}")
    L.remove_leftovers()
    try:
        bases, times = L.build_images()
    except SystemExit:
        L.save_state({"ready": False, "pid": pid, "error": "building the images failed"})
        raise
    # A container must run at all (cgroups, seccomp, overlay): else the kernel is the reason.
    r = docker("run", "--rm", "--network", "none", "--entrypoint", "/usr/sbin/netdata", L.IMG_NETDATA["v1"], "-V",
               timeout=120)
    if r.code != 0 or "netdata" not in r.out + r.err:
        reason = L._kernel_reason(r.err)
        if reason:
            L.save_state({"skip": "THE DOCKER ENGINE TIER DID NOT RUN: this kernel cannot run a container: " + reason})
            L.skip("THE DOCKER ENGINE TIER DID NOT RUN: this kernel cannot run a container: " + reason)
        L.fail(f"a container of {L.IMG_NETDATA['v1']} does not run: {r}")
    times["setup"] = time.monotonic() - t0
    L.save_state({"ready": True, "pid": pid, "server": version, "runc": runc, "seconds": times, **bases})
    for k, v in times.items():
        L.log(f"  {k}: {v:.0f}s")


def teardown():
    st = L.load_state() or {}
    if st.get("pid"):
        L.remove_leftovers()
    L.stop_daemon()
    L.save_state({"skip": "the engine was torn down (run Engine_Setup first)"})


# --------------------------------------------------------------------------------------------
# docker/ as written
# --------------------------------------------------------------------------------------------

# fault: deploy | docker/Dockerfile with the classic builder, local bases by --build-arg, no network | builds; a base without the packages and no network fails in bootstrap.sh, naming apt
def dockerfile_as_written():
    names = L.Names("dockerfile")
    try:
        # Engine_Setup built both images with DOCKER_BUILDKIT=0 and --network none: look at them.
        for img in (V1, V2):
            ep = json.loads(L.inspect(img, "{{json .Config.Entrypoint}}"))
            check(ep == [L.PREFLIGHT, "run", "--supervise", "--", "/usr/sbin/run.sh"], f"{img}: the ENTRYPOINT wrapper")
            hc = json.loads(L.inspect(img, "{{json .Config.Healthcheck}}"))
            check(hc["Test"][:3] == ["CMD", L.PREFLIGHT, "probe"], f"{img}: HEALTHCHECK is netdata-preflight probe")
        r = docker("run", "--rm", "--network", "none", *ENTRY, V1, "version", timeout=60)
        check(r.code == 0 and r.out.strip(), f"the binary in the image runs: {r.out.strip()}")
        # The build context: the classic builder reads /.dockerignore (build/ would be a symlink
        # or a tree of dependencies): a context without it is what the build stage copies.
        dockerignore = open(os.path.join(L.SRC, ".dockerignore")).read().split()
        check("build/" in dockerignore and ".git" in dockerignore, "/.dockerignore keeps build/ and .git out of the context")
        check(not os.path.exists(os.path.join(L.SRC, "docker", "Dockerfile.dockerignore")),
              "no docker/Dockerfile.dockerignore (only BuildKit reads it)")
        text = open(os.path.join(L.SRC, "docker", "Dockerfile")).read()
        check(not re.search(r"^#\s*syntax=", text, re.M), "no `# syntax=` line (BuildKit would fetch a frontend)")

        # No network and a base without the build packages: bootstrap.sh stops at apt-get update.
        st = L.load_state()
        r = docker("build", "--network", "none", "--force-rm", "-f", os.path.join(L.SRC, "docker", "Dockerfile"),
                   "--build-arg", f"BUILDER_IMAGE={st['agent_rootfs']}", "--target", "build",
                   "-t", names.prefix + ":never", L.SRC, timeout=600)
        out = r.out + r.err
        check(r.code != 0, "the build fails without network and packages")
        check("bootstrap: apt-get update failed" in out, "bootstrap.sh names the failing apt-get update")
        check("Unable to locate package" not in out, "it stops there, not at a later `Unable to locate package`")

        # compose.yaml's host root: rslave fails where / is not shared; the file does not use it.
        prop = subprocess.run(["findmnt", "-no", "PROPAGATION", "/"], capture_output=True, text=True).stdout.strip()
        if prop == "private":
            r = docker("run", "--rm", "--network", "none", "-v", "/:/host/root:ro,rslave", "--entrypoint", "/usr/sbin/netdata",
                       L.IMG_NETDATA["v1"], "-V")
            check(r.code != 0 and "not a shared or slave mount" in r.err,
                  "this host's / is private: `/:/host/root:ro,rslave` is refused by Docker")
        else:
            print(f"note: / is {prop} here; the rslave refusal is not reproduced")
        compose = open(os.path.join(L.SRC, "docker", "compose.yaml")).read()
        check("/:/host/root:ro\n" in compose and "rslave" not in compose.split("/:/host/root")[1].split("\n")[0],
              "compose.yaml mounts / read-only without rslave")
    finally:
        names.close()


# fault: deploy | docker/Dockerfile with BuildKit (DOCKER_BUILDKIT=1, no `# syntax=`, so no frontend image), no network | builds the scratch binary target from local bases; the binary in it is the static one
def dockerfile_buildkit():
    names = L.Names("buildkit")
    tag = names.prefix + ":binary"
    try:
        argv = [L.DOCKER, "build", "--network", "none", "-f", os.path.join(L.SRC, "docker", "Dockerfile"),
                "--build-arg", f"BUILDER_IMAGE={L.IMG_BUILDER}", "--build-arg", "UNIT_TESTS=0",
                "--target", "binary", "-t", tag, L.SRC]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=900, env={**L.env(), "DOCKER_BUILDKIT": "1"})
        if r.returncode != 0:
            L.fail(f"BuildKit did not build the binary target: {r.stderr[-2000:]}")
        check(True, "BuildKit builds the binary target")
        check(json.loads(L.inspect(tag, "{{json .Config.Entrypoint}}")) == ["/netdata-preflight"],
              "the scratch image holds /netdata-preflight as its entrypoint")
        r = docker("run", "--rm", "--network", "none", tag, "version")
        check(r.code == 0 and "netdata-preflight" in r.out, f"it runs alone in scratch: {r.out.strip()}")
    finally:
        docker("rmi", "-f", tag, timeout=60)
        names.close()


# docker/Dockerfile's platforms: BuildKit's --platform, Debian's arch name, uname -m, the ELF
# class and machine of the binary inside, and the qemu-user that can run it here.
PLATFORMS = {
    "linux/amd64": {"arch": "amd64", "variant": "", "uname": "x86_64", "elf": (64, 62), "qemu": None},
    "linux/arm64": {"arch": "arm64", "variant": "", "uname": "aarch64", "elf": (64, 183), "qemu": "aarch64"},
    "linux/arm/v7": {"arch": "arm", "variant": "v7", "uname": "armv7l", "elf": (32, 40), "qemu": "arm"},
}


def elf_facts(path):
    """(class bits, e_machine, has PT_INTERP) of an ELF file, little-endian (all three are)."""
    import struct
    data = open(path, "rb").read()
    check(data[:4] == b"\x7fELF" and data[5] == 1, f"{path} is a little-endian ELF file")
    bits = 64 if data[4] == 2 else 32
    machine = struct.unpack_from("<H", data, 18)[0]
    if bits == 64:
        phoff, = struct.unpack_from("<Q", data, 32)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
    else:
        phoff, = struct.unpack_from("<I", data, 28)
        phentsize, phnum = struct.unpack_from("<HH", data, 42)
    interp = any(struct.unpack_from("<I", data, phoff + i * phentsize)[0] == 3 for i in range(phnum))
    return bits, machine, interp


def binfmt_handler(qemu):
    """The registered binfmt_misc handler that runs this qemu arch's binaries, if any."""
    path = f"/proc/sys/fs/binfmt_misc/qemu-{qemu}"
    try:
        return path if open(path).readline().strip() == "enabled" else None
    except OSError:
        return None


# fault: platform | Raspberry Pi and arm64 users pull the image of their platform (`docker buildx build --platform linux/amd64,linux/arm64,linux/arm/v7`) | each platform's image holds that architecture's static binary, cross-compiled in a build stage on the engine's own platform (no emulated compile)
def dockerfile_platforms():
    names = L.Names("platforms")
    builder = L.cross_builder()
    tags = []
    try:
        for platform, want in PLATFORMS.items():
            tag = f"{names.prefix}:{want['uname']}"
            tags.append(tag)
            # Debian's docker.io 20.10 has BuildKit built in (no buildx): `docker build --platform`
            # builds one platform at a time into the engine's image store.
            argv = [L.DOCKER, "build", "--platform", platform, "--progress", "plain", "--network", "none",
                    "-f", os.path.join(L.SRC, "docker", "Dockerfile"), "--build-arg", f"BUILDER_IMAGE={builder}",
                    "--build-arg", "UNIT_TESTS=0", "--target", "binary", "-t", tag, L.SRC]
            t0 = time.monotonic()
            r = subprocess.run(argv, capture_output=True, text=True, timeout=1500,
                               env={**L.env(), "DOCKER_BUILDKIT": "1"})
            if r.returncode != 0:
                L.fail(f"BuildKit --platform {platform}: {r.stderr[-3000:]}")
            check(True, f"docker build --platform {platform} --target binary ({time.monotonic() - t0:.0f}s)")
            if want["qemu"]:
                cross = f"cross: /src/build/cross-out/netdata-preflight-{want['uname']}"
                check(cross in r.stderr, f"{platform}: scripts/cross.sh built it in the build stage ({cross!r} in the log)")
                if binfmt_handler(want["qemu"]) is None:
                    check(True, f"{platform}: no binfmt_misc handler runs {want['uname']} binaries here, so no step "
                                f"of the build was emulated (a RUN in a {platform} stage could not have started)")
            osarch = L.inspect(tag, "{{.Os}}/{{.Architecture}}")
            check(osarch == f"linux/{want['arch']}", f"{tag}: the image is {osarch} (want linux/{want['arch']})")
            if want["variant"]:
                variant = L.inspect(tag, "{{.Variant}}")
                check(variant == want["variant"], f"{tag}: the image's variant is {variant!r}")
            c = names.container(want["uname"])
            docker("create", "--platform", platform, "--name", c, tag, check_ok=True, timeout=60)
            binary = os.path.join(names.tmp, f"netdata-preflight-{want['uname']}")
            docker("cp", f"{c}:/netdata-preflight", binary, check_ok=True, timeout=60)
            bits, machine, interp = elf_facts(binary)
            check((bits, machine) == want["elf"],
                  f"{platform}: /netdata-preflight is ELF{bits} e_machine {machine} (want ELF{want['elf'][0]} {want['elf'][1]})")
            check(not interp, f"{platform}: /netdata-preflight is static (no program interpreter)")
            if want["qemu"] is None or binfmt_handler(want["qemu"]):
                r = docker("run", "--rm", "--platform", platform, "--network", "none", tag, "version", timeout=120)
                check(r.code == 0 and "netdata-preflight" in r.out, f"{platform}: `docker run {tag} version`: {r.out.strip()}")
            else:
                r = L.run([f"qemu-{want['qemu']}-static", binary, "version"], timeout=120)
                check(r.code == 0 and "netdata-preflight" in r.out,
                      f"{platform}: the binary runs under qemu-{want['qemu']}-static: {r.out.strip()} "
                      "(no binfmt_misc handler registered here: `docker run` of it is not tried)")
    finally:
        if tags:
            docker("rmi", "-f", *tags, timeout=120)
        names.close()


# --------------------------------------------------------------------------------------------
# Claim settings
# --------------------------------------------------------------------------------------------

def no_token_shown(text, what):
    check(L.FAKE_TOKEN not in text, f"{what}: the token never appears")


# fault: input | NETDATA_CLAIM_TOKEN="..." passed by `docker run -e` with its quotes | exit 78 before the agent starts; claim.token fails naming the quotes; the unquoted token starts it
def quoted_token_docker_run():
    names = L.Names("quoted-run")
    try:
        c, vol = names.container(), names.volume()
        r = docker("run", "--name", c, "--network", "none", "-v", f"{vol}:{LIB}",
                   "-e", f'NETDATA_CLAIM_TOKEN="{L.FAKE_TOKEN}"', "-e", "NETDATA_CLAIM_URL=https://app.netdata.cloud",
                   V2, timeout=120)
        out = r.out + r.err
        check(r.code == 78, f"`docker run -e 'NETDATA_CLAIM_TOKEN=\"...\"'` exits 78 (got {r.code})")
        check("claim.token" in out and "quote" in out.lower(), "docker logs name claim.token and the quotes")
        check(L.starts(c) == 0, "the agent was never started")
        no_token_shown(out + L.logs(c), "docker run")
        r = docker("run", "--rm", "--network", "none", "-v", f"{vol}:{LIB}", *ENTRY,
                   "-e", f'NETDATA_CLAIM_TOKEN="{L.FAKE_TOKEN}"', V2, "check", "--offline", "--format", "json")
        ct = L.check_of(L.report(r.out), "claim.token")
        check(ct["status"] == "fail" and "quote" in json.dumps(ct).lower(), "check --format json: claim.token fails on the quotes")
        no_token_shown(r.out + r.err, "check")
        # The same token without quotes: no refusal (the stand-in agent has no Cloud to claim with).
        c2 = names.container("unquoted")
        docker("run", "-d", "--name", c2, "--network", "none", "-v", f"{vol}:{LIB}",
               "-e", f"NETDATA_CLAIM_TOKEN={L.FAKE_TOKEN}", "-e", "NETDATA_CLAIM_URL=https://app.netdata.cloud",
               V2, check_ok=True)
        check(L.wait_for("start", lambda: L.starts(c2) >= 1, 60), "the unquoted token: the agent starts")
    finally:
        names.close()


# fault: input | compose list syntax `- NETDATA_CLAIM_TOKEN="..."` | docker-compose keeps the quotes in the value; `up` exits 78 naming claim.token
def quoted_token_compose():
    names = L.Names("quoted-compose")
    try:
        project = names.prefix.replace("-", "")
        path = os.path.join(names.tmp, "compose.yaml")
        with open(path, "w") as f:
            f.write(f"""services:
  netdata:
    image: {V2}
    network_mode: none
    environment:
      - NETDATA_CLAIM_TOKEN="{L.FAKE_TOKEN}"
      - NETDATA_CLAIM_URL=https://app.netdata.cloud
    volumes:
      - netdatalib:/var/lib/netdata
volumes:
  netdatalib:
""")
        dc = ["docker-compose", "-p", project, "-f", path]
        r = L.run(dc + ["config"], timeout=60)
        check(r.code == 0, f"docker-compose config: {r.err[-500:]}")
        check(f'"{L.FAKE_TOKEN}"' in r.out, "docker-compose config: list syntax keeps the quotes as part of the value")
        r = L.run(dc + ["up", "--no-color", "--exit-code-from", "netdata"], timeout=180)
        out = r.out + r.err
        check(r.code == 78, f"docker-compose up exits 78 (got {r.code})")
        check("claim.token" in out and "quote" in out.lower(), "the logs name claim.token and the quotes")
        check(L.STARTED not in out, "the agent was never started")
        no_token_shown(out, "docker-compose up")
        L.run(dc + ["down", "-v"], timeout=120)
    finally:
        names.close()


# --------------------------------------------------------------------------------------------
# Seccomp: Docker's own profiles of each release, applied by the engine (runc 1.1.5)
# --------------------------------------------------------------------------------------------

# Under runc >= 1.0.0-rc93 a syscall newer than the newest one a profile names answers ENOSYS:
# v19.03.15 names nothing newer than statx/rseq, so clone3 and faccessat2 fall back (pass).
SECCOMP_RUNC_MODERN = {
    "docker-v19.03.15.json": ("not-available", "not-available", "pass"),
    "docker-v20.10.0.json": ("blocked", "allowed", "fail"),
    "docker-v20.10.9.json": ("blocked", "allowed", "fail"),
    "docker-v20.10.10.json": ("not-available", "allowed", "pass"),
    "docker-v24.0.0.json": ("not-available", "allowed", "pass"),
    "docker-v29-current.json": ("not-available", "allowed", "pass"),
    None: ("not-available", "allowed", "pass"),  # the engine's own default profile (20.10.24)
}


# fault: seccomp | each vendored Docker profile by --security-opt seccomp= on runc 1.1.5 | container.seccomp as runc answers: v19.03.15 ENOSYS (pass), v20.10.0/9 clone3 EPERM (fail, run refuses), >= 20.10.10 pass
def seccomp_profiles():
    names = L.Names("seccomp")
    try:
        for profile, (clone3, faccessat2, status) in SECCOMP_RUNC_MODERN.items():
            opt = ["--security-opt", "seccomp=" + os.path.join(L.TESTDATA, "seccomp", profile)] if profile else []
            r = docker("run", "--rm", "--network", "none", *opt, *ENTRY, V1,
                       "check", "--offline", "--format", "json", "--only", "container.seccomp")
            label = profile or "the engine's default profile"
            check(r.code in (0, 1), f"{label}: check finishes (exit {r.code}) {r.err[-300:]}")
            c = L.check_of(L.report(r.out), "container.seccomp")
            sc = c["details"]["syscalls"]
            print(f"  {label}: " + ", ".join(f"{k} {v['verdict']}" for k, v in sc.items()))
            check(sc["clone3"]["verdict"] == clone3 and sc["faccessat2"]["verdict"] == faccessat2 and c["status"] == status,
                  f"{label}: clone3 {clone3}, faccessat2 {faccessat2}, container.seccomp {status}")
        # The gate: v19.03.15 on this runc lets the agent run; v20.10.9 is refused before it starts.
        vol = names.volume()
        c = names.container("v19")
        docker("run", "-d", "--name", c, "--network", "none", "-v", f"{vol}:{LIB}", "--security-opt",
               "seccomp=" + os.path.join(L.TESTDATA, "seccomp", "docker-v19.03.15.json"), V1, check_ok=True)
        check(L.wait_for("start", lambda: L.starts(c) >= 1, 60), "v19.03.15's profile on runc 1.1.5: run hands off")
        docker("rm", "-f", c)
        c = names.container("v20109")
        r = docker("run", "--name", c, "--network", "none", "-v", f"{vol}:{LIB}", "--security-opt",
                   "seccomp=" + os.path.join(L.TESTDATA, "seccomp", "docker-v20.10.9.json"), V1, timeout=120)
        check(r.code == 78 and L.starts(c) == 0 and "clone3" in r.err,
              f"v20.10.9's profile: run refuses (78) naming clone3, the agent never starts (got {r.code})")
    finally:
        names.close()


# --------------------------------------------------------------------------------------------
# /var/lib/netdata: what the user mounts there
# --------------------------------------------------------------------------------------------

def expect_handoff(name, args, what, image=V1):
    docker("run", "-d", "--name", name, "--network", "none", *args, image, check_ok=True)
    started = L.wait_for("start", lambda: L.starts(name) >= 1 or L.inspect(name, "{{.State.Status}}") != "running", 90)
    started = started and L.starts(name) >= 1
    if not started:
        code = L.wait_exit(name, 1)
        L.fail(f"{what}: the agent did not start (exit {code}):\n{L.logs(name)[-3000:]}")
    check(True, f"{what}: run hands off, the agent starts")


def expect_refusal(name, args, what, image=V1, mention=None):
    r = docker("run", "--name", name, "--network", "none", *args, image, timeout=120)
    check(r.code == 78, f"{what}: run refuses with 78 (got {r.code})\n{r.err[-2000:]}")
    check(L.starts(name) == 0, f"{what}: the agent never started")
    if mention:
        check(mention in r.err, f"{what}: docker logs name {mention}")
    return r


# fault: volume | no volume for /var/lib/netdata, claiming not configured | [issue 22] run hands off (local monitoring loses nothing); container.volume still reported
def volume_none():
    names = L.Names("vol-none")
    try:
        c = names.container()
        expect_handoff(c, [], "no volume, no claim")  # [issue 22]: main refuses with 78
        r = docker("exec", c, L.PREFLIGHT, "check", "--offline", "--format", "json")
        v = L.check_of(L.report(r.out), "container.volume")
        check(v["status"] in ("warn", "fail"), f"container.volume still reports it ({v['status']}): {v['message']}")
    finally:
        names.close()


# fault: volume | a named volume, and an anonymous one, for /var/lib/netdata | run hands off; runs.json is written in the volume
def volume_named_and_anonymous():
    names = L.Names("vol-named")
    try:
        c, vol = names.container(), names.volume()
        expect_handoff(c, ["-v", f"{vol}:{LIB}"], "named volume")
        runs = L.wait_for("runs.json", lambda: L.runs_json(L.volume_path(vol)), 10)
        check(runs is not None and runs["runs"][-1]["mode"] == "supervise", "runs.json in the named volume records the supervised run")
        c2 = names.container("anon")
        expect_handoff(c2, ["-v", LIB], "anonymous volume")
        mounts = json.loads(L.inspect(c2, "{{json .Mounts}}"))
        check(any(m["Destination"] == LIB and m["Type"] == "volume" for m in mounts), "the anonymous volume is a volume")
    finally:
        names.close()


def root_owned_dir(names, sub):
    path = os.path.join(names.tmp, sub)
    os.makedirs(path)
    os.chown(path, 0, 0)
    os.chmod(path, 0o755)
    return path


# fault: volume | a root-owned host directory bind-mounted on /var/lib/netdata, agent v1.37.1 (<= v1.40 chowns nothing it did not create) | run refuses with 78
def volume_bind_root_v1():
    names = L.Names("vol-bind-v1")
    try:
        path = root_owned_dir(names, "lib")
        expect_refusal(names.container(), ["-v", f"{path}:{LIB}"], "root-owned bind, agent v1.37.1", image=V1)
    finally:
        names.close()


# fault: volume | a root-owned host directory bind-mounted on /var/lib/netdata, agent v2 (>= v1.41 chowns it as root) | [issue 22] run hands off; the agent makes it its own
def volume_bind_root_v2():
    names = L.Names("vol-bind-v2")
    try:
        path = root_owned_dir(names, "lib")
        c = names.container()
        expect_handoff(c, ["-v", f"{path}:{LIB}"], "root-owned bind, agent v2 started as root", image=V2)  # [issue 22]
        check(L.wait_for("chown", lambda: os.stat(path).st_uid == 201, 30), "the (v1.41+) agent chowned it to netdata (201)")
    finally:
        names.close()


# fault: volume | tmpfs on /var/lib/netdata, claiming not configured | [issue 22] run hands off; container.volume reports the in-memory var-lib
def volume_tmpfs():
    names = L.Names("vol-tmpfs")
    try:
        c = names.container()
        expect_handoff(c, ["--tmpfs", f"{LIB}:uid=201,mode=0770"], "tmpfs, no claim")  # [issue 22]
        r = docker("exec", c, L.PREFLIGHT, "check", "--offline", "--format", "json")
        v = L.check_of(L.report(r.out), "container.volume")
        check(v["status"] in ("warn", "fail") and "tmpfs" in json.dumps(v).lower(), f"container.volume names tmpfs: {v['message']}")
    finally:
        names.close()


# fault: volume | a claimed node's volume mounted `:ro` | run refuses with 78 naming container.volume (the agent cannot keep its identity)
def volume_readonly_claimed():
    names = L.Names("vol-ro")
    try:
        vol = names.volume()
        docker("volume", "create", vol, check_ok=True)
        L.seed_claimed(L.volume_path(vol))
        expect_refusal(names.container(), ["-v", f"{vol}:{LIB}:ro"], "claimed node, var-lib :ro", image=V2)
    finally:
        names.close()


# fault: claiming | a v2 node's cloud.d/claimed_id written without hyphens (32 hex digits) | [issue 22] run hands off: v2 parses it with uuid_parse_flexi (only v1's libuuid rejects it)
def claimed_id_without_hyphens_v2():
    names = L.Names("claimid-nohyphen")
    try:
        vol = names.volume()
        docker("volume", "create", vol, check_ok=True)
        claim_id = L.seed_claimed(L.volume_path(vol), hyphens=False)
        check("-" not in claim_id and len(claim_id) == 32, "claimed_id is 32 hex digits")
        expect_handoff(names.container(), ["-v", f"{vol}:{LIB}"], "v2 agent, claimed_id without hyphens", image=V2)  # [issue 22]
    finally:
        names.close()


# --------------------------------------------------------------------------------------------
# Signals, stop, health
# --------------------------------------------------------------------------------------------

def agent_pids(name):
    r = docker("exec", name, "sh", "-c",
               'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = netdata ] && echo ${p#/proc/}; done; true')
    return r.out.split()


def wait_serving(name, timeout=90):
    ok = L.wait_for("agent", lambda: docker("exec", name, L.PREFLIGHT, "probe", "--require", "running",
                                            "--timeout", "1s", timeout=20).code == 0, timeout, interval=1)
    check(ok, f"{name}: the agent answers on 127.0.0.1:19999 (probe --require running)")


# fault: signals | `docker kill -s USR1`, then `docker stop` of the real agent behind run --supervise | USR1 reaches the agent and it keeps running; stop ends it well inside the stop timeout with the agent's own exit code, recorded in runs.json
def stop_and_usr1():
    names = L.Names("stop")
    try:
        c, vol = names.container(), names.volume()
        expect_handoff(c, ["-v", f"{vol}:{LIB}"], "named volume")
        wait_serving(c)
        docker("kill", "-s", "USR1", c, check_ok=True)
        time.sleep(2)
        check(L.inspect(c, "{{.State.Running}}") == "true", "after USR1 the container still runs")
        check(L.wait_for("usr1", lambda: "SIGUSR1" in L.logs(c), 10), "the agent logged that it received SIGUSR1")
        t0 = time.monotonic()
        r = docker("stop", "-t", "30", c, timeout=60)
        took = time.monotonic() - t0
        code = int(L.inspect(c, "{{.State.ExitCode}}"))
        print(f"  docker stop took {took:.2f}s, exit code {code}")
        check(r.code == 0 and took < 15, f"docker stop returns well inside its 30 s timeout ({took:.1f}s)")
        check(code == 0, f"the container exits with the agent's own code 0 (got {code}; 137 would mean SIGKILL)")
        runs = L.runs_json(L.volume_path(vol))
        last = runs["runs"][-1] if runs else {}
        check(last.get("end_ms") and last.get("exit_code") == code, f"runs.json records the end and exit {code}: {last}")
    finally:
        names.close()


# fault: signals | a program that ignores SIGTERM, run --supervise --grace 2s, docker stop -t 30 | SIGKILL after the grace: stops in ~2 s with 137, not after Docker's 30 s
def grace_kill():
    names = L.Names("grace")
    try:
        c, vol = names.container(), names.volume()
        prog = ["sh", "-c", f'trap "" TERM; echo "{L.STARTED} (ignores TERM)" >&2; while :; do sleep 1; done']
        docker("run", "-d", "--name", c, "--network", "none", "-v", f"{vol}:{LIB}", *ENTRY, V1,
               "run", "--supervise", "--grace", "2s", "--", *prog, check_ok=True)
        check(L.wait_for("start", lambda: L.starts(c) >= 1, 60), "the program started")
        t0 = time.monotonic()
        docker("stop", "-t", "30", c, timeout=60)
        took = time.monotonic() - t0
        code = int(L.inspect(c, "{{.State.ExitCode}}"))
        print(f"  docker stop took {took:.2f}s, exit code {code}")
        check(1.5 <= took < 15, f"stopped after the 2 s grace, not Docker's 30 s ({took:.1f}s)")
        check(code == 137, f"exit 137: the program was killed by SIGKILL (got {code})")
        check("did not exit within the grace" in L.logs(c), "docker logs say the grace ran out")
    finally:
        names.close()


# fault: agent | the agent stopped with SIGSTOP under HEALTHCHECK probe --require running | healthy while it answers, unhealthy once it is stopped
def healthcheck():
    names = L.Names("health")
    try:
        c, vol = names.container(), names.volume()
        # The image's HEALTHCHECK command, with short intervals (the test cannot wait 60 s steps).
        expect_handoff(c, ["-v", f"{vol}:{LIB}", "--health-interval", "2s", "--health-timeout", "10s",
                           "--health-retries", "2", "--health-start-period", "120s"], "named volume")
        check(L.wait_for("healthy", lambda: L.inspect(c, "{{.State.Health.Status}}") == "healthy", 120, interval=1),
              "HEALTHCHECK: healthy once the agent answers")
        pids = agent_pids(c)
        check(pids, "the agent's processes are found")
        docker("exec", c, "sh", "-c", "kill -STOP " + " ".join(pids), check_ok=True)  # minbase has no /bin/kill
        t0 = time.monotonic()
        check(L.wait_for("unhealthy", lambda: L.inspect(c, "{{.State.Health.Status}}") == "unhealthy", 60, interval=1),
              f"HEALTHCHECK: unhealthy after the agent was stopped ({time.monotonic() - t0:.1f}s)")
        last = json.loads(L.inspect(c, "{{json .State.Health.Log}}"))[-1]
        print(f"  last probe: exit {last['ExitCode']}: {last['Output'].strip()[:300]}")
        check(last["ExitCode"] == 1, "the probe exits 1 (not ready), never 2")
        docker("exec", c, "sh", "-c", "kill -CONT " + " ".join(pids))
    finally:
        names.close()


# --------------------------------------------------------------------------------------------
# Restarts, re-creation
# --------------------------------------------------------------------------------------------

def claimed_volume(names):
    vol = names.volume()
    docker("volume", "create", vol, check_ok=True)
    L.seed_claimed(L.volume_path(vol))
    return vol


# fault: lifetime | a claimed node's program exits 3 after 1 s under --restart on-failure:6 | [issue 22] every restart starts the program again (history never refuses); the last exit is the program's 3
def restart_on_failure():
    names = L.Names("restart-onfail")
    try:
        c, vol = names.container(), claimed_volume(names)
        prog = ["sh", "-c", f'echo "{L.STARTED} (exits 3)" >&2; sleep 1; exit 3']
        docker("run", "-d", "--name", c, "--network", "none", "--restart", "on-failure:6", "-v", f"{vol}:{LIB}",
               *ENTRY, V2, "run", "--supervise", "--", *prog, check_ok=True)

        def done():
            s = L.inspect(c, "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}")
            return s if s and s.split()[0] == "exited" and s.split()[1] == "6" else None
        s = L.wait_for("restarts", done, 150, interval=0.5)
        n = L.starts(c)
        print(f"  state {s}; the program started {n} times")
        check(s is not None, f"Docker restarted it 6 times and gave up (state {L.inspect(c, '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}')})")
        check(s.split()[2] == "3", f"the last exit is the program's 3, never 78 (got {s.split()[2]})")  # [issue 22]
        check(n == 7, f"every one of the 7 starts started the program (got {n})")
    finally:
        names.close()


# fault: lifetime | `docker restart` four times in a row on a claimed node | [issue 22] each restart starts the program again
def docker_restart_loop():
    names = L.Names("restart-loop")
    try:
        c, vol = names.container(), claimed_volume(names)
        docker("run", "-d", "--name", c, "--network", "none", "-v", f"{vol}:{LIB}", *ENTRY, V2,
               "run", "--supervise", "--", *MARK_AND_SLEEP, check_ok=True)
        check(L.wait_for("start", lambda: L.starts(c) >= 1, 60), "first start")
        for i in range(2, 6):
            docker("restart", "-t", "5", c, timeout=60, check_ok=True)
            ok = L.wait_for("start", lambda: L.starts(c) >= i or L.inspect(c, "{{.State.Status}}") == "exited", 60)
            ok = ok and L.starts(c) >= i
            state = L.inspect(c, "{{.State.Status}} {{.State.ExitCode}}")
            check(ok and state.startswith("running"), f"docker restart #{i - 1}: the program started again ({state})")  # [issue 22]
    finally:
        names.close()


# fault: identity | `docker rm -f` of a claimed node, then a new container on the same volume at once | the new container starts (a killed owner's lease never blocks)
def rm_and_recreate():
    names = L.Names("recreate")
    try:
        vol = claimed_volume(names)
        a = names.container("a")
        docker("run", "-d", "--name", a, "--network", "none", "-v", f"{vol}:{LIB}", *ENTRY, V2,
               "run", "--supervise", "--", *MARK_AND_SLEEP, check_ok=True)
        check(L.wait_for("start", lambda: L.starts(a) >= 1, 60), "container a started")
        docker("rm", "-f", a, check_ok=True)
        b = names.container("b")
        docker("run", "-d", "--name", b, "--network", "none", "-v", f"{vol}:{LIB}", *ENTRY, V2,
               "run", "--supervise", "--", *MARK_AND_SLEEP, check_ok=True)
        ok = L.wait_for("start", lambda: L.starts(b) >= 1 or L.inspect(b, "{{.State.Status}}") == "exited", 60)
        if not (ok and L.starts(b) == 1):
            L.fail(f"container b on the same volume did not start (exit {L.inspect(b, '{{.State.ExitCode}}')})\n{L.logs(b)[-1500:]}")
        check(True, "container b on the same volume started at once")
        lease = json.load(open(os.path.join(L.volume_path(vol), "preflight", "owner.json")))
        bid = L.inspect(b, "{{.Id}}")
        check(bid in json.dumps(lease), "the owner lease is b's now")
    finally:
        names.close()


# --------------------------------------------------------------------------------------------
# docker/compose.yaml with Debian's docker-compose
# --------------------------------------------------------------------------------------------

# fault: deploy | docker/compose.yaml as written (image names, network_mode none, the engine's socket) with docker-compose 1.29 | config validates; up starts the agent behind run --supervise; run --rm preflight reports every check from the agent's namespace
def compose():
    names = L.Names("compose")
    dc = None
    try:
        proj = names.tmp
        example = open(os.path.join(L.SRC, "docker", "netdata.env.example")).read()
        check("\nNETDATA_CLAIM_TOKEN=\n" in example, "netdata.env.example has an empty NETDATA_CLAIM_TOKEN= line to fill in")
        with open(os.path.join(proj, "netdata.env"), "w") as f:  # as the user fills it in
            f.write(example.replace("\nNETDATA_CLAIM_TOKEN=\n", f"\nNETDATA_CLAIM_TOKEN={L.FAKE_TOKEN}\n"))
        # Only what this engine needs changed: the images (no registry), no bridge, the socket.
        # The v2 stand-in: a token is configured, and v1.37.1 without Cloud would be refused for it.
        with open(os.path.join(proj, "override.yaml"), "w") as f:
            f.write(f"""services:
  netdata:
    image: {V2}
    network_mode: none
    volumes:
      - {L.SOCKET}:/var/run/docker.sock:ro
  preflight:
    image: {V2}
""")
        dc = ["docker-compose", "--project-directory", proj, "-p", "npfcompose",
              "-f", os.path.join(L.SRC, "docker", "compose.yaml"), "-f", os.path.join(proj, "override.yaml")]
        r = L.run(dc + ["config"], timeout=60)
        check(r.code == 0, f"docker-compose config validates docker/compose.yaml: {r.err[-800:]}")
        cfg = r.out
        check("/host/root:ro" in cfg and "rslave" not in cfg, "the host root is mounted read-only, no rslave")
        r = L.run(dc + ["up", "-d", "--no-build", "netdata"], timeout=180)
        check(r.code == 0, f"docker-compose up -d: {r.err[-1500:]}")
        up = L.wait_for("start", lambda: L.starts("netdata") >= 1 or L.inspect("netdata", "{{.State.Status}}") != "running", 90)
        if not (up and L.starts("netdata") >= 1):
            L.fail("up: run did not hand off to run.sh\n" + L.logs("netdata")[-2000:])
        check(True, "up: run hands off to run.sh")
        wait_serving("netdata")
        check(L.inspect("netdata", "{{.State.Health.Status}}") in ("starting", "healthy"), "the compose healthcheck is set")
        r = L.run(dc + ["run", "--rm", "preflight", "check", "--format", "json"], timeout=180)
        check(r.code in (0, 1), f"run --rm preflight check: exit {r.code} {r.err[-800:]}")
        rep = L.report(r.out)
        av = L.check_of(rep, "agent.version")
        check("v2.10.4" in av["message"], f"agent.version: {av['message']}")
        vol = L.check_of(rep, "container.volume")
        check(vol["status"] == "pass", f"container.volume passes on the named volume: {vol['message']}")
        sc = L.check_of(rep, "container.seccomp")
        check(sc["status"] == "pass", f"container.seccomp on this engine: {sc['message']}")
        link = L.check_of(rep, "cloud.link")
        print(f"  cloud.link from the agent's namespace: {link['status']}: {link['message'][:200]}")
        check(link["status"] != "error", "cloud.link reached the agent's API (status is not error)")
        r = L.run(dc + ["run", "--rm", "preflight"], timeout=180)
        check(r.code in (0, 1) and "agent.version" in r.out, "run --rm preflight (the text report)")
    finally:
        if dc:
            L.run(dc + ["down", "-v", "--remove-orphans"], timeout=180)
        names.close()


SCENARIOS = {
    "setup": setup,
    "teardown": teardown,
    "dockerfile_as_written": dockerfile_as_written,
    "dockerfile_buildkit": dockerfile_buildkit,
    "dockerfile_platforms": dockerfile_platforms,
    "quoted_token_docker_run": quoted_token_docker_run,
    "quoted_token_compose": quoted_token_compose,
    "seccomp_profiles": seccomp_profiles,
    "volume_none": volume_none,
    "volume_named_and_anonymous": volume_named_and_anonymous,
    "volume_bind_root_v1": volume_bind_root_v1,
    "volume_bind_root_v2": volume_bind_root_v2,
    "volume_tmpfs": volume_tmpfs,
    "volume_readonly_claimed": volume_readonly_claimed,
    "claimed_id_without_hyphens_v2": claimed_id_without_hyphens_v2,
    "stop_and_usr1": stop_and_usr1,
    "grace_kill": grace_kill,
    "healthcheck": healthcheck,
    "restart_on_failure": restart_on_failure,
    "docker_restart_loop": docker_restart_loop,
    "rm_and_recreate": rm_and_recreate,
    "compose": compose,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        print("usage: scenarios.py " + "|".join(SCENARIOS), file=sys.stderr)
        sys.exit(64)
    name = sys.argv[1]
    t0 = time.monotonic()
    if name not in ("setup", "teardown"):
        L.require_engine()
    SCENARIOS[name]()
    print(f"PASS: {name} ({time.monotonic() - t0:.1f}s)")


if __name__ == "__main__":
    main()
