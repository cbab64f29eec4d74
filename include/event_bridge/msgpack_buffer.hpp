// The MessagePack output buffer and inline encoders of the value kinds the content walker
// writes most (str, map and array headers, nil, bool): the walker's fast path, where a
// call into msgpack-c's packer per value (it can only be reached from src/encode/) would
// cost about 13% of a medium event. They write exactly the bytes msgpack-c's packer
// writes (MsgpackWriter, the Writer implementation, is that packer); a test compares the
// two at every size-class boundary (tests/cpp/encode_test.cpp, MsgpackDirectMatchesPacker).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace event_bridge {

// A growable byte buffer whose clear() keeps the capacity, with room-then-commit access
// so that a header and a short body cost one capacity check and no library call. Not
// copyable; not thread-safe.
class MessageBuffer {
 public:
  explicit MessageBuffer(std::size_t capacity);
  ~MessageBuffer();
  MessageBuffer(const MessageBuffer&) = delete;
  MessageBuffer& operator=(const MessageBuffer&) = delete;

  // What msgpack::packer calls.
  void write(const char* data, std::size_t size) {
    if (size == 0) return;  // an empty str or bin body may come with a null pointer
    std::memcpy(room(size), data, size);
    size_ += size;
  }
  // A pointer to at least `size` writable bytes after the content; commit() adds them.
  char* room(std::size_t size) {
    if (size > capacity_ - size_) [[unlikely]] grow(size);
    return data_ + size_;
  }
  void commit(std::size_t size) { size_ += size; }

  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  void grow(std::size_t extra);

  char* data_;
  std::size_t size_ = 0;
  std::size_t capacity_;
};

