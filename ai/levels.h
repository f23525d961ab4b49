// Difficulty levels 1-8, for chuhe-engine's `Level` option and the server's AI seats: the one table
// that says how each level is weakened. A level caps the search (depth, nodes) and, below full
// strength, picks among the root moves that scored within `margin_cp` of the best one, with a seeded
// random choice weighted toward the better moves. The margin is small enough that a weak level never
// gives away material it can see being lost (and never chooses a move that a mate score separates
// from the best), so it plays sensible-looking moves, just not the best ones.
#pragma once

#include <cstdint>

namespace chuhe::ai {

struct LevelSpec {
  int level;               // 1..8
  int max_depth;           // 0 = no cap
  std::uint64_t max_nodes; // 0 = no cap
  int margin_cp;           // 0 = always the best move
  const char* description;
};

constexpr int kMinLevel = 1;
constexpr int kMaxLevel = 8;

// The spec of a level; levels outside 1..8 are clamped.
const LevelSpec& level_spec(int level);

// Level 9: Monte-Carlo tree search guided by the shipped policy/value network (ai/mcts, ai/nn),
// for the server's AI seats (ai::WorkerPool). Not an alpha-beta level: level_spec(9) is level 8's
// spec, which is also what a seat at level 9 plays when the network cannot be loaded.
constexpr int kMctsLevel = 9;
constexpr bool is_mcts_level(int level) { return level == kMctsLevel; }

}  // namespace chuhe::ai
