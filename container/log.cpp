#include "container/log.h"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "container/redact.h"

namespace preflight::log {

bool Init(std::string_view level) {
  // Plain stderr sink: no colour codes in `docker logs`, and no thread pool.
  // Init may run twice (defaults first, then --log-level): replace the logger.
  spdlog::drop("netdata-preflight");
  auto logger = spdlog::stderr_logger_st("netdata-preflight");
  logger->set_pattern("netdata-preflight: %l: %v");
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  if (level.empty()) {
    spdlog::cfg::load_env_levels();
    return true;
  }
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") return false;
  spdlog::set_level(parsed);
  return true;
}

void Write(Level level, std::string_view message) {
  auto* logger = spdlog::default_logger_raw();
  if (logger == nullptr) return;
  spdlog::level::level_enum l = spdlog::level::off;
  switch (level) {
    case Level::kTrace: l = spdlog::level::trace; break;
    case Level::kDebug: l = spdlog::level::debug; break;
    case Level::kInfo: l = spdlog::level::info; break;
    case Level::kWarn: l = spdlog::level::warn; break;
    case Level::kError: l = spdlog::level::err; break;
    case Level::kOff: return;
  }
  logger->log(l, "{}", Redact(std::string(message)));
}

}  // namespace preflight::log
