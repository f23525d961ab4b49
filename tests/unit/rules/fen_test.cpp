// FEN parsing and writing: every error kind, the tolerated short forms, and round trips.
#include <gtest/gtest.h>

#include <string>

#include "rules/position.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

const std::string kStart(Position::kStartFen);

std::optional<FenErrorKind> error_of(const std::string& fen) {
  Position p;
  auto err = p.set_fen(fen);
  if (!err) return std::nullopt;
  EXPECT_FALSE(err->message.empty());
  EXPECT_EQ(p.fen(), kStart) << "a refused FEN must leave the position unchanged";
  return err->kind;
}

std::string message_of(const std::string& fen) {
  Position p;
  auto err = p.set_fen(fen);
  return err ? err->message : "";
}

TEST(Fen, StartPositionRoundTrips) {
  Position p;
  EXPECT_EQ(p.fen(), kStart);
  EXPECT_FALSE(p.set_fen(kStart));
  EXPECT_EQ(p.fen(), kStart);
  EXPECT_EQ(p.side_to_move(), Color::Red);
  EXPECT_EQ(p.piece_on(Square::e0), Piece::RedKing);
  EXPECT_EQ(p.piece_on(Square::h7), Piece::BlackCannon);
  EXPECT_EQ(p.count(Color::Black, PieceType::Soldier), 5);
}

TEST(Fen, SuitePositionsRoundTripExactly) {
  // perft-suite.tsv holds FENs as fairy-stockfish writes them.
  const auto cases = testing::read_perft_cases("perft-suite.tsv");
  ASSERT_EQ(cases.size(), 320u);
  for (const auto& c : cases) {
    Position p;
    ASSERT_FALSE(p.set_fen(c.fen)) << c.fen;
    EXPECT_EQ(p.fen(), c.fen);
  }
}

TEST(Fen, CountersAndFieldsMayBeLeftOut) {
  const std::string board = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR";
  for (const std::string tail : {" w", " w - -", " w - - 0", "  w   -  -  0  1  ", " w - - 0 1\n"}) {
    Position p;
    EXPECT_FALSE(p.set_fen(board + tail)) << tail;
    EXPECT_EQ(p.fen(), kStart);
  }
  Position p;
  ASSERT_FALSE(p.set_fen(board + " b - - 7 12"));
  EXPECT_EQ(p.side_to_move(), Color::Black);
  EXPECT_EQ(p.rule60(), 7);
  EXPECT_EQ(p.fullmove_number(), 12);
  EXPECT_EQ(p.game_ply(), 23);
  EXPECT_EQ(p.fen(), board + " b - - 7 12");
}

TEST(Fen, Empty) {
  EXPECT_EQ(error_of(""), FenErrorKind::Empty);
  EXPECT_EQ(error_of("  \t "), FenErrorKind::Empty);
}

TEST(Fen, BadPieceLetter) {
  EXPECT_EQ(error_of("rnbakabnx/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - 0 1"), FenErrorKind::BadPieceLetter);
  EXPECT_EQ(error_of("rhbakabhr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w"), FenErrorKind::BadPieceLetter);
  EXPECT_EQ(error_of("rnbakabnr/0/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w"), FenErrorKind::BadPieceLetter);
  std::string binary = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKAB";
  binary += '\xff';
  binary += '\0';
  binary += "R w";
  EXPECT_EQ(error_of(binary), FenErrorKind::BadPieceLetter);
  EXPECT_NE(message_of("rnbakabnx/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w").find("'x'"), std::string::npos);
}

TEST(Fen, BadRankCount) {
  EXPECT_EQ(error_of("3k5/9/9/9/9/9/9/9/5K3 w"), FenErrorKind::BadRankCount);          // 9 ranks
  EXPECT_EQ(error_of("3k5/9/9/9/9/9/9/9/9/9/5K3 w"), FenErrorKind::BadRankCount);      // 11 ranks
  EXPECT_EQ(error_of("3k5/9/9/9/9/9/9/9/9/5K3/ w"), FenErrorKind::BadRankCount);       // trailing '/' 
}

TEST(Fen, BadFileCount) {
  EXPECT_EQ(error_of("rnbakabnr/8/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w"), FenErrorKind::BadFileCount);
  EXPECT_EQ(error_of("rnbakabnr1/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w"), FenErrorKind::BadFileCount);
  EXPECT_EQ(error_of("rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABN w"), FenErrorKind::BadFileCount);
  EXPECT_EQ(error_of("rnbakabnr/9/1c5c2/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w"), FenErrorKind::BadFileCount);
}

TEST(Fen, KingCount) {
  EXPECT_EQ(error_of("rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBA1ABNR w"), FenErrorKind::KingCount);
  EXPECT_EQ(error_of("3kk4/9/9/9/9/9/9/9/9/5K3 w"), FenErrorKind::KingCount);
}

