#!/usr/bin/env python3
"""The deploy tests: docker/ and k8s/ run exactly as written, in containers emulated with
namespaces (see deploy_lib.py). One scenario per CTest test:

  python3 scenarios.py SCENARIO

Exit 0 = pass, 1 = fail, 77 = skipped (the reason is printed).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deploy_lib as L  # noqa: E402
from deploy_lib import check, fail  # noqa: E402

COMPOSE = L.src("docker/compose.yaml")
DOCKERFILE = L.src("docker/Dockerfile")
DAEMONSET = L.src("k8s/daemonset.yaml")
SIDECAR = L.src("k8s/sidecar.yaml")
HELM = L.src("k8s/helm-values.yaml")
ENTRYPOINT = [L.PREFLIGHT, "run", "--supervise", "--", "/usr/sbin/run.sh"]
SECRETS = {"netdata-claim": {"NETDATA_CLAIM_TOKEN": L.FAKE_TOKEN, "NETDATA_CLAIM_ROOMS": L.FAKE_ROOM}}


# --------------------------------------------------------------------------------------------
# Static: the files parse and say what they must
# --------------------------------------------------------------------------------------------

def files_parse():
    stages, order = L.parse_dockerfile(DOCKERFILE)
    check(stages[order[0]]["base"] == "debian:bookworm", "Dockerfile: stage 1 is debian:bookworm")
    check("BUILDPLATFORM" in (stages[order[0]]["platform"] or ""),
          "Dockerfile: stage 1 runs on the builder's platform ($BUILDPLATFORM) and cross-compiles")
    runs = " ".join(r for w, r in stages[order[0]]["lines"] if w == "RUN")
    check("scripts/bootstrap.sh" in runs and "make build" in runs, "Dockerfile: stage 1 bootstraps and builds with make")
    check(all(t in runs for t in ("container_test", "checks_test", "cmd_test")), "Dockerfile: stage 1 runs the unit tests")
    check(stages.get("binary", {}).get("base") == "scratch", "Dockerfile: a scratch target named binary")
    check([w for w, _ in stages["binary"]["lines"] if w not in ("ENTRYPOINT", "CMD")] == ["COPY"],
          "Dockerfile: the scratch target holds only the binary")
    final = stages[order[-1]]
    check(final["base"] == "netdata/netdata:stable", "Dockerfile: the default (last) stage is FROM netdata/netdata:stable")
    check(any(w == "COPY" and r.endswith(L.PREFLIGHT) for w, r in final["lines"]), "Dockerfile: the binary is COPY'd to /usr/local/bin")
    check(final.get("entrypoint") == ENTRYPOINT, "Dockerfile: ENTRYPOINT is the run --supervise wrapper")
    hc = final.get("healthcheck")
    check(hc is not None and hc["test"][:2] == [L.PREFLIGHT, "probe"], "Dockerfile: HEALTHCHECK uses netdata-preflight probe")

    compose = L.load_yaml_docs(COMPOSE)[0]
    nd = compose["services"]["netdata"]
    check(nd.get("pid") == "host" and nd.get("restart") == "unless-stopped" and nd.get("hostname"),
          "compose: pid host, restart unless-stopped, hostname")
    check(set(nd.get("cap_add", [])) >= {"SYS_PTRACE", "SYS_ADMIN"}, "compose: cap_add SYS_PTRACE SYS_ADMIN")
    check("apparmor:unconfined" in nd.get("security_opt", []), "compose: security_opt apparmor:unconfined")
    vols = {v.split(":")[1]: v.split(":")[0] for v in nd["volumes"]}
    for target in ("/var/lib/netdata", "/etc/netdata", "/var/cache/netdata"):
        check(target in vols and vols[target] in compose["volumes"], f"compose: named volume for {target}")
    for target in ("/host/proc", "/host/sys", "/host/etc/os-release"):
        check(target in vols, f"compose: host mount {target}")
    env_inline = L.compose_environment(nd.get("environment"))
    check(not any(k.startswith("NETDATA_CLAIM") for k in env_inline) and nd.get("env_file"),
          "compose: claim variables come from an env file, not inline")
    check(nd.get("entrypoint") == ENTRYPOINT, "compose: the entrypoint wrapper, same as the Dockerfile's")
    check(nd["healthcheck"]["test"][0] == "CMD" and nd["healthcheck"]["test"][1:3] == [L.PREFLIGHT, "probe"],
          "compose: healthcheck uses netdata-preflight probe")
    pf = compose["services"]["preflight"]
    check(pf.get("profiles") == ["tools"] and pf.get("network_mode") == "service:netdata",
          "compose: preflight is a tools-profile one-shot in the agent's network namespace")
    check({v.split(":")[1] for v in pf["volumes"]} == {"/var/lib/netdata", "/etc/netdata", "/var/cache/netdata"},
          "compose: preflight mounts the same named volumes")
    example = L.parse_dotenv(L.src("docker/netdata.env.example"))
    check("NETDATA_CLAIM_TOKEN" in example, "netdata.env.example: has NETDATA_CLAIM_TOKEN")
    raw = open(L.src("docker/netdata.env.example")).read()
    check('"' not in "".join(l for l in raw.splitlines() if not l.startswith("#")), "netdata.env.example: no quotes in values")

    pod, _ = L.pod_spec_of(DAEMONSET, "DaemonSet")
    init = next(c for c in pod["initContainers"] if c["name"] == "preflight")
    check(init["command"] + init["args"] == [L.PREFLIGHT, "check", "--gate", "--wait-for-cloud", "60s", "--format", "json",
                                             "--output", "/preflight/report.json"], "daemonset: the gate's command line")
    check(init.get("terminationMessagePolicy") == "FallbackToLogsOnError", "daemonset: FallbackToLogsOnError")
    vol = {v["name"]: v for v in pod["volumes"]}
    check(vol["persistencevarlibdir"]["hostPath"] == {"path": "/var/lib/netdata-k8s-child/var/lib/netdata",
                                                       "type": "DirectoryOrCreate"}, "daemonset: hostPath persistence as the chart")
    check("emptyDir" in vol["preflight"], "daemonset: the report on an emptyDir")
    token_env = next(e for e in init["env"] if e["name"] == "NETDATA_CLAIM_TOKEN")
    check("secretKeyRef" in token_env["valueFrom"], "daemonset: the token from a Secret")

    spod, _ = L.pod_spec_of(SIDECAR, "Deployment")
    side = next(c for c in spod["initContainers"] if c.get("restartPolicy") == "Always")
    check(side["args"][0] == "serve", "sidecar: a native sidecar (restartPolicy Always) running serve")
    agent = spod["containers"][0]
    run_mounts = lambda c: {m["name"] for m in c["volumeMounts"] if m["mountPath"] == "/run/netdata"}
    check(run_mounts(side) and run_mounts(side) == run_mounts(agent), "sidecar: shares /run/netdata with the agent")
    check({v["name"]: v for v in spod["volumes"]}[next(iter(run_mounts(side)))].get("emptyDir") == {},
          "sidecar: the run dir is an emptyDir")
    check(agent["readinessProbe"].get("httpGet", {}).get("path") == "/readyz" and
          agent["startupProbe"]["exec"]["command"][:2] == [L.PREFLIGHT, "probe"],
          "sidecar: readiness on /readyz, startup exec probe")
    ann = L.load_yaml_docs(SIDECAR)[2]["spec"]["template"]["metadata"]["annotations"]
    check(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/path") == "/metrics",
          "sidecar: Prometheus scrape annotations for /metrics")

    helm = L.load_yaml_docs(HELM)[0]
    # Keys of the official chart (netdata/helmchart 3.7.172 values.yaml) this file may set: a
    # key the chart does not have would be silently ignored by helm.
    chart_keys = {"image": {"repository", "tag", "pullPolicy"},
                  "parent": {"claiming", "envFrom", "extraVolumes", "extraVolumeMounts", "extraInitContainers"},
                  "child": {"claiming", "envFrom", "extraVolumes", "extraVolumeMounts"}}
    for top, keys in helm.items():
        check(top in chart_keys and set(keys) <= chart_keys[top], f"helm-values: {top}.* are keys the chart has")
    check(helm["parent"]["extraInitContainers"][0]["args"][:2] == ["check", "--gate"], "helm-values: parent gate")


# fault: input | a deployment file using an option the binary does not have | exit 64 detected: the drift fails the test
def drift_detector():
    """The harness's own control: a misspelled option is caught (exit 64), so the scenario tests
    would catch a file that drifts from the binary's real options."""
    L.require_namespaces()
    work = L.workdir("drift")
    sb = L.Sandbox()
    try:
        spec = {"name": "drift", "argv": [L.PREFLIGHT, "check", "--gate", "--wait-for-clod", "60s"], "env": {}, "mounts": []}
        code = L.Container(sb, spec, [], os.path.join(work, "c")).run(30)
        check(code == 64, f"a misspelled option exits 64 (got {code})")
    finally:
        sb.close()


