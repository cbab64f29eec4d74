#include "event_bridge/bridge.hpp"

#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "core/logging.hpp"
#include "event_bridge/errors.hpp"
#include "event_bridge/msgpack_buffer.hpp"
#include "pipeline/buffer_pool.hpp"

namespace event_bridge {

namespace {

using Clock = std::chrono::steady_clock;

// What one buffered entry costs beyond its bytes (the Entry, deque slot, allocations).
constexpr std::size_t kEntryOverhead = sizeof(void*) * 16;
// The service thread moves at most this much out of the buffer at a time; it is the
// only memory beyond buffer_max_bytes that the front buffer can hold.
constexpr std::size_t kBatchEvents = 512;
constexpr std::size_t kBatchBytes = 1u << 20;

std::string host_name() {
  char name[256] = {0};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

// The content of a marker envelope that replaces an oversize event.
class OversizeMarker final : public ContentSource {
 public:
  OversizeMarker(std::size_t size, std::size_t limit) : size_(size), limit_(limit) {}
  void write(Writer& writer, int, NormalizationCounters&) override {
    writer.begin_map(3);
    writer.key("_event_bridge");
    writer.string("oversize");
    writer.key("size");
    writer.uint64(size_);
    writer.key("limit");
    writer.uint64(limit_);
    writer.end_map();
  }
  bool find_key(const std::vector<KeyPath>&, std::string&) override { return false; }

 private:
  std::size_t size_, limit_;
};

Writer& thread_writer(Format format) {
  thread_local std::unique_ptr<Writer> writers[2];
  auto& writer = writers[format == Format::kMsgpack ? 0 : 1];
  if (!writer) writer = make_writer(format);
  writer->clear();
  return *writer;
}

}  // namespace

void Bridge::fill(Entry& entry, std::string_view payload, std::string_view key) {
  BufferPool::Buffer buffer = pool_->take(payload.size() + key.size());
  std::memcpy(buffer.data.get(), payload.data(), payload.size());
  if (!key.empty()) std::memcpy(buffer.data.get() + payload.size(), key.data(), key.size());
  entry.data = std::move(buffer.data);
  entry.capacity = buffer.capacity;
  entry.payload_size = payload.size();
  entry.key_size = key.size();
}

void Bridge::recycle(Entry& entry) {
  pool_->give_back(BufferPool::Buffer{std::move(entry.data), entry.capacity});
}

std::size_t Bridge::remaining_records(const Entry& entry) {
  return entry.retry_topic >= 0 ? 1 - entry.next_topic
                                : entry.decision->topics.size() - entry.next_topic;
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccepted: return "accepted";
    case Outcome::kFiltered: return "filtered";
    case Outcome::kBuffered: return "buffered";
    case Outcome::kDropped: return "dropped";
    case Outcome::kClosed: return "closed";
  }
  return "unknown";
}

Bridge::Bridge(Config config, std::unique_ptr<Transport> transport)
    : config_((config.validate(), std::move(config))),
      router_(config_),
      transport_(std::move(transport)),
      instance_(format_uuid(random_uuid())),
      source_(config_.source_id.empty() ? host_name() : config_.source_id),
      pool_(std::make_unique<BufferPool>()) {
  if (!transport_) throw ConfigError("transport", "no transport given");
  topic_spec_.partitions = config_.topic_partitions;
  topic_spec_.replication_factor = config_.topic_replication_factor;
  topic_spec_.config = config_.topic_config;
  {
    // The same calls write_envelope_head makes, so the bytes are the same.
    auto writer = make_writer(Format::kMsgpack);
    writer->begin_map(kEnvelopeFields);
    writer->key("version");
    writer->int64(kEnvelopeVersion);
    writer->key("id");
    head_prefix_.assign(writer->view());
    writer->clear();
    writer->key("instance");
    writer->string(instance_);
    writer->key("source");
    writer->string(source_);
    writer->key("content");
    head_suffix_.assign(writer->view());
  }
  transport_->set_delivery_handler([this](const DeliveryReport& report) { on_delivery(report); });
  service_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "eb-service");  // visible in /proc, top, gdb
    service_loop();
  });
  log().info("bridge {} started: {} -> {}, format {}", instance_, source_, transport_->describe(),
             to_string(config_.format));
}

