// Waiting for a condition that another thread makes true, with a deadline instead of a
// fixed sleep.
#pragma once

#include <chrono>
#include <thread>

namespace event_bridge::test_support {

// Polls `condition` every millisecond until it holds or `timeout` passes. Returns its
// last value.
template <class Condition>
bool eventually(Condition condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Milliseconds that `action` took.
template <class Action>
long long elapsed_ms(Action action) {
  const auto start = std::chrono::steady_clock::now();
  action();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace event_bridge::test_support
