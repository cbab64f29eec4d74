#include "content_walker.hpp"

#include <datetime.h>
#include <pybind11/pybind11.h>

#include <charconv>
#include <cstring>

#include "event_bridge/msgpack_buffer.hpp"

namespace event_bridge::python {

namespace {

WalkerTypes g_types;

// Python 3.13 made the optional-attribute lookup public under a new name.
int lookup_attr(PyObject* object, PyObject* name, PyObject** result) {
#if PY_VERSION_HEX >= 0x030D0000
  return PyObject_GetOptionalAttr(object, name, result);
#else
  return _PyObject_LookupAttr(object, name, result);
#endif
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The exception being handled as "TypeName: message", then cleared.
std::string take_exception() {
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  std::string text = type ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "error";
  if (value) {
    if (PyObject* message = PyObject_Str(value)) {
      if (const char* utf8 = PyUnicode_AsUTF8(message)) {
        if (*utf8) text += std::string(": ") + utf8;
      }
      Py_DECREF(message);
    }
  }
  PyErr_Clear();
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  if (text.size() > 200) text.resize(200);
  return text;
}

}  // namespace

const char* utf8_view(PyObject* str, Py_ssize_t* size) {
  // Compact ASCII strs (nearly every key and value in event content) are their own
  // UTF-8: read them in place instead of calling into the interpreter.
  if (PyUnicode_IS_COMPACT_ASCII(str)) {
    *size = PyUnicode_GET_LENGTH(str);
    return static_cast<const char*>(PyUnicode_DATA(str));
  }
  return PyUnicode_AsUTF8AndSize(str, size);
}

// The next item of a dict, as PyDict_Next gives it (same order, same positions). On
// Python 3.11, a combined table (every dict the walker usually meets) is read in place:
// PyDict_Next costs about 50 instructions per item, this about 10. Layout of
// PyDictKeysObject and its entries: Include/internal/pycore_dict.h of 3.11, stable within
// 3.11. Everything else (split tables, other versions) goes through PyDict_Next. The
// table is looked up again at every call, so a dict changed meanwhile (by Python code in
// an as_dict()) is read as PyDict_Next would read it.
namespace {

// Set at import when a self-check finds dict_next and PyDict_Next disagree.
bool g_dict_in_place = true;

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
struct DictKeys311 {
  Py_ssize_t dk_refcnt;
  std::uint8_t dk_log2_size;
  std::uint8_t dk_log2_index_bytes;
  std::uint8_t dk_kind;  // 0: general, 1: unicode, 2: split
  std::uint32_t dk_version;
  Py_ssize_t dk_usable;
  Py_ssize_t dk_nentries;
  // Then dk_indices[1 << dk_log2_index_bytes], then the entries.
};
static_assert(sizeof(DictKeys311) == 32, "dk_indices starts at byte 32 on 64-bit builds");
struct DictEntryGeneral311 {
  Py_hash_t me_hash;
  PyObject* me_key;
  PyObject* me_value;
};
struct DictEntryUnicode311 {
  PyObject* me_key;
  PyObject* me_value;
};

inline bool dict_next(PyObject* object, Py_ssize_t* position, PyObject** key, PyObject** value) {
  auto* dict = reinterpret_cast<PyDictObject*>(object);
  if (dict->ma_values != nullptr || !g_dict_in_place) [[unlikely]] {
    return PyDict_Next(object, position, key, value);
  }
  const auto* keys = reinterpret_cast<const DictKeys311*>(dict->ma_keys);
  const char* const entries = reinterpret_cast<const char*>(keys) + sizeof(DictKeys311) +
                             (std::size_t{1} << keys->dk_log2_index_bytes);
  const Py_ssize_t count = keys->dk_nentries;
  Py_ssize_t i = *position;
  if (i < 0) return false;
  if (keys->dk_kind == 0) {
    const auto* entry = reinterpret_cast<const DictEntryGeneral311*>(entries);
    while (i < count && entry[i].me_value == nullptr) ++i;
    if (i >= count) return false;
    *key = entry[i].me_key;
    *value = entry[i].me_value;
  } else {
    const auto* entry = reinterpret_cast<const DictEntryUnicode311*>(entries);
    while (i < count && entry[i].me_value == nullptr) ++i;
    if (i >= count) return false;
    *key = entry[i].me_key;
    *value = entry[i].me_value;
  }
  *position = i + 1;
  return true;
}
#else
inline bool dict_next(PyObject* dict, Py_ssize_t* position, PyObject** key, PyObject** value) {
  return PyDict_Next(dict, position, key, value);
}
#endif

// dict_next against PyDict_Next on dicts of both key kinds, with deleted entries.
bool dict_next_agrees() {
  PyObject* dicts[2] = {PyDict_New(), PyDict_New()};
  bool same = dicts[0] && dicts[1];
  for (int d = 0; same && d < 2; ++d) {
    for (long i = 0; i < 12; ++i) {
      PyObject* key = d == 0 ? PyUnicode_FromFormat("k%ld", i) : PyLong_FromLong(i);
      PyObject* value = PyLong_FromLong(i * 7);
      same = key && value && PyDict_SetItem(dicts[d], key, value) == 0;
      if (same && i % 3 == 1) same = PyDict_DelItem(dicts[d], key) == 0;
      Py_XDECREF(key);
      Py_XDECREF(value);
      if (!same) break;
    }
    Py_ssize_t a = 0, b = 0;
    PyObject *ka = nullptr, *va = nullptr, *kb = nullptr, *vb = nullptr;
    for (;;) {
      const bool more_a = dict_next(dicts[d], &a, &ka, &va);
      const bool more_b = PyDict_Next(dicts[d], &b, &kb, &vb);
      if (more_a != more_b || (more_a && (a != b || ka != kb || va != vb))) same = false;
      if (!more_a || !more_b || !same) break;
    }
  }
  Py_XDECREF(dicts[0]);
  Py_XDECREF(dicts[1]);
  PyErr_Clear();
  return same;
}

}  // namespace

WalkerTypes& walker_types() { return g_types; }

void init_walker_types() {
  if (g_types.ready) return;
  PyDateTime_IMPORT;
  if (!PyDateTimeAPI) throw pybind11::error_already_set();
  auto intern = [](const char* text) {
    PyObject* name = PyUnicode_InternFromString(text);
    if (!name) throw pybind11::error_already_set();
    return name;
  };
  g_types.as_dict = intern("as_dict");
  g_types.dataclass_fields = intern("__dataclass_fields__");
  g_types.int_attr = intern("int");
  g_types.isoformat = intern("isoformat");
  g_types.value_attr = intern("value");
  g_types.name = intern("name");
  g_types.content = intern("content");
  g_types.id = intern("id");
  g_types.timestamp = intern("timestamp");
  g_types.uuid_type = pybind11::object(pybind11::module_::import("uuid").attr("UUID")).release().ptr();
  g_types.enum_type = pybind11::object(pybind11::module_::import("enum").attr("Enum")).release().ptr();
  g_types.dataclass_fields_fn =
      pybind11::object(pybind11::module_::import("dataclasses").attr("fields")).release().ptr();
  g_dict_in_place = dict_next_agrees();
  g_types.ready = true;
}

void PyContent::complete(EventMeta& meta) {
  if (!event_) return;
  // A missing attribute takes its default; each lookup starts with no error set.
  auto attribute = [this](PyObject* name) {
    PyObject* value = PyObject_GetAttr(event_, name);
    if (!value) PyErr_Clear();
    return value;
  };
  owned_content_ = attribute(g_types.content);
  content_ = owned_content_ ? owned_content_ : Py_None;
  if (PyObject* id = attribute(g_types.id)) {
    Uuid uuid;
    if (id != Py_None && uuid_from_python(id, uuid)) meta.id = uuid;
    Py_DECREF(id);
  }
  if (PyObject* timestamp = attribute(g_types.timestamp)) {
    std::int64_t us = 0;
    if (timestamp != Py_None && timestamp_from_python(timestamp, us)) meta.timestamp_us = us;
    Py_DECREF(timestamp);
  }
}

void PyContent::write(Writer& writer, int max_depth, NormalizationCounters& counters) {
  writer_ = &writer;
  direct_ = writer.msgpack_buffer();
  counters_ = &counters;
  max_depth_ = max_depth;
  open_ = 0;
  walk(content_, 0);
  if (PyErr_Occurred()) PyErr_Clear();  // never leave an error behind for the caller
}

bool PyContent::enter(PyObject* container) {
  for (std::size_t i = 0; i < open_; ++i) {
    if (stack_[i] == container) {
      counters_->cycles.fetch_add(1, std::memory_order_relaxed);
      writer_->string("<cycle>");
      return false;
    }
  }
  if (open_ == stack_.size()) [[unlikely]] {  // deeper than max_depth allows: not reached
    counters_->depth_exceeded.fetch_add(1, std::memory_order_relaxed);
    writer_->string("<max depth exceeded>");
    return false;
  }
  stack_[open_++] = container;
  return true;
}

void PyContent::write_str(PyObject* str) {
  Py_ssize_t size = 0;
  const char* utf8 = utf8_view(str, &size);
  if (utf8) {
    const std::string_view text(utf8, static_cast<std::size_t>(size));
    if (direct_) {
      msgpack_out::str(*direct_, text);
    } else {
      writer_->string(text);
    }
    return;
  }
  // Lone surrogates have no UTF-8: escape them instead of failing.
  PyErr_Clear();
  counters_->escaped_strs.fetch_add(1, std::memory_order_relaxed);
  PyObject* bytes = PyUnicode_AsEncodedString(str, "utf-8", "backslashreplace");
  if (bytes) {
    writer_->string(std::string_view(PyBytes_AS_STRING(bytes),
                                     static_cast<std::size_t>(PyBytes_GET_SIZE(bytes))));
    Py_DECREF(bytes);
  } else {
    PyErr_Clear();
    writer_->string("<unencodable str>");
  }
}

void PyContent::write_int(PyObject* value) {
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
  // 3.11's int is sign-and-size plus 30-bit digits (cpython/longintrepr.h): most event
  // integers (ports, priorities, table ids, flags) are one digit, read in place.
  if (direct_ && PyLong_CheckExact(value)) {
    const Py_ssize_t ndigits = Py_SIZE(value);
    if (ndigits >= -1 && ndigits <= 1) {
      const auto digit0 = static_cast<std::int64_t>(
          ndigits == 0 ? 0 : reinterpret_cast<PyLongObject*>(value)->ob_digit[0]);
      msgpack_out::int64(*direct_, ndigits < 0 ? -digit0 : digit0);
      return;
    }
  }
#endif
  int overflow = 0;
  const long long signed_value = PyLong_AsLongLongAndOverflow(value, &overflow);
  if (overflow == 0) {
    if (signed_value == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      write_repr(value);
      return;
    }
    if (direct_) {
      msgpack_out::int64(*direct_, signed_value);
    } else {
      writer_->int64(signed_value);
    }
    return;
  }
  if (overflow > 0) {
    const unsigned long long unsigned_value = PyLong_AsUnsignedLongLong(value);
    if (!(unsigned_value == static_cast<unsigned long long>(-1) && PyErr_Occurred())) {
      if (direct_) {
        msgpack_out::uint64(*direct_, unsigned_value);
      } else {
        writer_->uint64(unsigned_value);
      }
      return;
    }
    PyErr_Clear();
  }
  counters_->big_integers.fetch_add(1, std::memory_order_relaxed);
  // PyLong_Type's own str: a subclass's __str__ is not the number.
  PyObject* text = PyLong_Type.tp_str(value);
  if (text) {
    Py_ssize_t size = 0;
    const char* digits = PyUnicode_AsUTF8AndSize(text, &size);
    if (digits) writer_->big_integer(std::string_view(digits, static_cast<std::size_t>(size)));
    Py_DECREF(text);
    if (digits) return;
  }
  // Beyond sys.int_info.str_digits_check_threshold Python refuses to print it.
  PyErr_Clear();
  const std::int64_t bits = static_cast<std::int64_t>(_PyLong_NumBits(value));
  PyErr_Clear();
  writer_->string("<int too large: " + std::to_string(bits) + " bits>");
}

void PyContent::write_repr(PyObject* value) {
  counters_->repr_fallbacks.fetch_add(1, std::memory_order_relaxed);
  PyObject* repr = PyObject_Repr(value);
  if (repr) {
    write_str(repr);
    Py_DECREF(repr);
    return;
  }
  const std::string reason = take_exception();
  writer_->string("<repr() raised " + reason + ">");
}

KeyCache::~KeyCache() {
  for (Slot& slot : slots_) Py_XDECREF(slot.key);
}

bool KeyCache::write(PyObject* key, MessageBuffer& out) {
  Slot* const set = set_of(key);
  if (const Slot* hit = find(key)) {
    msgpack_out::key_block(out, hit->bytes, hit->size);
    return true;
  }
  if (!PyUnicode_CheckExact(key) || !PyUnicode_IS_COMPACT_ASCII(key)) return false;
  const std::string_view text(static_cast<const char*>(PyUnicode_DATA(key)),
                              static_cast<std::size_t>(PyUnicode_GET_LENGTH(key)));
  std::size_t size = 0;
  char bytes[kMaxBytes];
  if (!msgpack_out::encode_key(text, bytes, size)) return false;
  // A free way first; else the second way is replaced and the first stays.
  Slot& slot = set[0].key == nullptr ? set[0] : set[1];
  Py_INCREF(key);
  PyObject* const evicted = slot.key;
  slot.key = key;
  slot.size = static_cast<std::uint8_t>(size);
  std::memcpy(slot.bytes, bytes, size);
  Py_XDECREF(evicted);  // a str: its deallocation runs no Python code
  msgpack_out::key_block(out, slot.bytes, slot.size);
  return true;
}

void PyContent::write_key_slow(PyObject* key) {
  if (direct_ && key_cache_ && key_cache_->write(key, *direct_)) return;
  if (PyUnicode_Check(key)) {
    Py_ssize_t size = 0;
    const char* utf8 = utf8_view(key, &size);
    if (utf8) {
      const std::string_view text(utf8, static_cast<std::size_t>(size));
      if (direct_) {
        msgpack_out::str(*direct_, text);  // a MessagePack key is a str
      } else {
        writer_->key(text);
      }
      return;
    }
    PyErr_Clear();
  }
  counters_->stringified_keys.fetch_add(1, std::memory_order_relaxed);
  PyObject* text = PyUnicode_Check(key) ? PyUnicode_AsEncodedString(key, "utf-8", "backslashreplace")
                                        : PyObject_Str(key);
  if (text && PyBytes_Check(text)) {
    writer_->key(std::string_view(PyBytes_AS_STRING(text),
                                  static_cast<std::size_t>(PyBytes_GET_SIZE(text))));
  } else if (text) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8) {
      writer_->key(std::string_view(utf8, static_cast<std::size_t>(size)));
    } else {
      PyErr_Clear();
      writer_->key("<unencodable key>");
    }
  } else {
    const std::string reason = take_exception();
    writer_->key("<str() raised " + reason + ">");
  }
  Py_XDECREF(text);
}

