// perft in the fast tier: the start position to depth 4, every suite position's legal-move list,
// and the suite's small trees to depth 4. (The whole suite at depth 4 runs in the integration tier:
// tests/integration/rules/perft_suite_test.cpp.)
#include <gtest/gtest.h>

#include "rules/perft.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

TEST(Perft, StartPosition) {
  Position pos;
  EXPECT_EQ(perft(pos, 1), 44u);
  EXPECT_EQ(perft(pos, 2), 1920u);
  EXPECT_EQ(perft(pos, 3), 79666u);
  EXPECT_EQ(perft(pos, 4), 3290240u);
  EXPECT_EQ(pos.fen(), std::string(Position::kStartFen));
}

TEST(Perft, DivideSumsToPerft) {
  Position pos;
  std::uint64_t sum = 0;
  const auto entries = perft_divide(pos, 3);
  for (const auto& e : entries) sum += e.nodes;
  EXPECT_EQ(entries.size(), 44u);
  EXPECT_EQ(sum, 79666u);
}

TEST(Perft, SuiteLegalMoveLists) {
  const auto cases = testing::read_perft_cases("perft-suite.tsv");
  ASSERT_EQ(cases.size(), 320u);
  int no_moves = 0;
  for (const auto& c : cases) {
    const Position pos = testing::pos_from(c.fen);
    const auto got = testing::legal_iccs(pos);
    EXPECT_EQ(int(got.size()), c.legal_count) << c.fen;
    EXPECT_EQ(got, c.legal_moves) << c.fen;
    no_moves += got.empty();
  }
  EXPECT_EQ(no_moves, 25);  // the 20 final mates/stalemates, and 5 among the depth-4 positions
}

TEST(Perft, SuiteSmallTrees) {
  int run = 0;
  for (const auto& c : testing::read_perft_cases("perft-suite.tsv")) {
    if (c.nodes > 400000) continue;
    Position pos = testing::pos_from(c.fen);
    EXPECT_EQ(perft(pos, c.depth), c.nodes) << c.fen;
    ++run;
  }
  EXPECT_GE(run, 30);
}

}  // namespace
}  // namespace chuhe::rules
