#include "rules/repetition.h"

#include <algorithm>

#include "rules/chase.h"

namespace chuhe::rules {

std::string_view to_string(EndReason r) {
  switch (r) {
    case EndReason::Checkmate: return "checkmate";
    case EndReason::Stalemate: return "stalemate";
    case EndReason::Repetition: return "repetition";
    case EndReason::PerpetualCheck: return "perpetual_check";
    case EndReason::PerpetualChase: return "perpetual_chase";
    case EndReason::NaturalLimit: return "natural_limit";
    case EndReason::InsufficientMaterial: return "insufficient_material";
  }
  return "?";
}

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::RedWins: return "red_wins";
    case Outcome::BlackWins: return "black_wins";
    case Outcome::Draw: return "draw";
  }
  return "?";
}

std::string_view result_string(Outcome o) {
  switch (o) {
    case Outcome::RedWins: return "1-0";
    case Outcome::BlackWins: return "0-1";
    case Outcome::Draw: return "1/2-1/2";
  }
  return "?";
}

Outcome win_for(Color c) { return c == Color::Red ? Outcome::RedWins : Outcome::BlackWins; }

GameResult adjudicate_cycle(const Cycle& cycle) {
  // A side with no move in the cycle cannot be a perpetual checker (cycles have >= 4 plies, so
  // both sides always have moves; the guard keeps the function total).
  bool checked_always[2] = {true, true};
  bool moved[2] = {false, false};
  cycle.for_each([&](const StateInfo& st, Color mover) {
    moved[int(mover)] = true;
    checked_always[int(mover)] = checked_always[int(mover)] && st.in_check;
  });
  const bool red = moved[0] && checked_always[0], black = moved[1] && checked_always[1];
  if (red != black) return {red ? Outcome::BlackWins : Outcome::RedWins, EndReason::PerpetualCheck};
  if (red && black) return {Outcome::Draw, EndReason::Repetition};

  // Check outranks chase: the chase rules are consulted only when nobody checked perpetually.
  if (cycle.position() == nullptr) return {Outcome::Draw, EndReason::Repetition};
  const ChaseVerdict chase = find_perpetual_chase(*cycle.position(), cycle.length());
  if (chase.chasing[0] != chase.chasing[1])
    return {chase.chasing[0] ? Outcome::BlackWins : Outcome::RedWins, EndReason::PerpetualChase};
  return {Outcome::Draw, EndReason::Repetition};
}

std::optional<GameResult> detect_repetition(const Position& pos, int fold) {
  const StateInfo* st = pos.state();
  const int end = std::min(st->rule60, st->plies_from_null);
  if (end < 4 || fold < 2) return std::nullopt;
  // Same side to move means an even distance; the shortest cycle is 4 plies.
  const StateInfo* p = st->previous->previous;
  int seen = 1;
  for (int i = 4; i <= end; i += 2) {
    p = p->previous->previous;
    if (p->key == st->key && ++seen == fold) return adjudicate_cycle(Cycle(pos, i));
  }
  return std::nullopt;
}

}  // namespace chuhe::rules
