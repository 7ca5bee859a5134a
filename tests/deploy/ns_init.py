#!/usr/bin/env python3
"""Inside fresh mount (and usually pid) namespaces: build a container's filesystem the way
Docker/Kubernetes would, then exec the container's command as its PID 1.

  ns_init.py SPEC.json

The root is an overlay over the host's / with a tmpfs upper layer: the container's writable
layer (what `docker run` gives /var/lib/netdata when no volume is mounted there). The image's own
files (the binary COPY'd to /usr/local/bin, /usr/sbin/run.sh, ...) are written into that layer,
volumes are bind-mounted where the file says, /dev is a small tmpfs as in Docker, /proc is new.
Everything is undone when the namespace's last process exits.
"""
import json
import os
import shutil
import subprocess
import sys


def sh(*argv):
    subprocess.run(argv, check=True)


def main():
    spec = json.load(open(sys.argv[1]))
    work = spec["work"]
    layer = os.path.join(work, "layer")
    os.makedirs(layer, exist_ok=True)
    sh("mount", "--make-rprivate", "/")
    # tmpfs upper: a different filesystem from the lower /, as overlayfs requires.
    sh("mount", "-t", "tmpfs", "-o", "mode=755", "layer", layer)
    for d in ("upper", "work", "root"):
        os.makedirs(os.path.join(layer, d))
    root = os.path.join(layer, "root")
    sh("mount", "-t", "overlay", "overlay", "-o",
       f"lowerdir=/,upperdir={layer}/upper,workdir={layer}/work", root)

    def at(path):
        return os.path.join(root, path.lstrip("/"))

    # The image: files and directories of the image layer.
    for f in spec.get("image_files", []):
        dst = at(f["path"])
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.lexists(dst):
            os.unlink(dst)
        if "copy" in f:
            shutil.copyfile(f["copy"], dst)
        else:
            with open(dst, "w") as out:
                out.write(f["text"])
        os.chmod(dst, f.get("mode", 0o755))
    for d in spec.get("image_dirs", []):
        path = at(d["path"])
        if os.path.isdir(path) and not d.get("keep"):
            shutil.rmtree(path)  # the image's directory, not the host's
        os.makedirs(path, exist_ok=True)
        os.chown(path, d.get("uid", 0), d.get("gid", 0))
        os.chmod(path, d.get("mode", 0o755))

    # The kernel's view: new /proc, Docker's small /dev.
    sh("mount", "-t", "proc", "proc", at("/proc"))
    sh("mount", "-t", "tmpfs", "-o", "mode=755,nosuid", "dev", at("/dev"))
    for name in ("null", "zero", "full", "random", "urandom", "tty"):
        open(at("/dev/" + name), "w").close()
        sh("mount", "--bind", "/dev/" + name, at("/dev/" + name))
    os.makedirs(at("/dev/shm"))
    sh("mount", "-t", "tmpfs", "shm", at("/dev/shm"))
    os.symlink("/proc/self/fd", at("/dev/fd"))

    # Volumes, in the order given (a file's mounts, then the harness's own files).
    for m in spec.get("mounts", []):
        dst = at(m["target"])
        if os.path.isdir(m["source"]):
            os.makedirs(dst, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if not os.path.exists(dst):
                open(dst, "w").close()
        sh("mount", "--rbind" if m.get("recursive") else "--bind", m["source"], dst)
        if m.get("readonly"):
            sh("mount", "-o", "remount,bind,ro", dst)

    os.chdir(root)
    os.makedirs(".oldroot", exist_ok=True)
    sh("pivot_root", ".", ".oldroot")
    os.chdir("/")
    sh("umount", "-l", "/.oldroot")
    os.rmdir("/.oldroot")
    if spec.get("hostname"):
        try:
            sh("hostname", spec["hostname"])
        except subprocess.CalledProcessError:
            pass
    argv = spec["argv"]
    env = spec["env"]
    os.execvpe(argv[0], argv, env)


if __name__ == "__main__":
    main()