void PyContent::walk_dict(PyObject* dict, int depth) {
  if (!enter(dict)) return;
  // Python code reached through as_dict() may change the dict while it is walked:
  // hold references, and write exactly the announced number of entries.
  const Py_ssize_t size = PyDict_Size(dict);
  if (direct_) {
    msgpack_out::map(*direct_, static_cast<std::size_t>(size));
  } else {
    writer_->begin_map(static_cast<std::size_t>(size));
  }
  Py_ssize_t position = 0, written = 0;
  PyObject *key = nullptr, *value = nullptr;
  while (written < size && dict_next(dict, &position, &key, &value)) {
    PyTypeObject* const type = Py_TYPE(value);
    if (Py_IS_TYPE(key, &PyUnicode_Type) &&
        (type == &PyUnicode_Type || type == &PyLong_Type || type == &PyBool_Type ||
         type == &PyFloat_Type || value == Py_None)) {
      // Writing these runs no Python code, so nothing can change the dict meanwhile.
      write_key(key);
      if (type == &PyUnicode_Type && depth < max_depth_) {
        write_str(value);  // what walk(value, depth + 1) does, without the dispatch
      } else {
        walk(value, depth + 1);
      }
    } else {
      Py_INCREF(key);
      Py_INCREF(value);
      write_key(key);
      walk(value, depth + 1);
      Py_DECREF(key);
      Py_DECREF(value);
    }
    ++written;
  }
  for (; written < size; ++written) {
    writer_->key("<removed while encoding " + std::to_string(written) + ">");
    writer_->null();
  }
  if (!direct_) writer_->end_map();  // nothing to write in MessagePack
  leave();
}

