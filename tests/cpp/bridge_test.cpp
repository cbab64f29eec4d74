// The Bridge against a scripted fake broker: what a consumer would decode, in which
// order, under which outcomes and counters, when the broker is slow, full, refusing or
// gone.
#include "event_bridge/bridge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "event_bridge/envelope.hpp"
#include "event_bridge/errors.hpp"
#include "event_bridge/writer.hpp"
#include "support/eventually.hpp"
#include "support/fake_transport.hpp"
#include "support/static_content.hpp"

namespace event_bridge {

// Readable outcomes and states in failure messages.
void PrintTo(Outcome outcome, std::ostream* out) { *out << to_string(outcome); }
void PrintTo(ConnectionState state, std::ostream* out) { *out << to_string(state); }

namespace {

using test_support::elapsed_ms;
using test_support::eventually;
using test_support::FakeBroker;
using test_support::FakeTransport;
using test_support::ProducedRecord;
using test_support::StaticContent;
using ::testing::ElementsAre;

constexpr std::string_view kName = "kytos/topology.link_up";
const std::string kVerbose = "kytos.events";
const std::string kNapp = "kytos.events.kytos.topology";
constexpr std::string_view kSource = "ctrl-test";

Config test_config(Format format = Format::kMsgpack) {
  Config config;
  config.bootstrap_servers = "fake:9092";
  config.source_id = std::string(kSource);
  config.format = format;
  return config;
}

// One decoded message, checked to be a valid envelope.
struct Envelope {
  std::uint64_t seq = 0;
  std::string id;
  std::string name;
  std::string timestamp;
  std::string instance;
  std::string source;
  Value content;
};

const std::string& text_of(const Value& value, const char* field) {
  const Value* found = value.find(field);
  if (found == nullptr || !std::holds_alternative<std::string>(found->v)) {
    throw DecodeError(std::string("no string field ") + field);
  }
  return std::get<std::string>(found->v);
}

Envelope open_envelope(const std::string& payload, Format format = Format::kMsgpack) {
  const Value value = decode(payload, format);
  check_envelope(value);
  Envelope envelope;
  envelope.seq = std::get<std::uint64_t>(value.find("seq")->v);
  envelope.id = text_of(value, "id");
  envelope.name = text_of(value, "name");
  envelope.timestamp = text_of(value, "timestamp");
  envelope.instance = text_of(value, "instance");
  envelope.source = text_of(value, "source");
  envelope.content = *value.find("content");
  return envelope;
}

std::vector<std::uint64_t> seqs_of(const std::vector<ProducedRecord>& records) {
  std::vector<std::uint64_t> seqs;
  for (const ProducedRecord& record : records) seqs.push_back(open_envelope(record.payload).seq);
  return seqs;
}

// Splits off the gap record the bridge publishes at the end of the verbose topic after
// drops, and checks it says exactly which events were dropped.
void expect_gap_record(std::vector<ProducedRecord>& verbose, std::uint64_t seq,
                       std::uint64_t from, std::uint64_t to, std::uint64_t count) {
  ASSERT_FALSE(verbose.empty());
  const Envelope gap = open_envelope(verbose.back().payload);
  verbose.pop_back();
  EXPECT_EQ(gap.name, kGapEventName);
  EXPECT_EQ(gap.seq, seq);
  EXPECT_EQ(gap.content, (Value{ValueMap{{"from_seq", Value{from}}, {"to_seq", Value{to}},
                                         {"count", Value{count}},
                                         {"reason", Value{std::string("buffer_full")}}}}));
}

std::vector<std::uint64_t> seq_range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> seqs;
  for (std::uint64_t seq = first; seq <= last; ++seq) seqs.push_back(seq);
  return seqs;
}

Value content_map(std::string id) {
  return Value{ValueMap{{"id", Value{std::move(id)}}}};
}

class BridgeTest : public ::testing::Test {
 protected:
  std::unique_ptr<Bridge> start(Config config = test_config()) {
    return std::make_unique<Bridge>(std::move(config), std::make_unique<FakeTransport>(broker_));
  }

  static Outcome publish(Bridge& bridge, std::string_view name = kName) {
    StaticContent content;
    return bridge.publish(name, EventMeta{}, content);
  }

  // Waits until the bridge reports `records` deliveries.
  static bool delivered(const Bridge& bridge, std::uint64_t records) {
    return eventually([&] { return bridge.stats().delivered >= records; }) &&
           bridge.stats().delivered == records;
  }

  std::shared_ptr<FakeBroker> broker_ = std::make_shared<FakeBroker>();
};

TEST_F(BridgeTest, AcceptedThenDeliveredAfterFlush) {
  auto bridge = start();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(publish(*bridge), Outcome::kAccepted);
  EXPECT_EQ(bridge->flush(3000), 0u);

  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.received, 10u);
  EXPECT_EQ(stats.published, 10u);
  EXPECT_EQ(stats.produced, 20u);
  EXPECT_EQ(stats.delivered, 20u);
  EXPECT_EQ(stats.failed_terminal + stats.failed_retriable + stats.dropped_buffer_full, 0u);
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(stats.buffered_events, 0u);
  EXPECT_EQ(stats.last_seq, 10u);
  EXPECT_EQ(stats.instance, bridge->instance());
  EXPECT_EQ(broker_->record_count(), 20u);
  EXPECT_EQ(broker_->reports_ok(), 20u);
}

