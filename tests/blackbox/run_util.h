#pragma once
/// Runs the built netdata-preflight binary (or any program) as a user would, for
/// black-box tests: argv, a controlled environment, captured stdout and stderr, exit code.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#ifndef PREFLIGHT_SANITIZED
#define PREFLIGHT_SANITIZED 0
#endif

namespace preflight::testing {

/// ASan and UBSan builds (make test-asan) start and run every process several times slower:
/// the contract's timing bounds get this much more room there, and only there.
inline constexpr std::chrono::milliseconds kSanitizerSlack{PREFLIGHT_SANITIZED ? 1500 : 0};

struct ProcessResult {
  int exit_code = -1;  ///< -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Path of the binary under test.
std::string BinaryPath();

/// Runs `argv` with exactly `env` as its environment (nothing inherited except PATH when
/// `env` has none), killed after `timeout`.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(30),
                         const std::string& stdin_data = "");

/// RunProcess with the binary under test as argv[0].
ProcessResult RunPreflight(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// A fresh temporary directory, removed (recursively) when the object dies.
/// The whole content of a file; "" when it cannot be read.
std::string Slurp(const std::string& path);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// Writes `content` to path()/relative, creating parent directories.
  std::string Write(const std::string& relative, const std::string& content,
                    unsigned mode = 0644) const;
  std::string Mkdir(const std::string& relative, unsigned mode = 0755) const;

 private:
  std::string path_;
};

/// A well-formed fake claim token: 135 characters of the base64url alphabet, like the tokens
/// Netdata Cloud issues (`seed` varies it). Never a real token.
std::string FakeClaimToken(char seed = 'k');

/// A loopback TCP port that was free a moment ago (bound, read, released): for a test server
/// to listen on, or for a client that must find nothing listening there.
uint16_t FreeLoopbackPort();

/// True when running as root (tests that need it skip with a reason otherwise).
bool IsRoot();

}  // namespace preflight::testing
