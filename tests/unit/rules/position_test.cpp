// Position: make/unmake restore everything, incremental Zobrist keys equal keys from scratch,
// null moves, copies, attack queries.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

using testing::pos_from;

TEST(Types, SquaresAndMoves) {
  EXPECT_EQ(index(Square::a0), 0);
  EXPECT_EQ(index(Square::i9), 89);
  EXPECT_EQ(square_at(4, 0), Square::e0);
  EXPECT_EQ(file_of(Square::h2), 7);
  EXPECT_EQ(rank_of(Square::h2), 2);
  const Move m(Square::h2, Square::e2);
  EXPECT_EQ(m.from(), Square::h2);
  EXPECT_EQ(m.to(), Square::e2);
  EXPECT_EQ(m.raw(), (int(Square::h2) << 7) | int(Square::e2));
  EXPECT_TRUE(m.is_ok());
  EXPECT_FALSE(Move::none().is_ok());
  EXPECT_FALSE(Move::none());
  EXPECT_EQ(sizeof(Move), 2u);
  EXPECT_EQ(make_piece(Color::Black, PieceType::Cannon), Piece::BlackCannon);
  EXPECT_EQ(color_of(Piece::RedSoldier), Color::Red);
  EXPECT_EQ(type_of(Piece::BlackHorse), PieceType::Horse);
  EXPECT_EQ(piece_to_char(Piece::RedElephant), 'B');
  EXPECT_EQ(piece_to_char(Piece::BlackHorse), 'n');
}

// Plays every legal move of every position along random playouts from the start and from suite
// positions; after each do_move the incremental state must equal a from-scratch one, and undo_move
// must restore the FEN, the key and the check flag exactly.
TEST(Position, MakeUnmakeRestoresAndKeysMatchScratch) {
  std::vector<std::string> starts{std::string(Position::kStartFen)};
  const auto suite = testing::read_perft_cases("perft-suite.tsv");
  for (std::size_t i = 0; i < suite.size(); i += 16) starts.push_back(suite[i].fen);
  std::mt19937 rng(7);
  for (const std::string& fen : starts) {
    Position pos = pos_from(fen);
    std::vector<StateInfo> states(120);
    for (int ply = 0; ply < 120; ++ply) {
      ASSERT_TRUE(pos.is_consistent()) << pos.fen();
      const std::string before = pos.fen();
      const Key key = pos.key();
      const bool check = pos.in_check();
      MoveList moves;
      generate_legal(pos, moves);
      for (Move m : moves) {
        StateInfo st;
        pos.do_move(m, st);
        ASSERT_TRUE(pos.is_consistent()) << before << " " << to_iccs(m);
        ASSERT_EQ(pos.key(), pos.compute_key());
        // The FEN after the move, re-parsed, gives the same key (the key ignores the counters).
        ASSERT_EQ(pos_from(pos.fen()).key(), pos.key());
        pos.undo_move(m);
        ASSERT_EQ(pos.fen(), before);
        ASSERT_EQ(pos.key(), key);
        ASSERT_EQ(pos.in_check(), check);
      }
      if (moves.empty()) break;
      pos.do_move(moves[int(rng() % unsigned(moves.size()))], states[ply]);
    }
  }
}

TEST(Position, CountersAdvance) {
  Position pos;
  StateInfo s1, s2, s3;
  pos.do_move(*parse_iccs("h2e2"), s1);
  EXPECT_EQ(pos.fen(), "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C2C4/9/RNBAKABNR b - - 1 1");
  pos.do_move(*parse_iccs("h9g7"), s2);
  EXPECT_EQ(pos.rule60(), 2);
  EXPECT_EQ(pos.fullmove_number(), 2);
  pos.do_move(*parse_iccs("e2e6"), s3);  // cannon takes the central soldier
  EXPECT_EQ(pos.rule60(), 0);
  EXPECT_EQ(s3.captured, Piece::BlackSoldier);
  EXPECT_FALSE(pos.in_check());  // nothing screens the cannon on e6 from the general on e9
  EXPECT_EQ(pos.fen(), "rnbakab1r/9/1c4nc1/p1p1C1p1p/9/9/P1P1P1P1P/1C7/9/RNBAKABNR b - - 0 2");
}

TEST(Position, NullMove) {
  Position pos;
  const Key key = pos.key();
  StateInfo st;
  pos.do_null_move(st);
  EXPECT_EQ(pos.side_to_move(), Color::Black);
  EXPECT_EQ(pos.key(), pos.compute_key());
  EXPECT_NE(pos.key(), key);
  pos.undo_null_move();
  EXPECT_EQ(pos.key(), key);
  EXPECT_EQ(pos.fen(), std::string(Position::kStartFen));
}

TEST(Position, CopyStartsFreshHistory) {
  Position pos;
  StateInfo s1;
  pos.do_move(*parse_iccs("h2e2"), s1);
  const Position copy = pos;
  EXPECT_EQ(copy.fen(), pos.fen());
  EXPECT_EQ(copy.key(), pos.key());
  EXPECT_EQ(copy.state()->previous, nullptr);
  EXPECT_EQ(copy.state()->plies_from_null, 0);
  EXPECT_TRUE(copy.is_consistent());
}

TEST(Position, IsAttacked) {
  const Position start;
  EXPECT_FALSE(start.is_attacked(Square::e3, Color::Red));
  EXPECT_TRUE(start.is_attacked(Square::h9, Color::Red));   // cannon h2 over the screen h7
  EXPECT_TRUE(start.is_attacked(Square::e1, Color::Red));   // general, advisors
  EXPECT_TRUE(start.is_attacked(Square::c2, Color::Red));   // horse b0
  EXPECT_TRUE(start.is_attacked(Square::e2, Color::Red));   // elephants c0/g0
  EXPECT_TRUE(start.is_attacked(Square::e5, Color::Black));  // soldier e6
  EXPECT_FALSE(start.is_attacked(Square::e4, Color::Black));
  // The horse between the generals blocks the "flying general" attack.
  const Position p = pos_from("4k4/9/9/9/4N4/9/9/9/9/4K4 w - - 0 1");
  EXPECT_FALSE(p.is_attacked(Square::e0, Color::Black));
  EXPECT_FALSE(p.is_attacked(Square::e5, Color::Black));
}

TEST(Position, GivesCheck) {
  const Position pos = pos_from("3k5/9/9/9/9/9/9/9/9/4K2R1 w - - 0 1");
  EXPECT_TRUE(pos.gives_check(*parse_iccs("h0h9")));
  EXPECT_FALSE(pos.gives_check(*parse_iccs("h0h8")));
  EXPECT_FALSE(pos.gives_check(*parse_iccs("e0f0")));
}

}  // namespace
}  // namespace chuhe::rules
