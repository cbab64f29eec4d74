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

void MsgpackWriter::begin_map(std::size_t size) { msgpack_out::map(buffer_, size); }

void MsgpackWriter::begin_array(std::size_t size) { msgpack_out::array(buffer_, size); }

void MsgpackWriter::key(std::string_view key) { msgpack_out::str(buffer_, key); }

void MsgpackWriter::null() { msgpack_out::nil(buffer_); }

void MsgpackWriter::boolean(bool value) { msgpack_out::boolean(buffer_, value); }

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

void MsgpackWriter::string(std::string_view value) { msgpack_out::str(buffer_, value); }

void MsgpackWriter::binary(const void* data, std::size_t size) {
  msgpack_out::bytes(buffer_, std::string_view(static_cast<const char*>(data), size), false);
}

void MsgpackWriter::big_integer(std::string_view decimal) { msgpack_out::str(buffer_, decimal); }

}  // namespace event_bridge