def commands_accepted():
    """Every netdata-preflight command line of docker/ and k8s/ is accepted by the binary (no
    exit 64 = usage error, no 70 = internal error), each in its container with the file's mounts
    and environment: the check that a file has drifted from the binary's real options."""
    L.require_namespaces()
    stages, order = L.parse_dockerfile(DOCKERFILE)
    compose = ComposeProject("accepted-compose")
    cases = []  # (what, container factory, argv)
    cases.append(("Dockerfile ENTRYPOINT", lambda: compose.service("netdata"), stages[order[-1]]["entrypoint"]))
    cases.append(("Dockerfile HEALTHCHECK", lambda: compose.service("netdata"), stages[order[-1]]["healthcheck"]["test"]))
    for svc in ("netdata", "preflight"):
        s = compose.doc["services"][svc]
        cases.append((f"compose {svc}", lambda svc=svc: compose.service(svc), s["entrypoint"] + s.get("command", [])))
    cases.append(("compose healthcheck", lambda: compose.service("netdata"),
                  compose.doc["services"]["netdata"]["healthcheck"]["test"][1:]))
    pods = [Pod(DAEMONSET, "DaemonSet", L.workdir("accepted-ds")), Pod(SIDECAR, "Deployment", L.workdir("accepted-sc"))]
    for pod in pods:
        for c in pod.spec.get("initContainers", []) + pod.spec["containers"]:
            argv = c.get("command", []) + c.get("args", [])
            name = f"{os.path.basename(pod.doc['kind'])} {c['name']}"
            if argv and argv[0] == L.PREFLIGHT:
                cases.append((name, lambda pod=pod, n=c["name"]: pod.container(n), argv))
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                if "exec" in c.get(probe, {}):
                    cases.append((f"{name} {probe}", lambda pod=pod, n=c["name"]: pod.container(n),
                                  c[probe]["exec"]["command"]))
    helm = L.load_yaml_docs(HELM)[0]
    hpod = Pod(DAEMONSET, "DaemonSet", L.workdir("accepted-helm"))
    hpod.spec = {"initContainers": helm["parent"]["extraInitContainers"], "containers": [],
                 "volumes": [{"name": "alarms", "emptyDir": {}}, {"name": "database", "emptyDir": {}}]
                 + helm["parent"]["extraVolumes"]}
    for c in helm["parent"]["extraInitContainers"]:
        cases.append(("helm parent " + c["name"], lambda n=c["name"]: hpod.container(n), c["command"] + c["args"]))
    bad = []
    try:
        for what, make, argv in cases:
            c = make()
            c.argv = list(argv)
            c.start()
            deadline = time.time() + 3
            while time.time() < deadline and c.running():
                time.sleep(0.05)
            code = None if c.running() else c.proc.returncode
            c.stop()
            line = f"{what}: `{' '.join(argv[1:])}` exit {code} (None = still running after 3 s)"
            if code in (64, 70):
                bad.append(line + "; stderr: " + c.err().strip()[-300:])
            else:
                print("ok: " + line)
    finally:
        compose.close()
        for pod in pods + [hpod]:
            pod.close()
    if bad:
        fail("not accepted by the binary:\n  " + "\n  ".join(bad))


