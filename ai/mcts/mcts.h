// Monte-Carlo tree search (PUCT, as in AlphaZero) over rules::Game, guided by the network through
// the batched evaluator. Several threads share one tree; a virtual loss on the path a thread is
// walking steers the others elsewhere, so one search keeps several positions in each batch.
//
// Game rules decide the leaves: a position the rules have ended (Game::result(): mate, stalemate,
// perpetual check/chase, repetition, natural limit, insufficient material) is scored by its
// verdict, never by the network.
#pragma once

#include <atomic>
#include <cstdint>

#include "ai/nn/evaluator.h"
#include "rules/game.h"

namespace chuhe::ai::mcts {

struct MctsLimits {
  int visits = 800;         // simulations; 0 = no cap
  int movetime_ms = 0;      // 0 = no time cap (at least one of the two must be set)
  int threads = 4;          // searching threads sharing the tree (they mostly wait on the evaluator)
  float c_puct = 1.5f;
  float fpu_reduction = 0.2f;  // unvisited children start at the parent's value minus this
  // Share of each node's prior given to its captures, in proportion to capture_prior_weights; the
  // network's priors keep the rest. 0 = the network's priors alone. See docs/ai.md for the matches
  // behind 0.3.
  float capture_prior = 0.3f;
};

struct MctsResult {
  rules::Move best;         // most visited root move; none only if the game is over
  int visits = 0;           // simulations completed
  float value = 0;          // the root's mean value, side to move's view, in [-1, 1]
  std::uint64_t nodes = 0;  // tree nodes created
  double time_ms = 0;
};

// Searches the current position of `game` (its history feeds the repetition rules). `stop` (if
// given) ends the search early from another thread; the best move so far is returned.
MctsResult search(const rules::Game& game, nn::Evaluator& evaluator, const MctsLimits& limits,
                  const std::atomic<bool>* stop = nullptr);

}  // namespace chuhe::ai::mcts
