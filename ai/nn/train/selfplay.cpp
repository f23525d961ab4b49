#include "ai/nn/train/selfplay.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "ai/nn/features.h"
#include "ai/nn/move_table.h"
#include "ai/searcher.h"
#include "rules/game.h"

namespace chuhe::ai::nn::train {

namespace {

constexpr int kWinScore = 1500;  // adjudicate once one side is this far ahead (centipawns) ...
constexpr int kWinPlies = 6;     // ... for this many plies in a row: low-node play converts slowly

}  // namespace

float value_target(float result, int score_cp, float score_weight) {
  const float score = float(std::clamp(score_cp, -3000, 3000));
  return (1.0f - score_weight) * result + score_weight * std::tanh(score / kScoreScale);
}

std::vector<Sample> self_play(const SelfPlayOptions& o, bool progress) {
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<std::vector<Sample>> per_game(std::size_t(std::max(o.games, 0)));
  std::size_t total = 0;
  int finished = 0;
  auto worker = [&] {
    Searcher searcher(8);
    for (;;) {
      const int g = next.fetch_add(1);
      if (g >= o.games) return;
      rules::Game game;
      searcher.new_game();
      std::vector<Sample> samples;
      std::vector<int> scores;  // alpha-beta score of each sample's position, side to move's view
      float red_result = 0;  // +1 Red won, -1 Black won, 0 draw
      int streak = 0;        // plies in a row with the score beyond kWinScore, signed for Red
      // Uniformly random opening plies: the search alone is deterministic and would play one game.
      std::mt19937_64 rng(o.seed * 1000003u + std::uint64_t(g));
      for (int i = 0; i < o.random_plies && !game.is_over(); ++i) {
        rules::MoveList legal;
        game.legal_moves(legal);
        game.play(legal[int(rng() % std::uint64_t(legal.size()))]);
      }
      while (!game.is_over() && game.ply() < o.max_plies) {
        searcher.set_position(game);
        SearchLimits lim;
        lim.nodes = o.nodes;
        const SearchResult r = searcher.search(lim);
        if (!r.best) break;
        const rules::Color stm = game.position().side_to_move();
        {
          Sample s;
          s.fen = game.fen();
          s.policy = policy_index(to_network_frame(stm, r.best));
          s.value = stm == rules::Color::Red ? 1.0f : -1.0f;  // multiplied by Red's result below
          samples.push_back(std::move(s));
          scores.push_back(int(r.score));
        }
        const int red_score = stm == rules::Color::Red ? r.score : -r.score;
        streak = red_score >= kWinScore ? std::max(streak, 0) + 1 : red_score <= -kWinScore ? std::min(streak, 0) - 1 : 0;
        if (streak >= kWinPlies || streak <= -kWinPlies) {
          red_result = streak > 0 ? 1.0f : -1.0f;
          break;
        }
        if (game.play(r.best) != rules::PlayResult::Ok) break;
      }
      if (auto res = game.result())
        red_result = res->outcome == rules::Outcome::RedWins ? 1.0f : res->outcome == rules::Outcome::BlackWins ? -1.0f : 0.0f;
      for (std::size_t i = 0; i < samples.size(); ++i)
        samples[i].value = value_target(samples[i].value * red_result, scores[i], o.score_weight);
      std::lock_guard lock(mu);
      total += samples.size();
      per_game[std::size_t(g)] = std::move(samples);
      ++finished;
      if (progress && finished % 10 == 0)
        std::cerr << "self-play: " << finished << "/" << o.games << " games, " << total << " positions\n";
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, o.threads); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  std::vector<Sample> all;
  all.reserve(total);
  for (auto& game_samples : per_game) all.insert(all.end(), game_samples.begin(), game_samples.end());
  return all;
}

bool write_samples(const std::vector<Sample>& samples, const std::string& path) {
  std::ofstream f(path);
  for (const Sample& s : samples) f << s.fen << '\t' << s.policy << '\t' << s.value << '\n';
  return bool(f.flush());
}

std::vector<Sample> read_samples(const std::string& path) {
  std::ifstream f(path);
  std::vector<Sample> out;
  for (std::string line; std::getline(f, line);) {
    std::istringstream in(line);
    Sample s;
    std::string policy, value;
    if (!std::getline(in, s.fen, '\t') || !std::getline(in, policy, '\t') || !std::getline(in, value)) continue;
    s.policy = std::stoi(policy);
    s.value = std::stof(value);
    if (s.policy < 0 || s.policy >= kPolicySize) continue;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace chuhe::ai::nn::train
