// Both Writers driven by a little program read from the input, then decoded and compared
// with what docs/ENVELOPE.md and writer.hpp say a consumer reads back.
//
// The input is read with FuzzedDataProvider as a tree of writer calls (maps and arrays
// with matching counts; strings and keys of any bytes, invalid UTF-8 included; binary;
// int64 / uint64 / float64 with their edge values, NaN and infinities; big_integer text;
// long repeated strings that cross the MessagePack header sizes; deep nesting that
// crosses the decoder's max_depth), optionally wrapped in a real envelope. The tree is
// written once by each format; the expected decoded Value is computed independently:
// - MessagePack: exactly what was written (non-negative integers read back as uint64;
//   big integers as their text; binary as bin; doubles bit for bit, NaN payload included);
// - JSON: strings and keys with every maximal ill-formed UTF-8 subpart replaced by U+FFFD;
//   binary as padded standard base64; NaN / Infinity / -Infinity as those strings; finite
//   doubles bit for bit; big integers that are JSON integer literals of at most 300 digits
//   as bare numbers (read back as int64/uint64 when they fit, else as their digits), any
//   other big_integer text as a string;
// - deeper than max_depth (a top-level container is depth 1): DecodeError, in both formats;
// - with an envelope: check_envelope accepts it and every field reads back as written.
// The Writers are reused across inputs after clear(), as the bridge's per-thread writers
// are, and must give the same bytes as fresh ones.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "event_bridge/config.hpp"
#include "event_bridge/envelope.hpp"
#include "event_bridge/errors.hpp"
#include "event_bridge/writer.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace event_bridge;

constexpr int kDecodeMaxDepth = kMaxDepthLimit + 8;  // decode()'s default
// Budgets per input, so that one input costs milliseconds: writer calls (a level of a
// nesting chain counts as one) and bytes of all strings together.
constexpr std::size_t kMaxNodes = 3000;
constexpr std::size_t kMaxTextBytes = 96u << 10;  // room for one string over 65535 bytes
constexpr std::size_t kMaxBareDigits = 300;      // docs/ENVELOPE.md, JSON big integers

struct Node {
  enum Kind : std::uint8_t {
    kNull, kBool, kInt64, kUint64, kFloat64, kString, kBinary, kBigInteger, kArray, kMap,
  } kind = kNull;
  bool boolean = false;
  std::int64_t i64 = 0;
  std::uint64_t u64 = 0;
  double f64 = 0;
  std::string text;  // string, binary, big_integer
  std::vector<std::string> keys;
  std::vector<Node> items;
};

constexpr std::array<std::int64_t, 16> kInt64Edges = {
    0, 1, -1, 127, 128, -32, -33, 255, 256, -129, 65535, 65536, -32769,
    4294967296LL, std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()};
constexpr std::array<std::uint64_t, 8> kUint64Edges = {
    0, 127, 128, 255, 65535, 4294967295ULL, 4294967296ULL, std::numeric_limits<std::uint64_t>::max()};
const std::array<double, 16> kDoubleEdges = {
    0.0, -0.0, 1.0, 0.1, 1e21, 1e-7, 9007199254740993.0,
    std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(),
    std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min(),
    -std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::quiet_NaN(),
    -std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
    -std::numeric_limits<double>::infinity()};

class Program {
 public:
  explicit Program(FuzzedDataProvider& in) : in_(in) {}

