// chuhe-tune: tunes the evaluation weights (ai/eval_weights.h) by Texel's method.
//   gen    self-play games of the search core at a low node count from bench/match/openings.txt,
//          recording quiet positions with the game's result
//   label  adds Fairy-Stockfish's score of each position (`go depth N` over UCI)
//   tune   fits the weights to the labels: logistic model of the result, loss = mean squared error
//          of sigmoid(eval / K); Adam on the (linear) feature trace, then integer local search
// See docs/ai.md for the commands and what the last run changed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chuhe::ai::tune {

constexpr int kNoLabel = 1 << 30;

struct Sample {
  std::string fen;
  float result = 0.5f;   // the game's result from Red's view: 1 win, 0.5 draw, 0 loss
  int fsf_cp = kNoLabel; // Fairy-Stockfish's score from Red's view, or kNoLabel
};

std::vector<Sample> read_samples(const std::string& path);
bool write_samples(const std::string& path, const std::vector<Sample>& samples);

struct GenOptions {
  int games = 400;
  int threads = 2;
  std::uint64_t nodes = 6000;  // per move
  std::uint64_t seed = 1;
  std::string openings;
  std::string out;
};
int run_gen(const GenOptions& o);

struct LabelOptions {
  std::string fsf = "/usr/games/fairy-stockfish";
  int depth = 6;
  int threads = 2;
  std::string in, out;
};
int run_label(const LabelOptions& o);

struct TuneOptions {
  std::string data;
  std::string out;            // the generated header (ai/eval_weights.h)
  double lambda = 0.0;        // target = lambda * result + (1 - lambda) * sigmoid(fsf / K_fsf)
  int adam_iterations = 2000;
  int local_passes = 2;
  double chariot_value = 1000;
  double prior_positions = 200; // weight of the prior around the starting weights, in positions  // rescale the result to this chariot value (0: keep the fitted scale)
  std::uint64_t seed = 1;
  bool from_current = false;  // start from ai/eval_weights.h instead of ai/tune/seed_weights.h
  std::string command_line;   // recorded in the header
};
int run_tune(const TuneOptions& o);

}  // namespace chuhe::ai::tune
