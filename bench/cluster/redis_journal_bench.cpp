// redis_journal_bench: durable appends/s and append latency of RedisJournal (one stream per game, every
// write a fenced Lua script) against a redis-server it is pointed at, with `appendfsync always` and then
// `everysec` in the same run (switched with CONFIG SET, so the server must run with appendonly yes).
//
//   build/bin/redis_journal_bench --redis HOST:PORT [--games N] [--moves M] [--clients K]
//                                 [--modes always,everysec]
//
// N games, M moves each, one move in flight per game (the next is submitted from the previous one's
// durable callback, as a game does), the games spread over K RedisClients (K connections, as K nodes or
// K client threads of one node would have): each RedisClient runs its commands one at a time, so with
// appendfsync always Redis shares one fsync among the writes that arrive from different connections in
// the same event-loop turn. Keys live under "bench:<pid>:<mode>:" and expire a few seconds after the run.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "persistence/cluster_lease.h"
#include "persistence/redis_client.h"
#include "persistence/redis_journal.h"

using namespace chuhe::persistence;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  int games = 200;
  int moves = 50;
  int clients = 8;
  std::vector<std::string> modes = {"always", "everysec"};
};

// Blocking helpers for setup (the bench's own thread waits; callbacks hand over through a promise-like box).
template <class T>
class Box {
 public:
  void set(T v) {
    std::lock_guard l(m_);
    value_ = std::move(v);
    has_ = true;
    cv_.notify_all();
  }
  T get() {
    std::unique_lock l(m_);
    cv_.wait(l, [&] { return has_; });
    return value_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  T value_{};
  bool has_ = false;
};

RedisReply blocking(RedisClient& c, std::vector<std::string> args) {
  Box<RedisReply> box;
  c.command(std::move(args), [&box](RedisReply r) { box.set(std::move(r)); });
  return box.get();
}

struct Game {
  std::string id;
  LeaseHolder holder;
  RedisJournal* journal = nullptr;
  int next = 0;
  Clock::time_point sent;
  std::vector<double> latencies_ms;
  long failures = 0;
};

struct Run {
  std::mutex m;
  std::condition_variable cv;
  int running = 0;
  int moves = 0;

  void submit(Game& g) {
    g.sent = Clock::now();
    g.journal->append(g.holder, {g.id, g.next, g.next % 2 ? "h9g7" : "h2e2", 1000, 0}, [this, &g](bool durable) {
      g.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - g.sent).count());
      if (!durable) ++g.failures;
      if (!durable || ++g.next == moves) {
        std::lock_guard l(m);
        if (--running == 0) cv.notify_all();
        return;
      }
      submit(g);  // on the client thread: allowed (a callback may issue further commands)
    });
  }
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

RedisOptions redis_options(const Args& a) {
  RedisOptions o;
  o.host = a.host;
  o.port = a.port;
  o.command_timeout_ms = 10'000;  // a slow disk must not turn into "unavailable"
  o.queue_limit = 1 << 20;
  return o;
}

