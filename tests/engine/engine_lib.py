"""The engine tier's harness: a real Docker engine (Debian's docker.io: dockerd, containerd, runc)
started by hand for the tests, base images made from the machine's own apt sources, and our image
built from docker/Dockerfile as a user would build it without a registry.

- dockerd runs with no bridge, no iptables, its own data-root, exec-root, pidfile and socket; it is
  ended by its pid. Containers run with `--network none` (loopback only) or `network_mode: none`.
- Base images: `mmdebstrap --variant=minbase` of the host's Debian release from the host's own apt
  sources (/etc/apt, never a named host), then `docker import`. The tarballs are cached in
  CACHE_DIR (keyed by what went into them) and rebuilt when missing, so a fresh machine builds them.
- Images: netdata-standin:v1 / :v2 (images/netdata.Dockerfile), preflight:v1 / :v2 = docker/Dockerfile
  with --build-arg BUILDER_IMAGE / AGENT_IMAGE.

State of a session (socket, pid, images or the reason to skip) is in STATE_DIR/engine.json.
"""
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
DEPS = os.environ.get("PREFLIGHT_DEPS_DIR", os.path.join(SRC, "build", "deps"))
BUILD_DIR = os.environ.get("PREFLIGHT_BUILD_DIR", os.path.join(SRC, "build", "release"))
TESTDATA = os.environ.get("PREFLIGHT_TESTDATA_DIR", os.path.join(SRC, "tests", "testdata"))
CACHE_DIR = os.environ.get("PREFLIGHT_ENGINE_CACHE", "/var/cache/netdata-preflight")
STATE_DIR = os.path.join(BUILD_DIR, "engine")
STATE_FILE = os.path.join(STATE_DIR, "engine.json")
DOCKER = "/usr/bin/docker"  # the package's client (a /usr/local/bin/docker may be newer than the daemon)
PREFLIGHT = "/usr/local/bin/netdata-preflight"
SKIP = 77
ROOTFS_MAX_AGE = 14 * 86400  # cached base tarballs are rebuilt after two weeks (security updates)

# One daemon per build directory: the exec-root and socket live under /run with a short name
# (unix socket paths are limited to 108 bytes), the data-root in the cache (images survive runs).
_KEY = hashlib.sha256(os.path.realpath(BUILD_DIR).encode()).hexdigest()[:10]
RUN_DIR = f"/run/npf-engine-{_KEY}"
SOCKET = os.path.join(RUN_DIR, "docker.sock")
DATA_ROOT = os.path.join(CACHE_DIR, f"docker-{_KEY}")

IMG_AGENT_ROOTFS = "npf/netdata-rootfs"
IMG_BUILDER_ROOTFS = "npf/builder-rootfs"
IMG_BUILDER = "npf/builder:latest"
IMG_XBUILDER_ROOTFS = "npf/xbuilder-rootfs"
IMG_XBUILDER = "npf/xbuilder:cross"
# docker/Dockerfile's platforms other than the engine's own: Debian's architecture name (the cross
# deps' directory under DEPS/cross) and the Debian cross toolchain package the build stage needs.
CROSS_DEBARCH = {"linux/arm64": "arm64", "linux/arm/v7": "armhf"}
IMG_NETDATA = {"v1": "npf/netdata-standin:v1", "v2": "npf/netdata-standin:v2"}
IMG_PREFLIGHT = {"v1": "npf/preflight:v1", "v2": "npf/preflight:v2"}

FAKE_TOKEN = "fake-" + hashlib.sha256(b"netdata-preflight engine tier: not a real token").hexdigest() * 2
FAKE_TOKEN = FAKE_TOKEN[:135]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def skip(msg):
    print("SKIP: " + msg, flush=True)
    sys.exit(SKIP)


def check(cond, msg):
    if not cond:
        fail(msg)
    print("ok: " + msg, flush=True)


def env():
    e = dict(os.environ)
    e["DOCKER_HOST"] = "unix://" + SOCKET
    e["DOCKER_BUILDKIT"] = "0"  # the classic builder: what the issue was about
    e["COMPOSE_DOCKER_CLI_BUILD"] = "0"
    return e