void PyContent::walk_sequence(PyObject* sequence, int depth) {
  // Lists can change under Python code too: re-check the size at every step.
  const bool is_list = PyList_Check(sequence);
  if (is_list && !enter(sequence)) return;
  const Py_ssize_t size = is_list ? PyList_GET_SIZE(sequence) : PyTuple_GET_SIZE(sequence);
  if (direct_) {
    msgpack_out::array(*direct_, static_cast<std::size_t>(size));
  } else {
    writer_->begin_array(static_cast<std::size_t>(size));
  }
  for (Py_ssize_t i = 0; i < size; ++i) {
    if (is_list && i >= PyList_GET_SIZE(sequence)) {
      writer_->null();
      continue;
    }
    PyObject* item = is_list ? PyList_GET_ITEM(sequence, i) : PyTuple_GET_ITEM(sequence, i);
    Py_INCREF(item);
    walk(item, depth + 1);
    Py_DECREF(item);
  }
  if (!direct_) writer_->end_array();  // nothing to write in MessagePack
  if (is_list) leave();
}

void PyContent::walk_set(PyObject* set, int depth) {
  PyObject* items = PySequence_List(set);
  if (!items) {
    counters_->value_errors.fetch_add(1, std::memory_order_relaxed);
    const std::string reason = take_exception();
    writer_->string("<set iteration raised " + reason + ">");
    return;
  }
  // Sets have no order; sort when the items allow it so the output is stable.
  if (PyList_Sort(items) != 0) PyErr_Clear();
  const Py_ssize_t size = PyList_GET_SIZE(items);
  writer_->begin_array(static_cast<std::size_t>(size));
  for (Py_ssize_t i = 0; i < size; ++i) walk(PyList_GET_ITEM(items, i), depth + 1);
  writer_->end_array();
  Py_DECREF(items);
}

