// Allow and deny lists of RE2 patterns over event names.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace event_bridge {

// Each pattern must match the whole event name, as Kytos matches its listeners
// (re.match with '$' appended). Deny wins; an empty allow list allows everything.
// Immutable after construction; passes() is thread-safe and uncached (the router
// caches verdicts per name).
class EventFilter {
 public:
  // Throws ConfigError("allow[i]"/"deny[i]", "invalid pattern '<p>': <RE2 message>").
  EventFilter(const std::vector<std::string>& allow, const std::vector<std::string>& deny);
  ~EventFilter();
  EventFilter(EventFilter&&) noexcept;
  EventFilter& operator=(EventFilter&&) noexcept;

  bool passes(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One compiled whole-name pattern, for custom routes.
class NamePattern {
 public:
  // Throws ConfigError(field, "invalid pattern ...").
  NamePattern(const std::string& pattern, const std::string& field);
  ~NamePattern();
  NamePattern(NamePattern&&) noexcept;
  NamePattern& operator=(NamePattern&&) noexcept;
  bool matches(std::string_view name) const;
  const std::string& pattern() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace event_bridge
