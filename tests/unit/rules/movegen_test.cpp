// Legal move generation: each piece's rule, the flying general, pins, check evasion, mate and
// stalemate. Expected lists were cross-checked with fairy-stockfish (perft 1).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

using testing::legal_iccs;
using testing::pos_from;
using V = std::vector<std::string>;

V legal(const std::string& fen) { return legal_iccs(pos_from(fen)); }

// Legal moves of the piece on `from` only.
V moves_from(const std::string& fen, const std::string& from) {
  V out;
  for (const auto& m : legal(fen))
    if (m.substr(0, 2) == from) out.push_back(m);
  return out;
}

TEST(Movegen, StartPositionHas44Moves) {
  EXPECT_EQ(legal(std::string(Position::kStartFen)).size(), 44u);
}

TEST(Movegen, HorseLegBlocks) {
  // Red soldier on e5 blocks the horse's leg towards d6 and f6.
  EXPECT_EQ(moves_from("5k3/9/9/9/4P4/4N4/9/9/9/3K5 w - - 0 1", "e4"),
            (V{"e4c3", "e4c5", "e4d2", "e4f2", "e4g3", "e4g5"}));
}

TEST(Movegen, ElephantEyeAndRiver) {
  EXPECT_EQ(moves_from("5k3/9/9/9/9/9/9/4B4/9/3K5 w - - 0 1", "e2"), (V{"e2c0", "e2c4", "e2g0", "e2g4"}));
  // A piece on the eye f3 blocks e2-g4.
  EXPECT_EQ(moves_from("5k3/9/9/9/9/9/5N3/4B4/9/3K5 w - - 0 1", "e2"), (V{"e2c0", "e2c4", "e2g0"}));
  // From the river bank c4 an elephant cannot cross to a6 or e6.
  EXPECT_EQ(moves_from("3k5/9/9/9/9/2B6/9/9/9/5K3 w - - 0 1", "c4"), (V{"c4a2", "c4e2"}));
}

TEST(Movegen, AdvisorStaysOnPalaceDiagonals) {
  EXPECT_EQ(legal("3k5/9/9/9/9/9/9/9/4A4/4K4 w - - 0 1"), (V{"e0f0", "e1d0", "e1d2", "e1f0", "e1f2"}));
  EXPECT_EQ(moves_from("3k5/9/9/9/9/9/9/9/9/3AK4 w - - 0 1", "d0"), (V{"d0e1"}));
}

TEST(Movegen, GeneralStaysInPalace) {
  EXPECT_EQ(legal("3k5/9/9/9/9/9/9/5K3/9/9 w - - 0 1"), (V{"f2e2", "f2f1"}));
}

TEST(Movegen, ChariotSlidesAndCapturesFirstPiece) {
  EXPECT_EQ(moves_from("5k3/9/9/4P4/9/1p2R4/9/9/9/3K5 w - - 0 1", "e4"),
            (V{"e4b4", "e4c4", "e4d4", "e4e0", "e4e1", "e4e2", "e4e3", "e4e5", "e4f4", "e4g4", "e4h4", "e4i4"}));
}

TEST(Movegen, CannonNeedsExactlyOneScreenToCapture) {
  // e7 (black horse) behind the screen e6 is taken; b4 (no screen) is not.
  EXPECT_EQ(moves_from("5k3/9/4n4/4P4/9/1p2C4/9/9/9/3K5 w - - 0 1", "e4"),
            (V{"e4c4", "e4d4", "e4e0", "e4e1", "e4e2", "e4e3", "e4e5", "e4e7", "e4f4", "e4g4", "e4h4", "e4i4"}));
}

TEST(Movegen, SoldierForwardThenSidewaysAfterRiver) {
  const std::string fen = "P4k3/9/9/9/4P4/9/2P6/9/9/3K5 w - - 0 1";
  EXPECT_EQ(moves_from(fen, "a9"), (V{"a9b9"}));  // last rank: sideways only, never back
  EXPECT_EQ(moves_from(fen, "e5"), (V{"e5d5", "e5e6", "e5f5"}));
  EXPECT_EQ(moves_from(fen, "c3"), (V{"c3c4"}));
  const std::string black = "4k4/9/9/4p4/9/2p6/9/9/9/3K5 b - - 0 1";
  EXPECT_EQ(moves_from(black, "e6"), (V{"e6e5"}));
  EXPECT_EQ(moves_from(black, "c4"), (V{"c4b4", "c4c3", "c4d4"}));
}

TEST(Movegen, FlyingGeneral) {
  // The horse is the only piece between the generals: it may not leave the file (it has no move
  // along it), and the general may not step onto an open file facing the other.
  EXPECT_EQ(legal("4k4/9/9/9/4N4/9/9/9/9/4K4 w - - 0 1"), (V{"e0d0", "e0e1", "e0f0"}));
  EXPECT_EQ(legal("4k4/9/9/9/9/9/9/9/9/3K5 w - - 0 1"), (V{"d0d1"}));
}

TEST(Movegen, PinnedByChariot) {
  EXPECT_EQ(legal("3k5/4r4/9/9/9/9/9/4N4/9/4K4 w - - 0 1"), (V{"e0e1", "e0f0"}));
}

