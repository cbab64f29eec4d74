// The Bridge: filter, encode, route and hand events to a Transport through a bounded
// front buffer served by one service thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "event_bridge/config.hpp"
#include "event_bridge/envelope.hpp"
#include "event_bridge/router.hpp"
#include "event_bridge/transport.hpp"

namespace event_bridge {

class BufferPool;

enum class Outcome : std::uint8_t {
  kAccepted,  // queued for the broker
  kFiltered,  // the filter rejected the name; nothing was encoded
  kBuffered,  // queued, but the bridge is holding back (broker down or saturated)
  kDropped,   // not queued: the buffer was full under drop_newest
  kClosed,    // the bridge is closed
};
const char* to_string(Outcome outcome);

// The name of the bridge's gap records on the verbose topic. Content:
// {"from_seq", "to_seq", "count", "reason": "buffer_full"}: `count` events with seq in
// [from_seq, to_seq] were dropped before reaching all their topics (others in that
// range may have been delivered).
inline constexpr const char* kGapEventName = "kytos/event_bridge.gap";

// Counters of what the content walk had to normalize. Incremented by the encoding
// thread; read by anyone.
struct NormalizationCounters {
  std::atomic<std::uint64_t> stringified_keys{0};
  std::atomic<std::uint64_t> repr_fallbacks{0};
  std::atomic<std::uint64_t> cycles{0};
  std::atomic<std::uint64_t> depth_exceeded{0};
  std::atomic<std::uint64_t> as_dict_errors{0};
  std::atomic<std::uint64_t> big_integers{0};
  // A conversion that raised (Enum.value, iterating a set, a memoryview, a dataclass
  // field), written as a placeholder carrying the error.
  std::atomic<std::uint64_t> value_errors{0};
  // strs with lone surrogates (no UTF-8), written with backslash escapes.
  std::atomic<std::uint64_t> escaped_strs{0};
};

struct EventMeta {
  std::optional<Uuid> id;                 // default: a random UUID
  std::optional<std::int64_t> timestamp_us;  // default: now
};

// The event content as the encoder sees it. Implemented by the Python walker and by
// tests. Must not throw.
class ContentSource {
 public:
  virtual ~ContentSource() = default;
  // Writes exactly one value.
  virtual void write(Writer& writer, int max_depth, NormalizationCounters& counters) = 0;
  // Finds the message key: the first path that leads to a string or integer.
  virtual bool find_key(const std::vector<KeyPath>& paths, std::string& key) = 0;
  // Called once by publish() when the event passed the filter, before write() and
  // find_key(): a source may read the event's id, timestamp and content only then, so
  // that a filtered event costs no more than its name.
  virtual void complete(EventMeta& meta) { (void)meta; }
};

struct DeliveryErrorRecord {
  std::string topic;
  std::string code;
  std::string reason;
  std::int64_t at_us = 0;
  bool terminal = true;
};

struct Stats {
  std::uint64_t received = 0;    // publish() calls
  std::uint64_t filtered = 0;
  std::uint64_t published = 0;   // events encoded and queued (gap records not included)
  std::uint64_t produced = 0;    // records handed to the transport
  std::uint64_t delivered = 0;   // records acknowledged by the broker
  std::uint64_t failed_retriable = 0;
  std::uint64_t failed_terminal = 0;
  std::uint64_t retried = 0;
  std::uint64_t dropped_buffer_full = 0;  // events
  std::uint64_t dropped_closed = 0;       // records left when close() gave up
  std::uint64_t dropped_after_close = 0;  // events published after close() began
  std::uint64_t oversize = 0;             // events replaced by a marker envelope
  std::uint64_t topic_create_failures = 0;
  std::uint64_t gap_records = 0;          // gap records published
  std::uint64_t pending_gap_count = 0;    // drops not yet reported by a gap record
  std::uint64_t stringified_keys = 0, repr_fallbacks = 0, cycles = 0, depth_exceeded = 0,
                as_dict_errors = 0, big_integers = 0, value_errors = 0, escaped_strs = 0;
  std::uint64_t buffered_events = 0;
  std::uint64_t buffered_bytes = 0;
  std::uint64_t in_flight = 0;  // records inside the transport
  std::uint64_t last_seq = 0;
  std::uint64_t topics = 0;
  std::uint64_t cached_names = 0;
  ConnectionState connection = ConnectionState::kUnknown;
  bool closed = false;
  std::string instance;
  std::vector<DeliveryErrorRecord> last_errors;  // newest last, at most kMaxLastErrors
};

// Thread-safety: publish() may be called from any thread; the encoding uses a
// per-thread buffer and takes no lock; only the hand-over takes the buffer mutex
// briefly. flush() and close() block (release the GIL around them) and may be called
// from any thread; close() is idempotent. stats() is safe from any thread.
class Bridge {
 public:
  static constexpr std::size_t kMaxLastErrors = 16;

