#include "ai/search.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "ai/eval.h"
#include "ai/levels.h"
#include "ai/movepick.h"
#include "rules/repetition.h"

namespace chuhe::ai {

using rules::Color;
using rules::Move;
using rules::Piece;
using rules::PieceType;
using rules::Position;

namespace {

constexpr int kStackOffset = 4;       // stack_[0..3] stand for the plies before the root
constexpr int kNaturalLimit = 120;    // rules::RuleConfig's default natural move limit, in plies

int stat_bonus(int depth) { return std::min(32 * (depth * depth + 2 * depth - 2), 4000); }

// Chariots, horses and cannons of one side, a chariot counting double: below 3 null-move pruning is
// off, since endgames with so little material are where zugzwang decides games.
int attack_material(const Position& pos, Color c) {
  return 2 * pos.count(c, PieceType::Chariot) + pos.count(c, PieceType::Horse) + pos.count(c, PieceType::Cannon);
}

bool insufficient_material(const Position& pos) {
  for (Color c : {Color::Red, Color::Black})
    if (attack_material(pos, c) + pos.count(c, PieceType::Soldier) > 0) return false;
  return true;
}

}  // namespace

SearchCore::SearchCore() : hist_(std::make_unique<Histories>()) {
  for (int d = 0; d < 64; ++d)
    for (int m = 0; m < 64; ++m)
      reductions_[d][m] = d == 0 || m == 0 ? 0 : int(0.75 + std::log(double(d)) * std::log(double(m)) / 2.25);
  clear();
}

SearchCore::~SearchCore() = default;

void SearchCore::clear() { *hist_ = Histories{}; }

std::int64_t SearchCore::elapsed_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
}

bool SearchCore::poll_stop() {
  if (stop_flag_->load(std::memory_order_relaxed)) return true;
  return maximum_ms_ > 0 && !infinite_ && elapsed_ms() >= maximum_ms_;
}

void SearchCore::set_time_budget(const SearchLimits& limits) {
  optimum_ms_ = maximum_ms_ = 0;
  if (limits.infinite) return;
  const int overhead = std::max(limits.move_overhead_ms, 0);
  if (limits.movetime_ms > 0) {
    // A fixed time per move: time left unused is lost, so think until the end of it.
    optimum_ms_ = maximum_ms_ = std::max(limits.movetime_ms - overhead, 1);
    return;
  }
  const int us = int(pos_->side_to_move());
  if (limits.time_ms[us] < 0) return;
  const std::int64_t avail = std::max<std::int64_t>(limits.time_ms[us] - overhead, 1);
  const int inc = std::max(limits.inc_ms[us], 0);
  // Xiangqi games are long: plan for 35 more moves unless the control says otherwise.
  const int mtg = limits.movestogo > 0 ? std::min(limits.movestogo, 35) : 35;
  optimum_ms_ = std::min<std::int64_t>(avail / mtg + inc * 3 / 4, avail / 2);
  maximum_ms_ = std::min<std::int64_t>(optimum_ms_ * 4, avail * 6 / 10);
  optimum_ms_ = std::max<std::int64_t>(optimum_ms_, 1);
  maximum_ms_ = std::max(maximum_ms_, optimum_ms_);
}

// Draws and wins decided by rule at this node, as rules::Game would decide them.
bool SearchCore::repetition_score(int ply, Score& out) const {
  const Position& pos = *pos_;
  if (pos.rule60() >= kNaturalLimit) {
    out = rules::has_legal_move(pos) ? kDraw : mated_in(ply);  // a mate on the last ply still counts
    return true;
  }
  if (pos.rule60() >= 4) {
    if (auto r = rules::detect_repetition(pos, 2)) {
      if (r->outcome == rules::Outcome::Draw) out = kDraw;
      else out = r->outcome == rules::win_for(pos.side_to_move()) ? mate_in(ply) : mated_in(ply);
      return true;
    }
  }
  if (insufficient_material(pos)) {
    out = kDraw;
    return true;
  }
  return false;
}

