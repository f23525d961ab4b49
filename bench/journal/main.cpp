// journal_bench: N games x M moves journaled concurrently from K threads, as games do it (one move in
// flight per game: the next is submitted only once the previous is durable), twice in the same run: with
// group commit, and with one transaction (one fsync) per move, the reference. Prints durable moves/s,
// COMMIT counts and the append latency (submit -> durable callback), p50 and p99.
//
//   build/bin/journal_bench [--games 1000] [--threads 8] [--moves 20000] [--baseline-moves 2000] [--dir D]
//
// The baseline runs fewer moves by default: at one fsync per move it would take minutes; its rate per
// move does not depend on the count. Give --baseline-moves equal to --moves for identical runs.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "persistence/game_journal.h"

using namespace chuhe::persistence;
using Clock = std::chrono::steady_clock;

namespace {

struct Result {
  long moves = 0;
  double seconds = 0;
  GameJournalStats stats;
  std::vector<double> latencies_ms;
  long failures = 0;
};

std::unique_ptr<GameJournal> open_or_die(const std::filesystem::path& path, bool group_commit) {
  GameJournalOptions options;
  options.path = path;
  options.group_commit = group_commit;
  std::string error;
  auto j = GameJournal::open(options, error);
  if (!j) {
    std::fprintf(stderr, "journal_bench: %s\n", error.c_str());
    std::exit(1);
  }
  return j;
}

Result run(const std::filesystem::path& path, bool group_commit, int games, int threads, int moves_per_game) {
  // The games are started beforehand (with group commit, untimed) so that both runs time moves only.
  {
    auto j = open_or_die(path, true);
    for (int g = 0; g < games; ++g) {
      j->start_game(JournalGame{"g" + std::to_string(g), "{}", "{}", "5+3", true, "startpos", 0}, nullptr);
    }
  }
  auto journal = open_or_die(path, group_commit);
  Result result;
  std::mutex result_mutex;
  auto t0 = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      // This thread's games; a durable callback (on the journal thread) hands its game back here.
      std::vector<int> mine;
      for (int g = t; g < games; g += threads) mine.push_back(g);
      std::vector<int> next_ply(mine.size(), 0);
      std::mutex m;
      std::condition_variable cv;
      std::vector<std::size_t> ready;
      std::vector<double> latencies;
      long failures = 0;
      std::size_t finished = 0;
      for (std::size_t i = 0; i < mine.size(); ++i) ready.push_back(i);
      std::unique_lock lock(m);
      while (finished < mine.size()) {
        cv.wait(lock, [&] { return !ready.empty(); });
        std::vector<std::size_t> batch;
        batch.swap(ready);
        lock.unlock();
        for (std::size_t i : batch) {
          if (next_ply[i] == moves_per_game) {
            ++finished;
            continue;
          }
          int ply = next_ply[i]++;
          auto submitted = Clock::now();
          journal->append({"g" + std::to_string(mine[i]), ply, ply % 2 ? "h9g7" : "h2e2", 1000, 0},
                          [&, i, submitted](bool durable) {
                            double ms = std::chrono::duration<double, std::milli>(Clock::now() - submitted).count();
                            std::lock_guard l(m);
                            latencies.push_back(ms);
                            if (!durable) ++failures;
                            ready.push_back(i);
                            cv.notify_one();
                          });
        }
        lock.lock();
      }
      std::lock_guard l(result_mutex);
      result.latencies_ms.insert(result.latencies_ms.end(), latencies.begin(), latencies.end());
      result.failures += failures;
    });
  }
  for (auto& w : workers) w.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  result.moves = static_cast<long>(games) * moves_per_game;
  result.stats = journal->stats();
  std::sort(result.latencies_ms.begin(), result.latencies_ms.end());
  return result;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

void print(const char* name, const Result& r) {
  std::printf("%-22s %7ld moves in %7.2f s = %9.0f durable moves/s | %6llu commits (%.1f moves/commit, "
              "avg commit %.2f ms) | append latency p50 %.2f ms p99 %.2f ms | failures %ld\n",
              name, r.moves, r.seconds, static_cast<double>(r.moves) / r.seconds,
              static_cast<unsigned long long>(r.stats.commits),
              static_cast<double>(r.stats.records) / static_cast<double>(std::max<std::uint64_t>(r.stats.commits, 1)),
              static_cast<double>(r.stats.total_commit_us) / 1000.0 /
                  static_cast<double>(std::max<std::uint64_t>(r.stats.commits, 1)),
              percentile(r.latencies_ms, 0.50), percentile(r.latencies_ms, 0.99), r.failures);
}

}  // namespace

int main(int argc, char** argv) {
  int games = 1000, threads = 8, moves = 20000, baseline_moves = 2000;
  std::filesystem::path dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "journal_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--games") games = std::stoi(value());
    else if (a == "--threads") threads = std::stoi(value());
    else if (a == "--moves") moves = std::stoi(value());
    else if (a == "--baseline-moves") baseline_moves = std::stoi(value());
    else if (a == "--dir") dir = value();
    else {
      std::fprintf(stderr,
                   "usage: journal_bench [--games N] [--threads K] [--moves M] [--baseline-moves B] [--dir D]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (games <= 0 || threads <= 0 || moves < games || baseline_moves < games) {
    std::fprintf(stderr, "journal_bench: need games > 0, threads > 0, moves and baseline-moves >= games\n");
    return 2;
  }
  // A fresh directory on a real disk (not tmpfs, or fsync costs nothing), removed at the end.
  bool own_dir = dir.empty();
  if (own_dir) dir = std::filesystem::temp_directory_path() / ("journal_bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  std::printf("journal_bench: %d games, %d threads, synchronous=FULL, dir %s\n", games, threads, dir.c_str());
  Result grouped = run(dir / "grouped.sqlite3", true, games, threads, moves / games);
  print("group commit", grouped);
  Result single = run(dir / "single.sqlite3", false, games, threads, baseline_moves / games);
  print("one fsync per move", single);
  double ratio = (static_cast<double>(grouped.moves) / grouped.seconds) /
                 (static_cast<double>(single.moves) / single.seconds);
  std::printf("group commit / one fsync per move: %.1fx durable moves/s\n", ratio);
  if (own_dir) std::filesystem::remove_all(dir);
  return grouped.failures + single.failures == 0 ? 0 : 1;
}