class Result:
    def __init__(self, code, out, err, seconds):
        self.code, self.out, self.err, self.seconds = code, out, err, seconds

    def __repr__(self):
        return f"exit {self.code} after {self.seconds:.1f}s\nstdout: {self.out[-3000:]}\nstderr: {self.err[-3000:]}"


def run(argv, timeout=120, check_ok=False, input=None, cwd=None):
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env(), input=input, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        fail(f"{' '.join(argv)} did not finish within {timeout}s: {e.stdout!r} {e.stderr!r}")
    r = Result(p.returncode, p.stdout, p.stderr, time.monotonic() - t0)
    if check_ok and r.code != 0:
        fail(f"{' '.join(argv)}: {r}")
    return r


def docker(*args, timeout=120, check_ok=False, input=None):
    return run([DOCKER, *args], timeout=timeout, check_ok=check_ok, input=input)


# --------------------------------------------------------------------------------------------
# The daemon
# --------------------------------------------------------------------------------------------

def load_state():
    try:
        with open(STATE_FILE) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def save_state(state):
    os.makedirs(STATE_DIR, exist_ok=True)
    with open(STATE_FILE + ".tmp", "w") as f:
        json.dump(state, f, indent=1)
    os.replace(STATE_FILE + ".tmp", STATE_FILE)


def require_engine():
    """For a scenario: the session's daemon is up and the images are built, else skip/fail."""
    st = load_state()
    if st is None:
        fail(f"no engine session ({STATE_FILE}): the Engine_Setup test did not run")
    if st.get("skip"):
        skip(st["skip"])
    if not st.get("ready"):
        fail("Engine_Setup did not finish: " + st.get("error", "see its output"))
    if docker("version", "--format", "{{.Server.Version}}", timeout=20).code != 0:
        fail(f"the engine's daemon (pid {st.get('pid')}) does not answer on {SOCKET}")
    return st


def _kernel_reason(text):
    """A reason that is the kernel's, not ours, in dockerd's or runc's words; else None."""
    for pattern in (r"overlay.*not supported", r"cgroup[^\n]*(not|no such|mount)", r"seccomp[^\n]*not (supported|enabled)",
                    r"operation not permitted[^\n]*(mount|namespace|unshare)", r"namespace[^\n]*not supported",
                    r"failed to mount overlay", r"no such file or directory: unknown.*cgroup"):
        m = re.search(pattern, text, re.I)
        if m:
            return text[max(0, m.start() - 200):m.end() + 200].strip()
    return None


def start_daemon():
    """Starts dockerd (it starts its own containerd); returns its pid. Skips where the kernel
    cannot run it, loudly."""
    if os.geteuid() != 0:
        skip("THE DOCKER ENGINE TIER DID NOT RUN: it needs root (dockerd, mounts, namespaces)")
    for tool in ("/usr/sbin/dockerd", DOCKER, "/usr/bin/mmdebstrap", "/usr/bin/docker-compose"):
        if not os.path.exists(tool):
            fail(f"{tool} is missing: run scripts/bootstrap.sh (it installs docker.io, docker-compose, mmdebstrap)")
    stop_daemon(quiet=True)  # a daemon left by an aborted session of this build dir
    os.makedirs(RUN_DIR, exist_ok=True)
    os.makedirs(DATA_ROOT, exist_ok=True)
    logf = open(os.path.join(STATE_DIR, "dockerd.log"), "w")
    pidfile = os.path.join(RUN_DIR, "dockerd.pid")
    argv = ["/usr/sbin/dockerd", "--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-forward=false",
            "--ip-masq=false", "--userland-proxy=false", "--data-root", DATA_ROOT,
            "--exec-root", os.path.join(RUN_DIR, "exec"), "--pidfile", pidfile, "--host", "unix://" + SOCKET]
    e = env()
    e.pop("DOCKER_HOST", None)
    p = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, env=e, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if p.poll() is not None:
            text = open(os.path.join(STATE_DIR, "dockerd.log")).read()
            reason = _kernel_reason(text)
            if reason:
                skip("THE DOCKER ENGINE TIER DID NOT RUN: this kernel cannot run dockerd: " + reason)
            fail(f"dockerd exited with {p.returncode}:\n{text[-3000:]}")
        if os.path.exists(SOCKET) and docker("version", timeout=10).code == 0:
            return p.pid
        time.sleep(0.3)
    fail("dockerd did not answer within 60 s:\n" + open(os.path.join(STATE_DIR, "dockerd.log")).read()[-3000:])


