// The envelope: its head written through either Writer, the UUID and timestamp text it
// carries, and check_envelope's verdict on decoded messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <thread>

#include "event_bridge/envelope.hpp"
#include "event_bridge/errors.hpp"
#include "event_bridge/writer.hpp"

namespace event_bridge {
namespace {

using ::testing::HasSubstr;

constexpr Uuid kId = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4d, 0xef,
                      0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
constexpr std::string_view kInstance = "0f0e0d0c-0b0a-4908-8706-050403020100";

EnvelopeFields sample_fields() {
  EnvelopeFields fields;
  fields.id = kId;
  fields.timestamp_us = 1795608000123456;  // 2026-11-25T12:00:00.123456Z
  fields.seq = 42;
  fields.name = "kytos/of_core.switch.new";
  fields.instance = kInstance;
  fields.source = "ctrl-1";
  return fields;
}

void write_sample(Writer& writer) {
  write_envelope_head(writer, sample_fields());
  writer.begin_map(2);
  writer.key("dpid");
  writer.string("00:00:00:00:00:00:00:01");
  writer.key("port");
  writer.uint64(3);
  writer.end_map();
  writer.end_map();
}

std::string check_error(const Value& value) {
  try {
    check_envelope(value);
  } catch (const DecodeError& error) {
    return error.what();
  }
  return "";
}

TEST(Uuid, CanonicalLowerCaseText) {
  constexpr Uuid kBytes = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                           0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0xff};
  EXPECT_EQ(format_uuid(kBytes), "00010203-0405-0607-0809-0a0b0c0d0eff");
  char out[37];
  out[36] = '#';
  format_uuid(kId, out);
  EXPECT_EQ(std::string_view(out, 36), "12345678-9abc-4def-8001-020304050607");
  EXPECT_EQ(out[36], '#');  // writes exactly 36 characters
  EXPECT_EQ(format_uuid(Uuid{}), "00000000-0000-0000-0000-000000000000");
}

TEST(Uuid, RandomIsVersion4WithRfc4122Variant) {
  for (int i = 0; i < 1000; ++i) {
    const Uuid uuid = random_uuid();
    EXPECT_EQ(uuid[6] >> 4, 4);
    EXPECT_EQ(uuid[8] >> 6, 2);
    const std::string text = format_uuid(uuid);
    EXPECT_EQ(text[14], '4');
    EXPECT_THAT(std::string("89ab"), HasSubstr(std::string(1, text[19])));
  }
}

TEST(Uuid, RandomIsUniqueAndUsesAllRandomBits) {
  std::set<Uuid> seen;
  std::array<int, 16> ones{};  // how often each byte's low bit is set
  for (int i = 0; i < 10000; ++i) {
    const Uuid uuid = random_uuid();
    EXPECT_TRUE(seen.insert(uuid).second) << format_uuid(uuid);
    for (std::size_t b = 0; b < 16; ++b) ones[b] += uuid[b] & 1;
  }
  EXPECT_EQ(seen.size(), 10000u);
  for (std::size_t b = 0; b < 16; ++b) {
    EXPECT_GT(ones[b], 4500) << "byte " << b;
    EXPECT_LT(ones[b], 5500) << "byte " << b;
  }
}

TEST(Uuid, EachThreadHasItsOwnStream) {
  std::set<Uuid> first;
  std::set<Uuid> second;
  auto fill = [](std::set<Uuid>& out) {
    for (int i = 0; i < 1000; ++i) out.insert(random_uuid());
  };
  std::thread a(fill, std::ref(first));
  std::thread b(fill, std::ref(second));
  a.join();
  b.join();
  ASSERT_EQ(first.size(), 1000u);
  ASSERT_EQ(second.size(), 1000u);
  for (const Uuid& uuid : first) EXPECT_EQ(second.count(uuid), 0u);
}

TEST(Timestamp, KnownInstants) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(1), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(format_timestamp(123456), "1970-01-01T00:00:00.123456Z");
  EXPECT_EQ(format_timestamp(1795608000123456), "2026-11-25T12:00:00.123456Z");
  EXPECT_EQ(format_timestamp(1709210096000007), "2024-02-29T12:34:56.000007Z");
  EXPECT_EQ(format_timestamp(951782400000000), "2000-02-29T00:00:00.000000Z");
  // 2100 is not a leap year: the day after 02-28 is 03-01.
  EXPECT_EQ(format_timestamp(4107542399999999), "2100-02-28T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(4107542400000000), "2100-03-01T00:00:00.000000Z");
}

TEST(Timestamp, BeforeTheEpoch) {
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(-1500000), "1969-12-31T23:59:58.500000Z");
  EXPECT_EQ(format_timestamp(-86400000000), "1969-12-31T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(-2208988800000000), "1900-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(-62135596800000000), "0001-01-01T00:00:00.000000Z");
}

