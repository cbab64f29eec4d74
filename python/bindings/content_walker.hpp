// The PyObject -> Writer walk: event content straight from Python objects into the
// encoder, once, with the GIL held by the caller. Normalization rules: docs/ENVELOPE.md.
#pragma once

#include <Python.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "event_bridge/bridge.hpp"

namespace event_bridge::python {

// Interned names and classes the walker needs; built once at module import.
struct WalkerTypes {
  PyObject* as_dict = nullptr;            // "as_dict"
  PyObject* dataclass_fields = nullptr;   // "__dataclass_fields__"
  PyObject* int_attr = nullptr;           // "int" (UUID.int)
  PyObject* isoformat = nullptr;          // "isoformat"
  PyObject* value_attr = nullptr;         // "value" (Enum.value)
  PyObject* uuid_type = nullptr;          // uuid.UUID
  PyObject* enum_type = nullptr;          // enum.Enum
  PyObject* dataclass_fields_fn = nullptr;  // dataclasses.fields
  // Attributes of a KytosEvent-like object.
  PyObject* name = nullptr, *content = nullptr, *id = nullptr, *timestamp = nullptr;
  bool ready = false;
};
WalkerTypes& walker_types();
// Imports uuid, enum and datetime; throws pybind11::error_already_set on failure.
void init_walker_types();

// Key paths as interned Python strings, built once per key-path list. Key-path lists
// are owned by the router for its whole life, so their address identifies them.
class KeySegments {
 public:
  using Paths = std::vector<std::vector<PyObject*>>;
  const Paths& get(const std::vector<KeyPath>& paths);
  static Paths build(const std::vector<KeyPath>& paths);

 private:
  std::unordered_map<const std::vector<KeyPath>*, Paths> cache_;
  const std::vector<KeyPath>* last_key_ = nullptr;
  const Paths* last_value_ = nullptr;
};

// A borrowed reference to the content; valid while the caller holds it and the GIL.
class PyContent final : public ContentSource {
 public:
  PyContent(PyObject* content, KeySegments* key_segments)
      : content_(content), key_segments_(key_segments) {}
  void write(Writer& writer, int max_depth, NormalizationCounters& counters) override;
  bool find_key(const std::vector<KeyPath>& paths, std::string& key) override;

 private:
  void walk(PyObject* value, int depth);
  void walk_object(PyObject* value, int depth);
  void walk_dict(PyObject* dict, int depth);
  void walk_sequence(PyObject* sequence, int depth);
  void walk_set(PyObject* set, int depth);
  void walk_dataclass(PyObject* value, int depth);
  void write_key(PyObject* key);
  void write_str(PyObject* str);
  void write_int(PyObject* value);
  void write_repr(PyObject* value);
  bool enter(PyObject* container);  // false: a cycle
  void leave() { stack_.pop_back(); }

  PyObject* content_;
  KeySegments* key_segments_;
  Writer* writer_ = nullptr;
  NormalizationCounters* counters_ = nullptr;
  int max_depth_ = 64;
  std::vector<PyObject*> stack_;  // containers being walked, for cycle detection
};

// Event id and timestamp from Python values (uuid.UUID or str; aware or naive
// datetime, naive taken as UTC, or a number of seconds). Returns false and sets no
// Python error when the value is unusable (the caller then uses defaults and counts).
bool uuid_from_python(PyObject* value, Uuid& out);
bool timestamp_from_python(PyObject* value, std::int64_t& out_us);

}  // namespace event_bridge::python