# --------------------------------------------------------------------------------------------
# Scenarios an operator meets
# --------------------------------------------------------------------------------------------

class Pod:
    """A pod of one of the k8s files: a sandbox, its volumes, its containers."""

    def __init__(self, path, kind, work, fs_group=None):
        self.spec, self.doc = L.pod_spec_of(path, kind)
        self.work = work
        self.sandbox = L.Sandbox("netdata-k8s-node")
        self.vols = L.Volumes(work)
        self.fs_group = (self.spec.get("securityContext") or {}).get("fsGroup", fs_group)

    def container(self, name, extra_env=None, run_sh=L.RUN_SH_MARKER, seccomp=None):
        spec = L.k8s_container(self.spec, name, SECRETS)
        mounts = L.k8s_mounts(spec, self.vols, self.fs_group)
        return L.Container(self.sandbox, spec, mounts, os.path.join(self.work, name), run_sh=run_sh,
                           extra_env=extra_env, seccomp=seccomp, sandbox_id=self.work)

    def run_init(self, name, extra_env=None, timeout=150):
        c = self.container(name, extra_env)
        code = c.run(timeout)
        print(f"init container {name}: exit {code}")
        return c, code

    def volume(self, name):
        return self.vols.dirs["k8s:" + name]

    def close(self):
        self.sandbox.close()


def gate_report(pod):
    path = os.path.join(pod.volume("preflight"), "report.json")
    check(os.path.exists(path), "the gate wrote its JSON report to the emptyDir (/preflight/report.json)")
    report = L.report_of(open(path).read(), "report.json")
    L.show(report)
    return report


def daemonset_gate(mode, pki_mode=None):
    """The DaemonSet's init containers against a fake cloud in `mode`; the gate's report."""
    work = L.workdir("ds-" + mode)
    pod = Pod(DAEMONSET, "DaemonSet", work)
    pki = L.make_ca(work)
    if pki_mode != "none":
        L.start_fake_cloud(pod.sandbox, pki, mode)
    _, code = pod.run_init("init-persistence")
    check(code == 0, "init-persistence (the chart's chmod) succeeds")
    gate, code = pod.run_init("preflight", L.cloud_overlay_env(pki))
    return pod, pki, gate, code


