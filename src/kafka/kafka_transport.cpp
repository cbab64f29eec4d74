// The Transport on librdkafka's C API.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/logging.hpp"
#include "event_bridge/errors.hpp"
#include "event_bridge/kafka.hpp"
#include "kafka/error_table.hpp"

namespace event_bridge {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kHeaderName = "name";
// Creation attempts (each up to kAdminTimeoutMs) while the brokers are reachable.
constexpr int kCreateAttemptsWhileUp = 3;
constexpr int kAdminTimeoutMs = 5000;
constexpr const char* kHeaderContentType = "content-type";
constexpr const char* kHeaderVersion = "envelope-version";

// Properties whose value the bridge derives from a typed option.
struct Owned {
  const char* property;
  const char* option;
};
constexpr Owned kOwned[] = {
    {"compression.codec", "compression"},
    {"compression.type", "compression"},
    {"message.max.bytes", "max_message_bytes"},
};

// librdkafka's error text quotes the value it refused; never let a secret through.
std::string redact(std::string text, const std::string& key, const std::string& value) {
  if (!is_secret_key(key) || value.empty()) return text;
  for (std::size_t at = text.find(value); at != std::string::npos; at = text.find(value, at)) {
    text.replace(at, value.size(), "<redacted>");
  }
  return text;
}

// librdkafka reads a boolean as true/false, t/f or 1/0, in any case.
bool is_false(std::string value) {
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value == "false" || value == "f" || value == "0";
}

// librdkafka 2.0.2 leaves topic properties to the broker (rd_kafka_NewTopic_set_config
// refuses only a null name), and the broker answers only when the topic is created, long
// after construction. What can be refused here is what is no property name at all. Empty
// values stay allowed: they are legal for list properties
// (leader.replication.throttled.replicas).
void check_topic_property(const std::string& name, const std::string& value) {
  if (name.empty()) throw ConfigError("topic_config", "empty property name");
  for (const char c : name) {
    const bool legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!legal) {
      throw ConfigError("topic_config." + name,
                        "illegal character in the property name (topic properties are "
                        "like retention.ms: letters, digits, '.', '_', '-')");
    }
  }
  if (value.find('\0') != std::string::npos) {
    throw ConfigError("topic_config." + name, "value contains a NUL character");
  }
}

// Adds the topic properties to new_topic. Returns the name of the property librdkafka
// refused, with its error, or nullptr.
const std::string* add_topic_config(rd_kafka_NewTopic_t* new_topic,
                                    const std::map<std::string, std::string>& config,
                                    rd_kafka_resp_err_t* err) {
  for (const auto& [key, value] : config) {
    *err = rd_kafka_NewTopic_set_config(new_topic, key.c_str(), value.c_str());
    if (*err != RD_KAFKA_RESP_ERR_NO_ERROR) return &key;
  }
  return nullptr;
}

// "a, b": the properties a broker's INVALID_CONFIG may be about.
std::string property_names(const std::map<std::string, std::string>& config) {
  std::string names;
  for (const auto& [key, value] : config) names += (names.empty() ? "" : ", ") + key;
  return names;
}

