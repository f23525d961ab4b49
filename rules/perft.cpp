#include "rules/perft.h"

namespace chuhe::rules {

std::uint64_t perft(Position& pos, int depth) {
  if (depth <= 0) return 1;
  if (depth == 1) return std::uint64_t(count_legal(pos));
  MoveList moves;
  generate_legal(pos, moves);
  std::uint64_t nodes = 0;
  StateInfo st;
  for (Move m : moves) {
    pos.do_move(m, st);
    nodes += perft(pos, depth - 1);
    pos.undo_move(m);
  }
  return nodes;
}

std::vector<DivideEntry> perft_divide(Position& pos, int depth) {
  std::vector<DivideEntry> out;
  if (depth <= 0) return out;
  MoveList moves;
  generate_legal(pos, moves);
  StateInfo st;
  for (Move m : moves) {
    pos.do_move(m, st);
    out.push_back({m, perft(pos, depth - 1)});
    pos.undo_move(m);
  }
  return out;
}

}  // namespace chuhe::rules
