// The envelope buffer pool: size classes, reuse, and the bound on what it keeps.
#include "pipeline/buffer_pool.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace event_bridge {
namespace {

TEST(BufferPool, CapacityIsTheClassAtMostAQuarterAbove) {
  EXPECT_EQ(BufferPool::capacity_for(1), 256u);
  EXPECT_EQ(BufferPool::capacity_for(256), 256u);
  EXPECT_EQ(BufferPool::capacity_for(257), 320u);
  EXPECT_EQ(BufferPool::capacity_for(997), 1024u);
  EXPECT_EQ(BufferPool::capacity_for(1025), 1280u);
  EXPECT_EQ(BufferPool::capacity_for(7377), 8192u);
  EXPECT_EQ(BufferPool::capacity_for(65536), 65536u);
  EXPECT_EQ(BufferPool::capacity_for(65537), 65537u);  // beyond the pooled sizes: exact
  for (std::size_t size = 257; size <= 65536; size += 7) {
    const std::size_t capacity = BufferPool::capacity_for(size);
    EXPECT_GE(capacity, size);
    EXPECT_LE(capacity * 4, size * 5 + 4 * 64) << size;  // at most 25% (and a step) over
  }
}

TEST(BufferPool, AGivenBackBufferIsTakenAgainForItsClass) {
  BufferPool pool;
  BufferPool::Buffer first = pool.take(1000);
  ASSERT_EQ(first.capacity, 1024u);
  char* const address = first.data.get();
  pool.give_back(std::move(first));
  BufferPool::Buffer other_class = pool.take(300);
  EXPECT_NE(other_class.data.get(), address);
  BufferPool::Buffer again = pool.take(990);
  EXPECT_EQ(again.data.get(), address);
  EXPECT_EQ(again.capacity, 1024u);
}

TEST(BufferPool, KeepsAtMostItsByteBoundAndNoLargeBuffers) {
  BufferPool pool;
  const std::size_t count = BufferPool::kMaxPooledBytes / 4096 + 10;
  std::vector<BufferPool::Buffer> taken;
  for (std::size_t i = 0; i < count; ++i) taken.push_back(pool.take(4096));
  EXPECT_EQ(pool.pooled_bytes(), 0u);
  for (auto& buffer : taken) pool.give_back(std::move(buffer));
  EXPECT_EQ(pool.pooled_bytes(), BufferPool::kMaxPooledBytes);  // the other 10 were freed
  pool.take(4096);
  EXPECT_EQ(pool.pooled_bytes(), BufferPool::kMaxPooledBytes - 4096);
  BufferPool::Buffer large = pool.take(BufferPool::kMaxPooled + 1);
  EXPECT_EQ(large.capacity, BufferPool::kMaxPooled + 1);
  pool.give_back(std::move(large));
  EXPECT_EQ(pool.pooled_bytes(), BufferPool::kMaxPooledBytes - 4096);  // not kept
}

}  // namespace
}  // namespace event_bridge
