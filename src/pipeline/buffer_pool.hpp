// Envelope buffers recycled between the publishing thread and the service thread.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace event_bridge {

// An envelope (~1 KB) is over glibc's per-thread cache limit, and the service thread
// frees what the publishing thread allocated: a plain new/delete per event costs more
// than the hand-over itself. Buffers come in size classes a quarter octave apart (at
// most 25% over the request), and up to kMaxPooledBytes of them are kept for reuse.
// Thread-safe: take() and give_back() may be called from any thread.
class BufferPool {
 public:
  struct Buffer {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
  };
  static constexpr std::size_t kMinCapacity = 256;
  static constexpr std::size_t kMaxPooled = 64 * 1024;  // larger buffers are not kept
  // What the pool keeps at most, all classes together: a service-thread batch (up to
  // 512 events) of medium events fits several times over.
  static constexpr std::size_t kMaxPooledBytes = 4u << 20;

  // A buffer of at least `size` bytes (its capacity: the class size); never fails but by
  // std::bad_alloc.
  Buffer take(std::size_t size);
  // Keeps the buffer for reuse, or frees it when its class is full.
  void give_back(Buffer&& buffer);
  // The bytes of the buffers kept for reuse now.
  std::size_t pooled_bytes() const;
  // The capacity take(size) gives.
  static std::size_t capacity_for(std::size_t size);

 private:
  static int class_of(std::size_t capacity);  // -1: not pooled
  static constexpr int kClasses = 4 * 8 + 1;  // 256 B .. 64 KiB, quarter octaves
  mutable std::mutex mutex_;
  std::vector<Buffer> free_[kClasses];
  std::size_t pooled_bytes_ = 0;
};

}  // namespace event_bridge
