// A scriptable stand-in for the broker behind the Transport interface.
//
// The test keeps a std::shared_ptr<FakeBroker>, scripts it (queue full, refusals,
// failed deliveries, topics that stay pending, the connection state, a produce call
// that blocks) and reads back copies of what was produced. The Bridge owns a
// FakeTransport that forwards to the same FakeBroker, so the broker outlives the bridge
// and can still be inspected after the bridge is gone.
//
// Thread-safety: every FakeBroker method may be called from any thread. The Transport
// methods are called by the bridge's service thread (and by close()); in_flight() and
// connection() never take the lock, as the Transport contract asks of them. Delivery
// reports are handed to the bridge without holding the lock: the bridge calls
// in_flight() while holding its own buffer mutex, and its delivery handler takes that
// mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "event_bridge/transport.hpp"

namespace event_bridge::test_support {

// A copy of one OutboundRecord the transport accepted (kQueued).
struct ProducedRecord {
  std::uint32_t topic_index = 0;
  std::string topic;
  std::string key;
  std::string payload;
  std::string event_name;
  std::string content_type;
};

class FakeBroker {
 public:
  // A produce call blocked by block_next_produce() waits at most this long, so that a
  // test that forgets release_produce() fails instead of hanging.
  static constexpr std::chrono::milliseconds kGateLimit{5000};

  // What the broker will do. Each takes effect from the next call it concerns.