def stop_daemon(quiet=False):
    """Ends the session's dockerd by its pid (SIGTERM, then SIGKILL after 30 s)."""
    pidfile = os.path.join(RUN_DIR, "dockerd.pid")
    try:
        pid = int(open(pidfile).read().strip())
    except (OSError, ValueError):
        return
    try:
        if not open(f"/proc/{pid}/comm").read().startswith("dockerd"):
            return
    except OSError:
        return
    if not quiet:
        log(f"stopping dockerd (pid {pid})")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
        try:  # reap it when it is our own child
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.2)
    if os.path.exists(f"/proc/{pid}"):
        os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------------------------
# Base images from the host's apt sources
# --------------------------------------------------------------------------------------------

def codename():
    for line in open("/etc/os-release"):
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip().strip('"')
    fail("/etc/os-release names no VERSION_CODENAME: the engine tier builds Debian bases from this host's apt sources")


def host_sources():
    """The host's own `deb` entries for its release, one-line format (from one-line and deb822 files)."""
    cn = codename()
    out = []
    for f in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        try:
            lines = open(f).read().splitlines()
        except OSError:
            continue
        for line in lines:
            w = line.split()
            if w and w[0] == "deb" and any(x == cn or x.startswith(cn + "-") for x in w[1:]):
                out.append(line.strip())
    for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for para in re.split(r"\n\s*\n", open(f).read()):
            fields = {}
            for line in para.splitlines():
                if line.startswith("#") or ":" not in line or line[0].isspace():
                    continue
                k, v = line.split(":", 1)
                fields[k.strip().lower()] = v.strip()
            if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
                continue
            signed = f"[signed-by={fields['signed-by']}] " if fields.get("signed-by", "").startswith("/") else ""
            for uri in fields.get("uris", "").split():
                for suite in fields.get("suites", "").split():
                    if suite == cn or suite.startswith(cn + "-"):
                        out.append(f"deb {signed}{uri} {suite} {fields.get('components', 'main')}")
    if not out:
        fail(f"no `deb` entry for {cn} in /etc/apt: the engine tier builds its base images from this host's apt sources")
    return out


def rootfs_tarball(name, includes):
    """mmdebstrap --variant=minbase of the host's release with `includes`, cached by content."""
    sources = host_sources()
    key = hashlib.sha256(json.dumps([codename(), sorted(includes), sources]).encode()).hexdigest()[:12]
    os.makedirs(os.path.join(CACHE_DIR, "rootfs"), exist_ok=True)
    tar = os.path.join(CACHE_DIR, "rootfs", f"{name}-{key}.tar")
    if os.path.exists(tar) and time.time() - os.path.getmtime(tar) < ROOTFS_MAX_AGE:
        return tar, key, None
    for old in glob.glob(os.path.join(CACHE_DIR, "rootfs", f"{name}-*.tar")):
        os.unlink(old)
    src_list = tar + ".sources.list"
    with open(src_list, "w") as f:
        f.write("\n".join(sources) + "\n")
    argv = ["mmdebstrap", "--variant=minbase", "--format=tar", "--include=" + ",".join(includes), codename(),
            tar + ".part", src_list]
    logf = open(tar + ".log", "w")
    return tar, key, (subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT), argv)


def finish_rootfs(tar, job):
    if job is None:
        return
    p, argv = job
    if p.wait() != 0:
        fail(f"{' '.join(argv)} failed:\n" + open(tar + ".log").read()[-3000:])
    os.replace(tar + ".part", tar)


