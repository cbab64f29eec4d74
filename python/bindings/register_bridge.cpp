// event_bridge._core.Bridge: the per-event entry points and the blocking calls.
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"
#include "content_walker.hpp"
#include "event_bridge/bridge.hpp"
#include "event_bridge/kafka.hpp"

namespace py = pybind11;

namespace event_bridge::python {

namespace {

// Outcomes as interned str objects: returning one costs a reference increment.
PyObject* g_outcomes[5] = {};

py::object outcome_object(Outcome outcome) {
  return py::reinterpret_borrow<py::object>(g_outcomes[static_cast<int>(outcome)]);
}

int timeout_ms(double seconds) {
  if (!(seconds > 0)) return 0;
  if (seconds > 86400) return 86400 * 1000;
  return static_cast<int>(seconds * 1000.0);
}

class PyBridge {
 public:
  explicit PyBridge(const py::dict& values) {
    Config config = config_from_dict(values);
    auto transport = make_kafka_transport(config);
    bridge_ = std::make_unique<Bridge>(std::move(config), std::move(transport));
  }

  // Hot path: called from the Kytos event loop for every event.
  py::object publish(py::handle name, py::handle content, py::handle id, py::handle timestamp) {
    return outcome_object(publish_raw(name.ptr(), content.ptr(), id.ptr(), timestamp.ptr()));
  }

  py::object publish_event(py::handle event) {
    return outcome_object(publish_event_outcome(event.ptr()));
  }

  std::size_t flush(double timeout) {
    py::gil_scoped_release release;
    return bridge_->flush(timeout_ms(timeout));
  }

  std::size_t close(double timeout) {
    py::gil_scoped_release release;
    return bridge_->close(timeout_ms(timeout));
  }

  bool closed() const { return bridge_->closed(); }

  py::dict stats() const {
    Stats s;
    {
      py::gil_scoped_release release;
      s = bridge_->stats();
    }
    py::dict d;
    d["received"] = s.received;
    d["filtered"] = s.filtered;
    d["published"] = s.published;
    d["produced"] = s.produced;
    d["delivered"] = s.delivered;
    d["failed_retriable"] = s.failed_retriable;
    d["failed_terminal"] = s.failed_terminal;
    d["retried"] = s.retried;
    py::dict dropped;
    dropped["buffer_full"] = s.dropped_buffer_full;
    dropped["closed"] = s.dropped_closed;
    dropped["after_close"] = s.dropped_after_close;
    d["dropped"] = dropped;
    d["oversize"] = s.oversize;
    d["topic_create_failures"] = s.topic_create_failures;
    d["gap_records"] = s.gap_records;
    d["pending_gap_count"] = s.pending_gap_count;
    py::dict normalized;
    normalized["stringified_keys"] = s.stringified_keys;
    normalized["repr_fallbacks"] = s.repr_fallbacks;
    normalized["cycles"] = s.cycles;
    normalized["depth_exceeded"] = s.depth_exceeded;
    normalized["as_dict_errors"] = s.as_dict_errors;
    normalized["big_integers"] = s.big_integers;
    normalized["value_errors"] = s.value_errors;
    normalized["escaped_strs"] = s.escaped_strs;
    d["normalized"] = normalized;
    d["buffered_events"] = s.buffered_events;
    d["buffered_bytes"] = s.buffered_bytes;
    d["in_flight"] = s.in_flight;
    d["last_seq"] = s.last_seq;
    d["topics"] = s.topics;
    d["cached_names"] = s.cached_names;
    d["connection"] = to_string(s.connection);
    d["closed"] = s.closed;
    d["instance"] = s.instance;
    py::list errors;
    for (const DeliveryErrorRecord& error : s.last_errors) {
      py::dict e;
      e["topic"] = error.topic;
      e["code"] = error.code;
      e["reason"] = error.reason;
      e["at"] = format_timestamp(error.at_us);
      e["terminal"] = error.terminal;
      errors.append(e);
    }
    d["last_errors"] = errors;
    return d;
  }

  py::dict route(const std::string& name) const {
    const RouteDecision decision = bridge_->router().evaluate(name);
    py::dict d;
    d["name"] = decision.name;
    d["passes"] = decision.passes;
    py::list topics;
    for (const std::string& topic : decision.topic_names) topics.append(topic);
    d["topics"] = topics;
    py::list key_paths;
    for (const KeyPath& path : *decision.key_paths) key_paths.append(path.text);
    d["key_paths"] = key_paths;
    return d;
  }

  std::string instance() const { return bridge_->instance(); }

