// The xiangqi repetition cases of Fairy-Stockfish's test.py (/work/shared/data/repetition-fsf.tsv).
// Each case plays its moves until the game ends and compares the verdict (all 32, perpetual chases
// included).
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "rules/game.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

struct RepCase {
  int line = 0;
  std::string source, description, fen;
  std::vector<std::string> moves;
  std::string expected, reason;
};

void PrintTo(const RepCase& c, std::ostream* os) { *os << c.description; }

std::vector<RepCase> load_cases() {
  std::vector<RepCase> out;
  int n = 0;
  for (const auto& cols : testing::read_tsv(testing::data_path("repetition-fsf.tsv"))) {
    ++n;
    if (cols.size() < 6) continue;
    out.push_back(RepCase{n, cols[0], cols[1], cols[2], testing::split_words(cols[3]), cols[4], cols[5]});
  }
  return out;
}

// The protocol has no "mutual_*" reasons: a mutual perpetual check or chase is a plain draw by
// repetition.
std::string protocol_reason(const std::string& reason) {
  if (reason == "mutual_perpetual_check" || reason == "mutual_perpetual_chase") return "repetition";
  return reason;
}

class RepetitionFsf : public ::testing::TestWithParam<RepCase> {};

TEST_P(RepetitionFsf, Verdict) {
  const RepCase& c = GetParam();
  Game g;
  ASSERT_FALSE(g.reset(c.fen)) << c.fen;
  for (const auto& m : c.moves) {
    if (g.is_over()) break;  // the moves may run past the ending ply
    ASSERT_EQ(g.play_iccs(m), PlayResult::Ok) << c.description << ": move " << m;
  }
  const std::string got = g.result() ? std::string(to_string(g.result()->outcome)) + "/" +
                                           std::string(to_string(g.result()->reason))
                                     : "ongoing";
  const std::string want = c.expected + "/" + protocol_reason(c.reason);
  EXPECT_EQ(got, want) << c.description << " [" << c.source << "]";
}

std::string case_name(const ::testing::TestParamInfo<RepCase>& info) {
  std::string name = "line" + std::to_string(info.param.line) + "_";
  for (char ch : info.param.reason) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Data, RepetitionFsf, ::testing::ValuesIn(load_cases()), case_name);

TEST(RepetitionFsfData, FileIsPresent) { EXPECT_EQ(load_cases().size(), 32u); }

}  // namespace
}  // namespace chuhe::rules
