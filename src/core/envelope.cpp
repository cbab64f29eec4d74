// Envelope head, UUID and timestamp formatting, and Value lookup. Format-independent: the
// encoders live in src/encode/.
#include "event_bridge/envelope.hpp"

#include <chrono>
#include <cstring>
#include <limits>
#include <random>

namespace event_bridge {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// "00".."ff": a byte's two hex digits as one two-byte copy.
struct HexPairs {
  char text[512];
  constexpr HexPairs() : text() {
    for (int i = 0; i < 256; ++i) {
      text[2 * i] = kHexDigits[i >> 4];
      text[2 * i + 1] = kHexDigits[i & 0x0f];
    }
  }
};
constexpr HexPairs kHexPairs;

// "00".."99" back to back, so two digits are one two-byte copy.
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

constexpr std::int64_t kUsPerSecond = 1000000;
// RFC 3339 has four-digit years only: 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z.
constexpr std::int64_t kMinTimestampUs = -62167219200LL * kUsPerSecond;
constexpr std::int64_t kMaxTimestampUs = 253402300800LL * kUsPerSecond - 1;

inline char* put2(char* out, unsigned value) {
  out[0] = kDigitPairs[2 * value];
  out[1] = kDigitPairs[2 * value + 1];
  return out + 2;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's civil_from_days: exact for the whole proleptic Gregorian calendar,
// negative day counts included, with no table and no library call.
constexpr CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::mt19937_64 seeded_generator() {
  // A single 32-bit seed would leave only 2^32 possible UUID streams, and instance ids
  // from different bridges must not collide; fill the whole state instead.
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(),
                     device()};
  return std::mt19937_64(seed);
}

}  // namespace

void write_envelope_head(Writer& writer, const EnvelopeFields& fields) {
  char id[36];
  format_uuid(fields.id, id);
  char timestamp[27];
  format_timestamp(fields.timestamp_us, timestamp);

  writer.begin_map(kEnvelopeFields);
  writer.key("version");
  writer.int64(kEnvelopeVersion);
  writer.key("id");
  writer.string(std::string_view(id, sizeof id));
  writer.key("name");
  writer.string(fields.name);
  writer.key("timestamp");
  writer.string(std::string_view(timestamp, sizeof timestamp));
  writer.key("seq");
  writer.uint64(fields.seq);
  writer.key("instance");
  writer.string(fields.instance);
  writer.key("source");
  writer.string(fields.source);
  writer.key("content");
}

void format_uuid(const Uuid& uuid, char out[36]) {
  // 8-4-4-4-12: where each byte's two digits go.
  static constexpr std::uint8_t kAt[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  for (std::size_t i = 0; i < 16; ++i) std::memcpy(out + kAt[i], kHexPairs.text + 2 * uuid[i], 2);
  out[8] = out[13] = out[18] = out[23] = '-';
}

std::string format_uuid(const Uuid& uuid) {
  std::string text(36, '\0');
  format_uuid(uuid, text.data());
  return text;
}

Uuid random_uuid() {
  thread_local std::mt19937_64 generator = seeded_generator();
  Uuid uuid;
  for (std::size_t half = 0; half < 2; ++half) {
    std::uint64_t bits = generator();
    for (std::size_t i = 0; i < 8; ++i) {
      uuid[half * 8 + i] = static_cast<std::uint8_t>(bits >> (8 * i));
    }
  }
  uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0f) | 0x40);  // version 4
  uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3f) | 0x80);  // variant 10xx (RFC 4122)
  return uuid;
}

void format_timestamp(std::int64_t timestamp_us, char out[27]) {
  if (timestamp_us < kMinTimestampUs) timestamp_us = kMinTimestampUs;
  if (timestamp_us > kMaxTimestampUs) timestamp_us = kMaxTimestampUs;

  // Floor division: -1 us is the last microsecond of 1969-12-31, not of 1970-01-01.
  std::int64_t seconds = timestamp_us / kUsPerSecond;
  std::int64_t micros_signed = timestamp_us % kUsPerSecond;
  if (micros_signed < 0) {
    micros_signed += kUsPerSecond;
    --seconds;
  }
  const auto micros = static_cast<unsigned>(micros_signed);
  // Events come in bursts within the same second: "YYYY-MM-DDTHH:MM:SS." is formatted
  // once per second per thread and copied after that.
  thread_local std::int64_t cached_seconds = std::numeric_limits<std::int64_t>::min();
  thread_local char cached_prefix[20];
  if (seconds != cached_seconds) {
    std::int64_t days = seconds / 86400;
    std::int64_t second_of_day = seconds % 86400;
    if (second_of_day < 0) {
      second_of_day += 86400;
      --days;
    }
    const CivilDate date = civil_from_days(days);
    const auto seconds_of_day = static_cast<unsigned>(second_of_day);
    const auto year = static_cast<unsigned>(date.year);
    char* p = cached_prefix;
    p = put2(p, year / 100);
    p = put2(p, year % 100);
    *p++ = '-';
    p = put2(p, date.month);
    *p++ = '-';
    p = put2(p, date.day);
    *p++ = 'T';
    p = put2(p, seconds_of_day / 3600);
    *p++ = ':';
    p = put2(p, seconds_of_day / 60 % 60);
    *p++ = ':';
    p = put2(p, seconds_of_day % 60);
    *p = '.';
    cached_seconds = seconds;
  }
  std::memcpy(out, cached_prefix, sizeof cached_prefix);
  char* p = out + sizeof cached_prefix;
  p = put2(p, micros / 10000);
  p = put2(p, micros / 100 % 100);
  p = put2(p, micros % 100);
  *p = 'Z';
}

std::string format_timestamp(std::int64_t timestamp_us) {
  std::string text(27, '\0');
  format_timestamp(timestamp_us, text.data());
  return text;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const Value* Value::find(std::string_view key) const {
  const auto* map = std::get_if<ValueMap>(&v);
  if (map == nullptr) return nullptr;
  for (const auto& [name, value] : *map) {
    if (name == key) return &value;
  }
  return nullptr;
}

}  // namespace event_bridge
