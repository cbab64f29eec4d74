// Config::validate names the offending field for every rule; the enum parsers and the
// secret-key check that keeps passwords out of error text.
#include "event_bridge/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>

#include "event_bridge/errors.hpp"

namespace event_bridge {
namespace {

using ::testing::HasSubstr;

Config valid_config() {
  Config config;
  config.bootstrap_servers = "127.0.0.1:9092";
  return config;
}

struct Rejection {
  std::string field;
  std::string what;
};

// The ConfigError validate() throws for valid_config() changed by `change`.
Rejection rejection(const std::function<void(Config&)>& change) {
  Config config = valid_config();
  change(config);
  try {
    config.validate();
  } catch (const ConfigError& e) {
    return {e.field(), e.what()};
  }
  return {"<accepted>", ""};
}

TEST(ConfigValidate, DefaultsWithABootstrapServerAreValid) {
  EXPECT_NO_THROW(valid_config().validate());
}

TEST(ConfigValidate, BootstrapServersRequired) {
  const Rejection r = rejection([](Config& c) { c.bootstrap_servers.clear(); });
  EXPECT_EQ(r.field, "bootstrap_servers");
  EXPECT_THAT(r.what, HasSubstr("bootstrap_servers: required"));
}

TEST(ConfigValidate, BootstrapServersMayComeFromTheKafkaMap) {
  Config config = valid_config();
  config.bootstrap_servers.clear();
  config.kafka["bootstrap.servers"] = "127.0.0.1:9092";
  EXPECT_NO_THROW(config.validate());
}

TEST(ConfigValidate, SomeTopicMustBeEnabled) {
  const Rejection r = rejection([](Config& c) {
    c.verbose_topic_enabled = false;
    c.napp_topics_enabled = false;
  });
  EXPECT_EQ(r.field, "verbose_topic_enabled");
  EXPECT_THAT(r.what, HasSubstr("nothing would be published"));

  Config only_routes = valid_config();
  only_routes.verbose_topic_enabled = false;
  only_routes.napp_topics_enabled = false;
  only_routes.routes.push_back({"kytos/topology\\..*", "topology", ""});
  EXPECT_NO_THROW(only_routes.validate());

  Config only_verbose = valid_config();
  only_verbose.napp_topics_enabled = false;
  EXPECT_NO_THROW(only_verbose.validate());
  Config only_napp = valid_config();
  only_napp.verbose_topic_enabled = false;
  EXPECT_NO_THROW(only_napp.validate());
}

TEST(ConfigValidate, CompressionMustBeAKnownCodec) {
  const Rejection r = rejection([](Config& c) { c.compression = "lz5"; });
  EXPECT_EQ(r.field, "compression");
  EXPECT_THAT(r.what, HasSubstr("unknown value 'lz5'"));
  EXPECT_THAT(r.what, HasSubstr("none, gzip, snappy, lz4, zstd"));
  for (const char* codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    Config config = valid_config();
    config.compression = codec;
    EXPECT_NO_THROW(config.validate()) << codec;
  }
  EXPECT_EQ(rejection([](Config& c) { c.compression = "LZ4"; }).field, "compression");
  EXPECT_EQ(rejection([](Config& c) { c.compression = ""; }).field, "compression");
}

TEST(ConfigValidate, TopicPartitionsMustBePositive) {
  for (int partitions : {0, -1}) {
    const Rejection r = rejection([&](Config& c) { c.topic_partitions = partitions; });
    EXPECT_EQ(r.field, "topic_partitions");
    EXPECT_THAT(r.what, HasSubstr("must be positive, got " + std::to_string(partitions)));
  }
}

TEST(ConfigValidate, ReplicationFactorIsMinusOneOrPositive) {
  for (int factor : {0, -2}) {
    const Rejection r = rejection([&](Config& c) { c.topic_replication_factor = factor; });
    EXPECT_EQ(r.field, "topic_replication_factor");
    EXPECT_THAT(r.what, HasSubstr("got " + std::to_string(factor)));
  }
  for (int factor : {-1, 1, 3}) {
    Config config = valid_config();
    config.topic_replication_factor = factor;
    EXPECT_NO_THROW(config.validate()) << factor;
  }
}

TEST(ConfigValidate, MaxMessageBytesAtLeast1024) {
  Rejection r = rejection([](Config& c) { c.max_message_bytes = 0; });
  EXPECT_EQ(r.field, "max_message_bytes");
  EXPECT_THAT(r.what, HasSubstr("at least 1024, got 0"));
  r = rejection([](Config& c) { c.max_message_bytes = 1023; });
  EXPECT_EQ(r.field, "max_message_bytes");
  EXPECT_THAT(r.what, HasSubstr("at least 1024, got 1023"));
  Config config = valid_config();
  config.max_message_bytes = 1024;
  EXPECT_NO_THROW(config.validate());
}

TEST(ConfigValidate, MaxDepthMustBePositive) {
  const Rejection r = rejection([](Config& c) { c.max_depth = 0; });
  EXPECT_EQ(r.field, "max_depth");
  EXPECT_EQ(rejection([](Config& c) { c.max_depth = -5; }).field, "max_depth");
}

TEST(ConfigValidate, BufferMaxEventsMustBePositive) {
  const Rejection r = rejection([](Config& c) { c.buffer_max_events = 0; });
  EXPECT_EQ(r.field, "buffer_max_events");
  EXPECT_THAT(r.what, HasSubstr("must be positive, got 0"));
}

TEST(ConfigValidate, BufferMaxBytesPositiveAndAtLeastMaxMessageBytes) {
  Rejection r = rejection([](Config& c) { c.buffer_max_bytes = 0; });
  EXPECT_EQ(r.field, "buffer_max_bytes");
  EXPECT_THAT(r.what, HasSubstr("must be positive"));
  r = rejection([](Config& c) {
    c.max_message_bytes = 4096;
    c.buffer_max_bytes = 4095;
  });
  EXPECT_EQ(r.field, "buffer_max_bytes");
  EXPECT_THAT(r.what, HasSubstr("at least max_message_bytes (4096), got 4095"));
  Config config = valid_config();
  config.max_message_bytes = 4096;
  config.buffer_max_bytes = 4096;
  EXPECT_NO_THROW(config.validate());
}

TEST(ConfigValidate, HugeBufferLimitsAreAccepted) {
  Config config = valid_config();
  config.buffer_max_events = std::numeric_limits<std::size_t>::max();
  EXPECT_NO_THROW(config.validate());
  config = valid_config();
  config.buffer_max_bytes = std::numeric_limits<std::size_t>::max();
  EXPECT_NO_THROW(config.validate());
}

TEST(ConfigValidate, RoutesNeedAPatternAndATopic) {
  Rejection r = rejection([](Config& c) {
    c.routes.push_back({"kytos/topology\\..*", "topology", ""});
    c.routes.push_back({"", "other", ""});
  });
  EXPECT_EQ(r.field, "routes[1].pattern");
  EXPECT_THAT(r.what, HasSubstr("must not be empty"));
  r = rejection([](Config& c) { c.routes.push_back({"kytos/.*", "", ""}); });
  EXPECT_EQ(r.field, "routes[0].topic");
  EXPECT_THAT(r.what, HasSubstr("must not be empty"));
}

TEST(ConfigValidate, FirstInvalidFieldIsNamed) {
  const Rejection r = rejection([](Config& c) {
    c.bootstrap_servers.clear();
    c.compression = "lz5";
  });
  EXPECT_EQ(r.field, "bootstrap_servers");
}

TEST(ConfigError, WhatIsFieldColonReason) {
  const ConfigError error("kafka.compression.codec", "unknown value 'lz5'");
  EXPECT_EQ(error.field(), "kafka.compression.codec");
  EXPECT_STREQ(error.what(), "kafka.compression.codec: unknown value 'lz5'");
}

TEST(ParseFormat, KnownValues) {
  EXPECT_EQ(parse_format("msgpack"), Format::kMsgpack);
  EXPECT_EQ(parse_format("json"), Format::kJson);
  for (Format format : {Format::kMsgpack, Format::kJson}) {
    EXPECT_EQ(parse_format(to_string(format)), format);
  }
  EXPECT_STREQ(content_type(Format::kMsgpack), "application/msgpack");
  EXPECT_STREQ(content_type(Format::kJson), "application/json");
}

TEST(ParseFormat, UnknownValueNamesTheField) {
  try {
    parse_format("yaml");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "format");
    EXPECT_THAT(e.what(), HasSubstr("unknown value 'yaml' (msgpack, json)"));
  }
  try {
    parse_format("MsgPack", "settings.FORMAT");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "settings.FORMAT");
  }
}