  Outcome publish_event_outcome(PyObject* object) {
    // Only the name before the filter: id, timestamp and content are read by
    // PyContent::complete() for the events that pass.
    PyObject* name = PyObject_GetAttr(object, walker_types().name);
    if (!name) PyErr_Clear();
    Py_ssize_t size = 0;
    const char* utf8 = name && PyUnicode_Check(name) ? utf8_view(name, &size) : nullptr;
    PyObject* name_text = nullptr;
    if (!utf8) {
      PyErr_Clear();
      name_text = PyObject_Str(name ? name : Py_None);
      utf8 = name_text ? PyUnicode_AsUTF8AndSize(name_text, &size) : nullptr;
      if (!utf8) {
        PyErr_Clear();
        utf8 = "";
        size = 0;
      }
    }
    PyContent source(PyContent::FromEvent{}, object, &key_segments_, &key_cache_);
    const Outcome outcome = bridge_->publish(
        std::string_view(utf8, static_cast<std::size_t>(size)), EventMeta{}, source);
    Py_XDECREF(name_text);
    Py_XDECREF(name);
    if (PyErr_Occurred()) PyErr_Clear();
    return outcome;
  }

 private:
  Outcome publish_raw(PyObject* name, PyObject* content, PyObject* id, PyObject* timestamp) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_Check(name) ? utf8_view(name, &size) : nullptr;
    PyObject* name_text = nullptr;
    if (!utf8) {
      PyErr_Clear();
      name_text = PyObject_Str(name);
      utf8 = name_text ? PyUnicode_AsUTF8AndSize(name_text, &size) : nullptr;
      if (!utf8) {
        PyErr_Clear();
        utf8 = "";
        size = 0;
      }
    }
    EventMeta meta;
    if (id != Py_None) {
      Uuid uuid;
      if (uuid_from_python(id, uuid)) meta.id = uuid;
    }
    if (timestamp != Py_None) {
      std::int64_t us = 0;
      if (timestamp_from_python(timestamp, us)) meta.timestamp_us = us;
    }
    PyContent source(content, &key_segments_, &key_cache_);
    const Outcome outcome =
        bridge_->publish(std::string_view(utf8, static_cast<std::size_t>(size)), meta, source);
    Py_XDECREF(name_text);
    if (PyErr_Occurred()) PyErr_Clear();
    return outcome;
  }

  std::unique_ptr<Bridge> bridge_;
  KeySegments key_segments_;
  KeyCache key_cache_;
};

// publish_event as a plain METH_O CPython function whose self is a capsule holding the
// PyBridge (and a reference to its Python object): pybind11's generic dispatcher costs
// about 900 instructions per call, more than a whole filtered event.
PyObject* publish_event_fast(PyObject* capsule, PyObject* event) {
  auto* bridge = static_cast<PyBridge*>(PyCapsule_GetPointer(capsule, "event_bridge.PyBridge"));
  if (!bridge) return nullptr;
  try {
    PyObject* outcome = g_outcomes[static_cast<int>(bridge->publish_event_outcome(event))];
    Py_INCREF(outcome);
    return outcome;
  } catch (...) {
    // What pybind11 would have raised (MemoryError, ValueError, ...): no C++ exception
    // may cross into the interpreter.
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

PyMethodDef g_publish_event_def = {"publish_event", publish_event_fast, METH_O,
                                   "publish_event(event) -> outcome str; never raises."};

py::object make_publish_event(py::object self) {
  PyBridge& bridge = self.cast<PyBridge&>();
  PyObject* capsule = PyCapsule_New(&bridge, "event_bridge.PyBridge", [](PyObject* cap) {
    Py_XDECREF(static_cast<PyObject*>(PyCapsule_GetContext(cap)));
  });
  if (!capsule) throw py::error_already_set();
  Py_INCREF(self.ptr());
  PyCapsule_SetContext(capsule, self.ptr());
  PyObject* function = PyCFunction_New(&g_publish_event_def, capsule);
  Py_DECREF(capsule);
  if (!function) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(function);
}

}  // namespace

void register_bridge(py::module_& m) {
  const char* names[5] = {"accepted", "filtered", "buffered", "dropped", "closed"};
  for (int i = 0; i < 5; ++i) {
    g_outcomes[i] = PyUnicode_InternFromString(names[i]);
    if (!g_outcomes[i]) throw py::error_already_set();
    if (std::string(names[i]) != to_string(static_cast<Outcome>(i))) {
      throw std::logic_error("outcome names out of step with event_bridge::Outcome");
    }
  }
  py::class_<PyBridge>(m, "Bridge")
      .def(py::init<const py::dict&>(), py::arg("config"))
      .def("publish", &PyBridge::publish, py::arg("name"), py::arg("content"), py::kw_only(),
           py::arg("id") = py::none(), py::arg("timestamp") = py::none())
      .def("publish_event", &PyBridge::publish_event, py::arg("event"))
      .def_property_readonly("publish_event_fast", &make_publish_event)
      .def("flush", &PyBridge::flush, py::arg("timeout"))
      .def("close", &PyBridge::close, py::arg("timeout"))
      .def_property_readonly("closed", &PyBridge::closed)
      .def_property_readonly("instance", &PyBridge::instance)
      .def("stats", &PyBridge::stats)
      .def("route", &PyBridge::route, py::arg("name"));
}

}  // namespace event_bridge::python
