// nn_bench: network evaluations per second at several batch sizes, and the time of one
// 800-simulation MCTS move, on the CPU backend (and the CUDA one with --backend cuda|auto).
//
//   build/bin/nn_bench [--weights FILE] [--backend cpu|cuda|auto] [--seconds S] [--match GAMES]
//
// --match: also plays GAMES games (colours alternating) of MCTS with the weights against MCTS with a
// random network of the same shape, 64 simulations a move, to show the training did something.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ai/mcts/mcts.h"
#include "ai/nn/backend.h"
#include "ai/nn/evaluator.h"
#include "ai/nn/features.h"
#include "ai/nn/weights_io.h"
#include "rules/game.h"
#include "rules/notation.h"

using namespace chuhe;
using namespace chuhe::ai;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Distinct positions: the start position and the first plies of one game, repeated.
std::vector<float> inputs(int n) {
  rules::Game g;
  const char* line[] = {"h2e2", "h9g7", "h0g2", "i9h9", "i0h0", "b9c7", "b0c2", "a9b9"};
  std::vector<float> out(std::size_t(n) * nn::kInputSize);
  for (int i = 0; i < n; ++i) {
    if (i % 9 == 8) g = rules::Game();
    else g.play_iccs(line[i % 9]);
    nn::encode_position(g.position(), out.data() + std::size_t(i) * nn::kInputSize);
  }
  return out;
}

// +1 / 0 / -1 for the trained side, over `games` games of at most 200 plies (then a draw).
void match(const std::shared_ptr<const nn::Network>& trained, int games) {
  auto random = std::make_shared<const nn::Network>(nn::Network::random(trained->dims, 7));
  nn::Evaluator a(nn::make_cpu_backend(trained)), b(nn::make_cpu_backend(random));
  int wins = 0, draws = 0, losses = 0;
  for (int g = 0; g < games; ++g) {
    rules::Game game;
    const rules::Color trained_color = g % 2 == 0 ? rules::Color::Red : rules::Color::Black;
    // Two random opening plies so that the games differ.
    std::uint64_t seed = 0x9E3779B97F4A7C15ull * std::uint64_t(g + 1);
    for (int i = 0; i < 2; ++i) {
      rules::MoveList legal;
      game.legal_moves(legal);
      seed ^= seed >> 29, seed *= 0xBF58476D1CE4E5B9ull;
      game.play(legal[int(seed % std::uint64_t(legal.size()))]);
    }
    while (!game.is_over() && game.ply() < 200) {
      nn::Evaluator& ev = game.position().side_to_move() == trained_color ? a : b;
      const mcts::MctsResult r = mcts::search(game, ev, mcts::MctsLimits{.visits = 64, .threads = 1});
      game.play(r.best);
    }
    const auto res = game.result();
    if (!res || res->outcome == rules::Outcome::Draw) ++draws;
    else if (res->outcome == rules::win_for(trained_color)) ++wins;
    else ++losses;
  }
  std::cout << "match, trained vs random network (MCTS 64 simulations/move, " << games << " games): +" << wins
            << " =" << draws << " -" << losses << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string weights = nn::default_weights_path(), backend_name = "cpu";
  double seconds = 1.0;
  int match_games = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--weights") weights = v;
    else if (a == "--backend") backend_name = v;
    else if (a == "--seconds") seconds = std::stod(v);
    else if (a == "--match") match_games = std::stoi(v);
  }
  auto net = std::make_shared<nn::Network>();
  if (auto err = nn::load_weights(weights, *net)) {
    std::cout << "weights: " << *err << "; using a random network of the default shape\n";
    *net = nn::Network::random(nn::NetworkDims{}, 1);
  }
  const nn::BackendKind kind = backend_name == "cuda" ? nn::BackendKind::Cuda
                               : backend_name == "auto" ? nn::BackendKind::Auto
                                                        : nn::BackendKind::Cpu;
  std::string note;
  auto make = [&] { return nn::make_backend(net, kind, &note); };
  auto backend = make();
  std::cout << "network: " << net->dims.channels << " channels x " << net->dims.blocks << " blocks, "
            << net->params.size() << " parameters; " << note << "\n";

  for (int batch : {1, 8, 32, 128, 256}) {
    const std::vector<float> in = inputs(batch);
    std::vector<float> policy(std::size_t(batch) * nn::kPolicySize);
    std::vector<float> value(std::size_t(batch), 0.0f);
    backend->evaluate(in.data(), batch, policy.data(), value.data());  // warm-up (buffers)
    long evals = 0;
    const auto t0 = Clock::now();
    do {
      backend->evaluate(in.data(), batch, policy.data(), value.data());
      evals += batch;
    } while (seconds_since(t0) < seconds);
    const double s = seconds_since(t0);
    std::cout << "batch " << batch << ": " << long(double(evals) / s) << " evaluations/s ("
              << 1000.0 * s / double(evals / batch) << " ms per batch)\n";
  }

  for (int threads : {1, 8}) {
    nn::Evaluator ev(make(), nn::EvaluatorOptions{.max_batch = 32, .max_wait_us = 500, .cache_entries = 1 << 14});
    rules::Game game;
    mcts::MctsLimits lim;
    lim.visits = 800;
    lim.threads = threads;
    const mcts::MctsResult r = mcts::search(game, ev, lim);
    const nn::EvaluatorStats st = ev.stats();
    std::cout << "mcts 800 simulations, " << threads << " thread(s), start position: " << r.time_ms << " ms, best "
              << rules::to_iccs(r.best) << ", " << st.evaluated << " network evaluations in " << st.batches
              << " batches, " << st.cache_hits << " cache hits\n";
  }
  if (match_games > 0) match(net, match_games);
  return 0;
}
