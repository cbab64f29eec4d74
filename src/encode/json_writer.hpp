// JSON implementation of Writer: RapidJSON's compact Writer over a buffer that is reused
// from one message to the next.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "event_bridge/writer.hpp"

namespace event_bridge {

// RapidJSON's Writer (commas, colons, numbers, nesting) with a faster string path: one
// pass that escapes, checks UTF-8 and copies eight plain ASCII bytes at a time, where
// RapidJSON's own String() handles one byte per iteration.
class JsonOutput final : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  explicit JsonOutput(rapidjson::StringBuffer& buffer) : Writer(buffer) {}

  // A string value or key. Ill-formed UTF-8 becomes U+FFFD, one per maximal ill-formed
  // subsequence (Unicode 15, section 3.9, "U+FFFD substitution of maximal subparts").
  void text(std::string_view value);
  // A value whose characters never need escaping, written between quotes.
  void plain_text(std::string_view value);
  // Padded standard base64 (RFC 4648 section 4), between quotes.
  void base64(const unsigned char* data, std::size_t size);
};

// Always produces valid JSON: invalid UTF-8 in keys and strings becomes U+FFFD;
// non-finite floats become the strings "NaN", "Infinity", "-Infinity"; binary becomes a
// padded standard base64 string; a big_integer that is not a JSON integer literal is
// written as a string. Not thread-safe; not copyable.
class JsonWriter final : public Writer {
 public:
  JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_map(std::size_t size) override;
  void end_map() override;
  void begin_array(std::size_t size) override;
  void end_array() override;
  void key(std::string_view key) override;

  void null() override;
  void boolean(bool value) override;
  void int64(std::int64_t value) override;
  void uint64(std::uint64_t value) override;
  void float64(double value) override;
  void string(std::string_view value) override;
  void binary(const void* data, std::size_t size) override;
  void big_integer(std::string_view decimal) override;

  std::string_view view() const override { return {buffer_.GetString(), buffer_.GetSize()}; }
  std::size_t size() const override { return buffer_.GetSize(); }
  void clear() override;

 private:
  rapidjson::StringBuffer buffer_;
  JsonOutput out_;
};

}  // namespace event_bridge
