// What a search is asked (SearchLimits) and what it reports (SearchInfo per iteration, SearchResult
// once). These are the types the server's worker pool and the UCI/UCCI loop exchange with the core.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "ai/score.h"
#include "rules/types.h"

namespace chuhe::ai {

struct SearchLimits {
  int depth = 0;               // iterations to run; 0 = no depth limit
  std::uint64_t nodes = 0;     // stop after about this many nodes; 0 = no limit
  int movetime_ms = 0;         // think exactly this long (minus the move overhead); 0 = not set
  // Clock: remaining time and increment per move, indexed by Color (Red = 0). A negative time
  // means no clock. movestogo = moves until the next time control (0 = sudden death).
  int time_ms[2] = {-1, -1};
  int inc_ms[2] = {0, 0};
  int movestogo = 0;
  bool infinite = false;       // search until stop(); the result waits for stop() (UCI rule)
  int level = 8;               // 1..8, see levels.h; 8 = full strength
  std::uint64_t seed = 0;      // seeds the choice among near-best moves at weakened levels
  int move_overhead_ms = 10;   // kept in reserve for the protocol and the process switch

  bool has_clock() const { return time_ms[0] >= 0 || time_ms[1] >= 0; }
};

// One completed iteration (or a bound found during one), in UCI "info" terms.
struct SearchInfo {
  int depth = 0;
  int seldepth = 0;
  Score score = 0;             // from the side to move's view; see is_mate_score()
  bool lowerbound = false;     // fail high: the true score is at least `score`
  bool upperbound = false;     // fail low: at most `score`
  std::uint64_t nodes = 0;
  std::int64_t time_ms = 0;
  std::uint64_t nps = 0;
  int hashfull = 0;            // per mille
  std::vector<rules::Move> pv; // allocated once per iteration, never per node
};

struct SearchResult {
  rules::Move best;            // Move::none() only when the side to move has no legal move
  rules::Move ponder;          // the expected reply, if the PV has one
  Score score = 0;
  int depth = 0;               // deepest completed iteration
  std::uint64_t nodes = 0;
  std::int64_t time_ms = 0;
};

using InfoCallback = std::function<void(const SearchInfo&)>;
using DoneCallback = std::function<void(const SearchResult&)>;

}  // namespace chuhe::ai
