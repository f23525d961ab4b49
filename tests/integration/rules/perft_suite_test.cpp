// The whole of perft-suite.tsv: 320 positions, node counts at depth 4 and legal-move lists, as
// computed by fairy-stockfish. (A few seconds in a Release build.)
#include <gtest/gtest.h>

#include "rules/perft.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

TEST(PerftSuite, AllPositionsMatch) {
  const auto cases = testing::read_perft_cases("perft-suite.tsv");
  ASSERT_EQ(cases.size(), 320u);
  std::uint64_t total = 0;
  for (const auto& c : cases) {
    Position pos = testing::pos_from(c.fen);
    EXPECT_EQ(testing::legal_iccs(pos), c.legal_moves) << c.fen;
    EXPECT_EQ(perft(pos, c.depth), c.nodes) << c.fen << " depth " << c.depth;
    total += c.nodes;
  }
  RecordProperty("nodes", std::to_string(total));
}

}  // namespace
}  // namespace chuhe::rules
