#include "event_bridge/config.hpp"

#include <string>

#include "event_bridge/errors.hpp"

namespace event_bridge {

namespace {

void require_positive(long long value, const char* field) {
  if (value <= 0) throw ConfigError(field, "must be positive, got " + std::to_string(value));
}

}  // namespace

void Config::validate() const {
  if (bootstrap_servers.empty() && kafka.find("bootstrap.servers") == kafka.end()) {
    throw ConfigError("bootstrap_servers", "required (\"host:port[,host:port...]\")");
  }
  if (!verbose_topic_enabled && !napp_topics_enabled && routes.empty()) {
    throw ConfigError("verbose_topic_enabled",
                      "verbose and per-NApp topics are both off and no custom route is set: "
                      "nothing would be published");
  }
  static const char* const kCodecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};
  bool known_codec = false;
  for (const char* codec : kCodecs) known_codec |= compression == codec;
  if (!known_codec) {
    throw ConfigError("compression", "unknown value '" + compression +
                                         "' (none, gzip, snappy, lz4, zstd)");
  }
  require_positive(topic_partitions, "topic_partitions");
  if (topic_replication_factor == 0 || topic_replication_factor < -1) {
    throw ConfigError("topic_replication_factor",
                      "must be -1 (broker default) or positive, got " +
                          std::to_string(topic_replication_factor));
  }
  if (max_message_bytes > kMaxMessageBytesLimit) {
    throw ConfigError("max_message_bytes", "must be at most " +
                                               std::to_string(kMaxMessageBytesLimit) + ", got " +
                                               std::to_string(max_message_bytes));
  }
  if (max_message_bytes < 1024) {
    throw ConfigError("max_message_bytes", "must be at least 1024, got " +
                                               std::to_string(max_message_bytes));
  }
  require_positive(max_depth, "max_depth");
  // The walk recurses once per level: bound it well inside any thread's stack.
  if (max_depth > kMaxDepthLimit) {
    throw ConfigError("max_depth", "must be at most " + std::to_string(kMaxDepthLimit) +
                                       ", got " + std::to_string(max_depth));
  }
  if (buffer_max_events == 0) throw ConfigError("buffer_max_events", "must be positive, got 0");
  if (buffer_max_bytes == 0) throw ConfigError("buffer_max_bytes", "must be positive, got 0");
  if (buffer_max_bytes < max_message_bytes) {
    throw ConfigError("buffer_max_bytes", "must be at least max_message_bytes (" +
                                              std::to_string(max_message_bytes) + "), got " +
                                              std::to_string(buffer_max_bytes));
  }
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (routes[i].pattern.empty()) {
      throw ConfigError("routes[" + std::to_string(i) + "].pattern", "must not be empty");
    }
    if (routes[i].topic.empty()) {
      throw ConfigError("routes[" + std::to_string(i) + "].topic", "must not be empty");
    }
  }
}

Format parse_format(const std::string& value, const std::string& field) {
  if (value == "msgpack") return Format::kMsgpack;
  if (value == "json") return Format::kJson;
  throw ConfigError(field, "unknown value '" + value + "' (msgpack, json)");
}

OverflowPolicy parse_overflow_policy(const std::string& value, const std::string& field) {
  if (value == "drop_oldest") return OverflowPolicy::kDropOldest;
  if (value == "drop_newest") return OverflowPolicy::kDropNewest;
  throw ConfigError(field, "unknown value '" + value + "' (drop_oldest, drop_newest)");
}

const char* to_string(Format format) {
  return format == Format::kMsgpack ? "msgpack" : "json";
}

const char* to_string(OverflowPolicy policy) {
  return policy == OverflowPolicy::kDropOldest ? "drop_oldest" : "drop_newest";
}

const char* content_type(Format format) {
  return format == Format::kMsgpack ? "application/msgpack" : "application/json";
}

}  // namespace event_bridge
