// The private extension module event_bridge._core.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "content_walker.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "Native pipeline of kytos-event-bridge; use the event_bridge package instead.";
  event_bridge::python::init_walker_types();
  event_bridge::python::register_config(m);
  event_bridge::python::register_bridge(m);
  event_bridge::python::register_codec(m);
  event_bridge::python::register_testing(m);
}
