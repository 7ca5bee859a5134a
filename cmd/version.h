#pragma once
/// The tool's version (set by CMake from the project version).

namespace preflight::cmd {

#ifndef PREFLIGHT_VERSION
#define PREFLIGHT_VERSION "0.0.0-dev"
#endif
inline constexpr const char* kVersion = PREFLIGHT_VERSION;

}  // namespace preflight::cmd
