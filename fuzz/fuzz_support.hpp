// What both fuzz targets share: writing a decoded Value back through a Writer, comparing
// Values (doubles bit for bit), and stopping with a readable report when a property fails.
#pragma once

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "event_bridge/envelope.hpp"
#include "event_bridge/writer.hpp"

namespace event_bridge::fuzz {

inline void write_value(Writer& writer, const Value& value) {
  struct Visit {
    Writer& w;
    void operator()(std::monostate) const { w.null(); }
    void operator()(bool b) const { w.boolean(b); }
    void operator()(std::int64_t i) const { w.int64(i); }
    void operator()(std::uint64_t u) const { w.uint64(u); }
    void operator()(double d) const { w.float64(d); }
    void operator()(const std::string& s) const { w.string(s); }
    void operator()(const Binary& b) const { w.binary(b.bytes.data(), b.bytes.size()); }
    void operator()(const ValueArray& a) const {
      w.begin_array(a.size());
      for (const Value& item : a) write_value(w, item);
      w.end_array();
    }
    void operator()(const ValueMap& m) const {
      w.begin_map(m.size());
      for (const auto& [key, item] : m) {
        w.key(key);
        write_value(w, item);
      }
      w.end_map();
    }
  };
  std::visit(Visit{writer}, value.v);
}

inline std::string printable(std::string_view bytes, std::size_t limit = 160) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (bytes.size() > limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

inline std::string describe(const Value& value) {
  struct Visit {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return "int64 " + std::to_string(i); }
    std::string operator()(std::uint64_t u) const { return "uint64 " + std::to_string(u); }
    std::string operator()(double d) const {
      char text[64];
      std::snprintf(text, sizeof text, "double %.17g (bits %016llx)", d,
                    static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(d)));
      return text;
    }
    std::string operator()(const std::string& s) const { return "str \"" + printable(s) + "\""; }
    std::string operator()(const Binary& b) const { return "bin \"" + printable(b.bytes) + "\""; }
    std::string operator()(const ValueArray& a) const {
      return "array of " + std::to_string(a.size());
    }
    std::string operator()(const ValueMap& m) const { return "map of " + std::to_string(m.size()); }
  };
  return std::visit(Visit{}, value.v);
}

namespace detail {

// The path of the first difference is built only when there is one: `trail` gets its
// segments innermost first.
inline bool same(const Value& a, const Value& b, std::vector<std::string>& trail) {
  auto differ = [&] {
    trail.push_back(": expected " + describe(a) + ", got " + describe(b));
    return false;
  };
  if (a.v.index() != b.v.index()) return differ();
  if (const auto* x = std::get_if<double>(&a.v)) {
    return std::bit_cast<std::uint64_t>(*x) == std::bit_cast<std::uint64_t>(std::get<double>(b.v))
               ? true
               : differ();
  }
  if (const auto* x = std::get_if<ValueArray>(&a.v)) {
    const auto& y = std::get<ValueArray>(b.v);
    if (x->size() != y.size()) return differ();
    for (std::size_t i = 0; i < x->size(); ++i) {
      if (!same((*x)[i], y[i], trail)) {
        trail.push_back("[" + std::to_string(i) + "]");
        return false;
      }
    }
    return true;
  }
  if (const auto* x = std::get_if<ValueMap>(&a.v)) {
    const auto& y = std::get<ValueMap>(b.v);
    if (x->size() != y.size()) return differ();
    for (std::size_t i = 0; i < x->size(); ++i) {
      const std::string& key = (*x)[i].first;
      if (key != y[i].first) {
        trail.push_back(" key: expected \"" + printable(key) + "\", got \"" +
                        printable(y[i].first) + "\"");
      } else if (same((*x)[i].second, y[i].second, trail)) {
        continue;
      }
      trail.push_back("{" + std::to_string(i) + ":" + printable(key, 40) + "}");
      return false;
    }
    return true;
  }
  return a == b ? true : differ();
}

}  // namespace detail

// Equal, doubles compared by their bits (NaN == NaN, 0.0 != -0.0). On the first
// difference, `where` gets its path and both sides.
inline bool same(const Value& a, const Value& b, std::string& where) {
  std::vector<std::string> trail;
  if (detail::same(a, b, trail)) return true;
  where = "$";
  for (auto it = trail.rbegin(); it != trail.rend(); ++it) where += *it;
  return false;
}

// A property failed: say which, show the bytes, and abort so that libFuzzer saves the input.
[[noreturn]] inline void fail(const char* property, const std::string& detail,
                              std::string_view bytes = {}) {
  std::fprintf(stderr, "\n*** property failed: %s\n    %s\n", property, detail.c_str());
  if (!bytes.empty()) {
    std::fprintf(stderr, "    bytes: %s\n", printable(bytes, 400).c_str());
  }
  std::abort();
}

}  // namespace event_bridge::fuzz