class KafkaTransport final : public Transport {
 public:
  explicit KafkaTransport(const Config& config) {
    check_topic_config(config.topic_config);
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& key, const std::string& value) {
      if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
          RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        throw ConfigError("kafka." + key, redact(errstr, key, value));
      }
    };
    std::map<std::string, std::string> effective = kafka_defaults(config);
    for (const auto& [key, value] : config.kafka) {
      for (const Owned& owned : kOwned) {
        if (key == owned.property) {
          rd_kafka_conf_destroy(conf);
          throw ConfigError("kafka." + key, std::string("set by the '") + owned.option +
                                                "' option; remove it from kafka");
        }
      }
      if (key == "bootstrap.servers" && !config.bootstrap_servers.empty() &&
          value != config.bootstrap_servers) {
        rd_kafka_conf_destroy(conf);
        throw ConfigError("kafka.bootstrap.servers",
                          "conflicts with bootstrap_servers '" + config.bootstrap_servers + "'");
      }
      effective[key] = value;
    }
    const bool idempotent = !is_false(effective["enable.idempotence"]);
    const std::string& acks = effective["acks"];
    if (idempotent && (acks == "0" || acks == "1")) {
      rd_kafka_conf_destroy(conf);
      throw ConfigError("kafka.acks", "acks=" + acks +
                                          " conflicts with enable.idempotence=true (needs all)");
    }
    for (const auto& [key, value] : effective) set(key, value);
    if (idempotent && effective["max.in.flight.requests.per.connection"] != "1") {
      log().warn(
          "kafka.max.in.flight.requests.per.connection={}: with more than one request in "
          "flight librdkafka may report delivered a record the broker refused (implicit ack); "
          "the bridge's delivery guarantees assume 1 (docs/GUARANTEES.md)",
          effective["max.in.flight.requests.per.connection"]);
    }
    for (const auto& [key, value] : effective) {
      if (key == "bootstrap.servers") bootstrap_ = value;
      if (!is_secret_key(key)) described_[key] = value;
      else add_secret(value);
    }

    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, &KafkaTransport::on_delivery);
    rd_kafka_conf_set_error_cb(conf, &KafkaTransport::on_error);
    rd_kafka_conf_set_log_cb(conf, &KafkaTransport::on_log);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk_) {
      // rd_kafka_new frees conf only on success.
      rd_kafka_conf_destroy(conf);
      throw ConfigError("kafka", errstr);
    }
    admin_queue_ = rd_kafka_queue_new(rk_);
  }

  ~KafkaTransport() override { close(); }

  void set_delivery_handler(DeliveryHandler handler) override { handler_ = std::move(handler); }

  ProduceResult produce(const OutboundRecord& record) override {
    ProduceResult result;
    if (!rk_) {
      result.status = ProduceStatus::kFailed;
      result.error = {ErrorClass::kTerminal, "CLOSED", "transport closed"};
      return result;
    }
    rd_kafka_topic_t* rkt = topic_handle(record.topic_index, record.topic);
    static const char kVersion[] = "1";
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_RKT(rkt),
        RD_KAFKA_V_KEY(record.key.empty() ? nullptr : record.key.data(), record.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(record.payload.data()), record.payload.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADER(kHeaderName, record.event_name.data(),
                          static_cast<ssize_t>(record.event_name.size())),
        RD_KAFKA_V_HEADER(kHeaderContentType, record.content_type.data(),
                          static_cast<ssize_t>(record.content_type.size())),
        RD_KAFKA_V_HEADER(kHeaderVersion, kVersion, 1), RD_KAFKA_V_OPAQUE(record.opaque),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return result;
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      result.status = ProduceStatus::kQueueFull;
      return result;
    }
    result.status = ProduceStatus::kFailed;
    result.error = {kafka::classify(err), kafka::code_name(err), rd_kafka_err2str(err)};
    // Refused at once is final for this record, whatever the class.
    result.error.error_class = ErrorClass::kTerminal;
    return result;
  }

  void poll(int timeout_ms) override {
    if (!rk_) return;
    rd_kafka_poll(rk_, timeout_ms);
    serve_admin();
    probe_connection();
  }

  TopicState ensure_topic(const std::string& topic, const TopicSpec& spec,
                          std::string* failure_reason) override {
    if (!rk_) return TopicState::kFailed;
    auto [it, inserted] = topics_state_.try_emplace(topic);
    TopicStatus& status = it->second;
    if (status.state == TopicState::kPending && !status.in_progress &&
        Clock::now() >= status.next_attempt) {
      start_create(topic, spec, status);
    }
    if (status.state == TopicState::kFailed && failure_reason) *failure_reason = status.reason;
    return status.state;
  }

  std::size_t in_flight() const override {
    std::lock_guard<std::mutex> lock(handle_mutex_);
    return rk_ ? static_cast<std::size_t>(rd_kafka_outq_len(rk_)) : 0;
  }

  ConnectionState connection() const override {
    return connection_.load(std::memory_order_relaxed);
  }

  void flush(int timeout_ms) override {
    if (rk_) rd_kafka_flush(rk_, timeout_ms);
  }

  std::size_t close() override {
    if (!rk_) return 0;
    // What is still queued or in flight comes back as PURGED delivery reports, served
    // here (in-flight purges come back from the broker threads, later on a busy
    // machine): wait for them, bounded, and report what never came back.
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (rd_kafka_outq_len(rk_) > 0 && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_poll(rk_, 10);
    }
    const auto unreported = static_cast<std::size_t>(std::max(0, rd_kafka_outq_len(rk_)));
    for (rd_kafka_topic_t* rkt : topic_handles_) {
      if (rkt) rd_kafka_topic_destroy(rkt);
    }
    topic_handles_.clear();
    rd_kafka_queue_destroy(admin_queue_);
    admin_queue_ = nullptr;
    rd_kafka_t* rk = rk_;
    {
      std::lock_guard<std::mutex> lock(handle_mutex_);
      rk_ = nullptr;
    }
    rd_kafka_destroy(rk);
    connection_.store(ConnectionState::kDown, std::memory_order_relaxed);
    return unreported;
  }

  std::string describe() const override {
    std::string text = "kafka " + bootstrap_ + " (";
    bool first = true;
    for (const char* key : {"acks", "enable.idempotence", "compression.codec", "linger.ms"}) {
      auto it = described_.find(key);
      if (it == described_.end()) continue;
      text += (first ? "" : ", ") + std::string(key) + "=" + it->second;
      first = false;
    }
    return text + ")";
  }

 private:
  struct TopicStatus {
    TopicState state = TopicState::kPending;
    bool in_progress = false;
    Clock::time_point next_attempt{};
    std::string reason;
    int attempts = 0;
    int attempts_up = 0;
    std::string config_names;  // the topic_config properties of the last request
  };

  // Our own check first, then librdkafka's (on a topic that is never created), so that
  // whatever it refuses is refused at construction, with its message.
  static void check_topic_config(const std::map<std::string, std::string>& config) {
    for (const auto& [key, value] : config) check_topic_property(key, value);
    if (config.empty()) return;
    char errstr[512];
    rd_kafka_NewTopic_t* probe = rd_kafka_NewTopic_new("topic-config-check", 1, -1, errstr,
                                                       sizeof(errstr));
    if (!probe) throw ConfigError("topic_config", errstr);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    const std::string* refused = add_topic_config(probe, config, &err);
    rd_kafka_NewTopic_destroy(probe);
    if (refused) throw ConfigError("topic_config." + *refused, rd_kafka_err2str(err));
  }

  rd_kafka_topic_t* topic_handle(std::uint32_t index, std::string_view name) {
    if (index >= topic_handles_.size()) topic_handles_.resize(index + 1, nullptr);
    rd_kafka_topic_t*& rkt = topic_handles_[index];
    if (!rkt) rkt = rd_kafka_topic_new(rk_, std::string(name).c_str(), nullptr);
    return rkt;
  }

  void start_create(const std::string& topic, const TopicSpec& spec, TopicStatus& status) {
    char errstr[512];
    rd_kafka_NewTopic_t* new_topic =
        rd_kafka_NewTopic_new(topic.c_str(), spec.partitions, spec.replication_factor, errstr,
                              sizeof(errstr));
    if (!new_topic) {
      status.state = TopicState::kFailed;
      status.reason = errstr;
      return;
    }
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (const std::string* refused = add_topic_config(new_topic, spec.config, &err)) {
      rd_kafka_NewTopic_destroy(new_topic);
      status.state = TopicState::kFailed;
      status.reason = "topic_config." + *refused + ": " + rd_kafka_err2str(err);
      return;
    }
    status.config_names = property_names(spec.config);
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(options, kAdminTimeoutMs, errstr, sizeof(errstr));
    rd_kafka_AdminOptions_set_operation_timeout(options, kAdminTimeoutMs, errstr, sizeof(errstr));
    rd_kafka_CreateTopics(rk_, &new_topic, 1, options, admin_queue_);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_NewTopic_destroy(new_topic);
    status.in_progress = true;
    ++status.attempts;
    // Only attempts made while the brokers answer count towards giving up.
    if (connection_.load(std::memory_order_relaxed) == ConnectionState::kUp) ++status.attempts_up;
  }

  void serve_admin() {
    while (rd_kafka_event_t* event = rd_kafka_queue_poll(admin_queue_, 0)) {
      if (rd_kafka_event_type(event) == RD_KAFKA_EVENT_CREATETOPICS_RESULT) {
        const rd_kafka_resp_err_t request_err = rd_kafka_event_error(event);
        const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
        size_t count = 0;
        const rd_kafka_topic_result_t** topics =
            result ? rd_kafka_CreateTopics_result_topics(result, &count) : nullptr;
        if (request_err != RD_KAFKA_RESP_ERR_NO_ERROR || count == 0) {
          // The whole request failed (typically no broker): retry every creation in
          // progress later.
          const char* reason = rd_kafka_event_error_string(event);
          for (auto& [name, status] : topics_state_) {
            if (status.in_progress) creation_failed(name, status, request_err, reason ? reason : "");
          }
        }
        for (size_t i = 0; i < count; ++i) {
          const std::string name = rd_kafka_topic_result_name(topics[i]);
          auto it = topics_state_.find(name);
          if (it == topics_state_.end()) continue;
          const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(topics[i]);
          const char* reason = rd_kafka_topic_result_error_string(topics[i]);
          creation_failed(name, it->second, err, reason ? reason : "");
        }
      }
      rd_kafka_event_destroy(event);
    }
  }

  void creation_failed(const std::string& name, TopicStatus& status, rd_kafka_resp_err_t err,
                       const std::string& reason) {
    status.in_progress = false;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      status.state = TopicState::kReady;
      log().debug("topic {} ready ({})", name, err == RD_KAFKA_RESP_ERR_NO_ERROR ? "created" : "exists");
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE) {
      // A broker without CreateTopics (e.g. librdkafka's mock cluster): it creates
      // topics on first use.
      status.state = TopicState::kReady;
      log().info("broker does not support CreateTopics; topic {} left to auto-creation", name);
      return;
    }
    const bool retriable = kafka::classify(err) == ErrorClass::kRetriable;
    if (retriable && connection_.load(std::memory_order_relaxed) == ConnectionState::kUp &&
        status.attempts_up >= kCreateAttemptsWhileUp) {
      // The brokers answer but creation does not complete (no controller reachable,
      // no permission to see it): produce anyway, counted as a creation failure.
      status.state = TopicState::kFailed;
      status.reason = std::string(kafka::code_name(err)) + " after " +
                      std::to_string(status.attempts) + " attempts: " + reason;
      return;
    }
    if (retriable) {
      const int backoff_ms = std::min(200 << std::min(status.attempts, 5), 5000);
      status.next_attempt = Clock::now() + std::chrono::milliseconds(backoff_ms);
      if (status.attempts == 1 || status.attempts % 10 == 0) {
        log().warn("creating topic {} failed ({}: {}), retrying", name, kafka::code_name(err), reason);
      }
      return;
    }
    status.state = TopicState::kFailed;
    status.reason = std::string(kafka::code_name(err)) + ": " + reason;
    // Kafka's own text names the property ("Unknown topic config name: x"); a
    // create-topic policy's need not, so say which were sent.
    if ((err == RD_KAFKA_RESP_ERR_INVALID_CONFIG || err == RD_KAFKA_RESP_ERR_POLICY_VIOLATION) &&
        !status.config_names.empty()) {
      status.reason += " (topic_config: " + status.config_names + ")";
    }
  }

  // Connection state: down on ALL_BROKERS_DOWN, up on a delivery or a metadata
  // answer; while not up, asked of the brokers once a second.
  void probe_connection() {
    if (connection_.load(std::memory_order_relaxed) == ConnectionState::kUp) return;
    const auto now = Clock::now();
    if (now < next_probe_) return;
    next_probe_ = now + std::chrono::seconds(1);
    const struct rd_kafka_metadata* metadata = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, nullptr, &metadata, 200);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_metadata_destroy(metadata);
      set_connection(ConnectionState::kUp);
    } else {
      set_connection(ConnectionState::kDown);
    }
  }

  void set_connection(ConnectionState state) {
    const ConnectionState old = connection_.exchange(state, std::memory_order_relaxed);
    if (old != state) log().info("broker connection {} -> {}", to_string(old), to_string(state));
  }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* self = static_cast<KafkaTransport*>(opaque);
    try {
      DeliveryReport report;
      report.ok = message->err == RD_KAFKA_RESP_ERR_NO_ERROR;
      report.topic = rd_kafka_topic_name(message->rkt);
      report.opaque = message->_private;
      if (report.ok) {
        if (self->connection_.load(std::memory_order_relaxed) != ConnectionState::kUp) {
          self->set_connection(ConnectionState::kUp);
        }
      } else {
        report.error.error_class = kafka::classify(message->err);
        report.error.code = kafka::code_name(message->err);
        // rd_kafka_message_errstr() is for consumers: on a producer message it
        // returns the payload.
        report.error.reason = rd_kafka_err2str(message->err);
        report.key = std::string_view(static_cast<const char*>(message->key), message->key_len);
        report.payload =
            std::string_view(static_cast<const char*>(message->payload), message->len);
        rd_kafka_headers_t* headers = nullptr;
        if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const void* value = nullptr;
          size_t size = 0;
          if (rd_kafka_header_get_last(headers, kHeaderName, &value, &size) ==
              RD_KAFKA_RESP_ERR_NO_ERROR) {
            report.event_name = std::string_view(static_cast<const char*>(value), size);
          }
        }
      }
      if (self->handler_) self->handler_(report);
    } catch (const std::exception& e) {
      log().error("delivery report handler failed: {}", e.what());
    } catch (...) {
      log().error("delivery report handler failed");
    }
  }

  // A secret's whole value and each of its words (librdkafka may quote one part of a
  // "key=value key=value" property such as sasl.oauthbearer.config).
  void add_secret(const std::string& value) {
    if (value.empty()) return;
    secrets_.push_back(value);
    std::size_t start = 0;
    while (start < value.size()) {
      const std::size_t end = value.find_first_of(" \t,;=", start);
      const std::string word = value.substr(start, end == std::string::npos ? end : end - start);
      if (word.size() >= 4 && word != value) secrets_.push_back(word);
      if (end == std::string::npos) break;
      start = end + 1;
    }
    // Longest first, so that a word never breaks up a longer match.
    std::sort(secrets_.begin(), secrets_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }

  // librdkafka's own text may quote a property's value: never let a secret through.
  std::string scrub(const char* text) const {
    std::string out = text ? text : "";
    for (const std::string& secret : secrets_) {
      for (std::size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at)) {
        out.replace(at, secret.size(), "<redacted>");
      }
    }
    return out;
  }

  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaTransport*>(opaque);
    try {
      const auto code = static_cast<rd_kafka_resp_err_t>(err);
      if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) self->set_connection(ConnectionState::kDown);
      if (code == RD_KAFKA_RESP_ERR__FATAL) {
        char fatal[512];
        const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
        log().error("kafka producer fatal error {}: {}", rd_kafka_err2name(orig),
                    self->scrub(fatal));
        return;
      }
      log().warn("kafka: {} ({})", self->scrub(reason), rd_kafka_err2name(code));
    } catch (...) {
    }
  }

  static void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
    try {
      const auto* self = static_cast<const KafkaTransport*>(rd_kafka_opaque(rk));
      const auto spd_level = level <= 3   ? spdlog::level::err
                             : level <= 4 ? spdlog::level::warn
                             : level <= 6 ? spdlog::level::info
                                          : spdlog::level::debug;
      log().log(spd_level, "librdkafka {}: {}", facility, self ? self->scrub(message) : "");
    } catch (...) {
    }
  }

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* admin_queue_ = nullptr;
  mutable std::mutex handle_mutex_;  // in_flight() from other threads vs close()
  DeliveryHandler handler_;
  std::vector<rd_kafka_topic_t*> topic_handles_;
  std::unordered_map<std::string, TopicStatus> topics_state_;
  std::atomic<ConnectionState> connection_{ConnectionState::kUnknown};
  Clock::time_point next_probe_{};
  std::string bootstrap_;
  std::map<std::string, std::string> described_;
  std::vector<std::string> secrets_;  // values of secret properties, scrubbed from logs
};

}  // namespace