TEST_F(BridgeTest, ConstructionRejectsABadConfigAndAMissingTransport) {
  Config bad = test_config();
  bad.compression = "lz5";
  try {
    Bridge bridge(bad, std::make_unique<FakeTransport>(broker_));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "compression");
  }
  try {
    Bridge bridge(test_config(), nullptr);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "transport");
  }
}

class BridgeFormatTest : public BridgeTest, public ::testing::WithParamInterface<Format> {};

TEST_P(BridgeFormatTest, EveryRecordIsAnEnvelopeInSeqOrderOnVerboseThenNappTopic) {
  const Format format = GetParam();
  auto bridge = start(test_config(format));
  constexpr int kEvents = 20;
  std::vector<Uuid> ids;
  const std::int64_t base_us = 1795608000123456;  // 2026-11-25T12:00:00.123456Z
  for (int i = 0; i < kEvents; ++i) {
    EventMeta meta;
    meta.id = random_uuid();
    meta.timestamp_us = base_us + i;
    ids.push_back(*meta.id);
    StaticContent content("link-" + std::to_string(i), "key-" + std::to_string(i));
    ASSERT_EQ(bridge->publish(kName, meta, content), Outcome::kAccepted);
  }
  ASSERT_EQ(bridge->flush(3000), 0u);

  const std::vector<ProducedRecord> records = broker_->records();
  ASSERT_EQ(records.size(), 2u * kEvents);
  for (int i = 0; i < kEvents; ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    const ProducedRecord& verbose = records[2 * i];
    const ProducedRecord& napp = records[2 * i + 1];
    EXPECT_EQ(verbose.topic, kVerbose);
    EXPECT_EQ(napp.topic, kNapp);
    EXPECT_EQ(bridge->router().topic(verbose.topic_index), kVerbose);
    EXPECT_EQ(bridge->router().topic(napp.topic_index), kNapp);
    for (const ProducedRecord* record : {&verbose, &napp}) {
      EXPECT_EQ(record->key, "key-" + std::to_string(i));
      EXPECT_EQ(record->event_name, kName);
      EXPECT_EQ(record->content_type, content_type(format));
      const Envelope envelope = open_envelope(record->payload, format);
      EXPECT_EQ(envelope.seq, static_cast<std::uint64_t>(i + 1));
      EXPECT_EQ(envelope.name, kName);
      EXPECT_EQ(envelope.instance, bridge->instance());
      EXPECT_EQ(envelope.source, kSource);
      EXPECT_EQ(envelope.id, format_uuid(ids[i]));
      EXPECT_EQ(envelope.timestamp, format_timestamp(base_us + i));
      EXPECT_EQ(envelope.content, content_map("link-" + std::to_string(i)));
    }
    EXPECT_EQ(verbose.payload, napp.payload);
  }
}

INSTANTIATE_TEST_SUITE_P(BothFormats, BridgeFormatTest,
                         ::testing::Values(Format::kMsgpack, Format::kJson),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST_F(BridgeTest, CustomRouteTopicComesAfterVerboseAndNappTopics) {
  Config config = test_config();
  config.routes.push_back({"kytos/topology\\.link_.*", "links", ""});
  auto bridge = start(config);
  ASSERT_EQ(publish(*bridge), Outcome::kAccepted);
  ASSERT_EQ(publish(*bridge, "kytos/topology.switch.new"), Outcome::kAccepted);
  ASSERT_TRUE(delivered(*bridge, 5));
  std::vector<std::string> topics;
  for (const ProducedRecord& record : broker_->records()) topics.push_back(record.topic);
  EXPECT_THAT(topics, ElementsAre(kVerbose, kNapp, "links", kVerbose, kNapp));
  EXPECT_EQ(seqs_of(broker_->records("links")), seq_range(1, 1));
}

TEST_F(BridgeTest, DefaultsGiveARandomIdAndTheTimeOfPublishing) {
  auto bridge = start();
  const std::int64_t before = now_us();
  ASSERT_EQ(publish(*bridge), Outcome::kAccepted);
  const std::int64_t after = now_us();
  ASSERT_EQ(bridge->flush(3000), 0u);
  const Envelope envelope = open_envelope(broker_->records().at(0).payload);
  EXPECT_NE(envelope.id, format_uuid(Uuid{}));
  EXPECT_GE(envelope.timestamp, format_timestamp(before));
  EXPECT_LE(envelope.timestamp, format_timestamp(after));
}

TEST_F(BridgeTest, ContentWithoutAKeyGivesRecordsWithoutAKey) {
  auto bridge = start();
  StaticContent content("link-1", "");
  ASSERT_EQ(bridge->publish(kName, EventMeta{}, content), Outcome::kAccepted);
  ASSERT_EQ(bridge->flush(3000), 0u);
  for (const ProducedRecord& record : broker_->records()) EXPECT_EQ(record.key, "");
}

TEST_F(BridgeTest, FilteredNamesAreNeverProducedAndTakeNoSeq) {
  Config config = test_config();
  config.deny = {"kytos/of_core\\..*"};
  auto bridge = start(config);
  constexpr std::string_view kDenied = "kytos/of_core.v0x04.messages.in.ofpt_echo_request";
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(publish(*bridge, kDenied), Outcome::kFiltered);
    EXPECT_EQ(publish(*bridge), Outcome::kAccepted);
  }
  ASSERT_EQ(bridge->flush(3000), 0u);

  for (const ProducedRecord& record : broker_->records()) EXPECT_EQ(record.event_name, kName);
  EXPECT_EQ(seqs_of(broker_->records(kVerbose)), seq_range(1, 10));
  EXPECT_EQ(seqs_of(broker_->records(kNapp)), seq_range(1, 10));
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.received, 20u);
  EXPECT_EQ(stats.filtered, 10u);
  EXPECT_EQ(stats.published, 10u);
  EXPECT_EQ(stats.last_seq, 10u);
}

