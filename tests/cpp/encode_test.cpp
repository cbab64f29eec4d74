// Writers and decoder: what goes through a Writer comes back out of decode(), in both
// formats, and malformed input is a DecodeError, never a crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "event_bridge/envelope.hpp"
#include "event_bridge/errors.hpp"
#include "event_bridge/msgpack_buffer.hpp"
#include "event_bridge/writer.hpp"

namespace event_bridge {
namespace {

using ::testing::HasSubstr;
using namespace std::string_literals;
using ::testing::StartsWith;

Value uint_value(std::uint64_t v) { return Value{v}; }
Value int_value(std::int64_t v) { return Value{v}; }
Value str_value(std::string v) { return Value{std::move(v)}; }
Value array_value(ValueArray v) { return Value{std::move(v)}; }
Value map_value(ValueMap v) { return Value{std::move(v)}; }

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// The message of the DecodeError that decode() throws, or "" if it does not throw.
std::string decode_error(std::string_view data, Format format, int max_depth = 512) {
  try {
    decode(data, format, max_depth);
  } catch (const DecodeError& error) {
    return error.what();
  }
  return "";
}

class RoundTrip : public ::testing::TestWithParam<Format> {
 protected:
  Value decoded() const { return decode(writer_->view(), GetParam()); }

  // Encodes one float alone and decodes it back.
  double float_round_trip(double value) {
    writer_->clear();
    writer_->float64(value);
    const Value back = decoded();
    EXPECT_TRUE(std::holds_alternative<double>(back.v)) << value;
    return std::holds_alternative<double>(back.v) ? std::get<double>(back.v) : 0.0;
  }

  std::unique_ptr<Writer> writer_ = make_writer(GetParam());
};

TEST_P(RoundTrip, NullAndBooleans) {
  writer_->begin_array(3);
  writer_->null();
  writer_->boolean(true);
  writer_->boolean(false);
  writer_->end_array();
  EXPECT_EQ(decoded(), array_value({Value{}, Value{true}, Value{false}}));
}

TEST_P(RoundTrip, IntegersAtTheLimits) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kUMax = std::numeric_limits<std::uint64_t>::max();
  writer_->begin_array(9);
  writer_->int64(kMin);
  writer_->int64(kMax);
  writer_->int64(-1);
  writer_->int64(-33);
  writer_->int64(0);
  writer_->uint64(kUMax);
  writer_->uint64(0);
  writer_->uint64(255);
  writer_->int64(-4294967297);
  writer_->end_array();
  // Both formats read non-negative integers back as uint64.
  EXPECT_EQ(decoded(), array_value({int_value(kMin), uint_value(kMax), int_value(-1),
                                    int_value(-33), uint_value(0), uint_value(kUMax),
                                    uint_value(0), uint_value(255), int_value(-4294967297)}));
}

TEST_P(RoundTrip, FloatsKeepEveryBit) {
  const double values[] = {0.0,
                           1.0,
                           -1.5,
                           0.1,
                           1.0 / 3.0,
                           -123.456e-7,
                           1e308,
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::min(),         // smallest normal
                           std::numeric_limits<double>::denorm_min(),  // 5e-324
                           2.5e-310,                                   // denormal
                           9007199254740993.0,
                           -1e-300};
  for (double value : values) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(float_round_trip(value)),
              std::bit_cast<std::uint64_t>(value))
        << value;
  }
  EXPECT_TRUE(std::signbit(float_round_trip(-0.0)));
  EXPECT_EQ(float_round_trip(-0.0), 0.0);
}

TEST_P(RoundTrip, NestedAndEmptyContainers) {
  writer_->begin_map(5);
  writer_->key("switch");
  writer_->begin_map(2);
  writer_->key("dpid");
  writer_->string("00:00:00:00:00:00:00:01");
  writer_->key("ports");
  writer_->begin_array(3);
  writer_->uint64(1);
  writer_->begin_array(0);
  writer_->end_array();
  writer_->begin_map(1);
  writer_->key("speed");
  writer_->float64(10.5);
  writer_->end_map();
  writer_->end_array();
  writer_->end_map();
  writer_->key("empty_map");
  writer_->begin_map(0);
  writer_->end_map();
  writer_->key("empty_array");
  writer_->begin_array(0);
  writer_->end_array();
  writer_->key("");
  writer_->string("");
  writer_->key("deep");
  writer_->begin_array(1);
  writer_->begin_array(1);
  writer_->begin_map(1);
  writer_->key("x");
  writer_->int64(-7);
  writer_->end_map();
  writer_->end_array();
  writer_->end_array();
  writer_->end_map();

  const Value expected = map_value({
      {"switch",
       map_value({{"dpid", str_value("00:00:00:00:00:00:00:01")},
                  {"ports", array_value({uint_value(1), array_value({}),
                                         map_value({{"speed", Value{10.5}}})})}})},
      {"empty_map", map_value({})},
      {"empty_array", array_value({})},
      {"", str_value("")},
      {"deep", array_value({array_value({map_value({{"x", int_value(-7)}})})})},
  });
  EXPECT_EQ(decoded(), expected);
}