def k8s_fresh_claim():
    L.require_namespaces()
    pod, pki, gate, code = daemonset_gate("ok")
    try:
        report = gate_report(pod)
        check(code == 0, f"fresh claim, good token: the gate lets the agent start (exit {code})")
        check(L.check_status(report, "claim.token")["status"] == "pass", "claim.token passes for a well-formed token")
        for cid in ("network.dns", "network.tls", "network.https", "network.websocket"):
            check(L.check_status(report, cid)["status"] == "pass", f"{cid} passes against the fake cloud")
        # The chart's child persists only /var/lib/netdata: the warning about /etc/netdata and
        # /var/cache/netdata is right and does not stop the node from being Live.
        check(report["verdict"]["status"] != "fail" and report["verdict"]["expected_node_state"] == "live",
              "verdict: not fail, the node can be live")
        term = open(gate.termination_log).read()
        check(term.strip() != "", "the summary is in /dev/termination-log (kubectl describe pod)")
        L.no_token([term, gate.out(), gate.err(), json.dumps(report)], "gate")
        # The agent container: run --supervise hands off to the real Debian agent.
        agent = pod.container("netdata", L.cloud_overlay_env(pki), run_sh=L.RUN_SH_DEBIAN).start()
        try:
            probes = {p: agent.spec["raw"][p]["exec"]["command"] for p in ("startupProbe", "livenessProbe", "readinessProbe")}
            started = None
            for _ in range(60):
                r = agent.exec(probes["startupProbe"])
                if r.returncode == 0:
                    started = r
                    break
                if not agent.running():
                    break
                time.sleep(1)
            check(started is not None, "startupProbe succeeds once the agent serves: "
                  + (started.stdout.strip() if started else agent.err()[-800:]))
            check(started.seconds < 1.0, f"the exec probe answers within the kubelet's 1 s ({started.seconds:.3f}s)")
            live = agent.exec(probes["livenessProbe"])
            check(live.returncode == 0 and live.stdout.startswith("ready"), "livenessProbe: ready (running)")
            ready = agent.exec(probes["readinessProbe"])
            check(ready.returncode == 1 and ready.stdout.startswith("not ready") and len(ready.stdout.splitlines()) == 1,
                  "readinessProbe (claimed): the Debian agent cannot be claimed, one-line reason: " + ready.stdout.strip())
            check(os.path.exists(os.path.join(pod.volume("persistencevarlibdir"), ".run-sh-started")),
                  "the agent was started on the hostPath volume")
        finally:
            agent.stop()
    finally:
        pod.close()


# fault: proxy | Kubernetes pod whose egress needs a proxy that is not configured, then configured (emulated pod) | network.tls fail (direct path refused), verdict absent; with the proxy, network.proxy passes through real tinyproxy
def k8s_proxy_required():
    """Egress only through a proxy, and none configured: the direct path is refused."""
    L.require_namespaces()
    work = L.workdir("ds-proxy")
    pod = Pod(DAEMONSET, "DaemonSet", work)
    try:
        pki = L.make_ca(work)
        # The Cloud hosts are pinned to 127.0.0.3, where nothing listens: a firewall that only
        # lets the proxy out, rejecting direct connections.
        _, code = pod.run_init("init-persistence")
        start = time.time()
        gate, code = pod.run_init("preflight", L.cloud_overlay_env(pki, addr="127.0.0.3"), timeout=200)
        report = gate_report(pod)
        check(code == 0, f"the network never blocks the hand-off: gate exit {code}")
        check(L.check_status(report, "network.proxy")["status"] != "fail", "network.proxy: no proxy configured is not itself a failure")
        check(L.check_status(report, "network.tls")["status"] == "fail", "network.tls fails: the direct path is refused")
        check(L.check_status(report, "network.websocket")["status"] == "skip", "network.websocket skipped (needs TLS)")
        check(report["verdict"]["status"] == "fail" and report["verdict"]["expected_node_state"] == "absent",
              "verdict: fail, the node will not appear (it cannot claim)")
        check(time.time() - start < 60 + 10 + 15, "the gate waited at most --wait-for-cloud 60s (+ deadline)")
        # The control: the same network with the proxy configured (the operator's fix: both
        # lowercase variables, the link reads http_proxy, the claim https_proxy) passes.
        L.start_fake_cloud(pod.sandbox, pki, "ok")
        L.start_proxy(pod.sandbox, work)
        os.unlink(os.path.join(pod.volume("preflight"), "report.json"))
        fixed = dict(L.cloud_overlay_env(pki, addr="127.0.0.3"), http_proxy=L.PROXY_URL, https_proxy=L.PROXY_URL)
        gate, code = pod.run_init("preflight", fixed, timeout=200)
        report = gate_report(pod)
        check(code == 0, f"with the proxy configured: gate exit {code}")
        check(L.check_status(report, "network.proxy")["status"] == "pass", "network.proxy passes: CONNECT through tinyproxy")
        check(L.check_status(report, "network.websocket")["status"] == "pass", "network.websocket passes through the proxy")
        check(report["verdict"]["status"] != "fail" and report["verdict"]["expected_node_state"] == "live",
              "verdict: live, once the proxy is configured")
    finally:
        pod.close()