void PyContent::walk(PyObject* value, int depth) {
  if (depth > max_depth_) {
    counters_->depth_exceeded.fetch_add(1, std::memory_order_relaxed);
    writer_->string("<max depth exceeded>");
    return;
  }
  PyTypeObject* type = Py_TYPE(value);
  if (type == &PyUnicode_Type) {
    write_str(value);
  } else if (type == &PyDict_Type) {
    walk_dict(value, depth);
  } else if (type == &PyLong_Type) {
    write_int(value);
  } else if (type == &PyBool_Type) {
    if (direct_) {
      msgpack_out::boolean(*direct_, value == Py_True);
    } else {
      writer_->boolean(value == Py_True);
    }
  } else if (value == Py_None) {
    if (direct_) {
      msgpack_out::nil(*direct_);
    } else {
      writer_->null();
    }
  } else if (type == &PyFloat_Type) {
    if (direct_) {
      msgpack_out::float64(*direct_, PyFloat_AS_DOUBLE(value));
    } else {
      writer_->float64(PyFloat_AS_DOUBLE(value));
    }
  } else if (type == &PyList_Type || type == &PyTuple_Type) {
    walk_sequence(value, depth);
  } else {
    walk_object(value, depth);
  }
}

void PyContent::walk_object(PyObject* value, int depth) {
  PyTypeObject* type = Py_TYPE(value);
  // Enum before int and str: IntEnum and StrEnum members are published as their value.
  if (PyType_IsSubtype(type, reinterpret_cast<PyTypeObject*>(g_types.enum_type))) {
    PyObject* member_value = PyObject_GetAttr(value, g_types.value_attr);
    if (!member_value) {
      counters_->value_errors.fetch_add(1, std::memory_order_relaxed);
      const std::string reason = take_exception();
      writer_->string("<Enum.value raised " + reason + ">");
      return;
    }
    if (member_value == value) {
      write_repr(value);
    } else {
      walk(member_value, depth + 1);
    }
    Py_DECREF(member_value);
    return;
  }
  if (PyUnicode_Check(value)) return write_str(value);
  if (PyLong_Check(value)) return write_int(value);
  if (PyFloat_Check(value)) return writer_->float64(PyFloat_AsDouble(value));
  if (PyBytes_Check(value)) {
    return writer_->binary(PyBytes_AS_STRING(value), static_cast<std::size_t>(PyBytes_GET_SIZE(value)));
  }
  if (PyByteArray_Check(value)) {
    return writer_->binary(PyByteArray_AS_STRING(value),
                           static_cast<std::size_t>(PyByteArray_GET_SIZE(value)));
  }
  if (PyMemoryView_Check(value)) {
    PyObject* bytes = PyBytes_FromObject(value);
    if (!bytes) {
      counters_->value_errors.fetch_add(1, std::memory_order_relaxed);
      const std::string reason = take_exception();
      writer_->string("<memoryview raised " + reason + ">");
      return;
    }
    writer_->binary(PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)));
    Py_DECREF(bytes);
    return;
  }
  if (PyDict_Check(value)) return walk_dict(value, depth);
  if (PyList_Check(value) || PyTuple_Check(value)) return walk_sequence(value, depth);
  if (PyAnySet_Check(value)) return walk_set(value, depth);
  if (PyDate_Check(value) || PyTime_Check(value)) {
    PyObject* text = PyObject_CallMethodNoArgs(value, g_types.isoformat);
    if (text && PyUnicode_Check(text)) {
      write_str(text);
    } else {
      PyErr_Clear();
      write_repr(value);
    }
    Py_XDECREF(text);
    return;
  }
  if (PyType_IsSubtype(type, reinterpret_cast<PyTypeObject*>(g_types.uuid_type))) {
    Uuid uuid;
    if (uuid_from_python(value, uuid)) {
      char text[36];
      format_uuid(uuid, text);
      writer_->string(std::string_view(text, 36));
    } else {
      write_repr(value);
    }
    return;
  }
  if (!PyType_Check(value)) {
    PyObject* method = nullptr;
    if (lookup_attr(value, g_types.as_dict, &method) < 0) PyErr_Clear();
    if (method && PyCallable_Check(method)) {
      PyObject* result = PyObject_CallNoArgs(method);
      Py_DECREF(method);
      if (!result) {
        counters_->as_dict_errors.fetch_add(1, std::memory_order_relaxed);
        const std::string reason = take_exception();
        writer_->string("<as_dict() raised " + reason + ">");
        return;
      }
      if (enter(value)) {
        walk(result, depth + 1);
        leave();
      }
      Py_DECREF(result);
      return;
    }
    Py_XDECREF(method);
    PyObject* fields = nullptr;
    if (lookup_attr(reinterpret_cast<PyObject*>(type), g_types.dataclass_fields, &fields) < 0) {
      PyErr_Clear();
    }
    if (fields) {
      Py_DECREF(fields);
      return walk_dataclass(value, depth);
    }
  }
  write_repr(value);
}

