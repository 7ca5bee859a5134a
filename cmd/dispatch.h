#pragma once
/// The whole program behind main(): `__supervise` goes to the lean supervisor; otherwise the
/// command line is parsed (only the chosen subcommand is set up) and that command runs.
/// Here, not in main.cpp, so that CLI11 is compiled into one translation unit (see
/// cmd/CMakeLists.txt). Returns the process exit code (DESIGN.md exit codes).

namespace preflight::cmd {

int Main(int argc, char** argv);

}  // namespace preflight::cmd
