// The broker behind an interface: the pipeline produces through a Transport and
// learns outcomes through DeliveryReports. Kafka is one implementation.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace event_bridge {

enum class ConnectionState : std::uint8_t { kUnknown, kUp, kDown };
const char* to_string(ConnectionState state);

// How a failed delivery is treated: retried by the pipeline or counted and given up.
enum class ErrorClass : std::uint8_t { kRetriable, kTerminal };

struct DeliveryError {
  ErrorClass error_class = ErrorClass::kTerminal;
  std::string code;    // transport's symbolic name, e.g. "MSG_SIZE_TOO_LARGE"
  std::string reason;  // human-readable, from the broker or client
};

// A record handed to the transport. Views are only valid during produce().
struct OutboundRecord {
  std::uint32_t topic_index = 0;
  std::string_view topic;
  std::string_view key;      // empty: no key
  std::string_view payload;
  std::string_view event_name;
  std::string_view content_type;
  void* opaque = nullptr;    // returned in the DeliveryReport
};

enum class ProduceStatus : std::uint8_t {
  kQueued,     // the transport owns it; a DeliveryReport follows
  kQueueFull,  // try again later; nothing was taken
  kFailed,     // refused at once; `error` says why; no DeliveryReport follows
};

struct ProduceResult {
  ProduceStatus status = ProduceStatus::kQueued;
  DeliveryError error;
};

struct DeliveryReport {
  bool ok = false;
  DeliveryError error;  // when !ok
  std::string_view topic;
  std::string_view event_name;
  std::string_view key;
  std::string_view payload;  // for a retry
  void* opaque = nullptr;
};

enum class TopicState : std::uint8_t { kReady, kPending, kFailed };

struct TopicSpec {
  int partitions = 3;
  int replication_factor = -1;
  std::map<std::string, std::string> config;
};

// Threading: produce, poll, ensure_topic, flush and close are called by the one
// service thread that owns the transport; in_flight and connection are thread-safe.
class Transport {
 public:
  using DeliveryHandler = std::function<void(const DeliveryReport&)>;
  virtual ~Transport() = default;

  // Called once before any other method; the handler runs inside poll()/flush().
  virtual void set_delivery_handler(DeliveryHandler handler) = 0;
  // Never blocks.
  virtual ProduceResult produce(const OutboundRecord& record) = 0;
  // Serves delivery reports and admin results; waits up to timeout_ms for one.
  virtual void poll(int timeout_ms) = 0;
  // Starts creating the topic when first asked; kPending until the broker answers.
  // kFailed (with reason) when the broker refuses; records to it are still produced.
  virtual TopicState ensure_topic(const std::string& topic, const TopicSpec& spec,
                                  std::string* failure_reason) = 0;
  // Records handed over and not yet reported.
  virtual std::size_t in_flight() const = 0;
  virtual ConnectionState connection() const = 0;
  // Waits up to timeout_ms for in_flight() to reach 0, serving reports.
  virtual void flush(int timeout_ms) = 0;
  // Purges what is left (each purged record gets a failed DeliveryReport) and
  // releases every resource. Returns the records whose report it could not serve
  // before the handle was gone (the caller counts them as dropped). Idempotent.
  virtual std::size_t close() = 0;
  // A short description for logs and status (no secrets).
  virtual std::string describe() const = 0;
};

}  // namespace event_bridge