  Node value(int depth) {
    Node node;
    if (++nodes_ > kMaxNodes || in_.remaining_bytes() == 0) return node;
    switch (in_.ConsumeIntegralInRange<int>(0, 12)) {
      case 0:
        break;
      case 1:
        node.kind = Node::kBool;
        node.boolean = in_.ConsumeBool();
        break;
      case 2:
        node.kind = Node::kInt64;
        node.i64 = in_.ConsumeBool() ? in_.PickValueInArray(kInt64Edges)
                                     : in_.ConsumeIntegral<std::int64_t>();
        break;
      case 3:
        node.kind = Node::kUint64;
        node.u64 = in_.ConsumeBool() ? in_.PickValueInArray(kUint64Edges)
                                     : in_.ConsumeIntegral<std::uint64_t>();
        break;
      case 4:
        node.kind = Node::kFloat64;
        node.f64 = in_.ConsumeBool() ? in_.PickValueInArray(kDoubleEdges)
                                     : std::bit_cast<double>(in_.ConsumeIntegral<std::uint64_t>());
        break;
      case 5:
        node.kind = Node::kString;
        node.text = bytes();
        break;
      case 6:
        node.kind = Node::kBinary;
        node.text = bytes();
        break;
      case 7:
        node.kind = Node::kBigInteger;
        node.text = in_.ConsumeIntegralInRange<int>(0, 3) == 0 ? bytes() : digits();
        break;
      case 8:
      case 9: {
        node.kind = Node::kArray;
        const std::size_t count = in_.ConsumeIntegralInRange<std::size_t>(0, 8);
        for (std::size_t i = 0; i < count && in_.remaining_bytes() > 0; ++i) {
          node.items.push_back(value(depth + 1));
        }
        break;
      }
      case 10:
      case 11: {
        node.kind = Node::kMap;
        const std::size_t count = in_.ConsumeIntegralInRange<std::size_t>(0, 8);
        for (std::size_t i = 0; i < count && in_.remaining_bytes() > 0; ++i) {
          node.keys.push_back(bytes());
          node.items.push_back(value(depth + 1));
        }
        break;
      }
      case 12: {
        // A chain of one-entry containers around a value: reaches and crosses max_depth
        // without a byte per level.
        const std::size_t budget = kMaxNodes > nodes_ ? kMaxNodes - nodes_ : 0;
        const int levels = static_cast<int>(std::min<std::size_t>(
            budget, in_.ConsumeIntegralInRange<int>(1, std::max(1, kDecodeMaxDepth + 4 - depth))));
        nodes_ += static_cast<std::size_t>(levels);
        const bool as_map = in_.ConsumeBool();
        // Short: the key is written once per level.
        const std::string key = as_map ? in_.ConsumeRandomLengthString(8) : std::string();
        node = value(depth + levels);
        for (int i = 0; i < levels; ++i) {
          Node outer;
          outer.kind = as_map ? Node::kMap : Node::kArray;
          if (as_map) outer.keys.push_back(key);
          outer.items.push_back(std::move(node));
          node = std::move(outer);
        }
        break;
      }
    }
    return node;
  }

 private:
  // Any bytes: short ones straight from the input, or a short pattern repeated up to
  // 70000 times within the budget (str 8/16/32 and bin 8/16/32 headers, long escape
  // runs in JSON).
  std::string bytes() {
    std::string out;
    if (in_.ConsumeIntegralInRange<int>(0, 7) != 0) {
      out = in_.ConsumeRandomLengthString(64);
    } else {
      const std::string pattern = in_.ConsumeRandomLengthString(8);
      const std::size_t times = in_.ConsumeIntegralInRange<std::size_t>(0, 70000);
      if (!pattern.empty() && text_bytes_ + pattern.size() * times <= kMaxTextBytes) {
        out.reserve(pattern.size() * times);
        for (std::size_t i = 0; i < times; ++i) out += pattern;
      }
    }
    text_bytes_ += out.size();
    return out;
  }

  // Decimal digits with an optional '-', around the 64-bit and the 300-digit limits.
  std::string digits() {
    std::string out;
    if (in_.ConsumeBool()) out += '-';
    const std::size_t count = in_.ConsumeBool() ? in_.ConsumeIntegralInRange<std::size_t>(0, 24)
                                                : in_.ConsumeIntegralInRange<std::size_t>(295, 305);
    const bool leading_zero_allowed = in_.ConsumeIntegralInRange<int>(0, 7) == 0;
    for (std::size_t i = 0; i < count; ++i) {
      int digit = in_.ConsumeIntegralInRange<int>(0, 9);
      if (i == 0 && digit == 0 && !leading_zero_allowed && count > 1) digit = 1;
      out += static_cast<char>('0' + digit);
    }
    text_bytes_ += out.size();
    return out;
  }

  FuzzedDataProvider& in_;
  std::size_t nodes_ = 0;
  std::size_t text_bytes_ = 0;
};

void write(Writer& w, const Node& node) {
  switch (node.kind) {
    case Node::kNull: w.null(); break;
    case Node::kBool: w.boolean(node.boolean); break;
    case Node::kInt64: w.int64(node.i64); break;
    case Node::kUint64: w.uint64(node.u64); break;
    case Node::kFloat64: w.float64(node.f64); break;
    case Node::kString: w.string(node.text); break;
    case Node::kBinary: w.binary(node.text.data(), node.text.size()); break;
    case Node::kBigInteger: w.big_integer(node.text); break;
    case Node::kArray:
      w.begin_array(node.items.size());
      for (const Node& item : node.items) write(w, item);
      w.end_array();
      break;
    case Node::kMap:
      w.begin_map(node.items.size());
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        w.key(node.keys[i]);
        write(w, node.items[i]);
      }
      w.end_map();
      break;
  }
}

