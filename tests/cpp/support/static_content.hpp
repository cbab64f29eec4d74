// A ContentSource with fixed content: {"id": <id>} (plus {"pad": "xxx..."} when asked
// for a large event) and a fixed message key.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "event_bridge/bridge.hpp"

namespace event_bridge::test_support {

class StaticContent final : public ContentSource {
 public:
  // An empty `key` means the event has no key.
  explicit StaticContent(std::string id = "link-1", std::string key = "link-1",
                         std::size_t padding = 0)
      : id_(std::move(id)), key_(std::move(key)), padding_(padding, 'x') {}

  void write(Writer& writer, int, NormalizationCounters&) override {
    writer.begin_map(padding_.empty() ? 1 : 2);
    writer.key("id");
    writer.string(id_);
    if (!padding_.empty()) {
      writer.key("pad");
      writer.string(padding_);
    }
    writer.end_map();
  }

  bool find_key(const std::vector<KeyPath>&, std::string& key) override {
    if (key_.empty()) return false;
    key = key_;
    return true;
  }

 private:
  std::string id_;
  std::string key_;
  std::string padding_;
};

}  // namespace event_bridge::test_support
