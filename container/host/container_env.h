#pragma once
/// Are we in a container, how do we know, and which container is it. The volume and identity
/// checks judge by container rules (image layer, volumes) or host rules depending on this.

#include <string>
#include <string_view>
#include <vector>

#include "container/parse/mountinfo.h"
#include "container/system.h"

namespace preflight::container {

struct ContainerEnv {
  bool in_container = false;
  /// The signals that said so, strongest first: "/.dockerenv", "/run/.containerenv",
  /// "cgroup:/docker/...", "env:container=podman", "overlay root". Empty on a host.
  std::vector<std::string> signals;
  std::string runtime;       ///< "docker", "podman", "kubernetes", "containerd", "lxc", ... or ""
  std::string container_id;  ///< best id found, or "" (then the hostname stands in)
  std::string id_source;     ///< "cgroup", "mountinfo", "hostname", or ""
  bool root_is_overlay = false;  ///< "/" is an overlay/aufs (the image layers + a writable one)
};

/// The container id in /proc/self/cgroup text (v1 or v2): the 64-hex id of docker, containerd,
/// cri-o, podman (libpod) paths, e.g. "0::/system.slice/docker-<id>.scope". Pure; "" if none.
std::string ContainerIdFromCgroup(std::string_view cgroup);

/// The runtime a cgroup path names ("docker", "kubernetes", "podman", "containerd", "lxc",
/// "crio"), or "". Pure.
std::string RuntimeFromCgroup(std::string_view cgroup);

/// The container id in the sources of the files the runtime bind-mounts (/etc/hostname,
/// /etc/hosts, /etc/resolv.conf, /dev/termination-log): Kubernetes' ".../pods/<uid>/..." as
/// "k8s-pod-<uid>" (the pod shares its volumes; its uid survives container restarts), Docker's
/// ".../containers/<id>/hostname", Podman's ".../overlay-containers/<id>/userdata/...". Works
/// under a cgroup namespace. Pure; "" if none.
std::string ContainerIdFromMounts(const MountTable& mounts);

/// Reads and parses /proc/self/mountinfo through `sys` (an empty table when unreadable).
MountTable ReadMountTable(const System& sys);

/// Reads /.dockerenv, /run/.containerenv, /proc/self/cgroup and the `container` variable
/// through `sys`; `mounts` is the parsed /proc/self/mountinfo.
ContainerEnv DetectContainer(const System& sys, const MountTable& mounts);

/// DetectContainer over this process's own mountinfo, for callers outside the checks (the lease
/// refresh, the supervisor's record); the checks share one read through Context::Container().
ContainerEnv ReadContainerEnv(const System& sys);

}  // namespace preflight::container