// The service thread holds one batch outside the buffer. Blocking the produce call of the
// first record pins that batch to event 1, so what the buffer keeps is exact.
TEST_F(BridgeTest, DropOldestKeepsTheNewestEvents) {
  Config config = test_config();
  config.buffer_max_events = 10;
  config.overflow_policy = OverflowPolicy::kDropOldest;
  broker_->block_next_produce();
  auto bridge = start(config);
  ASSERT_EQ(publish(*bridge), Outcome::kAccepted);
  ASSERT_TRUE(broker_->wait_produce_blocked());
  for (int i = 2; i <= 100; ++i) EXPECT_EQ(publish(*bridge), Outcome::kAccepted) << i;

  Stats stats = bridge->stats();
  EXPECT_EQ(stats.buffered_events, 10u);
  EXPECT_EQ(stats.dropped_buffer_full, 89u);
  EXPECT_EQ(stats.published, 100u);

  // The broker stays full for a while: nothing moves, nothing more is dropped.
  broker_->set_queue_full(true);
  broker_->release_produce();
  ASSERT_TRUE(eventually([&] { return broker_->produce_calls() >= 3; }));
  EXPECT_EQ(broker_->record_count(), 0u);
  broker_->set_queue_full(false);

  ASSERT_TRUE(delivered(*bridge, 23));  // 11 events on 2 topics, and the gap record
  std::vector<std::uint64_t> expected = {1};  // the batch the service thread held
  const std::vector<std::uint64_t> newest = seq_range(91, 100);
  expected.insert(expected.end(), newest.begin(), newest.end());
  auto verbose = broker_->records(kVerbose);
  expect_gap_record(verbose, 101, 2, 90, 89);
  EXPECT_EQ(seqs_of(verbose), expected);
  EXPECT_EQ(bridge->stats().gap_records, 1u);
  EXPECT_EQ(seqs_of(broker_->records(kNapp)), expected);
  stats = bridge->stats();
  EXPECT_EQ(stats.dropped_buffer_full, 89u);
  EXPECT_EQ(stats.published, (stats.delivered - 1) / 2 + stats.dropped_buffer_full);
  EXPECT_FALSE(broker_->gate_timed_out());
}

TEST_F(BridgeTest, DropNewestKeepsTheOldestAndReturnsDropped) {
  Config config = test_config();
  config.buffer_max_events = 10;
  config.overflow_policy = OverflowPolicy::kDropNewest;
  broker_->block_next_produce();
  auto bridge = start(config);
  ASSERT_EQ(publish(*bridge), Outcome::kAccepted);
  ASSERT_TRUE(broker_->wait_produce_blocked());
  for (int i = 2; i <= 11; ++i) EXPECT_EQ(publish(*bridge), Outcome::kAccepted) << i;
  for (int i = 12; i <= 100; ++i) EXPECT_EQ(publish(*bridge), Outcome::kDropped) << i;
  EXPECT_EQ(bridge->stats().dropped_buffer_full, 89u);
  EXPECT_EQ(bridge->stats().published, 11u);
  EXPECT_EQ(bridge->stats().last_seq, 100u);  // dropped events leave a gap in seq

  broker_->release_produce();
  ASSERT_TRUE(delivered(*bridge, 22));
  EXPECT_EQ(seqs_of(broker_->records(kVerbose)), seq_range(1, 11));
  EXPECT_EQ(seqs_of(broker_->records(kNapp)), seq_range(1, 11));
  EXPECT_FALSE(broker_->gate_timed_out());
}

TEST_F(BridgeTest, BufferMaxBytesBoundsTheBuffer) {
  Config config = test_config();
  config.max_message_bytes = 1024;
  config.buffer_max_bytes = 2048;
  config.overflow_policy = OverflowPolicy::kDropOldest;
  broker_->block_next_produce();
  auto bridge = start(config);
  ASSERT_EQ(publish(*bridge), Outcome::kAccepted);
  ASSERT_TRUE(broker_->wait_produce_blocked());
  constexpr std::uint64_t kLast = 40;  // seqs stay one-byte integers: every entry is the same size
  for (std::uint64_t i = 2; i <= kLast; ++i) EXPECT_EQ(publish(*bridge), Outcome::kAccepted);

  const Stats stats = bridge->stats();
  ASSERT_GE(stats.buffered_events, 2u);
  const std::uint64_t per_event = stats.buffered_bytes / stats.buffered_events;
  EXPECT_EQ(stats.buffered_bytes % stats.buffered_events, 0u);
  EXPECT_LE(stats.buffered_bytes, config.buffer_max_bytes);
  EXPECT_GT(stats.buffered_bytes + per_event, config.buffer_max_bytes);  // as full as allowed
  const std::uint64_t kept = stats.buffered_events;
  EXPECT_EQ(stats.dropped_buffer_full, (kLast - 1) - kept);

  broker_->release_produce();
  ASSERT_TRUE(delivered(*bridge, 2 * (kept + 1) + 1));
  std::vector<std::uint64_t> expected = {1};
  const std::vector<std::uint64_t> newest = seq_range(kLast - kept + 1, kLast);
  expected.insert(expected.end(), newest.begin(), newest.end());
  auto verbose = broker_->records(kVerbose);
  expect_gap_record(verbose, kLast + 1, 2, kLast - kept, kLast - 1 - kept);
  EXPECT_EQ(seqs_of(verbose), expected);
  EXPECT_EQ(bridge->stats().buffered_bytes, 0u);
}

