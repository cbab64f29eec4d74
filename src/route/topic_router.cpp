#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "event_bridge/errors.hpp"
#include "event_bridge/router.hpp"

namespace event_bridge {
namespace {

constexpr std::size_t kMaxTopicLength = 249;           // Kafka's limit
constexpr std::size_t kHashSuffixLength = 9;           // '-' and 8 hex digits
constexpr std::size_t kFirstCacheCapacity = 64;        // slots; a power of two
constexpr std::uint32_t kNoTopic = TopicRouter::kMaxTopics;
constexpr std::string_view kPrefixSample = "kytos.topology";

bool legal_topic_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// FNV-1a: the suffix of a cut topic name must be the same in every build and on every
// machine (consumers subscribe to it), which std::hash does not promise.
std::uint32_t stable_hash(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash = (hash ^ c) * 16777619u;
  }
  return hash;
}

std::size_t name_hash(std::string_view name) { return std::hash<std::string_view>{}(name); }

// A slot's tag is the name's hash with the low bit set, so that 0 can mean "empty".
std::uint64_t tag_of(std::size_t hash) { return static_cast<std::uint64_t>(hash) | 1u; }

std::string_view or_unknown(std::string_view part) { return part.empty() ? "unknown" : part; }

// How an event name maps to the NApp that emitted it (copied into docs/ROUTING.md):
//
//   * The name contains '/': <user> is the text before the first '/', <napp> the text
//     after it up to the first '.' (or the end).
//       kytos/topology.link_up                          -> kytos/topology
//       kytos/of_core.v0x04.messages.in.ofpt_packet_in  -> kytos/of_core
//       kytos/core.openflow.raw.in                      -> kytos/core
//       amlight/sdntrace_cp.trace                       -> amlight/sdntrace_cp
//   * Otherwise the name is split at '.': if the first segment is one of
//     Config::known_users and a second segment follows, they are <user> and <napp>;
//     if not, <user> is Config::default_user and <napp> is the first segment.
//       kytos.flow_manager.flows.install                -> kytos/flow_manager
//       topology.interruption.start                     -> kytos/topology
//   * An empty <user> or <napp> becomes "unknown" ("" -> kytos/unknown).
//
// The per-NApp topic is napp_topic_prefix + <user> + "." + <napp>, with every character
// outside [a-zA-Z0-9._-] replaced by '-' and names over 249 characters cut and ended
// with '-' and 8 hex digits of the FNV-1a hash of the uncut name:
//       "weird name!/x y.z"                             -> kytos.events.weird-name-.x-y
struct NappParts {
  std::string_view user;
  std::string_view napp;
};

NappParts split_napp(std::string_view name, const std::vector<std::string>& known_users,
                     std::string_view default_user) {
  std::string_view user;
  std::string_view napp;
  if (const auto slash = name.find('/'); slash != std::string_view::npos) {
    user = name.substr(0, slash);
    const auto rest = name.substr(slash + 1);
    napp = rest.substr(0, rest.find('.'));
  } else {
    const auto dot = name.find('.');
    const auto first = name.substr(0, dot);
    const bool known = dot != std::string_view::npos &&
                       std::find(known_users.begin(), known_users.end(), first) != known_users.end();
    if (known) {
      const auto rest = name.substr(dot + 1);
      user = first;
      napp = rest.substr(0, rest.find('.'));
    } else {
      user = default_user;
      napp = first;
    }
  }
  return {or_unknown(user), or_unknown(napp)};
}

std::string printable(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) {
    return std::string(1, c);
  }
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02x", byte);
  return buffer;
}

}  // namespace

// The name cache: an open-addressing hash table that only grows. A slot goes from empty
// to one decision exactly once and is never changed or removed afterwards, so readers
// probe it without a lock: the writer stores the decision, then the tag with release;
// a reader that loads the tag with acquire sees the complete decision.
//
// Only the writer (holding TopicRouter::mutex_) inserts. When the table would become
// more than half full it is copied into one twice the size, which is then published
// through snapshot_. Old tables stay alive until the router is destroyed, because a
// reader may still be probing them (it then misses and retries under the mutex). Their
// total size is below that of the newest table, so the cache stays O(kMaxCachedNames)
// in memory; copying the whole map on every miss would keep O(n^2) alive instead.
struct TopicRouter::Snapshot {
  struct Slot {
    std::atomic<std::uint64_t> tag{0};
    std::shared_ptr<const RouteDecision> decision;
  };