  // Throws ConfigError. Starts the service thread.
  Bridge(Config config, std::unique_ptr<Transport> transport);
  ~Bridge();  // close(0) if still open
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // Never throws for data or broker problems.
  Outcome publish(std::string_view name, const EventMeta& meta, ContentSource& content);

  // Waits up to timeout_ms for the buffer and the transport to drain. Returns the
  // records still undelivered (buffered + in flight).
  std::size_t flush(int timeout_ms);
  // flush(timeout_ms), then stop the service thread and close the transport; what is
  // left is counted as dropped_closed. Returns that count. Idempotent.
  std::size_t close(int timeout_ms);
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  Stats stats() const;
  TopicRouter& router() { return router_; }
  const Config& config() const { return config_; }
  const std::string& instance() const { return instance_; }

 private:
  struct Entry {
    std::shared_ptr<const RouteDecision> decision;
    // The envelope, then the message key, in one buffer from pool_ (capacity bytes).
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
    std::size_t payload_size = 0;
    std::size_t key_size = 0;
    std::string_view payload() const { return {data.get(), payload_size}; }
    std::string_view key() const { return {data.get() + payload_size, key_size}; }
    // The memory it holds, as the buffer limits count it.
    std::size_t size() const { return capacity; }
    std::uint64_t seq = 0;
    std::uint32_t next_topic = 0;   // index into decision->topics
    std::int32_t retry_topic = -1;  // >= 0: a retry of one record to this topic index
  };
  // The envelope head; MessagePack's constant parts (map header, version, instance,
  // source) come pre-encoded from head_prefix_ and head_suffix_.
  void write_head(Writer& writer, const EnvelopeFields& fields) const;
  void service_loop();
  bool drain_once();
  bool produce_entry(Entry& entry);
  void on_delivery(const DeliveryReport& report);
  void note_error(const std::string& topic, const DeliveryError& error);
  void wake_service();
  void note_drop_locked(std::uint64_t seq);
  void publish_gap_if_due();
  Outcome enqueue(Entry&& entry, bool count_published = true);
  void fill(Entry& entry, std::string_view payload, std::string_view key);
  void recycle(Entry& entry);
  std::size_t undelivered() const;
  static std::size_t remaining_records(const Entry& entry);

  Config config_;
  TopicRouter router_;
  std::unique_ptr<Transport> transport_;
  std::string instance_;
  std::string source_;
  std::string head_prefix_;  // {8 entries, "version": 1, "id"
  std::string head_suffix_;  // "instance": ..., "source": ..., "content"
  TopicSpec topic_spec_;
  std::unique_ptr<BufferPool> pool_;

  // Front buffer.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<Entry> buffer_;
  std::size_t buffer_bytes_ = 0;
  std::size_t buffer_records_ = 0;  // remaining_records() summed over buffer_
  bool service_sleeping_ = false;
  bool stopping_ = false;
  std::atomic<bool> holding_back_{false};
  // Dropped events not yet reported in-band (guarded by mutex_).
  struct Gap {
    std::uint64_t from = 0, to = 0, count = 0;
  } gap_;
  std::atomic<std::uint64_t> gap_records_{0};
  std::atomic<std::size_t> batch_records_{0};  // taken out of buffer_ by the service thread
  std::atomic<bool> closing_{false};
  std::atomic<bool> closed_{false};
  std::vector<TopicState> topic_states_;  // by topic index; service thread only
  std::mutex close_mutex_;
  std::size_t close_result_ = 0;

  // Written by the publishing thread for every event, and by the service thread for
  // every record: on separate cache lines, so that neither pays for the other's writes.
  alignas(64) std::atomic<std::uint64_t> seq_{0};
  std::atomic<std::uint64_t> received_{0}, filtered_{0}, published_{0};
  alignas(64) std::atomic<std::uint64_t> produced_{0},
      delivered_{0}, failed_retriable_{0}, failed_terminal_{0}, retried_{0},
      dropped_buffer_full_{0}, dropped_closed_{0}, dropped_after_close_{0}, oversize_{0}, topic_create_failures_{0};
  NormalizationCounters normalization_;

  mutable std::mutex errors_mutex_;
  std::deque<DeliveryErrorRecord> last_errors_;

  std::thread service_;
};

}  // namespace event_bridge
