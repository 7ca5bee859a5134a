#pragma once
/// Whether this process runs under a user-mode emulator (qemu-user, directly or through
/// binfmt_misc as in `docker run --platform linux/arm64` on an x86_64 host). There, every syscall
/// is the emulator's: a seccomp filter judges the host's syscalls the emulator makes, and qemu
/// answers ENOSYS for clone3 itself whatever the filter says — a probe would pass falsely.

#include <string>
#include <string_view>

namespace preflight::container {

/// The emulator's path when the executable of a forked child (`child_exe`, the real one: the
/// emulator cannot fake another process's /proc entry) differs from the one this process
/// reports for itself (`self_exe`, which an emulator fakes to the emulated program). "" when
/// they match or either is unknown. Pure.
std::string EmulatorFromExes(std::string_view self_exe, std::string_view child_exe);

/// Forks a child that waits on a pipe, reads /proc/self/exe and /proc/<child>/exe, and ends
/// the child: EmulatorFromExes of the two. "" when native or when it cannot be told (no /proc,
/// fork refused). Never the posix spawn API or threads.
std::string DetectUserEmulator();

}  // namespace preflight::container
