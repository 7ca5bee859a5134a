#pragma once
/// Seccomp facts of this process: mode, filters, and which syscalls the filter blocks.
/// Placeholder until the container-checks work fills it in.

namespace preflight::container {

class SeccompProber {
 public:
  virtual ~SeccompProber() = default;
};

}  // namespace preflight::container
