// Token buckets per key, with an explicit clock.
#include "net/auth_rate_limit.h"

#include <gtest/gtest.h>

namespace chuhe::net {
namespace {

using namespace std::chrono_literals;
using Clock = KeyedRateLimiter::Clock;

TEST(KeyedRateLimiter, BurstThenRefill) {
  KeyedRateLimiter limiter(RateLimit{60, 3});  // one token per second, three at once
  auto t = Clock::now();
  EXPECT_TRUE(limiter.try_take("a", t));
  EXPECT_TRUE(limiter.try_take("a", t));
  EXPECT_TRUE(limiter.try_take("a", t));
  EXPECT_FALSE(limiter.try_take("a", t));
  EXPECT_EQ(limiter.retry_after("a", t), 1u);
  EXPECT_TRUE(limiter.try_take("b", t));  // keys are independent
  EXPECT_FALSE(limiter.try_take("a", t + 500ms));
  EXPECT_TRUE(limiter.try_take("a", t + 1s));
  EXPECT_FALSE(limiter.try_take("a", t + 1s));
  EXPECT_TRUE(limiter.has_token("a", t + 10s));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.try_take("a", t + 10s));  // capped at the burst
  EXPECT_FALSE(limiter.try_take("a", t + 10s));
}

TEST(KeyedRateLimiter, TakeCanGoIntoDebt) {
  KeyedRateLimiter limiter(RateLimit{60, 1});
  auto t = Clock::now();
  limiter.take("x", t);
  limiter.take("x", t);  // one token short now
  EXPECT_FALSE(limiter.has_token("x", t + 1s));
  EXPECT_TRUE(limiter.has_token("x", t + 2s));
  EXPECT_EQ(limiter.retry_after("x", t + 2s), 0u);
}

TEST(KeyedRateLimiter, MemoryIsBounded) {
  KeyedRateLimiter limiter(RateLimit{60, 2}, 100);
  auto t = Clock::now();
  for (int i = 0; i < 10'000; ++i) limiter.try_take("key" + std::to_string(i), t);
  // Still works, and a fresh key still gets its burst.
  EXPECT_TRUE(limiter.try_take("new", t));
  EXPECT_TRUE(limiter.try_take("new", t));
  EXPECT_FALSE(limiter.try_take("new", t));
}

}  // namespace
}  // namespace chuhe::net
