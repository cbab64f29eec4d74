// Typed configuration of a Bridge. Plain data; validated by validate() and by the
// components that interpret it (filter, router, transport), each throwing ConfigError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace event_bridge {

enum class Format : std::uint8_t { kMsgpack, kJson };

inline constexpr int kMaxDepthLimit = 1000;
// librdkafka caps message.max.bytes at 1e9; Kafka brokers default to about 1 MB.
inline constexpr std::size_t kMaxMessageBytesLimit = 100u * 1000u * 1000u;
enum class OverflowPolicy : std::uint8_t { kDropOldest, kDropNewest };

// A custom route: events whose whole name matches `pattern` also go to `topic`.
// `key_path` (dotted, e.g. "link.id") overrides the default key paths for them.
struct RouteConfig {
  std::string pattern;
  std::string topic;
  std::string key_path;  // empty: use Config::key_paths
};

struct Config {
  // Transport
  std::string bootstrap_servers;                     // "host:port[,host:port]"
  std::map<std::string, std::string> kafka;          // librdkafka passthrough
  std::string compression = "lz4";                   // none|gzip|snappy|lz4|zstd

  // Identity written into every envelope.
  std::string source_id;                             // empty: the host name

  // Filter: whole-name regexes (RE2), deny wins; empty allow list allows all.
  std::vector<std::string> allow;
  std::vector<std::string> deny;

  // Routing
  bool verbose_topic_enabled = true;
  std::string verbose_topic = "kytos.events";
  bool napp_topics_enabled = true;
  std::string napp_topic_prefix = "kytos.events.";
  std::vector<RouteConfig> routes;
  std::vector<std::string> key_paths = {
      "evc_id",      "link.id",        "interface.id", "switch.dpid", "datapath.dpid",
      "dpid",        "interface_a.id", "interface_id", "switch",      "*.evc_id",
  };
  // User names Kytos uses for dotted names without a slash
  // ("kytos.flow_manager.flows.install" -> kytos/flow_manager).
  std::vector<std::string> known_users = {"kytos", "amlight"};
  std::string default_user = "kytos";

  // Topic creation through the admin API.
  bool create_topics = true;
  int topic_partitions = 3;
  int topic_replication_factor = -1;  // -1: the broker's default
  std::map<std::string, std::string> topic_config;

  // Encoding
  Format format = Format::kMsgpack;
  std::size_t max_message_bytes = 1000000;
  int max_depth = 64;

  // Front buffer
  std::size_t buffer_max_events = 100000;
  std::size_t buffer_max_bytes = 256u * 1024u * 1024u;
  OverflowPolicy overflow_policy = OverflowPolicy::kDropOldest;

  // Throws ConfigError naming the first invalid field. Does not compile regexes or
  // check transport properties: those belong to the filter and the transport.
  void validate() const;
};

// "msgpack"/"json" <-> Format; "drop_oldest"/"drop_newest" <-> OverflowPolicy.
// The parse functions throw ConfigError naming `field`.
Format parse_format(const std::string& value, const std::string& field = "format");
OverflowPolicy parse_overflow_policy(const std::string& value,
                                     const std::string& field = "overflow_policy");
const char* to_string(Format format);
const char* to_string(OverflowPolicy policy);
const char* content_type(Format format);

}  // namespace event_bridge