# fault: network | firewall cuts WebSocket upgrades, HTTPS allowed (emulated pod) | network.websocket fail, verdict unseen, the guide's websockets section
def k8s_websockets_blocked():
    L.require_namespaces()
    pod, pki, gate, code = daemonset_gate("ws-blocked")
    try:
        report = gate_report(pod)
        check(code == 0, f"the network never blocks the hand-off: gate exit {code}")
        check(L.check_status(report, "network.https")["status"] == "pass", "network.https passes (HTTPS is allowed)")
        check(L.check_status(report, "network.websocket")["status"] == "fail", "network.websocket fails: the upgrade is cut")
        # HTTPS works, so the claim (a libcurl PUT) succeeds and the node appears; only the link's
        # WSS is cut: claimed but Unseen (the guide files websockets under "claimed but can not
        # connect").
        v = report["verdict"]
        check(v["status"] == "fail" and v["section"] == "verify-that-your-firewall-allows-websockets",
              "verdict: the guide's websockets section")
        check(v["expected_node_state"] == "unseen", f"verdict: claimed but Unseen (got {v['expected_node_state']})")
    finally:
        pod.close()


class ComposeProject:
    """compose.yaml's services, sharing named volumes; the netdata service owns the network."""

    def __init__(self, name, env_extra=None, overlay=None):
        self.work = L.workdir(name)
        self.doc = L.load_yaml_docs(COMPOSE)[0]
        self.env_file = L.write_env_file(self.work, extra=env_extra)
        self.overlay = overlay
        self.vols = L.Volumes(self.work)
        self.sandbox = L.Sandbox("netdata-host")
        self.n = 0

    def service(self, name, run_sh=L.RUN_SH_MARKER, extra_env=None, seccomp=None, command=None, entrypoint=None):
        # The operator's edit (overlay) is to the netdata service only.
        spec = L.compose_service(self.doc, name, os.path.dirname(COMPOSE), {"netdata.env": self.env_file},
                                 self.overlay if name == "netdata" else None)
        if command is not None:  # `docker compose run --rm [--entrypoint E] SERVICE <command...>`
            spec["argv"] = (entrypoint or spec["raw"]["entrypoint"]) + command
        self.n += 1
        mounts = L.compose_mounts(spec, self.vols, host_binds=(name == "netdata"))
        return L.Container(self.sandbox, spec, mounts, os.path.join(self.work, f"{name}-{self.n}"), run_sh=run_sh,
                           extra_env=extra_env, seccomp=seccomp)

    def preflight_json(self, extra_env=None, seccomp=None, service="preflight"):
        """docs/docker.md's one-shot checks: `docker compose run --rm preflight check --format json`,
        or, with service="netdata", the agent service's own env and volumes with another entrypoint:
        `docker compose run --rm --entrypoint /usr/local/bin/netdata-preflight netdata check --format json`."""
        c = self.service(service, extra_env=extra_env, seccomp=seccomp, command=["check", "--format", "json"],
                         entrypoint=[L.PREFLIGHT] if service == "netdata" else None)
        code = c.run(120)
        print(f"one-shot check ({service} service): exit {code}")
        report = L.report_of(c.out(), "compose preflight check --format json")
        L.show(report)
        L.no_token([c.out(), c.err()], "compose preflight")
        return report, code

    def varlib(self):
        return self.vols.dirs.get("docker:netdatalib")

    def close(self):
        self.sandbox.close()


def compose_fresh_claim():
    """The wrapper entrypoint hands off to the real Debian agent; the healthcheck sees it."""
    L.require_namespaces()
    p = ComposeProject("compose-fresh")
    try:
        pki = L.make_ca(p.work)
        L.start_fake_cloud(p.sandbox, pki, "ok")
        env = L.cloud_overlay_env(pki)
        agent = p.service("netdata", run_sh=L.RUN_SH_DEBIAN, extra_env=env).start()
        try:
            test = agent.spec["healthcheck"]["test"][1:]
            healthy = None
            for _ in range(60):
                r = agent.exec(test)
                if r.returncode == 0:
                    healthy = r
                    break
                if not agent.running():
                    break
                time.sleep(1)
            check(healthy is not None, "the healthcheck turns healthy once the agent serves: "
                  + (healthy.stdout.strip() if healthy else agent.err()[-800:]))
            check(os.path.exists(os.path.join(p.varlib(), ".run-sh-started")), "run.sh (the agent) was started")
            report, code = p.preflight_json(extra_env=env)
            check(L.check_status(report, "container.identity")["status"] != "fail",
                  "inspecting a live agent's volumes is not mistaken for a cloned identity")
            link = L.check_status(report, "cloud.link")
            check(link.get("details", {}).get("running") is True,
                  "cloud.link reaches the agent through the shared network namespace")
            others = [c["id"] for c in report["checks"] if c["status"] == "fail" and c["id"] != "cloud.link"]
            check(not others, f"good token and volumes: nothing but the Debian agent's link fails ({others})")
            check(agent.running(), "the agent keeps running")
            os.kill(agent.pid1, 15)  # docker stop: SIGTERM to PID 1
            code = agent.wait(12)
            check(code in (0, 143), f"docker stop: the supervisor forwards SIGTERM and exits ({code})")
        finally:
            agent.stop()
    finally:
        p.close()