void PyContent::walk_dataclass(PyObject* value, int depth) {
  PyObject* fields = PyObject_CallOneArg(g_types.dataclass_fields_fn, value);
  if (!fields || !PyTuple_Check(fields)) {
    PyErr_Clear();
    Py_XDECREF(fields);
    return write_repr(value);
  }
  if (!enter(value)) {
    Py_DECREF(fields);
    return;
  }
  const Py_ssize_t size = PyTuple_GET_SIZE(fields);
  writer_->begin_map(static_cast<std::size_t>(size));
  for (Py_ssize_t i = 0; i < size; ++i) {
    PyObject* name = PyObject_GetAttr(PyTuple_GET_ITEM(fields, i), g_types.name);
    if (!name || !PyUnicode_Check(name)) {
      PyErr_Clear();
      Py_XDECREF(name);
      counters_->value_errors.fetch_add(1, std::memory_order_relaxed);
      writer_->key("<field " + std::to_string(i) + ">");
      writer_->null();
      continue;
    }
    write_key(name);
    PyObject* field_value = PyObject_GetAttr(value, name);
    Py_DECREF(name);
    if (!field_value) {
      counters_->value_errors.fetch_add(1, std::memory_order_relaxed);
      const std::string reason = take_exception();
      writer_->string("<attribute raised " + reason + ">");
      continue;
    }
    walk(field_value, depth + 1);
    Py_DECREF(field_value);
  }
  writer_->end_map();
  leave();
  Py_DECREF(fields);
}