namespace msgpack_out {

// Sizes above 2^32-1, which MessagePack cannot express, throw std::length_error.
inline std::uint32_t checked_size(std::size_t size, const char* what) {
  if (size > std::numeric_limits<std::uint32_t>::max()) [[unlikely]] {
    throw std::length_error(std::string("msgpack: ") + what + " longer than 2^32-1 bytes");
  }
  return static_cast<std::uint32_t>(size);
}

inline char* store_be16(char* out, std::uint32_t value) {
  out[0] = static_cast<char>(value >> 8);
  out[1] = static_cast<char>(value);
  return out + 2;
}

inline char* store_be32(char* out, std::uint32_t value) {
  out = store_be16(out, value >> 16);
  return store_be16(out, value & 0xffff);
}

// Event strings are mostly short; copying them with a few fixed-size moves beats a call
// into the library memcpy.
inline void copy_bytes(char* out, const char* in, std::size_t size) {
  if (size >= 16) {
    std::memcpy(out, in, size);
  } else if (size >= 8) {
    std::uint64_t head;
    std::uint64_t tail;
    std::memcpy(&head, in, 8);
    std::memcpy(&tail, in + size - 8, 8);
    std::memcpy(out, &head, 8);
    std::memcpy(out + size - 8, &tail, 8);
  } else if (size >= 4) {
    std::uint32_t head;
    std::uint32_t tail;
    std::memcpy(&head, in, 4);
    std::memcpy(&tail, in + size - 4, 4);
    std::memcpy(out, &head, 4);
    std::memcpy(out + size - 4, &tail, 4);
  } else if (size > 0) {
    out[0] = in[0];
    out[size / 2] = in[size / 2];
    out[size - 1] = in[size - 1];
  }
}

// str or bin: the headers msgpack-c's packer::pack_str / pack_bin write (fixstr,
// str8/16/32, bin8/16/32), then the bytes, behind a single capacity check.
inline void bytes(MessageBuffer& buffer, std::string_view value, bool is_str) {
  const std::uint32_t size = checked_size(value.size(), is_str ? "str" : "bin");
  char* const start = buffer.room(5 + static_cast<std::size_t>(size));
  char* out = start;
  if (is_str && size < 32) {
    *out++ = static_cast<char>(0xa0 | size);
  } else if (size < 256) {
    *out++ = static_cast<char>(is_str ? 0xd9 : 0xc4);
    *out++ = static_cast<char>(size);
  } else if (size < 65536) {
    *out++ = static_cast<char>(is_str ? 0xda : 0xc5);
    out = store_be16(out, size);
  } else {
    *out++ = static_cast<char>(is_str ? 0xdb : 0xc6);
    out = store_be32(out, size);
  }
  copy_bytes(out, value.data(), size);
  buffer.commit(static_cast<std::size_t>(out - start) + size);
}

inline void str(MessageBuffer& buffer, std::string_view value) { bytes(buffer, value, true); }

// Map (fix_code 0x80, 16-bit 0xde, 32-bit 0xdf) and array (0x90, 0xdc, 0xdd) headers, as
// packer::pack_map / pack_array write them.
inline void container(MessageBuffer& buffer, std::size_t count, unsigned fix_code,
                      unsigned code16, const char* what) {
  const std::uint32_t size = checked_size(count, what);
  char* const start = buffer.room(5);
  char* out = start;
  if (size < 16) {
    *out++ = static_cast<char>(fix_code | size);
  } else if (size < 65536) {
    *out++ = static_cast<char>(code16);
    out = store_be16(out, size);
  } else {
    *out++ = static_cast<char>(code16 + 1);
    out = store_be32(out, size);
  }
  buffer.commit(static_cast<std::size_t>(out - start));
}

inline void map(MessageBuffer& buffer, std::size_t count) {
  container(buffer, count, 0x80, 0xde, "map");
}
inline void array(MessageBuffer& buffer, std::size_t count) {
  container(buffer, count, 0x90, 0xdc, "array");
}

inline void nil(MessageBuffer& buffer) {
  *buffer.room(1) = static_cast<char>(0xc0);
  buffer.commit(1);
}

inline void boolean(MessageBuffer& buffer, bool value) {
  *buffer.room(1) = static_cast<char>(value ? 0xc3 : 0xc2);
  buffer.commit(1);
}

// A type byte and `bytes` big-endian bytes of `value`.
inline void typed(MessageBuffer& buffer, unsigned code, std::uint64_t value, int bytes) {
  char* const out = buffer.room(9);
  out[0] = static_cast<char>(code);
  for (int i = 0; i < bytes; ++i) out[1 + i] = static_cast<char>(value >> (8 * (bytes - 1 - i)));
  buffer.commit(1 + static_cast<std::size_t>(bytes));
}

// The smallest encoding, as packer::pack_uint64 / pack_int64 choose it (fixint, then
// uint 8/16/32/64 for non-negative values, int 8/16/32/64 for negative ones).
inline void uint64(MessageBuffer& buffer, std::uint64_t value) {
  if (value < 128) {
    *buffer.room(1) = static_cast<char>(value);
    buffer.commit(1);
  } else if (value < 256) {
    typed(buffer, 0xcc, value, 1);
  } else if (value < 65536) {
    typed(buffer, 0xcd, value, 2);
  } else if (value < (std::uint64_t{1} << 32)) {
    typed(buffer, 0xce, value, 4);
  } else {
    typed(buffer, 0xcf, value, 8);
  }
}

inline void int64(MessageBuffer& buffer, std::int64_t value) {
  if (value >= 0) return uint64(buffer, static_cast<std::uint64_t>(value));
  const auto bits = static_cast<std::uint64_t>(value);
  if (value >= -32) {
    *buffer.room(1) = static_cast<char>(value);
    buffer.commit(1);
  } else if (value >= -128) {
    typed(buffer, 0xd0, bits, 1);
  } else if (value >= -32768) {
    typed(buffer, 0xd1, bits, 2);
  } else if (value >= -(std::int64_t{1} << 31)) {
    typed(buffer, 0xd2, bits, 4);
  } else {
    typed(buffer, 0xd3, bits, 8);
  }
}

// Always float 64, as MsgpackWriter::float64 writes it.
inline void float64(MessageBuffer& buffer, double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  typed(buffer, 0xcb, bits, 8);
}

// Short keys are cached encoded (header + bytes, at most kKeyBlock bytes) and copied back
// as one fixed-size block; `encoded` must have kKeyBlock readable bytes.
inline constexpr std::size_t kKeyBlock = 40;

// The encoded form of a fixstr key (under 32 bytes) into out[kKeyBlock]; false when the
// key is longer.
inline bool encode_key(std::string_view key, char* out, std::size_t& size) {
  if (key.size() >= 32) return false;
  out[0] = static_cast<char>(0xa0 | key.size());
  std::memcpy(out + 1, key.data(), key.size());
  size = key.size() + 1;
  return true;
}

inline void key_block(MessageBuffer& buffer, const char* encoded, std::size_t size) {
  std::memcpy(buffer.room(kKeyBlock), encoded, kKeyBlock);
  buffer.commit(size);
}

}  // namespace msgpack_out
}  // namespace event_bridge
