// Self-play data for tuning: the search core plays itself at a fixed node count from the match
// openings (the first plies at a weakened level, for variety), and every quiet position (not in
// check, best move not a capture) is kept with the game's final result.
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "ai/searcher.h"
#include "ai/tune/tune.h"
#include "rules/game.h"
#include "rules/notation.h"

namespace chuhe::ai::tune {

namespace {

std::vector<std::string> load_openings(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out.push_back(line.substr(0, line.find('\t')));
  if (out.empty()) out.emplace_back(rules::Position::kStartFen);
  return out;
}

constexpr int kMaxPlies = 300;
constexpr int kWinScore = 1200;   // adjudicate once one side is this far ahead ...
constexpr int kWinPlies = 8;      // ... for this many plies in a row

}  // namespace

int run_gen(const GenOptions& o) {
  if (o.out.empty()) {
    std::cerr << "gen: --out is required\n";
    return 2;
  }
  const std::vector<std::string> openings = load_openings(o.openings);
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<Sample> all;
  int finished = 0;

  auto worker = [&] {
    Searcher searcher(16);
    for (;;) {
      const int g = next.fetch_add(1);
      if (g >= o.games) return;
      rules::Game game;
      const std::string& fen = openings[std::size_t(g) % openings.size()];
      game.reset(fen);
      searcher.new_game();
      std::vector<std::string> fens;
      float result = 0.5f;
      int winning_streak = 0;  // plies in a row with |score| >= kWinScore, signed for Red
      bool decided = false;
      while (!game.is_over() && game.ply() < kMaxPlies) {
        searcher.set_position(game);
        SearchLimits limits;
        limits.nodes = o.nodes;
        // Variety: the first plies at level 5 (a seeded choice among near-best moves).
        limits.level = game.ply() < 6 ? 5 : 8;
        limits.seed = o.seed * 1000003 + std::uint64_t(g) * 7919 + std::uint64_t(game.ply());
        const SearchResult r = searcher.search(limits);
        if (!r.best) break;
        const rules::Position& pos = game.position();
        const bool red = pos.side_to_move() == rules::Color::Red;
        if (game.ply() >= 4 && !pos.in_check() && !pos.is_capture(r.best) && !is_mate_score(r.score))
          fens.push_back(pos.fen());
        const int red_score = red ? r.score : -r.score;
        if (red_score >= kWinScore) winning_streak = std::max(winning_streak, 0) + 1;
        else if (red_score <= -kWinScore) winning_streak = std::min(winning_streak, 0) - 1;
        else winning_streak = 0;
        if (std::abs(winning_streak) >= kWinPlies) {
          result = winning_streak > 0 ? 1.0f : 0.0f;
          decided = true;
          break;
        }
        game.play(r.best);
      }
      if (!decided && game.result()) {
        const auto out = game.result()->outcome;
        result = out == rules::Outcome::RedWins ? 1.0f : out == rules::Outcome::BlackWins ? 0.0f : 0.5f;
      }
      std::lock_guard lock(mu);
      for (auto& f : fens) all.push_back(Sample{std::move(f), result, kNoLabel});
      ++finished;
      if (finished % 20 == 0)
        std::cerr << "gen: " << finished << "/" << o.games << " games, " << all.size() << " positions\n";
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(o.threads, 1); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  std::cerr << "gen: " << all.size() << " positions from " << o.games << " games\n";
  return write_samples(o.out, all) ? 0 : 1;
}

}  // namespace chuhe::ai::tune
