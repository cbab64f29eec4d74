// The Bridge with the real KafkaTransport against librdkafka's in-process mock cluster:
// the errors a real broker cannot be made to return on demand (broker down, a Produce
// request refused), and make_kafka_transport's refusals of bad properties.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "event_bridge/bridge.hpp"
#include "event_bridge/errors.hpp"
#include "event_bridge/kafka.hpp"
#include "support/eventually.hpp"
#include "support/static_content.hpp"

namespace event_bridge {

void PrintTo(Outcome outcome, std::ostream* out) { *out << to_string(outcome); }
void PrintTo(ConnectionState state, std::ostream* out) { *out << to_string(state); }

namespace {

using test_support::elapsed_ms;
using test_support::eventually;
using test_support::StaticContent;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kName = "kytos/topology.link_up";
const std::string kVerbose = "kytos.events";
const std::string kNapp = "kytos.events.kytos.topology";
constexpr int kBroker = 1;  // the mock cluster numbers its brokers from 1

class BridgeKafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.create_topic(kVerbose, 1, 1);
    cluster_.create_topic(kNapp, 1, 1);
  }

  Config mock_config() const {
    Config config;
    config.bootstrap_servers = cluster_.bootstrap_servers();
    config.source_id = "mock";
    config.create_topics = false;  // the mock cluster does not implement CreateTopics
    // Reconnect quickly once the broker is back.
    config.kafka["reconnect.backoff.ms"] = "10";
    config.kafka["reconnect.backoff.max.ms"] = "100";
    return config;
  }

  std::unique_ptr<Bridge> start(const Config& config) {
    return std::make_unique<Bridge>(config, make_kafka_transport(config));
  }

  static Outcome publish(Bridge& bridge) {
    StaticContent content;
    return bridge.publish(kName, EventMeta{}, content);
  }

  MockCluster cluster_{1};
};

TEST_F(BridgeKafkaTest, ThousandEventsAreDeliveredAndTheStatsAddUp) {
  auto bridge = start(mock_config());
  for (int i = 0; i < 1000; ++i) {
    const Outcome outcome = publish(*bridge);
    ASSERT_TRUE(outcome == Outcome::kAccepted || outcome == Outcome::kBuffered) << i;
  }
  EXPECT_EQ(bridge->flush(4000), 0u);

  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.received, 1000u);
  EXPECT_EQ(stats.published, 1000u);
  EXPECT_EQ(stats.last_seq, 1000u);
  EXPECT_EQ(stats.produced, 2000u);
  EXPECT_EQ(stats.delivered, 2000u);
  EXPECT_EQ(stats.failed_terminal + stats.failed_retriable + stats.retried, 0u);
  EXPECT_EQ(stats.dropped_buffer_full + stats.dropped_closed + stats.oversize, 0u);
  EXPECT_EQ(stats.buffered_events, 0u);
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(stats.connection, ConnectionState::kUp);
  EXPECT_TRUE(stats.last_errors.empty());
  EXPECT_EQ(bridge->close(1000), 0u);
}

TEST_F(BridgeKafkaTest, BrokerDownBuffersAndBrokerUpDelivers) {
  auto bridge = start(mock_config());
  publish(*bridge);
  ASSERT_EQ(bridge->flush(4000), 0u);
  ASSERT_EQ(bridge->stats().connection, ConnectionState::kUp);

  cluster_.set_broker_down(kBroker);
  ASSERT_TRUE(eventually([&] { return bridge->stats().connection == ConnectionState::kDown; },
                         std::chrono::milliseconds(4000)));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(publish(*bridge), Outcome::kBuffered) << i;
  EXPECT_EQ(bridge->flush(100), 20u);
  EXPECT_EQ(bridge->stats().delivered, 2u);

  cluster_.set_broker_up(kBroker);
  EXPECT_EQ(bridge->flush(4000), 0u);
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.delivered, 22u);
  EXPECT_EQ(stats.failed_terminal + stats.failed_retriable + stats.dropped_closed, 0u);
  EXPECT_EQ(stats.connection, ConnectionState::kUp);
  EXPECT_EQ(publish(*bridge), Outcome::kAccepted);
  EXPECT_EQ(bridge->flush(4000), 0u);
}

TEST_F(BridgeKafkaTest, MessageTooLargeIsTerminalAndTheOtherEventsAreDelivered) {
  Config config = mock_config();
  config.napp_topics_enabled = false;  // one record per event: the refused one is exact
  auto bridge = start(config);
  cluster_.push_request_errors(0 /* Produce */, {10 /* MESSAGE_TOO_LARGE */});
  publish(*bridge);
  ASSERT_TRUE(eventually([&] { return bridge->stats().failed_terminal == 1; },
                         std::chrono::milliseconds(4000)));
  for (int i = 0; i < 99; ++i) publish(*bridge);
  EXPECT_EQ(bridge->flush(4000), 0u);

  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.failed_terminal, 1u);
  EXPECT_EQ(stats.failed_retriable, 0u);
  EXPECT_EQ(stats.retried, 0u);
  EXPECT_EQ(stats.delivered, 99u);
  EXPECT_EQ(stats.produced, 100u);
  ASSERT_EQ(stats.last_errors.size(), 1u);
  EXPECT_EQ(stats.last_errors[0].code, "MSG_SIZE_TOO_LARGE");
  EXPECT_EQ(stats.last_errors[0].topic, kVerbose);
  EXPECT_TRUE(stats.last_errors[0].terminal);
  EXPECT_FALSE(stats.last_errors[0].reason.empty());
}