void SearchCore::do_move(Stack* ss, Move m) {
  const int pt = piece_to(pos_->piece_on(m.from()), m.to());
  ss->current = m;
  ss->cont = ss->cont_w = hist_->cont[pt];
  pos_->do_move(m, states_[ss->ply]);
}

void SearchCore::undo_move(Move m) { pos_->undo_move(m); }

void SearchCore::update_pv(int ply, Move m) {
  pv_[ply][ply] = m;
  for (int i = ply + 1; i < pv_len_[ply + 1]; ++i) pv_[ply][i] = pv_[ply + 1][i];
  pv_len_[ply] = std::max(pv_len_[ply + 1], ply + 1);
}

void SearchCore::update_quiet_stats(Stack* ss, Move best, int bonus, const Move* quiets, int quiet_count) {
  const Position& pos = *pos_;
  if (ss->killers[0] != best) {
    ss->killers[1] = ss->killers[0];
    ss->killers[0] = best;
  }
  const int side = int(pos.side_to_move());
  auto credit = [&](Move m, int b) {
    update_history(hist_->main[side][int(m.from()) * rules::kSquareCount + int(m.to())], b);
    const int pt = piece_to(pos.piece_on(m.from()), m.to());
    update_history((ss - 1)->cont_w[pt], b);
    update_history((ss - 2)->cont_w[pt], b);
  };
  credit(best, bonus);
  for (int i = 0; i < quiet_count; ++i) credit(quiets[i], -bonus);
  const Move prev = (ss - 1)->current;
  if (prev) hist_->counter[piece_to(pos.piece_on(prev.to()), prev.to())] = best;
}

