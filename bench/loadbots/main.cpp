// loadbots: N bot players (and M spectators, and A bots playing the AI) against a running chuhe-server.
// Each bot signs in as a guest, opens a WebSocket, seeks, and plays random legal moves at a set pace;
// spectators watch the bots' games. It prints connections held, moves/s, and the move relay latency
// (a move's send to the opponent's receipt, both clocks in this process) as p50/p99/p999, the errors,
// and the server's RSS and CPU when given its pid.
//
//   loadbots --port 8080 --players 2000 --spectators 200 --duration 60 --pace-ms 1000 [--server-pid P]
//
// Against a cluster: --ports 8080,8081,8082 (bot i uses ports[i % n]) and --server-pid P1,P2,P3 (CPU is
// summed). The relay latency is then also given apart for moves whose mover and receiver are on the same
// port (node) and on different ports; with --redis HOST:PORT (the cluster's Redis) also by the number of
// Redis hops a move took, from each game's owner as its lease says (node ids must be the default
// ADDRESS:PORT). bench/cluster/cluster-vs-single.sh uses all this. The last line, `RESULT key=value ...`,
// is for scripts.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/loadbots/bot.h"
#include "bench/loadbots/proc_stats.h"
#include "bench/loadbots/stats.h"
#include "persistence/cluster_lease.h"
#include "persistence/redis_client.h"