TEST_F(BridgeTest, AnEventWithinMaxMessageBytesFitsTheSmallestValidBuffer) {
  Config config = test_config();
  config.max_message_bytes = 1024;
  config.buffer_max_bytes = 1024;  // the smallest value validate() accepts
  config.overflow_policy = OverflowPolicy::kDropOldest;
  auto bridge = start(config);
  // Content padded so that the whole envelope is between 1000 and 1024 bytes.
  std::size_t padding = 0;
  for (;; ++padding) {
    auto writer = make_writer(Format::kMsgpack);
    EnvelopeFields fields;
    fields.seq = 1;
    fields.name = kName;
    fields.instance = bridge->instance();
    fields.source = kSource;
    write_envelope_head(*writer, fields);
    NormalizationCounters counters;
    StaticContent("link-1", "link-1", padding).write(*writer, 64, counters);
    write_envelope_tail(*writer);
    if (writer->size() >= 1000) break;
  }
  StaticContent content("link-1", "link-1", padding);
  EXPECT_EQ(bridge->publish(kName, EventMeta{}, content), Outcome::kAccepted);
  EXPECT_EQ(bridge->stats().oversize, 0u);
  EXPECT_EQ(bridge->stats().dropped_buffer_full, 0u);
}

TEST_F(BridgeTest, QueueFullThenReleaseKeepsOrderPerTopic) {
  auto bridge = start();
  constexpr int kEvents = 300;
  for (int i = 1; i <= kEvents; ++i) {
    if (i % 100 == 1) broker_->answer_queue_full(3);
    const Outcome outcome = publish(*bridge);
    EXPECT_TRUE(outcome == Outcome::kAccepted || outcome == Outcome::kBuffered) << to_string(outcome);
  }
  ASSERT_TRUE(delivered(*bridge, 2 * kEvents));
  for (const std::string& topic : {kVerbose, kNapp}) {
    const std::vector<std::uint64_t> seqs = seqs_of(broker_->records(topic));
    EXPECT_EQ(seqs, seq_range(1, kEvents)) << topic;  // each once, strictly increasing
  }
  EXPECT_EQ(bridge->stats().dropped_buffer_full, 0u);
  EXPECT_GT(broker_->produce_calls(), 2u * kEvents);  // the kQueueFull answers happened
}

TEST_F(BridgeTest, WhileTheBrokerIsFullPublishesAreBuffered) {
  broker_->set_queue_full(true);
  auto bridge = start();
  publish(*bridge);
  // A second produce attempt means the first one came back kQueueFull.
  ASSERT_TRUE(eventually([&] { return broker_->produce_calls() >= 2; }));
  EXPECT_EQ(publish(*bridge), Outcome::kBuffered);
  EXPECT_EQ(bridge->stats().produced, 0u);

  broker_->set_queue_full(false);
  ASSERT_TRUE(delivered(*bridge, 4));
  EXPECT_EQ(seqs_of(broker_->records(kVerbose)), seq_range(1, 2));
  EXPECT_EQ(publish(*bridge), Outcome::kAccepted);  // no longer holding back
}

TEST_F(BridgeTest, RefusedRecordCountsAsTerminalAndTheOthersGoOut) {
  broker_->refuse_next(1, {ErrorClass::kTerminal, "MSG_SIZE_TOO_LARGE",
                           "Broker: Message size too large"});
  auto bridge = start();
  for (int i = 0; i < 5; ++i) publish(*bridge);
  ASSERT_TRUE(delivered(*bridge, 9));

  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.failed_terminal, 1u);
  EXPECT_EQ(stats.failed_retriable, 0u);
  EXPECT_EQ(stats.retried, 0u);
  EXPECT_EQ(stats.produced, 9u);
  ASSERT_EQ(stats.last_errors.size(), 1u);
  const DeliveryErrorRecord& error = stats.last_errors.back();
  EXPECT_EQ(error.topic, kVerbose);
  EXPECT_EQ(error.code, "MSG_SIZE_TOO_LARGE");
  EXPECT_EQ(error.reason, "Broker: Message size too large");
  EXPECT_TRUE(error.terminal);
  EXPECT_GT(error.at_us, 0);
  // The first event's verbose record was refused; every other record went out in order.
  EXPECT_EQ(seqs_of(broker_->records(kVerbose)), seq_range(2, 5));
  EXPECT_EQ(seqs_of(broker_->records(kNapp)), seq_range(1, 5));
}

