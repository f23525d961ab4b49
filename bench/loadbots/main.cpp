// loadbots: N bot players (and M spectators, and A bots playing the AI) against a running chuhe-server.
// Each bot signs in as a guest, opens a WebSocket, seeks, and plays random legal moves at a set pace;
// spectators watch the bots' games. It prints connections held, moves/s, and the move relay latency
// (a move's send to the opponent's receipt, both clocks in this process) as p50/p99/p999, the errors,
// and the server's RSS and CPU when given its pid.
//
//   loadbots --port 8080 --players 2000 --spectators 200 --duration 60 --pace-ms 1000 [--server-pid P]
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "bench/loadbots/bot.h"
#include "bench/loadbots/proc_stats.h"
#include "bench/loadbots/stats.h"

namespace {

struct Options {
  unsigned short port = 8080;
  int players = 100;
  int spectators = 0;
  int ai_players = 0;
  int ai_level = 1;
  int duration_s = 30;
  int pace_ms = 1000;
  int ramp_per_s = 500;  // connections opened per second
  int server_pid = 0;
  std::string tc = "10+5";
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--port") o.port = static_cast<unsigned short>(std::stoi(next()));
    else if (a == "--players") o.players = std::stoi(next());
    else if (a == "--spectators") o.spectators = std::stoi(next());
    else if (a == "--ai-players") o.ai_players = std::stoi(next());
    else if (a == "--ai-level") o.ai_level = std::stoi(next());
    else if (a == "--duration") o.duration_s = std::stoi(next());
    else if (a == "--pace-ms") o.pace_ms = std::stoi(next());
    else if (a == "--ramp") o.ramp_per_s = std::stoi(next());
    else if (a == "--server-pid") o.server_pid = std::stoi(next());
    else if (a == "--tc") o.tc = next();
    else {
      std::cerr << "unknown argument " << a << "\n"
                << "usage: loadbots --port P [--players N] [--spectators M] [--ai-players A] [--ai-level L]\n"
                   "                [--duration S] [--pace-ms MS] [--ramp PER_S] [--tc M+S] [--server-pid PID]\n";
      return false;
    }
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
  shared.port = o.port;
  shared.tc = o.tc;
  shared.pace = milliseconds(o.pace_ms);
  shared.ai_level = o.ai_level;
  shared.stats = &stats;

  // Open connections at the ramp rate: players first, then AI players, then spectators.
  std::vector<std::shared_ptr<loadbots::Bot>> bots;
  int total = o.players + o.ai_players + o.spectators;
  bots.reserve(static_cast<std::size_t>(total));
  for (int i = 0; i < total; ++i) {
    auto role = i < o.players                   ? loadbots::Role::player
                : i < o.players + o.ai_players ? loadbots::Role::ai_player
                                                : loadbots::Role::spectator;
    bots.push_back(std::make_shared<loadbots::Bot>(ioc, shared, role));
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

  loadbots::ProcStats server(o.server_pid);
  auto t0 = steady_clock::now();
  auto cpu0 = server.cpu_seconds();
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
  std::printf("spectator events received: %ld\n", stats.spectator_events.load());
  std::printf("errors: %ld (connect failures %ld, error messages %ld, closed early %ld)\n", stats.errors.load(),
              stats.connect_failures.load(), stats.error_messages.load(), stats.closed_early.load());
  if (o.server_pid > 0) {
    double cpu = server.cpu_seconds() - cpu0;
    std::printf("server: RSS %.1f MiB, CPU %.1f%% of one core (%.1f s over %.0f s)\n", server.rss_kib() / 1024.0,
                100.0 * cpu / elapsed, cpu, elapsed);
  }
  return 0;
}
