#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "event_bridge/errors.hpp"
#include "event_bridge/filter.hpp"

namespace event_bridge {
namespace {

RE2::Options pattern_options() {
  RE2::Options options;
  // A bad pattern is reported once, as a ConfigError; RE2 must not also log it.
  options.set_log_errors(false);
  return options;
}

// Kytos users write patterns for Python's `re`. RE2's message for the constructs it
// lacks ("invalid escape sequence: \1") does not say why, so name the feature.
std::string python_hint(const RE2& re, const std::string& pattern) {
  const std::string& arg = re.error_arg();
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      if (arg.size() == 2 && arg[0] == '\\' && arg[1] >= '1' && arg[1] <= '9') {
        return " (RE2 has no backreferences)";
      }
      return {};
    case RE2::ErrorBadPerlOp:
      if (arg == "(?=" || arg == "(?!" || pattern.find("(?<=") != std::string::npos ||
          pattern.find("(?<!") != std::string::npos) {
        return " (RE2 has no lookahead or lookbehind)";
      }
      if (pattern.find("(?P=") != std::string::npos) {
        return " (RE2 has no backreferences)";
      }
      if (arg == "(?<") {
        return " (RE2 names groups as (?P<name>...))";
      }
      return {};
    default:
      return {};
  }
}

std::unique_ptr<RE2> compile(const std::string& pattern, const std::string& field) {
  auto re = std::make_unique<RE2>(pattern, pattern_options());
  if (!re->ok()) {
    throw ConfigError(field,
                      "invalid pattern '" + pattern + "': " + re->error() + python_hint(*re, pattern));
  }
  return re;
}

bool full_match(const RE2& re, std::string_view name) {
  return RE2::FullMatch(re2::StringPiece(name.data(), name.size()), re);
}

// One list (allow or deny). Every pattern is compiled on its own so that an error names
// the pattern; matching goes through one RE2::Set (a single DFA pass for the whole
// list) and falls back to the patterns one by one if the Set cannot be built or its DFA
// runs out of memory.
class PatternList {
 public:
  PatternList(const std::vector<std::string>& patterns, const std::string& list_name) {
    patterns_.reserve(patterns.size());
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      patterns_.push_back(compile(patterns[i], list_name + "[" + std::to_string(i) + "]"));
    }
    if (patterns_.size() < 2) {
      return;
    }
    auto set = std::make_unique<RE2::Set>(pattern_options(), RE2::ANCHOR_BOTH);
    for (const auto& re : patterns_) {
      if (set->Add(re->pattern(), nullptr) < 0) {
        return;
      }
    }
    if (set->Compile()) {
      set_ = std::move(set);
    }
  }

  bool empty() const { return patterns_.empty(); }

  bool any(std::string_view name) const {
    if (set_) {
      RE2::Set::ErrorInfo error{RE2::Set::kNoError};
      if (set_->Match(re2::StringPiece(name.data(), name.size()), nullptr, &error)) {
        return true;
      }
      if (error.kind == RE2::Set::kNoError) {
        return false;
      }
    }
    for (const auto& re : patterns_) {
      if (full_match(*re, name)) {
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<RE2>> patterns_;
  std::unique_ptr<RE2::Set> set_;
};

}  // namespace

struct EventFilter::Impl {
  Impl(const std::vector<std::string>& allow_patterns, const std::vector<std::string>& deny_patterns)
      : allow(allow_patterns, "allow"), deny(deny_patterns, "deny") {}
  PatternList allow;
  PatternList deny;
};

EventFilter::EventFilter(const std::vector<std::string>& allow, const std::vector<std::string>& deny)
    : impl_(std::make_unique<Impl>(allow, deny)) {}
EventFilter::~EventFilter() = default;
EventFilter::EventFilter(EventFilter&&) noexcept = default;
EventFilter& EventFilter::operator=(EventFilter&&) noexcept = default;

bool EventFilter::passes(std::string_view name) const {
  if (impl_->deny.any(name)) {
    return false;
  }
  return impl_->allow.empty() || impl_->allow.any(name);
}

struct NamePattern::Impl {
  std::string pattern;
  std::unique_ptr<RE2> re;
};

NamePattern::NamePattern(const std::string& pattern, const std::string& field)
    : impl_(std::make_unique<Impl>(Impl{pattern, compile(pattern, field)})) {}
NamePattern::~NamePattern() = default;
NamePattern::NamePattern(NamePattern&&) noexcept = default;
NamePattern& NamePattern::operator=(NamePattern&&) noexcept = default;

bool NamePattern::matches(std::string_view name) const { return full_match(*impl_->re, name); }

const std::string& NamePattern::pattern() const { return impl_->pattern; }

}  // namespace event_bridge