TEST_F(BridgeTest, TerminalDeliveryFailureIsCountedAndNotRetried) {
  broker_->fail_next_deliveries(1, {ErrorClass::kTerminal, "TOPIC_AUTHORIZATION_FAILED",
                                    "Broker: Topic authorization failed"});
  auto bridge = start();
  publish(*bridge);
  publish(*bridge);
  ASSERT_TRUE(delivered(*bridge, 3));
  EXPECT_EQ(bridge->flush(3000), 0u);

  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.failed_terminal, 1u);
  EXPECT_EQ(stats.retried, 0u);
  EXPECT_EQ(stats.produced, 4u);
  EXPECT_EQ(broker_->record_count(), 4u);
  ASSERT_EQ(stats.last_errors.size(), 1u);
  EXPECT_EQ(stats.last_errors[0].code, "TOPIC_AUTHORIZATION_FAILED");
  EXPECT_EQ(stats.last_errors[0].reason, "Broker: Topic authorization failed");
  EXPECT_EQ(stats.last_errors[0].topic, kVerbose);
  EXPECT_TRUE(stats.last_errors[0].terminal);
}

TEST_F(BridgeTest, RetriableDeliveryFailureIsProducedAgainToTheSameTopic) {
  broker_->fail_next_deliveries(1, {ErrorClass::kRetriable, "REQUEST_TIMED_OUT",
                                    "Broker: Request timed out"});
  auto bridge = start();
  publish(*bridge);
  ASSERT_TRUE(delivered(*bridge, 2));
  EXPECT_EQ(bridge->flush(3000), 0u);

  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.failed_retriable, 1u);
  EXPECT_EQ(stats.retried, 1u);
  EXPECT_EQ(stats.failed_terminal, 0u);
  EXPECT_EQ(stats.produced, 3u);
  const std::vector<ProducedRecord> verbose = broker_->records(kVerbose);
  ASSERT_EQ(verbose.size(), 2u);
  EXPECT_EQ(verbose[1].payload, verbose[0].payload);
  EXPECT_EQ(verbose[1].key, verbose[0].key);
  EXPECT_EQ(verbose[1].event_name, kName);
  EXPECT_EQ(broker_->records(kNapp).size(), 1u);
  ASSERT_EQ(stats.last_errors.size(), 1u);
  EXPECT_EQ(stats.last_errors[0].code, "REQUEST_TIMED_OUT");
  EXPECT_FALSE(stats.last_errors[0].terminal);
}

TEST_F(BridgeTest, LastErrorsKeepsTheNewestSixteen) {
  broker_->refuse_next(40, {ErrorClass::kTerminal, "X", "refused"});
  auto bridge = start();
  for (int i = 0; i < 20; ++i) publish(*bridge);
  ASSERT_TRUE(eventually([&] { return bridge->stats().failed_terminal == 40; }));
  EXPECT_EQ(bridge->stats().last_errors.size(), Bridge::kMaxLastErrors);
}

TEST_F(BridgeTest, PendingTopicHoldsEverythingUntilReleased) {
  broker_->hold_topic(kVerbose);
  auto bridge = start();
  publish(*bridge);
  // A second ensure_topic call means the service thread saw kPending and held back.
  ASSERT_TRUE(eventually([&] { return broker_->ensure_topic_calls(kVerbose) >= 2; }));
  for (int i = 2; i <= 10; ++i) EXPECT_EQ(publish(*bridge), Outcome::kBuffered) << i;
  EXPECT_EQ(broker_->record_count(), 0u);
  EXPECT_EQ(bridge->stats().produced, 0u);
  EXPECT_EQ(bridge->stats().published, 10u);

  broker_->release_topic(kVerbose);
  ASSERT_TRUE(delivered(*bridge, 20));
  EXPECT_EQ(seqs_of(broker_->records(kVerbose)), seq_range(1, 10));
  EXPECT_EQ(seqs_of(broker_->records(kNapp)), seq_range(1, 10));
  EXPECT_EQ(bridge->stats().topic_create_failures, 0u);
}

TEST_F(BridgeTest, FailedTopicCreationIsCountedAndRecordsStillGoOut) {
  broker_->fail_topic(kNapp, "TOPIC_AUTHORIZATION_FAILED: not allowed");
  auto bridge = start();
  for (int i = 0; i < 3; ++i) publish(*bridge);
  ASSERT_TRUE(delivered(*bridge, 6));
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.topic_create_failures, 1u);
  ASSERT_EQ(stats.last_errors.size(), 1u);
  EXPECT_EQ(stats.last_errors[0].topic, kNapp);
  EXPECT_EQ(stats.last_errors[0].code, "TOPIC_CREATE_FAILED");
  EXPECT_EQ(stats.last_errors[0].reason, "TOPIC_AUTHORIZATION_FAILED: not allowed");
  EXPECT_EQ(broker_->ensure_topic_calls(kNapp), 1u);  // asked once, then remembered
}

TEST_F(BridgeTest, WithoutTopicCreationTheTransportIsNeverAsked) {
  Config config = test_config();
  config.create_topics = false;
  broker_->hold_topic(kVerbose);  // would block if it were asked
  auto bridge = start(config);
  publish(*bridge);
  ASSERT_TRUE(delivered(*bridge, 2));
  EXPECT_EQ(broker_->ensure_topic_calls(kVerbose), 0u);
}

