#include "pipeline/buffer_pool.hpp"

#include <bit>

namespace event_bridge {

std::size_t BufferPool::capacity_for(std::size_t size) {
  if (size <= kMinCapacity) return kMinCapacity;
  if (size > kMaxPooled) return size;
  // 2^b >= size > 2^(b-1); classes 2^(b-1) * {5/4, 6/4, 7/4, 8/4}.
  const unsigned b = static_cast<unsigned>(std::bit_width(size - 1));
  const std::size_t quarter = std::size_t{1} << (b - 3);
  const std::size_t base = std::size_t{1} << (b - 1);
  const std::size_t steps = (size - base + quarter - 1) / quarter;  // 1..4
  return base + steps * quarter;
}

int BufferPool::class_of(std::size_t capacity) {
  if (capacity < kMinCapacity || capacity > kMaxPooled) return -1;
  if (capacity == kMinCapacity) return 0;
  const unsigned b = static_cast<unsigned>(std::bit_width(capacity - 1));
  const std::size_t quarter = std::size_t{1} << (b - 3);
  const std::size_t base = std::size_t{1} << (b - 1);
  if ((capacity - base) % quarter != 0) return -1;
  // b = 9 (257..512) is the first octave above kMinCapacity.
  const int index = 1 + static_cast<int>(b - 9) * 4 + static_cast<int>((capacity - base) / quarter) - 1;
  return index < kClasses ? index : -1;
}

BufferPool::Buffer BufferPool::take(std::size_t size) {
  const std::size_t capacity = capacity_for(size);
  const int index = class_of(capacity);
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
