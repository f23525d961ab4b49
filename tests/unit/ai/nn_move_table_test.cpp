// The policy move table: size, round trip, closure under the side-to-move flip, and coverage of
// every legal move of every position of the shared perft suite (both in the board's and in the
// network's frame).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "ai/nn/features.h"
#include "ai/nn/move_table.h"
#include "rules/movegen.h"
#include "rules/notation.h"

namespace chuhe::ai::nn {
namespace {

TEST(NnMoveTable, RoundTripsEverySlot) {
  std::set<std::uint16_t> seen;
  for (int i = 0; i < kPolicySize; ++i) {
    const rules::Move m = policy_move(i);
    ASSERT_TRUE(m.is_ok()) << i;
    EXPECT_EQ(policy_index(m), i);
    EXPECT_GE(policy_index(flip(m)), 0) << rules::to_iccs(m) << " flipped is missing";
    seen.insert(m.raw());
  }
  EXPECT_EQ(seen.size(), std::size_t(kPolicySize));
  EXPECT_EQ(policy_index(rules::Move::none()), -1);
  EXPECT_GE(policy_index(*rules::parse_iccs("a0b2")), 0);  // a horse jump
  EXPECT_EQ(policy_index(*rules::parse_iccs("a0c2")), -1);  // no piece moves two points diagonally from a0
  EXPECT_EQ(policy_index(*rules::parse_iccs("a0b1")), -1);  // nor one point diagonally
}

TEST(NnMoveTable, CoversEveryLegalMoveOfThePerftSuite) {
  std::ifstream in(std::string(CHUHE_SHARED_DATA_DIR) + "/perft-suite.tsv");
  ASSERT_TRUE(in) << "missing " << CHUHE_SHARED_DATA_DIR << "/perft-suite.tsv";
  int positions = 0, moves = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string fen, depth, nodes, count, list;
    std::getline(fields, fen, '\t');
    std::getline(fields, depth, '\t');
    std::getline(fields, nodes, '\t');
    std::getline(fields, count, '\t');
    std::getline(fields, list, '\t');
    rules::Position pos;
    ASSERT_FALSE(pos.set_fen(fen).has_value()) << fen;
    // The reference list (Fairy-Stockfish's), then our generator's.
    std::istringstream ms(list);
    for (std::string s; ms >> s;) {
      const auto m = rules::parse_iccs(s);
      ASSERT_TRUE(m) << s;
      EXPECT_GE(policy_index(*m), 0) << s << " in " << fen;
      EXPECT_GE(policy_index(to_network_frame(pos.side_to_move(), *m)), 0) << s << " in " << fen;
      ++moves;
    }
    rules::MoveList legal;
    rules::generate_legal<rules::GenType::All>(pos, legal);
    EXPECT_EQ(legal.size(), std::stoi(count)) << fen;
    for (rules::Move m : legal) {
      const int i = policy_index(to_network_frame(pos.side_to_move(), m));
      ASSERT_GE(i, 0) << rules::to_iccs(m) << " in " << fen;
      EXPECT_EQ(to_network_frame(pos.side_to_move(), policy_move(i)), m);
    }
    ++positions;
  }
  EXPECT_EQ(positions, 320);
  EXPECT_GT(moves, 5000);
}

TEST(NnFeatures, FlipsBlackToMoveAndFillsPlanes) {
  rules::Position red;  // the start position, Red to move
  rules::Position black;
  ASSERT_FALSE(black.set_fen("rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR b - - 0 1").has_value());
  std::vector<float> a(kInputSize), b(kInputSize);
  encode_position(red, a.data());
  encode_position(black, b.data());
  // The start position is symmetric: the piece planes agree, only the side-to-move plane differs.
  for (int i = 0; i < 14 * kBoardPoints; ++i) ASSERT_EQ(a[std::size_t(i)], b[std::size_t(i)]) << i;
  EXPECT_EQ(a[14 * kBoardPoints], 1.0f);
  EXPECT_EQ(b[14 * kBoardPoints], 0.0f);
  // Our general on e0 (point 4), plane 0 (King).
  EXPECT_EQ(a[0 * kBoardPoints + 4], 1.0f);
  EXPECT_EQ(a[7 * kBoardPoints + 85], 1.0f);  // theirs on e9
}

}  // namespace
}  // namespace chuhe::ai::nn