TEST_F(BridgeTest, ConnectionDownMakesPublishesBufferedButTheyStillGoOut) {
  broker_->set_connection(ConnectionState::kDown);
  auto bridge = start();
  EXPECT_EQ(publish(*bridge), Outcome::kBuffered);
  EXPECT_EQ(bridge->stats().connection, ConnectionState::kDown);
  ASSERT_TRUE(delivered(*bridge, 2));
  broker_->set_connection(ConnectionState::kUp);
  EXPECT_EQ(publish(*bridge), Outcome::kAccepted);
}

TEST_F(BridgeTest, OversizeEventIsReplacedByAMarker) {
  Config config = test_config();
  config.max_message_bytes = 1024;
  auto bridge = start(config);
  EventMeta meta;
  meta.id = random_uuid();
  meta.timestamp_us = 1795608000123456;
  StaticContent big("link-1", "link-1", 5000);
  ASSERT_EQ(bridge->publish(kName, meta, big), Outcome::kAccepted);
  ASSERT_TRUE(delivered(*bridge, 2));

  // The size the marker reports is that of the envelope that would have been sent.
  auto writer = make_writer(Format::kMsgpack);
  EnvelopeFields fields;
  fields.id = *meta.id;
  fields.timestamp_us = *meta.timestamp_us;
  fields.seq = 1;
  fields.name = kName;
  fields.instance = bridge->instance();
  fields.source = kSource;
  write_envelope_head(*writer, fields);
  NormalizationCounters counters;
  StaticContent("link-1", "link-1", 5000).write(*writer, 64, counters);
  write_envelope_tail(*writer);
  const std::uint64_t full_size = writer->size();

  for (const ProducedRecord& record : broker_->records()) {
    EXPECT_LE(record.payload.size(), config.max_message_bytes);
    const Envelope envelope = open_envelope(record.payload);
    EXPECT_EQ(envelope.seq, 1u);
    EXPECT_EQ(envelope.name, kName);
    EXPECT_EQ(envelope.id, format_uuid(*meta.id));
    const Value expected{ValueMap{{"_event_bridge", Value{std::string("oversize")}},
                                  {"size", Value{full_size}},
                                  {"limit", Value{std::uint64_t{1024}}}}};
    EXPECT_EQ(envelope.content, expected);
  }
  EXPECT_EQ(bridge->stats().oversize, 1u);

  StaticContent small;
  ASSERT_EQ(bridge->publish(kName, EventMeta{}, small), Outcome::kAccepted);
  ASSERT_TRUE(delivered(*bridge, 4));
  EXPECT_EQ(open_envelope(broker_->records().back().payload).content, content_map("link-1"));
  EXPECT_EQ(bridge->stats().oversize, 1u);
}

TEST_F(BridgeTest, CloseIsIdempotentAndLaterPublishesAreClosed) {
  auto bridge = start();
  for (int i = 0; i < 3; ++i) publish(*bridge);
  EXPECT_EQ(bridge->close(3000), 0u);
  EXPECT_TRUE(bridge->closed());
  EXPECT_EQ(bridge->close(3000), 0u);
  EXPECT_EQ(publish(*bridge), Outcome::kClosed);
  const Stats stats = bridge->stats();
  EXPECT_TRUE(stats.closed);
  EXPECT_EQ(stats.delivered, 6u);
  EXPECT_EQ(stats.dropped_closed, 0u);
  EXPECT_EQ(stats.published, 3u);
  EXPECT_EQ(broker_->close_calls(), 1u);
  bridge.reset();
  EXPECT_EQ(broker_->close_calls(), 1u);  // the destructor does not close twice
}

TEST_F(BridgeTest, CloseReturnsTheRecordsLeftInTheBuffer) {
  broker_->set_queue_full(true);
  auto bridge = start();
  for (int i = 0; i < 4; ++i) publish(*bridge);
  std::size_t left = 0;
  EXPECT_LT(elapsed_ms([&] { left = bridge->close(50); }), 2000);
  EXPECT_EQ(left, 8u);
  EXPECT_EQ(bridge->close(50), 8u);  // idempotent: the same answer
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.dropped_closed, 8u);
  EXPECT_EQ(stats.buffered_events, 0u);
  EXPECT_EQ(stats.delivered, 0u);
}

TEST_F(BridgeTest, CloseReturnsTheRecordsLeftInFlight) {
  broker_->hold_deliveries(true);
  auto bridge = start();
  for (int i = 0; i < 3; ++i) publish(*bridge);
  ASSERT_TRUE(eventually([&] { return broker_->record_count() == 6; }));
  EXPECT_EQ(bridge->close(50), 6u);
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.dropped_closed, 6u);
  EXPECT_EQ(stats.failed_terminal, 0u);  // purged on close is not a delivery failure
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(broker_->reports_failed(), 6u);
}

