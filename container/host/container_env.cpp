#include "container/host/container_env.h"

namespace preflight::container {
namespace {

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/// The first run of exactly 64 lowercase hex digits in `s`, or "".
std::string FindHex64(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (!IsHex(s[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < s.size() && IsHex(s[i])) ++i;
    if (i - start == 64) return std::string(s.substr(start, 64));
  }
  return "";
}

/// The path component that follows `marker` ("containers/") in `path`, or "".
std::string ComponentAfter(std::string_view path, std::string_view marker) {
  auto pos = path.find(marker);
  if (pos == std::string_view::npos) return "";
  std::string_view rest = path.substr(pos + marker.size());
  return std::string(rest.substr(0, rest.find('/')));
}

}  // namespace

std::string ContainerIdFromCgroup(std::string_view cgroup) {
  while (!cgroup.empty()) {
    auto nl = cgroup.find('\n');
    std::string_view line = cgroup.substr(0, nl);
    cgroup.remove_prefix(nl == std::string_view::npos ? cgroup.size() : nl + 1);
    // "hierarchy:controllers:path"; only the path counts.
    auto second = line.find(':', line.find(':') == std::string_view::npos ? 0 : line.find(':') + 1);
    if (second == std::string_view::npos) continue;
    std::string id = FindHex64(line.substr(second + 1));
    if (!id.empty()) return id;
  }
  return "";
}

std::string RuntimeFromCgroup(std::string_view cgroup) {
  if (cgroup.find("kubepods") != std::string_view::npos) return "kubernetes";
  if (cgroup.find("libpod") != std::string_view::npos) return "podman";
  if (cgroup.find("crio-") != std::string_view::npos) return "crio";
  if (cgroup.find("docker") != std::string_view::npos) return "docker";
  if (cgroup.find("containerd") != std::string_view::npos) return "containerd";
  if (cgroup.find("/lxc") != std::string_view::npos ||
      cgroup.find("lxc.payload") != std::string_view::npos) {
    return "lxc";
  }
  return "";
}

std::string ContainerIdFromMounts(const MountTable& mounts) {
  // Kubernetes: the pod is the unit that shares volumes (initContainer, agent, sidecar), and
  // its uid survives container restarts, which change the cgroup id.
  for (const auto& m : mounts.mounts) {
    if (m.mount_point != "/etc/hostname" && m.mount_point != "/etc/hosts" &&
        m.mount_point != "/dev/termination-log") {
      continue;
    }
    std::string pod = ComponentAfter(m.root, "/pods/");
    if (pod.size() >= 32) return "k8s-pod-" + pod;
  }
  for (const auto& m : mounts.mounts) {
    if (m.mount_point != "/etc/hostname" && m.mount_point != "/etc/hosts" &&
        m.mount_point != "/etc/resolv.conf") {
      continue;
    }
    // docker ".../containers/<id>/hostname", podman ".../overlay-containers/<id>/userdata/..."
    std::string id = FindHex64(m.root);
    if (!id.empty()) return id;
  }
  return "";
}

MountTable ReadMountTable(const System& sys) {
  return ParseMountInfo(sys.ReadFile("/proc/self/mountinfo", 4u << 20, true).value_or(""));
}

ContainerEnv DetectContainer(const System& sys, const MountTable& mounts) {
  ContainerEnv env;
  if (sys.Stat("/.dockerenv", false).ok()) {
    env.signals.push_back("/.dockerenv");
    env.runtime = "docker";
  }
  if (sys.Stat("/run/.containerenv", false).ok()) {
    env.signals.push_back("/run/.containerenv");
    env.runtime = "podman";
  }
  const std::string cgroup = sys.ReadFile("/proc/self/cgroup", 64 * 1024, true).value_or("");
  if (std::string rt = RuntimeFromCgroup(cgroup); !rt.empty()) {
    env.signals.push_back("cgroup (" + rt + ")");
    if (env.runtime.empty() || rt == "kubernetes") env.runtime = rt;
  }
  if (auto it = sys.Env().find("container"); it != sys.Env().end() && !it->second.empty()) {
    env.signals.push_back("env container=" + it->second);
    if (env.runtime.empty()) env.runtime = it->second;
  }
  if (const MountEntry* root = FindMountFor(mounts, "/")) {
    env.root_is_overlay = root->fs_type == "overlay" || root->fs_type == "aufs" ||
                          root->fs_type == "fuse-overlayfs" ||
                          root->fs_type == "fuse.fuse-overlayfs";
    if (env.root_is_overlay) env.signals.push_back("overlay root (" + root->fs_type + ")");
  }
  env.in_container = !env.signals.empty();
  const std::string from_mounts = ContainerIdFromMounts(mounts);
  const std::string from_cgroup = ContainerIdFromCgroup(cgroup);
  if (from_mounts.rfind("k8s-pod-", 0) == 0 || (from_cgroup.empty() && !from_mounts.empty())) {
    env.container_id = from_mounts;
    env.id_source = "mountinfo";
  } else if (!from_cgroup.empty()) {
    env.container_id = from_cgroup;
    env.id_source = "cgroup";
  } else if (env.in_container) {
    env.container_id = sys.Hostname();  // Docker's default hostname is the short container id
    env.id_source = "hostname";
  }
  return env;
}

ContainerEnv ReadContainerEnv(const System& sys) {
  return DetectContainer(sys, ReadMountTable(sys));
}

}  // namespace preflight::container
