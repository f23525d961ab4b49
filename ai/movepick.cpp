#include "ai/movepick.h"

#include "ai/history.h"

namespace chuhe::ai {

using rules::GenType;
using rules::Move;
using rules::Piece;

MovePicker::MovePicker(const rules::Position& pos, Move tt_move, const Move killers[2], Move counter,
                       const Histories& hist, const std::int16_t* const cont[2])
    : pos_(pos), hist_(hist), tt_move_(tt_move), counter_(counter), stage_(Stage::TTMove) {
  cont_[0] = cont[0];
  cont_[1] = cont[1];
  killers_[0] = killers[0];
  killers_[1] = killers[1];
  // The hash move may come from a colliding key: accept it only if legal here.
  if (!tt_move_ || !rules::is_legal(pos_, tt_move_)) {
    tt_move_ = Move::none();
    stage_ = Stage::GenCaptures;
  }
}

MovePicker::MovePicker(const rules::Position& pos, Move tt_move, const Histories& hist)
    : pos_(pos), hist_(hist), tt_move_(tt_move), stage_(Stage::QTTMove) {
  // In quiescence the hash move is only tried if it is of a kind searched there.
  if (!tt_move_ || !rules::is_legal(pos_, tt_move_) || (!pos_.in_check() && !pos_.is_capture(tt_move_))) {
    tt_move_ = Move::none();
    stage_ = Stage::QGenCaptures;
  }
}

// A capture that looks like it loses material: the victim is worth less than the capturer and the
// point is defended. Approximate (no exchange sequence, board as before the move), and only used
// to order such captures last and to skip them in quiescence.
bool MovePicker::losing_capture(Move m) const {
  const Piece attacker = pos_.piece_on(m.from()), victim = pos_.piece_on(m.to());
  if (piece_value(victim) >= piece_value(attacker) - 50) return false;
  return pos_.is_attacked(m.to(), ~pos_.side_to_move());
}

Move MovePicker::pick_best(int& cursor, int end) {
  int best = cursor;
  for (int i = cursor + 1; i < end; ++i)
    if (scores_[i] > scores_[best]) best = i;
  if (best != cursor) {
    std::swap(moves_[best], moves_[cursor]);
    std::swap(scores_[best], scores_[cursor]);
  }
  return moves_[cursor++];
}

bool MovePicker::is_special(Move m) const {
  return m == tt_move_ || m == killers_[0] || m == killers_[1] || m == counter_;
}

Move MovePicker::next(bool skip_quiets) {
  for (;;) {
    switch (stage_) {
      case Stage::TTMove:
        stage_ = Stage::GenCaptures;
        return tt_move_;

      case Stage::GenCaptures:
        rules::generate_legal<GenType::Captures>(pos_, moves_);
        end_ = moves_.size();
        cursor_ = 0;
        for (int i = 0; i < end_; ++i) {
          const Move m = moves_[i];
          const Piece victim = pos_.piece_on(m.to()), attacker = pos_.piece_on(m.from());
          scores_[i] = 8 * piece_value(victim) - piece_value(attacker) / 16 +
                       hist_.capture[piece_to(attacker, m.to())][int(rules::type_of(victim))] / 32;
        }
        stage_ = Stage::GoodCaptures;
        [[fallthrough]];

      case Stage::GoodCaptures:
        while (cursor_ < end_) {
          const Move m = pick_best(cursor_, end_);
          if (m == tt_move_) continue;
          if (losing_capture(m)) {
            bad_[bad_count_++] = m;
            continue;
          }
          return m;
        }
        stage_ = Stage::Killer0;
        [[fallthrough]];

      case Stage::Killer0:
        stage_ = Stage::Killer1;
        if (!skip_quiets && killers_[0] && killers_[0] != tt_move_ && !pos_.is_capture(killers_[0]) &&
            rules::is_legal(pos_, killers_[0]))
          return killers_[0];
        [[fallthrough]];

      case Stage::Killer1:
        stage_ = Stage::Counter;
        if (!skip_quiets && killers_[1] && killers_[1] != tt_move_ && killers_[1] != killers_[0] &&
            !pos_.is_capture(killers_[1]) && rules::is_legal(pos_, killers_[1]))
          return killers_[1];
        [[fallthrough]];

      case Stage::Counter:
        stage_ = Stage::GenQuiets;
        if (!skip_quiets && counter_ && counter_ != tt_move_ && counter_ != killers_[0] && counter_ != killers_[1] &&
            !pos_.is_capture(counter_) && rules::is_legal(pos_, counter_))
          return counter_;
        [[fallthrough]];

      case Stage::GenQuiets:
        if (skip_quiets) {
          stage_ = Stage::BadCaptures;
          continue;
        }
        rules::generate_legal<GenType::Quiets>(pos_, moves_);
        end_ = moves_.size();
        cursor_ = 0;
        {
          const int side = int(pos_.side_to_move());
          for (int i = 0; i < end_; ++i) {
            const Move m = moves_[i];
            const int pt = piece_to(pos_.piece_on(m.from()), m.to());
            scores_[i] = hist_.main[side][int(m.from()) * rules::kSquareCount + int(m.to())] + cont_[0][pt] + cont_[1][pt];
          }
        }
        stage_ = Stage::Quiets;
        [[fallthrough]];

      case Stage::Quiets:
        while (!skip_quiets && cursor_ < end_) {
          const Move m = pick_best(cursor_, end_);
          if (!is_special(m)) return m;
        }
        stage_ = Stage::BadCaptures;
        [[fallthrough]];

      case Stage::BadCaptures:
        if (bad_cursor_ < bad_count_) return bad_[bad_cursor_++];
        stage_ = Stage::Done;
        return Move::none();

      case Stage::QTTMove:
        stage_ = pos_.in_check() ? Stage::QGenEvasions : Stage::QGenCaptures;
        return tt_move_;

      case Stage::QGenCaptures:
        if (pos_.in_check()) {
          stage_ = Stage::QGenEvasions;
          continue;
        }
        rules::generate_legal<GenType::Captures>(pos_, moves_);
        end_ = moves_.size();
        cursor_ = 0;
        for (int i = 0; i < end_; ++i) {
          const Move m = moves_[i];
          scores_[i] = 8 * piece_value(pos_.piece_on(m.to())) - piece_value(pos_.piece_on(m.from())) / 16;
        }
        stage_ = Stage::QCaptures;
        [[fallthrough]];

      case Stage::QCaptures:
        while (cursor_ < end_) {
          const Move m = pick_best(cursor_, end_);
          if (m == tt_move_ || losing_capture(m)) continue;
          return m;
        }
        stage_ = Stage::Done;
        return Move::none();

      case Stage::QGenEvasions:
        rules::generate_legal<GenType::All>(pos_, moves_);
        end_ = moves_.size();
        cursor_ = 0;
        {
          const int side = int(pos_.side_to_move());
          for (int i = 0; i < end_; ++i) {
            const Move m = moves_[i];
            scores_[i] = pos_.is_capture(m)
                             ? (1 << 20) + 8 * piece_value(pos_.piece_on(m.to())) - piece_value(pos_.piece_on(m.from())) / 16
                             : hist_.main[side][int(m.from()) * rules::kSquareCount + int(m.to())];
          }
        }
        stage_ = Stage::QEvasions;
        [[fallthrough]];

      case Stage::QEvasions:
        while (cursor_ < end_) {
          const Move m = pick_best(cursor_, end_);
          if (m != tt_move_) return m;
        }
        stage_ = Stage::Done;
        return Move::none();

      case Stage::Done:
        return Move::none();
    }
  }
}

}  // namespace chuhe::ai