namespace {

// A scalar usable as a message key: str, or int (not bool).
bool key_text(PyObject* value, std::string& key) {
  if (PyUnicode_Check(value)) {
    Py_ssize_t size = 0;
    const char* utf8 = utf8_view(value, &size);
    if (!utf8 || size == 0) {
      PyErr_Clear();
      return false;
    }
    key.assign(utf8, static_cast<std::size_t>(size));
    return true;
  }
  if (PyLong_Check(value) && !PyBool_Check(value)) {
    int overflow = 0;
    const long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow != 0 || (number == -1 && PyErr_Occurred())) {
      PyErr_Clear();
      return false;
    }
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), number);
    key.assign(digits, end);
    return true;
  }
  return false;
}

}  // namespace

namespace {

// Follows segments[index..] from `current` (borrowed). "*" stands for every value of a
// dict, tried in order: {"<evc id>": {"evc_id": ...}} -> "*.evc_id".
bool resolve_key(PyObject* current, const std::vector<PyObject*>& segments, std::size_t index,
                 PyObject* wildcard, std::string& key, int depth) {
  if (index == segments.size()) return key_text(current, key);
  if (depth > 8) return false;
  PyObject* segment = segments[index];
  if (segment == wildcard) {
    if (!PyDict_Check(current)) return false;
    Py_ssize_t position = 0;
    PyObject *name = nullptr, *value = nullptr;
    while (PyDict_Next(current, &position, &name, &value)) {
      Py_INCREF(value);
      const bool found = resolve_key(value, segments, index + 1, wildcard, key, depth + 1);
      Py_DECREF(value);
      if (found) return true;
    }
    return false;
  }
  PyObject* next = nullptr;
  if (PyDict_Check(current)) {
    next = PyDict_GetItemWithError(current, segment);
    Py_XINCREF(next);
  } else if (!PyUnicode_Check(current) && !PyLong_Check(current) && current != Py_None) {
    if (lookup_attr(current, segment, &next) < 0) next = nullptr;
  }
  if (PyErr_Occurred()) PyErr_Clear();
  if (!next) return false;
  const bool found = resolve_key(next, segments, index + 1, wildcard, key, depth + 1);
  Py_DECREF(next);
  return found;
}

}  // namespace

