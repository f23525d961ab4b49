#pragma once
// A bot's move for tests that play whole games over the wire: quick to decide, and sure to end a game.
#include <random>

#include "rules/game.h"
#include "rules/movegen.h"

namespace chuhe::test {

namespace rules = chuhe::rules;

// Red looks for mate in one, then the biggest capture, then a check, never a move that repeats a
// position; Black plays at random. With a fixed seed the game is the same every run, and it ends in
// checkmate well before the ply cap.
inline rules::Move mating_bot_move(const rules::Game& game, std::mt19937& rng) {
  rules::MoveList moves;
  game.legal_moves(moves);
  const rules::Position& pos = game.position();
  if (pos.side_to_move() == rules::Color::Black) return moves[std::uniform_int_distribution<int>(0, moves.size() - 1)(rng)];
  static constexpr int value[] = {0, 2, 2, 4, 9, 4, 1};  // by PieceType
  auto seen = [&](rules::Key key) {
    for (const auto& record : game.history())
      if (record.key == key) return true;
    return false;
  };
  int best = -100000;
  rules::Move pick = moves[0];
  for (int i = 0; i < moves.size(); ++i) {
    rules::Game probe = game;
    probe.play(moves[i]);
    if (probe.result() && probe.result()->reason == rules::EndReason::Checkmate) return moves[i];
    rules::Piece victim = pos.piece_on(moves[i].to());
    // Captures first; otherwise squeeze: checks, and fewer replies for Black.
    int score = victim == rules::Piece::None ? 0 : 100 * value[int(rules::type_of(victim))];
    score += (probe.position().in_check() ? 20 : 0) - rules::count_legal(probe.position());
    if (probe.result() || seen(probe.position().key())) score -= 10000;
    if (score > best || (score == best && rng() % 3 == 0)) {
      best = score;
      pick = moves[i];
    }
  }
  return pick;
}


}  // namespace chuhe::test
