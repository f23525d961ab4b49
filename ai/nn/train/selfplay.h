// Training data for the network: chuhe_ai's alpha-beta plays itself at a fixed node count per move.
// Every position of a game becomes one sample: the move played (policy target, network frame) and
// the game's result from the side to move's view (value target).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chuhe::ai::nn::train {

struct Sample {
  std::string fen;
  int policy = 0;      // slot of the move played (move_table.h), in the network's frame
  float value = 0;     // +1 the side to move went on to win, -1 lose, 0 draw
};

struct SelfPlayOptions {
  int games = 100;
  std::uint64_t nodes = 2000;   // alpha-beta nodes per move
  int random_plies = 4;         // opening plies played at random (seeded), for variety; not samples
  int max_plies = 200;          // longer games are scored as draws
  int threads = 1;
  std::uint64_t seed = 1;
};

std::vector<Sample> self_play(const SelfPlayOptions& o, bool progress);

bool write_samples(const std::vector<Sample>& samples, const std::string& path);
std::vector<Sample> read_samples(const std::string& path);  // empty on error

}  // namespace chuhe::ai::nn::train
