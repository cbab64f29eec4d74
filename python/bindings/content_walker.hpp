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

// Encoded dict keys by str object, for writers that support key caching: event content
// repeats the same few dozen keys. Direct-mapped; holds a reference to each cached key,
// so an address is never reused while cached. Used under the GIL only.
class KeyCache {
 public:
  static constexpr std::size_t kSlots = 512;
  static constexpr std::size_t kMaxBytes = Writer::kKeyBlock;
  KeyCache() = default;
  ~KeyCache();
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;
  // Writes an exact, ASCII str key; false when the caller must write it itself.
  bool write(PyObject* key, Writer& writer);

 private:
  struct Slot {
    PyObject* key = nullptr;
    std::uint8_t size = 0;
    char bytes[kMaxBytes];
  };
  Slot slots_[kSlots];
};

// A borrowed reference to the content; valid while the caller holds it and the GIL.
class PyContent final : public ContentSource {
 public:
  PyContent(PyObject* content, KeySegments* key_segments, KeyCache* key_cache = nullptr)
      : content_(content), key_segments_(key_segments), key_cache_(key_cache) {}
  // Reads content, id and timestamp from a KytosEvent-like object only in complete().
  struct FromEvent {};
  PyContent(FromEvent, PyObject* event, KeySegments* key_segments, KeyCache* key_cache)
      : content_(Py_None), key_segments_(key_segments), key_cache_(key_cache), event_(event) {}
  ~PyContent() override { Py_XDECREF(owned_content_); }
  PyContent(const PyContent&) = delete;
  PyContent& operator=(const PyContent&) = delete;
  void write(Writer& writer, int max_depth, NormalizationCounters& counters) override;
  bool find_key(const std::vector<KeyPath>& paths, std::string& key) override;
  void complete(EventMeta& meta) override;

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
  KeyCache* key_cache_ = nullptr;
  PyObject* event_ = nullptr;
  PyObject* owned_content_ = nullptr;
  Writer* writer_ = nullptr;
  NormalizationCounters* counters_ = nullptr;
  int max_depth_ = 64;
  std::vector<PyObject*> stack_;  // containers being walked, for cycle detection
};

// The UTF-8 bytes of a str (borrowed, cached by the str); nullptr with an error set when
// it has none (lone surrogates).
const char* utf8_view(PyObject* str, Py_ssize_t* size);
// Event id and timestamp from Python values (uuid.UUID or str; aware or naive
// datetime, naive taken as UTC, or a number of seconds). Returns false and sets no
// Python error when the value is unusable (the caller then uses defaults and counts).
bool uuid_from_python(PyObject* value, Uuid& out);
bool timestamp_from_python(PyObject* value, std::int64_t& out_us);

}  // namespace event_bridge::python
