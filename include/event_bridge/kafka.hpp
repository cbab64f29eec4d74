// The Kafka transport (librdkafka) and librdkafka's in-process mock cluster.
// No librdkafka type appears here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "event_bridge/config.hpp"
#include "event_bridge/transport.hpp"

namespace event_bridge {

// The librdkafka properties the bridge sets before the user's passthrough map:
// acks=all, enable.idempotence=true, compression.codec=<Config::compression>,
// linger.ms=5, max.in.flight.requests.per.connection=1 (no implicit acks of refused
// batches), reconnect.backoff.max.ms=1000, message.timeout.ms=0 (librdkafka owns retries),
// message.max.bytes from Config::max_message_bytes.
std::map<std::string, std::string> kafka_defaults(const Config& config);

// Builds and validates the producer. Throws ConfigError("kafka.<property>", reason)
// for an unknown or invalid property (values of secret properties are never shown),
// and for a property that conflicts with the bridge's guarantees
// (enable.idempotence=false with acks!=all is allowed; acks=0 or 1 with idempotence
// on is a conflict). Throws ConfigError("topic_config.<property>", reason) for a topic
// property that cannot be one (empty or illegal name, NUL in the value); the broker
// checks the rest when it creates a topic, and its refusal is reported as that topic's
// creation failure (TopicState::kFailed, the reason naming the properties sent).
std::unique_ptr<Transport> make_kafka_transport(const Config& config);

// librdkafka's in-process mock cluster. For fault injection and the demo; not a
// substitute for a real broker in integration tests. Thread-safe.
class MockCluster {
 public:
  explicit MockCluster(int brokers = 1);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  const std::string& bootstrap_servers() const;
  // Kafka protocol error codes (e.g. 7 REQUEST_TIMED_OUT) returned, in order, to the
  // next requests of that API (0 = Produce).
  void push_request_errors(int api_key, const std::vector<int>& error_codes);
  void set_broker_down(int broker_id);
  void set_broker_up(int broker_id);
  // Adds round-trip time to every response of that broker.
  void set_broker_rtt(int broker_id, int rtt_ms);
  void create_topic(const std::string& topic, int partitions, int replication_factor);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace event_bridge
