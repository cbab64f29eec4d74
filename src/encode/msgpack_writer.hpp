// MessagePack implementation of Writer: msgpack-c's packer over a buffer that is reused
// from one message to the next. Every value kind but float64 is msgpack-c's encoding;
// the inline encoders of msgpack_buffer.hpp (the content walker's fast path) are tested
// byte for byte against it (tests/cpp/encode_test.cpp, MsgpackDirectMatchesPacker).
#pragma once

#include <msgpack/pack.hpp>

#include <cstring>

#include "event_bridge/msgpack_buffer.hpp"
#include "event_bridge/writer.hpp"

namespace event_bridge {

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
  MessageBuffer* msgpack_buffer() override { return &buffer_; }

  std::string_view view() const override { return {buffer_.data(), buffer_.size()}; }
  std::size_t size() const override { return buffer_.size(); }
  void clear() override { buffer_.clear(); }

 private:
  MessageBuffer buffer_;
  msgpack::packer<MessageBuffer> packer_;
};

}  // namespace event_bridge