def import_rootfs(tar, image):
    if docker("image", "inspect", image, timeout=30).code == 0:
        return
    log(f"docker import {os.path.basename(tar)} {image}")
    docker("import", tar, image, timeout=600, check_ok=True)


def build(dockerfile, context, tag, args=(), target=None, network="none", timeout=900):
    argv = ["build", "--network", network, "-f", dockerfile, "-t", tag]
    for a in args:
        argv += ["--build-arg", a]
    if target:
        argv += ["--target", target]
    r = docker(*argv, context, timeout=timeout)
    if r.code != 0:
        fail(f"docker build -t {tag}: {r}")
    return r


def host_ccache_dir():
    """The compiler cache `make build` filled on this machine (ccache's own default order)."""
    for d in (os.environ.get("CCACHE_DIR"), os.path.expanduser("~/.cache/ccache"), os.path.expanduser("~/.ccache")):
        if d and os.path.isdir(d):
            return d
    return None


def builder_context():
    """images/builder.Dockerfile's context: deps/ (the OpenSSL, libcurl and netdata-core that
    bootstrap.sh made here) and ccache/ (this machine's compiler cache). The deps go to the same
    path as here, so the compile commands in docker build are the ones `make build` ran and the
    cache answers them: the project is still compiled by docker/Dockerfile, only faster."""
    ctx = tempfile.mkdtemp(prefix="npf-builder-", dir=STATE_DIR)
    shutil.copy(os.path.join(HERE, "images", "builder.Dockerfile"), ctx)
    for part, probe in (("openssl", "lib/libcrypto.a"), ("libcurl", "lib/libcurl.a"), ("netdata", "usr/sbin/netdata")):
        if not os.path.exists(os.path.join(DEPS, part, probe)):
            fail(f"{DEPS}/{part}/{probe} is missing: run scripts/bootstrap.sh first")
        shutil.copytree(os.path.join(DEPS, part), os.path.join(ctx, "deps", part), symlinks=True)
    cache = host_ccache_dir()
    size = subprocess.run(["du", "-sm", cache], capture_output=True, text=True).stdout.split()[0] if cache else "0"
    if cache and int(size) <= 2048:
        shutil.copytree(cache, os.path.join(ctx, "ccache"), symlinks=True,
                        ignore=shutil.ignore_patterns("*.lock", "tmp"))
    else:
        log(f"no compiler cache to lend docker build ({cache or 'none'}, {size} MB): it compiles everything")
        os.makedirs(os.path.join(ctx, "ccache"))
    # ccache hashes the locale variables into every key: the build stage gets the ones `make
    # build` ran with, else nothing would hit.
    with open(os.path.join(ctx, "builder.Dockerfile"), "a") as f:
        for var in ("LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES"):
            if var in os.environ:
                f.write(f"ENV {var}={json.dumps(os.environ[var])}\n")
    return ctx, os.path.realpath(DEPS)


def cross_builder():
    """The build stage's base for docker/Dockerfile's other platforms: the builder's packages
    plus Debian's cross toolchains (crossbuild-essential-<arch>, a cached mmdebstrap rootfs like
    the others), with the cross sysroots, OpenSSL and libcurl that scripts/cross.sh made here
    (DEPS/cross/<arch>, the same path as here) and this machine's compiler cache. scripts/cross.sh
    then finds its inputs built and needs no network; the project is still compiled in docker
    build. Built again each session, like the builder: its layers are cached, and the compiler
    cache it lends is this session's (a stale one would make the build stage compile it all)."""
    pkgs = subprocess.run(["bash", os.path.join(SRC, "scripts", "bootstrap.sh"), "--list-packages"],
                          capture_output=True, text=True, env={**os.environ, "BOOTSTRAP_PACKAGES": "build"},
                          check=True).stdout.split()
    pkgs += [f"crossbuild-essential-{a}" for a in sorted(CROSS_DEBARCH.values())]
    tar, key, job = rootfs_tarball("xbuilder", pkgs)
    if job:
        log("mmdebstrap: xbuilder (the builder with Debian's cross toolchains)")
    finish_rootfs(tar, job)
    rootfs = f"{IMG_XBUILDER_ROOTFS}:{key}"
    import_rootfs(tar, rootfs)
    ctx, deps_path = builder_context()
    try:
        for debarch in CROSS_DEBARCH.values():
            src = os.path.join(DEPS, "cross", debarch)
            for part, probe in (("sysroot", ".complete"), ("openssl", "lib/libcrypto.a"), ("libcurl", "lib/libcurl.a")):
                if not os.path.exists(os.path.join(src, part, probe)):
                    fail(f"{src}/{part}/{probe} is missing: run `make dist` first (scripts/cross.sh builds it)")
                shutil.copytree(os.path.join(src, part), os.path.join(ctx, "deps", "cross", debarch, part), symlinks=True)
        build(os.path.join(ctx, "builder.Dockerfile"), ctx, IMG_XBUILDER, [f"BASE={rootfs}", f"DEPS_PATH={deps_path}"])
    finally:
        shutil.rmtree(ctx, ignore_errors=True)
    return IMG_XBUILDER


