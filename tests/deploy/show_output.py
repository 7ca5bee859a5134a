#!/usr/bin/env python3
"""Print the text report of a scenario's one-shot check, exactly as an operator sees it (for the
README). Same emulation as the tests (deploy_lib.py); needs root.

  python3 tests/deploy/show_output.py quoted-token | websockets-blocked | old-docker
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deploy_lib as L  # noqa: E402
import scenarios as S  # noqa: E402


def quoted_token():
    def overlay(svc):
        svc["environment"] = [f'NETDATA_CLAIM_TOKEN="{L.FAKE_TOKEN}"']
    p = S.ComposeProject("show-quotes", overlay=overlay)
    try:
        c = p.service("netdata", command=["check", "--offline"], entrypoint=[L.PREFLIGHT])
        code = c.run(120)
        return "$ docker compose run --rm --entrypoint /usr/local/bin/netdata-preflight netdata check --offline\n" \
            + c.out() + f"$ echo $?\n{code}\n"
    finally:
        p.close()


def websockets_blocked():
    work = L.workdir("show-ws")
    pod = S.Pod(S.DAEMONSET, "DaemonSet", work)
    try:
        pki = L.make_ca(work)
        L.start_fake_cloud(pod.sandbox, pki, "ws-blocked")
        pod.run_init("init-persistence")
        spec = L.k8s_container(pod.spec, "netdata", S.SECRETS)
        spec["argv"] = [L.PREFLIGHT, "check"]
        c = L.Container(pod.sandbox, spec, L.k8s_mounts(spec, pod.vols), os.path.join(work, "c"),
                        extra_env=L.cloud_overlay_env(pki))
        code = c.run(120)
        return "$ kubectl -n netdata exec <pod> -c netdata -- netdata-preflight check\n" + c.out() \
            + f"$ echo $?\n{code}\n"
    finally:
        pod.close()


def old_docker():
    launcher = L.seccomp_launcher()
    if launcher is None:
        L.skip("tests/tools/seccomp_launcher is not in this build")
    seccomp = {"launcher": launcher, "profile": os.path.join(L.TESTDATA, "seccomp", "docker-v20.10.9.json")}
    p = S.ComposeProject("show-seccomp")
    try:
        c = p.service("netdata", seccomp=seccomp)
        code = c.run(120)
        return "$ docker compose up netdata   # on a Docker 20.10.9 host\n" + c.err() + f"(container exit code {code})\n"
    finally:
        p.close()


if __name__ == "__main__":
    L.require_namespaces()
    what = {"quoted-token": quoted_token, "websockets-blocked": websockets_blocked, "old-docker": old_docker}
    if len(sys.argv) != 2 or sys.argv[1] not in what:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    out = what[sys.argv[1]]()
    L.no_token([out], "output")
    sys.stdout.write(out.replace(L.FAKE_TOKEN, "<token>"))
