#pragma once
/// What kind of storage a mount is, as far as persistence goes: does what is written there
/// survive the container being re-created?

#include <string>
#include <string_view>

#include "container/parse/mountinfo.h"

namespace preflight::container {

enum class VolumeKind {
  kImageLayer,      ///< overlay/aufs: the image layers plus the container's own writable layer
  kContainerRoot,   ///< the root filesystem of a container that is not an overlay (devicemapper,
                    ///< btrfs, zfs drivers, a VM built from an image): most likely its own layer
  kInMemory,        ///< tmpfs, ramfs (also emptyDir medium: Memory)
  kK8sProjected,    ///< Kubernetes configMap, secret, projected, downwardAPI volumes
  kK8sEmptyDir,     ///< Kubernetes emptyDir on disk: lost when the pod is deleted
  kNamedVolume,     ///< a Docker or Podman named volume
  kK8sPersistent,   ///< a Kubernetes PersistentVolume (CSI, or another plugin)
  kBindMount,       ///< a host directory or device mounted into the container
  kHostFilesystem,  ///< outside a container: a filesystem of the host
};

/// "image-layer", "container-root", "in-memory", "k8s-projected", "k8s-emptydir",
/// "named-volume", "k8s-persistent-volume", "bind-mount", "host-filesystem".
std::string_view VolumeKindName(VolumeKind kind);

/// Whether what is written there survives re-creating the container (or a host reboot).
bool IsPersistent(VolumeKind kind);

/// The kind of `m`. `in_container` chooses container rules (the root mount is the container's
/// layer) or host rules. Pure.
VolumeKind ClassifyMount(const MountEntry& m, bool in_container);

/// The named volume's name ("netdatalib") in a mount root like
/// "/var/lib/docker/volumes/netdatalib/_data", or "".
std::string NamedVolumeName(const MountEntry& m);

/// Whether a volume name is one Docker made up for an anonymous volume (`-v /var/lib/netdata`,
/// a VOLUME line of the image): 64 lowercase hex digits. `docker rm` + `docker run` gives the
/// new container a new, empty one.
bool IsAnonymousVolumeName(std::string_view name);

}  // namespace preflight::container