TEST_P(RoundTrip, StringsAndKeys) {
  const std::string values[] = {
      "",
      "plain ascii",
      "h\xc3\xa9llo",                      // é
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",  // 日本語
      "\xf0\x9f\x98\x80",                  // U+1F600, four bytes
      "quote \" backslash \\ slash / newline \n tab \t",
      "nul \0 inside and \x01\x1f controls"s,
      std::string(300, 'x'),
  };
  writer_->begin_map(std::size(values));
  for (const std::string& value : values) {
    writer_->key(value);
    writer_->string(value);
  }
  writer_->end_map();
  const Value back = decoded();
  const auto& map = std::get<ValueMap>(back.v);
  ASSERT_EQ(map.size(), std::size(values));
  for (std::size_t i = 0; i < map.size(); ++i) {
    EXPECT_EQ(map[i].first, values[i]);
    EXPECT_EQ(map[i].second, str_value(values[i]));
  }
}

TEST_P(RoundTrip, BigIntegersComeBackAsDecimalText) {
  writer_->begin_array(3);
  writer_->big_integer("123456789012345678901234567890");
  writer_->big_integer("-98765432109876543210987654321");
  writer_->big_integer("18446744073709551616");  // 2^64
  writer_->end_array();
  EXPECT_EQ(decoded(), array_value({str_value("123456789012345678901234567890"),
                                    str_value("-98765432109876543210987654321"),
                                    str_value("18446744073709551616")}));
}

TEST_P(RoundTrip, ClearKeepsTheWriterUsable) {
  writer_->begin_map(1);
  writer_->key("big");
  writer_->string(std::string(10000, 'a'));
  writer_->end_map();
  ASSERT_GT(writer_->size(), 10000u);

  writer_->clear();
  EXPECT_EQ(writer_->size(), 0u);
  EXPECT_TRUE(writer_->view().empty());
  writer_->begin_array(2);
  writer_->uint64(7);
  writer_->string("again");
  writer_->end_array();

  auto fresh = make_writer(GetParam());
  fresh->begin_array(2);
  fresh->uint64(7);
  fresh->string("again");
  fresh->end_array();
  EXPECT_EQ(writer_->view(), fresh->view());
  EXPECT_EQ(writer_->size(), writer_->view().size());
  EXPECT_EQ(decoded(), array_value({uint_value(7), str_value("again")}));
}

TEST_P(RoundTrip, EveryProperPrefixIsADecodeError) {
  writer_->begin_map(4);
  writer_->key("name");
  writer_->string("kytos/of_core.switch.new");
  writer_->key("values");
  writer_->begin_array(4);
  writer_->int64(-70000);
  writer_->float64(2.5);
  writer_->uint64(std::numeric_limits<std::uint64_t>::max());
  writer_->null();
  writer_->end_array();
  writer_->key("nested");
  writer_->begin_map(1);
  writer_->key("ok");
  writer_->boolean(true);
  writer_->end_map();
  writer_->key("bytes");
  writer_->binary("\x01\x02\x03", 3);
  writer_->end_map();
  const std::string whole(writer_->view());
  ASSERT_NO_THROW(decode(whole, GetParam()));
  for (std::size_t length = 0; length < whole.size(); ++length) {
    EXPECT_THROW(decode(std::string_view(whole).substr(0, length), GetParam()), DecodeError)
        << "prefix of " << length << " bytes";
  }
}

