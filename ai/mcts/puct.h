// Small pieces of the PUCT arithmetic, kept apart from the tree so that unit tests can check them.
#pragma once

#include <vector>

#include "rules/position.h"

namespace chuhe::ai::mcts {

// A node's statistics as the tree stores them: `visits` counts completed simulations plus those in
// flight (`in_flight`, each counted as a loss, -1, in `value_sum`); values are from the view of the
// side that played the node's move.
struct NodeStats {
  int visits = 0;
  int in_flight = 0;
  float value_sum = 0;
};

// The node's value for its own side to move (the opponent of the side that played into it), from
// its completed simulations only: the virtual losses in flight would otherwise count as wins for
// that side. 0 when nothing has completed. The first-play value of the node's unvisited children
// is this minus the FPU reduction.
inline float value_for_side_to_move(const NodeStats& n) {
  const int completed = n.visits - n.in_flight;
  if (completed <= 0) return 0.0f;
  return -(n.value_sum + float(n.in_flight)) / float(completed);
}

// For each of `count` moves of `pos`, the weight of the prior share that MctsLimits::capture_prior
// gives to captures: the value of the piece taken (chariot 9, cannon 4.5, horse 4, advisor and
// elephant 2, soldier 1), 0 for a move that takes nothing.
inline std::vector<float> capture_prior_weights(const rules::Position& pos, const rules::Move* moves, int count) {
  static constexpr float kWeight[] = {0, 2, 2, 4, 9, 4.5f, 1};  // by rules::PieceType
  std::vector<float> w(std::size_t(count > 0 ? count : 0), 0.0f);
  for (int i = 0; i < count; ++i) {
    const rules::Piece victim = pos.piece_on(moves[i].to());
    if (victim != rules::Piece::None) w[std::size_t(i)] = kWeight[int(rules::type_of(victim))];
  }
  return w;
}

}  // namespace chuhe::ai::mcts