template <SearchCore::NodeType NT>
Score SearchCore::search(Stack* ss, Score alpha, Score beta, int depth, bool cut_node) {
  constexpr bool kPvNode = NT != kNonPV;
  constexpr bool kRootNode = NT == kRoot;
  if (depth <= 0) return qsearch<kPvNode ? kPV : kNonPV>(ss, alpha, beta, 0);

  Position& pos = *pos_;
  const int ply = ss->ply;
  if constexpr (kPvNode) {
    pv_len_[ply] = ply;
    seldepth_ = std::max(seldepth_, ply);
  }
  if ((++nodes_ & 1023) == 0 && poll_stop()) stopped_ = true;
  if (node_limit_ && nodes_ >= node_limit_ && root_depth_ > 1) stopped_ = true;
  if (stopped_) return 0;

  if constexpr (!kRootNode) {
    Score ruled;
    if (repetition_score(ply, ruled)) return ruled;
    if (ply >= kMaxPly - 1) return pos.in_check() ? kDraw : evaluate(pos);
    // Mate distance pruning: no line from here can beat a mate already found closer to the root.
    alpha = std::max(mated_in(ply), alpha);
    beta = std::min(mate_in(ply + 1), beta);
    if (alpha >= beta) return alpha;
  }

  const bool in_check = pos.in_check();
  const rules::Key key = pos.key();
  const TTEntry* tte = tt_->probe(key);
  const Score tt_score = tte ? score_from_tt(tte->score, ply) : kNone;
  const Move tt_move = kRootNode ? root_moves_[0].move : tte ? tte->best_move() : Move::none();
  const Bound tt_bound = tte ? tte->bound() : Bound::None;
  auto tt_bound_allows = [&](Score s, Score than) {
    return (int(tt_bound) & int(s >= than ? Bound::Lower : Bound::Upper)) != 0;
  };

  if (!kPvNode && tte && tt_score != kNone && tte->search_depth() >= depth && tt_bound_allows(tt_score, beta))
    return tt_score;

  // Static evaluation, refined by the TT score when its bound says it is more accurate.
  Score eval = kNone;
  if (in_check) {
    ss->static_eval = kNone;
  } else {
    Score se = tte ? tte->static_eval() : kNone;
    if (se == kNone) se = evaluate(pos);
    ss->static_eval = eval = se;
    if (tt_score != kNone && tt_bound_allows(tt_score, eval)) eval = tt_score;
  }
  const bool improving = !in_check && (ss - 2)->static_eval != kNone && ss->static_eval > (ss - 2)->static_eval;
  (ss + 2)->killers[0] = (ss + 2)->killers[1] = Move::none();
  (ss + 1)->null_allowed = true;

  const Color us = pos.side_to_move();
  if (!kPvNode && !in_check && !is_mate_score(beta)) {
    // Razoring: far below alpha near the leaves, only captures could save it.
    if (depth <= 2 && eval + 240 * depth <= alpha) {
      const Score v = qsearch<kNonPV>(ss, alpha, alpha + 1, 0);
      if (v <= alpha) return v;
    }
    // Reverse futility: far above beta near the leaves, assume it stays there.
    if (depth < 8 && eval - 90 * (depth - int(improving)) >= beta && eval < kMateInMaxPly) return eval;
    // Null move: if passing still beats beta, a real move will too (not in thin endgames).
    if (ss->null_allowed && (ss - 1)->current && depth >= 2 && eval >= beta && ss->static_eval >= beta - 20 * depth + 120 &&
        attack_material(pos, us) >= 3) {
      const int r = 3 + depth / 4 + std::min((eval - beta) / 200, 3);
      ss->current = Move::none();
      ss->cont = ss->cont_w = hist_->cont[kContSentinel];
      pos.do_null_move(states_[ply]);
      (ss + 1)->null_allowed = false;  // no two null moves in a row
      Score v = -search<kNonPV>(ss + 1, -beta, -beta + 1, depth - r, !cut_node);
      (ss + 1)->null_allowed = true;
      pos.undo_null_move();
      if (stopped_) return 0;
      if (v >= beta) return v >= kMateInMaxPly ? beta : v;
    }
  }

  // Internal iterative reduction: without a hash move this node is probably less important than
  // it looks, and the next iteration will come back with one.
  if (!kRootNode && !tt_move && depth >= 6 && (kPvNode || cut_node)) depth -= 1 + int(kPvNode);

  const Move prev = (ss - 1)->current;
  const Move counter = prev ? hist_->counter[piece_to(pos.piece_on(prev.to()), prev.to())] : Move::none();
  const std::int16_t* cont[2] = {(ss - 1)->cont, (ss - 2)->cont};
  MovePicker mp(pos, kRootNode ? Move::none() : tt_move, ss->killers, counter, *hist_, cont);

  Move quiets[64], captures[32];
  int quiet_count = 0, capture_count = 0;
  Score best = -kInfinite;
  Move best_move = Move::none();
  int move_count = 0, root_index = 0;
  bool skip_quiets = false;
  const bool can_prune = attack_material(pos, us) + pos.count(us, PieceType::Soldier) > 0;

  for (;;) {
    Move m;
    if constexpr (kRootNode) {
      if (root_index >= root_count_) break;
      m = root_moves_[root_index++].move;
    } else {
      m = mp.next(skip_quiets);
      if (!m) break;
    }
    ++move_count;
    const bool capture = pos.is_capture(m);
    const Piece moved = pos.piece_on(m.from());
    const bool bad_capture = capture && !kRootNode && mp.last_was_bad_capture();
    const bool gives_check = pos.gives_check(m);
    const int pt = piece_to(moved, m.to());
    const int quiet_hist = capture ? 0
                                   : hist_->main[int(us)][int(m.from()) * rules::kSquareCount + int(m.to())] +
                                         cont[0][pt] + cont[1][pt];
    int new_depth = depth - 1;

    // Pruning near the leaves, once a move has saved us from being mated.
    if (!kRootNode && best > -kMateInMaxPly && can_prune && !gives_check) {
      if (!capture) {
        if (depth <= 8 && move_count >= (3 + depth * depth) / (2 - int(improving))) {
          skip_quiets = true;
          continue;
        }
        const int lmr_depth = std::max(new_depth - reductions_[std::min(depth, 63)][std::min(move_count, 63)], 0);
        if (lmr_depth < 4 && cont[0][pt] + cont[1][pt] < -3000 * depth) continue;
        if (!in_check && lmr_depth < 7 && ss->static_eval + 120 + 100 * lmr_depth <= alpha) continue;
      } else if (bad_capture && depth < 4 && !in_check &&
                 ss->static_eval + piece_value(pos.piece_on(m.to())) + 150 * depth <= alpha) {
        continue;
      }
    }

    // Check extension, bounded so that checking sequences cannot run away.
    if (gives_check && ply < 2 * root_depth_) ++new_depth;

    do_move(ss, m);
    if constexpr (kPvNode) pv_len_[ply + 1] = ply + 1;
    Score v = -kInfinite;
    Score margin_alpha = alpha;
    if (kRootNode && margin_ > 0 && move_count > 1) {
      // Weakened levels: learn the exact score of every root move within the margin of alpha.
      margin_alpha = std::max(alpha - margin_, -kInfinite);
      v = -search<kNonPV>(ss + 1, -(margin_alpha + 1), -margin_alpha, new_depth, false);
      if (v > margin_alpha && v < beta && !stopped_)
        v = -search<kPV>(ss + 1, -beta, -margin_alpha, new_depth, false);
    } else {
      // Late-move reductions: later moves are searched shallower unless they surprise us.
      if (depth >= 2 && move_count > 1 + int(kRootNode) && (!capture || bad_capture)) {
        int r = reductions_[std::min(depth, 63)][std::min(move_count, 63)];
        if (kPvNode) --r;
        if (cut_node) ++r;
        if (m == ss->killers[0] || m == ss->killers[1] || m == counter) --r;
        if (gives_check) --r;
        if (!capture) r -= std::clamp((quiet_hist - 2000) / 8000, -2, 2);
        const int d = std::clamp(new_depth - r, 1, new_depth);
        v = -search<kNonPV>(ss + 1, -(alpha + 1), -alpha, d, true);
        if (v > alpha && d < new_depth) v = -search<kNonPV>(ss + 1, -(alpha + 1), -alpha, new_depth, !cut_node);
      } else if (!kPvNode || move_count > 1) {
        v = -search<kNonPV>(ss + 1, -(alpha + 1), -alpha, new_depth, !cut_node);
      }
      if (kPvNode && (move_count == 1 || (v > alpha && (kRootNode || v < beta))))
        v = -search<kPV>(ss + 1, -beta, -alpha, new_depth, false);
    }
    undo_move(m);
    if (stopped_) return 0;

    if constexpr (kRootNode) {
      RootMove& rm = *std::find_if(root_moves_.begin(), root_moves_.begin() + root_count_,
                                   [&](const RootMove& x) { return x.move == m; });
      rm.score = move_count == 1 || v > alpha ? v : -kInfinite;
      rm.exact_score = v > margin_alpha || move_count == 1 ? v : -kInfinite;
    }

    if (v > best) {
      best = v;
      if (v > alpha) {
        best_move = m;
        if constexpr (kPvNode) update_pv(ply, m);
        if (kPvNode && v < beta) {
          alpha = v;
        } else {
          break;  // fail high
        }
      }
    }
    if (m != best_move) {
      if (capture && capture_count < 32) captures[capture_count++] = m;
      else if (!capture && quiet_count < 64) quiets[quiet_count++] = m;
    }
  }

  // No legal move: checkmate, or stalemate, which also loses in xiangqi.
  if (move_count == 0) return mated_in(ply);

  if (best_move) {
    const int bonus = stat_bonus(depth);
    if (!pos.is_capture(best_move)) {
      update_quiet_stats(ss, best_move, bonus, quiets, quiet_count);
    } else {
      const Piece victim = pos.piece_on(best_move.to());
      update_history(hist_->capture[piece_to(pos.piece_on(best_move.from()), best_move.to())][int(rules::type_of(victim))], bonus);
    }
    for (int i = 0; i < capture_count; ++i) {
      const Move c = captures[i];
      update_history(hist_->capture[piece_to(pos.piece_on(c.from()), c.to())][int(rules::type_of(pos.piece_on(c.to())))],
                     -bonus);
    }
  }

  const Bound bound = best >= beta ? Bound::Lower : kPvNode && best_move ? Bound::Exact : Bound::Upper;
  tt_->store(key, score_to_tt(best, ply), ss->static_eval, bound, depth, best_move);
  return best;
}

