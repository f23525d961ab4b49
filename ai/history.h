// Statistics the search learns about quiet moves and captures, used for ordering and pruning.
// Every entry moves toward a bonus with "gravity" (e += b - e*|b|/kMax), so it stays within
// +-kHistoryMax without clamping and old information fades. One set per search instance.
#pragma once

#include <cstdint>
#include <cstdlib>

#include "rules/types.h"

namespace chuhe::ai {

constexpr int kHistoryMax = 16384;
constexpr int kPieceTo = 14 * rules::kSquareCount;  // piece_index * 90 + to
constexpr int kContSentinel = kPieceTo;            // a row of the continuation table for "no move"

inline int piece_to(rules::Piece p, rules::Square to) { return rules::piece_index(p) * rules::kSquareCount + int(to); }

inline void update_history(std::int16_t& e, int bonus) {
  bonus = bonus > kHistoryMax ? kHistoryMax : bonus < -kHistoryMax ? -kHistoryMax : bonus;
  e = std::int16_t(e + bonus - e * std::abs(bonus) / kHistoryMax);
}

struct Histories {
  // Butterfly history of quiet moves: [side to move][from * 90 + to].
  std::int16_t main[2][rules::kSquareCount * rules::kSquareCount];
  // Continuation history: [piece-to of the move one or two plies back][piece-to of this move].
  // Row kContSentinel stands for "no move there" (root, null move); it collects harmless noise.
  std::int16_t cont[kPieceTo + 1][kPieceTo];
  // The quiet reply that refuted a move last time: [piece-to of the previous move].
  rules::Move counter[kPieceTo + 1];
  // Capture history: [piece-to of the capture][captured kind].
  std::int16_t capture[kPieceTo][rules::kPieceTypeCount];
};

}  // namespace chuhe::ai
