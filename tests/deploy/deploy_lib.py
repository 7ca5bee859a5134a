"""The harness of the deploy tests: read docker/ and k8s/ as Docker Compose, Docker and the
kubelet would, and run exactly the commands, environment, mounts and probes they contain in
containers emulated with Linux namespaces (fast, no daemon; tests/engine runs the same files on a real engine).

- A *sandbox* (`unshare --net --uts`) is the pod / the container's network namespace: only its
  own loopback; fakes (cloud, agent) listen there and nowhere else.
- A *container* joins a sandbox and gets new mount and pid namespaces (`unshare --mount --pid
  --fork --mount-proc`), an overlay root with a tmpfs upper layer, the wrapper image's files, and
  the volumes bind-mounted where the file says (ns_init.py).
- Secrets are stubbed with FAKE_TOKEN, a well-formed 135-character base64url string that is not
  a real token. --resolve / --ca-file cannot appear in a manifest (they pin the fake cloud), so
  the tests add them through PREFLIGHT_* environment variables only (cloud_overlay_env). Where a
  scenario has no fake cloud and is not about the network, the one-shot check gets
  PREFLIGHT_OFFLINE=1 the same way (the sandbox has no route out).
"""
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("PREFLIGHT_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
BINARY = os.environ.get("PREFLIGHT_BINARY", os.path.join(SRC, "build", "release", "netdata-preflight"))
DEPS = os.environ.get("PREFLIGHT_DEPS_DIR", os.path.join(SRC, "build", "deps"))
BUILD_DIR = os.environ.get("PREFLIGHT_BUILD_DIR", os.path.join(SRC, "build", "release"))
TESTDATA = os.environ.get("PREFLIGHT_TESTDATA_DIR", os.path.join(SRC, "tests", "testdata"))
DEBIAN_AGENT = os.path.join(DEPS, "netdata", "usr", "sbin", "netdata")
IMAGE_DEBIAN_AGENT = "/opt/debian-netdata/netdata"  # where image_files() puts it (named netdata, as scenarios look for it)
SKIP = 77  # CTest SKIP_RETURN_CODE

# A stand-in claim token: 135 base64url characters, derived from a fixed phrase; never a real one.
FAKE_TOKEN = base64.urlsafe_b64encode(
    hashlib.sha512(b"netdata-preflight deploy tests: not a real claim token").digest() * 2
).decode().rstrip("=")[:135]
assert len(FAKE_TOKEN) == 135
FAKE_ROOM = "2d5a7c4e-9b1f-4c3a-8e6d-0f1a2b3c4d5e"

CLOUD_ADDR = "127.0.0.2"  # the fake cloud's address inside a sandbox
CLOUD_HOSTS = ("app.netdata.cloud", "api.netdata.cloud", "mqtt.netdata.cloud")
PREFLIGHT = "/usr/local/bin/netdata-preflight"
IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


KEEP_GOING = os.environ.get("DEPLOY_KEEP_GOING") == "1"  # debugging: report every failed assertion
FAILED = []


def check(cond, msg):
    if not cond:
        if not KEEP_GOING:
            fail(msg)
        print("FAIL (continuing): " + msg, file=sys.stderr)
        FAILED.append(msg)
        return
    print("ok: " + msg)


def require_namespaces():
    if os.geteuid() != 0:
        skip("needs root for mount/pid/net namespaces")
    probe = subprocess.run(["unshare", "--mount", "--pid", "--fork", "--uts", "--net", "--mount-proc", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        skip("this kernel refuses new namespaces: " + probe.stderr.strip())


def src(path):
    return os.path.join(SRC, path)


# --------------------------------------------------------------------------------------------
# Reading the files as their tools do
# --------------------------------------------------------------------------------------------

def load_yaml_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def parse_dockerfile(path):
    """Stages (name -> base image), and per stage its ENTRYPOINT / HEALTHCHECK / COPY lines."""
    text = open(path).read()
    text = re.sub(r"\\\n", " ", text)  # line continuations
    stages, order, current, args = {}, [], None, {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "ARG" and current is None:  # global ARGs: the bases' defaults
            name, _, default = rest.strip().partition("=")
            args[name] = default
        elif word == "FROM":
            # FROM [--platform=P] IMAGE [AS NAME]; P is kept as written (build args unresolved).
            m = re.match(r"(?:--platform=(\S+)\s+)?(\S+)(?:\s+AS\s+(\S+))?", rest.strip(), re.I)
            base = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda v: args.get(v.group(1) or v.group(2), ""), m.group(2))
            current = {"base": base, "platform": m.group(1), "name": m.group(3) or str(len(order)), "lines": []}
            stages[current["name"]] = current
            order.append(current["name"])
        elif current is not None:
            current["lines"].append((word, rest.strip()))
    for st in stages.values():
        for word, rest in st["lines"]:
            if word == "ENTRYPOINT":
                st["entrypoint"] = json.loads(rest)
            elif word == "CMD":
                st["cmd"] = json.loads(rest)
            elif word == "HEALTHCHECK":
                m = re.match(r"((?:--\S+\s+)*)CMD\s+(\[.*\])$", rest)
                opts = dict(re.findall(r"--([\w-]+)=(\S+)", m.group(1)))
                st["healthcheck"] = {"options": opts, "test": json.loads(m.group(2))}
    return stages, order


def parse_dotenv(path):
    """Compose's env_file: KEY=VALUE lines; surrounding quotes are removed (Compose v2)."""
    env = {}
    for raw in open(path):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        env[key.strip()] = value
    return env


def compose_environment(env_spec):
    """`environment:` as Compose reads it: list items keep everything after the first '='
    literally (quotes included); mapping values are YAML scalars."""
    env = {}
    if isinstance(env_spec, list):
        for item in env_spec:
            key, _, value = item.partition("=")
            env[key] = value
    elif isinstance(env_spec, dict):
        for key, value in env_spec.items():
            env[key] = "" if value is None else str(value)
    return env


def compose_service(doc, name, compose_dir, env_files=None, overlay=None):
    """One service as a container spec: argv (entrypoint + command), env, mounts, healthcheck."""
    svc = json.loads(json.dumps(doc["services"][name]))  # deep copy
    if overlay:
        overlay(svc)
    env = {}
    for f in svc.get("env_file", []):
        path = (env_files or {}).get(f, os.path.join(compose_dir, f))
        env.update(parse_dotenv(path))
    env.update(compose_environment(svc.get("environment")))
    argv = list(svc.get("entrypoint", [])) + list(svc.get("command", []))
    mounts = []
    for v in svc.get("volumes", []):
        parts = v.split(":")
        source, target = parts[0], parts[1]
        opts = parts[2].split(",") if len(parts) > 2 else []
        kind = "bind" if source.startswith(("/", ".")) else "volume"
        mounts.append({"kind": kind, "source": source, "target": target, "readonly": "ro" in opts})
    return {"name": name, "argv": argv, "env": env, "mounts": mounts, "raw": svc,
            "healthcheck": svc.get("healthcheck"), "hostname": svc.get("hostname"),
            "pid_host": svc.get("pid") == "host", "network_mode": svc.get("network_mode")}


def expand_k8s(text, env):
    """$(VAR) references in command/args, as the kubelet expands them."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), text)


FIELD_STUBS = {"metadata.name": "netdata-child-test", "spec.nodeName": "node-1",
               "metadata.namespace": "netdata", "status.podIP": "127.0.0.1"}


def k8s_container(pod_spec, name, secrets):
    """A container of a pod spec (initContainers or containers) as a container spec."""
    all_containers = pod_spec.get("initContainers", []) + pod_spec.get("containers", [])
    c = next(x for x in all_containers if x["name"] == name)
    env = {}
    for src_ in c.get("envFrom", []):
        ref = src_.get("secretRef")
        if ref:
            env.update(secrets.get(ref["name"], {}))
    for e in c.get("env", []):
        if "value" in e:
            env[e["name"]] = expand_k8s(str(e["value"]), env)
        elif "valueFrom" in e:
            vf = e["valueFrom"]
            if "secretKeyRef" in vf:
                ref = vf["secretKeyRef"]
                secret = secrets.get(ref["name"], {})
                if ref["key"] in secret:
                    env[e["name"]] = secret[ref["key"]]
                elif not ref.get("optional"):
                    fail(f"{name}: Secret {ref['name']} has no key {ref['key']}")
            elif "fieldRef" in vf:
                env[e["name"]] = FIELD_STUBS[vf["fieldRef"]["fieldPath"]]
    argv = [expand_k8s(a, env) for a in c.get("command", [])] + [expand_k8s(a, env) for a in c.get("args", [])]
    volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
    mounts = []
    for m in c.get("volumeMounts", []):
        vol = volumes.get(m["name"])
        if vol is None:
            fail(f"{name}: volumeMount {m['name']} names no volume of the pod")
        mounts.append({"kind": next(k for k in vol if k != "name"), "volume": m["name"], "spec": vol,
                       "target": m["mountPath"], "readonly": bool(m.get("readOnly"))})
    return {"name": name, "argv": argv, "env": env, "mounts": mounts, "raw": c,
            "pid_host": bool(pod_spec.get("hostPID")), "hostname": "netdata-k8s-node"}


def pod_spec_of(path, kind):
    for d in load_yaml_docs(path):
        if d.get("kind") == kind:
            return d["spec"]["template"]["spec"], d
    fail(f"{path}: no {kind}")


# --------------------------------------------------------------------------------------------
# Running containers in namespaces
# --------------------------------------------------------------------------------------------

class Sandbox:
    """A network + UTS namespace (the pod / the container's network): only loopback."""

    def __init__(self, hostname="netdata-host"):
        self.proc = subprocess.Popen(
            ["unshare", "--net", "--uts", "--fork", "sh", "-c",
             f"ip link set lo up && hostname {hostname} && echo up && exec sleep 100000"],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "up":
            fail("sandbox did not start")
        self.pid = child_of(self.proc.pid)
        self.background = []

    def nsenter(self):
        return ["nsenter", f"--net=/proc/{self.pid}/ns/net", f"--uts=/proc/{self.pid}/ns/uts", "--"]

    def spawn(self, argv, **kw):
        """A helper process (fake cloud, proxy) inside this network namespace."""
        p = subprocess.Popen(self.nsenter() + argv, **kw)
        self.background.append(p)
        return p

    def close(self):
        for p in self.background:
            kill_tree(p.pid)
        kill_tree(self.proc.pid)


def child_of(pid, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            kids = open(f"/proc/{pid}/task/{pid}/children").read().split()
        except OSError:
            kids = []
        if kids:
            return int(kids[0])
        time.sleep(0.01)
    fail(f"process {pid} has no child")


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                kids = open(f"/proc/{p}/task/{t}/children").read().split()
                out += [int(k) for k in kids]
                todo += [int(k) for k in kids]
        except OSError:
            pass
    return out


def exe_name(pid):
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return ""


def kill_tree(pid):
    """SIGKILL a process this harness started and everything below it."""
    for p in [pid] + descendants(pid):
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Done:
    def __init__(self, returncode, stdout, stderr, seconds):
        self.returncode, self.stdout, self.stderr, self.seconds = returncode, stdout, stderr, seconds


def run_bounded(cmd, timeout):
    """Run in its own process group; on timeout kill the whole group (returncode None)."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        return Done(p.returncode, out, err, time.monotonic() - start)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return Done(None, out, err, time.monotonic() - start)


class Volumes:
    """Temporary directories standing in for named volumes, hostPath, emptyDir and PVCs."""

    def __init__(self, root):
        self.root = root
        self.dirs = {}

    def get(self, key, init=None):
        if key not in self.dirs:
            path = os.path.join(self.root, "vol-" + re.sub(r"[^A-Za-z0-9]+", "_", key))
            os.makedirs(path)
            if init:
                init(path)
            self.dirs[key] = path
        return self.dirs[key]


def docker_volume_init(target):
    """A new named volume gets the image directory's ownership (netdata image: 201:0, 0770)."""
    def init(path):
        if target in ("/var/lib/netdata", "/var/cache/netdata"):
            os.chown(path, 201, 0)
            os.chmod(path, 0o770)
    return init


def seed_claimed_state(varlib):
    """cloud.d/ as a successful v2 claim leaves it (reference/netdata-facts.md §2d), owned by the
    netdata user: the volume of an agent that claimed on its first start."""
    d = os.path.join(varlib, "cloud.d")
    os.makedirs(d)
    subprocess.run(["openssl", "genrsa", "-out", os.path.join(d, "private.pem"), "2048"], check=True, capture_output=True)
    subprocess.run(["openssl", "rsa", "-in", os.path.join(d, "private.pem"), "-pubout", "-out",
                    os.path.join(d, "public.pem")], check=True, capture_output=True)
    claim_id = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    with open(os.path.join(d, "claimed_id"), "w") as f:
        f.write(claim_id)
    with open(os.path.join(d, "cloud.conf"), "w") as f:
        f.write(f"[global]\n    enabled = yes\n    cloud base url = https://app.netdata.cloud\n"
                f"    claimed_id = {claim_id}\n")
    for root, dirs, files in os.walk(varlib):
        for n in dirs + files:
            os.chown(os.path.join(root, n), 201, 201)
    os.chmod(d, 0o770)
    for n in ("private.pem", "public.pem", "claimed_id", "cloud.conf"):
        os.chmod(os.path.join(d, n), 0o660)


def with_line(path, line):
    text = open(path).read()
    return text if line.split(":")[0] + ":" in text else text + line + "\n"


def image_files(run_sh):
    """The wrapper image: netdata/netdata:stable plus the binary (Dockerfile stage `agent`).

    /usr/sbin/netdata answers `-V` as the stable image's agent does (v2 claims by itself);
    /usr/sbin/run.sh is the scenario's agent (the real Debian netdata-core, or a fake)."""
    agent_stub = "#!/bin/sh\ncase \"$1\" in -V|-v|--version) echo 'netdata v2.11.0'; exit 0;; esac\n" \
                 "echo 'image stand-in: only -V is emulated' >&2; exit 1\n"
    return [
        {"path": PREFLIGHT, "copy": BINARY, "mode": 0o755},
        {"path": "/usr/sbin/netdata", "text": agent_stub, "mode": 0o755},
        {"path": "/usr/sbin/run.sh", "text": run_sh, "mode": 0o755},
        # The real agent inside the image, as the image has it: run from the checkout, it
        # would need uid 201 to traverse the checkout's parents (a 0700 mktemp dir, say).
        {"path": IMAGE_DEBIAN_AGENT, "copy": DEBIAN_AGENT, "mode": 0o755},
        # The image's netdata user and group (uid/gid 201).
        {"path": "/etc/passwd", "text": with_line("/etc/passwd", "netdata:x:201:201::/var/lib/netdata:/usr/sbin/nologin"),
         "mode": 0o644},
        {"path": "/etc/group", "text": with_line("/etc/group", "netdata:x:201:"), "mode": 0o644},
    ]


def image_mounts():
    """The agent's stock files in the image: taken from the Debian netdata-core package."""
    base = os.path.join(DEPS, "netdata", "usr")
    return [{"source": os.path.join(base, "lib", "netdata", "conf.d"), "target": "/usr/lib/netdata/conf.d", "readonly": True},
            {"source": os.path.join(base, "lib", "netdata", "plugins.d"), "target": "/usr/lib/netdata/plugins.d", "readonly": True},
            {"source": os.path.join(base, "share", "netdata", "web"), "target": "/usr/share/netdata/web", "readonly": True}]


def runtime_files(work, id_seed, hostname):
    """What the runtime bind-mounts into every container: /etc/hostname, /etc/hosts and
    /etc/resolv.conf from its own directory named by the 64-hex container id (Docker:
    /var/lib/docker/containers/<id>/; Kubernetes: the pod sandbox's, shared by its containers)."""
    cid = hashlib.sha256(id_seed.encode()).hexdigest()
    d = os.path.join(work, "runtime", "containers", cid)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "hostname"), "w") as f:
        f.write((hostname or cid[:12]) + "\n")
    with open(os.path.join(d, "hosts"), "w") as f:
        f.write("127.0.0.1\tlocalhost\n")
    shutil.copyfile("/etc/resolv.conf", os.path.join(d, "resolv.conf"))
    return [{"source": os.path.join(d, n), "target": "/etc/" + n} for n in ("hostname", "hosts", "resolv.conf")]


IMAGE_DIRS = [
    {"path": "/var/lib/netdata", "uid": 201, "gid": 0, "mode": 0o770},
    {"path": "/var/cache/netdata", "uid": 201, "gid": 0, "mode": 0o770},
    {"path": "/etc/netdata", "uid": 0, "gid": 0, "mode": 0o755},
    {"path": "/run/netdata", "uid": 201, "gid": 0, "mode": 0o775},
    {"path": "/var/log/netdata", "uid": 201, "gid": 0, "mode": 0o770},
    {"path": "/host", "uid": 0, "gid": 0, "mode": 0o755},
]

RUN_SH_DEBIAN = f"""#!/bin/sh
# Stand-in for the image's run.sh: the real Debian netdata-core agent, in the foreground.
echo started >> /var/lib/netdata/.run-sh-started
exec {IMAGE_DEBIAN_AGENT} -u netdata -D -p "${{NETDATA_LISTENER_PORT:-19999}}" \
  -W set global 'web files owner' root -W set global 'web files group' root \
  -W set plugins 'enable running new plugins' no
"""

RUN_SH_MARKER = """#!/bin/sh
echo started >> /var/lib/netdata/.run-sh-started
exec sleep 100000
"""


def image_env(hostname):
    return {"PATH": IMAGE_PATH, "HOME": "/root", "HOSTNAME": hostname or "netdata-host",
            "NETDATA_LISTENER_PORT": "19999", "NETDATA_OFFICIAL_IMAGE": "true", "DOCKER_USR": "netdata"}


class Container:
    """One container of a spec, in a sandbox, with its mounts resolved to host directories."""

    def __init__(self, sandbox, spec, mounts, work, run_sh=RUN_SH_MARKER, extra_env=None,
                 seccomp=None, argv=None, pid_ns=None, sandbox_id=None):
        self.sandbox, self.spec, self.work = sandbox, spec, work
        os.makedirs(work, exist_ok=True)
        self.env = image_env(spec.get("hostname"))
        self.env.update(spec["env"])
        self.env.update(extra_env or {})
        self.argv = list(argv if argv is not None else spec["argv"])
        self.termination_log = os.path.join(work, "termination-log")
        open(self.termination_log, "w").close()
        self.mounts = image_mounts() + runtime_files(work, sandbox_id or work, spec.get("hostname")) + list(mounts) \
            + [{"source": self.termination_log, "target": "/dev/termination-log"}]
        self.run_sh, self.seccomp = run_sh, seccomp
        self.spec_file = os.path.join(work, "spec.json")
        self.pid_ns = (not spec.get("pid_host")) if pid_ns is None else pid_ns
        self.proc = None

    def start(self):
        final_argv = self.argv
        if self.seccomp:
            final_argv = [self.seccomp["launcher"], self.seccomp["profile"], "--"] + self.argv
        with open(self.spec_file, "w") as f:
            json.dump({"work": self.work, "argv": final_argv, "env": self.env, "mounts": self.mounts,
                       "image_files": image_files(self.run_sh), "image_dirs": IMAGE_DIRS,
                       "hostname": self.spec.get("hostname")}, f)
        ns = ["unshare", "--mount", "--pid", "--fork", "--mount-proc"] if self.pid_ns else ["unshare", "--mount"]
        self.stdout = open(os.path.join(self.work, "stdout"), "w+")
        self.stderr = open(os.path.join(self.work, "stderr"), "w+")
        self.proc = subprocess.Popen(self.sandbox.nsenter() + ns + [sys.executable, os.path.join(HERE, "ns_init.py"),
                                     self.spec_file], stdout=self.stdout, stderr=self.stderr)
        self.pid1 = child_of(self.proc.pid) if self.pid_ns else self.proc.pid
        return self

    def wait(self, timeout):
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            kill_tree(self.proc.pid)
            self.proc.wait()
            fail(f"container {self.spec['name']} did not exit within {timeout}s; stderr: {self.err()[-2000:]}")
        return code

    def run(self, timeout):
        """Start and wait: the container's exit code (an init container, a one-shot service)."""
        self.start()
        return self.wait(timeout)

    def out(self):
        self.stdout.flush()
        return open(self.stdout.name).read()

    def err(self):
        self.stderr.flush()
        return open(self.stderr.name).read()

    def exec(self, argv, timeout=10):
        """`docker exec` / a kubelet exec probe: the container's env, namespaces and root."""
        target = ["nsenter", "-t", str(self.pid1), "--mount", "--net", "--uts"] + (["--pid"] if self.pid_ns else [])
        cmd = target + ["--", "env", "-i"] + [f"{k}={v}" for k, v in self.env.items()] + list(argv)
        return run_bounded(cmd, timeout)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            kill_tree(self.proc.pid)
            self.proc.wait()


def compose_mounts(spec, vols, host_binds=True):
    """Compose's volumes: named volumes -> per-test directories; host binds -> the host path."""
    out = []
    for m in spec["mounts"]:
        if m["kind"] == "volume":
            out.append({"source": vols.get("docker:" + m["source"], docker_volume_init(m["target"])),
                        "target": m["target"], "readonly": m["readonly"]})
        elif host_binds:
            if not os.path.exists(m["source"]):
                continue  # e.g. /var/run/docker.sock: no Docker engine on this machine
            out.append({"source": m["source"], "target": m["target"], "readonly": m["readonly"],
                        "recursive": m["source"] in ("/", "/sys", "/proc")})
    return out


def k8s_mounts(spec, vols, fs_group=None):
    """A pod's volumes: hostPath of the node's files stays the host path (read-only use);
    hostPath DirectoryOrCreate, emptyDir and PVCs become per-test directories."""
    out = []
    for m in spec["mounts"]:
        vol = m["spec"]
        if m["kind"] == "hostPath" and vol["hostPath"].get("type") != "DirectoryOrCreate":
            out.append({"source": vol["hostPath"]["path"], "target": m["target"], "readonly": m["readonly"],
                        "recursive": vol["hostPath"]["path"] in ("/proc", "/sys")})
            continue
        key = "k8s:" + m["volume"]

        def init(path, kind=m["kind"]):
            if kind == "emptyDir":
                os.chmod(path, 0o777)
            elif kind == "hostPath":
                os.chmod(path, 0o755)  # what the kubelet creates for DirectoryOrCreate
            if fs_group is not None and kind in ("emptyDir", "persistentVolumeClaim"):
                os.chown(path, 0, fs_group)
                os.chmod(path, 0o2775 if kind == "persistentVolumeClaim" else 0o2777)
        out.append({"source": vols.get(key, init), "target": m["target"], "readonly": m["readonly"]})
    return out


# --------------------------------------------------------------------------------------------
# Fakes: a test CA and a TLS "Netdata Cloud" inside the sandbox
# --------------------------------------------------------------------------------------------

def make_ca(work):
    """A test CA and a server certificate for the three Cloud hosts (generated now)."""
    d = os.path.join(work, "pki")
    os.makedirs(d)
    def o(*a):
        subprocess.run(["openssl"] + list(a), check=True, capture_output=True, cwd=d)
    o("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
      "-subj", "/CN=netdata-preflight test CA")
    o("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
      "-subj", "/CN=app.netdata.cloud")
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=" + ",".join("DNS:" + h for h in CLOUD_HOSTS) + "\n")
    o("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
      "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    return d


def wait_port(sandbox, addr, port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        r = subprocess.run(sandbox.nsenter() + [sys.executable, "-c",
                           f"import socket; socket.create_connection(('{addr}', {port}), 1)"],
                           capture_output=True)
        if r.returncode == 0:
            return
        time.sleep(0.1)
    fail(f"nothing listens on {addr}:{port} in the sandbox")


def start_fake_cloud(sandbox, pki, mode="ok"):
    sandbox.spawn([sys.executable, os.path.join(HERE, "fake_cloud.py"), "--listen", CLOUD_ADDR, "--port", "443",
                   "--cert", os.path.join(pki, "server.pem"), "--key", os.path.join(pki, "server.key"),
                   "--mode", mode])
    wait_port(sandbox, CLOUD_ADDR, 443)


PROXY_URL = "http://127.0.0.1:3128"


def start_proxy(sandbox, work):
    """Real tinyproxy in the sandbox: CONNECT to 443 only. It resolves the Cloud hosts through
    its own /etc/hosts (its own mount namespace) to the fake cloud: the only way out."""
    d = os.path.join(work, "proxy")
    os.makedirs(d)
    with open(os.path.join(d, "hosts"), "w") as f:
        f.write("127.0.0.1 localhost\n" + "".join(f"{CLOUD_ADDR} {h}\n" for h in CLOUD_HOSTS))
    with open(os.path.join(d, "tinyproxy.conf"), "w") as f:
        f.write("Port 3128\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nAllow 127.0.0.1\n"
                "ConnectPort 443\nLogLevel Error\n")
    sandbox.spawn(["unshare", "--mount", "sh", "-c",
                   f"mount --bind {d}/hosts /etc/hosts && exec tinyproxy -d -c {d}/tinyproxy.conf"])
    wait_port(sandbox, "127.0.0.1", 3128)


def cloud_overlay_env(pki, addr=CLOUD_ADDR):
    """What the tests add to a file's environment (never in the files): pin the Cloud hosts to
    the fake cloud and trust its test CA."""
    pins = ",".join(f"{h}:443:{addr}" for h in CLOUD_HOSTS)
    return {"PREFLIGHT_RESOLVE": pins, "PREFLIGHT_CA_FILE": os.path.join(pki, "ca.pem")}


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------

def report_of(text, what):
    try:
        report = json.loads(text)
    except ValueError:
        fail(f"{what}: not a JSON report: {text[:400]!r}")
    check(report.get("schema") == 1, f"{what}: JSON report schema 1")
    return report


def check_status(report, check_id):
    for c in report["checks"]:
        if c["id"] == check_id:
            return c
    fail(f"report has no check {check_id}")


def show(report):
    v = report["verdict"]
    print(f"verdict: {v['status']} {v['expected_node_state']} {v['section']}: {v['summary']}")
    for c in report["checks"]:
        print(f"  {c['status']:5} {c['id']}: {c.get('message', '')}")


def no_token(texts, what):
    for t in texts:
        if FAKE_TOKEN in t or FAKE_TOKEN[:20] in t:
            fail(f"{what}: the claim token appears in the output")
    print(f"ok: {what}: the claim token appears nowhere")


def write_env_file(work, token=FAKE_TOKEN, extra=None):
    """docker/netdata.env.example with the stub token filled in, as an operator would."""
    lines = []
    for raw in open(src("docker/netdata.env.example")):
        if raw.startswith("NETDATA_CLAIM_TOKEN="):
            raw = f"NETDATA_CLAIM_TOKEN={token}\n"
        lines.append(raw)
    for k, v in (extra or {}).items():
        lines.append(f"{k}={v}\n")
    path = os.path.join(work, "netdata.env")
    with open(path, "w") as f:
        f.writelines(lines)
    return path


def seccomp_launcher():
    """tests/tools/seccomp_launcher from the build tree, or None."""
    for base, _, files in os.walk(BUILD_DIR):
        if "seccomp_launcher" in files:
            path = os.path.join(base, "seccomp_launcher")
            if os.access(path, os.X_OK):
                return path
    return None


WORKDIRS = []


def cleanup():
    """Remove this run's work directories (kept when it failed, or with DEPLOY_KEEP_WORK=1)."""
    if os.environ.get("DEPLOY_KEEP_WORK") != "1":
        for d in WORKDIRS:
            shutil.rmtree(d, ignore_errors=True)


def workdir(name):
    d = tempfile.mkdtemp(prefix=f"deploy-{name}-", dir=os.environ.get("TMPDIR", "/tmp"))
    WORKDIRS.append(d)
    os.chmod(d, 0o755)
    return d