template <SearchCore::NodeType NT>
Score SearchCore::qsearch(Stack* ss, Score alpha, Score beta, int qdepth) {
  constexpr bool kPvNode = NT == kPV;
  Position& pos = *pos_;
  const int ply = ss->ply;
  if constexpr (kPvNode) {
    pv_len_[ply] = ply;
    seldepth_ = std::max(seldepth_, ply);
  }
  if ((++nodes_ & 1023) == 0 && poll_stop()) stopped_ = true;
  if (stopped_) return 0;

  const bool in_check = pos.in_check();
  if (ply >= kMaxPly - 1) return in_check ? kDraw : evaluate(pos);
  // The rules' verdict on repetitions, as in search(). At the horizon (qdepth 0) the last move came
  // from the main search and may have been a quiet one that completes a perpetual chase (a
  // one-ply search sees nothing else); below it only quiet evasions keep rule60 >= 4, since a
  // capture resets it, so a checking sequence that repeats is judged too.
  if (pos.rule60() >= 4) {
    Score ruled;
    if (repetition_score(ply, ruled)) return ruled;
  }

  const rules::Key key = pos.key();
  const TTEntry* tte = tt_->probe(key);
  const Score tt_score = tte ? score_from_tt(tte->score, ply) : kNone;
  const Bound tt_bound = tte ? tte->bound() : Bound::None;
  auto tt_bound_allows = [&](Score s, Score than) {
    return (int(tt_bound) & int(s >= than ? Bound::Lower : Bound::Upper)) != 0;
  };
  if (!kPvNode && tte && tt_score != kNone && tt_bound_allows(tt_score, beta)) return tt_score;

  Score best = -kInfinite, futility_base = -kInfinite;
  if (in_check) {
    ss->static_eval = kNone;
  } else {
    Score se = tte ? tte->static_eval() : kNone;
    if (se == kNone) se = evaluate(pos);
    ss->static_eval = best = se;
    if (tt_score != kNone && tt_bound_allows(tt_score, best)) best = tt_score;
    if (best >= beta) {
      if (!tte) tt_->store(key, score_to_tt(best, ply), se, Bound::Lower, 0, Move::none());
      return best;
    }
    alpha = std::max(alpha, best);
    futility_base = best + 150;
  }

  MovePicker mp(pos, tte ? tte->best_move() : Move::none(), *hist_);
  Move best_move = Move::none();
  int move_count = 0;
  const Score old_alpha = alpha;
  for (Move m = mp.next(); m; m = mp.next()) {
    ++move_count;
    // Delta pruning: even winning this piece (plus a margin) leaves us below alpha.
    if (!in_check && pos.is_capture(m) && futility_base > -kMateInMaxPly) {
      const Score gain = futility_base + piece_value(pos.piece_on(m.to()));
      if (gain <= alpha && !pos.gives_check(m)) {
        best = std::max(best, gain);
        continue;
      }
    }
    do_move(ss, m);
    if constexpr (kPvNode) pv_len_[ply + 1] = ply + 1;
    const Score v = -qsearch<NT>(ss + 1, -beta, -alpha, qdepth - 1);
    undo_move(m);
    if (stopped_) return 0;
    if (v > best) {
      best = v;
      if (v > alpha) {
        best_move = m;
        if constexpr (kPvNode) update_pv(ply, m);
        if (v < beta) alpha = v;
        else break;
      }
    }
  }
  if (in_check && move_count == 0) return mated_in(ply);

  const Bound bound = best >= beta ? Bound::Lower : kPvNode && best > old_alpha ? Bound::Exact : Bound::Upper;
  tt_->store(key, score_to_tt(best, ply), ss->static_eval, bound, 0, best_move);
  return best;
}

