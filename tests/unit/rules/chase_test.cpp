// Perpetual chase: the rules of docs/rules.md "Perpetual chase", one case each, on small
// positions built for the rule (the WXF rule book's diagrams are not reproduced here: each test is
// named by the rule it shows). repetition_fsf_test.cpp covers Fairy-Stockfish's 32 cases.
#include <gtest/gtest.h>

#include <string>

#include "rules/chase.h"
#include "rules/game.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

// Plays the moves until the game ends; "outcome/reason@ply", or "ongoing@ply".
std::string verdict(const std::string& fen, const std::string& moves) {
  Game g;
  if (g.reset(fen)) return "bad fen";
  for (const auto& m : testing::split_words(moves)) {
    if (g.is_over()) break;
    if (g.play_iccs(m) != PlayResult::Ok) return "illegal " + m;
  }
  if (!g.result()) return "ongoing@" + std::to_string(g.ply());
  return std::string(to_string(g.result()->outcome)) + "/" + std::string(to_string(g.result()->reason)) + "@" +
         std::to_string(g.ply());
}

// The squares the last move chases, as "b7 c7".
std::string chased_after(const std::string& fen, const std::string& moves) {
  Game g;
  EXPECT_FALSE(g.reset(fen));
  for (const auto& m : testing::split_words(moves)) EXPECT_EQ(g.play_iccs(m), PlayResult::Ok) << m;
  const SquareSet s = chased_by_last_move(g.position());
  std::string out;
  for (int i = 0; i < kSquareCount; ++i)
    if (s.test(std::size_t(i))) out += std::string(out.empty() ? "" : " ") + char('a' + i % 9) + char('0' + i / 9);
  return out;
}

// Red's chariot follows Black's unprotected cannon from file to file: Red chases with every move.
constexpr const char* kChariotChasesCannon = "4k4/9/1c7/9/9/9/9/9/9/1R1K5 b - - 0 1";
constexpr const char* kCycle = "b7c7 b0c0 c7b7 c0b0 b7c7 b0c0 c7b7 c0b0";

TEST(PerpetualChase, ChariotChasingAnUnprotectedCannonLoses) {
  EXPECT_EQ(verdict(kChariotChasesCannon, kCycle), "black_wins/perpetual_chase@8");
  EXPECT_EQ(chased_after(kChariotChasesCannon, "b7c7 b0c0"), "c7");
}

TEST(PerpetualChase, ChasingAProtectedPieceIsAllowed) {
  // The black chariot on a7 protects the cannon on b7 and (through the empty b7) on c7.
  EXPECT_EQ(verdict("4k4/9/rc7/9/9/9/9/9/9/1R1K5 b - - 0 1", kCycle), "draw/repetition@8");
}

TEST(PerpetualChase, ChariotAttackingChariotIsAnExchangeOfferNotAChase) {
  // As above with a black chariot instead of the cannon: it attacks back, so Red offers an exchange.
  EXPECT_EQ(verdict("4k4/9/1r7/9/9/9/9/9/9/1R1K5 b - - 0 1", kCycle), "draw/repetition@8");
  EXPECT_EQ(chased_after("4k4/9/1r7/9/9/9/9/9/9/1R1K5 b - - 0 1", "b7c7 b0c0"), "");
}

TEST(PerpetualChase, CannonAttackingAChariotChasesEvenIfItIsProtected) {
  // The red cannon jumps the crossed soldiers b5/c5 onto the black chariot on b7/c7, which the other
  // black chariot on a7 protects: a cannon attacking a chariot chases it all the same. The black
  // chariot's own attacks on the soldiers are no chases (they protect each other).
  const char* fen = "4k4/9/rr7/9/1PP6/9/9/9/9/1C1K5 b - - 0 1";
  EXPECT_EQ(verdict(fen, kCycle), "black_wins/perpetual_chase@8");
  EXPECT_EQ(chased_after(fen, "b7c7 b0c0"), "c7");
  EXPECT_EQ(chased_after(fen, "b7c7"), "");
}

TEST(PerpetualChase, ChasingTwoPiecesInTurnIsNotAPerpetualChase) {
  // The chariot attacks the cannon b7 and the horse c7 alternately: never the same piece throughout.
  const char* fen = "4k4/9/1cn6/9/9/9/9/9/9/1R1K5 w - - 0 1";
  EXPECT_EQ(verdict(fen, "b0c0 e9e8 c0b0 e8e9 b0c0 e9e8 c0b0 e8e9"), "draw/repetition@8");
  EXPECT_EQ(chased_after(fen, "b0c0"), "c7");
  EXPECT_EQ(chased_after(fen, "b0c0 e9e8 c0b0"), "b7");
}

TEST(PerpetualChase, UncrossedSoldiersCannotBeChasedCrossedOnesCan) {
  // The black chariot swings from h9 onto the g-file, attacking Red's lone soldier there.
  EXPECT_EQ(chased_after("3k2r2/9/9/9/9/9/6P2/9/9/4K4 b - - 0 1", "g9h9 g3g4 h9g9"), "");  // g4: not crossed
  EXPECT_EQ(chased_after("3k2r2/9/9/9/6P2/9/9/9/9/4K4 b - - 0 1", "g9h9 g5g6 h9g9"), "g6");  // g6: crossed
}

TEST(PerpetualChase, AttacksByGeneralsAndSoldiersAreNotChases) {
  // The black soldier steps next to the unprotected red cannon: an attack, but not a chase.
  EXPECT_EQ(chased_after("3k5/9/9/9/9/9/9/3p5/4C4/4K4 b - - 0 1", "d2d1"), "");
}

TEST(PerpetualChase, CheckOutranksChase) {
  // Fairy-Stockfish test.py:1176 (in repetition-fsf.tsv): one check and one chase by Black is a
  // perpetual chase; here the reverse: when one side checks with every move, the checker loses
  // whatever the other side chased.
  EXPECT_EQ(verdict("3k5/9/9/9/9/5p3/9/5p3/5K3/5C3 w - - 0 1", "f1e1 f2e2 e1f1 e2f2 f1e1 f2e2 e1f1 e2f2"),
            "red_wins/perpetual_check@8");
}

TEST(PerpetualChase, OneCheckOneChaseIsAPerpetualChase) {
  // Black's chariot leaves b1 (discovered check by the cannon a1 through the advisor e1: its move
  // chases nothing) and comes back attacking the unprotected red cannon on d1. Checks alternate with
  // chases of one piece: Black chases perpetually and loses. (Fairy-Stockfish intersects the chases
  // of every move, the check included, and calls this a draw.)
  EXPECT_EQ(verdict("3k5/9/9/9/9/9/9/9/cr1CAK3/9 w - - 0 1", "d1d2 b1b3 d2d1 b3b1 d1d2 b1b3 d2d1 b3b1"),
            "red_wins/perpetual_chase@8");
}

TEST(PerpetualChase, NoChaseAtTheRoot) {
  Position pos;
  EXPECT_TRUE(chased_by_last_move(pos).none());
}

}  // namespace
}  // namespace chuhe::rules
