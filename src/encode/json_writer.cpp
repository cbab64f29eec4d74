#include "encode/json_writer.hpp"

#include <array>
#include <cmath>
#include <cstring>

namespace event_bridge {
namespace {

constexpr std::size_t kInitialCapacity = 4096;
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Length (1..4) of the well-formed UTF-8 sequence at p (p[0] >= 0x80), or 0 when it is
// ill-formed; then `bad` is the length of its maximal subpart (at least 1). The
// second-byte ranges exclude overlong forms, surrogates and code points above U+10FFFF.
inline std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end,
                                 std::size_t& bad) {
  const unsigned char lead = p[0];
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  std::size_t trail;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trail = 1;
  } else if (lead == 0xE0) {
    trail = 2;
    lo = 0xA0;
  } else if (lead == 0xED) {
    trail = 2;
    hi = 0x9F;
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    trail = 2;
  } else if (lead == 0xF0) {
    trail = 3;
    lo = 0x90;
  } else if (lead == 0xF4) {
    trail = 3;
    hi = 0x8F;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    trail = 3;
  } else {
    bad = 1;
    return 0;
  }
  for (std::size_t i = 1; i <= trail; ++i) {
    if (p + i >= end || p[i] < lo || p[i] > hi) {
      bad = i;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return trail + 1;
}

// -?(0|[1-9][0-9]*): what JSON accepts as an integer literal.
bool is_json_integer(std::string_view text) {
  std::size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  if (i == text.size()) return false;
  if (text[i] == '0') return i + 1 == text.size();
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// `value` as well-formed UTF-8: itself when it is (the common case: one pass, eight ASCII
// bytes at a time), else a copy in `scratch` with U+FFFD for each maximal ill-formed
// subpart.
std::string_view well_formed_utf8(std::string_view value, std::string& scratch) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(value.data());
  const unsigned char* const end = begin + value.size();
  const unsigned char* p = begin;
  bool repairing = false;
  while (p < end) {
    if (!repairing) {
      while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);
        if (word & 0x8080808080808080ULL) break;
        p += sizeof word;
      }
      while (p < end && *p < 0x80) ++p;
      if (p == end) break;
    } else if (*p < 0x80) {
      scratch.push_back(static_cast<char>(*p++));
      continue;
    }
    std::size_t bad = 0;
    const std::size_t length = utf8_sequence(p, end, bad);
    if (length != 0) {
      if (repairing) scratch.append(reinterpret_cast<const char*>(p), length);
      p += length;
      continue;
    }
    if (!repairing) {
      repairing = true;
      scratch.assign(value.data(), static_cast<std::size_t>(p - begin));
    }
    scratch.append("\xEF\xBF\xBD");  // U+FFFD for `bad` >= 1 input bytes
    p += bad;
  }
  return repairing ? std::string_view(scratch) : value;
}

}  // namespace

JsonWriter::JsonWriter() : buffer_(nullptr, kInitialCapacity), out_(buffer_) {}

void JsonWriter::text(std::string_view value) {
  const std::string_view valid = well_formed_utf8(value, scratch_);
  // RapidJSON asserts a non-null pointer, which an empty string_view need not have.
  out_.String(valid.empty() ? "" : valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void JsonWriter::begin_map(std::size_t) { out_.StartObject(); }

void JsonWriter::end_map() { out_.EndObject(); }

void JsonWriter::begin_array(std::size_t) { out_.StartArray(); }

void JsonWriter::end_array() { out_.EndArray(); }

void JsonWriter::key(std::string_view key) { text(key); }

void JsonWriter::null() { out_.Null(); }

void JsonWriter::boolean(bool value) { out_.Bool(value); }

void JsonWriter::int64(std::int64_t value) { out_.Int64(value); }

void JsonWriter::uint64(std::uint64_t value) { out_.Uint64(value); }

void JsonWriter::float64(double value) {
  if (std::isfinite(value)) [[likely]] {
    out_.Double(value);  // Grisu2: digits that read back to the same double
  } else if (std::isnan(value)) {
    out_.String("NaN");
  } else {
    out_.String(value > 0 ? "Infinity" : "-Infinity");
  }
}

void JsonWriter::string(std::string_view value) { text(value); }

void JsonWriter::binary(const void* data, std::size_t size) {
  // Padded standard base64 (RFC 4648 section 4): the documented form of bytes in JSON.
  const auto* in = static_cast<const unsigned char*>(data);
  scratch_.resize((size + 2) / 3 * 4);
  char* out = scratch_.data();
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t n =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *out++ = kBase64Alphabet[n >> 18];
    *out++ = kBase64Alphabet[(n >> 12) & 63];
    *out++ = kBase64Alphabet[(n >> 6) & 63];
    *out++ = kBase64Alphabet[n & 63];
  }
  if (const std::size_t rest = size - i; rest != 0) {
    const std::uint32_t n =
        (std::uint32_t{in[i]} << 16) | (rest == 2 ? std::uint32_t{in[i + 1]} << 8 : 0);
    *out++ = kBase64Alphabet[n >> 18];
    *out++ = kBase64Alphabet[(n >> 12) & 63];
    *out++ = rest == 2 ? kBase64Alphabet[(n >> 6) & 63] : '=';
    *out++ = '=';
  }
  out_.String(scratch_.data(), static_cast<rapidjson::SizeType>(scratch_.size()));
}

void JsonWriter::big_integer(std::string_view decimal) {
  // Past about 1e308 common JSON parsers (RapidJSON, and any that read numbers as
  // doubles) refuse the literal: such integers travel as their digits in a string.
  constexpr std::size_t kMaxBareDigits = 300;
  const std::size_t digits = decimal.size() - (!decimal.empty() && decimal[0] == '-');
  if (is_json_integer(decimal) && digits <= kMaxBareDigits) {
    out_.RawValue(decimal.data(), decimal.size(), rapidjson::kNumberType);
  } else {
    text(decimal);
  }
}

void JsonWriter::clear() {
  buffer_.Clear();
  out_.Reset(buffer_);
}

}  // namespace event_bridge