  explicit Snapshot(std::size_t capacity)
      : slots(std::make_unique<Slot[]>(capacity)), mask(capacity - 1) {}

  const std::shared_ptr<const RouteDecision>* find(std::string_view name, std::size_t hash) const {
    const std::uint64_t tag = tag_of(hash);
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const std::uint64_t seen = slots[i].tag.load(std::memory_order_acquire);
      if (seen == 0) {
        return nullptr;
      }
      if (seen == tag && slots[i].decision->name == name) {
        return &slots[i].decision;
      }
    }
  }

  // The caller keeps size < capacity / 2, so probing always reaches an empty slot.
  void insert(std::shared_ptr<const RouteDecision> decision, std::size_t hash) {
    std::size_t i = hash & mask;
    while (slots[i].tag.load(std::memory_order_relaxed) != 0) {
      i = (i + 1) & mask;
    }
    slots[i].decision = std::move(decision);
    slots[i].tag.store(tag_of(hash), std::memory_order_release);
    size.store(size.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  std::size_t capacity() const { return mask + 1; }

  std::unique_ptr<Slot[]> slots;
  std::size_t mask;
  std::atomic<std::size_t> size{0};
};

KeyPath KeyPath::parse(const std::string& text, const std::string& field) {
  if (text.empty()) {
    throw ConfigError(field, "empty key path");
  }
  KeyPath path;
  path.text = text;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    std::string segment = text.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (segment.empty()) {
      throw ConfigError(field, "key path '" + text + "' has an empty segment");
    }
    path.segments.push_back(std::move(segment));
    if (dot == std::string::npos) {
      return path;
    }
    start = dot + 1;
  }
}

TopicRouter::TopicRouter(const Config& config)
    : config_(config), filter_(config_.allow, config_.deny) {
  // Checked even when the verbose topic is off: it is where names go whose per-NApp
  // topic does not fit in kMaxTopics.
  check_topic(config_.verbose_topic, "verbose_topic");
  if (config_.napp_topics_enabled) {
    check_topic(config_.napp_topic_prefix + std::string(kPrefixSample), "napp_topic_prefix");
  }
  routes_.reserve(config_.routes.size());
  for (std::size_t i = 0; i < config_.routes.size(); ++i) {
    const RouteConfig& route = config_.routes[i];
    const std::string at = "routes[" + std::to_string(i) + "]";
    NamePattern pattern(route.pattern, at + ".pattern");
    check_topic(route.topic, at + ".topic");
    std::vector<KeyPath> key_paths;
    if (!route.key_path.empty()) {
      key_paths.push_back(KeyPath::parse(route.key_path, at + ".key_path"));
    }
    routes_.push_back(Route{std::move(pattern), kNoTopic, std::move(key_paths)});
  }
  for (std::size_t i = 0; i < config_.key_paths.size(); ++i) {
    default_key_paths_.push_back(
        KeyPath::parse(config_.key_paths[i], "key_paths[" + std::to_string(i) + "]"));
  }

  std::lock_guard lock(mutex_);
  if (config_.verbose_topic_enabled) {
    verbose_topic_ = topic_index_locked(config_.verbose_topic);
  }
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    routes_[i].topic = topic_index_locked(config_.routes[i].topic);
    if (routes_[i].topic == kNoTopic) {
      throw ConfigError("routes[" + std::to_string(i) + "].topic",
                        "more than " + std::to_string(kMaxTopics - 1) + " distinct route topics");
    }
  }
  auto first = std::make_unique<Snapshot>(kFirstCacheCapacity);
  snapshot_.store(first.get(), std::memory_order_release);
  snapshots_.push_back(std::move(first));
}

TopicRouter::~TopicRouter() = default;

