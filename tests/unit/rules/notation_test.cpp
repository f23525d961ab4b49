// ICCS, WXF and Chinese notation, including tandem pieces and the soldier forms.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"
#include "tests/unit/rules/test_data.h"

namespace chuhe::rules {
namespace {

using testing::pos_from;

Move iccs(const char* s) {
  auto m = parse_iccs(s);
  EXPECT_TRUE(m.has_value()) << s;
  return m.value_or(Move::none());
}

TEST(Iccs, ParseAndFormat) {
  EXPECT_EQ(parse_iccs("h2e2"), Move(Square::h2, Square::e2));
  EXPECT_EQ(parse_iccs("H2E2"), Move(Square::h2, Square::e2));
  EXPECT_EQ(parse_iccs("H2-E2"), Move(Square::h2, Square::e2));
  EXPECT_EQ(to_iccs(Move(Square::a0, Square::i9)), "a0i9");
  EXPECT_EQ(to_iccs(Move::none()), "0000");
  for (const char* bad : {"", "h2", "h2e", "h2e22", "h2h2", "j2e2", "h2e:", "h10e2", "h2+e2", "h2e2 "})
    EXPECT_FALSE(parse_iccs(bad).has_value()) << bad;
  EXPECT_EQ(to_string(Square::e9), "e9");
  EXPECT_EQ(parse_square("i0"), Square::i0);
  EXPECT_FALSE(parse_square("i").has_value());
}

struct Case {
  const char* fen;
  const char* move;
  const char* wxf;
  const char* chinese;
};

class Notation : public ::testing::TestWithParam<Case> {};

TEST_P(Notation, WxfAndChinese) {
  const Case& c = GetParam();
  const Position pos = pos_from(c.fen);
  const Move m = iccs(c.move);
  ASSERT_TRUE(is_legal(pos, m)) << c.move;
  EXPECT_EQ(to_wxf(pos, m), c.wxf);
  EXPECT_EQ(to_chinese(pos, m), c.chinese);
  EXPECT_EQ(parse_wxf(pos, c.wxf), m);
  EXPECT_EQ(parse_chinese(pos, c.chinese), m);
}

constexpr const char* kStart = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - 0 1";
constexpr const char* kStartBlack = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C2C4/9/RNBAKABNR b - - 1 1";
constexpr const char* kRooks = "5k3/9/9/9/4R4/9/4R4/9/9/3K5 w - - 0 1";           // chariots e5, e3
constexpr const char* kThree = "3k5/9/4P4/4P4/4P4/9/9/9/9/5K3 w - - 0 1";         // soldiers e5-e7
constexpr const char* kFour = "3k5/4P4/4P4/4P4/4P4/9/9/9/9/5K3 w - - 0 1";        // soldiers e5-e8
constexpr const char* kFive = "P8/P3k4/P8/P8/P8/9/9/9/9/3K5 w - - 0 1";           // soldiers a5-a9
constexpr const char* kTwoFiles = "4k4/9/2P6/2P3P2/2P3P2/9/9/9/9/3K5 w - - 0 1";  // c5-c7, g5-g6
constexpr const char* kBlackCannons = "4k4/9/1c7/9/9/1c7/9/9/9/3K5 b - - 0 1";    // cannons b7, b4
constexpr const char* kAdvisors = "5k3/9/9/9/9/9/9/3A5/9/3AK4 w - - 0 1";         // advisors d0, d2

INSTANTIATE_TEST_SUITE_P(
    Rules, Notation,
    ::testing::Values(
        Case{kStart, "h2e2", "C2=5", "炮二平五"}, Case{kStart, "h0g2", "H2+3", "马二进三"},
        Case{kStart, "h2h9", "C2+7", "炮二进七"}, Case{kStart, "a0a1", "R9+1", "车九进一"},
        Case{kStart, "c0e2", "E7+5", "相七进五"}, Case{kStart, "f0e1", "A4+5", "仕四进五"},
        Case{kStart, "e0e1", "K5+1", "帅五进一"}, Case{kStart, "c3c4", "P7+1", "兵七进一"},
        Case{kStartBlack, "h9g7", "H8+7", "马８进７"}, Case{kStartBlack, "b9c7", "H2+3", "马２进３"},
        Case{kStartBlack, "a9a8", "R1+1", "车１进１"}, Case{kStartBlack, "e9e8", "K5+1", "将５进１"},
        Case{kStartBlack, "c9e7", "E3+5", "象３进５"}, Case{kStartBlack, "g6g5", "P7+1", "卒７进１"},
        Case{"5k3/9/9/9/8R/9/9/9/9/3K5 w - - 0 1", "i5i4", "R1-1", "车一退一"},
        // Two chariots on a file: front (+, 前) and rear (-, 后).
        Case{kRooks, "e5e7", "R++2", "前车进二"}, Case{kRooks, "e5a5", "R+=9", "前车平九"},
        Case{kRooks, "e3a3", "R-=9", "后车平九"}, Case{kRooks, "e3e1", "R--2", "后车退二"},
        Case{kBlackCannons, "b4e4", "C+=5", "前炮平５"}, Case{kBlackCannons, "b7b8", "C--1", "后炮退１"},
        // Advisors on one file keep the file: the direction tells them apart.
        Case{kAdvisors, "d0e1", "A6+5", "仕六进五"}, Case{kAdvisors, "d2e1", "A6-5", "仕六退五"},
        // Three soldiers on a file: front, middle (by file), rear.
        Case{kThree, "e7d7", "P+=6", "前兵平六"}, Case{kThree, "e6d6", "P5=6", "中兵平六"},
        Case{kThree, "e5d5", "P-=6", "后兵平六"}, Case{kThree, "e7e8", "P++1", "前兵进一"},
        // Four and five on a file.
        Case{kFour, "e8d8", "++=6", "一兵平六"}, Case{kFour, "e7d7", "P+=6", "二兵平六"},
        Case{kFour, "e6d6", "P-=6", "三兵平六"}, Case{kFour, "e5d5", "--=6", "四兵平六"},
        Case{kFive, "a9b9", "++=8", "一兵平八"}, Case{kFive, "a8b8", "P+=8", "二兵平八"},
        Case{kFive, "a7b7", "P9=8", "三兵平八"}, Case{kFive, "a6b6", "P-=8", "四兵平八"},
        Case{kFive, "a5b5", "--=8", "五兵平八"},
        // Tandem soldiers on two files: the file replaces the piece.
        Case{kTwoFiles, "c7b7", "7+=8", "前七平八"}, Case{kTwoFiles, "c6b6", "77=8", "中七平八"},
        Case{kTwoFiles, "c5b5", "7-=8", "后七平八"}, Case{kTwoFiles, "g6h6", "3+=2", "前三平二"},
        Case{kTwoFiles, "g5h5", "3-=2", "后三平二"}, Case{kTwoFiles, "c7c8", "7++1", "前七进一"}));

TEST(Notation, LenientInput) {
  const Position start = pos_from(kStart);
  EXPECT_EQ(parse_wxf(start, "c2.5"), iccs("h2e2"));
  EXPECT_EQ(parse_wxf(start, "C2 = 5"), iccs("h2e2"));
  EXPECT_EQ(parse_wxf(start, "N2+3"), iccs("h0g2"));
  EXPECT_EQ(parse_wxf(start, "B3+5"), iccs("g0e2"));
  const Position rooks = pos_from(kRooks);
  EXPECT_EQ(parse_wxf(rooks, "+R=9"), iccs("e5a5"));
  EXPECT_EQ(parse_wxf(rooks, "-R-2"), iccs("e3e1"));
  EXPECT_EQ(parse_chinese(start, "砲二平五"), iccs("h2e2"));
  EXPECT_EQ(parse_chinese(start, "馬二進三"), iccs("h0g2"));
  EXPECT_EQ(parse_chinese(pos_from(kStartBlack), "马8进7"), iccs("h9g7"));
  EXPECT_EQ(parse_chinese(rooks, "後車退二"), iccs("e3e1"));
}

TEST(Notation, RefusesWhatIsNotALegalMove) {
  const Position start = pos_from(kStart);
  for (const char* s : {"", "C2=", "C2=0", "C5=4", "R1+10", "X2=5", "H2+4", "++=8", "\xff\xfe"})
    EXPECT_FALSE(parse_wxf(start, s).has_value()) << s;
  for (const char* s : {"", "炮二平", "炮十平五", "炮二平二", "马二进四", "\xff\xfe", "\xe7\x82"})
    EXPECT_FALSE(parse_chinese(start, s).has_value()) << s;
}

// Every legal move of every suite position has a distinct WXF and Chinese form, and both parse back.
TEST(Notation, UniqueAndRoundTripOnSuite) {
  for (const auto& c : testing::read_perft_cases("perft-suite.tsv")) {
    const Position pos = pos_from(c.fen);
    MoveList moves;
    generate_legal(pos, moves);
    std::set<std::string> wxf, chinese;
    for (Move m : moves) {
      const std::string w = to_wxf(pos, m), z = to_chinese(pos, m);
      EXPECT_TRUE(wxf.insert(w).second) << c.fen << " duplicate " << w;
      EXPECT_TRUE(chinese.insert(z).second) << c.fen << " duplicate " << z;
      EXPECT_EQ(parse_wxf(pos, w), m) << c.fen << " " << w;
      EXPECT_EQ(parse_chinese(pos, z), m) << c.fen << " " << z;
    }
  }
}

}  // namespace
}  // namespace chuhe::rules