Bridge::~Bridge() { close(0); }

void Bridge::write_head(Writer& writer, const EnvelopeFields& fields) const {
  MessageBuffer* const out = writer.msgpack_buffer();
  if (out == nullptr) return write_envelope_head(writer, fields);
  const auto append = [out](const std::string& bytes) {
    std::memcpy(out->room(bytes.size()), bytes.data(), bytes.size());
    out->commit(bytes.size());
  };
  char id[36];
  format_uuid(fields.id, id);
  char timestamp[27];
  format_timestamp(fields.timestamp_us, timestamp);
  append(head_prefix_);
  msgpack_out::str(*out, std::string_view(id, sizeof id));
  msgpack_out::str(*out, "name");
  msgpack_out::str(*out, fields.name);
  msgpack_out::str(*out, "timestamp");
  msgpack_out::str(*out, std::string_view(timestamp, sizeof timestamp));
  msgpack_out::str(*out, "seq");
  writer.uint64(fields.seq);
  append(head_suffix_);
}

Outcome Bridge::publish(std::string_view name, const EventMeta& meta, ContentSource& content) {
  received_.fetch_add(1, std::memory_order_relaxed);
  if (closed_.load(std::memory_order_acquire)) {
    dropped_after_close_.fetch_add(1, std::memory_order_relaxed);
    return Outcome::kClosed;
  }
  std::shared_ptr<const RouteDecision> decision = router_.decide(name);
  if (!decision->passes || decision->topics.empty()) {  // no topic: nothing to publish
    filtered_.fetch_add(1, std::memory_order_relaxed);
    return Outcome::kFiltered;
  }

  EventMeta completed = meta;
  content.complete(completed);
  EnvelopeFields fields;
  fields.id = completed.id ? *completed.id : random_uuid();
  fields.timestamp_us = completed.timestamp_us ? *completed.timestamp_us : now_us();
  fields.name = name;
  fields.instance = instance_;
  fields.source = source_;
  // Taken here, before the hand-over, so that a later drop leaves a visible gap.
  fields.seq = seq_.fetch_add(1, std::memory_order_relaxed) + 1;

  Writer& writer = thread_writer(config_.format);
  write_head(writer, fields);
  content.write(writer, config_.max_depth, normalization_);
  write_envelope_tail(writer);
  if (writer.size() > config_.max_message_bytes) {
    const std::size_t size = writer.size();
    oversize_.fetch_add(1, std::memory_order_relaxed);
    log().warn("event {} seq {}: {} bytes encoded, over max_message_bytes {}; published a marker",
               name, fields.seq, size, config_.max_message_bytes);
    writer.clear();
    write_head(writer, fields);
    OversizeMarker marker(size, config_.max_message_bytes);
    marker.write(writer, config_.max_depth, normalization_);
    write_envelope_tail(writer);
  }

  // The key before the copy, so that envelope and key share one allocation; the scratch
  // string keeps its capacity from one event to the next.
  thread_local std::string key;
  key.clear();
  content.find_key(*decision->key_paths, key);
  Entry entry;
  entry.decision = std::move(decision);
  entry.seq = fields.seq;
  fill(entry, writer.view(), key);
  return enqueue(std::move(entry));
}