std::shared_ptr<const RouteDecision> TopicRouter::verbose_only(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto decision = std::make_shared<RouteDecision>();
  decision->name = std::string(name);
  decision->passes = true;
  decision->topics.push_back(topic_index_locked(config_.verbose_topic));  // its slot is kept free
  decision->topic_names.push_back(config_.verbose_topic);
  return decision;
}

std::shared_ptr<const RouteDecision> TopicRouter::decide(std::string_view name) {
  const std::size_t hash = name_hash(name);
  if (const auto* hit = snapshot_.load(std::memory_order_acquire)->find(name, hash)) [[likely]] {
    return *hit;
  }

  std::lock_guard lock(mutex_);
  // Every snapshot is created non-const below; only this writer, under mutex_, changes it.
  auto* current = const_cast<Snapshot*>(snapshot_.load(std::memory_order_relaxed));
  if (const auto* hit = current->find(name, hash)) {
    return *hit;
  }
  auto decision = std::make_shared<const RouteDecision>(evaluate_locked(name, true));
  const std::size_t size = current->size.load(std::memory_order_relaxed);
  if (size >= kMaxCachedNames) {
    // Unbounded distinct names (a NApp putting ids into event names) must not grow
    // memory without limit; such names pay a filter evaluation per event instead.
    cache_overflows_.fetch_add(1, std::memory_order_relaxed);
    return decision;
  }
  if (2 * (size + 1) > current->capacity()) {
    auto grown = std::make_unique<Snapshot>(2 * current->capacity());
    for (std::size_t i = 0; i < current->capacity(); ++i) {
      const auto& slot = current->slots[i];
      if (slot.tag.load(std::memory_order_relaxed) != 0) {
        grown->insert(slot.decision, name_hash(slot.decision->name));
      }
    }
    grown->insert(decision, hash);
    snapshot_.store(grown.get(), std::memory_order_release);
    snapshots_.push_back(std::move(grown));
    return decision;
  }
  current->insert(decision, hash);
  return decision;
}

RouteDecision TopicRouter::evaluate(std::string_view name) const {
  std::lock_guard lock(mutex_);
  // With register_topics == false evaluate_locked() changes nothing; it is non-const
  // only because decide() shares it.
  return const_cast<TopicRouter*>(this)->evaluate_locked(name, false);
}

// Topic order: verbose, per-NApp, then each matching custom route in config order;
// a topic already in the list is not repeated.
//
// kMaxTopics bounds the topic table (and the topics the transport creates) when event
// names carry unbounded user/NApp parts. One slot is always kept for verbose_topic. A
// name whose per-NApp topic no longer fits goes to verbose_topic in its place (custom
// route topics were registered at construction and are kept), and topic_overflows_
// counts it; the decision is cached like any other, so the name stays there.
RouteDecision TopicRouter::evaluate_locked(std::string_view name, bool register_topics) {
  RouteDecision decision;
  decision.name.assign(name.data(), name.size());
  if (!filter_.passes(name)) {
    return decision;
  }
  decision.passes = true;

  std::vector<std::string> wanted;
  if (config_.verbose_topic_enabled) {
    wanted.push_back(config_.verbose_topic);
  }
  if (config_.napp_topics_enabled) {
    const NappParts parts = split_napp(name, config_.known_users, config_.default_user);
    std::string topic = config_.napp_topic_prefix;
    topic.append(parts.user).append(".").append(parts.napp);
    wanted.push_back(sanitize_topic(topic));
  }
  const std::vector<KeyPath>* key_paths = nullptr;
  for (const Route& route : routes_) {
    if (!route.pattern.matches(name)) {
      continue;
    }
    wanted.push_back(*topics_[route.topic]);
    if (key_paths == nullptr && !route.key_paths.empty()) {
      key_paths = &route.key_paths;
    }
  }
  decision.key_paths = key_paths != nullptr ? key_paths : &default_key_paths_;

  const std::size_t count = topic_count_.load(std::memory_order_relaxed);
  auto registered = [&](const std::string& topic) {
    for (std::size_t i = 0; i < count; ++i) {
      if (*topics_[i] == topic) {
        return true;
      }
    }
    return false;
  };
  const bool verbose_registered =
      verbose_topic_ < count && *topics_[verbose_topic_] == config_.verbose_topic;
  // Only used without registration: how many new topics would still fit.
  std::size_t room = kMaxTopics - count - (verbose_registered ? 0 : 1);

  bool overflow = false;
  for (std::string& topic : wanted) {
    std::uint32_t index = kNoTopic;
    bool fits = true;
    if (register_topics) {
      index = topic_index_locked(topic);
      fits = index != kNoTopic;
    } else if (topic != config_.verbose_topic && !registered(topic)) {
      fits = room > 0;
      room -= fits ? 1 : 0;
    }
    if (!fits) {
      overflow = true;
      topic = config_.verbose_topic;
      if (register_topics) {
        index = topic_index_locked(topic);  // never kNoTopic: its slot is kept free
      }
    }
    if (std::find(decision.topic_names.begin(), decision.topic_names.end(), topic) !=
        decision.topic_names.end()) {
      continue;
    }
    decision.topic_names.push_back(topic);
    if (register_topics) {
      decision.topics.push_back(index);
    }
  }
  if (overflow && register_topics) {
    topic_overflows_.fetch_add(1, std::memory_order_relaxed);
  }
  return decision;
}

