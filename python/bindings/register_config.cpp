// Config errors and the dict -> Config conversion.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "event_bridge/errors.hpp"

namespace py = pybind11;

namespace event_bridge::python {

namespace {

template <typename T>
T take(const py::dict& values, const char* field) {
  if (!values.contains(field)) throw ConfigError(field, "missing");
  try {
    return values[field].cast<T>();
  } catch (const py::cast_error&) {
    throw ConfigError(field, std::string("wrong type ") +
                                 py::str(py::type::of(values[field]).attr("__name__")).cast<std::string>());
  }
}

}  // namespace

Config config_from_dict(const py::dict& values) {
  Config config;
  config.bootstrap_servers = take<std::string>(values, "bootstrap_servers");
  config.kafka = take<std::map<std::string, std::string>>(values, "kafka");
  config.compression = take<std::string>(values, "compression");
  config.source_id = take<std::string>(values, "source_id");
  config.allow = take<std::vector<std::string>>(values, "allow");
  config.deny = take<std::vector<std::string>>(values, "deny");
  config.verbose_topic_enabled = take<bool>(values, "verbose_topic_enabled");
  config.verbose_topic = take<std::string>(values, "verbose_topic");
  config.napp_topics_enabled = take<bool>(values, "napp_topics_enabled");
  config.napp_topic_prefix = take<std::string>(values, "napp_topic_prefix");
  const auto routes = take<std::vector<std::map<std::string, std::string>>>(values, "routes");
  for (std::size_t i = 0; i < routes.size(); ++i) {
    RouteConfig route;
    const std::string field = "routes[" + std::to_string(i) + "]";
    for (const auto& [key, value] : routes[i]) {
      if (key == "pattern") route.pattern = value;
      else if (key == "topic") route.topic = value;
      else if (key == "key_path") route.key_path = value;
      else throw ConfigError(field + "." + key, "unknown key (pattern, topic, key_path)");
    }
    config.routes.push_back(std::move(route));
  }
  config.key_paths = take<std::vector<std::string>>(values, "key_paths");
  config.known_users = take<std::vector<std::string>>(values, "known_users");
  config.default_user = take<std::string>(values, "default_user");
  config.create_topics = take<bool>(values, "create_topics");
  config.topic_partitions = take<int>(values, "topic_partitions");
  config.topic_replication_factor = take<int>(values, "topic_replication_factor");
  config.topic_config = take<std::map<std::string, std::string>>(values, "topic_config");
  config.format = parse_format(take<std::string>(values, "format"));
  config.max_message_bytes = take<std::size_t>(values, "max_message_bytes");
  config.max_depth = take<int>(values, "max_depth");
  config.buffer_max_events = take<std::size_t>(values, "buffer_max_events");
  config.buffer_max_bytes = take<std::size_t>(values, "buffer_max_bytes");
  config.overflow_policy = parse_overflow_policy(take<std::string>(values, "overflow_policy"));
  return config;
}

void register_config(py::module_& m) {
  // ConfigError(ValueError) with .field; DecodeError(ValueError).
  static PyObject* config_error =
      PyErr_NewExceptionWithDoc("event_bridge._core.ConfigError",
                                "Invalid configuration; .field names the option.",
                                PyExc_ValueError, nullptr);
  static PyObject* decode_error =
      PyErr_NewExceptionWithDoc("event_bridge._core.DecodeError",
                                "Bytes that are not a valid envelope.", PyExc_ValueError, nullptr);
  if (!config_error || !decode_error) throw py::error_already_set();
  m.attr("ConfigError") = py::handle(config_error);
  m.attr("DecodeError") = py::handle(decode_error);
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const ConfigError& error) {
      py::object instance = py::reinterpret_borrow<py::object>(config_error)(error.what());
      instance.attr("field") = error.field();
      PyErr_SetObject(config_error, instance.ptr());
    } catch (const DecodeError& error) {
      PyErr_SetString(decode_error, error.what());
    }
  });
  m.def("default_key_paths", [] { return Config{}.key_paths; });
  m.def("default_known_users", [] { return Config{}.known_users; });
}

}  // namespace event_bridge::python