void SearchCore::report(int depth, Score score, bool lower, bool upper) {
  if (!on_info_ || !*on_info_) return;
  SearchInfo info;
  info.depth = depth;
  info.seldepth = seldepth_;
  info.score = score;
  info.lowerbound = lower;
  info.upperbound = upper;
  info.nodes = nodes_;
  info.time_ms = elapsed_ms();
  info.nps = nodes_ * 1000 / std::uint64_t(std::max<std::int64_t>(info.time_ms, 1));
  info.hashfull = tt_->hashfull();
  info.pv.assign(pv_[0], pv_[0] + pv_len_[0]);
  if (info.pv.empty() || info.pv[0] != root_moves_[0].move) info.pv.assign(1, root_moves_[0].move);
  (*on_info_)(info);
}

// Weakened levels: among the root moves whose exact score (last completed iteration) lies within
// the margin of the best, a seeded choice weighted toward the better ones. A mate in hand, or a
// line that a mate score separates from the rest, is never given up.
Move SearchCore::choose_weakened_move(int margin, std::uint64_t seed) const {
  const Score best = root_moves_[0].prev_exact;
  if (best == -kInfinite || is_mate_score(best)) return root_moves_[0].move;
  std::uint64_t total = 0;
  std::uint64_t weights[rules::kMaxMoves];
  for (int i = 0; i < root_count_; ++i) {
    const Score s = root_moves_[i].prev_exact;
    const bool ok = s != -kInfinite && !is_mate_score(s) && best - s <= margin;
    weights[i] = ok ? std::uint64_t(margin + 1 - (best - s)) : 0;
    total += weights[i];
  }
  if (total == 0) return root_moves_[0].move;
  std::uint64_t state = seed ^ pos_->key();
  std::uint64_t pick = rules::zobrist::splitmix64(state) % total;
  for (int i = 0; i < root_count_; ++i) {
    if (pick < weights[i]) return root_moves_[i].move;
    pick -= weights[i];
  }
  return root_moves_[0].move;
}