// A record whose report the transport could not serve before its handle was gone is
// counted, not lost: published == delivered + dropped_closed still holds.
TEST_F(BridgeTest, CloseCountsRecordsTheTransportCouldNotReport) {
  broker_->hold_deliveries(true);
  broker_->leave_unreported_at_close(2);
  auto bridge = start();
  for (int i = 0; i < 3; ++i) publish(*bridge);
  ASSERT_TRUE(eventually([&] { return broker_->record_count() == 6; }));
  EXPECT_EQ(bridge->close(50), 6u);
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.dropped_closed, 6u);
  EXPECT_EQ(broker_->reports_failed(), 4u);
}

// A retriable failure reported while closing is not retried (no service thread would
// produce the retry): it is dropped_closed, and nothing is left in the buffer uncounted.
TEST_F(BridgeTest, RetriableFailureWhileClosingIsDroppedClosed) {
  broker_->hold_deliveries(true);
  broker_->close_with({ErrorClass::kRetriable, "_MSG_TIMED_OUT", "timed out"});
  auto bridge = start();
  for (int i = 0; i < 3; ++i) publish(*bridge);
  ASSERT_TRUE(eventually([&] { return broker_->record_count() == 6; }));
  EXPECT_EQ(bridge->close(50), 6u);
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.dropped_closed, 6u);
  EXPECT_EQ(stats.retried, 0u);
  EXPECT_EQ(stats.buffered_events, 0u);
}

TEST_F(BridgeTest, CloseFromSeveralThreadsAtOnce) {
  broker_->hold_deliveries(true);
  auto bridge = start();
  for (int i = 0; i < 3; ++i) publish(*bridge);
  ASSERT_TRUE(eventually([&] { return broker_->record_count() == 6; }));
  std::vector<std::size_t> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] { results[t] = bridge->close(20); });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(results, ElementsAre(6u, 6u, 6u, 6u));
  EXPECT_EQ(broker_->close_calls(), 1u);
}

TEST_F(BridgeTest, FlushTimeoutReturnsTheUndeliveredCount) {
  broker_->hold_deliveries(true);
  auto bridge = start();
  for (int i = 0; i < 3; ++i) publish(*bridge);
  ASSERT_TRUE(eventually([&] { return broker_->record_count() == 6; }));
  std::size_t left = 0;
  const long long took = elapsed_ms([&] { left = bridge->flush(50); });
  EXPECT_EQ(left, 6u);
  EXPECT_GE(took, 50);
  EXPECT_LT(took, 1000);
  EXPECT_EQ(bridge->stats().in_flight, 6u);

  broker_->hold_deliveries(false);
  EXPECT_EQ(bridge->flush(3000), 0u);
  EXPECT_EQ(bridge->stats().delivered, 6u);
}

TEST_F(BridgeTest, FlushCountsWhatIsStillBuffered) {
  broker_->hold_topic(kVerbose);
  Config config = test_config();
  auto bridge = start(config);
  for (int i = 0; i < 3; ++i) publish(*bridge);
  // At least the 6 records; an instant of double counting while the service thread
  // moves its batch back is allowed by Bridge::undelivered().
  EXPECT_GE(bridge->flush(20), 6u);
  broker_->release_topic(kVerbose);
  ASSERT_TRUE(delivered(*bridge, 6));
}

TEST_F(BridgeTest, FlushNeverReportsZeroWhileEventsAreUndelivered) {
  broker_->set_queue_full(true);            // nothing can ever be delivered
  broker_->set_poll_returns_at_once(true);  // the batch moves out and back continuously
  auto bridge = start();
  for (int i = 0; i < 512; ++i) publish(*bridge);
  bool saw_zero = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
  while (!saw_zero && std::chrono::steady_clock::now() < deadline) {
    saw_zero = bridge->flush(0) == 0;
  }
  EXPECT_FALSE(saw_zero);
  EXPECT_EQ(bridge->stats().delivered, 0u);
}

TEST_F(BridgeTest, DestructorWithoutCloseDoesNotHang) {
  {
    broker_->set_queue_full(true);
    auto bridge = start();
    for (int i = 0; i < 5; ++i) publish(*bridge);
    EXPECT_LT(elapsed_ms([&] { bridge.reset(); }), 1000);
  }
  {
    auto broker = std::make_shared<FakeBroker>();
    broker->hold_deliveries(true);
    auto bridge = std::make_unique<Bridge>(test_config(), std::make_unique<FakeTransport>(broker));
    for (int i = 0; i < 5; ++i) publish(*bridge);
    ASSERT_TRUE(eventually([&] { return broker->record_count() == 10; }));
    EXPECT_LT(elapsed_ms([&] { bridge.reset(); }), 1000);
    EXPECT_EQ(broker->close_calls(), 1u);
    EXPECT_EQ(broker->reports_failed(), 10u);  // purged
  }
}

TEST_F(BridgeTest, PublishingWhileClosingAccountsForEveryRecord) {
  auto bridge = start();
  std::atomic<bool> go{false};
  std::atomic<std::uint64_t> queued{0}, closed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < 3000; ++i) {
        const Outcome outcome = publish(*bridge);
        if (outcome == Outcome::kAccepted || outcome == Outcome::kBuffered) ++queued;
        if (outcome == Outcome::kClosed) ++closed;
      }
    });
  }
  go = true;
  ASSERT_TRUE(eventually([&] { return bridge->stats().published >= 1000; }));
  const std::size_t left = bridge->close(0);
  for (std::thread& thread : threads) thread.join();

  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.published, queued.load());
  EXPECT_EQ(queued.load() + closed.load(), 9000u);
  EXPECT_EQ(stats.dropped_closed, left);
  // Every record of every queued event was delivered or given up by close().
  EXPECT_EQ(stats.delivered + stats.dropped_closed, 2 * queued.load());
  EXPECT_EQ(broker_->record_count(), stats.produced);
}

