#include "ai/nn/features.h"

#include <algorithm>
#include <cstring>

namespace chuhe::ai::nn {

void encode_position(const rules::Position& pos, float* out) {
  std::memset(out, 0, sizeof(float) * kInputSize);
  const rules::Color us = pos.side_to_move();
  for (int s = 0; s < rules::kSquareCount; ++s) {
    const rules::Piece p = pos.piece_on(rules::Square(s));
    if (p == rules::Piece::None) continue;
    const int plane = (rules::color_of(p) == us ? 0 : 7) + int(rules::type_of(p));
    const int point = us == rules::Color::Red ? s : int(flip(rules::Square(s)));
    out[plane * kBoardPoints + point] = 1.0f;
  }
  const float red = us == rules::Color::Red ? 1.0f : 0.0f;
  const float counter = std::min(1.0f, float(pos.rule60()) / 120.0f);
  std::fill(out + 14 * kBoardPoints, out + 15 * kBoardPoints, red);
  std::fill(out + 15 * kBoardPoints, out + 16 * kBoardPoints, counter);
}

}  // namespace chuhe::ai::nn
