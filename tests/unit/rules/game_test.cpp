// Game: playing moves, history, and every way the rules end a game.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/game.h"
#include "rules/notation.h"

namespace chuhe::rules {
namespace {

Game game_from(const std::string& fen, RuleConfig cfg = {}) {
  Game g(cfg);
  auto err = g.reset(fen);
  EXPECT_FALSE(err) << fen << ": " << (err ? err->message : "");
  return g;
}

void play_all(Game& g, const std::vector<std::string>& moves) {
  for (const auto& m : moves) ASSERT_EQ(g.play_iccs(m), PlayResult::Ok) << m << " in " << g.fen();
}

TEST(Game, StartsOngoingAndPlaysLegalMoves) {
  Game g;
  EXPECT_FALSE(g.is_over());
  MoveList moves;
  g.legal_moves(moves);
  EXPECT_EQ(moves.size(), 44);
  EXPECT_EQ(g.play_iccs("h2e2"), PlayResult::Ok);
  EXPECT_EQ(g.play_iccs("h2e2"), PlayResult::IllegalMove);  // nothing on h2 for Black
  EXPECT_EQ(g.play_iccs("nonsense"), PlayResult::BadNotation);
  EXPECT_EQ(g.play(Move::from_raw(0xFFFF)), PlayResult::IllegalMove);
  EXPECT_EQ(g.ply(), 1);
  ASSERT_EQ(g.history().size(), 1u);
  EXPECT_EQ(g.history()[0].move, *parse_iccs("h2e2"));
  EXPECT_FALSE(g.history()[0].gave_check);
  EXPECT_EQ(g.history()[0].key, g.position().key());
  EXPECT_EQ(g.fen(), "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C2C4/9/RNBAKABNR b - - 1 1");
  EXPECT_EQ(g.initial_fen(), std::string(Position::kStartFen));
}

TEST(Game, RecordsChecks) {
  Game g = game_from("3k5/9/9/9/9/9/9/9/9/4K2R1 w - - 0 1");
  play_all(g, {"h0h9"});
  EXPECT_TRUE(g.history().back().gave_check);
  EXPECT_TRUE(g.position().in_check());
}

TEST(Game, Checkmate) {
  Game g = game_from("3k5/9/9/9/R8/4R4/9/9/9/5K3 w - - 0 1");
  play_all(g, {"a5d5"});
  ASSERT_TRUE(g.is_over());
  EXPECT_EQ(g.result(), (GameResult{Outcome::RedWins, EndReason::Checkmate}));
  EXPECT_EQ(to_string(g.result()->reason), "checkmate");
  EXPECT_EQ(result_string(g.result()->outcome), "1-0");
  EXPECT_EQ(g.play_iccs("d9e9"), PlayResult::GameOver);
  MoveList moves;
  g.legal_moves(moves);
  EXPECT_TRUE(moves.empty());
}

TEST(Game, StalemateLosesForTheSideToMove) {
  Game g = game_from("3k5/9/3P5/9/R8/9/9/9/9/5K3 w - - 0 1");
  play_all(g, {"a5e5"});
  EXPECT_EQ(g.result(), (GameResult{Outcome::RedWins, EndReason::Stalemate}));
  EXPECT_EQ(to_string(EndReason::Stalemate), "stalemate");
  // A FEN that is already stalemate ends at once.
  Game s = game_from("3k5/9/3P5/9/4R4/9/9/9/9/5K3 b - - 0 1");
  EXPECT_EQ(s.result(), (GameResult{Outcome::RedWins, EndReason::Stalemate}));
}

TEST(Game, InsufficientMaterial) {
  Game bare = game_from("3k5/9/9/9/9/9/9/9/4A4/4K4 w - - 0 1");
  EXPECT_EQ(bare.result(), (GameResult{Outcome::Draw, EndReason::InsufficientMaterial}));
  // Capturing the last attacking piece.
  Game g = game_from("3k5/9/9/9/9/9/9/9/4r4/3AK4 w - - 0 1");
  EXPECT_FALSE(g.is_over());
  play_all(g, {"d0e1"});
  EXPECT_EQ(g.result(), (GameResult{Outcome::Draw, EndReason::InsufficientMaterial}));
  EXPECT_EQ(to_string(EndReason::InsufficientMaterial), "insufficient_material");
  // One soldier is enough to play on.
  EXPECT_FALSE(game_from("3k5/9/9/9/9/P8/9/9/4A4/4K4 w - - 0 1").is_over());
}

TEST(Game, NaturalLimitCountsEveryPly) {
  const std::string fen = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - 118 60";
  Game g = game_from(fen);
  play_all(g, {"h2e2"});
  EXPECT_FALSE(g.is_over());
  play_all(g, {"h9g7"});
  EXPECT_EQ(g.result(), (GameResult{Outcome::Draw, EndReason::NaturalLimit}));
  EXPECT_EQ(to_string(EndReason::NaturalLimit), "natural_limit");
  // Checks count like any ply.
  Game c = game_from("3k5/9/9/9/9/9/9/9/9/4K2R1 w - - 119 80");
  play_all(c, {"h0h9"});
  EXPECT_EQ(c.result(), (GameResult{Outcome::Draw, EndReason::NaturalLimit}));
  // Configurable, and 0 disables it.
  Game off = game_from(fen, RuleConfig{.natural_limit_plies = 0});
  play_all(off, {"h2e2", "h9g7", "h0g2"});
  EXPECT_FALSE(off.is_over());
  Game short_limit = game_from(std::string(Position::kStartFen), RuleConfig{.natural_limit_plies = 4});
  play_all(short_limit, {"h2e2", "h9g7", "h0g2", "i9h9"});
  EXPECT_EQ(short_limit.result(), (GameResult{Outcome::Draw, EndReason::NaturalLimit}));
}

TEST(Game, CaptureResetsTheNaturalLimit) {
  Game g = game_from("rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - 119 60");
  play_all(g, {"h2h9"});  // cannon takes the horse on the 120th ply
  EXPECT_FALSE(g.is_over());
  EXPECT_EQ(g.position().rule60(), 0);
}

TEST(Game, MateOnTheLastPlyBeatsTheNaturalLimit) {
  Game g = game_from("3k5/9/9/9/R8/4R4/9/9/9/5K3 w - - 119 80");
  play_all(g, {"a5d5"});
  EXPECT_EQ(g.result(), (GameResult{Outcome::RedWins, EndReason::Checkmate}));
}

TEST(Game, ThreefoldRepetitionIsADraw) {
  Game g;
  const std::vector<std::string> cycle{"h0g2", "h9g7", "g2h0", "g7h9"};
  play_all(g, cycle);  // second occurrence of the start position
  EXPECT_FALSE(g.is_over());
  play_all(g, cycle);  // third
  EXPECT_EQ(g.result(), (GameResult{Outcome::Draw, EndReason::Repetition}));
  EXPECT_EQ(g.play_iccs("h0g2"), PlayResult::GameOver);
  // Undo re-opens the game.
  EXPECT_TRUE(g.undo());
  EXPECT_FALSE(g.is_over());
  EXPECT_EQ(g.ply(), 7);
}

TEST(Game, RepetitionFoldIsConfigurable) {
  Game g(RuleConfig{.repetition_fold = 2});
  play_all(g, {"h0g2", "h9g7", "g2h0", "g7h9"});
  EXPECT_EQ(g.result(), (GameResult{Outcome::Draw, EndReason::Repetition}));
}

TEST(Game, PerpetualCheckLoses) {
  // Red's chariot checks on every one of its moves (f1, e1, f1, ...) while the black general steps
  // between f9 and e9; the position after 1. a1f1 occurs for the third time after ply 9.
  Game g = game_from("5k3/9/9/9/9/9/9/9/R8/3K5 w - - 0 1");
  play_all(g, {"a1f1", "f9e9", "f1e1", "e9f9", "e1f1", "f9e9", "f1e1", "e9f9"});
  EXPECT_FALSE(g.is_over());
  play_all(g, {"e1f1"});
  EXPECT_EQ(g.result(), (GameResult{Outcome::BlackWins, EndReason::PerpetualCheck}));
  EXPECT_EQ(to_string(EndReason::PerpetualCheck), "perpetual_check");
}

TEST(Game, CopiesAreIndependentAndKeepHistory) {
  Game g;
  play_all(g, {"h0g2", "h9g7", "g2h0", "g7h9", "h0g2", "h9g7", "g2h0"});
  Game copy = g;
  play_all(copy, {"g7h9"});
  EXPECT_EQ(copy.result(), (GameResult{Outcome::Draw, EndReason::Repetition}));
  EXPECT_FALSE(g.is_over());
  EXPECT_EQ(g.ply(), 7);
  Game moved = std::move(copy);
  EXPECT_TRUE(moved.is_over());
  g = moved;
  EXPECT_TRUE(g.is_over());
  EXPECT_EQ(g.ply(), 8);
}

TEST(Game, ResetRefusesBadFenAndKeepsTheGame) {
  Game g;
  play_all(g, {"h2e2"});
  auto err = g.reset("not a fen");
  ASSERT_TRUE(err);
  EXPECT_EQ(g.ply(), 1);
  EXPECT_FALSE(g.reset("4k4/9/9/9/4N4/9/9/9/9/4K4 b - - 3 9"));
  EXPECT_EQ(g.ply(), 0);
  EXPECT_EQ(g.initial_fen(), "4k4/9/9/9/4N4/9/9/9/9/4K4 b - - 3 9");
}

}  // namespace
}  // namespace chuhe::rules