bool PyContent::find_key(const std::vector<KeyPath>& paths, std::string& key) {
  static PyObject* const wildcard = PyUnicode_InternFromString("*");
  KeySegments::Paths built;
  const KeySegments::Paths& segments =
      key_segments_ ? key_segments_->get(paths) : (built = KeySegments::build(paths));
  for (const auto& path : segments) {
    if (!path.empty() && resolve_key(content_, path, 0, wildcard, key, 0)) return true;
  }
  return false;
}

const KeySegments::Paths& KeySegments::get(const std::vector<KeyPath>& paths) {
  if (&paths == last_key_) return *last_value_;
  auto it = cache_.find(&paths);
  if (it == cache_.end()) it = cache_.emplace(&paths, build(paths)).first;
  last_key_ = &paths;
  last_value_ = &it->second;
  return it->second;
}

KeySegments::Paths KeySegments::build(const std::vector<KeyPath>& paths) {
  Paths built;
  for (const KeyPath& path : paths) {
    std::vector<PyObject*> segments;
    for (const std::string& segment : path.segments) {
      PyObject* name = PyUnicode_InternFromString(segment.c_str());
      if (!name) {
        PyErr_Clear();
        break;
      }
      segments.push_back(name);  // interned: kept for the life of the process
    }
    built.push_back(std::move(segments));
  }
  return built;
}

