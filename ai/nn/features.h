// Input planes of the network, 10x9 each, from the side to move's point of view (Black's positions
// are flipped rank-wise so that "our" pieces always start on ranks 0-4; one network serves both
// sides and learns from both sides' positions):
//   0-6    the side to move's pieces, one plane per PieceType (1 on occupied points)
//   7-13   the opponent's pieces, likewise
//   14     side to move: all ones when Red is to move (the board is flipped, this keeps the colour)
//   15     natural-move-limit counter: plies without capture / 120, clamped to 1, on every point
#pragma once

#include "ai/nn/move_table.h"
#include "rules/position.h"

namespace chuhe::ai::nn {

constexpr int kInputPlanes = 16;
constexpr int kBoardPoints = rules::kSquareCount;  // 90 = 10 ranks x 9 files
constexpr int kInputSize = kInputPlanes * kBoardPoints;

// Writes kInputSize floats (plane-major: plane * 90 + point) to out.
void encode_position(const rules::Position& pos, float* out);

// A move in the network's frame (flipped when Black is to move), and back: a flip is its own inverse.
inline rules::Move to_network_frame(rules::Color stm, rules::Move m) {
  return stm == rules::Color::Red ? m : flip(m);
}
}  // namespace chuhe::ai::nn