# fault: claiming | compose list syntax keeps quotes around NETDATA_CLAIM_TOKEN (emulated container) | claim.token fail naming the quotes, verdict absent
def compose_quoted_token():
    """`- NETDATA_CLAIM_TOKEN="..."` in list syntax: Compose keeps the quotes in the value."""
    L.require_namespaces()

    def overlay(svc):
        svc["environment"] = [f'NETDATA_CLAIM_TOKEN="{L.FAKE_TOKEN}"']
    p = ComposeProject("compose-quotes", overlay=overlay)
    try:
        agent = p.service("netdata")
        check(agent.env["NETDATA_CLAIM_TOKEN"] == f'"{L.FAKE_TOKEN}"', "list syntax: the value carries the quotes")
        code = agent.run(60)
        check(code == 78, f"the wrapper refuses to hand off: exit 78 (got {code})")
        check(not os.path.exists(os.path.join(p.varlib(), ".run-sh-started")), "the agent was never started")
        check("claim.token" in agent.err() and "quote" in agent.err().lower(), "docker logs name claim.token and the quotes")
        L.no_token([agent.out(), agent.err(), open(agent.termination_log).read()], "entrypoint")
        report, code = p.preflight_json(extra_env={"PREFLIGHT_OFFLINE": "1"}, service="netdata")
        c = L.check_status(report, "claim.token")
        check(c["status"] == "fail" and "quote" in (c.get("message", "") + c.get("remediation", "")).lower(),
              "claim.token fails naming the quotes")
        check(report["verdict"]["expected_node_state"] == "absent", "verdict: the node will not appear")
    finally:
        p.close()


# fault: volume | compose service without a volume for /var/lib/netdata (emulated container, overlay root), claiming configured | container.volume fail and verdict fail in `check`; `run` hands off anyway (a new node at each re-creation is not an outage) and docker logs name container.volume
def compose_no_volume():
    """The operator dropped the /var/lib/netdata volume: the container's overlay root holds it."""
    L.require_namespaces()

    def overlay(svc):
        svc["volumes"] = [v for v in svc["volumes"] if not v.endswith(":/var/lib/netdata")]
    p = ComposeProject("compose-novol", overlay=overlay)
    try:
        agent = p.service("netdata", run_sh=L.RUN_SH_MARKER).start()
        for _ in range(60):
            if "container.volume" in agent.err() or not agent.running():
                break
            time.sleep(0.5)
        time.sleep(1)
        check(agent.running(), f"the wrapper hands off and the agent keeps running: {agent.err()[-600:]}")
        check("container.volume" in agent.err(), "docker logs name container.volume")
        agent.stop()
        report, code = p.preflight_json(extra_env={"PREFLIGHT_OFFLINE": "1"}, service="netdata")
        c = L.check_status(report, "container.volume")
        check(c["status"] == "fail", "container.volume fails: /var/lib/netdata is not a volume")
        check(report["verdict"]["status"] == "fail", "verdict: fail")
    finally:
        p.close()


# fault: seccomp | Docker 20.10.9's seccomp profile (emulated container) | container.seccomp fail on clone3, verdict absent, the guide's Docker claiming section
def compose_old_docker_seccomp():
    """A Docker v20.10.9 host: its default seccomp profile answers clone3 with EPERM."""
    L.require_namespaces()
    launcher = L.seccomp_launcher()
    if launcher is None:
        L.fail("tests/tools/seccomp_launcher was not built: build the tests (make -C build/release seccomp_launcher)")
    profile = os.path.join(L.TESTDATA, "seccomp", "docker-v20.10.9.json")
    seccomp = {"launcher": launcher, "profile": profile}
    p = ComposeProject("compose-seccomp")
    try:
        agent = p.service("netdata", seccomp=seccomp)
        code = agent.run(60)
        check(code == 78, f"the wrapper refuses to hand off: exit 78 (got {code})")
        check(not os.path.exists(os.path.join(p.varlib(), ".run-sh-started")), "the agent was never started")
        report, code = p.preflight_json(extra_env={"PREFLIGHT_OFFLINE": "1"}, seccomp=seccomp, service="netdata")
        c = L.check_status(report, "container.seccomp")
        check(c["status"] == "fail" and "clone3" in json.dumps(c), "container.seccomp fails on clone3")
        check("20.10.10" in c.get("remediation", ""), "the fix names Docker 20.10.10")
        v = report["verdict"]
        check(v["expected_node_state"] == "absent" and v["section"] == "troubleshoot-claiming-with-docker",
              "verdict: the node will not appear; the guide's Docker claiming section")
    finally:
        p.close()


