// event_bridge._core.encode/decode: one envelope to bytes and back, without a broker.
#include <pybind11/stl.h>

#include <string_view>

#include "bindings.hpp"
#include "content_walker.hpp"
#include "event_bridge/bridge.hpp"
#include "event_bridge/envelope.hpp"
#include "event_bridge/errors.hpp"

namespace py = pybind11;

namespace event_bridge::python {

namespace {

py::object to_python(const Value& value) {
  struct Visitor {
    py::object operator()(std::monostate) const { return py::none(); }
    py::object operator()(bool v) const { return py::bool_(v); }
    py::object operator()(std::int64_t v) const { return py::int_(v); }
    py::object operator()(std::uint64_t v) const { return py::int_(v); }
    py::object operator()(double v) const { return py::float_(v); }
    py::object operator()(const std::string& v) const {
      // The decoder checks nothing about UTF-8: keep undecodable bytes visible.
      PyObject* text = PyUnicode_DecodeUTF8(v.data(), static_cast<Py_ssize_t>(v.size()),
                                            "surrogateescape");
      if (!text) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(text);
    }
    py::object operator()(const Binary& v) const { return py::bytes(v.bytes); }
    py::object operator()(const ValueArray& v) const {
      py::list list(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) list[i] = to_python(v[i]);
      return list;
    }
    py::object operator()(const ValueMap& v) const {
      py::dict dict;
      for (const auto& [key, item] : v) {
        PyObject* text = PyUnicode_DecodeUTF8(key.data(), static_cast<Py_ssize_t>(key.size()),
                                              "surrogateescape");
        if (!text) throw py::error_already_set();
        dict[py::reinterpret_steal<py::object>(text)] = to_python(item);
      }
      return dict;
    }
  };
  return std::visit(Visitor{}, value.v);
}

}  // namespace

void register_codec(py::module_& m) {
  m.def(
      "encode",
      [](py::handle name, py::handle content, const std::string& format, py::handle id,
         py::handle timestamp, std::uint64_t seq, const std::string& instance,
         const std::string& source, int max_depth) {
        const std::string event_name = py::str(name).cast<std::string>();
        EnvelopeFields fields;
        fields.name = event_name;
        fields.seq = seq;
        fields.instance = instance;
        fields.source = source;
        if (id.is_none() || !uuid_from_python(id.ptr(), fields.id)) fields.id = random_uuid();
        if (timestamp.is_none() || !timestamp_from_python(timestamp.ptr(), fields.timestamp_us)) {
          fields.timestamp_us = now_us();
        }
        auto writer = make_writer(parse_format(format, "format"));
        NormalizationCounters counters;
        write_envelope_head(*writer, fields);
        PyContent source_content(content.ptr(), nullptr);
        source_content.write(*writer, max_depth, counters);
        write_envelope_tail(*writer);
        py::dict normalized;
        normalized["stringified_keys"] = counters.stringified_keys.load();
        normalized["repr_fallbacks"] = counters.repr_fallbacks.load();
        normalized["cycles"] = counters.cycles.load();
        normalized["depth_exceeded"] = counters.depth_exceeded.load();
        normalized["as_dict_errors"] = counters.as_dict_errors.load();
        normalized["big_integers"] = counters.big_integers.load();
        normalized["value_errors"] = counters.value_errors.load();
        normalized["escaped_strs"] = counters.escaped_strs.load();
        const std::string_view bytes = writer->view();
        return py::make_tuple(py::bytes(bytes.data(), bytes.size()), normalized);
      },
      py::arg("name"), py::arg("content"), py::arg("format") = "msgpack",
      py::arg("id") = py::none(), py::arg("timestamp") = py::none(), py::arg("seq") = 1,
      py::arg("instance") = "00000000-0000-0000-0000-000000000000", py::arg("source") = "",
      py::arg("max_depth") = 64);
  m.def(
      "find_key",
      [](py::handle content, const std::vector<std::string>& paths) -> py::object {
        std::vector<KeyPath> parsed;
        for (std::size_t i = 0; i < paths.size(); ++i) {
          parsed.push_back(KeyPath::parse(paths[i], "key_paths[" + std::to_string(i) + "]"));
        }
        PyContent source_content(content.ptr(), nullptr);
        std::string key;
        if (!source_content.find_key(parsed, key)) return py::none();
        return py::str(key);
      },
      py::arg("content"), py::arg("key_paths"));

  m.def(
      "decode",
      [](py::bytes data, const std::string& format, bool envelope) {
        std::string_view view = data;
        Value value;
        {
          py::gil_scoped_release release;
          value = decode(view, parse_format(format, "content_type"));
          if (envelope) check_envelope(value);
        }
        return to_python(value);
      },
      py::arg("data"), py::arg("format"), py::arg("envelope") = true);
}

}  // namespace event_bridge::python
