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

  // `same_port`: the mover and the receiver are connected to the same server port (with --ports: the same
  // cluster node); otherwise to two different ones.
  // `hops` (with --redis): how many of the mover and the receiver are not on the game's owning node, i.e.
  // how many Redis PUBLISH hops the move took (0, 1 or 2); -1 if the owner is not known.
  void add_latency_us(long us, bool same_port, int hops = -1) {
    std::lock_guard lock(mutex_);
    latencies_us_.push_back(us);
    (same_port ? same_port_us_ : cross_port_us_).push_back(us);
    if (hops >= 0 && hops <= 2) by_hops_us_[hops].push_back(us);
  }

  enum class Pairs { all, same_port, cross_port, hops0, hops1, hops2 };

  LatencySummary summary(Pairs pairs = Pairs::all) {
    std::lock_guard lock(mutex_);
    auto& v = pairs == Pairs::all          ? latencies_us_
              : pairs == Pairs::same_port  ? same_port_us_
              : pairs == Pairs::cross_port ? cross_port_us_
              : pairs == Pairs::hops0      ? by_hops_us_[0]
              : pairs == Pairs::hops1      ? by_hops_us_[1]
                                           : by_hops_us_[2];
    LatencySummary s;
    s.samples = v.size();
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
      auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
      return static_cast<double>(v[i]) / 1000.0;
    };
    s.p50_ms = at(0.50);
    s.p99_ms = at(0.99);
    s.p999_ms = at(0.999);
    s.max_ms = static_cast<double>(v.back()) / 1000.0;
    return s;
  }

 private:
  std::mutex mutex_;
  std::vector<long> latencies_us_;
  std::vector<long> same_port_us_;
  std::vector<long> cross_port_us_;
  std::vector<long> by_hops_us_[3];
};

}  // namespace loadbots
