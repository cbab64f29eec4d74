// The library's logger: spdlog, named "event_bridge", to stderr. Never calls Python.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace event_bridge {

spdlog::logger& log();

}  // namespace event_bridge
