// The streaming encoder interface: one walk of a value calls these in document order.
// Two formats implement it (MessagePack and JSON); make_writer picks one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "event_bridge/config.hpp"

namespace event_bridge {

class MessageBuffer;

// Not thread-safe: one Writer per thread. Maps and arrays announce their size up
// front (MessagePack needs it); the caller must then write exactly that many entries
// (a map entry is key() followed by one value).
class Writer {
 public:
  virtual ~Writer() = default;

  virtual void begin_map(std::size_t size) = 0;
  virtual void end_map() = 0;
  virtual void begin_array(std::size_t size) = 0;
  virtual void end_array() = 0;
  virtual void key(std::string_view key) = 0;

  virtual void null() = 0;
  virtual void boolean(bool value) = 0;
  virtual void int64(std::int64_t value) = 0;
  virtual void uint64(std::uint64_t value) = 0;
  // NaN and infinities: native in MessagePack; the strings "NaN", "Infinity",
  // "-Infinity" in JSON.
  virtual void float64(double value) = 0;
  virtual void string(std::string_view value) = 0;
  // MessagePack bin; JSON: standard base64 string.
  virtual void binary(const void* data, std::size_t size) = 0;
  // An integer outside 64 bits, as decimal digits with optional '-'. MessagePack has
  // no such integer: a decimal string. JSON: a bare number.
  virtual void big_integer(std::string_view decimal) = 0;

  // The MessagePack buffer this writer writes to, for callers that write the common
  // value kinds directly with the inline encoders of msgpack_buffer.hpp (same bytes,
  // no virtual call); nullptr for other formats. Direct writes and calls may be mixed.
  virtual MessageBuffer* msgpack_buffer() { return nullptr; }

  // The encoded bytes so far; valid until the next call.
  virtual std::string_view view() const = 0;
  virtual std::size_t size() const = 0;
  // Drops the content, keeps the capacity.
  virtual void clear() = 0;
};

std::unique_ptr<Writer> make_writer(Format format);

}  // namespace event_bridge
