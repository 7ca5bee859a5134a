#pragma once
/// Whether this process runs under a user-mode emulator (qemu-user, directly or through
/// binfmt_misc as in `docker run --platform linux/arm64` on an x86_64 host). There, every syscall
/// is the emulator's: a seccomp filter judges the host's syscalls the emulator makes, and qemu
/// answers ENOSYS for clone3 itself whatever the filter says — a probe would pass falsely.

#include <string>
#include <string_view>

namespace preflight::container {

/// The emulator's path when our executable as another process sees it (`seen_exe`, the real
/// one: qemu fakes /proc/self/exe and /proc/<its own pid>/exe, not another process's entry)
/// differs from the one this process reports for itself (`self_exe`, which an emulator fakes
/// to the emulated program). "" when they match or either is unknown. Pure.
std::string EmulatorFromExes(std::string_view self_exe, std::string_view seen_exe);

/// This process's executable as it reports it (/proc/self/exe: faked by an emulator). "" when
/// unknown (no /proc).
std::string SelfExe();

/// For a child of ours (container/host/probe_child.h: our memory, syscalls only): writes our
/// executable as another process sees it, /proc/<parent>/exe, to `out_fd`, preceded by its
/// length as an int32. Nothing but a zero length when it cannot be read.
void WriteParentExe(int out_fd);

}  // namespace preflight::container
