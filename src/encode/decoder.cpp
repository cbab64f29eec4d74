// decode() and check_envelope(): what consumers and tests use to read messages back.
//
// Both formats decode to the same Value for the same Writer calls, with these choices:
// - integers: non-negative -> uint64, negative -> int64 (MessagePack does not keep the
//   writer's signedness either);
// - big integers: their decimal text as a std::string, in both formats (MessagePack
//   carries them as str; JSON numbers that do not fit 64 bits are read back as digits).
//   the JSON writer sends integers of more than 300 digits as strings, since RapidJSON
//   (like most parsers) rejects literals above about 1e308;
// - JSON: NaN and infinities come back as the strings the writer used, binary as its
//   base64 string; a finite number that underflows reads as a signed zero;
// - depth: a top-level container is depth 1; deeper than max_depth is a DecodeError.
#include <msgpack/unpack.hpp>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <string>

#include "event_bridge/envelope.hpp"
#include "event_bridge/errors.hpp"

namespace event_bridge {
namespace {

[[noreturn]] void fail(const std::string& message) { throw DecodeError(message); }

// Strings and bins point into the input instead of being copied into the zone; they are
// copied once, into the Value.
bool reference_input(msgpack::type::object_type, std::size_t, void*) { return true; }

const char* msgpack_type_name(msgpack::type::object_type type) {
  switch (type) {
    case msgpack::type::NIL: return "nil";
    case msgpack::type::BOOLEAN: return "bool";
    case msgpack::type::POSITIVE_INTEGER:
    case msgpack::type::NEGATIVE_INTEGER: return "int";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return "float";
    case msgpack::type::STR: return "str";
    case msgpack::type::BIN: return "bin";
    case msgpack::type::ARRAY: return "array";
    case msgpack::type::MAP: return "map";
    case msgpack::type::EXT: return "ext";
  }
  return "unknown";
}

// Recursion is bounded by the unpack depth limit.
Value from_msgpack(const msgpack::object& object) {
  switch (object.type) {
    case msgpack::type::NIL:
      return {};
    case msgpack::type::BOOLEAN:
      return {object.via.boolean};
    case msgpack::type::POSITIVE_INTEGER:
      return {object.via.u64};
    case msgpack::type::NEGATIVE_INTEGER:
      return {object.via.i64};
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return {object.via.f64};
    case msgpack::type::STR:
      return {std::string(object.via.str.ptr, object.via.str.size)};
    case msgpack::type::BIN:
      return {Binary{std::string(object.via.bin.ptr, object.via.bin.size)}};
    case msgpack::type::ARRAY: {
      ValueArray array;
      array.reserve(object.via.array.size);
      for (std::uint32_t i = 0; i < object.via.array.size; ++i) {
        array.push_back(from_msgpack(object.via.array.ptr[i]));
      }
      return {std::move(array)};
    }
    case msgpack::type::MAP: {
      ValueMap map;
      map.reserve(object.via.map.size);
      for (std::uint32_t i = 0; i < object.via.map.size; ++i) {
        const msgpack::object_kv& entry = object.via.map.ptr[i];
        if (entry.key.type != msgpack::type::STR) {
          fail(std::string("msgpack: map key is ") + msgpack_type_name(entry.key.type) +
               ", not str");
        }
        map.emplace_back(std::string(entry.key.via.str.ptr, entry.key.via.str.size),
                         from_msgpack(entry.val));
      }
      return {std::move(map)};
    }
    case msgpack::type::EXT:
      fail("msgpack: ext type " + std::to_string(object.via.ext.type()) + " is not supported");
  }
  fail("msgpack: unknown object type");
}

Value decode_msgpack(std::string_view data, std::size_t max_depth) {
  // Every element takes at least one input byte (a map entry two), so no honest container
  // or string is longer than the input. These limits are checked before msgpack-c
  // allocates, which keeps a forged header from reserving gigabytes.
  const std::size_t size = data.size();
  const msgpack::unpack_limit limit(size, size / 2, size, size, size, max_depth);
  std::size_t offset = 0;
  msgpack::object_handle handle;
  try {
    handle = msgpack::unpack(data.data(), size, offset, reference_input, nullptr, limit);
  } catch (const msgpack::depth_size_overflow&) {
    fail("msgpack: nesting deeper than max_depth " + std::to_string(max_depth));
  } catch (const msgpack::array_size_overflow&) {
    fail("msgpack: array header claims more elements than the " + std::to_string(size) +
         "-byte input holds");
  } catch (const msgpack::map_size_overflow&) {
    fail("msgpack: map header claims more entries than the " + std::to_string(size) +
         "-byte input holds");
  } catch (const msgpack::size_overflow& error) {
    fail(std::string("msgpack: ") + error.what());
  } catch (const msgpack::insufficient_bytes&) {
    fail("msgpack: truncated input (" + std::to_string(size) + " bytes)");
  } catch (const msgpack::parse_error&) {
    fail("msgpack: malformed input (" + std::to_string(size) + " bytes)");
  } catch (const msgpack::unpack_error& error) {
    fail(std::string("msgpack: ") + error.what());
  }
  if (offset != size) {
    fail("msgpack: trailing bytes at offset " + std::to_string(offset));
  }
  return from_msgpack(handle.get());
}

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Decimal exponent of the leading non-zero digit of a JSON number literal that is not
// zero ("0.05e3" -> 1). Negative means below 1: the way to tell an underflow from an
// overflow when from_chars reports out of range.
long leading_exponent(std::string_view text) {
  std::size_t i = text[0] == '-' ? 1 : 0;
  while (i < text.size() && text[i] == '0') ++i;
  std::size_t int_end = i;
  while (int_end < text.size() && text[int_end] >= '0' && text[int_end] <= '9') ++int_end;
  long position = 0;
  if (int_end > i) {
    position = static_cast<long>(int_end - i) - 1;  // a non-zero integer part
  } else if (int_end < text.size() && text[int_end] == '.') {
    i = int_end + 1;
    position = -1;
    while (i < text.size() && text[i] == '0') {
      --position;
      ++i;
    }
  }
  long exponent = 0;
  if (const std::size_t e = text.find_first_of("eE"); e != std::string_view::npos) {
    std::size_t j = e + 1;
    if (j < text.size() && text[j] == '+') ++j;
    const auto [end, ec] = std::from_chars(text.data() + j, text.data() + text.size(), exponent);
    if (ec == std::errc::result_out_of_range) {
      exponent = text[j] == '-' ? std::numeric_limits<int>::min() : std::numeric_limits<int>::max();
    }
    // Far beyond any double's range either way; keeps the sum below from overflowing.
    exponent = std::clamp<long>(exponent, std::numeric_limits<int>::min(),
                                std::numeric_limits<int>::max());
  }
  return position + exponent;
}

// Builds the Value straight from RapidJSON's SAX events. Containers under construction
// live on open_; keys waiting for their value on keys_.
class JsonBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, JsonBuilder> {
 public:
  explicit JsonBuilder(std::size_t max_depth) : max_depth_(max_depth) {}