bool uuid_from_python(PyObject* value, Uuid& out) {
  if (PyUnicode_Check(value)) {
    Py_ssize_t size = 0;
    const char* text = PyUnicode_AsUTF8AndSize(value, &size);
    if (!text) {
      PyErr_Clear();
      return false;
    }
    std::size_t nibble = 0;
    for (Py_ssize_t i = 0; i < size; ++i) {
      if (text[i] == '-') continue;
      const int digit = hex_value(text[i]);
      if (digit < 0 || nibble >= 32) return false;
      if (nibble % 2 == 0) out[nibble / 2] = static_cast<std::uint8_t>(digit << 4);
      else out[nibble / 2] |= static_cast<std::uint8_t>(digit);
      ++nibble;
    }
    return nibble == 32;
  }
  if (!PyType_IsSubtype(Py_TYPE(value), reinterpret_cast<PyTypeObject*>(g_types.uuid_type))) {
    return false;
  }
  PyObject* number = PyObject_GetAttr(value, g_types.int_attr);
  if (!number || !PyLong_Check(number)) {
    PyErr_Clear();
    Py_XDECREF(number);
    return false;
  }
  // The 128-bit value straight into big-endian bytes: no temporary int objects.
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000 && PYLONG_BITS_IN_DIGIT == 30
  // 3.11's int is sign-and-size plus 30-bit digits (cpython/longintrepr.h): a UUID's
  // 128 bits are at most 5 digits, read without the generic byte-by-byte conversion.
  if (PyLong_CheckExact(number)) {
    const Py_ssize_t ndigits = Py_SIZE(number);
    const digit* digits = reinterpret_cast<PyLongObject*>(number)->ob_digit;
    if (ndigits >= 0 && ndigits <= 5 && (ndigits < 5 || digits[4] < (1u << 8))) {
      std::uint64_t high = 0, low = 0;
      for (Py_ssize_t i = ndigits; i-- > 0;) {
        high = (high << PyLong_SHIFT) | (low >> (64 - PyLong_SHIFT));
        low = (low << PyLong_SHIFT) | digits[i];
      }
      Py_DECREF(number);
      for (int i = 0; i < 8; ++i) {
        out[i] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
        out[8 + i] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
      }
      return true;
    }
  }
#endif
#if PY_VERSION_HEX >= 0x030D0000
  const int failed = _PyLong_AsByteArray(reinterpret_cast<PyLongObject*>(number), out.data(),
                                         out.size(), /*little_endian=*/0, /*is_signed=*/0,
                                         /*with_exceptions=*/1);
#else
  const int failed = _PyLong_AsByteArray(reinterpret_cast<PyLongObject*>(number), out.data(),
                                         out.size(), /*little_endian=*/0, /*is_signed=*/0);
#endif
  if (!failed) {
    Py_DECREF(number);
    return true;
  }
  // Not in [0, 2**128) (an odd UUID subclass): its low 128 bits, as before.
  PyErr_Clear();
  const unsigned long long low = PyLong_AsUnsignedLongLongMask(number);
  PyObject* shift = PyLong_FromLong(64);
  PyObject* high_part = shift ? PyNumber_Rshift(number, shift) : nullptr;
  const unsigned long long high = high_part ? PyLong_AsUnsignedLongLongMask(high_part) : 0;
  Py_XDECREF(shift);
  Py_XDECREF(high_part);
  Py_DECREF(number);
  if (PyErr_Occurred()) {
    PyErr_Clear();
    return false;
  }
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
    out[8 + i] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
  }
  return true;
}

bool timestamp_from_python(PyObject* value, std::int64_t& out_us) {
  if (PyDateTime_Check(value)) {
    std::int64_t days = days_from_civil(PyDateTime_GET_YEAR(value), PyDateTime_GET_MONTH(value),
                                        PyDateTime_GET_DAY(value));
    std::int64_t us = ((days * 24 + PyDateTime_DATE_GET_HOUR(value)) * 60 +
                       PyDateTime_DATE_GET_MINUTE(value)) * 60 + PyDateTime_DATE_GET_SECOND(value);
    us = us * 1000000 + PyDateTime_DATE_GET_MICROSECOND(value);
    // Aware: subtract the offset; naive: taken as UTC.
    PyObject* tzinfo = PyDateTime_DATE_GET_TZINFO(value);
    if (tzinfo == Py_None || tzinfo == PyDateTime_TimeZone_UTC) {
      out_us = us;
      return true;
    }
    PyObject* offset = PyObject_CallMethod(value, "utcoffset", nullptr);
    if (!offset) {
      PyErr_Clear();
      return false;
    }
    if (PyDelta_Check(offset)) {
      us -= ((static_cast<std::int64_t>(PyDateTime_DELTA_GET_DAYS(offset)) * 86400 +
              PyDateTime_DELTA_GET_SECONDS(offset)) * 1000000 +
             PyDateTime_DELTA_GET_MICROSECONDS(offset));
    }
    Py_DECREF(offset);
    out_us = us;
    return true;
  }
  if (PyFloat_Check(value) || (PyLong_Check(value) && !PyBool_Check(value))) {
    const double seconds = PyFloat_Check(value) ? PyFloat_AsDouble(value) : PyLong_AsDouble(value);
    if (PyErr_Occurred() || !(seconds > -1e11 && seconds < 1e11)) {
      PyErr_Clear();
      return false;
    }
    out_us = static_cast<std::int64_t>(seconds * 1e6);
    return true;
  }
  return false;
}

}  // namespace event_bridge::python