// A linear scan: topics are few (one per NApp plus custom routes), this runs only on
// a cache miss, and kMaxTopics bounds it.
std::uint32_t TopicRouter::topic_index_locked(const std::string& topic) {
  const std::size_t count = topic_count_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < count; ++i) {
    if (*topics_[i] == topic) {
      return static_cast<std::uint32_t>(i);
    }
  }
  const bool is_verbose = topic == config_.verbose_topic;
  const bool verbose_registered =
      verbose_topic_ < count && *topics_[verbose_topic_] == config_.verbose_topic;
  const std::size_t reserved = (is_verbose || verbose_registered) ? 0 : 1;
  if (count + reserved >= kMaxTopics) {
    return kNoTopic;
  }
  topics_[count] = std::make_unique<std::string>(topic);
  if (is_verbose) {
    verbose_topic_ = static_cast<std::uint32_t>(count);
  }
  topic_count_.store(count + 1, std::memory_order_release);
  return static_cast<std::uint32_t>(count);
}

const std::string& TopicRouter::topic(std::uint32_t index) const {
  if (index >= topic_count_.load(std::memory_order_acquire)) {
    throw std::out_of_range("TopicRouter::topic: no topic with index " + std::to_string(index));
  }
  return *topics_[index];
}

std::size_t TopicRouter::cached_names() const {
  return snapshot_.load(std::memory_order_acquire)->size.load(std::memory_order_relaxed);
}

std::string TopicRouter::napp_of(std::string_view name, const std::vector<std::string>& known_users,
                                 const std::string& default_user) {
  const NappParts parts = split_napp(name, known_users, default_user);
  std::string out(parts.user);
  out.append("/").append(parts.napp);
  return out;
}

std::string TopicRouter::sanitize_topic(std::string_view name) {
  const bool cut = name.size() > kMaxTopicLength;
  std::string out(cut ? name.substr(0, kMaxTopicLength - kHashSuffixLength) : name);
  for (char& c : out) {
    if (!legal_topic_char(c)) {
      c = '-';
    }
  }
  if (cut) {
    char suffix[kHashSuffixLength + 1];
    std::snprintf(suffix, sizeof suffix, "-%08x", static_cast<unsigned>(stable_hash(name)));
    out.append(suffix, kHashSuffixLength);
  }
  return out;
}

void TopicRouter::check_topic(const std::string& topic, const std::string& field) {
  if (topic.empty()) {
    throw ConfigError(field, "empty topic name");
  }
  if (topic.size() > kMaxTopicLength) {
    throw ConfigError(field, "topic name is " + std::to_string(topic.size()) +
                                 " characters long; Kafka allows at most 249");
  }
  if (topic == "." || topic == "..") {
    throw ConfigError(field, "topic name '" + topic + "' is not allowed by Kafka");
  }
  for (char c : topic) {
    if (!legal_topic_char(c)) {
      throw ConfigError(field, "topic name '" + topic + "' has the illegal character '" +
                                   printable(c) + "'; Kafka allows [a-zA-Z0-9._-]");
    }
  }
}

}  // namespace event_bridge
