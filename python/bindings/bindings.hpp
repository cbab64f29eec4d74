// Registration functions of the _core module, one per file.
#pragma once

#include <pybind11/pybind11.h>

#include "event_bridge/config.hpp"

namespace event_bridge::python {

void register_config(pybind11::module_& m);
void register_bridge(pybind11::module_& m);
void register_codec(pybind11::module_& m);
void register_testing(pybind11::module_& m);

// A normalized config dict (event_bridge.Config.to_dict()) -> Config. Throws
// ConfigError naming the field for a missing or mistyped entry.
Config config_from_dict(const pybind11::dict& values);

}  // namespace event_bridge::python
