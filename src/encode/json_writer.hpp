// JSON implementation of Writer: RapidJSON's compact Writer over a buffer that is reused
// from one message to the next.
#pragma once

// Not RAPIDJSON_SSE2: RapidJSON 1.1.0's (Debian 12's) SSE2 string scan leaves 0x1A-0x1F
// unescaped (its threshold is 0x19), which is invalid JSON (Json.RandomBytesAlwaysGiveValidJson).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "event_bridge/writer.hpp"

namespace event_bridge {

// RapidJSON's compact Writer writes everything: structure, numbers, and every string
// (its escaping). What this class adds are the normalizations of docs/ENVELOPE.md, done
// before RapidJSON sees the value.
// Always produces valid JSON: invalid UTF-8 in keys and strings becomes U+FFFD, one per
// maximal ill-formed subsequence (Unicode 15, section 3.9, "U+FFFD substitution of
// maximal subparts"), since RapidJSON would only refuse it;
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
  // A string value or key, through RapidJSON's String().
  void text(std::string_view value);

  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> out_;
  std::string scratch_;  // repaired UTF-8 and base64 text, reused
};

}  // namespace event_bridge
