#include "container/host/volume_kind.h"

#include "container/base/text.h"

namespace preflight::container {
namespace {

bool IsOverlay(std::string_view fs) {
  return fs == "overlay" || fs == "aufs" || fs == "fuse-overlayfs" || fs == "fuse.fuse-overlayfs";
}

bool IsInMemory(std::string_view fs) { return fs == "tmpfs" || fs == "ramfs"; }

}  // namespace

std::string_view VolumeKindName(VolumeKind kind) {
  switch (kind) {
    case VolumeKind::kImageLayer:
      return "image-layer";
    case VolumeKind::kContainerRoot:
      return "container-root";
    case VolumeKind::kInMemory:
      return "in-memory";
    case VolumeKind::kK8sProjected:
      return "k8s-projected";
    case VolumeKind::kK8sEmptyDir:
      return "k8s-emptydir";
    case VolumeKind::kNamedVolume:
      return "named-volume";
    case VolumeKind::kK8sPersistent:
      return "k8s-persistent-volume";
    case VolumeKind::kBindMount:
      return "bind-mount";
    case VolumeKind::kHostFilesystem:
      return "host-filesystem";
  }
  return "bind-mount";
}

bool IsPersistent(VolumeKind kind) {
  return kind == VolumeKind::kNamedVolume || kind == VolumeKind::kK8sPersistent ||
         kind == VolumeKind::kBindMount || kind == VolumeKind::kHostFilesystem;
}

std::string NamedVolumeName(const MountEntry& m) {
  constexpr std::string_view kMarker = "/volumes/";
  std::string_view root = m.root;
  auto pos = root.rfind(kMarker);
  if (pos == std::string_view::npos) return "";
  std::string_view rest = root.substr(pos + kMarker.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(slash) != "/_data") return "";
  return std::string(rest.substr(0, slash));
}

bool IsAnonymousVolumeName(std::string_view name) {
  if (name.size() != 64) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

VolumeKind ClassifyMount(const MountEntry& m, bool in_container) {
  const std::string_view root = m.root;
  if (Contains(root, "/kubernetes.io~configmap/") || Contains(root, "/kubernetes.io~secret/") ||
      Contains(root, "/kubernetes.io~projected/") ||
      Contains(root, "/kubernetes.io~downward-api/")) {
    return VolumeKind::kK8sProjected;
  }
  if (IsInMemory(m.fs_type)) return VolumeKind::kInMemory;
  if (IsOverlay(m.fs_type)) return VolumeKind::kImageLayer;  // also podman's `:O` volumes
  if (Contains(root, "/kubernetes.io~empty-dir/")) return VolumeKind::kK8sEmptyDir;
  if (Contains(root, "/kubernetes.io~") || Contains(root, "/volumes/kubernetes.io") ||
      Contains(root, "/pvc-")) {
    return VolumeKind::kK8sPersistent;
  }
  if (!NamedVolumeName(m).empty()) return VolumeKind::kNamedVolume;
  if (m.mount_point == "/") {
    return in_container ? VolumeKind::kContainerRoot : VolumeKind::kHostFilesystem;
  }
  return in_container ? VolumeKind::kBindMount : VolumeKind::kHostFilesystem;
}

}  // namespace preflight::container
