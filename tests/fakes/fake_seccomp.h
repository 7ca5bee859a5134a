#pragma once
/// A SeccompProber whose answers the test sets: per syscall name a verdict and errno.

#include <map>
#include <string>

#include "container/host/seccomp_probe.h"

namespace preflight::testing {

class FakeSeccomp : public container::SeccompProber {
 public:
  /// name -> answer; syscalls not named here are allowed (EINVAL).
  std::map<std::string, container::SyscallProbe> answers;
  bool fork_fails = false;
  std::string emulator;  ///< what Probe() reports as the emulator ("" = native)
  int probes = 0;        ///< how many times Probe() was called

  FakeSeccomp& Answer(const std::string& name, container::SyscallVerdict verdict, int err = 0,
                      int signal = 0) {
    container::SyscallProbe p;
    p.name = name;
    p.verdict = verdict;
    p.err = err;
    p.signal = signal;
    answers[name] = p;
    return *this;
  }

  Expected<container::SeccompProbeReport> Probe(std::chrono::milliseconds) override {
    ++probes;
    if (fork_fails)
      return Error{EAGAIN, "fork `seccomp probe child`: Resource temporarily unavailable"};
    container::SeccompProbeReport r;
    r.arch = "x86_64";
    r.children = 1;
    r.emulator = emulator;
    long nr = 0;
    for (const auto& name : container::ProbedSyscalls()) {
      auto it = answers.find(name);
      container::SyscallProbe p;
      if (it != answers.end()) {
        p = it->second;
      } else {
        p.name = name;
        p.verdict = container::SyscallVerdict::kAllowed;
        p.err = EINVAL;
      }
      p.number = 400 + nr++;
      r.syscalls.push_back(p);
    }
    return r;
  }
};

}  // namespace preflight::testing
