#include "encode/json_writer.hpp"

#include <array>
#include <cmath>
#include <cstring>

namespace event_bridge {
namespace {

constexpr std::size_t kInitialCapacity = 4096;
constexpr char kHexDigits[] = "0123456789ABCDEF";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The JSON short escape of an ASCII byte, 'u' for \u00XX, or 0 when it is written as is.
constexpr auto kEscapes = [] {
  std::array<char, 128> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

// True if any of the eight bytes is non-ASCII, a control character, '"' or '\\'.
// (x - 0x01..) & ~x & 0x80.. flags a zero byte exactly when there is one, which is all
// that is needed here.
inline bool needs_care(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t quote = word ^ (kOnes * '"');
  const std::uint64_t backslash = word ^ (kOnes * '\\');
  const std::uint64_t control = (word - kOnes * 0x20) & ~word;
  const std::uint64_t zero_quote = (quote - kOnes) & ~quote;
  const std::uint64_t zero_backslash = (backslash - kOnes) & ~backslash;
  return ((word | control | zero_quote | zero_backslash) & kHigh) != 0;
}

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

}  // namespace

void JsonOutput::text(std::string_view value) {
  Prefix(rapidjson::kStringType);
  // Room for the worst case (every byte a \u00XX escape), given back at the end: one
  // capacity check per string instead of one per byte.
  const std::size_t reserved = 2 + 6 * value.size();
  char* const start = os_->Push(reserved);
  char* out = start;
  *out++ = '"';
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const unsigned char* const end = p + value.size();
  while (p < end) {
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if (needs_care(word)) break;
      std::memcpy(out, p, sizeof word);
      out += sizeof word;
      p += sizeof word;
    }
    if (p == end) break;
    const unsigned char c = *p;
    if (c < 0x80) {
      const char escape = kEscapes[c];
      if (escape == 0) {
        *out++ = static_cast<char>(c);
      } else {
        *out++ = '\\';
        *out++ = escape;
        if (escape == 'u') {
          *out++ = '0';
          *out++ = '0';
          *out++ = kHexDigits[c >> 4];
          *out++ = kHexDigits[c & 15];
        }
      }
      ++p;
      continue;
    }
    std::size_t bad = 0;
    if (const std::size_t length = utf8_sequence(p, end, bad); length != 0) {
      std::memcpy(out, p, length);
      out += length;
      p += length;
    } else {
      std::memcpy(out, "\xEF\xBF\xBD", 3);  // U+FFFD: 3 bytes for `bad` >= 1 input bytes
      out += 3;
      p += bad;
    }
  }
  *out++ = '"';
  os_->Pop(reserved - static_cast<std::size_t>(out - start));
  EndValue(true);
}

void JsonOutput::plain_text(std::string_view value) {
  Prefix(rapidjson::kStringType);
  char* out = os_->Push(value.size() + 2);
  *out++ = '"';
  std::memcpy(out, value.data(), value.size());
  out[value.size()] = '"';
  EndValue(true);
}

void JsonOutput::base64(const unsigned char* in, std::size_t size) {
  Prefix(rapidjson::kStringType);
  char* out = os_->Push(2 + (size + 2) / 3 * 4);
  *out++ = '"';
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
  *out = '"';
  EndValue(true);
}

JsonWriter::JsonWriter() : buffer_(nullptr, kInitialCapacity), out_(buffer_) {}

void JsonWriter::begin_map(std::size_t) { out_.StartObject(); }

void JsonWriter::end_map() { out_.EndObject(); }

void JsonWriter::begin_array(std::size_t) { out_.StartArray(); }

void JsonWriter::end_array() { out_.EndArray(); }

void JsonWriter::key(std::string_view key) { out_.text(key); }

void JsonWriter::null() { out_.Null(); }

void JsonWriter::boolean(bool value) { out_.Bool(value); }

void JsonWriter::int64(std::int64_t value) { out_.Int64(value); }

void JsonWriter::uint64(std::uint64_t value) { out_.Uint64(value); }

void JsonWriter::float64(double value) {
  if (std::isfinite(value)) [[likely]] {
    out_.Double(value);  // Grisu2: digits that read back to the same double
  } else if (std::isnan(value)) {
    out_.plain_text("NaN");
  } else {
    out_.plain_text(value > 0 ? "Infinity" : "-Infinity");
  }
}

void JsonWriter::string(std::string_view value) { out_.text(value); }

void JsonWriter::binary(const void* data, std::size_t size) {
  out_.base64(static_cast<const unsigned char*>(data), size);
}

void JsonWriter::big_integer(std::string_view decimal) {
  // Past about 1e308 common JSON parsers (RapidJSON, and any that read numbers as
  // doubles) refuse the literal: such integers travel as their digits in a string.
  constexpr std::size_t kMaxBareDigits = 300;
  const std::size_t digits = decimal.size() - (!decimal.empty() && decimal[0] == '-');
  if (is_json_integer(decimal) && digits <= kMaxBareDigits) {
    out_.RawValue(decimal.data(), decimal.size(), rapidjson::kNumberType);
  } else {
    out_.text(decimal);
  }
}

void JsonWriter::clear() {
  buffer_.Clear();
  out_.Reset(buffer_);
}

}  // namespace event_bridge