TEST_F(BridgeTest, ConcurrentPublishersGetUniqueContiguousSeqs) {
  auto bridge = start();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  std::atomic<int> not_accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StaticContent content("link-" + std::to_string(t), "key-" + std::to_string(t));
      for (int i = 0; i < kPerThread; ++i) {
        if (bridge->publish(kName, EventMeta{}, content) != Outcome::kAccepted) ++not_accepted;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(not_accepted.load(), 0);
  constexpr std::uint64_t kEvents = kThreads * kPerThread;
  ASSERT_TRUE(delivered(*bridge, 2 * kEvents));

  std::vector<std::uint64_t> seqs = seqs_of(broker_->records(kVerbose));
  std::sort(seqs.begin(), seqs.end());
  EXPECT_EQ(seqs, seq_range(1, kEvents));
  // Each publisher's own events stay in its order on each topic.
  for (const std::string& topic : {kVerbose, kNapp}) {
    std::vector<std::uint64_t> last(kThreads, 0);
    for (const ProducedRecord& record : broker_->records(topic)) {
      const int t = record.key.back() - '0';
      const std::uint64_t seq = open_envelope(record.payload).seq;
      EXPECT_GT(seq, last[t]);
      last[t] = seq;
    }
  }
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.published, kEvents);
  EXPECT_EQ(stats.last_seq, kEvents);
  EXPECT_EQ(stats.produced, 2 * kEvents);
}

// Records which calls publish() made, to check that a source is completed (its id,
// timestamp and content read) only for events that pass the filter.
class CompletingContent final : public ContentSource {
 public:
  void write(Writer& writer, int, NormalizationCounters&) override {
    calls.push_back("write");
    writer.begin_map(1);
    writer.key("id");
    writer.string("link-1");
    writer.end_map();
  }
  bool find_key(const std::vector<KeyPath>&, std::string& key) override {
    calls.push_back("find_key");
    key = "link-1";
    return true;
  }
  void complete(EventMeta& meta) override {
    calls.push_back("complete");
    meta.id = Uuid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    meta.timestamp_us = 1764072000123456;
  }
  std::vector<std::string> calls;
};

TEST_F(BridgeTest, OnlyEventsThatPassAreCompletedAndCompletionGivesIdAndTimestamp) {
  Config config = test_config();
  config.deny = {"kytos/of_core\\..*"};
  auto bridge = start(config);
  CompletingContent filtered, passing;
  EXPECT_EQ(bridge->publish("kytos/of_core.flow_stats.received", EventMeta{}, filtered),
            Outcome::kFiltered);
  EXPECT_TRUE(filtered.calls.empty());
  ASSERT_EQ(bridge->publish(kName, EventMeta{}, passing), Outcome::kAccepted);
  EXPECT_THAT(passing.calls, ElementsAre("complete", "write", "find_key"));
  ASSERT_EQ(bridge->flush(3000), 0u);
  const Envelope envelope = open_envelope(broker_->records().at(0).payload);
  EXPECT_EQ(envelope.id, "01020304-0506-0708-090a-0b0c0d0e0f10");
  EXPECT_EQ(envelope.timestamp, "2025-11-25T12:00:00.123456Z");
  EXPECT_EQ(broker_->records().at(0).key, "link-1");
  bridge->close(0);
  CompletingContent after_close;
  EXPECT_EQ(bridge->publish(kName, EventMeta{}, after_close), Outcome::kClosed);
  EXPECT_TRUE(after_close.calls.empty());
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.received, 3u);
  EXPECT_EQ(stats.filtered, 1u);
  EXPECT_EQ(stats.dropped_after_close, 1u);
}

// The bridge writes MessagePack's constant head parts from bytes encoded once: the
// records must be byte for byte what write_envelope_head and the content give.
TEST_P(BridgeFormatTest, RecordsAreByteForByteTheReferenceEnvelope) {
  Config config = test_config(GetParam());
  config.source_id = std::string(200, 's');  // a str8 header, not a fixstr
  auto bridge = start(config);
  CompletingContent content;
  ASSERT_EQ(bridge->publish(kName, EventMeta{}, content), Outcome::kAccepted);
  ASSERT_EQ(bridge->flush(3000), 0u);

  auto writer = make_writer(GetParam());
  EnvelopeFields fields;
  fields.id = Uuid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  fields.timestamp_us = 1764072000123456;
  fields.seq = 1;
  fields.name = kName;
  fields.instance = bridge->instance();
  fields.source = config.source_id;
  write_envelope_head(*writer, fields);
  CompletingContent reference;
  NormalizationCounters counters;
  reference.write(*writer, 64, counters);
  write_envelope_tail(*writer);
  ASSERT_EQ(broker_->records().size(), 2u);
  for (const ProducedRecord& record : broker_->records()) EXPECT_EQ(record.payload, writer->view());
}

}  // namespace
}  // namespace event_bridge
