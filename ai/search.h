// SearchCore: the alpha-beta search itself, one instance per searching thread. Callers use the
// Searcher facade (searcher.h); this class is its engine room.
//
// Iterative deepening with aspiration windows around the previous score; principal variation search
// (PVS); a transposition table; quiescence search over captures and check evasions; null-move
// pruning (not in endgames with few attackers, where zugzwang is common); reverse futility pruning,
// razoring, futility and late-move pruning near the leaves; late-move reductions; check extensions;
// mate distance pruning; ordering by hash move, MVV-LVA, killers, counter-moves, history and
// continuation history. Repetitions inside the search are decided as the rules decide them
// (rules::detect_repetition, twofold inside the tree, also at the quiescence horizon): a
// perpetual checker or chaser loses, otherwise a draw. Nothing is allocated per node; the stop
// flag is polled every 1024 nodes.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "ai/history.h"
#include "ai/search_types.h"
#include "ai/tt.h"
#include "rules/movegen.h"
#include "rules/position.h"

namespace chuhe::ai {

class SearchCore {
 public:
  SearchCore();
  ~SearchCore();
  SearchCore(const SearchCore&) = delete;
  SearchCore& operator=(const SearchCore&) = delete;

  // Forgets the move-ordering statistics (a new game).
  void clear();

  // Searches pos, whose StateInfo chain carries the game so far (for repetitions). pos is changed
  // during the search and restored before returning. `stop` may be set from any thread.
  // Blocks until the limits are reached or `stop` is set (with limits.infinite: until `stop`).
  SearchResult run(rules::Position& pos, TranspositionTable& tt, const SearchLimits& limits,
                   const InfoCallback& on_info, const std::atomic<bool>& stop);

 private:
  struct Stack {
    rules::Move current;           // the move made at this ply (none for a null move)
    rules::Move killers[2];
    Score static_eval = kNone;
    int ply = 0;
    const std::int16_t* cont = nullptr;  // continuation row of `current` (read)
    std::int16_t* cont_w = nullptr;      // the same row, writable
    bool null_allowed = true;
  };
  struct RootMove {
    rules::Move move;
    Score score = -kInfinite;       // this iteration (-kInfinite: not searched or failed low)
    Score prev_score = -kInfinite;  // the last completed iteration
    Score exact_score = -kInfinite; // weakened levels: the move's score if within the margin
    Score prev_exact = -kInfinite;
  };
  enum NodeType { kNonPV, kPV, kRoot };

  template <NodeType NT>
  Score search(Stack* ss, Score alpha, Score beta, int depth, bool cut_node);
  template <NodeType NT>
  Score qsearch(Stack* ss, Score alpha, Score beta, int qdepth);

  void do_move(Stack* ss, rules::Move m);
  void undo_move(rules::Move m);
  bool poll_stop();
  bool repetition_score(int ply, Score& out) const;
  void update_quiet_stats(Stack* ss, rules::Move best, int bonus, const rules::Move* quiets, int quiet_count);
  void update_pv(int ply, rules::Move m);
  void report(int depth, Score score, bool lower, bool upper);
  std::int64_t elapsed_ms() const;
  void set_time_budget(const SearchLimits& limits);
  rules::Move choose_weakened_move(int margin, std::uint64_t seed) const;

  // Search state of one run.
  rules::Position* pos_ = nullptr;
  TranspositionTable* tt_ = nullptr;
  const std::atomic<bool>* stop_flag_ = nullptr;
  const InfoCallback* on_info_ = nullptr;
  bool stopped_ = false;
  std::uint64_t nodes_ = 0;
  std::uint64_t node_limit_ = 0;
  int seldepth_ = 0;
  int root_depth_ = 0;
  int margin_ = 0;  // weakened levels: keep exact scores of root moves within this of the best
  std::chrono::steady_clock::time_point start_;
  std::int64_t optimum_ms_ = 0, maximum_ms_ = 0;  // 0 = no time limit
  bool infinite_ = false;

  std::array<RootMove, rules::kMaxMoves> root_moves_;
  int root_count_ = 0;

  // Per-ply storage, so that nothing is allocated while searching.
  std::array<Stack, kMaxPly + 10> stack_;
  std::array<rules::StateInfo, kMaxPly + 10> states_;
  rules::Move pv_[kMaxPly + 2][kMaxPly + 2];
  int pv_len_[kMaxPly + 2];

  std::unique_ptr<Histories> hist_;
  int reductions_[64][64];  // late-move reduction by depth and move number (both clamped to 63)
};

}  // namespace chuhe::ai