  bool Null() { return add(Value{}); }
  bool Bool(bool value) { return add(Value{value}); }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    if (!valid_scalars(text, length)) return false;
    return add(Value{std::string(text, length)});
  }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    if (!valid_scalars(text, length)) return false;
    keys_.emplace_back(text, length);
    return true;
  }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    return number(std::string_view(text, length));
  }
  bool StartObject() { return open(Value{ValueMap{}}); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(Value{ValueArray{}}); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  Value& root() { return root_; }
  const std::string& error() const { return error_; }

 private:
  // RapidJSON 1.1 checks high surrogate escapes only: "\udc83" arrives as ED B2 83,
  // which is not UTF-8. The input was validated, so those bytes come from an escape.
  bool valid_scalars(const char* text, rapidjson::SizeType length) {
    for (rapidjson::SizeType i = 0; i + 1 < length; ++i) {
      if (static_cast<unsigned char>(text[i]) == 0xED &&
          (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0xA0) {
        error_ = "lone surrogate escape in a string";
        return false;
      }
    }
    return true;
  }

  bool open(Value&& container) {
    if (open_.size() >= max_depth_) {
      error_ = "nesting deeper than max_depth " + std::to_string(max_depth_);
      return false;
    }
    open_.push_back(std::move(container));
    return true;
  }

  bool close() {
    Value done = std::move(open_.back());
    open_.pop_back();
    return add(std::move(done));
  }

  bool add(Value&& value) {
    if (open_.empty()) {
      root_ = std::move(value);
    } else if (auto* array = std::get_if<ValueArray>(&open_.back().v)) {
      array->push_back(std::move(value));
    } else {
      std::get<ValueMap>(open_.back().v).emplace_back(std::move(keys_.back()), std::move(value));
      keys_.pop_back();
    }
    return true;
  }

  bool number(std::string_view text) {
    const char* first = text.data();
    const char* last = first + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
      if (text[0] == '-') {
        std::int64_t value = 0;
        if (std::from_chars(first, last, value).ec == std::errc{}) {
          return value < 0 ? add(Value{value}) : add(Value{std::uint64_t{0}});
        }
      } else {
        std::uint64_t value = 0;
        if (std::from_chars(first, last, value).ec == std::errc{}) return add(Value{value});
      }
      return add(Value{std::string(text)});  // beyond 64 bits: keep the digits
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec == std::errc::result_out_of_range) {
      if (leading_exponent(text) >= 0) {
        error_ = "number out of range: " + std::string(text);
        return false;
      }
      value = text[0] == '-' ? -0.0 : 0.0;
    } else if (ec != std::errc{} || end != last) {
      error_ = "invalid number: " + std::string(text);
      return false;
    }
    return add(Value{value});
  }

  std::size_t max_depth_;
  std::vector<Value> open_;
  std::vector<std::string> keys_;
  Value root_;
  std::string error_;
};