TEST(Movegen, CannonWithTwoScreensPinsBoth) {
  // Screens e2 (horse) and e3 (soldier): either leaving the file gives the cannon one screen.
  // The soldier may advance along the file.
  EXPECT_EQ(legal("3k5/4c4/9/9/9/9/4P4/4N4/9/4K4 w - - 0 1"), (V{"e0e1", "e0f0", "e3e4"}));
}

TEST(Movegen, PieceMayNotBecomeCannonScreen) {
  // The cannon on e8 faces the general on an open file: a4-e4 would give it a screen.
  const V moves = legal("3k5/4c4/9/9/9/R8/9/9/9/4K4 w - - 0 1");
  EXPECT_EQ(moves.size(), 18u);
  EXPECT_EQ(std::count(moves.begin(), moves.end(), "a4e4"), 0);
}

TEST(Movegen, HorseLegBlockerIsPinned) {
  // The chariot on d1 blocks the black horse d2 from the general e0: it may only capture the horse.
  EXPECT_EQ(legal("3k5/9/9/9/9/9/9/3n5/3R5/4K4 w - - 0 1"), (V{"d1d2", "e0d0", "e0e1", "e0f0"}));
}

TEST(Movegen, CheckEvasions) {
  // Chariot check: block on e3 or step aside.
  EXPECT_EQ(legal("4k4/9/4r4/9/9/9/R8/9/9/4K4 w - - 0 1"), (V{"a3e3", "e0d0", "e0f0"}));
  // Cannon check through the advisor: move the screen, add a second screen, or step aside
  // (d0 faces the black general).
  EXPECT_EQ(legal("3k5/9/9/9/4c4/9/R8/9/4A4/4K4 w - - 0 1"), (V{"a3e3", "e0f0", "e1d0", "e1d2", "e1f0", "e1f2"}));
  // Horse check: block its leg on d1 (f0 faces the black general).
  EXPECT_EQ(legal("5k3/9/9/9/9/9/9/3n5/R8/4K4 w - - 0 1"), (V{"a1d1", "e0d0", "e0e1"}));
}

TEST(Movegen, CheckmateAndStalemateHaveNoMoves) {
  const Position mate = pos_from("3k5/9/9/9/3R5/4R4/9/9/9/5K3 b - - 0 1");
  EXPECT_TRUE(mate.in_check());
  EXPECT_FALSE(has_legal_move(mate));
  const Position stalemate = pos_from("3k5/9/3P5/9/4R4/9/9/9/9/5K3 b - - 0 1");
  EXPECT_FALSE(stalemate.in_check());
  EXPECT_FALSE(has_legal_move(stalemate));
  EXPECT_EQ(count_legal(stalemate), 0);
}

// Over positions from random playouts: count_legal agrees with generate_legal, captures + quiets
// partition the legal moves, and is_legal accepts exactly the generated moves.
TEST(Movegen, GeneratorsAgreeOnRandomPlayouts) {
  std::mt19937 rng(12345);
  for (int game = 0; game < 30; ++game) {
    Position pos;
    std::vector<StateInfo> states(200);
    for (int ply = 0; ply < 200; ++ply) {
      MoveList all, caps, quiets;
      generate_legal(pos, all);
      generate_legal<GenType::Captures>(pos, caps);
      generate_legal<GenType::Quiets>(pos, quiets);
      ASSERT_EQ(count_legal(pos), all.size());
      ASSERT_EQ(caps.size() + quiets.size(), all.size());
      for (Move m : caps) ASSERT_TRUE(all.contains(m) && pos.is_capture(m));
      for (Move m : quiets) ASSERT_TRUE(all.contains(m) && !pos.is_capture(m));
      // is_legal: every generated move, and no other move from the side's pieces.
      for (int from = 0; from < kSquareCount; ++from)
        for (int to = 0; to < kSquareCount; ++to) {
          const Piece p = pos.piece_on(Square(from));
          if (from == to || p == Piece::None || color_of(p) != pos.side_to_move()) continue;
          const Move m{Square(from), Square(to)};
          ASSERT_EQ(is_legal(pos, m), all.contains(m)) << pos.fen() << " " << to_iccs(m);
        }
      if (all.empty()) break;
      pos.do_move(all[int(rng() % unsigned(all.size()))], states[ply]);
    }
  }
}

TEST(Movegen, IsLegalRefusesGarbage) {
  const Position pos;
  EXPECT_FALSE(is_legal(pos, Move::none()));
  EXPECT_FALSE(is_legal(pos, Move::from_raw(0xFFFF)));
  EXPECT_FALSE(is_legal(pos, Move::from_raw(std::uint16_t(95 << 7 | 3))));
  EXPECT_FALSE(is_legal(pos, *parse_iccs("h9g7")));  // Black's move, Red to play
  EXPECT_FALSE(is_legal(pos, *parse_iccs("h2h8")));  // a cannon's quiet move cannot jump
  EXPECT_FALSE(is_legal(pos, *parse_iccs("h2h0")));  // onto its own piece
  EXPECT_TRUE(is_legal(pos, *parse_iccs("h2e2")));
}

}  // namespace
}  // namespace chuhe::rules
