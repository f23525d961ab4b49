// Game: one xiangqi game under Chuhe's rules, as the server and the AI use it. It starts from a FEN,
// accepts only legal moves, keeps the history (each position's key and whether each move gave
// check) and says when and how the game ended by rule. See docs/rules.md for the exact rules.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rules/movegen.h"
#include "rules/position.h"
#include "rules/repetition.h"

namespace chuhe::rules {

struct RuleConfig {
  // Draw once this many consecutive plies were played without a capture (every ply counts, checks
  // included). 120 plies = the "60-move" natural limit. 0 disables the rule.
  int natural_limit_plies = 120;
  // The game ends when a position (placement + side to move) occurs this many times.
  int repetition_fold = 3;
};

// One move of the game's history.
struct PlyRecord {
  Move move;
  Key key;          // Zobrist key of the position after the move
  bool gave_check;  // the move left the opponent in check
  Piece captured;   // Piece::None if the move captured nothing
};

enum class PlayResult : std::uint8_t {
  Ok,
  IllegalMove,  // not a legal move in the current position
  GameOver,     // the game already ended; nothing more can be played
  BadNotation,  // play_iccs: the text is not an ICCS move
};

class Game {
 public:
  explicit Game(RuleConfig config = {});  // the start position
  Game(const Game& other);                // replays other's moves: the copy is independent
  Game& operator=(const Game& other);
  Game(Game&& other) noexcept;  // leaves `other` empty: only destroy or assign to it
  Game& operator=(Game&& other) noexcept;
  ~Game();

  // Starts a new game from fen (keeping the config). On error, the game is unchanged.
  std::optional<FenError> reset(std::string_view fen);

  PlayResult play(Move m);
  PlayResult play_iccs(std::string_view iccs);
  // Takes back the last move (an ended game becomes ongoing again). False if no move was played.
  bool undo();

  const Position& position() const;
  std::string fen() const;                 // the current position
  const std::string& initial_fen() const;  // the FEN the game started from, as given
  std::span<const PlyRecord> history() const;
  int ply() const;                          // moves played so far
  const RuleConfig& config() const;

  void legal_moves(MoveList& out) const;  // empty once the game is over
  bool is_over() const { return result().has_value(); }
  std::optional<GameResult> result() const;

 private:
  struct Impl;
  void evaluate();
  std::unique_ptr<Impl> impl_;
};

}  // namespace chuhe::rules
