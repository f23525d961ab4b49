// Static evaluation of a xiangqi position, in centipawn-like units from the side to move's view.
//
// Terms (each a tuned (middlegame, endgame) pair, blended by the game phase; see eval_params.h):
// material; piece-square tables made for xiangqi; mobility of chariots, horses and cannons; blocked
// horse legs; chariots on open files and on the enemy general's file; cannons lined up on the
// enemy general with 0, 1 or 2 pieces between (the empty-head cannon, the check, the "screen"
// threat); general safety (missing advisors/elephants against the enemy attackers left, an open
// file in front of the general facing enemy chariots, attackers near the general); connected
// advisors, elephants and soldiers; cannons and horses against the defenders left; pieces attacked
// by cheaper pieces or left undefended; tempo. Endgames where the side ahead has too little to
// mate are scaled toward a draw.
#pragma once

#include <cstdint>
#include <vector>

#include "ai/eval_params.h"
#include "ai/score.h"
#include "rules/position.h"

namespace chuhe::ai {

// The evaluation with the shipped weights (ai/eval_weights.h).
Score evaluate(const rules::Position& pos);
// The same with other weights (tuner, tests).
Score evaluate(const rules::Position& pos, const EvalWeights& weights);

// The evaluation's features, for the tuner: evaluate(pos, w) equals (up to integer rounding)
//   sign * scale/64 * sum_k coef_k * (w_k.mg * phase + w_k.eg * (32 - phase)) / 32
// where sign is +1 when Red is to move, and coef_k counts Red's features minus Black's.
struct EvalTrace {
  struct Term {
    std::uint16_t param;
    std::int16_t coef;
  };
  std::vector<Term> terms;  // nonzero coefficients only
  int phase = 0;            // 0..kPhaseMax
  int scale = 64;           // drawish-endgame scale, 0..64, computed with the weights given
  int sign = 1;             // +1 Red to move, -1 Black to move
};
EvalTrace trace_evaluation(const rules::Position& pos, const EvalWeights& weights);

// The shipped weights.
const EvalWeights& default_weights();

}  // namespace chuhe::ai