TEST_F(BridgeKafkaTest, FailedDeliveryReasonIsLibrdkafkasErrorText) {
  Config config = mock_config();
  config.napp_topics_enabled = false;
  auto bridge = start(config);
  cluster_.push_request_errors(0 /* Produce */, {10 /* MESSAGE_TOO_LARGE */});
  publish(*bridge);
  ASSERT_TRUE(eventually([&] { return bridge->stats().failed_terminal == 1; },
                         std::chrono::milliseconds(4000)));
  const Stats stats = bridge->stats();
  ASSERT_EQ(stats.last_errors.size(), 1u);
  EXPECT_EQ(stats.last_errors[0].reason, "Broker: Message size too large");
}

TEST_F(BridgeKafkaTest, CloseWithTheBrokerDownReturnsTheUndeliveredRecords) {
  auto bridge = start(mock_config());
  publish(*bridge);
  ASSERT_EQ(bridge->flush(4000), 0u);
  cluster_.set_broker_down(kBroker);
  ASSERT_TRUE(eventually([&] { return bridge->stats().connection == ConnectionState::kDown; },
                         std::chrono::milliseconds(4000)));
  for (int i = 0; i < 20; ++i) publish(*bridge);
  ASSERT_TRUE(eventually([&] { return bridge->stats().produced == 42; }));

  std::size_t left = 0;
  EXPECT_LT(elapsed_ms([&] { left = bridge->close(200); }), 5000);
  EXPECT_EQ(left, 40u);
  const Stats stats = bridge->stats();
  EXPECT_EQ(stats.dropped_closed, 40u);
  EXPECT_EQ(stats.delivered, 2u);
  EXPECT_EQ(stats.failed_terminal, 0u);
  EXPECT_TRUE(stats.closed);
  EXPECT_EQ(bridge->close(200), 40u);
}

