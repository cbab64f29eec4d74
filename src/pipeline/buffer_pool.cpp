#include "pipeline/buffer_pool.hpp"

#include <bit>

namespace event_bridge {

namespace {

// Size classes: 256, then for each octave (2^(b-1), 2^b] the four quarters
// 2^(b-1) + k * 2^(b-3), k = 1..4. Shifts only: this runs once per event.
struct SizeClass {
  std::size_t capacity;
  int index;  // -1: not pooled
};

SizeClass size_class(std::size_t size) {
  if (size <= BufferPool::kMinCapacity) return {BufferPool::kMinCapacity, 0};
  if (size > BufferPool::kMaxPooled) return {size, -1};
  const unsigned b = static_cast<unsigned>(std::bit_width(size - 1));  // 9..16
  const unsigned shift = b - 3;
  const std::size_t base = std::size_t{1} << (b - 1);
  const std::size_t steps = ((size - base - 1) >> shift) + 1;  // 1..4
  return {base + (steps << shift), 1 + static_cast<int>(b - 9) * 4 + static_cast<int>(steps) - 1};
}

}  // namespace

std::size_t BufferPool::capacity_for(std::size_t size) { return size_class(size).capacity; }

int BufferPool::class_of(std::size_t capacity) {
  // Only exact class sizes come back (what take() handed out).
  const SizeClass c = size_class(capacity);
  return c.capacity == capacity ? c.index : -1;
}

BufferPool::Buffer BufferPool::take(std::size_t size) {
  const SizeClass c = size_class(size);
  const std::size_t capacity = c.capacity;
  const int index = c.index;
  if (index >= 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Buffer>& pool = free_[index];
    if (!pool.empty()) {
      Buffer buffer = std::move(pool.back());
      pool.pop_back();
      pooled_bytes_ -= buffer.capacity;
      return buffer;
    }
  }
  // new char[] leaves the bytes uninitialized: the caller writes what it uses.
  return Buffer{std::unique_ptr<char[]>(new char[capacity]), capacity};
}

std::size_t BufferPool::pooled_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pooled_bytes_;
}

void BufferPool::give_back(Buffer&& buffer) {
  const int index = buffer.data ? class_of(buffer.capacity) : -1;
  if (index < 0) return;  // freed with `buffer`
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pooled_bytes_ + buffer.capacity <= kMaxPooledBytes) {
      pooled_bytes_ += buffer.capacity;
      free_[index].push_back(std::move(buffer));
      return;
    }
  }
}

}  // namespace event_bridge
