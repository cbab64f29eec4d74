// Exceptions of the public API. Only construction and configuration throw; the publish
// path returns outcomes instead.
#pragma once

#include <stdexcept>
#include <string>

namespace event_bridge {

// Bad configuration. what() is "<field>: <reason>", e.g.
// "kafka.compression.codec: unknown value 'lz5'". Never carries a secret's value.
class ConfigError : public std::invalid_argument {
 public:
  ConfigError(std::string field, const std::string& reason)
      : std::invalid_argument(field + ": " + reason), field_(std::move(field)) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

// Bytes that are not a valid envelope of the given content type.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True when a configuration key names a secret whose value must never be shown
// (sasl.password, ssl.key.password, *.secret, ...).
bool is_secret_key(const std::string& key);

}  // namespace event_bridge