TEST(Timestamp, OutOfRangeClampsToFourDigitYears) {
  EXPECT_EQ(format_timestamp(std::numeric_limits<std::int64_t>::min()),
            "0000-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(std::numeric_limits<std::int64_t>::max()),
            "9999-12-31T23:59:59.999999Z");
}

TEST(Timestamp, BufferOverloadWritesExactly27Characters) {
  char out[28];
  out[27] = '#';
  format_timestamp(1709210096000007, out);
  EXPECT_EQ(std::string_view(out, 27), "2024-02-29T12:34:56.000007Z");
  EXPECT_EQ(out[27], '#');
}

TEST(Timestamp, NowIsTheWallClock) {
  const std::int64_t before = static_cast<std::int64_t>(std::time(nullptr)) * 1000000;
  const std::int64_t now = now_us();
  EXPECT_GE(now, before);
  EXPECT_LT(now, before + 2000000);
}

TEST(ValueFind, LooksUpMapKeysOnly) {
  const Value map{ValueMap{{"a", Value{std::uint64_t{1}}},
                           {"b", Value{std::string("x")}},
                           {"a", Value{std::uint64_t{2}}}}};
  ASSERT_NE(map.find("b"), nullptr);
  EXPECT_EQ(*map.find("b"), Value{std::string("x")});
  EXPECT_EQ(*map.find("a"), Value{std::uint64_t{1}});  // the first of duplicates
  EXPECT_EQ(map.find("c"), nullptr);
  EXPECT_EQ(map.find(""), nullptr);
  EXPECT_EQ(Value{ValueArray{Value{std::string("a")}}}.find("a"), nullptr);
  EXPECT_EQ(Value{std::string("a")}.find("a"), nullptr);
  EXPECT_EQ(Value{}.find("a"), nullptr);
}

class EnvelopeRoundTrip : public ::testing::TestWithParam<Format> {};

TEST_P(EnvelopeRoundTrip, DecodesAndPassesTheCheck) {
  auto writer = make_writer(GetParam());
  write_sample(*writer);
  const Value value = decode(writer->view(), GetParam());
  EXPECT_NO_THROW(check_envelope(value));

  const auto& map = std::get<ValueMap>(value.v);
  ASSERT_EQ(map.size(), kEnvelopeFields);
  const char* const order[] = {"version", "id",       "name",   "timestamp",
                               "seq",     "instance", "source", "content"};
  for (std::size_t i = 0; i < kEnvelopeFields; ++i) EXPECT_EQ(map[i].first, order[i]);

  EXPECT_EQ(*value.find("version"), Value{std::uint64_t{1}});
  EXPECT_EQ(*value.find("id"), Value{std::string("12345678-9abc-4def-8001-020304050607")});
  EXPECT_EQ(*value.find("name"), Value{std::string("kytos/of_core.switch.new")});
  EXPECT_EQ(*value.find("timestamp"), Value{std::string("2026-11-25T12:00:00.123456Z")});
  EXPECT_EQ(*value.find("seq"), Value{std::uint64_t{42}});
  EXPECT_EQ(*value.find("instance"), Value{std::string(kInstance)});
  EXPECT_EQ(*value.find("source"), Value{std::string("ctrl-1")});
  const Value content{ValueMap{{"dpid", Value{std::string("00:00:00:00:00:00:00:01")}},
                                {"port", Value{std::uint64_t{3}}}}};
  EXPECT_EQ(*value.find("content"), content);
}