TEST(Fen, KingOutsidePalace) {
  EXPECT_EQ(error_of("4k4/9/9/9/9/9/4K4/9/9/9 w"), FenErrorKind::KingOutsidePalace);
  EXPECT_EQ(error_of("9/9/9/9/9/9/9/9/9/3K1k3 w"), FenErrorKind::KingOutsidePalace);  // black general in Red's palace
}

TEST(Fen, UnreachableSquare) {
  EXPECT_EQ(error_of("4k4/9/9/9/9/9/9/9/9/3KA4 w"), FenErrorKind::UnreachableSquare);   // advisor e0
  EXPECT_EQ(error_of("4k4/9/9/9/9/9/9/9/4B4/3K5 w"), FenErrorKind::UnreachableSquare);  // elephant e1
  EXPECT_EQ(error_of("4k4/9/9/9/9/B8/9/9/9/3K5 w"), FenErrorKind::UnreachableSquare);   // elephant a4
  EXPECT_EQ(error_of("4k4/9/9/9/9/9/9/4P4/9/3K5 w"), FenErrorKind::UnreachableSquare);  // soldier behind its start
  EXPECT_EQ(error_of("4k4/9/9/9/9/9/1P7/9/9/3K5 w"), FenErrorKind::UnreachableSquare);  // uncrossed soldier on b3
  EXPECT_EQ(error_of("4k4/9/9/3p5/9/9/9/9/9/3K5 w"), FenErrorKind::UnreachableSquare);  // black soldier d6
  EXPECT_NE(message_of("4k4/9/9/9/9/9/9/9/9/3KA4 w").find("advisor on e0"), std::string::npos);
}

TEST(Fen, TooManyPieces) {
  EXPECT_EQ(error_of("4k4/9/9/9/9/9/9/9/9/RRRK5 w"), FenErrorKind::TooManyPieces);
  EXPECT_EQ(error_of("4k4/9/9/PPPPPP3/9/9/9/9/9/3K5 w"), FenErrorKind::TooManyPieces);
}

TEST(Fen, GeneralsFacing) {
  EXPECT_EQ(error_of("4k4/9/9/9/9/9/9/9/9/4K4 w"), FenErrorKind::GeneralsFacing);
  EXPECT_EQ(error_of("4k4/9/9/9/9/9/9/9/9/4K4 b"), FenErrorKind::GeneralsFacing);
  EXPECT_FALSE(error_of("4k4/9/9/9/4N4/9/9/9/9/4K4 w"));
}

TEST(Fen, OpponentInCheck) {
  // Red to move while the black general is attacked by the red chariot.
  EXPECT_EQ(error_of("4k4/9/9/9/4R4/9/9/9/9/3K5 w"), FenErrorKind::OpponentInCheck);
  EXPECT_FALSE(error_of("4k4/9/9/9/4R4/9/9/9/9/3K5 b"));
}

TEST(Fen, BadSideToMove) {
  const std::string board = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR";
  EXPECT_EQ(error_of(board), FenErrorKind::BadSideToMove);
  EXPECT_EQ(error_of(board + " r - - 0 1"), FenErrorKind::BadSideToMove);
  EXPECT_EQ(error_of(board + " W - - 0 1"), FenErrorKind::BadSideToMove);
  EXPECT_EQ(error_of(board + " wb - - 0 1"), FenErrorKind::BadSideToMove);
}

TEST(Fen, BadCastlingAndEnPassantFields) {
  const std::string board = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w";
  EXPECT_EQ(error_of(board + " KQ - 0 1"), FenErrorKind::BadCastlingField);
  EXPECT_EQ(error_of(board + " - e3 0 1"), FenErrorKind::BadEnPassantField);
}

TEST(Fen, BadCounters) {
  const std::string head = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - ";
  EXPECT_EQ(error_of(head + "x 1"), FenErrorKind::BadHalfmoveClock);
  EXPECT_EQ(error_of(head + "-1 1"), FenErrorKind::BadHalfmoveClock);
  EXPECT_EQ(error_of(head + "1000000 1"), FenErrorKind::BadHalfmoveClock);
  EXPECT_EQ(error_of(head + "99999999999999999999 1"), FenErrorKind::BadHalfmoveClock);
  EXPECT_EQ(error_of(head + "0 0"), FenErrorKind::BadFullmoveNumber);
  EXPECT_EQ(error_of(head + "0 1x"), FenErrorKind::BadFullmoveNumber);
  EXPECT_EQ(error_of(head + "0 +1"), FenErrorKind::BadFullmoveNumber);
}

TEST(Fen, TrailingFields) {
  EXPECT_EQ(error_of(kStart + " extra"), FenErrorKind::TrailingFields);
}

}  // namespace
}  // namespace chuhe::rules
