// The evaluation's weights: one (middlegame, endgame) pair per parameter, laid out in a flat array
// so that the tuner (ai/tune) can treat them as one vector. The evaluation is linear in these
// weights (for a given position, game phase and scale), which is what makes Texel tuning with a
// recorded feature trace cheap. ai/eval_weights.h holds the values; this file only the layout.
#pragma once

#include <array>
#include <cstdint>

namespace chuhe::ai {

struct Pair {
  int mg = 0;
  int eg = 0;
};

// PSTs are indexed from the piece owner's side and folded left-right (xiangqi is symmetric about
// the e-file): index = relative_rank * 5 + min(file, 8 - file).
constexpr int kPstSize = 50;

namespace prm {
// clang-format off
constexpr int kMaterial          = 0;                        // 7, by PieceType (King's stays 0)
constexpr int kPst               = kMaterial + 7;            // 7 * 50
constexpr int kMobility          = kPst + 7 * kPstSize;      // 3: chariot, horse, cannon; per point
constexpr int kHorseLegBlocked   = kMobility + 3;            // per blocked horse leg
constexpr int kChariotSemiOpen   = kHorseLegBlocked + 1;     // no own soldier on its file
constexpr int kChariotOpen       = kChariotSemiOpen + 1;     // no soldier at all on its file
constexpr int kChariotKingFile   = kChariotOpen + 1;         // on the enemy general's file
constexpr int kCannonKingFile    = kChariotKingFile + 1;     // 3: 0, 1, 2 pieces between it and the enemy general (file)
constexpr int kCannonKingRank    = kCannonKingFile + 3;      // 3: the same along the general's rank
constexpr int kAdvisorMissingVs  = kCannonKingRank + 3;      // 3: missing advisors x enemy chariots, horses, cannons
constexpr int kElephantMissingVs = kAdvisorMissingVs + 3;    // 3: missing elephants x enemy chariots, horses, cannons
constexpr int kKingFileOpen      = kElephantMissingVs + 3;   // no own piece in front of the general x enemy chariots
constexpr int kKingNearAttackers = kKingFileOpen + 1;        // 4: enemy chariot, horse, cannon, soldier within 2 points of the general
constexpr int kAdvisorsConnected = kKingNearAttackers + 4;   // both advisors guard each other
constexpr int kElephantsConnected= kAdvisorsConnected + 1;   // both elephants guard each other
constexpr int kSoldierConnected  = kElephantsConnected + 1;  // crossed soldier beside another own soldier
constexpr int kCannonVsDefenders = kSoldierConnected + 1;    // own cannons x enemy advisors+elephants (screens)
constexpr int kHorseVsDefenders  = kCannonVsDefenders + 1;   // own horses x enemy advisors+elephants
constexpr int kHanging           = kHorseVsDefenders + 1;    // 2: own piece attacked by a cheaper enemy piece / attacked and undefended (side not to move)
constexpr int kTempo             = kHanging + 2;             // side to move
constexpr int kCount             = kTempo + 1;
// clang-format on
}  // namespace prm

using EvalWeights = std::array<Pair, prm::kCount>;

// Names of the parameter groups, for the tuner's generated file and reports.
struct ParamGroup {
  const char* name;
  int offset;
  int count;
};
inline constexpr ParamGroup kParamGroups[] = {
    {"material", prm::kMaterial, 7},
    {"pst_king", prm::kPst + 0 * kPstSize, kPstSize},
    {"pst_advisor", prm::kPst + 1 * kPstSize, kPstSize},
    {"pst_elephant", prm::kPst + 2 * kPstSize, kPstSize},
    {"pst_horse", prm::kPst + 3 * kPstSize, kPstSize},
    {"pst_chariot", prm::kPst + 4 * kPstSize, kPstSize},
    {"pst_cannon", prm::kPst + 5 * kPstSize, kPstSize},
    {"pst_soldier", prm::kPst + 6 * kPstSize, kPstSize},
    {"mobility", prm::kMobility, 3},
    {"horse_leg_blocked", prm::kHorseLegBlocked, 1},
    {"chariot_semi_open", prm::kChariotSemiOpen, 1},
    {"chariot_open", prm::kChariotOpen, 1},
    {"chariot_king_file", prm::kChariotKingFile, 1},
    {"cannon_king_file", prm::kCannonKingFile, 3},
    {"cannon_king_rank", prm::kCannonKingRank, 3},
    {"advisor_missing_vs", prm::kAdvisorMissingVs, 3},
    {"elephant_missing_vs", prm::kElephantMissingVs, 3},
    {"king_file_open", prm::kKingFileOpen, 1},
    {"king_near_attackers", prm::kKingNearAttackers, 4},
    {"advisors_connected", prm::kAdvisorsConnected, 1},
    {"elephants_connected", prm::kElephantsConnected, 1},
    {"soldier_connected", prm::kSoldierConnected, 1},
    {"cannon_vs_defenders", prm::kCannonVsDefenders, 1},
    {"horse_vs_defenders", prm::kHorseVsDefenders, 1},
    {"hanging", prm::kHanging, 2},
    {"tempo", prm::kTempo, 1},
};

// Game phase: 4 per chariot, 2 per horse or cannon, both sides; 32 with all of them on the board.
constexpr int kPhaseMax = 32;

}  // namespace chuhe::ai
