#include "core/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <string>

namespace event_bridge {

spdlog::logger& log() {
  // Built once; level from EVENT_BRIDGE_LOG_LEVEL (trace..off), default info.
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto made = std::make_shared<spdlog::logger>("event_bridge", sink);
    made->set_pattern("%Y-%m-%d %H:%M:%S.%e %l event_bridge: %v");
    const char* level = std::getenv("EVENT_BRIDGE_LOG_LEVEL");
    made->set_level(level ? spdlog::level::from_str(level) : spdlog::level::info);
    return made;
  }();
  return *logger;
}

}  // namespace event_bridge