# fault: lifetime | agent killed three times before the link came up (emulated container) | container.lifetime fail, the guide's killed-before-it-starts section
def compose_killed_before_link():
    """The agent is killed (OOM, a short stop timeout) before its link ever came up, three times."""
    L.require_namespaces()
    p = ComposeProject("compose-killed")
    try:
        # The first start claimed (cloud.d on the volume); the link never came up since.
        L.seed_claimed_state(p.vols.get("docker:netdatalib", L.docker_volume_init("/var/lib/netdata")))
        codes = []
        for attempt in range(3):
            agent = p.service("netdata", run_sh=L.RUN_SH_DEBIAN).start()
            try:
                child = None
                for _ in range(100):
                    kids = [k for k in L.descendants(agent.pid1) if L.exe_name(k) == "netdata"]
                    if kids:
                        child = kids[0]
                        break
                    time.sleep(0.1)
                check(child is not None, f"run {attempt + 1}: the supervisor started the agent"
                      + ("" if child else "; stderr: " + agent.err()[-600:]))
                time.sleep(1)
                os.kill(child, 9)
                codes.append(agent.wait(15))
            finally:
                agent.stop()
        check(codes == [137, 137, 137], f"each run exits 128+9 like its killed agent ({codes})")
        runs = os.path.join(p.varlib(), "preflight", "runs.json")
        check(os.path.exists(runs), "the supervisor recorded the runs in /var/lib/netdata/preflight/runs.json")
        report, code = p.preflight_json(extra_env={"PREFLIGHT_OFFLINE": "1"})
        c = L.check_status(report, "container.lifetime")
        check(c["status"] == "fail", "container.lifetime fails: three runs in a row died before the link came up")
        check(report["verdict"]["section"] == "troubleshoot-connection-establishment-with-docker",
              "verdict: the guide's 'killed before it properly starts' section")
    finally:
        p.close()


# fault: agent | the agent reports Banned By Cloud (emulated container, fake agent) | cloud.link fail, verdict offline, the guide's banned-IP section
def compose_banned():
    """Claimed, was online, now banned by Cloud; Cloud refuses this IP with 403."""
    L.require_namespaces()
    run_sh = f"#!/bin/sh\nexec {sys.executable} {os.path.join(L.HERE, 'fake_agent.py')} --mode banned\n"
    p = ComposeProject("compose-banned")
    try:
        pki = L.make_ca(p.work)
        L.start_fake_cloud(p.sandbox, pki, "banned")
        env = L.cloud_overlay_env(pki)
        agent = p.service("netdata", run_sh=run_sh, extra_env=env).start()
        try:
            test = agent.spec["healthcheck"]["test"][1:]
            healthy = None
            for _ in range(30):
                r = agent.exec(test)
                if r.returncode == 0:
                    healthy = r
                    break
                time.sleep(0.5)
            check(healthy is not None, "healthcheck (running): healthy, the agent is up although banned")
            online = agent.exec([L.PREFLIGHT, "probe", "--require", "online", "--timeout", "1s"])
            check(online.returncode == 1 and "ban" in online.stdout.lower(), "probe --require online: not ready, banned: "
                  + online.stdout.strip())
            report, code = p.preflight_json(extra_env=env)
            c = L.check_status(report, "cloud.link")
            check(c["status"] == "fail" and "ban" in c.get("message", "").lower(), "cloud.link fails: banned by Cloud")
            v = report["verdict"]
            check(v["status"] == "fail" and v["section"] == "verify-that-your-ip-is-not-blocked-by-netdata-cloud",
                  "verdict: the guide's banned-IP section")
            check(v["expected_node_state"] == "offline", "verdict: a connected node now Offline")
        finally:
            agent.stop()
    finally:
        p.close()