TEST_P(RoundTrip, DepthLimit) {
  constexpr int kDepth = 10;
  for (int i = 0; i < kDepth; ++i) writer_->begin_array(1);
  writer_->uint64(1);
  for (int i = 0; i < kDepth; ++i) writer_->end_array();
  EXPECT_NO_THROW(decode(writer_->view(), GetParam(), kDepth));
  EXPECT_THAT(decode_error(writer_->view(), GetParam(), kDepth - 1),
              HasSubstr("nesting deeper than max_depth 9"));

  writer_->clear();
  writer_->uint64(1);
  EXPECT_NO_THROW(decode(writer_->view(), GetParam(), 0));
  writer_->clear();
  writer_->begin_map(0);
  writer_->end_map();
  EXPECT_THROW(decode(writer_->view(), GetParam(), 0), DecodeError);
}

TEST_P(RoundTrip, EmptyInputIsADecodeError) {
  EXPECT_THROW(decode("", GetParam()), DecodeError);
}

INSTANTIATE_TEST_SUITE_P(BothFormats, RoundTrip,
                         ::testing::Values(Format::kMsgpack, Format::kJson),
                         [](const auto& info) { return std::string(to_string(info.param)); });

class Msgpack : public ::testing::Test {
 protected:
  template <typename Write>
  std::string bytes(Write write) {
    writer_->clear();
    write(*writer_);
    return hex(writer_->view());
  }
  std::unique_ptr<Writer> writer_ = make_writer(Format::kMsgpack);
};

TEST_F(Msgpack, IntegersTakeTheSmallestEncoding) {
  EXPECT_EQ(bytes([](Writer& w) { w.uint64(5); }), "05");
  EXPECT_EQ(bytes([](Writer& w) { w.int64(127); }), "7f");
  EXPECT_EQ(bytes([](Writer& w) { w.int64(128); }), "cc80");
  EXPECT_EQ(bytes([](Writer& w) { w.uint64(255); }), "ccff");
  EXPECT_EQ(bytes([](Writer& w) { w.uint64(256); }), "cd0100");
  EXPECT_EQ(bytes([](Writer& w) { w.uint64(65536); }), "ce00010000");
  EXPECT_EQ(bytes([](Writer& w) { w.uint64(4294967296); }), "cf0000000100000000");
  EXPECT_EQ(bytes([](Writer& w) { w.int64(-1); }), "ff");
  EXPECT_EQ(bytes([](Writer& w) { w.int64(-32); }), "e0");
  EXPECT_EQ(bytes([](Writer& w) { w.int64(-33); }), "d0df");
  EXPECT_EQ(bytes([](Writer& w) { w.int64(-129); }), "d1ff7f");
  EXPECT_EQ(bytes([](Writer& w) { w.int64(std::numeric_limits<std::int64_t>::min()); }),
            "d38000000000000000");
  EXPECT_EQ(bytes([](Writer& w) { w.uint64(std::numeric_limits<std::uint64_t>::max()); }),
            "cfffffffffffffffff");
}

TEST_F(Msgpack, OtherScalarsAndHeaders) {
  EXPECT_EQ(bytes([](Writer& w) { w.null(); }), "c0");
  EXPECT_EQ(bytes([](Writer& w) { w.boolean(false); }), "c2");
  EXPECT_EQ(bytes([](Writer& w) { w.boolean(true); }), "c3");
  EXPECT_EQ(bytes([](Writer& w) { w.float64(1.0); }), "cb3ff0000000000000");
  EXPECT_EQ(bytes([](Writer& w) { w.float64(0.5); }), "cb3fe0000000000000");  // not float 32
  EXPECT_EQ(bytes([](Writer& w) { w.begin_map(0); w.end_map(); }), "80");
  EXPECT_EQ(bytes([](Writer& w) { w.begin_array(15); }), "9f");
  EXPECT_EQ(bytes([](Writer& w) { w.begin_array(16); }), "dc0010");
  EXPECT_EQ(bytes([](Writer& w) { w.begin_map(16); }), "de0010");
  EXPECT_EQ(bytes([](Writer& w) { w.begin_map(1); w.key("a"); w.uint64(1); }), "81a16101");
  EXPECT_EQ(bytes([](Writer& w) { w.binary("\x00\xff", 2); }), "c40200ff");
  EXPECT_EQ(bytes([](Writer& w) { w.big_integer("-12"); }), "a32d3132");
}