def build_images():
    """Every image the scenarios use; returns what each step cost (seconds)."""
    times = {}
    t0 = time.monotonic()
    builder_pkgs = subprocess.run(["bash", os.path.join(SRC, "scripts", "bootstrap.sh"), "--list-packages"],
                                  capture_output=True, text=True, env={**os.environ, "BOOTSTRAP_PACKAGES": "build"},
                                  check=True).stdout.split()
    agent_tar, agent_key, agent_job = rootfs_tarball("netdata", ["netdata-core"])
    builder_tar, builder_key, builder_job = rootfs_tarball("builder", builder_pkgs)
    if agent_job or builder_job:
        log("mmdebstrap: " + ", ".join(n for n, j in (("netdata", agent_job), ("builder", builder_job)) if j))
    finish_rootfs(agent_tar, agent_job)
    finish_rootfs(builder_tar, builder_job)
    times["mmdebstrap"] = time.monotonic() - t0

    t0 = time.monotonic()
    agent_rootfs = f"{IMG_AGENT_ROOTFS}:{agent_key}"
    builder_rootfs = f"{IMG_BUILDER_ROOTFS}:{builder_key}"
    import_rootfs(agent_tar, agent_rootfs)
    import_rootfs(builder_tar, builder_rootfs)
    times["docker import"] = time.monotonic() - t0

    t0 = time.monotonic()
    images = os.path.join(HERE, "images")
    for gen in ("v1", "v2"):
        build(os.path.join(images, "netdata.Dockerfile"), images, IMG_NETDATA[gen], [f"BASE={agent_rootfs}"], target=gen)
    ctx, deps_path = builder_context()
    try:
        build(os.path.join(ctx, "builder.Dockerfile"), ctx, IMG_BUILDER, [f"BASE={builder_rootfs}", f"DEPS_PATH={deps_path}"])
    finally:
        shutil.rmtree(ctx, ignore_errors=True)
    times["stand-in images"] = time.monotonic() - t0

    # docker/Dockerfile as written, classic builder, no network; the unit tests run in `make test`.
    t0 = time.monotonic()
    for gen in ("v1", "v2"):
        log(f"docker build -f docker/Dockerfile -t {IMG_PREFLIGHT[gen]} (AGENT_IMAGE={IMG_NETDATA[gen]})")
        build(os.path.join(SRC, "docker", "Dockerfile"), SRC, IMG_PREFLIGHT[gen],
              [f"BUILDER_IMAGE={IMG_BUILDER}", f"AGENT_IMAGE={IMG_NETDATA[gen]}", "UNIT_TESTS=0"], timeout=1200)
    times["docker/Dockerfile"] = time.monotonic() - t0
    return {"agent_rootfs": agent_rootfs, "builder_rootfs": builder_rootfs}, times


def remove_leftovers():
    """Containers and volumes of an earlier session in this data-root (images are kept: cache)."""
    ids = docker("ps", "-aq", timeout=30).out.split()
    if ids:
        docker("rm", "-f", *ids, timeout=120)
    docker("volume", "prune", "-f", timeout=60)


