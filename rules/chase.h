// Perpetual-chase detection: which opposing pieces a move chases, and which side chased the
// same piece with every one of its moves in a repetition cycle. The rules are those of
// docs/rules.md, "Perpetual chase" (WXF, and the AXF rules as Fairy-Stockfish implements them where
// WXF is silent).
//
// Nothing here runs in do_move: chases are computed lazily, only for the moves of a cycle once a
// repetition has been found, by rebuilding the boards of the cycle from the current board and the
// StateInfo chain (move + captured piece). That costs a few microseconds per adjudication and
// nothing at all per move, so perft and search speed are unchanged.
#pragma once

#include <bitset>

#include "rules/position.h"
#include "rules/types.h"

namespace chuhe::rules {

// A set of points, bit i = square index i.
using SquareSet = std::bitset<kSquareCount>;

// The pieces (by the point they stand on now) of the side to move that the last move of pos chases.
// Empty at a root or after a null move.
SquareSet chased_by_last_move(const Position& pos);

// Which sides chased one and the same opposing piece with every one of their moves among the last
// `length` plies of pos (a repetition cycle: length >= 2 and <= the plies reachable in the chain).
// A chased piece is followed through its own moves, so chasing a piece that runs away counts.
struct ChaseVerdict {
  bool chasing[2] = {false, false};  // indexed by Color
};
ChaseVerdict find_perpetual_chase(const Position& pos, int length);

}  // namespace chuhe::rules