TEST(ParseOverflowPolicy, KnownValues) {
  EXPECT_EQ(parse_overflow_policy("drop_oldest"), OverflowPolicy::kDropOldest);
  EXPECT_EQ(parse_overflow_policy("drop_newest"), OverflowPolicy::kDropNewest);
  for (OverflowPolicy policy : {OverflowPolicy::kDropOldest, OverflowPolicy::kDropNewest}) {
    EXPECT_EQ(parse_overflow_policy(to_string(policy)), policy);
  }
}

TEST(ParseOverflowPolicy, UnknownValueNamesTheField) {
  try {
    parse_overflow_policy("block");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "overflow_policy");
    EXPECT_THAT(e.what(), HasSubstr("unknown value 'block' (drop_oldest, drop_newest)"));
  }
  try {
    parse_overflow_policy("", "buffer.policy");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "buffer.policy");
  }
}

TEST(IsSecretKey, LibrdkafkaSecrets) {
  for (const char* key : {"sasl.password", "ssl.key.password", "ssl.keystore.password",
                          "ssl.key.pem", "ssl_key", "sasl.oauthbearer.client.secret",
                          "sasl.oauthbearer.config", "SASL.PASSWORD", "Ssl.Key.Password"}) {
    EXPECT_TRUE(is_secret_key(key)) << key;
  }
}

TEST(IsSecretKey, OrdinaryProperties) {
  for (const char* key : {"bootstrap.servers", "sasl.username", "sasl.mechanisms",
                          "security.protocol", "acks", "compression.codec", "linger.ms",
                          "ssl.ca.location", "ssl.certificate.location", "ssl.key.location",
                          "client.id", ""}) {
    EXPECT_FALSE(is_secret_key(key)) << key;
  }
}

}  // namespace
}  // namespace event_bridge