const char* to_string(ConnectionState state) {
  switch (state) {
    case ConnectionState::kUnknown: return "unknown";
    case ConnectionState::kUp: return "up";
    case ConnectionState::kDown: return "down";
  }
  return "unknown";
}

std::map<std::string, std::string> kafka_defaults(const Config& config) {
  std::map<std::string, std::string> defaults = {
      {"acks", "all"},
      {"enable.idempotence", "true"},
      {"compression.codec", config.compression},
      {"linger.ms", "5"},
      // One request in flight per broker connection. With more, librdkafka's idempotent
      // producer can report DELIVERED a batch the broker refused when a later batch to the
      // same partition succeeds ("implicit ack"; seen here on the mock cluster and on a
      // just-created topic of a real broker): a silent loss. Throughput is unchanged in
      // bench/ (batches are large; linger 5 ms). tests/faults/test_fault8_slow_broker.py.
      {"max.in.flight.requests.per.connection", "1"},
      // librdkafka's default (10 s) adds up to 10 s to the recovery after a broker restart.
      {"reconnect.backoff.max.ms", "1000"},
      {"message.timeout.ms", "0"},
      {"message.max.bytes", std::to_string(config.max_message_bytes + 4096)},
      {"queue.buffering.max.messages", "100000"},
      {"queue.buffering.max.kbytes", "65536"},
      {"client.id", "kytos-event-bridge"},
  };
  if (!config.bootstrap_servers.empty()) defaults["bootstrap.servers"] = config.bootstrap_servers;
  return defaults;
}

std::unique_ptr<Transport> make_kafka_transport(const Config& config) {
  config.validate();  // the typed options first, so their errors name them
  return std::make_unique<KafkaTransport>(config);
}

}  // namespace event_bridge