namespace {

std::vector<int> int_list(const std::string& text) {
  std::vector<int> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    auto comma = text.find(',', at);
    auto item = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!item.empty()) out.push_back(std::stoi(item));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

struct Options {
  std::vector<unsigned short> ports{8080};
  int players = 100;
  int spectators = 0;
  int ai_players = 0;
  int ai_level = 1;
  int duration_s = 30;
  int pace_ms = 1000;
  int ramp_per_s = 500;  // connections opened per second
  std::vector<int> server_pids;
  std::string tc = "10+5";
  std::string redis;  // HOST:PORT of the cluster's Redis: learn each game's owner (latency by Redis hops)
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--port") o.ports = {static_cast<unsigned short>(std::stoi(next()))};
    else if (a == "--ports") {
      o.ports.clear();
      for (int p : int_list(next())) o.ports.push_back(static_cast<unsigned short>(p));
    }
    else if (a == "--players") o.players = std::stoi(next());
    else if (a == "--spectators") o.spectators = std::stoi(next());
    else if (a == "--ai-players") o.ai_players = std::stoi(next());
    else if (a == "--ai-level") o.ai_level = std::stoi(next());
    else if (a == "--duration") o.duration_s = std::stoi(next());
    else if (a == "--pace-ms") o.pace_ms = std::stoi(next());
    else if (a == "--ramp") o.ramp_per_s = std::stoi(next());
    else if (a == "--server-pid") o.server_pids = int_list(next());
    else if (a == "--tc") o.tc = next();
    else if (a == "--redis") o.redis = next();
    else {
      std::cerr << "unknown argument " << a << "\n"
                << "usage: loadbots --port P | --ports P1,P2,... [--players N] [--spectators M] [--ai-players A] [--ai-level L]\n"
                   "                [--duration S] [--pace-ms MS] [--ramp PER_S] [--tc M+S] [--server-pid PID[,PID...]]\n"
                   "                [--redis HOST:PORT (cluster: relay latency by Redis hops)]\n";
      return false;
    }
  }
  if (o.ports.empty()) {
    std::cerr << "--ports: no port given\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) return 2;
  using namespace std::chrono;
  namespace asio = boost::asio;

  asio::io_context ioc{1};
  loadbots::Stats stats;
  loadbots::Shared shared;
  shared.tc = o.tc;
  shared.pace = milliseconds(o.pace_ms);
  shared.ai_level = o.ai_level;
  shared.stats = &stats;
  std::unique_ptr<chuhe::persistence::RedisClient> redis;
  std::unique_ptr<chuhe::persistence::GameLease> lease;
  if (!o.redis.empty()) {
    chuhe::persistence::RedisOptions options;
    auto colon = o.redis.rfind(':');
    options.host = o.redis.substr(0, colon);
    options.port = static_cast<unsigned short>(std::stoi(o.redis.substr(colon + 1)));
    redis = std::make_unique<chuhe::persistence::RedisClient>(options);
    lease = std::make_unique<chuhe::persistence::GameLease>(*redis);
    shared.owner_port = [&ioc, &lease](const std::string& game, std::function<void(unsigned short)> done) {
      lease->owner(game, [&ioc, done = std::move(done)](std::optional<chuhe::persistence::LeaseHolder> holder) {
        unsigned short port = 0;
        if (holder) {  // node ids are "ADDRESS:PORT" unless the nodes were given --node_id
          auto at = holder->node_id.rfind(':');
          if (at != std::string::npos) port = static_cast<unsigned short>(std::atoi(holder->node_id.c_str() + at + 1));
        }
        asio::post(ioc, [done, port] { done(port); });
      });
    };
  }

  // Open connections at the ramp rate: players first, then AI players, then spectators.
  std::vector<std::shared_ptr<loadbots::Bot>> bots;
  int total = o.players + o.ai_players + o.spectators;
  bots.reserve(static_cast<std::size_t>(total));
  for (int i = 0; i < total; ++i) {
    auto role = i < o.players                   ? loadbots::Role::player
                : i < o.players + o.ai_players ? loadbots::Role::ai_player
                                                : loadbots::Role::spectator;
    bots.push_back(std::make_shared<loadbots::Bot>(ioc, shared, role, o.ports[static_cast<std::size_t>(i) % o.ports.size()]));
  }
  asio::steady_timer ramp(ioc);
  std::size_t started = 0;
  std::function<void()> start_some = [&] {
    std::size_t batch = std::max<std::size_t>(1, static_cast<std::size_t>(o.ramp_per_s / 20));
    for (std::size_t k = 0; k < batch && started < bots.size(); ++k) bots[started++]->start();
    if (started < bots.size()) {
      ramp.expires_after(milliseconds(50));
      ramp.async_wait([&](boost::system::error_code) { start_some(); });
    }
  };
  start_some();

  auto server_cpu = [&] {
    double sum = 0;
    for (int pid : o.server_pids) sum += loadbots::ProcStats(pid).cpu_seconds();
    return sum;
  };
  auto server_rss_kib = [&] {
    long sum = 0;
    for (int pid : o.server_pids) sum += loadbots::ProcStats(pid).rss_kib();
    return sum;
  };
  auto t0 = steady_clock::now();
  auto cpu0 = server_cpu();
  asio::steady_timer report(ioc);
  long last_moves = 0;
  auto last = t0;
  std::function<void()> tick = [&] {
    auto now = steady_clock::now();
    double dt = duration<double>(now - last).count();
    long moves = stats.moves_relayed.load();
    std::printf("t=%4.0fs  connections=%ld  games=%ld  moves/s=%.0f  errors=%ld\n",
                duration<double>(now - t0).count(), stats.connections.load(), stats.games_started.load(),
                (moves - last_moves) / dt, stats.errors.load());
    std::fflush(stdout);
    last_moves = moves;
    last = now;
    if (now - t0 >= seconds(o.duration_s)) {
      for (auto& bot : bots) bot->stop();
      ioc.stop();
      return;
    }
    report.expires_after(seconds(5));
    report.async_wait([&](boost::system::error_code) { tick(); });
  };
  report.expires_after(seconds(5));
  report.async_wait([&](boost::system::error_code) { tick(); });

  ioc.run();

  double elapsed = duration<double>(steady_clock::now() - t0).count();
  auto summary = stats.summary();
  std::printf("\n== loadbots summary (%d players, %d AI players, %d spectators, pace %d ms, %.0f s)\n", o.players,
              o.ai_players, o.spectators, o.pace_ms, elapsed);
  std::printf("connections held: %ld of %d (peak %ld)\n", stats.connections.load(), total,
              stats.peak_connections.load());
  std::printf("games started: %ld, moves relayed: %ld, moves/s: %.0f\n", stats.games_started.load(),
              stats.moves_relayed.load(), stats.moves_relayed.load() / elapsed);
  std::printf("relay latency (send -> opponent receives): p50 %.2f ms, p99 %.2f ms, p999 %.2f ms, max %.2f ms (%zu samples)\n",
              summary.p50_ms, summary.p99_ms, summary.p999_ms, summary.max_ms, summary.samples);
  auto hops0 = stats.summary(loadbots::Stats::Pairs::hops0);
  auto hops1 = stats.summary(loadbots::Stats::Pairs::hops1);
  auto hops2 = stats.summary(loadbots::Stats::Pairs::hops2);
  if (!o.redis.empty()) {
    const char* what[3] = {"mover and receiver on the owning node", "one of them on another node (1 Redis hop)",
                           "both on other nodes (2 Redis hops)   "};
    const loadbots::LatencySummary* h[3] = {&hops0, &hops1, &hops2};
    for (int i = 0; i < 3; ++i)
      std::printf("  %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu samples)\n", what[i], h[i]->p50_ms, h[i]->p99_ms,
                  h[i]->max_ms, h[i]->samples);
  }
  auto same = stats.summary(loadbots::Stats::Pairs::same_port);
  auto cross = stats.summary(loadbots::Stats::Pairs::cross_port);
  if (o.ports.size() > 1) {
    std::printf("  mover and receiver on the same port:  p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu samples)\n",
                same.p50_ms, same.p99_ms, same.max_ms, same.samples);
    std::printf("  mover and receiver on other ports:    p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu samples)\n",
                cross.p50_ms, cross.p99_ms, cross.max_ms, cross.samples);
  }
  std::printf("spectator events received: %ld\n", stats.spectator_events.load());
  std::printf("errors: %ld (connect failures %ld, error messages %ld, closed early %ld)\n", stats.errors.load(),
              stats.connect_failures.load(), stats.error_messages.load(), stats.closed_early.load());
  double cpu = server_cpu() - cpu0;
  if (!o.server_pids.empty()) {
    std::printf("server%s: RSS %.1f MiB, CPU %.1f%% of one core (%.1f s over %.0f s)\n",
                o.server_pids.size() > 1 ? "s (summed)" : "", server_rss_kib() / 1024.0, 100.0 * cpu / elapsed, cpu,
                elapsed);
  }
  std::printf("RESULT held=%ld total=%d moves_per_s=%.1f p50_ms=%.2f p99_ms=%.2f same_n=%zu same_p50_ms=%.2f "
              "same_p99_ms=%.2f cross_n=%zu cross_p50_ms=%.2f cross_p99_ms=%.2f server_cpu_pct=%.1f errors=%ld "
              "hop0_n=%zu hop0_p50_ms=%.2f hop0_p99_ms=%.2f hop1_n=%zu hop1_p50_ms=%.2f hop1_p99_ms=%.2f "
              "hop2_n=%zu hop2_p50_ms=%.2f hop2_p99_ms=%.2f moves=%ld spectator_events=%ld\n",
              stats.connections.load(), total, stats.moves_relayed.load() / elapsed, summary.p50_ms, summary.p99_ms,
              same.samples, same.p50_ms, same.p99_ms, cross.samples, cross.p50_ms, cross.p99_ms,
              o.server_pids.empty() ? -1.0 : 100.0 * cpu / elapsed, stats.errors.load(), hops0.samples, hops0.p50_ms,
              hops0.p99_ms, hops1.samples, hops1.p50_ms, hops1.p99_ms, hops2.samples, hops2.p50_ms, hops2.p99_ms,
              static_cast<long>(stats.moves_relayed.load()), stats.spectator_events.load());
  return 0;
}
