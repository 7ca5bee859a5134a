#pragma once
/// Any syscall's number by name, for the test tools that build filters from Docker's profiles
/// (hundreds of names): libseccomp's table for the architecture this is built for, else the
/// kernel's unified number (every architecture shares numbers from 424 up: libseccomp releases
/// older than the syscall do not know it), else -1. The shipped binary probes only ten syscalls
/// and carries their numbers itself (container/host/seccomp_probe.cpp); tests hold the two equal.

#include <seccomp.h>

#include <string>
#include <string_view>

namespace preflight::testing {

inline long ResolveSyscall(const std::string& name) {
  int nr = seccomp_syscall_resolve_name(name.c_str());
  if (nr >= 0) return nr;  // negative: unknown, or a pseudo number (not on this arch)
  struct Unified {
    std::string_view name;
    long number;
  };
  static constexpr Unified kUnified[] = {
      {"io_uring_setup", 425}, {"pidfd_open", 434}, {"clone3", 435},
      {"close_range", 436},    {"openat2", 437},    {"faccessat2", 439},
      {"epoll_pwait2", 441},   {"fchmodat2", 452},  {"mseal", 462}};
  for (const auto& u : kUnified) {
    if (u.name == name) return u.number;
  }
  return -1;
}

}  // namespace preflight::testing
