// Evaluation: colour and left-right symmetry, the trace the tuner relies on, basic material sense.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ai/eval.h"
#include "rules/position.h"

namespace chuhe::ai {
namespace {

std::vector<std::string> suite_fens() {
  std::ifstream in(std::string(CHUHE_SHARED_DATA_DIR) + "/perft-suite.tsv");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out.push_back(line.substr(0, line.find('\t')));
  if (out.empty()) out.emplace_back(rules::Position::kStartFen);
  return out;
}

// Swaps colours: ranks in reverse order, letter case swapped, the other side to move.
std::string mirror_colours(const std::string& fen) {
  std::istringstream in(fen);
  std::string board, side;
  in >> board >> side;
  std::vector<std::string> ranks;
  std::stringstream bs(board);
  for (std::string r; std::getline(bs, r, '/');) ranks.push_back(r);
  std::reverse(ranks.begin(), ranks.end());
  std::string out;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i) out += '/';
    for (char c : ranks[i])
      out += std::isupper(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : char(std::toupper(c));
  }
  return out + (side == "w" ? " b" : " w") + " - - 0 1";
}

// Mirrors files left-right.
std::string mirror_files(const std::string& fen) {
  std::istringstream in(fen);
  std::string board, side;
  in >> board >> side;
  std::string out;
  std::stringstream bs(board);
  bool first = true;
  for (std::string r; std::getline(bs, r, '/');) {
    std::reverse(r.begin(), r.end());
    out += (first ? "" : "/") + r;
    first = false;
  }
  return out + " " + side + " - - 0 1";
}

TEST(Eval, ColourMirrorGivesTheSameScoreForTheSideToMove) {
  // From the side to move's view the mirrored position is the same game: equal scores, i.e. the
  // score from Red's view is negated.
  int checked = 0;
  for (const std::string& fen : suite_fens()) {
    rules::Position a, b;
    ASSERT_FALSE(a.set_fen(fen)) << fen;
    const std::string m = mirror_colours(fen);
    ASSERT_FALSE(b.set_fen(m)) << m;
    EXPECT_EQ(evaluate(a), evaluate(b)) << fen << " vs " << m;
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(Eval, FileMirrorGivesTheSameScore) {
  for (const std::string& fen : suite_fens()) {
    rules::Position a, b;
    ASSERT_FALSE(a.set_fen(fen));
    ASSERT_FALSE(b.set_fen(mirror_files(fen)));
    EXPECT_EQ(evaluate(a), evaluate(b)) << fen;
  }
}

TEST(Eval, TraceReproducesTheEvaluation) {
  const EvalWeights& w = default_weights();
  for (const std::string& fen : suite_fens()) {
    rules::Position pos;
    ASSERT_FALSE(pos.set_fen(fen));
    const EvalTrace t = trace_evaluation(pos, w);
    double mg = 0, eg = 0;
    for (const auto& term : t.terms) {
      mg += term.coef * w[term.param].mg;
      eg += term.coef * w[term.param].eg;
    }
    const double red = (mg * t.phase + eg * (kPhaseMax - t.phase)) / kPhaseMax * t.scale / 64.0;
    EXPECT_NEAR(red * t.sign, evaluate(pos), 2.0) << fen;
  }
}

TEST(Eval, ExtraMaterialScoresHigher) {
  rules::Position even, up;
  ASSERT_FALSE(even.set_fen(rules::Position::kStartFen));
  // Black's a9 chariot removed.
  ASSERT_FALSE(up.set_fen("1nbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - 0 1"));
  EXPECT_GT(evaluate(up), evaluate(even) + 500);
  // The start position is symmetric: only the side to move's tempo separates the two sides.
  EXPECT_EQ(evaluate(even), (default_weights()[prm::kTempo].mg * kPhaseMax) / kPhaseMax);
}

TEST(Eval, BareGeneralsAreADraw) {
  rules::Position pos;
  ASSERT_FALSE(pos.set_fen("3k5/4a4/9/9/9/9/9/9/4A4/2BAK4 w - - 0 1"));
  EXPECT_LT(std::abs(evaluate(pos)), 40);
}

}  // namespace
}  // namespace chuhe::ai
