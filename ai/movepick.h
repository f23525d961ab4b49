// Move ordering: the hash move, then captures by MVV-LVA (most valuable victim, least valuable
// attacker) with losing-looking captures held back, then the killer moves and the counter-move,
// then the quiet moves by history, then the held-back captures. Moves are generated in two legal
// batches (captures, then quiets) so that a cutoff on the hash move or a capture never pays for
// the quiet moves. Everything lives in the picker object on the search's stack: no allocation.
#pragma once

#include <cstdint>

#include "rules/movegen.h"
#include "rules/position.h"

namespace chuhe::ai {

// Values used for ordering captures and for the quick "is this capture likely to lose material?"
// test (there is no full static exchange evaluation: the cannon's screens make it costly).
constexpr int kOrderPieceValue[rules::kPieceTypeCount] = {5000, 200, 200, 420, 900, 450, 100};

inline int piece_value(rules::Piece p) {
  return kOrderPieceValue[int(rules::type_of(p))];
}

// Quiet-move history tables, owned by the search; indices documented where they are declared.
struct Histories;

class MovePicker {
 public:
  // Main search. cont[0], cont[1]: continuation-history rows of the previous two plies (each
  // 14 * 90 int16 entries indexed by piece_index * 90 + to), or rows of zeros.
  MovePicker(const rules::Position& pos, rules::Move tt_move, const rules::Move killers[2], rules::Move counter,
             const Histories& hist, const std::int16_t* const cont[2]);
  // Quiescence: captures (all legal moves when in check).
  MovePicker(const rules::Position& pos, rules::Move tt_move, const Histories& hist);

  // The next move, or Move::none() when there are no more.
  rules::Move next(bool skip_quiets = false);
  // Whether the last move returned was a capture held back as probably losing.
  bool last_was_bad_capture() const { return stage_ == Stage::BadCaptures; }

 private:
  enum class Stage : std::uint8_t {
    TTMove, GenCaptures, GoodCaptures, Killer0, Killer1, Counter, GenQuiets, Quiets, BadCaptures,
    QTTMove, QGenCaptures, QCaptures, QGenEvasions, QEvasions, Done
  };
  bool losing_capture(rules::Move m) const;
  rules::Move pick_best(int& cursor, int end);
  bool is_special(rules::Move m) const;

  const rules::Position& pos_;
  const Histories& hist_;
  const std::int16_t* cont_[2] = {nullptr, nullptr};
  rules::Move tt_move_, killers_[2], counter_;
  Stage stage_;
  rules::MoveList moves_;          // the current batch
  int scores_[rules::kMaxMoves];
  int cursor_ = 0, end_ = 0;
  rules::Move bad_[rules::kMaxMoves];
  int bad_count_ = 0, bad_cursor_ = 0;
};

}  // namespace chuhe::ai