Outcome Bridge::enqueue(Entry&& entry, bool count_published) {
  const std::size_t bytes = entry.size() + kEntryOverhead;
  bool wake = false;
  std::uint64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      if (count_published) dropped_after_close_.fetch_add(1, std::memory_order_relaxed);
      return Outcome::kClosed;
    }
    // An empty buffer always takes the event: every event within max_message_bytes
    // must be able to pass, whatever the per-entry overhead.
    while (!buffer_.empty() && (buffer_.size() >= config_.buffer_max_events ||
                                buffer_bytes_ + bytes > config_.buffer_max_bytes)) {
      if (config_.overflow_policy == OverflowPolicy::kDropNewest) {
        dropped_buffer_full_.fetch_add(1, std::memory_order_relaxed);
        note_drop_locked(entry.seq);
        return Outcome::kDropped;
      }
      Entry& oldest = buffer_.front();
      // Also an event already on some of its topics: it misses the others.
      if (oldest.retry_topic < 0) note_drop_locked(oldest.seq);
      buffer_bytes_ -= oldest.size() + kEntryOverhead;
      buffer_records_ -= remaining_records(oldest);
      buffer_.pop_front();
      ++dropped;
    }
    buffer_bytes_ += bytes;
    buffer_records_ += remaining_records(entry);
    buffer_.push_back(std::move(entry));
    wake = service_sleeping_;
  }
  if (dropped) dropped_buffer_full_.fetch_add(dropped, std::memory_order_relaxed);
  if (count_published) published_.fetch_add(1, std::memory_order_relaxed);
  if (wake) wake_.notify_one();
  const bool holding = holding_back_.load(std::memory_order_relaxed) ||
                       transport_->connection() == ConnectionState::kDown;
  return holding ? Outcome::kBuffered : Outcome::kAccepted;
}

void Bridge::note_drop_locked(std::uint64_t seq) {
  if (seq == 0) return;  // a retry of a record, already counted as published
  if (gap_.count == 0 || seq < gap_.from) gap_.from = seq;
  if (gap_.count == 0 || seq > gap_.to) gap_.to = seq;
  ++gap_.count;
}

namespace {

class GapContent final : public ContentSource {
 public:
  GapContent(std::uint64_t from, std::uint64_t to, std::uint64_t count)
      : from_(from), to_(to), count_(count) {}
  void write(Writer& writer, int, NormalizationCounters&) override {
    writer.begin_map(4);
    writer.key("from_seq");
    writer.uint64(from_);
    writer.key("to_seq");
    writer.uint64(to_);
    writer.key("count");
    writer.uint64(count_);
    writer.key("reason");
    writer.string("buffer_full");
    writer.end_map();
  }
  bool find_key(const std::vector<KeyPath>&, std::string&) override { return false; }

 private:
  std::uint64_t from_, to_, count_;
};

}  // namespace

// The pressure is over when the buffer has drained: report the drops in-band, on the
// verbose topic, as one record with a seq of its own.
void Bridge::publish_gap_if_due() {
  Gap gap;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (gap_.count == 0 || !buffer_.empty() || stopping_) return;
    gap = gap_;
    gap_ = Gap{};
  }
  log().warn("{} events dropped (buffer full), seq {}..{}; publishing a gap record", gap.count,
             gap.from, gap.to);
  EnvelopeFields fields;
  fields.id = random_uuid();
  fields.timestamp_us = now_us();
  fields.name = kGapEventName;
  fields.instance = instance_;
  fields.source = source_;
  fields.seq = seq_.fetch_add(1, std::memory_order_relaxed) + 1;
  Writer& writer = thread_writer(config_.format);
  write_head(writer, fields);
  GapContent content(gap.from, gap.to, gap.count);
  content.write(writer, config_.max_depth, normalization_);
  write_envelope_tail(writer);
  Entry entry;
  entry.decision = router_.verbose_only(kGapEventName);
  entry.seq = 0;  // never itself reported as a gap
  fill(entry, writer.view(), {});
  gap_records_.fetch_add(1, std::memory_order_relaxed);
  enqueue(std::move(entry), /*count_published=*/false);
}

void Bridge::wake_service() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
  }
  wake_.notify_one();
}

