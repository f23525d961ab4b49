#pragma once
// Token buckets keyed by a string (a client address, a user name), for the auth endpoints.
// Thread-safe; memory bounded by max_keys.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chuhe::net {

struct RateLimit {
  double per_minute = 30;  // refill rate
  double burst = 60;       // bucket size: this many at once after a quiet spell
};

class KeyedRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit KeyedRateLimiter(RateLimit limit, std::size_t max_keys = 100'000);

  // Takes one token from `key`'s bucket; false, taking nothing, when it is empty.
  bool try_take(std::string_view key, Clock::time_point now = Clock::now());
  // Whether `key` has a token, without taking it.
  bool has_token(std::string_view key, Clock::time_point now = Clock::now());
  // Takes one token even if that leaves the bucket short (a debt repaid by refill).
  void take(std::string_view key, Clock::time_point now = Clock::now());
  // Whole seconds until `key` has a token again (at least 1 when it has none now, 0 when it has one).
  unsigned retry_after(std::string_view key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  Bucket& bucket(std::string_view key, Clock::time_point now);  // refilled to `now`; mutex_ held
  void prune(Clock::time_point now);

  const RateLimit limit_;
  const std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace chuhe::net
