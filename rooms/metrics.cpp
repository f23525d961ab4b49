#include "rooms/metrics.h"

namespace chuhe::rooms::metrics {
namespace {

std::atomic<std::uint64_t> g_moves{0};
std::array<std::atomic<std::uint64_t>, kRelayBucketsMs.size() + 1> g_relay_buckets{};  // not cumulative
std::atomic<std::uint64_t> g_relay_sum_us{0};
std::array<std::atomic<std::uint64_t>, kErrorCodes.size() + 1> g_refusals{};  // the last: any other code

std::string number(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

void count_move(std::chrono::steady_clock::duration read_to_broadcast) {
  const double ms = std::chrono::duration<double, std::milli>(read_to_broadcast).count();
  std::size_t bucket = 0;
  while (bucket < kRelayBucketsMs.size() && ms > kRelayBucketsMs[bucket]) ++bucket;
  g_relay_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  g_relay_sum_us.fetch_add(static_cast<std::uint64_t>(ms * 1000), std::memory_order_relaxed);
  g_moves.fetch_add(1, std::memory_order_relaxed);
}

void count_refusal(std::string_view code) {
  std::size_t i = 0;
  while (i < kErrorCodes.size() && kErrorCodes[i] != code) ++i;
  g_refusals[i].fetch_add(1, std::memory_order_relaxed);
}

std::string prometheus_text() {
  std::string out;
  out += "# HELP chuhe_moves_total moves accepted and broadcast (rate() gives moves/s)\n";
  out += "# TYPE chuhe_moves_total counter\n";
  out += "chuhe_moves_total " + std::to_string(g_moves.load(std::memory_order_relaxed)) + "\n";
  out += "# HELP chuhe_move_relay_seconds from reading a move to broadcasting it (checks, durable journal write)\n";
  out += "# TYPE chuhe_move_relay_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= kRelayBucketsMs.size(); ++i) {
    cumulative += g_relay_buckets[i].load(std::memory_order_relaxed);
    const std::string le = i < kRelayBucketsMs.size() ? number(kRelayBucketsMs[i] / 1000) : "+Inf";
    out += "chuhe_move_relay_seconds_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += "chuhe_move_relay_seconds_sum " + number(double(g_relay_sum_us.load(std::memory_order_relaxed)) / 1e6) + "\n";
  out += "chuhe_move_relay_seconds_count " + std::to_string(cumulative) + "\n";
  out += "# HELP chuhe_refusals_total requests refused, by the protocol's error code\n";
  out += "# TYPE chuhe_refusals_total counter\n";
  for (std::size_t i = 0; i <= kErrorCodes.size(); ++i) {
    const std::string code = i < kErrorCodes.size() ? std::string(kErrorCodes[i]) : "other";
    out += "chuhe_refusals_total{code=\"" + code + "\"} " +
           std::to_string(g_refusals[i].load(std::memory_order_relaxed)) + "\n";
  }
  return out;
}

}  // namespace chuhe::rooms::metrics
