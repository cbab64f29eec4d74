// Event name -> filter verdict, topics and key paths, cached per distinct name.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "event_bridge/config.hpp"
#include "event_bridge/filter.hpp"

namespace event_bridge {

// A dotted path into event content: "link.id" -> {"link", "id"}. Each segment is a
// dict key or, for objects, an attribute.
struct KeyPath {
  std::string text;
  std::vector<std::string> segments;
  static KeyPath parse(const std::string& text, const std::string& field);
};

inline const std::vector<KeyPath> kNoKeyPaths{};

struct RouteDecision {
  std::string name;
  bool passes = false;
  std::vector<std::uint32_t> topics;  // indices for TopicRouter::topic(); empty if !passes
  // The same topics by name, in the same order. TopicRouter::evaluate() registers no
  // topic, so it fills only topic_names and leaves `topics` empty.
  std::vector<std::string> topic_names;
  // Tried in order; the first scalar found is the key. Never null; points into the
  // router, which outlives every decision it made.
  const std::vector<KeyPath>* key_paths = &kNoKeyPaths;
};

// Topic naming (docs/ROUTING.md):
//   verbose:  Config::verbose_topic, every event that passes the filter;
//   per NApp: Config::napp_topic_prefix + "<user>.<napp>", where <user>/<napp> is
//             napp_of(name); custom routes add their own topic.
// Thread-safe. decide() is lock-free on a cache hit; a miss evaluates the filter and
// routes once under a mutex and publishes the decision into the cache.
class TopicRouter {
 public:
  static constexpr std::size_t kMaxCachedNames = 10000;
  static constexpr std::size_t kMaxTopics = 4096;

  // Throws ConfigError for an invalid pattern, topic name or key path.
  explicit TopicRouter(const Config& config);
  ~TopicRouter();
  TopicRouter(const TopicRouter&) = delete;
  TopicRouter& operator=(const TopicRouter&) = delete;

  std::shared_ptr<const RouteDecision> decide(std::string_view name);
  // The bridge's own records (gap records): the verbose topic only, whatever the filter
  // and even when verbose_topic_enabled is off. No key.
  std::shared_ptr<const RouteDecision> verbose_only(std::string_view name);
  // Uncached evaluation; registers no topic. For "what would happen to this name".
  RouteDecision evaluate(std::string_view name) const;

  const std::string& topic(std::uint32_t index) const;
  std::size_t topic_count() const { return topic_count_.load(std::memory_order_acquire); }
  std::size_t cached_names() const;
  std::uint64_t cache_overflows() const { return cache_overflows_.load(std::memory_order_relaxed); }
  // Decisions whose per-NApp topic did not fit in kMaxTopics and went to verbose_topic.
  std::uint64_t topic_overflows() const { return topic_overflows_.load(std::memory_order_relaxed); }

  // "kytos/topology.link_up" -> "kytos/topology"; "kytos.flow_manager.flows.install"
  // -> "kytos/flow_manager" (first segment a known user); "topology.interruption.start"
  // -> "<default_user>/topology"; "" or unparseable -> "<default_user>/unknown".
  static std::string napp_of(std::string_view name, const std::vector<std::string>& known_users,
                             const std::string& default_user);
  // Replaces every character outside [a-zA-Z0-9._-] with '-'; names over 249 characters
  // are cut and end in '-' and 8 hex digits of a hash of the whole name.
  static std::string sanitize_topic(std::string_view name);
  // Throws ConfigError(field, ...) unless `topic` is a legal Kafka topic name.
  static void check_topic(const std::string& topic, const std::string& field);

 private:
  struct Snapshot;
  struct Route {
    NamePattern pattern;
    std::uint32_t topic;
    std::vector<KeyPath> key_paths;
  };
  RouteDecision evaluate_locked(std::string_view name, bool register_topics);
  std::uint32_t topic_index_locked(const std::string& topic);

  Config config_;
  EventFilter filter_;
  std::vector<Route> routes_;
  std::vector<KeyPath> default_key_paths_;
  std::uint32_t verbose_topic_ = 0;

  std::unique_ptr<std::string> topics_[kMaxTopics];
  std::atomic<std::size_t> topic_count_{0};

  mutable std::mutex mutex_;  // guards misses, topics_ growth, snapshots_
  std::atomic<const Snapshot*> snapshot_{nullptr};
  std::vector<std::unique_ptr<const Snapshot>> snapshots_;
  std::atomic<std::uint64_t> cache_overflows_{0};
  std::atomic<std::uint64_t> topic_overflows_{0};
};

}  // namespace event_bridge