TEST_F(Msgpack, StrHeaderBoundaries) {
  EXPECT_EQ(bytes([](Writer& w) { w.string(""); }), "a0");
  EXPECT_EQ(bytes([](Writer& w) { w.string(std::string(31, 'a')); }),
            "bf" + hex(std::string(31, 'a')));
  EXPECT_EQ(bytes([](Writer& w) { w.string(std::string(32, 'a')); }),
            "d920" + hex(std::string(32, 'a')));
  EXPECT_EQ(bytes([](Writer& w) { w.string(std::string(256, 'a')); }).substr(0, 6), "da0100");
  EXPECT_EQ(bytes([](Writer& w) { w.key(std::string(32, 'k')); }).substr(0, 4), "d920");
}

TEST_F(Msgpack, LongStrAndBinHeaders) {
  auto head = [&](std::size_t size, bool str) {
    const std::string body(size, 'z');
    return bytes([&](Writer& w) {
             if (str) {
               w.string(body);
             } else {
               w.binary(body.data(), body.size());
             }
           })
        .substr(0, 20);
  };
  EXPECT_EQ(head(255, true), "d9ff7a7a7a7a7a7a7a7a");
  EXPECT_EQ(head(256, true), "da01007a7a7a7a7a7a7a");
  EXPECT_EQ(head(65535, true), "daffff7a7a7a7a7a7a7a");
  EXPECT_EQ(head(65536, true), "db000100007a7a7a7a7a");
  EXPECT_EQ(head(0, false), "c400");
  EXPECT_EQ(head(31, false), "c41f7a7a7a7a7a7a7a7a");
  EXPECT_EQ(head(255, false), "c4ff7a7a7a7a7a7a7a7a");
  EXPECT_EQ(head(256, false), "c501007a7a7a7a7a7a7a");
  EXPECT_EQ(head(65536, false), "c6000100007a7a7a7a7a");
  EXPECT_EQ(writer_->size(), 65536u + 5u);
}

TEST_F(Msgpack, EveryShortLengthIsCopiedExactly) {
  std::string source;
  for (int i = 0; i < 40; ++i) source += static_cast<char>('A' + i);
  for (std::size_t length = 0; length <= source.size(); ++length) {
    const std::string value = source.substr(0, length);
    const std::string header = length < 32 ? hex(std::string(1, static_cast<char>(0xa0 + length)))
                                           : "d9" + hex(std::string(1, static_cast<char>(length)));
    EXPECT_EQ(bytes([&](Writer& w) { w.string(value); }), header + hex(value)) << length;
  }
}