TEST_P(EnvelopeRoundTrip, ContentMayBeAnyValue) {
  auto writer = make_writer(GetParam());
  write_envelope_head(*writer, sample_fields());
  writer->null();
  writer->end_map();
  const Value value = decode(writer->view(), GetParam());
  EXPECT_NO_THROW(check_envelope(value));
  EXPECT_EQ(*value.find("content"), Value{});
}

INSTANTIATE_TEST_SUITE_P(BothFormats, EnvelopeRoundTrip,
                         ::testing::Values(Format::kMsgpack, Format::kJson),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(Envelope, ExactJsonText) {
  auto writer = make_writer(Format::kJson);
  write_sample(*writer);
  EXPECT_EQ(writer->view(),
            R"({"version":1,"id":"12345678-9abc-4def-8001-020304050607",)"
            R"("name":"kytos/of_core.switch.new","timestamp":"2026-11-25T12:00:00.123456Z",)"
            R"("seq":42,"instance":"0f0e0d0c-0b0a-4908-8706-050403020100","source":"ctrl-1",)"
            R"("content":{"dpid":"00:00:00:00:00:00:00:01","port":3}})");
}

TEST(Envelope, MsgpackHeadBytes) {
  auto writer = make_writer(Format::kMsgpack);
  write_sample(*writer);
  // fixmap(8), "version" 1, "id" as str8 of 36 bytes.
  EXPECT_EQ(writer->view().substr(0, 15),
            std::string_view("\x88\xa7version\x01\xa2id\xd9\x24", 15));
  EXPECT_EQ(writer->view().substr(15, 36), "12345678-9abc-4def-8001-020304050607");
}

class CheckEnvelope : public ::testing::Test {
 protected:
  CheckEnvelope() {
    auto writer = make_writer(Format::kMsgpack);
    write_sample(*writer);
    valid_ = decode(writer->view(), Format::kMsgpack);
  }

  // valid_ with `field` replaced by `value`.
  Value with(const std::string& field, Value value) const {
    Value copy = valid_;
    for (auto& [name, v] : std::get<ValueMap>(copy.v)) {
      if (name == field) v = std::move(value);
    }
    return copy;
  }

  Value without(const std::string& field) const {
    Value copy = valid_;
    auto& map = std::get<ValueMap>(copy.v);
    std::erase_if(map, [&](const auto& entry) { return entry.first == field; });
    return copy;
  }

  Value valid_;
};

TEST_F(CheckEnvelope, AcceptsTheValidSample) { EXPECT_EQ(check_error(valid_), ""); }

TEST_F(CheckEnvelope, NotAMap) {
  EXPECT_EQ(check_error(Value{ValueArray{}}), "envelope: not a map");
  EXPECT_EQ(check_error(Value{}), "envelope: not a map");
}

TEST_F(CheckEnvelope, NamesEachMissingField) {
  for (const char* field : {"version", "id", "name", "timestamp", "seq", "instance", "source",
                            "content"}) {
    EXPECT_EQ(check_error(without(field)), std::string("envelope.") + field + ": missing");
  }
}

TEST_F(CheckEnvelope, NamesTheFirstBadFieldInEnvelopeOrder) {
  Value two_bad = with("seq", Value{std::uint64_t{0}});
  std::get<ValueMap>(two_bad.v)[1].second = Value{};  // id
  EXPECT_THAT(check_error(two_bad), ::testing::StartsWith("envelope.id:"));
}

TEST_F(CheckEnvelope, Version) {
  EXPECT_EQ(check_error(with("version", Value{std::uint64_t{2}})),
            "envelope.version: must be the integer 1");
  EXPECT_THAT(check_error(with("version", Value{std::string("1")})),
              HasSubstr("envelope.version"));
  EXPECT_THAT(check_error(with("version", Value{1.0})), HasSubstr("envelope.version"));
  EXPECT_EQ(check_error(with("version", Value{std::int64_t{1}})), "");
}

TEST_F(CheckEnvelope, Ids) {
  for (const char* field : {"id", "instance"}) {
    const std::string message =
        std::string("envelope.") + field + ": must be a lower-case canonical UUID string";
    EXPECT_EQ(check_error(with(field, Value{std::string("12345678-9ABC-4def-8001-020304050607")})),
              message);
    EXPECT_EQ(check_error(with(field, Value{std::string("12345678-9abc-4def-8001-02030405060")})),
              message);
    EXPECT_EQ(check_error(with(field, Value{std::string("123456789abc4def80010203040506070000")})),
              message);
    EXPECT_EQ(check_error(with(field, Value{Binary{std::string(16, 'x')}})), message);
  }
}

TEST_F(CheckEnvelope, StringFields) {
  EXPECT_EQ(check_error(with("name", Value{std::uint64_t{1}})), "envelope.name: must be a string");
  EXPECT_EQ(check_error(with("source", Value{})), "envelope.source: must be a string");
  EXPECT_EQ(check_error(with("source", Value{std::string()})), "");
}

TEST_F(CheckEnvelope, Timestamp) {
  for (const char* bad : {"2026-11-25T12:00:00.123456", "2026-11-25 12:00:00.123456Z",
                          "2026-11-25T12:00:00.12345Z", "2026-11-25T12:00:00+00:00000",
                          "2026-1x-25T12:00:00.123456Z"}) {
    EXPECT_THAT(check_error(with("timestamp", Value{std::string(bad)})),
                ::testing::StartsWith("envelope.timestamp: must be a UTC timestamp")) << bad;
  }
  EXPECT_THAT(check_error(with("timestamp", Value{std::int64_t{-5}})),
              HasSubstr("envelope.timestamp"));
}

TEST_F(CheckEnvelope, Seq) {
  const std::string message = "envelope.seq: must be an integer >= 1";
  EXPECT_EQ(check_error(with("seq", Value{std::uint64_t{0}})), message);
  EXPECT_EQ(check_error(with("seq", Value{std::int64_t{-1}})), message);
  EXPECT_EQ(check_error(with("seq", Value{std::string("5")})), message);
  EXPECT_EQ(check_error(with("seq", Value{5.0})), message);
  EXPECT_EQ(check_error(with("seq", Value{std::int64_t{5}})), "");
  EXPECT_EQ(check_error(with("seq", Value{std::numeric_limits<std::uint64_t>::max()})), "");
}

TEST_F(CheckEnvelope, UnexpectedAndDuplicateFields) {
  Value extra = valid_;
  std::get<ValueMap>(extra.v).emplace_back("extra", Value{});
  EXPECT_EQ(check_error(extra), "envelope.extra: unexpected field");

  Value duplicate = valid_;
  std::get<ValueMap>(duplicate.v).emplace_back("seq", Value{std::uint64_t{43}});
  EXPECT_EQ(check_error(duplicate), "envelope.seq: duplicate field");
}

TEST_F(CheckEnvelope, DecodedJsonWithBadFieldIsNamed) {
  const Value value = decode(
      R"({"version":1,"id":"12345678-9abc-4def-8001-020304050607","name":"x",)"
      R"("timestamp":"2026-11-25T12:00:00.123456Z","seq":-3,)"
      R"("instance":"0f0e0d0c-0b0a-4908-8706-050403020100","source":"s","content":{}})",
      Format::kJson);
  EXPECT_EQ(check_error(value), "envelope.seq: must be an integer >= 1");
}

}  // namespace
}  // namespace event_bridge
