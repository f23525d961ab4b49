// Game results, and the adjudication of repeated positions (repetition, perpetual check, perpetual
// chase; see docs/rules.md). Detection walks the Position's StateInfo chain two plies at a
// time comparing Zobrist keys, with no allocation until a repetition is found (the chase rules
// then rebuild the cycle's boards), so a search may call it at every node.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "rules/position.h"
#include "rules/types.h"

namespace chuhe::rules {

enum class Outcome : std::uint8_t { RedWins, BlackWins, Draw };

// Why a game ended, as far as the rules decide it (resign, timeout, agreement, ... are decided by
// the game room, not here). to_string gives the protocol's end-reason names.
enum class EndReason : std::uint8_t {
  Checkmate,
  Stalemate,             // the side to move has no legal move (and loses), not in check
  Repetition,            // draw by repetition (neither side, or both, perpetually checking/chasing)
  PerpetualCheck,        // the side that checked on every move of the cycle loses
  PerpetualChase,        // the side that chased one piece with every move of the cycle loses (rules/chase.h)
  NaturalLimit,          // too many plies without a capture
  InsufficientMaterial,  // neither side has a chariot, horse, cannon or soldier
};

struct GameResult {
  Outcome outcome;
  EndReason reason;
  friend bool operator==(const GameResult&, const GameResult&) = default;
};

std::string_view to_string(EndReason r);   // "checkmate", "perpetual_check", ...
std::string_view to_string(Outcome o);     // "red_wins", "black_wins", "draw"
std::string_view result_string(Outcome o); // "1-0", "0-1", "1/2-1/2"
Outcome win_for(Color c);

// A repetition cycle: the `length` moves that lead from the earliest counted occurrence of the
// repeated position to its latest, read off the StateInfo chain ending at `last`. Each StateInfo in
// it records its move's mover's effect: in_check (the move gave check). Chases are computed from the
// boards of the cycle, which need the Position: a Cycle built without one finds no chase.
class Cycle {
 public:
  Cycle(const StateInfo* last, Color side_to_move, int length)
      : last_(last), side_to_move_(side_to_move), length_(length) {}
  // The last `length` moves of pos (pos must outlive the Cycle).
  Cycle(const Position& pos, int length)
      : last_(pos.state()), side_to_move_(pos.side_to_move()), length_(length), pos_(&pos) {}
  int length() const { return length_; }
  const Position* position() const { return pos_; }
  // Calls f(const StateInfo& after_move, Color mover) for each move, the most recent first.
  template <class F>
  void for_each(F&& f) const {
    const StateInfo* st = last_;
    Color mover = ~side_to_move_;
    for (int i = 0; i < length_; ++i, st = st->previous, mover = ~mover) f(*st, mover);
  }

 private:
  const StateInfo* last_;
  Color side_to_move_;
  int length_;
  const Position* pos_ = nullptr;
};

// Decides a repeated position: a side that gave check with every one of its moves in the cycle
// loses unless the other side did too (then it is a draw); otherwise a side that chased one and the
// same piece with every one of its moves loses unless the other side did too (draw; rules/chase.h);
// otherwise it is a draw by repetition.
GameResult adjudicate_cycle(const Cycle& cycle);

// If the current position of pos has occurred `fold` times in all (this one included) within the
// reachable history since the last capture, the adjudicated result over the cycle from the earliest
// of those occurrences to now. fold = 3 is the game rule; a search may use 2.
std::optional<GameResult> detect_repetition(const Position& pos, int fold);

}  // namespace chuhe::rules