  // The next `calls` produce calls answer kQueueFull (nothing is taken).
  void answer_queue_full(std::size_t calls) {
    change([&] { queue_full_calls_ += calls; });
  }
  // While on, every produce call answers kQueueFull.
  void set_queue_full(bool on) {
    change([&] { queue_full_ = on; });
  }
  // The next `calls` produce calls answer kFailed with `error` (no report follows).
  void refuse_next(std::size_t calls, DeliveryError error) {
    change([&] {
      refuse_calls_ += calls;
      refuse_error_ = std::move(error);
    });
  }
  // The next `reports` delivery reports are failures with `error`.
  void fail_next_deliveries(std::size_t reports, DeliveryError error) {
    change([&] {
      fail_reports_ += reports;
      fail_error_ = std::move(error);
    });
  }
  // While on, accepted records stay in flight: poll() and flush() report nothing.
  // At close(), what is in flight is reported with `error` instead of PURGED.
  void close_with(DeliveryError error) {
    change([&] { close_error_ = std::move(error); });
  }
  // At close(), the last `records` in flight get no report at all (as when librdkafka's
  // handle goes before their reports are served); close() returns that count.
  void leave_unreported_at_close(std::size_t records) {
    change([&] { unreported_at_close_ = records; });
  }
  void hold_deliveries(bool on) {
    change([&] { holding_deliveries_ = on; });
  }
  // While on, poll() returns at once instead of waiting for a report (as librdkafka's
  // does when other events, such as errors, keep arriving): the service thread spins.
  void set_poll_returns_at_once(bool on) {
    change([&] { poll_returns_at_once_ = on; });
  }
  // ensure_topic(topic) answers kPending until release_topic(topic).
  void hold_topic(const std::string& topic) {
    change([&] { held_topics_.insert(topic); });
  }
  void release_topic(const std::string& topic) {
    change([&] { held_topics_.erase(topic); });
  }
  // ensure_topic(topic) answers kFailed with `reason`.
  void fail_topic(const std::string& topic, const std::string& reason) {
    change([&] { failed_topics_[topic] = reason; });
  }
  void set_connection(ConnectionState state) {
    connection_.store(state, std::memory_order_relaxed);
    change([] {});
  }
  // The next produce call blocks, before deciding its answer, until release_produce().
  // The answer follows the script as it is when released.
  void block_next_produce() {
    change([&] { block_next_ = true; });
  }
  // True once a produce call is waiting at the gate.
  bool wait_produce_blocked(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return blocked_; });
  }
  void release_produce() {
    change([&] { gate_open_ = true; });
  }

  // What the broker saw.

  std::vector<ProducedRecord> records() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return records_;
  }
  std::vector<ProducedRecord> records(const std::string& topic) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<ProducedRecord> out;
    for (const ProducedRecord& record : records_) {
      if (record.topic == topic) out.push_back(record);
    }
    return out;
  }
  std::size_t record_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return records_.size();
  }
  std::size_t produce_calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return produce_calls_;
  }
  std::size_t ensure_topic_calls(const std::string& topic) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = ensure_calls_.find(topic);
    return it == ensure_calls_.end() ? 0 : it->second;
  }
  std::size_t reports_ok() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reports_ok_;
  }
  std::size_t reports_failed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reports_failed_;
  }
  std::size_t close_calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return close_calls_;
  }
  bool gate_timed_out() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return gate_timed_out_;
  }
  std::size_t in_flight() const { return in_flight_.load(std::memory_order_acquire); }
  ConnectionState connection() const { return connection_.load(std::memory_order_relaxed); }

 private:
  friend class FakeTransport;

  // A record in flight; owns the bytes the delivery report points into.
  struct Pending {
    ProducedRecord record;
    void* opaque = nullptr;
  };
  struct Due {
    Pending pending;
    bool ok = true;
    DeliveryError error;
  };

  template <class Change>
  void change(Change&& apply) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      apply();
    }
    changed_.notify_all();
  }

  void set_delivery_handler(Transport::DeliveryHandler handler) {
    std::lock_guard<std::mutex> lock(mutex_);
    handler_ = std::move(handler);
  }

  ProduceResult produce(const OutboundRecord& record) {
    std::unique_lock<std::mutex> lock(mutex_);
    ++produce_calls_;
    if (block_next_) {
      block_next_ = false;
      blocked_ = true;
      gate_open_ = false;
      changed_.notify_all();
      if (!changed_.wait_for(lock, kGateLimit, [&] { return gate_open_; })) gate_timed_out_ = true;
      blocked_ = false;
    }
    ProduceResult result;
    if (closed_) {
      result.status = ProduceStatus::kFailed;
      result.error = {ErrorClass::kTerminal, "CLOSED", "fake transport closed"};
      return result;
    }
    if (queue_full_ || queue_full_calls_ > 0) {
      if (queue_full_calls_ > 0) --queue_full_calls_;
      result.status = ProduceStatus::kQueueFull;
      return result;
    }
    if (refuse_calls_ > 0) {
      --refuse_calls_;
      result.status = ProduceStatus::kFailed;
      result.error = refuse_error_;
      return result;
    }
    ProducedRecord copy{record.topic_index,
                        std::string(record.topic),
                        std::string(record.key),
                        std::string(record.payload),
                        std::string(record.event_name),
                        std::string(record.content_type)};
    records_.push_back(copy);
    in_flight_records_.push_back(Pending{std::move(copy), record.opaque});
    in_flight_.fetch_add(1, std::memory_order_release);
    lock.unlock();
    changed_.notify_all();
    return result;
  }

  // Reports what is due; waits up to timeout_ms for something to become due.
  void poll(int timeout_ms) {
    std::vector<Due> due;
    Transport::DeliveryHandler handler;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      auto deliverable = [&] { return !holding_deliveries_ && !in_flight_records_.empty(); };
      if (!deliverable() && timeout_ms > 0 && !poll_returns_at_once_) {
        changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), deliverable);
      }
      if (!deliverable()) return;
      while (!in_flight_records_.empty()) {
        Due item{std::move(in_flight_records_.front()), true, {}};
        in_flight_records_.pop_front();
        if (fail_reports_ > 0) {
          --fail_reports_;
          item.ok = false;
          item.error = fail_error_;
          ++reports_failed_;
        } else {
          ++reports_ok_;
        }
        due.push_back(std::move(item));
      }
      handler = handler_;
    }
    deliver(due, handler);
  }

  void deliver(const std::vector<Due>& due, const Transport::DeliveryHandler& handler) {
    for (const Due& item : due) {
      DeliveryReport report;
      report.ok = item.ok;
      if (!item.ok) report.error = item.error;
      report.topic = item.pending.record.topic;
      report.event_name = item.pending.record.event_name;
      report.key = item.pending.record.key;
      report.payload = item.pending.record.payload;
      report.opaque = item.pending.opaque;
      if (handler) handler(report);
      // Counted out only once the handler has run, as librdkafka does with its
      // delivery-report queue, so a retry is never invisible to in_flight() callers.
      in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    }
    changed_.notify_all();
  }

  TopicState ensure_topic(const std::string& topic, std::string* failure_reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++ensure_calls_[topic];
    if (held_topics_.count(topic)) return TopicState::kPending;
    auto failed = failed_topics_.find(topic);
    if (failed != failed_topics_.end()) {
      if (failure_reason) *failure_reason = failed->second;
      return TopicState::kFailed;
    }
    return TopicState::kReady;
  }

  void flush(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (in_flight() > 0 && std::chrono::steady_clock::now() < deadline) poll(1);
  }

  // Purges what is in flight: each record gets a failed report (PURGED unless
  // close_with() said otherwise), but for the unreported ones, whose count it returns.
  std::size_t close() {
    std::vector<Due> due;
    Transport::DeliveryHandler handler;
    std::size_t unreported = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++close_calls_;
      if (closed_) return 0;
      closed_ = true;
      while (!in_flight_records_.empty()) {
        if (in_flight_records_.size() <= unreported_at_close_) {
          unreported = in_flight_records_.size();
          in_flight_records_.clear();
          break;
        }
        due.push_back(Due{std::move(in_flight_records_.front()), false, close_error_});
        in_flight_records_.pop_front();
        ++reports_failed_;
      }
      if (unreported) in_flight_.fetch_sub(unreported, std::memory_order_acq_rel);
      handler = handler_;
    }
    deliver(due, handler);
    return unreported;
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Transport::DeliveryHandler handler_;

  std::size_t queue_full_calls_ = 0;
  bool queue_full_ = false;
  std::size_t refuse_calls_ = 0;
  DeliveryError refuse_error_;
  std::size_t fail_reports_ = 0;
  DeliveryError fail_error_;
  bool holding_deliveries_ = false;
  bool poll_returns_at_once_ = false;
  std::set<std::string> held_topics_;
  std::map<std::string, std::string> failed_topics_;
  bool block_next_ = false;
  bool blocked_ = false;
  bool gate_open_ = false;
  bool gate_timed_out_ = false;

  std::vector<ProducedRecord> records_;
  std::deque<Pending> in_flight_records_;
  std::map<std::string, std::size_t> ensure_calls_;
  std::size_t produce_calls_ = 0;
  std::size_t reports_ok_ = 0;
  std::size_t reports_failed_ = 0;
  std::size_t close_calls_ = 0;
  DeliveryError close_error_{ErrorClass::kTerminal, "PURGED", "purged by close()"};
  std::size_t unreported_at_close_ = 0;
  bool closed_ = false;

  std::atomic<std::size_t> in_flight_{0};
  std::atomic<ConnectionState> connection_{ConnectionState::kUp};
};

// The Transport the Bridge owns; every call goes to the shared FakeBroker.
class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::shared_ptr<FakeBroker> broker) : broker_(std::move(broker)) {}

  void set_delivery_handler(DeliveryHandler handler) override {
    broker_->set_delivery_handler(std::move(handler));
  }
  ProduceResult produce(const OutboundRecord& record) override { return broker_->produce(record); }
  void poll(int timeout_ms) override { broker_->poll(timeout_ms); }
  TopicState ensure_topic(const std::string& topic, const TopicSpec&,
                          std::string* failure_reason) override {
    return broker_->ensure_topic(topic, failure_reason);
  }
  std::size_t in_flight() const override { return broker_->in_flight(); }
  ConnectionState connection() const override { return broker_->connection(); }
  void flush(int timeout_ms) override { broker_->flush(timeout_ms); }
  std::size_t close() override { return broker_->close(); }
  std::string describe() const override { return "fake broker"; }

 private:
  std::shared_ptr<FakeBroker> broker_;
};

}  // namespace event_bridge::test_support