int depth_of(const Node& node) {
  int deepest = 0;
  for (const Node& item : node.items) deepest = std::max(deepest, depth_of(item));
  return node.kind == Node::kArray || node.kind == Node::kMap ? deepest + 1 : 0;
}

// ---- The reference model of what a consumer reads back, written from the documents,
// not from the encoders.

// Unicode 15 section 3.9, table 3-7 (well-formed UTF-8) and "U+FFFD substitution of
// maximal subparts": each maximal ill-formed subpart becomes one U+FFFD.
std::string utf8_replaced(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  while (i < in.size()) {
    const unsigned char b = byte(i);
    if (b < 0x80) {
      out += static_cast<char>(b);
      ++i;
      continue;
    }
    int length = 0;
    unsigned char second_lo = 0x80, second_hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) length = 2;
    else if (b == 0xE0) length = 3, second_lo = 0xA0;
    else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) length = 3;
    else if (b == 0xED) length = 3, second_hi = 0x9F;
    else if (b == 0xF0) length = 4, second_lo = 0x90;
    else if (b >= 0xF1 && b <= 0xF3) length = 4;
    else if (b == 0xF4) length = 4, second_hi = 0x8F;
    // The maximal subpart: the lead byte and the continuation bytes that fit it.
    std::size_t j = i + 1;
    bool whole = length != 0;
    for (int k = 1; whole && k < length; ++k) {
      const unsigned char lo = k == 1 ? second_lo : 0x80;
      const unsigned char hi = k == 1 ? second_hi : 0xBF;
      if (j < in.size() && byte(j) >= lo && byte(j) <= hi) {
        ++j;
      } else {
        whole = false;
      }
    }
    if (whole) {
      out.append(in.substr(i, j - i));
    } else {
      out += "\xEF\xBF\xBD";
    }
    i = j;
  }
  return out;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int held = 0;
  for (const char c : in) {
    bits = (bits << 8) | static_cast<unsigned char>(c);
    held += 8;
    while (held >= 6) {
      held -= 6;
      out += kAlphabet[(bits >> held) & 63];
    }
  }
  if (held > 0) out += kAlphabet[(bits << (6 - held)) & 63];
  while (out.size() % 4 != 0) out += '=';
  return out;
}

// -?(0|[1-9][0-9]*)
bool is_json_integer(std::string_view text) {
  if (!text.empty() && text[0] == '-') text.remove_prefix(1);
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return text.size() == 1 || text[0] != '0';
}

std::size_t digit_count(std::string_view text) { return text.size() - (text[0] == '-' ? 1 : 0); }

bool bare_json_number(const Node& node) {
  return is_json_integer(node.text) && digit_count(node.text) <= kMaxBareDigits;
}

Value integer(std::int64_t value) {
  return value >= 0 ? Value{static_cast<std::uint64_t>(value)} : Value{value};
}

Value expected(const Node& node, Format format) {
  const bool json = format == Format::kJson;
  switch (node.kind) {
    case Node::kNull: return {};
    case Node::kBool: return {node.boolean};
    case Node::kInt64: return integer(node.i64);
    case Node::kUint64: return {node.u64};
    case Node::kFloat64:
      if (!json || std::isfinite(node.f64)) return {node.f64};
      if (std::isnan(node.f64)) return {std::string("NaN")};
      return {std::string(node.f64 > 0 ? "Infinity" : "-Infinity")};
    case Node::kString: return {json ? utf8_replaced(node.text) : node.text};
    case Node::kBinary: return json ? Value{base64(node.text)} : Value{Binary{node.text}};
    case Node::kBigInteger: {
      if (!json) return {node.text};
      if (!bare_json_number(node)) return {utf8_replaced(node.text)};
      const char* first = node.text.data();
      const char* last = first + node.text.size();
      if (node.text[0] == '-') {
        std::int64_t value = 0;
        if (std::from_chars(first, last, value).ec == std::errc{}) return integer(value);
      } else {
        std::uint64_t value = 0;
        if (std::from_chars(first, last, value).ec == std::errc{}) return {value};
      }
      return {node.text};
    }
    case Node::kArray: {
      ValueArray array;
      for (const Node& item : node.items) array.push_back(expected(item, format));
      return {std::move(array)};
    }
    case Node::kMap: {
      ValueMap map;
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        map.emplace_back(json ? utf8_replaced(node.keys[i]) : node.keys[i],
                         expected(node.items[i], format));
      }
      return {std::move(map)};
    }
  }
  return {};
}

struct Envelope {
  EnvelopeFields fields;
  std::string name, instance, source;
};

