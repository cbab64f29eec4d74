// The envelope every published message carries, and its decoder.
//
// Envelope (format version 1), a map with exactly these keys in this order:
//   version   int     1
//   id        string  the event's UUID, canonical lower-case form
//   name      string  the Kytos event name
//   timestamp string  RFC 3339 UTC with microseconds, "2026-11-25T12:00:00.123456Z"
//   seq       uint    +1 per published event within one bridge instance, from 1
//   instance  string  a UUID that changes every time a bridge starts
//   source    string  the configured source id (which controller)
//   content   any     the event content, normalized (see docs/ENVELOPE.md)
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "event_bridge/config.hpp"
#include "event_bridge/writer.hpp"

namespace event_bridge {

inline constexpr int kEnvelopeVersion = 1;
inline constexpr std::size_t kEnvelopeFields = 8;

using Uuid = std::array<std::uint8_t, 16>;

struct EnvelopeFields {
  Uuid id{};
  std::int64_t timestamp_us = 0;  // microseconds since the Unix epoch, UTC
  std::uint64_t seq = 0;
  std::string_view name;
  std::string_view instance;  // canonical UUID text
  std::string_view source;
};

// Writes the envelope map up to and including the "content" key; the caller then
// writes exactly one value (the content).
void write_envelope_head(Writer& writer, const EnvelopeFields& fields);
// Closes the envelope after its content.
inline void write_envelope_tail(Writer& writer) { writer.end_map(); }

// 36-character canonical form of a UUID.
std::string format_uuid(const Uuid& uuid);
void format_uuid(const Uuid& uuid, char out[36]);
// A random (version 4) UUID from a per-thread generator.
Uuid random_uuid();
// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (27 characters).
void format_timestamp(std::int64_t timestamp_us, char out[27]);
std::string format_timestamp(std::int64_t timestamp_us);
std::int64_t now_us();

// A decoded value: what consumers and tests read back.
struct Value;
using ValueArray = std::vector<Value>;
using ValueMap = std::vector<std::pair<std::string, Value>>;  // keeps the wire order
struct Binary {
  std::string bytes;
  bool operator==(const Binary&) const = default;
};
struct Value {
  std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string, Binary,
               ValueArray, ValueMap>
      v;
  bool operator==(const Value&) const = default;
  const Value* find(std::string_view key) const;  // nullptr unless a map with that key
};

// Decodes one whole message (MessagePack or JSON). Throws DecodeError on malformed
// input, trailing bytes, or nesting deeper than max_depth. Does not check that the
// value is an envelope; see check_envelope.
Value decode(std::string_view data, Format format, int max_depth = kMaxDepthLimit + 8);
// Throws DecodeError naming the first missing or mistyped envelope field.
void check_envelope(const Value& value);

}  // namespace event_bridge
