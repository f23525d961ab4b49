// Published perft results (reference-perft.tsv: chessprogramming wiki, Fairy-Stockfish, folium),
// depths 4-6, about 670 million nodes in all: the slow tier.
#include <gtest/gtest.h>

#include <string>

#include "rules/perft.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

class ReferencePerft : public ::testing::TestWithParam<testing::PerftCase> {};

TEST_P(ReferencePerft, Matches) {
  const auto& c = GetParam();
  Position pos = testing::pos_from(c.fen);
  EXPECT_EQ(testing::legal_iccs(pos), c.legal_moves) << c.fen;
  EXPECT_EQ(perft(pos, c.depth), c.nodes) << c.fen << " depth " << c.depth;
}

// Stable test names: line index, depth and node count ("case3_depth6_100055401").
std::string case_name(const ::testing::TestParamInfo<testing::PerftCase>& info) {
  return "case" + std::to_string(info.index) + "_depth" + std::to_string(info.param.depth) + "_" +
         std::to_string(info.param.nodes);
}

INSTANTIATE_TEST_SUITE_P(Published, ReferencePerft, ::testing::ValuesIn(testing::read_perft_cases("reference-perft.tsv")),
                         case_name);

TEST(ReferencePerftData, FileIsPresent) { EXPECT_EQ(testing::read_perft_cases("reference-perft.tsv").size(), 14u); }

}  // namespace
}  // namespace chuhe::rules