// ConfigError that make_kafka_transport throws for `config`, or a failure.
ConfigError transport_error(const Config& config) {
  try {
    make_kafka_transport(config);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "make_kafka_transport accepted the configuration";
  return ConfigError("<accepted>", "");
}

Config offline_config() {
  Config config;
  config.bootstrap_servers = "127.0.0.1:9";
  return config;
}

TEST(MakeKafkaTransport, AcceptsTheDefaultsAndDescribesThemWithoutSecrets) {
  Config config = offline_config();
  config.kafka["sasl.password"] = "hunter2-do-not-show";
  std::unique_ptr<Transport> transport = make_kafka_transport(config);
  const std::string text = transport->describe();
  EXPECT_THAT(text, HasSubstr("127.0.0.1:9"));
  EXPECT_THAT(text, HasSubstr("acks=all"));
  EXPECT_THAT(text, HasSubstr("enable.idempotence=true"));
  EXPECT_THAT(text, HasSubstr("compression.codec=lz4"));
  EXPECT_THAT(text, Not(HasSubstr("hunter2")));
  transport->close();
  transport->close();  // idempotent
}

TEST(MakeKafkaTransport, KafkaDefaultsKeepTheBridgesGuarantees) {
  Config config = offline_config();
  config.compression = "zstd";
  config.max_message_bytes = 2000;
  const auto defaults = kafka_defaults(config);
  EXPECT_EQ(defaults.at("acks"), "all");
  EXPECT_EQ(defaults.at("enable.idempotence"), "true");
  EXPECT_EQ(defaults.at("compression.codec"), "zstd");
  EXPECT_EQ(defaults.at("message.timeout.ms"), "0");
  // No implicit acks of a refused batch (tests/faults/test_fault8_slow_broker.py).
  EXPECT_EQ(defaults.at("max.in.flight.requests.per.connection"), "1");
  EXPECT_EQ(defaults.at("bootstrap.servers"), "127.0.0.1:9");
  EXPECT_GE(std::stoul(defaults.at("message.max.bytes")), 2000u);
}

TEST(MakeKafkaTransport, RejectsAnUnknownProperty) {
  Config config = offline_config();
  config.kafka["no.such.property"] = "1";
  const ConfigError error = transport_error(config);
  EXPECT_EQ(error.field(), "kafka.no.such.property");
  EXPECT_THAT(error.what(), HasSubstr("no.such.property"));
}

TEST(MakeKafkaTransport, RejectsAnInvalidValueNamingTheProperty) {
  Config config = offline_config();
  config.kafka["linger.ms"] = "soon";
  const ConfigError error = transport_error(config);
  EXPECT_EQ(error.field(), "kafka.linger.ms");
}

TEST(MakeKafkaTransport, RejectsAcksBelowAllWithIdempotence) {
  for (const char* acks : {"0", "1"}) {
    Config config = offline_config();
    config.kafka["acks"] = acks;
    const ConfigError error = transport_error(config);
    EXPECT_EQ(error.field(), "kafka.acks") << acks;
    EXPECT_THAT(error.what(), HasSubstr("enable.idempotence")) << acks;
  }
  Config without_idempotence = offline_config();
  without_idempotence.kafka["acks"] = "1";
  without_idempotence.kafka["enable.idempotence"] = "false";
  EXPECT_NO_THROW(make_kafka_transport(without_idempotence));
}

TEST(MakeKafkaTransport, IdempotenceOffInAnySpellingAllowsAcks1) {
  for (const char* off : {"FALSE", "f", "F"}) {
    Config config = offline_config();
    config.kafka = {{"enable.idempotence", off}, {"acks", "1"}};
    EXPECT_NO_THROW(make_kafka_transport(config)) << off;
  }
}

TEST(MakeKafkaTransport, RejectsPropertiesOwnedByTypedOptions) {
  for (const auto& [property, option] : std::vector<std::pair<std::string, std::string>>{
           {"compression.codec", "compression"},
           {"compression.type", "compression"},
           {"message.max.bytes", "max_message_bytes"}}) {
    Config config = offline_config();
    config.kafka[property] = property == "message.max.bytes" ? "2000000" : "gzip";
    const ConfigError error = transport_error(config);
    EXPECT_EQ(error.field(), "kafka." + property);
    EXPECT_THAT(error.what(), HasSubstr("'" + option + "'"));
  }
}

TEST(MakeKafkaTransport, RejectsAConflictingBootstrapServer) {
  Config config = offline_config();
  config.kafka["bootstrap.servers"] = "10.0.0.1:9092";
  EXPECT_EQ(transport_error(config).field(), "kafka.bootstrap.servers");
  config.kafka["bootstrap.servers"] = config.bootstrap_servers;
  EXPECT_NO_THROW(make_kafka_transport(config));
}

// The broker checks topic properties only when it creates a topic (librdkafka 2.0.2 passes
// any name on); what is no property name at all is refused at once, naming it.
TEST(MakeKafkaTransport, RejectsATopicPropertyThatIsNoName) {
  for (const std::string name : {"retention ms", "retention.ms=1", "cleanup/policy"}) {
    Config config = offline_config();
    config.topic_config = {{"cleanup.policy", "delete"}, {name, "1"}};
    const ConfigError error = transport_error(config);
    EXPECT_EQ(error.field(), "topic_config." + name);
    EXPECT_THAT(error.what(), HasSubstr("illegal character")) << name;
  }
  Config empty_name = offline_config();
  empty_name.topic_config = {{"", "1"}};
  EXPECT_EQ(transport_error(empty_name).field(), "topic_config");
  Config nul_value = offline_config();
  nul_value.topic_config = {{"retention.ms", std::string("36\0", 3)}};
  EXPECT_EQ(transport_error(nul_value).field(), "topic_config.retention.ms");
}

TEST(MakeKafkaTransport, AcceptsTopicPropertiesIncludingEmptyValues) {
  Config config = offline_config();
  config.topic_config = {{"retention.ms", "3600000"},
                         {"min.insync.replicas", "2"},
                         {"leader.replication.throttled.replicas", ""}};
  EXPECT_NO_THROW(make_kafka_transport(config));
}

// librdkafka accepts any string as sasl.password; it is refused only once the client is
// built, here because PLAIN needs sasl.username too. The error must not show the value.
TEST(MakeKafkaTransport, RefusedSaslSettingsNeverShowThePassword) {
  Config config = offline_config();
  config.kafka["security.protocol"] = "sasl_plaintext";
  config.kafka["sasl.mechanisms"] = "PLAIN";
  config.kafka["sasl.password"] = "hunter2-do-not-show";
  const ConfigError error = transport_error(config);
  EXPECT_THAT(error.field(), HasSubstr("kafka"));
  EXPECT_THAT(error.what(), HasSubstr("sasl.password"));
  EXPECT_THAT(error.what(), Not(HasSubstr("hunter2")));
}

TEST(MakeKafkaTransport, RefusedSecretPropertyNeverShowsItsValue) {
  Config config = offline_config();
  config.kafka["security.protocol"] = "ssl";
  config.kafka["ssl.key.pem"] = "hunter2-not-a-pem-key";
  const ConfigError error = transport_error(config);
  EXPECT_THAT(error.what(), HasSubstr("ssl.key.pem"));
  EXPECT_THAT(error.what(), Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace event_bridge
