// Transposition table: store/probe, replacement, mate-score conversion.
#include <gtest/gtest.h>

#include "ai/tt.h"
#include "rules/notation.h"

namespace chuhe::ai {
namespace {

TEST(TT, StoreThenProbe) {
  TranspositionTable tt(1);
  const rules::Move m = *rules::parse_iccs("h2e2");
  EXPECT_EQ(tt.probe(0x1234), nullptr);
  tt.store(0x1234, 57, 40, Bound::Exact, 9, m);
  const TTEntry* e = tt.probe(0x1234);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->best_move(), m);
  EXPECT_EQ(e->score, 57);
  EXPECT_EQ(e->static_eval(), 40);
  EXPECT_EQ(e->bound(), Bound::Exact);
  EXPECT_EQ(e->search_depth(), 9);
  EXPECT_EQ(tt.probe(0x1235), nullptr);
}

TEST(TT, NoEvalAndNegativeDepths) {
  TranspositionTable tt(1);
  tt.store(42, -12, kNone, Bound::Upper, 0, rules::Move::none());
  const TTEntry* e = tt.probe(42);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->static_eval(), kNone);
  EXPECT_EQ(e->search_depth(), 0);
  EXPECT_FALSE(e->best_move());
}

TEST(TT, KeepsTheBestMoveWhenANewResultHasNone) {
  TranspositionTable tt(1);
  const rules::Move m = *rules::parse_iccs("b0c2");
  tt.store(99, 10, 0, Bound::Lower, 5, m);
  tt.store(99, -3, 0, Bound::Upper, 6, rules::Move::none());
  ASSERT_NE(tt.probe(99), nullptr);
  EXPECT_EQ(tt.probe(99)->best_move(), m);
  EXPECT_EQ(tt.probe(99)->search_depth(), 6);
}

TEST(TT, ClusterReplacementKeepsDeepEntries) {
  TranspositionTable tt(1);
  // Keys that share a cluster (same low bits) compete for its four slots.
  const std::uint64_t stride = 1ull << 40;
  tt.store(7, 1, 0, Bound::Exact, 30, rules::Move::none());  // deep
  for (int i = 1; i <= 10; ++i) tt.store(7 + stride * std::uint64_t(i), 1, 0, Bound::Exact, 1, rules::Move::none());
  ASSERT_NE(tt.probe(7), nullptr);
  tt.clear();
  EXPECT_EQ(tt.probe(7), nullptr);
}

TEST(TT, MateScoresAreStoredRelativeToTheNode) {
  // A mate found 5 plies below a node at ply 3 is "mate in 5" there, whatever the root distance.
  const Score at_root = mate_in(8);
  const Score stored = score_to_tt(at_root, 3);
  EXPECT_EQ(stored, mate_in(5));
  EXPECT_EQ(score_from_tt(stored, 6), mate_in(11));
  EXPECT_EQ(score_from_tt(score_to_tt(mated_in(9), 4), 4), mated_in(9));
  EXPECT_EQ(score_from_tt(score_to_tt(123, 7), 2), 123);
}

TEST(TT, HashfullCountsThisSearch) {
  TranspositionTable tt(1);
  EXPECT_EQ(tt.hashfull(), 0);
  for (std::uint64_t k = 0; k < 2000; ++k) tt.store(k, 0, 0, Bound::Exact, 3, rules::Move::none());
  EXPECT_GT(tt.hashfull(), 0);
  tt.new_search();
  EXPECT_EQ(tt.hashfull(), 0);
}

}  // namespace
}  // namespace chuhe::ai