SearchResult SearchCore::run(Position& pos, TranspositionTable& tt, const SearchLimits& limits,
                             const InfoCallback& on_info, const std::atomic<bool>& stop) {
  start_ = std::chrono::steady_clock::now();
  pos_ = &pos;
  tt_ = &tt;
  stop_flag_ = &stop;
  on_info_ = &on_info;
  stopped_ = false;
  nodes_ = 0;
  seldepth_ = 0;
  root_depth_ = 0;
  infinite_ = limits.infinite;
  tt.new_search();

  const LevelSpec& level = level_spec(limits.level);
  int max_depth = limits.depth > 0 ? std::min(limits.depth, kMaxPly - 2) : kMaxPly - 2;
  if (level.max_depth > 0) max_depth = std::min(max_depth, level.max_depth);
  node_limit_ = limits.nodes;
  if (level.max_nodes > 0) node_limit_ = node_limit_ ? std::min(node_limit_, level.max_nodes) : level.max_nodes;
  margin_ = level.margin_cp;
  set_time_budget(limits);

  for (int i = 0; i < int(stack_.size()); ++i) {
    stack_[i] = Stack{};
    stack_[i].ply = i - kStackOffset;
    stack_[i].cont = stack_[i].cont_w = hist_->cont[kContSentinel];
  }
  Stack* ss = &stack_[kStackOffset];

  SearchResult result;
  rules::MoveList legal;
  rules::generate_legal(pos, legal);
  root_count_ = legal.size();
  if (root_count_ == 0) {
    result.score = mated_in(0);
    if (limits.infinite)
      while (!stop.load(std::memory_order_relaxed)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return result;
  }
  // Start from the hash move, then captures: the first iteration reorders anyway.
  const TTEntry* tte = tt.probe(pos.key());
  const Move hash_move = tte ? tte->best_move() : Move::none();
  for (int i = 0; i < root_count_; ++i) root_moves_[i] = RootMove{legal[i]};
  // Stable insertion sorts: std::stable_sort may allocate a buffer, and nothing here may allocate.
  auto stable_sort_root = [&](auto&& better) {
    for (int i = 1; i < root_count_; ++i) {
      const RootMove x = root_moves_[i];
      int j = i;
      for (; j > 0 && better(x, root_moves_[j - 1]); --j) root_moves_[j] = root_moves_[j - 1];
      root_moves_[j] = x;
    }
  };
  auto rank = [&](Move m) { return m == hash_move ? 100000 : pos.is_capture(m) ? piece_value(pos.piece_on(m.to())) : 0; };
  stable_sort_root([&](const RootMove& a, const RootMove& b) { return rank(a.move) > rank(b.move); });
  pv_len_[0] = 0;

  auto sort_root = [&] { stable_sort_root([](const RootMove& a, const RootMove& b) { return a.score > b.score; }); };

  Score last_score = 0;
  int completed = 0;
  Move last_best = Move::none();
  int best_changes = 0;
  for (int depth = 1; depth <= max_depth; ++depth) {
    root_depth_ = depth;
    seldepth_ = 0;
    for (int i = 0; i < root_count_; ++i) {
      root_moves_[i].prev_score = root_moves_[i].score;
      root_moves_[i].score = -kInfinite;
      root_moves_[i].exact_score = -kInfinite;
    }
    Score alpha = -kInfinite, beta = kInfinite, delta = 20;
    if (depth >= 5 && margin_ == 0 && !is_mate_score(last_score)) {
      alpha = std::max(last_score - delta, -kInfinite);
      beta = std::min(last_score + delta, kInfinite);
    }
    Score v = 0;
    for (;;) {
      v = search<kRoot>(ss, alpha, beta, depth, false);
      sort_root();
      if (stopped_) break;
      if (v <= alpha) {
        beta = (alpha + beta) / 2;
        alpha = std::max(v - delta, -kInfinite);
        if (elapsed_ms() > 3000) report(depth, v, false, true);
      } else if (v >= beta) {
        beta = std::min(v + delta, kInfinite);
        if (elapsed_ms() > 3000) report(depth, v, true, false);
      } else {
        break;
      }
      delta += delta / 2 + 5;
      if (delta > 600) alpha = -kInfinite, beta = kInfinite;
    }
    if (stopped_) break;

    completed = depth;
    last_score = v;
    for (int i = 0; i < root_count_; ++i) root_moves_[i].prev_exact = root_moves_[i].exact_score;
    if (root_moves_[0].move != last_best) {
      if (last_best) ++best_changes;
      last_best = root_moves_[0].move;
    }
    report(depth, v, false, false);

    // Clock play: stop early when the next iteration would probably not finish in time, or at
    // once with a single legal move. A fixed movetime always uses its time.
    if (!limits.infinite && limits.movetime_ms <= 0 && optimum_ms_ > 0) {
      if (root_count_ == 1) break;
      const double instability = 1.0 + 0.3 * std::min(best_changes, 3);
      if (double(elapsed_ms()) > 0.6 * double(optimum_ms_) * instability) break;
      best_changes = best_changes > 0 ? best_changes - 1 : 0;
    }
  }

  // UCI: with `go infinite` the answer waits for `stop`, even when the search has nothing left to do.
  if (limits.infinite)
    while (!stop.load(std::memory_order_relaxed)) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  // After an interrupted iteration the sort put any move that beat the previous best first.
  result.best = root_moves_[0].move;
  result.score = root_moves_[0].score != -kInfinite ? root_moves_[0].score : root_moves_[0].prev_score;
  if (result.score == -kInfinite) result.score = last_score;
  if (pv_len_[0] > 1 && pv_[0][0] == result.best) result.ponder = pv_[0][1];
  if (margin_ > 0 && completed > 0) {
    const Move chosen = choose_weakened_move(margin_, limits.seed);
    if (chosen != result.best) {
      result.best = chosen;
      result.ponder = Move::none();
      for (int i = 0; i < root_count_; ++i)
        if (root_moves_[i].move == chosen) result.score = root_moves_[i].prev_exact;
    }
  }
  result.depth = completed;
  result.nodes = nodes_;
  result.time_ms = elapsed_ms();
  return result;
}

}  // namespace chuhe::ai