void Bridge::service_loop() {
  // Publishers never pay for a wake-up while events flow: the service thread checks the
  // buffer every kActivePollMs on its own, and only after kIdleMs without work does it
  // sleep deeply and ask to be woken (one notify for the first event after a pause).
  constexpr auto kActivePoll = std::chrono::milliseconds(1);
  constexpr auto kIdle = std::chrono::milliseconds(50);
  constexpr auto kDeepSleep = std::chrono::milliseconds(100);
  auto last_work = Clock::now();
  for (;;) {
    const bool progressed = drain_once();
    transport_->poll(0);
    if (!progressed && !holding_back_.load(std::memory_order_relaxed) &&
        transport_->connection() != ConnectionState::kDown) {
      publish_gap_if_due();
    }
    if (progressed) {
      last_work = Clock::now();
      continue;
    }
    // Asked before taking the lock: the transport has locks of its own.
    const bool acks_outstanding = transport_->in_flight() > 0;
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_) break;
    if (!buffer_.empty() || acks_outstanding) {
      // Waiting on the broker (saturated, creating a topic, or acks outstanding):
      // serve delivery reports for a short while, then try again.
      lock.unlock();
      transport_->poll(holding_back_.load(std::memory_order_relaxed) ? 20 : 1);
      last_work = Clock::now();
      continue;
    }
    if (Clock::now() - last_work < kIdle) {
      wake_.wait_for(lock, kActivePoll, [this] { return stopping_; });
      continue;
    }
    service_sleeping_ = true;
    wake_.wait_for(lock, kDeepSleep, [this] { return stopping_ || !buffer_.empty(); });
    service_sleeping_ = false;
  }
}

bool Bridge::drain_once() {
  // The lock is held for as short a time as possible: a publisher (the Kytos event loop)
  // that finds it taken waits, and on a busy machine the service thread can be preempted
  // while holding it. In the common case the whole buffer is taken in O(1).
  std::deque<Entry> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t records = 0;
    if (buffer_.size() <= kBatchEvents && buffer_bytes_ <= kBatchBytes) {
      batch.swap(buffer_);
      records = buffer_records_;
      buffer_bytes_ = 0;
      buffer_records_ = 0;
    } else {  // a backlog: one batch of it
      std::size_t bytes = 0;
      while (!buffer_.empty() && batch.size() < kBatchEvents && bytes < kBatchBytes) {
        Entry& front = buffer_.front();
        const std::size_t size = front.size() + kEntryOverhead;
        const std::size_t entry_records = remaining_records(front);
        bytes += size;
        buffer_bytes_ -= size;
        buffer_records_ -= entry_records;
        records += entry_records;
        batch.push_back(std::move(front));
        buffer_.pop_front();
      }
    }
    // Published under the same lock that took the records out of the buffer, so
    // that undelivered() never misses them.
    batch_records_.store(records, std::memory_order_release);
  }
  if (batch.empty()) return false;
  std::size_t done = 0;
  while (done < batch.size() && produce_entry(batch[done])) ++done;
  // Transports copy what produce() takes (Transport::produce): the buffers are free again.
  for (std::size_t i = 0; i < done; ++i) recycle(batch[i]);
  if (done < batch.size()) {
    holding_back_.store(true, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = batch.size(); i-- > done;) {
      buffer_bytes_ += batch[i].size() + kEntryOverhead;
      buffer_records_ += remaining_records(batch[i]);
      buffer_.push_front(std::move(batch[i]));
    }
    batch_records_.store(0, std::memory_order_release);
  } else {
    // Stored only on a change: the publishing thread reads it for every event.
    if (holding_back_.load(std::memory_order_relaxed)) {
      holding_back_.store(false, std::memory_order_relaxed);
    }
    // Every record of the batch is in the transport (in_flight) before this store, so
    // undelivered() (acquire load, then in_flight) may count one twice, never miss it.
    batch_records_.store(0, std::memory_order_release);
  }
  return done > 0;
}

