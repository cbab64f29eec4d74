// The PyObject -> Writer walk: event content straight from Python objects into the
// encoder, once, with the GIL held by the caller. Normalization rules: docs/ENVELOPE.md.
#pragma once

#include <Python.h>

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "event_bridge/bridge.hpp"
#include "event_bridge/msgpack_buffer.hpp"

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

// Encoded dict keys by str object, for MessagePack writers: event content
// repeats the same few dozen keys. Two-way set-associative; holds a reference to each cached key,
// so an address is never reused while cached. Used under the GIL only.
class KeyCache {
 public:
  static constexpr unsigned kSetBits = 8;
  static constexpr std::size_t kSlots = 2u << kSetBits;  // 256 sets of 2
  static constexpr std::size_t kMaxBytes = msgpack_out::kKeyBlock;
  KeyCache() = default;
  ~KeyCache();
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;
  struct Slot {
    PyObject* key = nullptr;
    std::uint8_t size = 0;
    char bytes[kMaxBytes];
  };
  // The cached encoding of `key`, or nullptr. Inline: the walker's common case.
  const Slot* find(PyObject* key) const {
    const Slot* const set = set_of(key);
    if (set[0].key == key) return &set[0];
    if (set[1].key == key) return &set[1];
    return nullptr;
  }
  // Caches and writes an exact, ASCII str key in MessagePack; false when the caller must
  // write it.
  bool write(PyObject* key, MessageBuffer& out);

 private:
  // Two ways per set, so that two hot keys whose addresses share a set do not evict each
  // other on every event; the multiplier spreads the address bits over the set index.
  Slot* set_of(PyObject* key) const {
    const std::uintptr_t hash = reinterpret_cast<std::uintptr_t>(key) * 0x9E3779B97F4A7C15ULL;
    return const_cast<Slot*>(&slots_[(hash >> (64 - kSetBits)) * 2]);
  }
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
  void write_key(PyObject* key) {
    if (direct_ && key_cache_) {
      if (const KeyCache::Slot* slot = key_cache_->find(key)) {
        msgpack_out::key_block(*direct_, slot->bytes, slot->size);
        return;
      }
    }
    write_key_slow(key);
  }
  void write_key_slow(PyObject* key);
  void write_str(PyObject* str);
  void write_int(PyObject* value);
  void write_repr(PyObject* value);
  bool enter(PyObject* container);  // false: a cycle
  void leave() { --open_; }

  PyObject* content_;
  KeySegments* key_segments_;
  KeyCache* key_cache_ = nullptr;
  PyObject* event_ = nullptr;
  PyObject* owned_content_ = nullptr;
  Writer* writer_ = nullptr;
  MessageBuffer* direct_ = nullptr;  // writer_'s MessagePack buffer, written directly
  NormalizationCounters* counters_ = nullptr;
  int max_depth_ = 64;
  // Containers being walked, for cycle detection: at most one per nesting level, so a
  // fixed array (no allocation per event, and safe if as_dict() publishes re-entrantly).
  std::array<PyObject*, kMaxDepthLimit + 2> stack_;
  std::size_t open_ = 0;
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
