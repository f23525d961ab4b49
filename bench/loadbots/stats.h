#pragma once
// Counters and the latency samples of a loadbots run.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <vector>

namespace loadbots {

struct LatencySummary {
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
  std::size_t samples = 0;
};

struct Stats {
  std::atomic<long> connections{0};
  std::atomic<long> peak_connections{0};
  std::atomic<long> games_started{0};
  std::atomic<long> moves_relayed{0};
  std::atomic<long> spectator_events{0};
  std::atomic<long> errors{0};
  std::atomic<long> connect_failures{0};
  std::atomic<long> error_messages{0};
  std::atomic<long> closed_early{0};

  void connected() {
    long now = ++connections;
    long peak = peak_connections.load();
    while (now > peak && !peak_connections.compare_exchange_weak(peak, now)) {
    }
  }

  void add_latency_us(long us) {
    std::lock_guard lock(mutex_);
    latencies_us_.push_back(us);
  }

  LatencySummary summary() {
    std::lock_guard lock(mutex_);
    LatencySummary s;
    s.samples = latencies_us_.size();
    if (latencies_us_.empty()) return s;
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto at = [&](double q) {
      auto i = static_cast<std::size_t>(q * static_cast<double>(latencies_us_.size() - 1));
      return static_cast<double>(latencies_us_[i]) / 1000.0;
    };
    s.p50_ms = at(0.50);
    s.p99_ms = at(0.99);
    s.p999_ms = at(0.999);
    s.max_ms = static_cast<double>(latencies_us_.back()) / 1000.0;
    return s;
  }

 private:
  std::mutex mutex_;
  std::vector<long> latencies_us_;
};

}  // namespace loadbots
