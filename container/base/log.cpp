#include "container/base/log.h"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "container/base/redact.h"

namespace preflight::log {
namespace {

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      break;
  }
  return spdlog::level::off;
}

// Below this nothing is written, and spdlog is not even set up: most runs log nothing, and its
// registry, formatter and time zone are a fair part of a start that must be milliseconds.
spdlog::level::level_enum threshold = spdlog::level::warn;
spdlog::logger* logger = nullptr;

spdlog::logger& Logger() {
  if (logger == nullptr) {
    // Plain stderr sink: no colour codes in `docker logs`, and no thread pool.
    auto made = spdlog::stderr_logger_st("netdata-preflight");
    made->set_pattern("netdata-preflight: %l: %v");
    made->set_level(threshold);
    spdlog::set_default_logger(made);
    logger = made.get();  // the registry keeps it
  }
  return *logger;
}

}  // namespace

bool Init(std::string_view level) {
  if (level.empty()) {
    if (std::getenv("SPDLOG_LEVEL") == nullptr) return true;  // warn, set up on first use
    threshold = spdlog::level::trace;  // spdlog's own levels from the environment filter
    Logger();
    spdlog::cfg::load_env_levels();
    return true;
  }
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") return false;
  threshold = parsed;
  if (logger != nullptr) spdlog::set_level(parsed);
  return true;
}

void Write(Level level, std::string_view message) {
  const auto l = ToSpdlog(level);
  if (l == spdlog::level::off || l < threshold) return;
  Logger().log(l, "{}", Redact(std::string(message)));
}

}  // namespace preflight::log
