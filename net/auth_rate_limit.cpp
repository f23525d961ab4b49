#include "net/auth_rate_limit.h"

#include <algorithm>
#include <cmath>

namespace chuhe::net {

KeyedRateLimiter::KeyedRateLimiter(RateLimit limit, std::size_t max_keys) : limit_(limit), max_keys_(max_keys) {}

void KeyedRateLimiter::prune(Clock::time_point now) {
  // A bucket that has refilled completely is the same as no bucket: forget it.
  std::erase_if(buckets_, [&](auto& entry) {
    auto& b = entry.second;
    double seconds = std::chrono::duration<double>(now - b.updated).count();
    return b.tokens + seconds * limit_.per_minute / 60.0 >= limit_.burst;
  });
  // Still full: many distinct keys are active at once (a spray of names). Start afresh rather than grow
  // without bound; the per-address buckets still hold such a spray back.
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

KeyedRateLimiter::Bucket& KeyedRateLimiter::bucket(std::string_view key, Clock::time_point now) {
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) prune(now);
    it = buckets_.emplace(std::string(key), Bucket{limit_.burst, now}).first;
    return it->second;
  }
  Bucket& b = it->second;
  if (now > b.updated) {
    double seconds = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(limit_.burst, b.tokens + seconds * limit_.per_minute / 60.0);
    b.updated = now;
  }
  return b;
}

bool KeyedRateLimiter::try_take(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Bucket& b = bucket(key, now);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

bool KeyedRateLimiter::has_token(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return bucket(key, now).tokens >= 1.0;
}

void KeyedRateLimiter::take(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Bucket& b = bucket(key, now);
  b.tokens = std::max(b.tokens - 1.0, -limit_.burst);
}

unsigned KeyedRateLimiter::retry_after(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Bucket& b = bucket(key, now);
  if (b.tokens >= 1.0) return 0;
  if (limit_.per_minute <= 0) return 3600;
  double seconds = (1.0 - b.tokens) * 60.0 / limit_.per_minute;
  return static_cast<unsigned>(std::max(1.0, std::ceil(seconds)));
}

}  // namespace chuhe::net