bool Bridge::produce_entry(Entry& entry) {
  const RouteDecision& decision = *entry.decision;
  const std::size_t topics = entry.retry_topic >= 0 ? 1 : decision.topics.size();
  while (entry.next_topic < topics) {
    const std::uint32_t index =
        entry.retry_topic >= 0 ? static_cast<std::uint32_t>(entry.retry_topic)
                               : decision.topics[entry.next_topic];
    const std::string& topic = router_.topic(index);
    if (config_.create_topics) {
      if (topic_states_.size() <= index) topic_states_.resize(index + 1, TopicState::kPending);
      if (topic_states_[index] == TopicState::kPending) {
        std::string reason;
        const TopicState state = transport_->ensure_topic(topic, topic_spec_, &reason);
        if (state == TopicState::kPending) return false;
        topic_states_[index] = state;
        if (state == TopicState::kFailed) {
          topic_create_failures_.fetch_add(1, std::memory_order_relaxed);
          note_error(topic, DeliveryError{ErrorClass::kTerminal, "TOPIC_CREATE_FAILED", reason});
          log().error("creating topic {} failed: {}; producing to it anyway", topic, reason);
        }
      }
    }
    OutboundRecord record;
    record.topic_index = index;
    record.topic = topic;
    record.key = entry.key();
    record.payload = entry.payload();
    record.event_name = decision.name;
    record.content_type = content_type(config_.format);
    const ProduceResult result = transport_->produce(record);
    switch (result.status) {
      case ProduceStatus::kQueued:
        produced_.fetch_add(1, std::memory_order_relaxed);
        break;
      case ProduceStatus::kQueueFull:
        return false;
      case ProduceStatus::kFailed:
        failed_terminal_.fetch_add(1, std::memory_order_relaxed);
        note_error(topic, result.error);
        break;
    }
    ++entry.next_topic;
  }
  return true;
}