TEST_F(Msgpack, NonFiniteFloatsAreNative) {
  writer_->begin_array(3);
  writer_->float64(std::numeric_limits<double>::quiet_NaN());
  writer_->float64(std::numeric_limits<double>::infinity());
  writer_->float64(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(hex(writer_->view().substr(1, 1)), "cb");
  const Value back = decode(writer_->view(), Format::kMsgpack);
  const auto& array = std::get<ValueArray>(back.v);
  ASSERT_EQ(array.size(), 3u);
  EXPECT_TRUE(std::isnan(std::get<double>(array[0].v)));
  EXPECT_EQ(std::get<double>(array[1].v), std::numeric_limits<double>::infinity());
  EXPECT_EQ(std::get<double>(array[2].v), -std::numeric_limits<double>::infinity());
}

TEST_F(Msgpack, BinaryIsBin) {
  const std::string raw("\x00\xff\x10 binary", 10);
  writer_->begin_array(2);
  writer_->binary(raw.data(), raw.size());
  writer_->binary(nullptr, 0);
  EXPECT_EQ(decode(writer_->view(), Format::kMsgpack),
            array_value({Value{Binary{raw}}, Value{Binary{}}}));
}

TEST_F(Msgpack, Float32DecodesAsDouble) {
  EXPECT_EQ(decode("\xca\x3f\xc0\x00\x00"s, Format::kMsgpack), Value{1.5});
}

TEST(MsgpackDecode, TrailingBytes) {
  EXPECT_EQ(decode_error(std::string("\x81\xa1" "a\x01\x00", 5), Format::kMsgpack),
            "msgpack: trailing bytes at offset 4");
  EXPECT_EQ(decode_error("\xc0\xc0", Format::kMsgpack), "msgpack: trailing bytes at offset 1");
}

TEST(MsgpackDecode, MapKeysMustBeStr) {
  EXPECT_EQ(decode_error("\x81\x01\x02", Format::kMsgpack), "msgpack: map key is int, not str");
  EXPECT_EQ(decode_error("\x81\xc4\x01x\x02", Format::kMsgpack),
            "msgpack: map key is bin, not str");
  EXPECT_EQ(decode_error("\x91\x81\xc0\x02", Format::kMsgpack),
            "msgpack: map key is nil, not str");
}

TEST(MsgpackDecode, ExtIsRejected) {
  EXPECT_EQ(decode_error("\xd4\x05\x00"s, Format::kMsgpack),
            "msgpack: ext type 5 is not supported");
}

TEST(MsgpackDecode, MalformedAndTruncated) {
  EXPECT_EQ(decode_error("\xc1", Format::kMsgpack), "msgpack: malformed input (1 bytes)");
  EXPECT_EQ(decode_error("\x92\x01", Format::kMsgpack), "msgpack: truncated input (2 bytes)");
  EXPECT_EQ(decode_error("\xa5" "abc", Format::kMsgpack), "msgpack: truncated input (4 bytes)");
}

TEST(MsgpackDecode, ForgedSizeHeadersFailFastWithoutAllocating) {
  const auto start = std::chrono::steady_clock::now();
  // The messages name the limit check, which runs before msgpack-c allocates the
  // 2^32-1 element array (about 100 GB of msgpack::object).
  EXPECT_THAT(decode_error("\xdd\xff\xff\xff\xff", Format::kMsgpack),
              HasSubstr("array header claims more elements than the 5-byte input holds"));
  EXPECT_THAT(decode_error("\xdf\xff\xff\xff\xff", Format::kMsgpack),
              HasSubstr("map header claims more entries than the 5-byte input holds"));
  EXPECT_THROW(decode("\xdb\xff\xff\xff\xff", Format::kMsgpack), DecodeError);  // str32
  EXPECT_THROW(decode("\xc6\xff\xff\xff\xff", Format::kMsgpack), DecodeError);  // bin32
  // Nested: each array is small but would still claim more than the input.
  EXPECT_THAT(decode_error("\x91\x91\xdc\xff\xff", Format::kMsgpack),
              HasSubstr("array header claims"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(MsgpackDecode, VeryDeepInputStopsAtTheLimit) {
  const std::string deep(100000, '\x91');
  EXPECT_EQ(decode_error(deep, Format::kMsgpack), "msgpack: nesting deeper than max_depth 512");
}

class Json : public ::testing::Test {
 protected:
  template <typename Write>
  std::string text(Write write) {
    writer_->clear();
    write(*writer_);
    return std::string(writer_->view());
  }
  std::string string_text(std::string_view value) {
    return text([&](Writer& w) { w.string(value); });
  }
  std::string base64(std::string_view raw) {
    return text([&](Writer& w) { w.binary(raw.data(), raw.size()); });
  }
  std::unique_ptr<Writer> writer_ = make_writer(Format::kJson);
};

TEST_F(Json, CompactText) {
  EXPECT_EQ(text([](Writer& w) {
              w.begin_map(3);
              w.key("a");
              w.begin_array(3);
              w.int64(-1);
              w.uint64(2);
              w.null();
              w.end_array();
              w.key("b");
              w.boolean(true);
              w.key("c");
              w.begin_map(0);
              w.end_map();
              w.end_map();
            }),
            R"({"a":[-1,2,null],"b":true,"c":{}})");
}

TEST_F(Json, FloatsAsShortNumbers) {
  EXPECT_EQ(text([](Writer& w) { w.float64(1.0); }), "1.0");
  EXPECT_EQ(text([](Writer& w) { w.float64(-0.0); }), "-0.0");
  EXPECT_EQ(text([](Writer& w) { w.float64(0.1); }), "0.1");
  EXPECT_EQ(text([](Writer& w) { w.float64(1e308); }), "1e308");
  EXPECT_EQ(text([](Writer& w) { w.float64(5e-324); }), "5e-324");
  EXPECT_EQ(text([](Writer& w) { w.float64(-2.5); }), "-2.5");
}

TEST_F(Json, NonFiniteFloatsAreStrings) {
  EXPECT_EQ(text([](Writer& w) {
              w.begin_array(3);
              w.float64(std::numeric_limits<double>::quiet_NaN());
              w.float64(std::numeric_limits<double>::infinity());
              w.float64(-std::numeric_limits<double>::infinity());
              w.end_array();
            }),
            R"(["NaN","Infinity","-Infinity"])");
  EXPECT_EQ(decode(writer_->view(), Format::kJson),
            array_value({str_value("NaN"), str_value("Infinity"), str_value("-Infinity")}));
}

TEST_F(Json, BinaryIsPaddedStandardBase64) {
  EXPECT_EQ(base64(""), R"("")");
  EXPECT_EQ(base64("\x00"s), R"("AA==")");
  EXPECT_EQ(base64("\x00\xff"s), R"("AP8=")");
  EXPECT_EQ(base64("\x00\xff\x10"s), R"("AP8Q")");
  EXPECT_EQ(base64("\xfb\xff\xbf"), R"("+/+/")");  // the two non-alphanumeric digits
  // RFC 4648 section 10.
  EXPECT_EQ(base64("f"), R"("Zg==")");
  EXPECT_EQ(base64("fo"), R"("Zm8=")");
  EXPECT_EQ(base64("foo"), R"("Zm9v")");
  EXPECT_EQ(base64("foob"), R"("Zm9vYg==")");
  EXPECT_EQ(base64("fooba"), R"("Zm9vYmE=")");
  EXPECT_EQ(base64("foobar"), R"("Zm9vYmFy")");
  EXPECT_EQ(text([](Writer& w) {
              w.begin_array(2);
              w.binary("\x01", 1);
              w.binary("ab", 2);
              w.end_array();
            }),
            R"(["AQ==","YWI="])");
}

TEST_F(Json, BigIntegersAreBareNumbers) {
  EXPECT_EQ(text([](Writer& w) {
              w.begin_map(1);
              w.key("n");
              w.begin_array(3);
              w.big_integer("123456789012345678901234567890");
              w.big_integer("-98765432109876543210");
              w.big_integer("0");
              w.end_array();
              w.end_map();
            }),
            R"({"n":[123456789012345678901234567890,-98765432109876543210,0]})");
  // Not an integer literal: written as a string so the JSON stays valid.
  EXPECT_EQ(text([](Writer& w) { w.big_integer("12a"); }), R"("12a")");
  EXPECT_EQ(text([](Writer& w) { w.big_integer("007"); }), R"("007")");
  EXPECT_EQ(text([](Writer& w) { w.big_integer("-"); }), R"("-")");
  EXPECT_EQ(text([](Writer& w) { w.big_integer(""); }), R"("")");
}

TEST_F(Json, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(string_text("a\"b\\c\n\x01\0"s), R"("a\"b\\c\n\u0001\u0000")");
}

TEST_F(Json, InvalidUtf8BecomesReplacementCharacters) {
  const std::string kFffd = "\xef\xbf\xbd";
  struct Case {
    std::string input;
    std::string expected;
  };
  // One U+FFFD per maximal ill-formed subsequence (Unicode 15, section 3.9 / table 3-8).
  const Case cases[] = {
      {"\xff", kFffd},
      {"a\x80z", "a" + kFffd + "z"},
      {"a\xc3", "a" + kFffd},                          // truncated 2-byte sequence
      {"\xe2\x82", kFffd},                             // truncated 3-byte: one subpart
      {"\xe2\x82z", kFffd + "z"},
      {"\xf0\x9f\x98", kFffd},                         // truncated emoji
      {"\xc0\xaf", kFffd + kFffd},                     // overlong '/'
      {"\xe0\x80\xaf", kFffd + kFffd + kFffd},         // overlong 3-byte
      {"\xed\xa0\x80", kFffd + kFffd + kFffd},         // UTF-8 encoded lone surrogate
      {"\xf4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // above U+10FFFF
      {"\xf5\x80", kFffd + kFffd},
      {"ok \xc3\xa9 \xff ok \xf0\x9f\x98\x80", "ok \xc3\xa9 " + kFffd + " ok \xf0\x9f\x98\x80"},
      {std::string(20, 'a') + "\xfe" + std::string(20, 'b'),
       std::string(20, 'a') + kFffd + std::string(20, 'b')},
  };
  for (const Case& c : cases) {
    writer_->clear();
    writer_->begin_map(1);
    writer_->key(c.input);
    writer_->string(c.input);
    writer_->end_map();
    // decode() validates UTF-8, so this also proves the output is valid JSON.
    Value back;
    ASSERT_NO_THROW(back = decode(writer_->view(), Format::kJson)) << hex(c.input);
    EXPECT_EQ(back, map_value({{c.expected, str_value(c.expected)}})) << hex(c.input);
  }
}

TEST_F(Json, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 generator(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  for (int round = 0; round < 2000; ++round) {
    std::string input(static_cast<std::size_t>(length(generator)), '\0');
    for (char& c : input) c = static_cast<char>(byte(generator));
    writer_->clear();
    writer_->begin_array(1);
    writer_->string(input);
    writer_->end_array();
    ASSERT_NO_THROW(decode(writer_->view(), Format::kJson)) << hex(input);
  }
}

TEST(JsonDecode, IntegersBeyond64BitsKeepTheirDigits) {
  EXPECT_EQ(decode("18446744073709551615", Format::kJson),
            uint_value(std::numeric_limits<std::uint64_t>::max()));
  EXPECT_EQ(decode("18446744073709551616", Format::kJson), str_value("18446744073709551616"));
  EXPECT_EQ(decode("-9223372036854775808", Format::kJson),
            int_value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(decode("-9223372036854775809", Format::kJson), str_value("-9223372036854775809"));
  EXPECT_EQ(decode("-0", Format::kJson), uint_value(0));
  EXPECT_EQ(decode("2.0", Format::kJson), Value{2.0});
  EXPECT_EQ(decode("1E2", Format::kJson), Value{100.0});
}

TEST(JsonDecode, FloatRange) {
  EXPECT_EQ(decode("1.7976931348623157e308", Format::kJson),
            Value{std::numeric_limits<double>::max()});
  const Value tiny = decode("-1e-400", Format::kJson);
  EXPECT_EQ(std::get<double>(tiny.v), 0.0);
  EXPECT_TRUE(std::signbit(std::get<double>(tiny.v)));
  EXPECT_EQ(decode("0.00000000000000000000000000000000000000000000000000000000000000000000"
                   "0000000000000000000000000000000000000000000000000000000000000000000000"
                   "0000000000000000000000000000000000000000000000000000000000000000000000"
                   "0000000000000000000000000000000000000000000000000000000000000000000000"
                   "0000000000000000000000000000000000000000000000000000000000000000000000"
                   "0000000000000000000000000000000000000000001",
                   Format::kJson),
            Value{0.0});
  EXPECT_EQ(decode("100e-400", Format::kJson), Value{0.0});
  EXPECT_EQ(decode("0.05e-340", Format::kJson), Value{0.0});
  EXPECT_TRUE(std::signbit(std::get<double>(decode("-0.0", Format::kJson).v)));
  EXPECT_EQ(decode_error("1.8e308", Format::kJson),
            "json: number out of range: 1.8e308 at offset 0");
  EXPECT_EQ(decode("[-17976931348623157e292]", Format::kJson),
            array_value({Value{-std::numeric_limits<double>::max()}}));
  EXPECT_EQ(decode_error("[-18e307]", Format::kJson),
            "json: number out of range: -18e307 at offset 1");
  EXPECT_THAT(decode_error("1e999", Format::kJson), StartsWith("json: parse error at offset 0"));
}

TEST(JsonDecode, TrailingBytes) {
  EXPECT_EQ(decode_error("{} x", Format::kJson), "json: trailing bytes at offset 3");
  EXPECT_EQ(decode_error("{}\0"s, Format::kJson),
            "json: trailing bytes at offset 2");
  EXPECT_EQ(decode_error("[1][2]", Format::kJson), "json: trailing bytes at offset 3");
  EXPECT_EQ(decode(" {} \r\n\t", Format::kJson), map_value({}));
}

TEST(JsonDecode, ParseErrorsNameOffsetAndReason) {
  EXPECT_EQ(decode_error(R"({"a":})", Format::kJson),
            "json: parse error at offset 5: Invalid value.");
  EXPECT_EQ(decode_error("", Format::kJson), "json: parse error at offset 0: The document is empty.");
  EXPECT_THAT(decode_error("[\"\xff\"]", Format::kJson), HasSubstr("Invalid encoding in string."));
  EXPECT_THAT(decode_error("NaN", Format::kJson), StartsWith("json: parse error at offset 0"));
}

TEST(JsonDecode, VeryDeepInputStopsAtTheLimit) {
  const std::string deep(100000, '[');
  EXPECT_EQ(decode_error(deep, Format::kJson),
            "json: nesting deeper than max_depth 512 at offset 513");
}

TEST(MakeWriter, PicksTheFormat) {
  auto msgpack = make_writer(Format::kMsgpack);
  auto json = make_writer(Format::kJson);
  msgpack->boolean(true);
  json->boolean(true);
  EXPECT_EQ(msgpack->view(), "\xc3");
  EXPECT_EQ(json->view(), "true");
}

// The inline encoders the content walker writes with (msgpack_buffer.hpp) give exactly
// the bytes of msgpack-c's packer (MsgpackWriter's calls: pack_map, pack_array,
// pack_str, pack_bin, pack_nil, pack_true/false), mixed in one buffer, across its growth
// and at every header boundary; a cached key block gives the bytes of key().
TEST(MsgpackDirect, MsgpackDirectMatchesPacker) {
  auto plain = make_writer(Format::kMsgpack);
  auto mixed = make_writer(Format::kMsgpack);
  ASSERT_NE(mixed->msgpack_buffer(), nullptr);
  EXPECT_EQ(make_writer(Format::kJson)->msgpack_buffer(), nullptr);
  MessageBuffer& direct = *mixed->msgpack_buffer();
  const std::vector<std::size_t> sizes = {0, 1, 15, 16, 31, 32, 40, 255, 256, 65535, 65536, 70000};
  for (int round = 0; round < 3; ++round) {
    for (std::size_t size : sizes) {
      const std::string text(size, static_cast<char>('a' + round));
      plain->begin_map(size);
      msgpack_out::map(direct, size);
      plain->begin_array(size);
      msgpack_out::array(direct, size);
      plain->string(text);
      msgpack_out::str(direct, text);
      plain->key(text);
      char block[msgpack_out::kKeyBlock];
      std::size_t encoded = 0;
      if (msgpack_out::encode_key(text, block, encoded)) {
        EXPECT_LT(size, 32u);
        EXPECT_EQ(encoded, size + 1);
        msgpack_out::key_block(direct, block, encoded);
      } else {
        EXPECT_GE(size, 32u);
        mixed->key(text);
      }
      plain->binary(text.data(), text.size());
      msgpack_out::bytes(direct, text, false);
      plain->null();
      msgpack_out::nil(direct);
      plain->boolean(round % 2 == 0);
      msgpack_out::boolean(direct, round % 2 == 0);
      plain->int64(-static_cast<std::int64_t>(size));  // the writer's own calls in between
      mixed->int64(-static_cast<std::int64_t>(size));
      ASSERT_EQ(plain->view(), mixed->view()) << "size " << size;
    }
  }
  // Integers at every boundary of their encodings, both signs, and floats.
  const std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  const std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> ints = {kMin, kMin + 1, kMax, kMax - 1};
  for (const std::int64_t edge : {0LL, 31LL, 32LL, 33LL, 127LL, 128LL, 255LL, 256LL, 32767LL,
                                  32768LL, 65535LL, 65536LL, 2147483647LL, 2147483648LL,
                                  4294967295LL, 4294967296LL}) {
    for (const std::int64_t delta : {-1LL, 0LL, 1LL}) {
      ints.push_back(edge + delta);
      ints.push_back(-(edge + delta));
    }
  }
  for (const std::int64_t value : ints) {
    plain->int64(value);
    msgpack_out::int64(direct, value);
    ASSERT_EQ(plain->view(), mixed->view()) << "int64 " << value;
    if (value >= 0) {
      plain->uint64(static_cast<std::uint64_t>(value));
      msgpack_out::uint64(direct, static_cast<std::uint64_t>(value));
      ASSERT_EQ(plain->view(), mixed->view()) << "uint64 " << value;
    }
  }
  for (const std::uint64_t value : {std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
    plain->uint64(value);
    msgpack_out::uint64(direct, value);
    ASSERT_EQ(plain->view(), mixed->view()) << "uint64 " << value;
  }
  for (const double value : {0.0, -0.0, 1.0, -2.5, 1e300, std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN()}) {
    plain->float64(value);
    msgpack_out::float64(direct, value);
    ASSERT_EQ(plain->view(), mixed->view()) << "float64 " << value;
  }
}

}  // namespace
}  // namespace event_bridge