def k8s_sidecar_serve():
    """sidecar.yaml: the gate, the native sidecar `serve`, the agent with its probes."""
    L.require_namespaces()
    work = L.workdir("sidecar")
    pod = Pod(SIDECAR, "Deployment", work)
    try:
        pki = L.make_ca(work)
        L.start_fake_cloud(pod.sandbox, pki, "ok")
        env = L.cloud_overlay_env(pki)
        _, code = pod.run_init("preflight", env)
        check(code == 0, f"the gate passes (exit {code})")
        side = pod.container("preflight-sidecar", env).start()
        agent = None
        try:
            agent = pod.container("netdata", env, run_sh=L.RUN_SH_DEBIAN).start()
            def get(path):
                r = L.run_bounded(pod.sandbox.nsenter() + [sys.executable, "-c",
                                  "import sys,urllib.request,urllib.error\n"
                                  "try:\n r=urllib.request.urlopen('http://127.0.0.1:19998'+sys.argv[1],timeout=2)\n"
                                  " print(r.status); print(r.read().decode())\n"
                                  "except urllib.error.HTTPError as e:\n print(e.code); print(e.read().decode())\n",
                                  path], 10)
                status, _, body = r.stdout.partition("\n")
                return (int(status) if status.strip().isdigit() else None), body
            healthz = None
            for _ in range(40):
                healthz, _ = get("/healthz")
                if healthz == 200:
                    break
                time.sleep(0.5)
            check(healthz == 200, "sidecar livenessProbe httpGet /healthz: 200" + ("" if healthz == 200 else "; " + side.err()[-600:]))
            started = None
            for _ in range(60):
                r = agent.exec(agent.spec["raw"]["startupProbe"]["exec"]["command"])
                if r.returncode == 0:
                    started = r
                    break
                time.sleep(1)
            check(started is not None, "agent startupProbe (exec probe) succeeds")
            # The sidecar probes the agent every few seconds and serves the cached answer: the
            # pod turns Ready within a few readiness periods.
            status, body = None, ""
            for _ in range(30):
                status, body = get("/readyz")
                if status == 200:
                    break
                time.sleep(1)
            check(status == 200, f"readinessProbe httpGet /readyz turns 200 once the agent runs: {status} {body.strip()[:200]}")
            status, body = get("/metrics")
            check(status == 200, "/metrics: 200")
            from prometheus_client.parser import text_string_to_metric_families
            families = list(text_string_to_metric_families(body))
            check(len(families) > 0, f"/metrics parses as Prometheus text ({len(families)} families)")
            status, body = get("/report")
            L.report_of(body, "/report")
            L.no_token([body, side.out(), side.err()], "sidecar")
        finally:
            if agent:
                agent.stop()
            side.stop()
    finally:
        pod.close()


def helm_parent_gate():
    """helm-values.yaml's parent.extraInitContainers, in the chart's parent pod: its volumes
    `alarms` (/var/lib/netdata) and `database` (/var/cache/netdata) are PVCs, fsGroup 201."""
    L.require_namespaces()
    helm = L.load_yaml_docs(HELM)[0]
    pod_spec = {"securityContext": {"fsGroup": 201},
                "initContainers": helm["parent"]["extraInitContainers"],
                "containers": [],
                "volumes": [{"name": "alarms", "persistentVolumeClaim": {"claimName": "netdata-parent-alarms"}},
                            {"name": "database", "persistentVolumeClaim": {"claimName": "netdata-parent-database"}}]
                + helm["parent"]["extraVolumes"]}
    work = L.workdir("helm")
    sandbox = L.Sandbox("netdata-parent")
    try:
        pki = L.make_ca(work)
        L.start_fake_cloud(sandbox, pki, "ok")
        vols = L.Volumes(work)
        spec = L.k8s_container(pod_spec, "preflight", SECRETS)
        c = L.Container(sandbox, spec, L.k8s_mounts(spec, vols, 201), os.path.join(work, "preflight"),
                        extra_env=L.cloud_overlay_env(pki))
        code = c.run(150)
        check(code == 0, f"the parent's gate passes (exit {code}): {c.err()[-400:]}")
        report = L.report_of(open(os.path.join(vols.dirs["k8s:preflight"], "report.json")).read(), "report.json")
        L.show(report)
        check(report["verdict"]["expected_node_state"] == "live", "verdict: the parent can be live")
        vol = L.check_status(report, "container.volume")
        check(vol["status"] != "fail" and "/var/lib/netdata" not in vol.get("message", ""),
              "container.volume: the PVC at /var/lib/netdata is persistent (the chart keeps /etc/netdata in the image)")
    finally:
        sandbox.close()


SCENARIOS = {
    "files_parse": files_parse,
    "drift_detector": drift_detector,
    "commands_accepted": commands_accepted,
    "k8s_fresh_claim": k8s_fresh_claim,
    "k8s_proxy_required": k8s_proxy_required,
    "k8s_websockets_blocked": k8s_websockets_blocked,
    "k8s_sidecar_serve": k8s_sidecar_serve,
    "helm_parent_gate": helm_parent_gate,
    "compose_fresh_claim": compose_fresh_claim,
    "compose_quoted_token": compose_quoted_token,
    "compose_no_volume": compose_no_volume,
    "compose_old_docker_seccomp": compose_old_docker_seccomp,
    "compose_killed_before_link": compose_killed_before_link,
    "compose_banned": compose_banned,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        print("usage: scenarios.py " + "|".join(SCENARIOS), file=sys.stderr)
        sys.exit(64)
    SCENARIOS[sys.argv[1]]()
    if L.FAILED:
        fail(f"{len(L.FAILED)} assertion(s) failed")
    L.cleanup()
    print("PASS")