void Bridge::on_delivery(const DeliveryReport& report) {
  if (report.ok) {
    delivered_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (closing_.load(std::memory_order_relaxed) && report.error.code == "PURGED") {
    dropped_closed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::string topic(report.topic);
  note_error(topic, report.error);
  if (report.error.error_class == ErrorClass::kTerminal) {
    failed_terminal_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (closing_.load(std::memory_order_relaxed)) {
    // No service thread will produce a retry any more: what close() leaves is dropped_closed.
    dropped_closed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  failed_retriable_.fetch_add(1, std::memory_order_relaxed);
  // Only reached once the transport gave up on its own retries (a finite
  // message.timeout.ms): produce it again, from the front of the buffer.
  Entry retry;
  retry.decision = router_.decide(report.event_name);
  fill(retry, report.payload, report.key);
  retry.retry_topic = -1;
  for (std::uint32_t index : retry.decision->topics) {
    if (router_.topic(index) == report.topic) retry.retry_topic = static_cast<std::int32_t>(index);
  }
  if (retry.retry_topic < 0) {  // the routes no longer name this topic: give up, counted
    failed_terminal_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  retried_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mutex_);
  buffer_bytes_ += retry.size() + kEntryOverhead;
  buffer_records_ += remaining_records(retry);
  buffer_.push_front(std::move(retry));
}

void Bridge::note_error(const std::string& topic, const DeliveryError& error) {
  const std::uint64_t count =
      failed_terminal_.load(std::memory_order_relaxed) + failed_retriable_.load(std::memory_order_relaxed);
  if (count < 10 || count % 1000 == 0) {
    log().warn("topic {}: {} error {}: {}", topic,
               error.error_class == ErrorClass::kTerminal ? "terminal" : "retriable", error.code,
               error.reason);
  }
  std::lock_guard<std::mutex> lock(errors_mutex_);
  last_errors_.push_back(DeliveryErrorRecord{topic, error.code, error.reason, now_us(),
                                             error.error_class == ErrorClass::kTerminal});
  while (last_errors_.size() > kMaxLastErrors) last_errors_.pop_front();
}

std::size_t Bridge::undelivered() const {
  std::size_t records = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    records = buffer_records_;  // O(1): flush() asks every 2 ms while publishers run
    if (gap_.count > 0) ++records;  // the gap record still to be published
    // Read under the lock that moves records between the buffer and the batch. A
    // record moves from the batch to the transport before the batch count is cleared,
    // so it may be counted twice for an instant, never missed.
    records += batch_records_.load(std::memory_order_acquire);
  }
  return records + transport_->in_flight();
}

std::size_t Bridge::flush(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  for (;;) {
    const std::size_t left = undelivered();
    if (left == 0 || Clock::now() >= deadline || closed()) return left;
    wake_service();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::size_t Bridge::close(int timeout_ms) {
  std::lock_guard<std::mutex> guard(close_mutex_);
  if (closed_.load(std::memory_order_acquire)) return close_result_;
  const std::uint64_t delivered_before = delivered_.load(std::memory_order_relaxed);
  flush(timeout_ms);
  closing_.store(true, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (service_.joinable()) service_.join();
  std::size_t left_in_buffer = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    left_in_buffer = buffer_records_;
    buffer_.clear();
    buffer_bytes_ = 0;
    buffer_records_ = 0;
  }
  dropped_closed_.fetch_add(left_in_buffer, std::memory_order_relaxed);
  const std::uint64_t purged_before = dropped_closed_.load(std::memory_order_relaxed);
  // Purged records come back as PURGED reports (dropped_closed_); any whose report the
  // transport could not serve are counted here, so that none goes unaccounted.
  const std::size_t unreported = transport_->close();
  dropped_closed_.fetch_add(unreported, std::memory_order_relaxed);
  const std::uint64_t purged = dropped_closed_.load(std::memory_order_relaxed) - purged_before;
  closed_.store(true, std::memory_order_release);
  close_result_ = left_in_buffer + static_cast<std::size_t>(purged);
  log().info("bridge {} closed: {} records delivered while closing, {} left undelivered",
             instance_, delivered_.load(std::memory_order_relaxed) - delivered_before,
             close_result_);
  return close_result_;
}

Stats Bridge::stats() const {
  Stats s;
  s.received = received_.load(std::memory_order_relaxed);
  s.filtered = filtered_.load(std::memory_order_relaxed);
  s.published = published_.load(std::memory_order_relaxed);
  s.produced = produced_.load(std::memory_order_relaxed);
  s.delivered = delivered_.load(std::memory_order_relaxed);
  s.failed_retriable = failed_retriable_.load(std::memory_order_relaxed);
  s.failed_terminal = failed_terminal_.load(std::memory_order_relaxed);
  s.retried = retried_.load(std::memory_order_relaxed);
  s.dropped_buffer_full = dropped_buffer_full_.load(std::memory_order_relaxed);
  s.dropped_closed = dropped_closed_.load(std::memory_order_relaxed);
  s.dropped_after_close = dropped_after_close_.load(std::memory_order_relaxed);
  s.oversize = oversize_.load(std::memory_order_relaxed);
  s.topic_create_failures = topic_create_failures_.load(std::memory_order_relaxed);
  s.gap_records = gap_records_.load(std::memory_order_relaxed);
  s.stringified_keys = normalization_.stringified_keys.load(std::memory_order_relaxed);
  s.repr_fallbacks = normalization_.repr_fallbacks.load(std::memory_order_relaxed);
  s.cycles = normalization_.cycles.load(std::memory_order_relaxed);
  s.depth_exceeded = normalization_.depth_exceeded.load(std::memory_order_relaxed);
  s.as_dict_errors = normalization_.as_dict_errors.load(std::memory_order_relaxed);
  s.value_errors = normalization_.value_errors.load(std::memory_order_relaxed);
  s.escaped_strs = normalization_.escaped_strs.load(std::memory_order_relaxed);
  s.big_integers = normalization_.big_integers.load(std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    s.buffered_events = buffer_.size();
    s.pending_gap_count = gap_.count;
    s.buffered_bytes = buffer_bytes_;
  }
  s.in_flight = transport_->in_flight();
  s.last_seq = seq_.load(std::memory_order_relaxed);
  s.topics = router_.topic_count();
  s.cached_names = router_.cached_names();
  s.connection = transport_->connection();
  s.closed = closed();
  s.instance = instance_;
  {
    std::lock_guard<std::mutex> lock(errors_mutex_);
    s.last_errors.assign(last_errors_.begin(), last_errors_.end());
  }
  return s;
}

}  // namespace event_bridge
