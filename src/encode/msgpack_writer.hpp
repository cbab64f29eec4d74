// MessagePack implementation of Writer: msgpack-c's packer over a buffer that is reused
// from one message to the next.
#pragma once

#include <msgpack/pack.hpp>

#include <cstring>

#include "event_bridge/writer.hpp"

namespace event_bridge {

// The packer's output stream: a growable byte buffer whose clear() keeps the capacity,
// with room-then-commit access so that a header and a short body cost one capacity check
// and no library call. Not copyable.
class MessageBuffer {
 public:
  explicit MessageBuffer(std::size_t capacity);
  ~MessageBuffer();
  MessageBuffer(const MessageBuffer&) = delete;
  MessageBuffer& operator=(const MessageBuffer&) = delete;

  // What msgpack::packer calls.
  void write(const char* data, std::size_t size) {
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

// Integers take their smallest encoding, floats are always float 64 (even integral
// ones), big integers are str (their decimal text), binary is bin. Sizes above 2^32-1
// (which MessagePack cannot express) throw std::length_error. Not thread-safe; not
// copyable (the packer points into the buffer).
class MsgpackWriter final : public Writer {
 public:
  MsgpackWriter();
  MsgpackWriter(const MsgpackWriter&) = delete;
  MsgpackWriter& operator=(const MsgpackWriter&) = delete;

  void begin_map(std::size_t size) override;
  void end_map() override {}
  void begin_array(std::size_t size) override;
  void end_array() override {}
  void key(std::string_view key) override;

  void null() override;
  void boolean(bool value) override;
  void int64(std::int64_t value) override;
  void uint64(std::uint64_t value) override;
  void float64(double value) override;
  void string(std::string_view value) override;
  void binary(const void* data, std::size_t size) override;
  void big_integer(std::string_view decimal) override;
  bool encode_key(std::string_view key, char* out, std::size_t max_size,
                  std::size_t& size) const override;
  void key_bytes(std::string_view encoded) override {
    char* out = buffer_.room(kKeyBlock);
    std::memcpy(out, encoded.data(), kKeyBlock);
    buffer_.commit(encoded.size());
  }

  std::string_view view() const override { return {buffer_.data(), buffer_.size()}; }
  std::size_t size() const override { return buffer_.size(); }
  void clear() override { buffer_.clear(); }

 private:
  // str or bin: header then bytes.
  void write_bytes(std::string_view bytes, bool is_str);

  MessageBuffer buffer_;
  msgpack::packer<MessageBuffer> packer_;
};

}  // namespace event_bridge