# --------------------------------------------------------------------------------------------
# Helpers for scenarios
# --------------------------------------------------------------------------------------------

class Names:
    """Container and volume names of one scenario, removed at the end."""

    def __init__(self, scenario):
        self.prefix = "npf-" + re.sub(r"[^a-z0-9]+", "-", scenario.lower())
        self.containers, self.volumes = [], []
        self.tmp = tempfile.mkdtemp(prefix=self.prefix + "-", dir=STATE_DIR)

    def container(self, suffix="c"):
        n = f"{self.prefix}-{suffix}"
        docker("rm", "-f", n, timeout=60)
        self.containers.append(n)
        return n

    def volume(self, suffix="lib"):
        n = f"{self.prefix}-{suffix}"
        docker("volume", "rm", "-f", n, timeout=60)
        self.volumes.append(n)
        return n

    def close(self):
        if self.containers:
            docker("rm", "-f", *self.containers, timeout=120)
        for v in self.volumes:
            docker("volume", "rm", "-f", v, timeout=60)
        shutil.rmtree(self.tmp, ignore_errors=True)


def inspect(name, fmt):
    r = docker("inspect", "--format", fmt, name, timeout=30)
    return r.out.strip() if r.code == 0 else None


def logs(name):
    r = docker("logs", name, timeout=30)
    return r.out + r.err


def wait_for(what, cond, timeout, interval=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(interval)
    return None


def wait_exit(name, timeout):
    """The container's exit code once it has stopped (None if it still runs after timeout)."""
    def stopped():
        s = inspect(name, "{{.State.Status}} {{.State.ExitCode}}")
        return s if s and s.split()[0] in ("exited", "dead") else None
    s = wait_for(f"{name} to stop", stopped, timeout)
    return int(s.split()[1]) if s else None


STARTED = "run.sh: starting the agent"


def starts(name):
    """How many times the container's program was started (run.sh's marker in its logs)."""
    return logs(name).count(STARTED)


def volume_path(volume):
    return inspect(volume, "{{.Mountpoint}}") if docker("volume", "inspect", volume, timeout=30).code == 0 else None


def runs_json(varlib_host_path):
    try:
        with open(os.path.join(varlib_host_path, "preflight", "runs.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def report(text):
    """The JSON report in a command's stdout."""
    try:
        return json.loads(text)
    except ValueError:
        fail("no JSON report in: " + text[-2000:])


def check_of(rep, check_id):
    for c in rep.get("checks", []):
        if c.get("id") == check_id:
            return c
    fail(f"no {check_id} in the report: " + json.dumps(rep)[:2000])


def seed_claimed(path, uid=201, gid=201, hyphens=True):
    """cloud.d/ as a successful claim leaves it, owned by the netdata user (uid 201)."""
    d = os.path.join(path, "cloud.d")
    os.makedirs(d, exist_ok=True)
    subprocess.run(["openssl", "genrsa", "-out", os.path.join(d, "private.pem"), "2048"], check=True, capture_output=True)
    subprocess.run(["openssl", "rsa", "-in", os.path.join(d, "private.pem"), "-pubout", "-out",
                    os.path.join(d, "public.pem")], check=True, capture_output=True)
    claim_id = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    if not hyphens:
        claim_id = claim_id.replace("-", "")
    with open(os.path.join(d, "claimed_id"), "w") as f:
        f.write(claim_id)
    with open(os.path.join(d, "cloud.conf"), "w") as f:
        f.write("[global]\n    enabled = yes\n    cloud base url = https://app.netdata.cloud\n")
    os.makedirs(os.path.join(path, "registry"), exist_ok=True)
    with open(os.path.join(path, "registry", "netdata.public.unique.id"), "w") as f:
        f.write("0b3e1c2d-4f5a-4b6c-8d7e-9f0a1b2c3d4e")  # the machine GUID the claim was made with
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for n in files:
            os.chown(os.path.join(root, n), uid, gid)
    os.chmod(d, 0o770)
    for n in ("private.pem", "public.pem", "claimed_id", "cloud.conf"):
        os.chmod(os.path.join(d, n), 0o660)
    return claim_id
