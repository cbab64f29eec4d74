#include "encode/msgpack_writer.hpp"

#include <bit>
#include <cstdlib>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

namespace event_bridge {
namespace {

constexpr std::size_t kInitialCapacity = 4096;

std::uint32_t checked_size(std::size_t size, const char* what) {
  if (size > std::numeric_limits<std::uint32_t>::max()) [[unlikely]] {
    throw std::length_error(std::string("msgpack: ") + what + " longer than 2^32-1 bytes");
  }
  return static_cast<std::uint32_t>(size);
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

inline char* store_be16(char* out, std::uint32_t value) {
  out[0] = static_cast<char>(value >> 8);
  out[1] = static_cast<char>(value);
  return out + 2;
}

inline char* store_be32(char* out, std::uint32_t value) {
  out = store_be16(out, value >> 16);
  return store_be16(out, value & 0xffff);
}

}  // namespace

MessageBuffer::MessageBuffer(std::size_t capacity)
    : data_(static_cast<char*>(std::malloc(capacity))), capacity_(capacity) {
  if (data_ == nullptr) throw std::bad_alloc();
}

MessageBuffer::~MessageBuffer() { std::free(data_); }

void MessageBuffer::grow(std::size_t extra) {
  std::size_t capacity = capacity_ * 2;
  if (capacity - size_ < extra) capacity = size_ + extra;
  void* data = std::realloc(data_, capacity);
  if (data == nullptr) throw std::bad_alloc();
  data_ = static_cast<char*>(data);
  capacity_ = capacity;
}

MsgpackWriter::MsgpackWriter() : buffer_(kInitialCapacity), packer_(buffer_) {}

void MsgpackWriter::begin_map(std::size_t size) { packer_.pack_map(checked_size(size, "map")); }

void MsgpackWriter::begin_array(std::size_t size) {
  packer_.pack_array(checked_size(size, "array"));
}

void MsgpackWriter::key(std::string_view key) { write_bytes(key, true); }

void MsgpackWriter::null() { packer_.pack_nil(); }

void MsgpackWriter::boolean(bool value) {
  if (value) {
    packer_.pack_true();
  } else {
    packer_.pack_false();
  }
}

void MsgpackWriter::int64(std::int64_t value) { packer_.pack_int64(value); }

void MsgpackWriter::uint64(std::uint64_t value) { packer_.pack_uint64(value); }

void MsgpackWriter::float64(double value) {
  // Not packer::pack_double: msgpack-c 4 writes integral doubles as integers, which
  // loses the type on decode and the sign of -0.0.
  const auto bits = std::bit_cast<std::uint64_t>(value);
  char* out = buffer_.room(9);
  out[0] = static_cast<char>(0xcb);
  for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  buffer_.commit(9);
}

void MsgpackWriter::string(std::string_view value) { write_bytes(value, true); }

void MsgpackWriter::binary(const void* data, std::size_t size) {
  write_bytes(std::string_view(static_cast<const char*>(data), size), false);
}

void MsgpackWriter::big_integer(std::string_view decimal) { write_bytes(decimal, true); }

bool MsgpackWriter::encode_key(std::string_view key, char* out, std::size_t max_size,
                               std::size_t& size) const {
  // fixstr keys only (under 32 bytes): the header is one byte.
  if (key.size() >= 32 || key.size() + 1 > max_size) return false;
  out[0] = static_cast<char>(0xa0 | key.size());
  std::memcpy(out + 1, key.data(), key.size());
  size = key.size() + 1;
  return true;
}

void MsgpackWriter::write_bytes(std::string_view bytes, bool is_str) {
  // The same headers packer::pack_str / pack_bin write (fixstr, str8/16/32, bin8/16/32),
  // with the body, behind a single capacity check.
  const std::uint32_t size = checked_size(bytes.size(), is_str ? "str" : "bin");
  char* const start = buffer_.room(5 + static_cast<std::size_t>(size));
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
  copy_bytes(out, bytes.data(), size);
  buffer_.commit(static_cast<std::size_t>(out - start) + size);
}

}  // namespace event_bridge
