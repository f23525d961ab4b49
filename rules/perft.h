// Perft: the number of leaf nodes of the legal move tree to a given depth, the standard test of a
// move generator. Leaves are bulk-counted (the last ply counts legal moves without playing them).
#pragma once

#include <cstdint>
#include <vector>

#include "rules/movegen.h"
#include "rules/position.h"

namespace chuhe::rules {

std::uint64_t perft(Position& pos, int depth);

struct DivideEntry {
  Move move;
  std::uint64_t nodes;
};
// perft split by root move, in generation order. (Allocates: the result vector.)
std::vector<DivideEntry> perft_divide(Position& pos, int depth);

}  // namespace chuhe::rules