Value expected_envelope(const Envelope& e, const Value& content, Format format) {
  const bool json = format == Format::kJson;
  ValueMap map;
  map.emplace_back("version", Value{std::uint64_t{1}});
  map.emplace_back("id", Value{format_uuid(e.fields.id)});
  map.emplace_back("name", Value{json ? utf8_replaced(e.name) : e.name});
  map.emplace_back("timestamp", Value{format_timestamp(e.fields.timestamp_us)});
  map.emplace_back("seq", Value{e.fields.seq});
  map.emplace_back("instance", Value{e.instance});
  map.emplace_back("source", Value{json ? utf8_replaced(e.source) : e.source});
  map.emplace_back("content", content);
  return {std::move(map)};
}

const char* name_of(Format format) { return format == Format::kMsgpack ? "msgpack" : "json"; }

void run(Writer& reused, Format format, const Node& root, const Envelope* envelope) {
  reused.clear();
  const auto fresh = make_writer(format);
  for (Writer* w : {&reused, fresh.get()}) {
    if (envelope != nullptr) write_envelope_head(*w, envelope->fields);
    write(*w, root);
    if (envelope != nullptr) write_envelope_tail(*w);
  }
  const std::string_view out = fresh->view();
  if (reused.view() != out) {
    event_bridge::fuzz::fail("a reused Writer writes what a fresh one does", name_of(format),
                             reused.view());
  }

  const int depth = depth_of(root) + (envelope != nullptr ? 1 : 0);
  Value decoded;
  try {
    decoded = decode(out, format);
  } catch (const DecodeError& error) {
    if (depth > kDecodeMaxDepth) return;
    event_bridge::fuzz::fail("what a Writer writes decodes",
                             std::string(name_of(format)) + ": " + error.what(), out);
  }
  if (depth > kDecodeMaxDepth) {
    event_bridge::fuzz::fail("nesting deeper than max_depth is a DecodeError",
                             std::string(name_of(format)) + ": depth " + std::to_string(depth) +
                                 " decoded with max_depth " + std::to_string(kDecodeMaxDepth),
                             out);
  }

  Value want = expected(root, format);
  if (envelope != nullptr) {
    want = expected_envelope(*envelope, want, format);
    try {
      check_envelope(decoded);
    } catch (const DecodeError& error) {
      event_bridge::fuzz::fail("check_envelope accepts a written envelope",
                               std::string(name_of(format)) + ": " + error.what(), out);
    }
  }
  std::string where;
  if (!event_bridge::fuzz::same(want, decoded, where)) {
    event_bridge::fuzz::fail("decoded value matches the documented representation",
                             std::string(name_of(format)) + " " + where, out);
  }

  // The representation itself, where the Value cannot tell: a JSON big integer within
  // the documented limit is a bare number, beyond it a string.
  if (format == Format::kJson && envelope == nullptr && root.kind == Node::kBigInteger) {
    const bool bare = !out.empty() && out.front() != '"';
    if (bare != bare_json_number(root)) {
      event_bridge::fuzz::fail(
          "JSON big integers: a bare number up to 300 digits, a string beyond",
          std::to_string(digit_count(root.text.empty() ? std::string_view("?") : root.text)) +
              " digits written " + (bare ? "bare" : "as a string"),
          out);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Reused across inputs, like the bridge's per-thread writers.
  static const std::unique_ptr<Writer> msgpack = make_writer(Format::kMsgpack);
  static const std::unique_ptr<Writer> json = make_writer(Format::kJson);

  FuzzedDataProvider in(data, size);
  std::unique_ptr<Envelope> envelope;
  if (in.ConsumeBool()) {
    envelope = std::make_unique<Envelope>();
    for (auto& b : envelope->fields.id) b = in.ConsumeIntegral<std::uint8_t>();
    envelope->fields.timestamp_us = in.ConsumeIntegral<std::int64_t>();
    envelope->fields.seq = std::max<std::uint64_t>(1, in.ConsumeIntegral<std::uint64_t>());
    Uuid instance;
    for (auto& b : instance) b = in.ConsumeIntegral<std::uint8_t>();
    envelope->instance = format_uuid(instance);
    envelope->name = in.ConsumeRandomLengthString(48);
    envelope->source = in.ConsumeRandomLengthString(24);
    envelope->fields.name = envelope->name;
    envelope->fields.instance = envelope->instance;
    envelope->fields.source = envelope->source;
  }
  const Node root = Program(in).value(0);
  run(*msgpack, Format::kMsgpack, root, envelope.get());
  run(*json, Format::kJson, root, envelope.get());
  return 0;
}