Value decode_json(std::string_view data, std::size_t max_depth) {
  // Numbers come as text so that integers beyond 64 bits keep their digits. The reader
  // stops after the root value: MemoryStream reports its end as '\0', so RapidJSON's own
  // trailing check would accept "{}\0garbage".
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseStopWhenDoneFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  rapidjson::MemoryStream stream(data.data(), data.size());
  JsonBuilder builder(max_depth);
  rapidjson::Reader reader;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, builder);
  if (result.IsError()) {
    const std::string offset = std::to_string(result.Offset());
    if (result.Code() == rapidjson::kParseErrorTermination) {
      fail("json: " + builder.error() + " at offset " + offset);
    }
    fail("json: parse error at offset " + offset + ": " +
         rapidjson::GetParseError_En(result.Code()));
  }
  std::size_t offset = stream.Tell();
  while (offset < data.size() && is_json_whitespace(data[offset])) ++offset;
  if (offset != data.size()) {
    fail("json: trailing bytes at offset " + std::to_string(offset));
  }
  return std::move(builder.root());
}

bool is_uuid_text(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool is_timestamp_text(const std::string& text) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (text.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (kShape[i] == 'd' ? !(text[i] >= '0' && text[i] <= '9') : text[i] != kShape[i]) {
      return false;
    }
  }
  return true;
}

const std::string* as_string(const Value& value) { return std::get_if<std::string>(&value.v); }

// The integer value if it is a positive integer of either representation, else 0.
std::uint64_t as_positive(const Value& value) {
  if (const auto* u = std::get_if<std::uint64_t>(&value.v)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&value.v)) {
    return *i > 0 ? static_cast<std::uint64_t>(*i) : 0;
  }
  return 0;
}

constexpr std::array<const char*, kEnvelopeFields> kFieldNames = {
    "version", "id", "name", "timestamp", "seq", "instance", "source", "content"};

}  // namespace

Value decode(std::string_view data, Format format, int max_depth) {
  const auto depth = static_cast<std::size_t>(std::max(max_depth, 0));
  switch (format) {
    case Format::kMsgpack:
      return decode_msgpack(data, depth);
    case Format::kJson:
      return decode_json(data, depth);
  }
  fail("decode: unknown format " + std::to_string(static_cast<int>(format)));
}

void check_envelope(const Value& value) {
  const auto* map = std::get_if<ValueMap>(&value.v);
  if (map == nullptr) fail("envelope: not a map");

  auto field = [&](const char* name) -> const Value& {
    const Value* found = value.find(name);
    if (found == nullptr) fail(std::string("envelope.") + name + ": missing");
    return *found;
  };
  auto bad = [](const char* name, const char* reason) {
    fail(std::string("envelope.") + name + ": " + reason);
  };

  if (as_positive(field("version")) != static_cast<std::uint64_t>(kEnvelopeVersion)) {
    bad("version", "must be the integer 1");
  }
  if (const auto* id = as_string(field("id")); id == nullptr || !is_uuid_text(*id)) {
    bad("id", "must be a lower-case canonical UUID string");
  }
  if (as_string(field("name")) == nullptr) bad("name", "must be a string");
  if (const auto* ts = as_string(field("timestamp")); ts == nullptr || !is_timestamp_text(*ts)) {
    bad("timestamp", "must be a UTC timestamp string like 2026-11-25T12:00:00.123456Z");
  }
  if (as_positive(field("seq")) == 0) bad("seq", "must be an integer >= 1");
  if (const auto* instance = as_string(field("instance"));
      instance == nullptr || !is_uuid_text(*instance)) {
    bad("instance", "must be a lower-case canonical UUID string");
  }
  if (as_string(field("source")) == nullptr) bad("source", "must be a string");
  field("content");

  if (map->size() != kEnvelopeFields) {
    for (std::size_t i = 0; i < map->size(); ++i) {
      const std::string& name = (*map)[i].first;
      if (std::find(kFieldNames.begin(), kFieldNames.end(), name) == kFieldNames.end()) {
        fail("envelope." + name + ": unexpected field");
      }
      for (std::size_t j = 0; j < i; ++j) {
        if ((*map)[j].first == name) fail("envelope." + name + ": duplicate field");
      }
    }
  }
}

}  // namespace event_bridge
