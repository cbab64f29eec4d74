#include "encode/msgpack_writer.hpp"

#include <cstdlib>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

namespace event_bridge {
namespace {

constexpr std::size_t kInitialCapacity = 4096;

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

void MsgpackWriter::begin_map(std::size_t size) {
  packer_.pack_map(msgpack_out::checked_size(size, "map"));
}

void MsgpackWriter::begin_array(std::size_t size) {
  packer_.pack_array(msgpack_out::checked_size(size, "array"));
}

void MsgpackWriter::key(std::string_view key) { string(key); }

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
  msgpack_out::float64(buffer_, value);
}

void MsgpackWriter::string(std::string_view value) {
  const std::uint32_t size = msgpack_out::checked_size(value.size(), "str");
  packer_.pack_str(size);
  packer_.pack_str_body(value.data(), size);
}

void MsgpackWriter::binary(const void* data, std::size_t size) {
  const std::uint32_t checked = msgpack_out::checked_size(size, "bin");
  packer_.pack_bin(checked);
  packer_.pack_bin_body(static_cast<const char*>(data), checked);
}

void MsgpackWriter::big_integer(std::string_view decimal) { string(decimal); }

}  // namespace event_bridge
