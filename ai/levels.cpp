#include "ai/levels.h"

#include <algorithm>

namespace chuhe::ai {

namespace {

// Measured placement of each level: docs/ai.md ("Levels"). Node caps keep weak levels quick even
// on a busy server; depth caps keep their play shallow but not blind (quiescence still resolves
// captures at every leaf, so hanging pieces are seen).
constexpr LevelSpec kLevels[] = {
    {1, 1, 400, 120, "beginner: one ply plus captures, wide choice"},
    {2, 2, 1'500, 90, "novice"},
    {3, 3, 8'000, 50, "casual"},
    {4, 5, 40'000, 30, "club"},
    {5, 6, 100'000, 20, "strong club"},
    {6, 8, 300'000, 12, "expert"},
    {7, 12, 1'500'000, 5, "master"},
    {8, 0, 0, 0, "full strength: limited only by time"},
};

}  // namespace

const LevelSpec& level_spec(int level) {
  return kLevels[std::clamp(level, kMinLevel, kMaxLevel) - kMinLevel];
}

}  // namespace chuhe::ai
