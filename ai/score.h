// Scores and search constants shared by the evaluation, the transposition table and the search.
// Scores are centipawn-like ints from the side to move's point of view. Mate scores count the plies
// from the root: mate_in(n) = kMate - n, so a shorter mate always scores higher.
#pragma once

#include <cstdint>

namespace chuhe::ai {

using Score = int;

constexpr int kMaxPly = 128;        // deepest ply the search ever reaches (stacks are sized by it)
constexpr Score kInfinite = 32000;  // beyond any real score: the initial window bounds
constexpr Score kMate = 31000;      // the side to move is mated right now: -kMate
constexpr Score kMateInMaxPly = kMate - kMaxPly;  // |score| >= this means "forced mate found"
constexpr Score kNone = 32001;      // "no score" (an empty TT eval slot)
constexpr Score kDraw = 0;

constexpr Score mate_in(int ply) { return kMate - ply; }
constexpr Score mated_in(int ply) { return -kMate + ply; }
constexpr bool is_mate_score(Score s) { return s >= kMateInMaxPly || s <= -kMateInMaxPly; }

// The TT stores mate scores relative to the node (plies to mate from there), not to the root, so
// that an entry found at another ply still means the same thing.
constexpr Score score_to_tt(Score s, int ply) {
  return s >= kMateInMaxPly ? s + ply : s <= -kMateInMaxPly ? s - ply : s;
}
constexpr Score score_from_tt(Score s, int ply) {
  return s == kNone ? kNone : s >= kMateInMaxPly ? s - ply : s <= -kMateInMaxPly ? s + ply : s;
}

}  // namespace chuhe::ai
