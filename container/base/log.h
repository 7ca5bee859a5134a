#pragma once
/// The one logger: stderr only (stdout is for results). Messages are pre-formatted so that
/// only log.cpp pays for spdlog's templates. Never log a claim token: pass it through
/// RedactToken first.

#include <string_view>

namespace preflight::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

/// Sets the stderr logger's level. `level` is a name (trace, debug, info, warn, error, off);
/// empty means SPDLOG_LEVEL from the environment, else warn. Returns false for a bad name.
/// The logger itself is made at the first line written.
bool Init(std::string_view level);
void Write(Level level, std::string_view message);
inline void Debug(std::string_view m) { Write(Level::kDebug, m); }
inline void Info(std::string_view m) { Write(Level::kInfo, m); }
inline void Warn(std::string_view m) { Write(Level::kWarn, m); }
inline void Error(std::string_view m) { Write(Level::kError, m); }

}  // namespace preflight::log
