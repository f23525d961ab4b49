// The policy head's output space: one slot for every from->to pair that some piece can ever play
// in xiangqi. Generated from piece geometry (not from games), so no legal move can fall outside it:
//   - straight lines (chariot, cannon; the general's and soldiers' steps are a subset): every pair of
//     points on one rank or one file, 90 * (8 + 9) = 1530;
//   - horse jumps from every point, ignoring the leg: 508;
//   - elephant moves on either side's 7 points: 2 * 16 = 32;
//   - advisor moves inside either palace: 2 * 8 = 16.
// Total kPolicySize = 2086. The network always sees the board from the side to move (Black's
// positions are flipped rank-wise, see features.h); the table is closed under that flip.
#pragma once

#include <cstdint>

#include "rules/types.h"

namespace chuhe::ai::nn {

constexpr int kPolicySize = 2086;

// The slot of a move (as seen in the network's frame), or -1 if no piece can ever play it.
int policy_index(rules::Move m);
// The move of a slot (0 <= i < kPolicySize).
rules::Move policy_move(int i);

// Rank-wise flip (a0 <-> a9): how Black's moves are shown to the network.
constexpr rules::Square flip(rules::Square s) {
  return rules::Square((9 - rules::rank_of(s)) * rules::kFileCount + rules::file_of(s));
}
constexpr rules::Move flip(rules::Move m) { return rules::Move(flip(m.from()), flip(m.to())); }

}  // namespace chuhe::ai::nn
