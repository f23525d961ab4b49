// Training data for the network: chuhe_ai's alpha-beta plays itself at a fixed node count per move.
// Every position of a game becomes one sample: the move played (policy target, network frame) and
// the game's result from the side to move's view (value target), optionally blended with the
// search's own score of the position (score_weight).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chuhe::ai::nn::train {

struct Sample {
  std::string fen;
  int policy = 0;      // slot of the move played (move_table.h), in the network's frame
  float value = 0;     // +1 the side to move went on to win, -1 lose, 0 draw (score_weight 0)
};

// The value target of one position: (1 - w) * result + w * tanh(score / kScoreScale), where result
// is the game's result and score the alpha-beta score (centipawns), both for the side to move.
inline constexpr float kScoreScale = 600.0f;
float value_target(float result, int score_cp, float score_weight);

struct SelfPlayOptions {
  int games = 100;
  std::uint64_t nodes = 2000;   // alpha-beta nodes per move
  int random_plies = 4;         // opening plies played at random (seeded), for variety; not samples
  int max_plies = 200;          // longer games are scored as draws
  int threads = 1;
  std::uint64_t seed = 1;
  float score_weight = 0;       // 0: the value target is the game result alone (see value_target)
};

// The samples come game by game in game order, whatever the thread count (each game is seeded by
// its index), so a run's output does not depend on `threads`.
std::vector<Sample> self_play(const SelfPlayOptions& o, bool progress);

bool write_samples(const std::vector<Sample>& samples, const std::string& path);
std::vector<Sample> read_samples(const std::string& path);  // empty on error

}  // namespace chuhe::ai::nn::train