bool run_mode(const Args& a, RedisClient& control, const std::string& mode) {
  auto set = blocking(control, {"CONFIG", "SET", "appendfsync", mode});
  if (!set.is_status("OK")) {
    std::fprintf(stderr, "redis_journal_bench: CONFIG SET appendfsync %s failed: %s\n", mode.c_str(), set.text.c_str());
    return false;
  }
  std::vector<std::unique_ptr<RedisClient>> clients;
  std::vector<std::unique_ptr<RedisJournal>> journals;
  RedisJournalOptions jo;
  jo.keys.prefix = "bench:" + std::to_string(getpid()) + ":" + mode + ":";
  jo.finished_ttl = std::chrono::seconds(5);
  for (int c = 0; c < a.clients; ++c) {
    clients.push_back(std::make_unique<RedisClient>(redis_options(a)));
    journals.push_back(std::make_unique<RedisJournal>(*clients.back(), jo));
  }
  // Setup, untimed: each game's lease and start.
  std::vector<Game> games(static_cast<std::size_t>(a.games));
  GameLease lease(control, jo.keys);
  for (int g = 0; g < a.games; ++g) {
    auto& game = games[static_cast<std::size_t>(g)];
    game.id = "g" + std::to_string(g);
    game.journal = journals[static_cast<std::size_t>(g % a.clients)].get();
    Box<LeaseGrant> grant;
    lease.acquire(game.id, "bench", std::chrono::minutes(10), [&grant](LeaseGrant r) { grant.set(std::move(r)); });
    auto r = grant.get();
    if (!r.ok()) {
      std::fprintf(stderr, "redis_journal_bench: lease for %s not granted\n", game.id.c_str());
      return false;
    }
    game.holder = LeaseHolder{"bench", r.token};
    Box<bool> started;
    game.journal->start_game(game.holder, JournalGame{game.id, "{}", "{}", "5+3", true, "startpos", 0},
                             [&started](bool ok) { started.set(ok); });
    if (!started.get()) {
      std::fprintf(stderr, "redis_journal_bench: start_game %s failed\n", game.id.c_str());
      return false;
    }
  }

  Run run;
  run.moves = a.moves;
  run.running = a.games;
  auto t0 = Clock::now();
  for (auto& g : games) run.submit(g);
  {
    std::unique_lock l(run.m);
    run.cv.wait(l, [&] { return run.running == 0; });
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  std::vector<double> all;
  long failures = 0;
  for (auto& g : games) {
    all.insert(all.end(), g.latencies_ms.begin(), g.latencies_ms.end());
    failures += g.failures;
  }
  std::sort(all.begin(), all.end());
  long appends = static_cast<long>(all.size());
  std::printf("appendfsync %-9s %7ld appends in %6.2f s = %8.0f durable appends/s | latency p50 %6.2f ms "
              "p99 %6.2f ms max %6.2f ms | failures %ld\n",
              mode.c_str(), appends, seconds, static_cast<double>(appends - failures) / seconds,
              percentile(all, 0.50), percentile(all, 0.99), all.empty() ? 0.0 : all.back(), failures);

  // Clean up: finish every game (its keys then expire).
  for (auto& g : games) {
    Box<bool> done;
    g.journal->finish(g.holder, g.id, "*", "aborted", 0, [&done](bool ok) { done.set(ok); });
    done.get();
  }
  return failures == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "redis_journal_bench: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--redis") {
      auto hp = value();
      auto colon = hp.rfind(':');
      if (colon == std::string::npos) {
        a.host = hp;
      } else {
        a.host = hp.substr(0, colon);
        a.port = static_cast<unsigned short>(std::stoi(hp.substr(colon + 1)));
      }
    } else if (arg == "--games") {
      a.games = std::stoi(value());
    } else if (arg == "--moves") {
      a.moves = std::stoi(value());
    } else if (arg == "--clients") {
      a.clients = std::stoi(value());
    } else if (arg == "--modes") {
      a.modes.clear();
      std::stringstream s(value());
      for (std::string m; std::getline(s, m, ',');) a.modes.push_back(m);
    } else {
      std::fprintf(stderr,
                   "usage: redis_journal_bench --redis HOST:PORT [--games N] [--moves M] [--clients K] "
                   "[--modes always,everysec]\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  if (a.games <= 0 || a.moves <= 0 || a.clients <= 0) {
    std::fprintf(stderr, "redis_journal_bench: need games, moves, clients > 0\n");
    return 2;
  }

  RedisClient control(redis_options(a));
  auto aof = blocking(control, {"CONFIG", "GET", "appendonly"});
  if (aof.is_unavailable()) {
    std::fprintf(stderr, "redis_journal_bench: cannot reach redis at %s:%u: %s\n", a.host.c_str(), a.port,
                 aof.text.c_str());
    return 1;
  }
  if (!aof.is_array() || aof.elements.size() != 2 || aof.elements[1].text != "yes") {
    std::fprintf(stderr, "redis_journal_bench: the server runs without appendonly yes: nothing is durable\n");
    return 1;
  }
  auto before = blocking(control, {"CONFIG", "GET", "appendfsync"});
  std::printf("redis_journal_bench: %s:%u, %d games x %d moves, %d clients, one move in flight per game\n",
              a.host.c_str(), a.port, a.games, a.moves, a.clients);
  bool ok = true;
  for (const auto& mode : a.modes) ok = run_mode(a, control, mode) && ok;
  if (before.is_array() && before.elements.size() == 2) {
    blocking(control, {"CONFIG", "SET", "appendfsync", before.elements[1].text});  // leave it as found
  }
  return ok ? 0 : 1;
}
